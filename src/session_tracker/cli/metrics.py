"""The click faces of the metrics commands (``metrics …`` and ``gate``), added to the main group.

Thin: parse, call one function of :mod:`session_tracker.commands.metrics` / ``.gate``, print.
"""

from __future__ import annotations

import click

from session_tracker import output
from session_tracker.cli.options import json_option, session_option
from session_tracker.core.context import Context
from session_tracker.metrics.parsers import KINDS
from session_tracker.views import metrics as views


@click.group("metrics")
def metrics_group() -> None:
    """Tests, coverage, lint and type results per session: run, import, record, show, history."""


@metrics_group.command("run")
@session_option
@json_option
def run_cmd(session: str | None, as_json: bool) -> None:
    """Run the checks (zero-config: pytest, coverage, ruff, mypy in the project's environment) and record their numbers.

    Exits 1 when a check could not run (its numbers would not be the project's); failing
    tests, lint and type errors are data and exit 0.
    """
    from session_tracker.commands.metrics import not_run, run

    result = run(Context(), session=session)
    output.emit(result, as_json, views.shown)
    problem = not_run(result)
    if problem is not None:
        raise problem


@metrics_group.command("import")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("--format", "kind", type=click.Choice(KINDS), help="The reports' format (default: detected from content).")
@session_option
@json_option
def import_cmd(files: tuple[str, ...], kind: str | None, session: str | None, as_json: bool) -> None:
    """Record reports made elsewhere (CI artefacts): JUnit, coverage, lint and type reports."""
    from session_tracker.commands.metrics import import_reports

    output.emit(import_reports(Context(), files, kind=kind, session=session), as_json, views.shown)


@metrics_group.command("record")
@click.option("--tests-passed", type=int, metavar="N")
@click.option("--tests-failed", type=int, metavar="N")
@click.option("--tests-errors", type=int, metavar="N")
@click.option("--tests-skipped", type=int, metavar="N")
@click.option("--coverage", "coverage_percent", type=float, metavar="PERCENT")
@click.option("--branch-coverage", "branch_percent", type=float, metavar="PERCENT")
@click.option("--lint-errors", type=int, metavar="N")
@click.option("--type-errors", type=int, metavar="N")
@session_option
@json_option
def record_cmd(session: str | None, as_json: bool, **numbers: float | None) -> None:
    """Record numbers by hand."""
    from session_tracker.commands.metrics import record_manual

    output.emit(record_manual(Context(), session=session, **numbers), as_json, views.shown)


@metrics_group.command("show")
@session_option
@json_option
def show_cmd(session: str | None, as_json: bool) -> None:
    """The latest values and the change since the previous session."""
    from session_tracker.commands.metrics import show

    output.emit(show(Context(), session=session), as_json, views.shown)


@metrics_group.command("history")
@json_option
def history_cmd(as_json: bool) -> None:
    """Every session's metrics, with sparklines."""
    from session_tracker.commands.metrics import history

    output.emit(history(Context()), as_json, views.history)


@metrics_group.command("session")
@session_option
@json_option
def session_cmd(session: str | None, as_json: bool) -> None:
    """The session lifecycle's metrics (completion, quality, time, bugs, docs) and score."""
    from session_tracker.commands.metrics import session_metrics

    output.emit(session_metrics(Context(), session=session), as_json, views.session)


@click.command("gate")
@session_option
@json_option
def gate_cmd(session: str | None, as_json: bool) -> None:
    """Check the quality gates ([gates] in config.toml); exit 1 listing each failing rule."""
    from session_tracker.commands.gate import gate

    result = gate(Context(), session=session)
    output.emit(result, as_json, views.gate)
    if not result["ok"]:
        raise click.exceptions.Exit(1)
