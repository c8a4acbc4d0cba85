"""``handoff``: add a handoff item, or print a session's handoff (the newest by default)."""

from __future__ import annotations

from session_tracker.core import validate
from session_tracker.core.context import Context
from session_tracker.core.select import choose
from session_tracker.core.sessions import record, require_open, resolve
from session_tracker.documents import writer
from session_tracker.errors import TrackerError


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
        found = choose(project.sessions, session)
        if found is None:
            raise TrackerError(f"unknown session {session!r}", "see `session-tracker list`")
        chosen = found
        if chosen.ended is None:
            raise TrackerError(f"session {session} is still open; its handoff is written at end", f"see its progress with `session-tracker summary --session {session}`")
    project, full = writer.mixed_project(ctx, {chosen.file}, project)
    chosen = next(s for s in full if s.sid == chosen.sid)
    return {"session": chosen.name, "ended": chosen.end_moment, "handoff": writer.render_kind("handoff", chosen, project)}
