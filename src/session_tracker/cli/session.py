"""Session commands: init, log, decision, blocker, handoff, summary, end, list, show, render, doctor, makefile."""

from __future__ import annotations

import click

from session_tracker import output
from session_tracker.cli import complete
from session_tracker.cli.options import json_option, one_message, session_option
from session_tracker.core.context import Context
from session_tracker.core.events import CATEGORIES
from session_tracker.errors import TrackerError
from session_tracker.views import session as textviews


@click.command()
@click.option("--session", "-s", metavar="ID", help="Session name to start (default: the next free number, e.g. 00003).")
@click.option("--objective", "-o", "objectives", multiple=True, metavar="TEXT", help="What this session sets out to do (repeatable).")
@click.option("--complexity", metavar="LEVEL", help="The project's complexity level (progress.txt): Trivial, Small, Medium, Large or Huge.")
@click.option("--workflow", metavar="NAME", help="Start the plan and checklist from a workflow (feature-development, bug-fix, performance-optimization, or .sessions/workflows/NAME.md).")
@click.option("--preset", "presets", multiple=True, metavar="NAME", shell_complete=complete.presets,
              help="Which documents to render, kept in .sessions/config.toml: archive (the default: archive/sessions/), "
                   "tracker (SESSION_TRACKER.md, progress.txt, IMPLEMENTATION.md), lifecycle (.claude/sessions/, .claude/memory/) "
                   "or all; repeatable.")
@json_option
def init(session: str | None, objectives: tuple[str, ...], complexity: str | None, workflow: str | None,
         presets: tuple[str, ...], as_json: bool) -> None:
    """Start a session and print the previous session's handoff."""
    from session_tracker.commands.init import init as run
    from session_tracker.commands.lifecycle import apply_workflow, init_extra

    ctx = Context()
    if presets:
        from session_tracker.core.presets import choose

        choose(ctx.layout.config_file, [n.strip() for p in presets for n in p.split(",") if n.strip()])
        ctx = Context()  # read the configuration again, with the preset
    if complexity is not None:
        from session_tracker.plan.validate import check_complexity

        check_complexity(complexity)  # refused before the session starts: nothing half-applied
    extra = init_extra(ctx, workflow)  # an unknown workflow is refused before anything is written
    result = run(ctx, session=session, objectives=objectives, extra=extra or None)
    if workflow is not None:
        result["workflow_tasks"] = apply_workflow(ctx, workflow, str(result["session"]))
    if complexity is not None:
        from session_tracker.commands.plan import set_project

        set_project(ctx, complexity=complexity, session=str(result["session"]))
    output.emit(result, as_json, textviews.init)


@click.command()
@click.argument("text", required=False, metavar="[MESSAGE]")
@click.option("--message", "-m", metavar="TEXT", help="What happened (or give it as the argument).")
@click.option("--category", "-c", type=str, metavar="NAME", shell_complete=complete.categories,
              help="One of: " + ", ".join(CATEGORIES) + ".")
@click.option("--at", metavar="TIME", help='When it happened, for retroactive tracking: "2026-11-21 13:45" or "13:45".')
@click.option("--force", is_flag=True, help="Record an --at before the previous session ended anyway.")
@session_option
@json_option
def log(text: str | None, message: str | None, category: str | None, at: str | None, force: bool, session: str | None, as_json: bool) -> None:
    """Add an entry to the session's work log."""
    from session_tracker.commands.log import log as run

    result = run(Context(), one_message(text, message), category=category, at=at, session=session, force=force)
    output.emit(result, as_json, textviews.logged)


@click.command()
@click.argument("text", required=False, metavar="[MESSAGE]")
@click.option("--message", "-m", metavar="TEXT", help="The decision.")
@click.option("--rationale", "-r", metavar="TEXT", help="Why (required).")
@click.option("--alternative", "-a", "alternatives", multiple=True, metavar="TEXT", help="An option considered and not taken (repeatable).")
@click.option("--at", metavar="TIME", help="When it was decided (retroactive).")
@click.option("--force", is_flag=True, help="Record an --at before the previous session ended anyway.")
@session_option
@json_option
def decision(text: str | None, message: str | None, rationale: str | None, alternatives: tuple[str, ...], at: str | None, force: bool,
             session: str | None, as_json: bool) -> None:
    """Record a decision with its rationale (and the alternatives considered)."""
    from session_tracker.commands.decision import decision as run

    result = run(Context(), one_message(text, message), rationale, alternatives, at=at, session=session, force=force)
    output.emit(result, as_json, textviews.decided)


@click.command()
@click.argument("text", required=False, metavar="[MESSAGE]")
@click.option("--message", "-m", metavar="TEXT", help="What blocks you (or, with --resolve, how it was resolved).")
@click.option("--resolve", "resolve_id", metavar="ID", help="Resolve the blocker with this id (e.g. 00003-1).")
@click.option("--impact", metavar="LEVEL", help="Low, Medium or High (IMPLEMENTATION.md's Blockers and Issues).")
@click.option("--plan", "resolution_plan", metavar="TEXT", help="How it will be resolved.")
@session_option
@json_option
def blocker(text: str | None, message: str | None, resolve_id: str | None, impact: str | None, resolution_plan: str | None, session: str | None, as_json: bool) -> None:
    """Open a blocker, or resolve one with --resolve ID --message "how"."""
    from session_tracker.commands import blocker as cmd

    body = one_message(text, message)
    if resolve_id is not None:  # --resolve "" is a blocker id that does not exist, not "open one"
        if impact or resolution_plan:
            raise TrackerError("--impact and --plan describe a new blocker", "give them when opening it, not with --resolve")
        output.emit(cmd.resolve_blocker(Context(), resolve_id, body, session=session), as_json, textviews.blocker_resolved)
    else:
        result = cmd.open_blocker(Context(), body, session=session, impact=impact, plan=resolution_plan)
        output.emit(result, as_json, textviews.blocker_opened)


