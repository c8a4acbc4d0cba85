"""Times on the dashboard: ``clock.display`` made cheap enough for pages of thousands of rows.

Same output as :func:`session_tracker.core.clock.display` (``2026-11-21 13:45`` in the session's
offset; the text unchanged when it is not a timestamp) — the offsets are parsed once each and
the result is formatted without ``strftime``, which dominated a session page's export.
"""

from __future__ import annotations

from datetime import datetime, timezone

from session_tracker.core.clock import parse_offset

_ZONES: dict[str, timezone] = {}


def when(moment: str, tz: str) -> str:
    """``moment`` (ISO with offset) shown in the offset ``tz`` (``+HH:MM``), to the minute."""
    if len(moment) >= 22 and moment.endswith(tz) and moment[10] == "T" and moment[-6] in "+-":
        return f"{moment[:10]} {moment[11:16]}"  # stored in the offset it is shown in (UTC, mostly): no parsing
    zone = _ZONES.get(tz)
    if zone is None:
        zone = _ZONES[tz] = parse_offset(tz)
    try:
        at = datetime.fromisoformat(moment)
    except (TypeError, ValueError):
        return moment
    if at.tzinfo is None:
        return moment
    d = at.astimezone(zone)
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d} {d.hour:02d}:{d.minute:02d}"
