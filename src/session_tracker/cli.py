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
from session_tracker.enforce import HOOK_NAMES
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
@click.option("--complexity", metavar="LEVEL", help="The project's complexity level (seed 002): Trivial, Small, Medium, Large or Huge.")
@click.option("--workflow", metavar="NAME", help="Seed the plan and checklist from a workflow (feature-development, bug-fix, performance-optimization, or .sessions/workflows/NAME.md).")
@json_option
def init(session: str | None, objectives: tuple[str, ...], complexity: str | None, workflow: str | None, as_json: bool) -> None:
    """Start a session and print the previous session's handoff."""
    from session_tracker.commands.init import init as run
    from session_tracker.commands.lifecycle import apply_workflow, init_extra

    ctx = Context()
    if complexity is not None:
        from session_tracker.commands.plan import check_complexity

        check_complexity(complexity)  # refused before the session starts: nothing half-applied
    extra = init_extra(ctx, workflow)  # an unknown workflow is refused before anything is written
    result = run(ctx, session=session, objectives=objectives, extra=extra or None)
    if workflow is not None:
        result["workflow_tasks"] = apply_workflow(ctx, workflow, str(result["session"]))
    if complexity is not None:
        from session_tracker.commands.plan import set_project

        set_project(ctx, complexity=complexity, session=str(result["session"]))
    output.emit(result, as_json, textviews.init)


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
@click.option("--impact", metavar="LEVEL", help="Low, Medium or High (seed 004's Blockers and Issues).")
@click.option("--plan", "resolution_plan", metavar="TEXT", help="How it will be resolved.")
@session_option
@json_option
def blocker(text: str | None, message: str | None, resolve_id: str | None, impact: str | None, resolution_plan: str | None, session: str | None, as_json: bool) -> None:
    """Open a blocker, or resolve one with --resolve ID --message "how"."""
    from session_tracker.commands import blocker as cmd

    body = _one_message(text, message)
    if resolve_id:
        if impact or resolution_plan:
            raise TrackerError("--impact and --plan describe a new blocker", "give them when opening it, not with --resolve")
        output.emit(cmd.resolve_blocker(Context(), resolve_id, body, session=session), as_json, textviews.blocker_resolved)
    else:
        result = cmd.open_blocker(Context(), body, session=session, impact=impact, plan=resolution_plan)
        output.emit(result, as_json, textviews.blocker_opened)


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
@click.option("--require-gates", is_flag=True, help="Refuse to end while a quality gate fails ([gates] in config.toml).")
@click.option("--force", is_flag=True, help="With --require-gates: end anyway, recording gate.overridden.")
@session_option
@json_option
def end(next_steps: tuple[str, ...], require_gates: bool, force: bool, session: str | None, as_json: bool) -> None:
    """Capture git, mark the session COMPLETE and write its handoff."""
    from session_tracker.commands.end import end as run

    result = run(Context(), next_steps=next_steps, session=session, require_gates=require_gates, force=force)
    output.emit(result, as_json, textviews.ended)


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
    from session_tracker.lifecycle.view import agents_text

    output.emit(run(Context(), session_id), as_json, lambda r: textviews.summary(r).rstrip("\n") + agents_text(r))


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


# --- Enforcement: check and git hooks (session_tracker.enforce) ---------------------------------

@main.command()
@click.option("--staged", is_flag=True, help="Judge the commit about to be made (what the pre-commit hook runs).")
@click.option("--range", "commit_range", metavar="A..B", help="Judge the commits in A..B and the store at B (CI).")
@json_option
def check(staged: bool, commit_range: str | None, as_json: bool) -> None:
    """Run the enforcement rules; exit 1 when one fails. Switch rules off in config.toml:
    [check] disable = ["session-trailer"]."""
    from session_tracker.commands.check import check as run
    from session_tracker.enforce import views

    result = run(Context(), staged=staged, commit_range=commit_range)
    output.emit(result, as_json, views.check)
    if not result["ok"]:
        raise click.exceptions.Exit(1)


@main.group()
def hooks() -> None:
    """Git hooks that keep work from landing untracked: pre-commit, commit-msg, post-commit."""


@hooks.command("install")
@click.option("--force", is_flag=True, help="Also into a hooks path outside the repository; resolve a chaining conflict.")
@json_option
def hooks_install(force: bool, as_json: bool) -> None:
    """Install the hooks (idempotent), chaining to any hook already there."""
    from session_tracker.commands import hooks as cmd
    from session_tracker.enforce import views

    output.emit(cmd.install(Context(), force=force), as_json, views.hooks)


