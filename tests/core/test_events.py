"""Every event type the code writes is in the closed, documented set events.TYPES."""

from __future__ import annotations

from session_tracker.core.events import TYPES
from session_tracker.plan.model import PLAN_TYPES


def test_plan_types_are_documented_event_types() -> None:
    assert set(PLAN_TYPES) <= TYPES
