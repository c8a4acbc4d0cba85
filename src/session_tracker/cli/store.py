"""Store commands of issue 11: ``renumber`` and ``migrate``."""

from __future__ import annotations

import click

from session_tracker import output
from session_tracker.cli.options import json_option
from session_tracker.core.context import Context


@click.command()
@click.argument("session_id", metavar="ID")
@click.option("--to", metavar="NUMBER", help="The new number (default: the next free one).")
@json_option
def renumber(session_id: str, to: str | None, as_json: bool) -> None:
    """Give session ID (its id or a unique prefix) a new number, by an event."""
    from session_tracker.commands.renumber import renumber as run
    from session_tracker.core import capture

    ctx = Context()
    repo, _ = capture.repo_for(ctx)
    result = run(ctx, session_id, to, repo.common_dir if repo else None)
    output.emit(result, as_json, lambda r: f"session {r['sid']} is now {r['session']} (was {r['previous']}): {r['file']}")


@click.command()
@json_option
def migrate(as_json: bool) -> None:
    """Upgrade a store an older release wrote (merge=union, committed documents)."""
    from session_tracker.commands.migrate import migrate as run

    result = run(Context())
    changes: list[str] = result["changes"]  # type: ignore[assignment]
    output.emit(result, as_json, lambda r: "\n".join(changes) or "nothing to migrate: the store is current")
