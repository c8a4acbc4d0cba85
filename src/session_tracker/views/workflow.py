"""Text views of the session workflow commands: risk, review, memory."""

from __future__ import annotations


def risk_recorded(result: dict[str, object]) -> str:
    """After ``risk``."""
    return f"risk recorded in session {result['session']}"


def review_recorded(result: dict[str, object]) -> str:
    """After ``review``."""
    return f"review recorded in session {result['session']}"


def memory_added(result: dict[str, object]) -> str:
    """After ``memory add``."""
    return f"added to {result['kind']}"
