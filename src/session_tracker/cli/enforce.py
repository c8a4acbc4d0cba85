"""Enforcement commands: ``check`` and the ``hooks`` group."""

from __future__ import annotations

import click

from session_tracker import output
from session_tracker.cli.options import json_option
from session_tracker.core.context import Context
from session_tracker.enforce import HOOK_NAMES


@click.command()
@click.option("--staged", is_flag=True, help="Judge the commit about to be made (what the pre-commit hook runs).")
@click.option("--range", "commit_range", metavar="A..B", help="Judge the commits in A..B and the store at B (CI).")
@json_option
def check(staged: bool, commit_range: str | None, as_json: bool) -> None:
    """Run the enforcement rules; exit 1 when one fails. Switch rules off in config.toml:
    [check] disable = ["session-trailer"]."""
    from session_tracker.commands.check import check as run
    from session_tracker.views import enforce as views

    result = run(Context(), staged=staged, commit_range=commit_range)
    output.emit(result, as_json, views.check)
    if not result["ok"]:
        raise click.exceptions.Exit(1)


@click.group()
def hooks() -> None:
    """Git hooks that keep work from landing untracked: pre-commit, commit-msg, post-commit."""


@hooks.command("install")
@click.option("--force", is_flag=True, help="Also into a hooks path outside the repository; resolve a chaining conflict.")
@json_option
def hooks_install(force: bool, as_json: bool) -> None:
    """Install the hooks (idempotent), chaining to any hook already there."""
    from session_tracker.commands import hooks as cmd
    from session_tracker.views import enforce as views

    output.emit(cmd.install(Context(), force=force), as_json, views.hooks)


@hooks.command("uninstall")
@json_option
def hooks_uninstall(as_json: bool) -> None:
    """Remove the hooks and put back exactly what was there before."""
    from session_tracker.commands import hooks as cmd
    from session_tracker.views import enforce as views

    output.emit(cmd.uninstall(Context()), as_json, views.hooks)


@hooks.command("status")
@json_option
def hooks_status(as_json: bool) -> None:
    """Which hooks are installed, and where."""
    from session_tracker.commands import hooks as cmd
    from session_tracker.views import enforce as views

    output.emit(cmd.status(Context()), as_json, views.hooks)


@hooks.command("run", context_settings={"ignore_unknown_options": True})
@click.argument("hook_name", metavar="HOOK", type=click.Choice(HOOK_NAMES))
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def hooks_run(hook_name: str, args: tuple[str, ...]) -> None:
    """Run one hook as git does (what the scripts and the pre-commit framework call)."""
    from session_tracker.hooks.git import main as run

    raise click.exceptions.Exit(run([hook_name, *args]))
