"""``handoff``: add a handoff item, or print a session's handoff (the newest by default)."""

from __future__ import annotations

from session_tracker.core import validate
from session_tracker.core.context import Context
from session_tracker.core.sessions import record, require_open, resolve
from session_tracker.documents import writer
from session_tracker.errors import TrackerError


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


def show(ctx: Context, session: str | None = None) -> dict[str, object]:
    """The handoff of ``session``, or of the newest ended session.

    Returns ``{"session", "ended", "handoff"}`` (``handoff`` is the markdown text).
    Raises:
        TrackerError: no session has ended yet; the named session is unknown or still open.
    """
    from session_tracker.core.summaries import load_summary_project

    project = load_summary_project(ctx.layout)  # enough to choose; the chosen one is read in full
    if session is None:
        ended = project.ended()
        if not ended:
            raise TrackerError("no session has ended yet, so there is no handoff", "end the current one with `session-tracker end`")
        chosen = ended[-1]
    else:
        validate.session_name(session)
        named = project.named(session)
        if not named:
            raise TrackerError(f"unknown session {session!r}", "see `session-tracker list`")
        chosen = named[-1]
        if chosen.ended is None:
            raise TrackerError(f"session {session} is still open; its handoff is written at end", f"see its progress with `session-tracker summary --session {session}`")
    project, full = writer.mixed_project(ctx, {chosen.name}, project)
    chosen = next(s for s in full if s.sid == chosen.sid)
    return {"session": chosen.name, "ended": chosen.end_moment, "handoff": writer.render_kind("handoff", chosen, project)}
