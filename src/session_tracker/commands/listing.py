"""``list`` and ``show``: every session at a glance, or one in full."""

from __future__ import annotations

from session_tracker.commands.summary import describe
from session_tracker.core import validate
from session_tracker.core.clock import iso, now
from session_tracker.core.context import Context
from session_tracker.core.model import load_project
from session_tracker.core.select import choose
from session_tracker.core.sessions import open_here
from session_tracker.errors import TrackerError


def list_sessions(ctx: Context) -> dict[str, object]:
    """All sessions, oldest first.

    Returns ``{"v": 1, "sessions": [{session, sid, status, open_here, started, ended,
    duration_s, branch, entries, decisions, objective}], "problems": ["file:line: why"]}``.
    """
    project = load_project(ctx.layout)
    here = open_here(ctx.layout)
    until = iso(now())
    rows = []
    for s in project.sessions:
        git = s.git_start or {}
        rows.append(
            {
                "session": s.name,
                "sid": s.sid,
                "status": s.status,
                "open_here": here.get(s.file) == s.sid,
                "started": s.start_moment,
                "ended": s.end_moment or None,
                "duration_s": round(s.duration_s(until=until), 3),
                "branch": git.get("branch"),
                "entries": len(s.of_type("note")),
                "decisions": len(s.of_type("decision")),
                "objective": (s.objectives or [""])[0],
            }
        )
    return {"v": 1, "sessions": rows, "problems": [str(p) for p in project.problems]}


def show(ctx: Context, session: str) -> dict[str, object]:
    """One session in full: :func:`describe` plus its timeline of entries.

    Raises:
        TrackerError: invalid or unknown session name.
    """
    validate.session_name(session)
    project = load_project(ctx.layout)
    found = choose(project.sessions, session)
    if found is None:
        raise TrackerError(f"unknown session {session!r}", "see `session-tracker list`")
    chosen = found
    from session_tracker.core import private

    result = describe(chosen, project, private.load(private.path_for(ctx.layout.local_dir, chosen.file)))
    result["timeline"] = [
        {"id": e.id, "type": e.type, "at": e.moment, "actor": e.actor, "data": e.data} for e in chosen.timeline()
    ]
    from session_tracker.workflow.view import agents_view

    result["agents"] = agents_view(chosen, ctx.layout)  # seed 003: the session's tasks grouped by agent
    return result
