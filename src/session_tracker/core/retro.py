"""Checks on a retroactive ``--at``: history must stay in the order sessions began.

An entry may describe work done a little before it was recorded (seed 001's retroactive
tracking), but not work from before the previous session ended: that entry belongs to an
earlier session, and recording it here would make this session look as if it began years
ago. The future is refused by :func:`session_tracker.core.clock.parse_at`. ``--force`` records
the time anyway; the entry is still shown as retroactive and never moves the session's start.
"""

from __future__ import annotations

from session_tracker.core.clock import display, parse_iso
from session_tracker.core.model import Session
from session_tracker.core.paths import Layout
from session_tracker.errors import TrackerError


def previous_end(layout: Layout, session: Session) -> str:
    """When the newest session that began before ``session`` ended ('' when none has).

    Reads the summary cache (start and end events only), so it costs little on big stores.
    """
    from session_tracker.core.summaries import load_summary_project

    if not session.start_moment:
        return ""
    mine = parse_iso(session.start_moment)
    best = ""
    for other in load_summary_project(layout).sessions:
        if other.sid == session.sid or not other.ended or not other.start_moment:
            continue
        if parse_iso(other.start_moment) < mine and (not best or parse_iso(other.end_moment) > parse_iso(best)):
            best = other.end_moment
    return best


def check_at(layout: Layout, session: Session, at: str, force: bool = False) -> None:
    """Refuse an ``--at`` (ISO, UTC) earlier than the end of the session before ``session``.

    Raises:
        TrackerError: the time lies before the previous session ended, and ``force`` is False.
    """
    if force:
        return
    before = previous_end(layout, session)
    if before and parse_iso(at) < parse_iso(before):
        raise TrackerError(
            f"the time {display(at, session.tz)} is before the previous session ended ({display(before, session.tz)})",
            "record it in the session it belongs to, or add --force to record it here as a retroactive entry",
        )


def is_retroactive(event_ts: str, at: str, slack_s: float = 60.0) -> bool:
    """Whether an entry describes a time more than ``slack_s`` seconds before it was recorded."""
    try:
        return (parse_iso(event_ts) - parse_iso(at)).total_seconds() > slack_s
    except ValueError:
        return False