@hooks.command("uninstall")
@json_option
def hooks_uninstall(as_json: bool) -> None:
    """Remove the hooks and put back exactly what was there before."""
    from session_tracker.commands import hooks as cmd
    from session_tracker.enforce import views

    output.emit(cmd.uninstall(Context()), as_json, views.hooks)


@hooks.command("status")
@json_option
def hooks_status(as_json: bool) -> None:
    """Which hooks are installed, and where."""
    from session_tracker.commands import hooks as cmd
    from session_tracker.enforce import views

    output.emit(cmd.status(Context()), as_json, views.hooks)


@hooks.command("run", context_settings={"ignore_unknown_options": True})
@click.argument("hook_name", metavar="HOOK", type=click.Choice(HOOK_NAMES))
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def hooks_run(hook_name: str, args: tuple[str, ...]) -> None:
    """Run one hook as git does (what the scripts and the pre-commit framework call)."""
    from session_tracker.commands import hooks as cmd

    raise click.exceptions.Exit(cmd.run_hook(hook_name, args))


# --- AI coding agents (session_tracker.agents, .mcp_server, .importers) -----------------------

AGENT_NAMES = ("claude-code", "codex", "gemini", "cursor")


@main.group()
def agent() -> None:
    """Install or remove the hooks of an AI coding agent (Claude Code, Codex, Gemini CLI, Cursor)."""


@agent.command("install")
@click.argument("name", type=click.Choice(AGENT_NAMES))
@click.option("--user", is_flag=True, help="Install in your home directory (every project) instead of this project.")
@click.option("--program", default="session-tracker", show_default=True, metavar="CMD", help="How the agent runs session-tracker.")
@json_option
def agent_install(name: str, user: bool, program: str, as_json: bool) -> None:
    """Write the agent's hook settings (merged with yours) and a short block of instructions."""
    from session_tracker.agents import install, views

    output.emit(install.install(Context(), name, user=user, program=program), as_json, views.installed)


@agent.command("uninstall")
@click.argument("name", type=click.Choice(AGENT_NAMES))
@click.option("--user", is_flag=True, help="Remove the hooks from your home directory's settings.")
@json_option
def agent_uninstall(name: str, user: bool, as_json: bool) -> None:
    """Remove session-tracker's hooks and instructions block; your own settings stay as they were."""
    from session_tracker.agents import install, views

    output.emit(install.uninstall(Context(), name, user=user), as_json, views.uninstalled)


@main.command()
@click.argument("name", type=click.Choice(AGENT_NAMES))
def hook(name: str) -> None:
    """Handle one hook event of an agent (JSON on stdin). Always exits 0."""
    from session_tracker.agents.hook import main as run

    raise click.exceptions.Exit(run(name))


@main.command()
@click.option("--actor", metavar="NAME", help="Who the events are written by (default: $SESSION_TRACKER_ACTOR, else mcp).")
def mcp(actor: str | None) -> None:
    """Serve the session tools over MCP on stdin/stdout (needs session-tracker[mcp])."""
    try:
        from session_tracker.mcp_server import serve
    except ImportError as exc:
        raise TrackerError(f"the MCP server needs the mcp package ({exc.name or exc} is missing)", "pip install 'session-tracker[mcp]'") from None
    serve(actor=actor)


@main.group("import")
def import_group() -> None:
    """Rebuild sessions from an agent's transcripts (retroactive tracking)."""


def _import(agent_name: str, paths: tuple[str, ...], as_json: bool, map_cwd: str | None) -> None:
    from session_tracker.agents import views
    from session_tracker.importers.run import import_transcripts

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


# --- Quality metrics: `metrics …` and `gate` (session_tracker.metrics) ---------------------------
from session_tracker.metrics.cli import gate_cmd, metrics_group

main.add_command(metrics_group)
main.add_command(gate_cmd)


# --- project tracker (issue 3): phase, milestone, component, task, question, next, … ---------
from session_tracker.cli_plan import register as _register_plan  # needs the group above, hence at the end

_register_plan(main)

# --- seed 003's lifecycle (issue 5): risk, check-item, review, memory, workflow -------------------
from session_tracker.cli_lifecycle import register as _register_lifecycle

_register_lifecycle(main)
