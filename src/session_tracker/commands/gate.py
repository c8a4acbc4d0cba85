"""``gate``: seed 003's quality gates on the session's latest metrics; ``end --require-gates``."""

from __future__ import annotations

from session_tracker.core.context import Context
from session_tracker.core.model import Session
from session_tracker.core.sessions import record, resolve
from session_tracker.errors import TrackerError
from session_tracker.metrics import gates, latest

JSON_VERSION = 1


def evaluate(ctx: Context, target: Session) -> dict[str, object]:
    """The gates of ``target`` against the previous session.

    Returns:
        ``{"v", "session", "ok", "rules": [{rule, ok, detail}], "failing": [rule…]}``.
    """
    from session_tracker.commands.metrics import METRICS_TYPES
    from session_tracker.index import project_view

    # the other sessions' metrics from the index; the target as read
    project, _ = project_view(ctx.layout, types=METRICS_TYPES, sparse=True, loaded=[target])
    rules = gates.evaluate(ctx.config["gates"], latest.latest(target), latest.previous(target, project))
    failing = [str(r["rule"]) for r in rules if not r["ok"]]
    return {"v": JSON_VERSION, "session": target.name, "ok": not failing, "rules": rules, "failing": failing}


def gate(ctx: Context, session: str | None = None) -> dict[str, object]:
    """``gate``: evaluate the gates of the session a command means (open or ended)."""
    return evaluate(ctx, resolve(ctx, session))


def require(ctx: Context, target: Session, force: bool) -> dict[str, object]:
    """For ``end --require-gates``: refuse while a gate fails, unless ``force``.

    With ``force`` and a failing gate a ``gate.overridden`` event (failing rules and their
    numbers) is recorded, so the override leaves a trace in the log and the handoff.

    Raises:
        TrackerError: a gate fails and ``force`` is False (the message lists each rule).
    """
    result = evaluate(ctx, target)
    if result["ok"]:
        return result
    failing = [r for r in result["rules"] if not r["ok"]]  # type: ignore[attr-defined]
    listed = "; ".join(f"{r['rule']}: {r['detail']}" for r in failing)
    if not force:
        raise TrackerError(f"quality gates fail, session {target.name} not ended — {listed}",
                           "fix them and `metrics run` again, or end with --force (recorded as gate.overridden)")
    record(ctx, target, "gate.overridden", {"rules": failing, "message": f"ended with failing gates: {listed}"})
    return result
