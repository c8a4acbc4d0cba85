"""``log``: add a work-log entry (seed 001). On the hot path: imports stay light."""

from __future__ import annotations

from session_tracker.core import validate
from session_tracker.core.clock import iso, parse_at
from session_tracker.core.context import Context
from session_tracker.core.sessions import record, require_open, resolve
from session_tracker.documents import writer


def log(
    ctx: Context,
    message: str,
    category: str | None = None,
    at: str | None = None,
    session: str | None = None,
    force: bool = False,
) -> dict[str, object]:
    """Record a ``note`` event in the session and re-render its LOG.md.

    Args:
        message: what happened.
        category: one of seed 001's categories; default ``[log] default_category``.
        at: when it happened, for retroactive tracking (``"2026-11-21 13:45"``, ``"13:45"``).
        session: the session name; see :func:`session_tracker.core.sessions.resolve`.
        force: record an ``at`` before the previous session ended anyway.
    Returns:
        ``{"session", "id", "category", "at", "documents"}``.
    Raises:
        TrackerError: empty/oversized/control-character message, unknown category, bad time
        (future, or before the previous session ended without ``force``),
        no such or no open session.
    """
    text = validate.text(message)
    chosen = validate.category(category or str(ctx.config["log"]["default_category"]))
    when = iso(parse_at(at)) if at else None
    if when is None:  # a long session: append LOG.md's row without reading the session (documents/worklog.py)
        from session_tracker.documents.worklog import try_append

        fast = try_append(ctx, {"message": text, "category": chosen}, session)
        if fast is not None:
            event, name, stem, written = fast
            if written is None:  # LOG.md changed meanwhile: render it in full
                written = writer.write_session(ctx, stem, event.sid, kinds=("log",), durable=False)
            return {"session": name, "id": event.id, "category": chosen, "at": event.moment,
                    "documents": [ctx.layout.relative(p) for p in written]}
    target = require_open(resolve(ctx, session))
    if when is not None:
        from session_tracker.core.retro import check_at
        from session_tracker.index import previous_end

        check_at(target, when, "" if force else previous_end(ctx.layout, target), force)
    event = record(ctx, target, "note", {"message": text, "category": chosen}, at=when)
    written = writer.write_session(ctx, target.file, target.sid, kinds=("log",), known=target, durable=False)
    return {
        "session": target.name,
        "id": event.id,
        "category": chosen,
        "at": event.moment,
        "documents": [ctx.layout.relative(p) for p in written],
    }
