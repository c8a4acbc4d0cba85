"""``handoff``: add a handoff item, or print a session's handoff (the newest by default)."""

from __future__ import annotations

from session_tracker.core import validate
from session_tracker.core.context import Context
from session_tracker.core.sessions import find, record, require_open, resolve
from session_tracker.documents import writer
from session_tracker.documents.handoff_view import rendered
from session_tracker.errors import TrackerError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3


def add_item(ctx: Context, message: str, session: str | None = None, priority: int | None = None) -> dict[str, object]:
    """Record a ``handoff.item``: a step on the one list of next steps
    (:mod:`session_tracker.plan.steps`), open until ``next --done ID``.

    Returns ``{"session", "id", "step", "item", "priority"}`` (``id`` the event's, ``step`` the
    step's id on the list).
    Raises:
        TrackerError: empty text, a priority below 1, no open session.
    """
    from session_tracker.plan.steps import DEFAULT_PRIORITY, session_step_id

    text = validate.text(message, "item")
    if priority is not None and priority < 1:
        raise TrackerError(f"priority {priority} is below 1", "1 is the most urgent")
    target = require_open(resolve(ctx, session))
    data: dict[str, object] = {"message": text}
    if priority is not None:
        data["priority"] = priority
    event = record(ctx, target, "handoff.item", data)
    writer.write_session(ctx, target.file, target.sid, kinds=("log",))
    writer.write_project(ctx)  # SESSION_TRACKER.md, progress.txt and IMPLEMENTATION.md list the steps
    return {"session": target.name, "id": event.id, "step": session_step_id(event.id), "item": text,
            "priority": priority or DEFAULT_PRIORITY}





def newest(ctx: Context, conn: sqlite3.Connection | None = None) -> dict[str, object] | None:
    """The handoff (``handoff_view.rendered``) of the newest ended session (by end time, then
    number), or None when no session has ended. ``conn``: the caller's connection, already
    brought up to date (else one is opened)."""
    from session_tracker import index
    from session_tracker.index import query

    if conn is None:
        own = index.connect_fresh(ctx.layout)
        try:
            return newest(ctx, own)
        finally:
            own.close()
    found = query.newest_ended(conn)
    return rendered(ctx, conn, *found) if found is not None else None


def show(ctx: Context, session: str | None = None) -> dict[str, object]:
    """The handoff of ``session``, or of the newest ended session.

    Reads that session's event file, and of the others only their blockers and metrics from
    the index; the text is kept there until one of them changes
    (:func:`session_tracker.documents.handoff_view.rendered`).

    Returns ``{"session", "ended", "handoff"}`` (``handoff`` is the markdown text).
    Raises:
        TrackerError: no session has ended yet; the named session is unknown or still open.
    """
    from session_tracker.index.stamps import trust_directories

    trust_directories()  # one session's command: the directories tell what changed (index/stamps.py)
    from session_tracker import index

    if session is None:
        result = newest(ctx)
        if result is None:
            raise TrackerError("no session has ended yet, so there is no handoff", "end the current one with `session-tracker end`")
        return result
    validate.session_name(session)
    found = find(ctx, session, unknown_hint="see `session-tracker list`")
    if found.ended is None:
        raise TrackerError(f"session {session} is still open; its handoff is written at end", f"see its progress with `session-tracker summary --session {session}`")
    conn = index.connect_fresh(ctx.layout)
    try:
        shown = rendered(ctx, conn, found.file, found.sid)
    finally:
        conn.close()
    if shown is None:  # the file changed under us
        raise TrackerError(f"session {session} has no handoff yet", "see `session-tracker list`")
    return shown
