"""AI coding agents: ``agent install|uninstall``, ``hook``, ``mcp`` and ``import``."""

from __future__ import annotations

import click

from session_tracker import output
from session_tracker.cli.options import json_option
from session_tracker.core.context import Context
from session_tracker.errors import TrackerError

AGENT_NAMES = ("claude-code", "codex", "gemini", "cursor")


@click.group()
def agent() -> None:
    """Install or remove the hooks of an AI coding agent (Claude Code, Codex, Gemini CLI, Cursor)."""


@agent.command("install")
@click.argument("name", type=click.Choice(AGENT_NAMES))
@click.option("--user", is_flag=True, help="Install in your home directory (every project) instead of this project.")
@click.option("--program", default="session-tracker", show_default=True, metavar="CMD", help="How the agent runs session-tracker.")
@json_option
def agent_install(name: str, user: bool, program: str, as_json: bool) -> None:
    """Write the agent's hook settings (merged with yours) and a short block of instructions."""
    from session_tracker.agents import install
    from session_tracker.views import agents as views

    output.emit(install.install(Context(), name, user=user, program=program), as_json, views.installed)


@agent.command("uninstall")
@click.argument("name", type=click.Choice(AGENT_NAMES))
@click.option("--user", is_flag=True, help="Remove the hooks from your home directory's settings.")
@json_option
def agent_uninstall(name: str, user: bool, as_json: bool) -> None:
    """Remove session-tracker's hooks and instructions block; your own settings stay as they were."""
    from session_tracker.agents import install
    from session_tracker.views import agents as views

    output.emit(install.uninstall(Context(), name, user=user), as_json, views.uninstalled)


@click.command()
@click.argument("name", type=click.Choice(AGENT_NAMES))
def hook(name: str) -> None:
    """Handle one hook event of an agent (JSON on stdin). Always exits 0."""
    from session_tracker.hooks.agent import main as run

    raise click.exceptions.Exit(run(name))


@click.command()
@click.option("--actor", metavar="NAME", help="Who the events are written by (default: $SESSION_TRACKER_ACTOR, else mcp).")
def mcp(actor: str | None) -> None:
    """Serve the session tools over MCP on stdin/stdout (needs session-tracker[mcp])."""
    try:
        from session_tracker.mcp.server import serve
    except ImportError as exc:
        raise TrackerError(f"the MCP server needs the mcp package ({exc.name or exc} is missing)", "pip install 'session-tracker[mcp]'") from None
    serve(actor=actor)


@click.command("receipts")
@click.option("--session", "-s", metavar="ID", help="That session's receipts (default: the newest session with any).")
@click.option("--all", "every", is_flag=True, help="Every session's receipts, oldest first.")
@json_option
def receipts(session: str | None, every: bool, as_json: bool) -> None:
    """What agents were told at SessionStart: characters, tokens, what was kept and what was cut."""
    from session_tracker.commands.receipts import receipts as run
    from session_tracker.views import agents as views

    output.emit(run(Context(), session=session, every=every), as_json, views.receipts)


@click.group("import")
def import_group() -> None:
    """Rebuild sessions from an agent's transcripts (retroactive tracking)."""


def _import(agent_name: str, paths: tuple[str, ...], as_json: bool, map_cwd: str | None) -> None:
    from session_tracker.importers.run import import_transcripts
    from session_tracker.views import agents as views

    with views.progress_bar(enabled=not as_json) as step:
        result = import_transcripts(Context(), agent_name, list(paths), progress=step, map_cwd=map_cwd)
    output.emit(result, as_json, views.imported)


map_cwd_option = click.option(
    "--map-cwd", metavar="OLD", default=None,
    help="The directory this repository was in when the transcripts were written (another machine, a moved "
    "checkout, a Windows path): their paths are read as paths here. Without it such transcripts are skipped.",
)


@import_group.command("claude-code")
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@map_cwd_option
@json_option
def import_claude_code(paths: tuple[str, ...], map_cwd: str | None, as_json: bool) -> None:
    """Claude Code transcripts (default: ~/.claude/projects/<this project>/), with their subagents."""
    _import("claude-code", paths, as_json, map_cwd)


@import_group.command("codex")
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@map_cwd_option
@json_option
def import_codex(paths: tuple[str, ...], map_cwd: str | None, as_json: bool) -> None:
    """Codex rollouts (default: ~/.codex/sessions/, those run in this project)."""
    _import("codex", paths, as_json, map_cwd)
