"""``receipts``: what the agents were told at SessionStart — each ``context.injected`` event."""

from __future__ import annotations

from session_tracker.core import validate
from session_tracker.core.context import Context
from session_tracker.core.model import Session
from session_tracker.errors import TrackerError

RECEIPT_TYPES = frozenset({"context.injected", "session.renumbered"})


def _of(session: Session) -> list[dict[str, object]]:
    return [{"session": session.name, "at": e.ts, **e.data} for e in session.of_type("context.injected")]


def receipts(ctx: Context, session: str | None = None, every: bool = False) -> dict[str, object]:
    """The receipts of one session (``session``; default the newest session that has any), or of
    every session (``every``), oldest first.

    Returns ``{"v": 1, "receipts": [{"session", "at", "agent", "agent_session", "source",
    "inline_limit", "chars", "tokens_est", "budget", "parts" [{part, items, kept, chars}],
    "left_out" [text], "reason"}]}``.
    Raises:
        TrackerError: an unknown session name.
    """
    if session is not None:
        validate.session_name(session)
    from session_tracker.index import project_view

    project, _ = project_view(ctx.layout, types=RECEIPT_TYPES)  # the receipts alone (and every session by name), from the index
    if every:
        return {"v": 1, "receipts": [r for s in project.sessions for r in _of(s)]}
    if session is not None:
        named = project.named(session)
        if not named:
            raise TrackerError(f"unknown session {session!r}", "see `session-tracker list`")
        return {"v": 1, "receipts": [r for s in named for r in _of(s)]}
    for candidate in reversed(project.sessions):
        found = _of(candidate)
        if found:
            return {"v": 1, "receipts": found}
    return {"v": 1, "receipts": []}
