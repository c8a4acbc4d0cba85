"""``decision``: a decision record with its rationale and alternatives (seed 001, ADR style)."""

from __future__ import annotations

from session_tracker.core import validate
from session_tracker.core.clock import iso, parse_at
from session_tracker.core.context import Context
from session_tracker.core.sessions import record, require_open, resolve
from session_tracker.documents import writer
from session_tracker.errors import TrackerError


def decision(
    ctx: Context,
    message: str,
    rationale: str | None,
    alternatives: tuple[str, ...] = (),
    at: str | None = None,
    session: str | None = None,
    force: bool = False,
) -> dict[str, object]:
    """Record a ``decision`` event; re-render the session's LOG.md and DECISIONS.md.

    Returns:
        ``{"session", "id", "message", "rationale", "alternatives"}``.
    Raises:
        TrackerError: no rationale (seed 001's "poor tracking" example), empty texts,
        no open session.
    """
    text = validate.text(message)
    if rationale is None or not rationale.strip():
        raise TrackerError(
            "a decision needs a rationale",
            'say why: --rationale "…" (a decision record without its reason helps no one later)',
        )
    why = validate.text(rationale, "rationale")
    options = [validate.text(a, "alternative") for a in alternatives]
    when = iso(parse_at(at)) if at else None
    target = require_open(resolve(ctx, session))
    if when is not None:
        from session_tracker.core.retro import check_at

        check_at(ctx.layout, target, when, force)
    event = record(ctx, target, "decision", {"message": text, "rationale": why, "alternatives": options}, at=when)
    writer.write_session(ctx, target.file, target.sid, kinds=("log", "decisions"))
    writer.write_project(ctx)  # the tracker's Decisions Made and progress.txt's Key Decisions
    return {"session": target.name, "id": event.id, "message": text, "rationale": why, "alternatives": options}
