"""What ``end`` does about quality metrics before the session is marked COMPLETE."""

from __future__ import annotations

from session_tracker.core.context import Context
from session_tracker.core.model import Session
from session_tracker.errors import TrackerError


def before_end(ctx: Context, target: Session, require_gates: bool, force: bool) -> None:
    """Take the final snapshot (``[metrics] on_end = true``), then enforce the gates.

    A snapshot that cannot run (no checks, no Python project) is skipped, never fatal.

    Raises:
        TrackerError: ``require_gates`` and a gate fails without ``force``.
    """
    if ctx.config.get("metrics", {}).get("on_end") is True:
        from session_tracker.commands.metrics import run

        try:
            run(ctx, session=target.name, source="end", _session=target)
        except TrackerError:
            pass  # no checks to run: the session still ends
    if require_gates:
        from session_tracker.commands.gate import require

        require(ctx, target, force)
