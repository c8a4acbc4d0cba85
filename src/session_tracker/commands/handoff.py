"""``handoff``: add a handoff item, or print a session's handoff (the newest by default)."""

from __future__ import annotations

from session_tracker.core import validate
from session_tracker.core.context import Context
from session_tracker.core.sessions import record, require_open, resolve
from session_tracker.documents import writer
from session_tracker.errors import TrackerError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from session_tracker.core.model import Project, Session


def add_item(ctx: Context, message: str, session: str | None = None) -> dict[str, object]:
    """Record a ``handoff.item`` (it lands in the handoff's next steps).

    Returns ``{"session", "id", "item"}``.
    Raises:
        TrackerError: empty text, no open session.
    """
    text = validate.text(message, "item")
    target = require_open(resolve(ctx, session))
    event = record(ctx, target, "handoff.item", {"message": text})
    writer.write_session(ctx, target.name, target.sid, kinds=("log",))
    writer.write_project(ctx)  # SESSION_TRACKER.md lists handoff items (doctor flagged it stale)
    return {"session": target.name, "id": event.id, "item": text}


#: What a handoff needs of the other sessions: blockers (open at its end), metrics (the delta).
OTHERS = frozenset({"blocker.opened", "blocker.resolved", "metrics.recorded"})


def handoff_of(ctx: Context, name: str | None) -> tuple[Session | None, Project | None]:
    """The newest ended session called ``name`` (None: the newest ended one), read in full, and
    the project view its handoff is rendered with (other sessions' blockers and metrics from
    the index, one connection). ``(None, project)`` when no session of that name has ended,
    ``(None, None)`` when none has ended at all."""
    from session_tracker import index
    from session_tracker.index import query

    conn = index.connect_fresh(ctx.layout)
    try:
        name = name or query.newest_ended(conn)
        if name is None:
            return None, None
        project, full = query.project(conn, ctx.layout, {name}, OTHERS, sparse=True)
    finally:
        conn.close()
    ended = sorted((s for s in full if s.ended is not None), key=lambda s: s.end_moment)
    return (ended[-1] if ended else None), project


def show(ctx: Context, session: str | None = None) -> dict[str, object]:
    """The handoff of ``session``, or of the newest ended session.

    Reads that session's event file, and of the others only their blockers and metrics from
    the index.

    Returns ``{"session", "ended", "handoff"}`` (``handoff`` is the markdown text).
    Raises:
        TrackerError: no session has ended yet; the named session is unknown or still open.
    """
    if session is not None:
        validate.session_name(session)
    chosen, project = handoff_of(ctx, session)
    if project is None:
        raise TrackerError("no session has ended yet, so there is no handoff", "end the current one with `session-tracker end`")
    if chosen is None:
        if not project.named(str(session)):
            raise TrackerError(f"unknown session {session!r}", "see `session-tracker list`")
        raise TrackerError(f"session {session} is still open; its handoff is written at end", f"see its progress with `session-tracker summary --session {session}`")
    return {"session": chosen.name, "ended": chosen.end_moment, "handoff": writer.render_kind("handoff", chosen, project)}
