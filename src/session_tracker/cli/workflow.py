"""The click commands of seed 003's lifecycle (issue 5): risk, check-item, review, memory and
workflow. Parsing only; each calls one function in :mod:`session_tracker.commands.lifecycle`.
Registered on the main group by :func:`register` (called from ``cli.py``)."""

from __future__ import annotations

import json

import click

from session_tracker import output
from session_tracker.cli.options import json_option, session_option
from session_tracker.core.context import Context
from session_tracker.views import workflow as views


def _lines(result: dict[str, object]) -> str:
    return json.dumps(result, indent=2, ensure_ascii=False)


@click.command()
@click.option("--message", "-m", required=True, metavar="TEXT", help="What could go wrong.")
@click.option("--mitigation", metavar="TEXT", help="How to handle it (required).")
@session_option
@json_option
def risk(message: str, mitigation: str | None, session: str | None, as_json: bool) -> None:
    """Record a risk and its mitigation (the session lifecycle's Risk Mitigation)."""
    from session_tracker.commands.lifecycle import risk as run

    output.emit(run(Context(), message, mitigation, session=session), as_json, views.risk_recorded)


@click.command("check-item")
@click.argument("item")
@click.option("--done/--not-done", default=True, help="Whether the item holds (default: done).")
@session_option
@json_option
def check_item(item: str, done: bool, session: str | None, as_json: bool) -> None:
    """Confirm a checklist item the metrics cannot measure, e.g. "Documentation updated"."""
    from session_tracker.commands.lifecycle import check_item as run

    def text(r: dict[str, object]) -> str:
        rows = r["checklist"]
        assert isinstance(rows, list)
        return "\n".join(f"[{'x' if row['done'] else ' '}] {row['item']} — {row['detail']}" for row in rows)

    output.emit(run(Context(), item, done, session=session), as_json, text)


@click.command()
@click.option("--worked", multiple=True, metavar="TEXT", help="What worked (repeatable).")
@click.option("--failed", multiple=True, metavar="TEXT", help="What failed (repeatable).")
@click.option("--lesson", "lessons", multiple=True, metavar="TEXT", help="A lesson learned (repeatable).")
@session_option
@json_option
def review(worked: tuple[str, ...], failed: tuple[str, ...], lessons: tuple[str, ...], session: str | None, as_json: bool) -> None:
    """Record the session's review (the session lifecycle's Review Phase), before `end`."""
    from session_tracker.commands.lifecycle import review as run

    output.emit(run(Context(), worked, failed, lessons, session=session), as_json, views.review_recorded)


@click.group()
def memory() -> None:
    """Project memory (.claude/memory/): architecture, patterns, decisions, errors."""


@memory.command("add")
@click.argument("kind", metavar="KIND")
@click.option("--message", "-m", required=True, metavar="TEXT")
@click.option("--rationale", metavar="TEXT", help="Decisions: why.")
@click.option("--context", "context_text", metavar="TEXT", help="Decisions: the situation that called for it.")
@click.option("--alternative", "alternatives", multiple=True, metavar="TEXT", help="Decisions: an option not taken (repeatable).")
@click.option("--supersedes", type=int, metavar="N", help="Decisions: the number of the record this one replaces (ADR-N).")
@session_option
@json_option
def memory_add(kind: str, message: str, rationale: str | None, context_text: str | None, alternatives: tuple[str, ...],
               supersedes: int | None, session: str | None, as_json: bool) -> None:
    """Add to memory: KIND is architecture, patterns, decisions or errors."""
    from session_tracker.commands.lifecycle import memory_add as run

    result = run(Context(), kind, message, rationale, context_text, alternatives, supersedes, session=session)
    output.emit(result, as_json, views.memory_added)


@memory.command("show")
@click.argument("kind", required=False, metavar="[KIND]")
@json_option
def memory_show(kind: str | None, as_json: bool) -> None:
    """Print the memory files (all, or one KIND)."""
    from session_tracker.commands.lifecycle import memory_show as run

    def text(r: dict[str, object]) -> str:
        files = r["memory"]
        assert isinstance(files, dict)
        return "\n".join(str(v) for v in files.values()).rstrip("\n")

    output.emit(run(Context(), kind), as_json, text)


@click.group()
def workflow() -> None:
    """Reusable workflows: built-in and .sessions/workflows/NAME.md."""


@workflow.command("list")
@json_option
def workflow_list(as_json: bool) -> None:
    """Every workflow with its source."""
    from session_tracker.commands.lifecycle import workflow_list as run

    def text(r: dict[str, object]) -> str:
        rows = r["workflows"]
        assert isinstance(rows, list)
        return "\n".join(f"{w['name']}  {w['title']}  ({w['source']})" for w in rows)

    output.emit(run(Context()), as_json, text)


@workflow.command("show")
@click.argument("name")
@json_option
def workflow_show(name: str, as_json: bool) -> None:
    """One workflow's steps and checklist."""
    from session_tracker.commands.lifecycle import workflow_show as run

    output.emit(run(Context(), name), as_json, _lines)


def register(main: click.Group) -> None:
    for command in (risk, check_item, review, memory, workflow):
        main.add_command(command)
