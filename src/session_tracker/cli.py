"""The click command line: parse, call one command function, print through ``output``.

No logic lives here (STYLE.md habit 1). Imported only when the fast path in
:mod:`session_tracker.entry` does not apply, because click costs ~40 ms to import.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from session_tracker import __version__, output, textviews
from session_tracker.context import Context
from session_tracker.errors import TrackerError
from session_tracker.events import CATEGORIES

SESSION_HELP = "Session name (default: $CURRENT_SESSION, else the one open session here)."


F = TypeVar("F", bound=Callable[..., Any])


def session_option(f: F) -> F:
    """``--session ID`` as every session command spells it."""
    return click.option("--session", "-s", metavar="ID", help=SESSION_HELP)(f)


def json_option(f: F) -> F:
    """``--json`` on every command that reports something."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON (stable, versioned shape).")(f)


def _one_message(positional: str | None, option: str | None, what: str = "message") -> str:
    if positional and option:
        raise TrackerError(f"the {what} was given twice", f"use either \"…\" or --{what} \"…\", not both")
    value = option if option is not None else positional
    if value is None:
        raise TrackerError(f"no {what} given", f'add it: --{what} "…"')
    return value


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="session-tracker")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
def main(debug: bool) -> None:
    """Track development sessions as append-only events in the repository, and derive the
    handoff, work log, decisions and file list from them.

    Start with `session-tracker init`, log as you go, finish with `session-tracker end`.
    """


@main.command()
@click.option("--session", "-s", metavar="ID", help="Session name to start (default: the next free number, e.g. 00003).")
@click.option("--objective", "-o", "objectives", multiple=True, metavar="TEXT", help="What this session sets out to do (repeatable).")
@json_option
def init(session: str | None, objectives: tuple[str, ...], as_json: bool) -> None:
    """Start a session and print the previous session's handoff."""
    from session_tracker.commands.init import init as run

    output.emit(run(Context(), session=session, objectives=objectives), as_json, textviews.init)


@main.command()
@click.argument("text", required=False, metavar="[MESSAGE]")
@click.option("--message", "-m", metavar="TEXT", help="What happened (or give it as the argument).")
@click.option("--category", "-c", type=str, metavar="NAME", help="One of: " + ", ".join(CATEGORIES) + ".")
@click.option("--at", metavar="TIME", help='When it happened, for retroactive tracking: "2026-11-21 13:45" or "13:45".')
@session_option
@json_option
def log(text: str | None, message: str | None, category: str | None, at: str | None, session: str | None, as_json: bool) -> None:
    """Add an entry to the session's work log."""
    from session_tracker.commands.log import log as run

    result = run(Context(), _one_message(text, message), category=category, at=at, session=session)
    output.emit(result, as_json, textviews.logged)


@main.command()
@click.argument("text", required=False, metavar="[MESSAGE]")
@click.option("--message", "-m", metavar="TEXT", help="The decision.")
@click.option("--rationale", "-r", metavar="TEXT", help="Why (required).")
@click.option("--alternative", "-a", "alternatives", multiple=True, metavar="TEXT", help="An option considered and not taken (repeatable).")
@click.option("--at", metavar="TIME", help="When it was decided (retroactive).")
@session_option
@json_option
def decision(text: str | None, message: str | None, rationale: str | None, alternatives: tuple[str, ...], at: str | None, session: str | None, as_json: bool) -> None:
    """Record a decision with its rationale (and the alternatives considered)."""
    from session_tracker.commands.decision import decision as run

    result = run(Context(), _one_message(text, message), rationale, alternatives, at=at, session=session)
    output.emit(result, as_json, textviews.decided)


@main.command()
@click.argument("text", required=False, metavar="[MESSAGE]")
@click.option("--message", "-m", metavar="TEXT", help="What blocks you (or, with --resolve, how it was resolved).")
@click.option("--resolve", "resolve_id", metavar="ID", help="Resolve the blocker with this id (e.g. 00003-1).")
@session_option
@json_option
def blocker(text: str | None, message: str | None, resolve_id: str | None, session: str | None, as_json: bool) -> None:
    """Open a blocker, or resolve one with --resolve ID --message "how"."""
    from session_tracker.commands import blocker as cmd

    body = _one_message(text, message)
    if resolve_id:
        output.emit(cmd.resolve_blocker(Context(), resolve_id, body, session=session), as_json, textviews.blocker_resolved)
    else:
        output.emit(cmd.open_blocker(Context(), body, session=session), as_json, textviews.blocker_opened)


@main.command()
@click.argument("session_id", required=False, metavar="[ID]")
@click.option("--item", "-i", "items", multiple=True, metavar="TEXT", help="Add an item for the next session instead of printing (repeatable).")
@click.option("--session", "-s", metavar="ID", help="Session to add items to.")
@json_option
def handoff(session_id: str | None, items: tuple[str, ...], session: str | None, as_json: bool) -> None:
    """Print the newest handoff (or session ID's), or add --item for the next session."""
    from session_tracker.commands import handoff as cmd

    if items:
        for item in items:
            output.emit(cmd.add_item(Context(), item, session=session or session_id), as_json, textviews.handoff_item)
    else:
        output.emit(cmd.show(Context(), session_id or session), as_json, textviews.handoff)


@main.command()
@session_option
@json_option
def summary(session: str | None, as_json: bool) -> None:
    """Duration, entries by category, decisions, open blockers, files changed, commits."""
    from session_tracker.commands.summary import summary as run

    output.emit(run(Context(), session=session), as_json, textviews.summary)


@main.command()
@click.option("--next", "-n", "next_steps", multiple=True, metavar="TEXT", help="What the next session should do (repeatable).")
@session_option
@json_option
def end(next_steps: tuple[str, ...], session: str | None, as_json: bool) -> None:
    """Capture git, mark the session COMPLETE and write its handoff."""
    from session_tracker.commands.end import end as run

    output.emit(run(Context(), next_steps=next_steps, session=session), as_json, textviews.ended)


@main.command("list")
@json_option
def list_cmd(as_json: bool) -> None:
    """Every session, oldest first."""
    from session_tracker.commands.listing import list_sessions

    output.emit(list_sessions(Context()), as_json, textviews.sessions)


@main.command()
@click.argument("session_id", metavar="ID")
@json_option
def show(session_id: str, as_json: bool) -> None:
    """One session in full, with its timeline."""
    from session_tracker.commands.listing import show as run

    output.emit(run(Context(), session_id), as_json, textviews.summary)


@main.command()
@json_option
def render(as_json: bool) -> None:
    """Regenerate every document from the events."""
    from session_tracker.commands.render import render as run

    output.emit(run(Context()), as_json, textviews.rendered)


@main.command()
@json_option
def doctor(as_json: bool) -> None:
    """Check the store: bad lines, duplicate ids, open sessions, hand-edited documents."""
    from session_tracker.commands.doctor import doctor as run

    result = run(Context())
    output.emit(result, as_json, textviews.doctor)
    if not result["ok"]:
        raise click.exceptions.Exit(1)


@main.command()
def makefile() -> None:
    """Print seed 001's Makefile targets wired to this CLI (for `include`)."""
    from session_tracker.commands.makefile import makefile as run

    output.echo(run().rstrip("\n"))
