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
    target = require_open(resolve(ctx, session))
    if when is not None:
        from session_tracker.core.retro import check_at

        check_at(ctx.layout, target, when, force)
    event = record(ctx, target, "note", {"message": text, "category": chosen}, at=when)
    written = writer.write_session(ctx, target.file, target.sid, kinds=("log",), known=target, durable=False)
    return {
        "session": target.name,
        "id": event.id,
        "category": chosen,
        "at": event.moment,
        "documents": [ctx.layout.relative(p) for p in written],
    }