@click.command()
@click.argument("session_id", required=False, metavar="[ID]", shell_complete=complete.sessions)
@click.option("--item", "-i", "items", multiple=True, metavar="TEXT", help="Add an item for the next session instead of printing (repeatable).")
@click.option("--priority", "-p", type=int, metavar="N", help="With --item: 1 is the most urgent (default: after the others).")
@click.option("--session", "-s", metavar="ID", help="Session to add items to.")
@json_option
def handoff(session_id: str | None, items: tuple[str, ...], priority: int | None, session: str | None, as_json: bool) -> None:
    """Print the newest handoff (or session ID's), or add --item to the list of next steps."""
    from session_tracker.commands import handoff as cmd

    if items:
        for item in items:
            output.emit(cmd.add_item(Context(), item, session=session or session_id, priority=priority), as_json, textviews.handoff_item)
    else:
        output.emit(cmd.show(Context(), session_id or session), as_json, textviews.handoff)


@click.command()
@session_option
@json_option
def summary(session: str | None, as_json: bool) -> None:
    """Duration, entries by category, decisions, open blockers, files changed, commits."""
    from session_tracker.commands.summary import summary as run

    output.emit(run(Context(), session=session), as_json, textviews.summary)


@click.command()
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


@click.command("list")
@click.option("--limit", "-n", type=int, metavar="N", help="Only the newest N sessions (still oldest first).")
@click.option("--since", metavar="TIME", help="Only sessions started at or after TIME (ISO, a date, HH:MM, -2h …).")
@json_option
def list_cmd(limit: int | None, since: str | None, as_json: bool) -> None:
    """Every session, oldest first (from the index in .sessions/local/)."""
    from session_tracker.commands.listing import list_sessions

    output.emit(list_sessions(Context(), limit=limit, since=since), as_json, textviews.sessions)


@click.command()
@click.argument("query", nargs=-1, required=True)
@click.option("--session", "-s", metavar="ID", shell_complete=complete.sessions, help="Only this session (number, or a prefix of its id).")
@click.option("--type", "-t", "kinds", multiple=True, metavar="KIND",
              help="Only items of this kind (repeatable): entry, decision, blocker, next, task, question, handoff, commit, file, command …")
@click.option("--since", metavar="TIME", help="Only items at or after TIME (ISO, a date, HH:MM, -2h …).")
@click.option("--until", metavar="TIME", help="Only items at or before TIME.")
@click.option("--agent", metavar="NAME", help="Only items written by this agent, or in sessions it started (claude-code, codex …).")
@click.option("--file", "path", metavar="PATH", help="Only sessions that touched this file.")
@click.option("--limit", "-n", type=int, default=20, show_default=True, metavar="N", help="At most N results.")
@json_option
def search(query: tuple[str, ...], session: str | None, kinds: tuple[str, ...], since: str | None, until: str | None,
           agent: str | None, path: str | None, limit: int, as_json: bool) -> None:
    """Full-text search over every session: "a phrase", prefix*, AND/OR/NOT; best match first."""
    from session_tracker.commands.search import search as run

    result = run(Context(), " ".join(query), session=session, kinds=kinds, since=since, until=until, agent=agent, path=path, limit=limit)
    output.emit(result, as_json, textviews.search_results)


@click.command()
@click.argument("session_id", metavar="ID", shell_complete=complete.sessions)
@json_option
def show(session_id: str, as_json: bool) -> None:
    """One session in full, with its timeline."""
    from session_tracker.commands.listing import show as run
    output.emit(run(Context(), session_id), as_json, textviews.show)


@click.command()
@json_option
def render(as_json: bool) -> None:
    """Regenerate every document from the events."""
    from session_tracker.commands.render import render as run

    output.emit(run(Context()), as_json, textviews.rendered)


@click.command()
@click.option("--secrets", is_flag=True, help="Also scan the events and documents for secrets already on disk.")
@click.option("--fix", is_flag=True, help="Move unreadable lines into .sessions/quarantine/ (recording file:line).")
@json_option
def doctor(secrets: bool, fix: bool, as_json: bool) -> None:
    """Check the store: bad lines, duplicate ids, open sessions, hand-edited documents, capture health."""
    from session_tracker.commands.doctor import doctor as run
    from session_tracker.importers.health import check

    ctx = Context()
    result = run(ctx, secrets=secrets, fix=fix)
    result["findings"] = [*result["findings"], *check(ctx)]  # type: ignore[misc]
    output.emit(result, as_json, textviews.doctor)
    if not result["ok"]:
        raise click.exceptions.Exit(1)


@click.command()
def makefile() -> None:
    """Print the Makefile targets wired to this CLI (for `include`)."""
    from session_tracker.commands.makefile import makefile as run

    output.echo(run().rstrip("\n"))
