"""Time: aware UTC timestamps for events, parsing of ``--at`` and display helpers.

Every stored timestamp is ISO 8601 with an explicit offset (never naive, never ``utcnow``).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import lru_cache

from session_tracker.errors import TrackerError


def now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(timezone.utc)


def iso(moment: datetime) -> str:
    """Format an aware datetime as stored in events: UTC, milliseconds, ``+00:00`` offset."""
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")


def parse_iso(text: str) -> datetime:
    """Parse a stored ISO 8601 timestamp (with offset) into an aware datetime.

    Raises:
        ValueError: the text is not ISO 8601 or has no offset.
    """
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"timestamp without offset: {text}")
    return moment


def local_offset() -> str:
    """This machine's current UTC offset as ``+HH:MM`` (used to display a session's times)."""
    offset = datetime.now().astimezone().utcoffset() or timedelta(0)
    return format_offset(offset)


def format_offset(offset: timedelta) -> str:
    """Format a UTC offset as ``+HH:MM`` / ``-HH:MM``."""
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


@lru_cache(maxsize=256)  # a render shows a million times in a handful of offsets
def parse_offset(text: str) -> timezone:
    """Parse ``+HH:MM`` into a fixed timezone; anything unparsable is UTC."""
    try:
        sign = -1 if text[0] == "-" else 1
        hours, minutes = int(text[1:3]), int(text[4:6])
        return timezone(sign * timedelta(hours=hours, minutes=minutes))
    except (ValueError, IndexError):
        return timezone.utc


def parse_at(text: str, reference: datetime | None = None) -> datetime:
    """Parse a user's ``--at`` time for retroactive tracking (seed 001) into aware UTC.

    Accepts ``YYYY-MM-DD HH:MM[:SS]``, ``YYYY-MM-DDTHH:MM[:SS][+HH:MM]`` and ``HH:MM`` (today).
    A time without an offset is read in this machine's local time zone.

    Raises:
        TrackerError: the text is not a time in one of these forms, or lies in the future.
    """
    text = text.strip()
    reference = reference or now()
    try:
        if len(text) <= 5 and ":" in text:
            hours, minutes = (int(part) for part in text.split(":"))
            local_ref = reference.astimezone()
            moment = local_ref.replace(hour=hours, minute=minutes, second=0, microsecond=0)
        else:
            moment = datetime.fromisoformat(text)
            if moment.tzinfo is None:
                moment = moment.astimezone()  # naive means the user's wall clock
    except ValueError:
        raise TrackerError(
            f"cannot read the time {text!r}",
            'write it as "2026-11-21 13:45", "2026-11-21T13:45+01:00" or "13:45"',
        ) from None
    if moment > reference + timedelta(minutes=1):
        raise TrackerError(
            f"the time {text!r} is in the future",
            "use --at only for work already done (retroactive tracking)",
        )
    return moment.astimezone(timezone.utc)


def format_duration(seconds: float) -> str:
    """Format a duration in seconds as ``2h 05m`` / ``12m`` / ``45s`` (days count as hours)."""
    total = round(seconds)
    if total < 60:
        return f"{total}s"
    hours, rest = divmod(total, 3600)
    minutes = rest // 60
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m"


def display(moment: str, tz: str, with_date: bool = True) -> str:
    """Show a stored timestamp in a session's offset ``tz``: ``2026-11-21 13:45`` (or ``13:45``).

    Deterministic: depends only on the stored values, never on this machine's time zone.
    """
    try:
        local = parse_iso(moment).astimezone(parse_offset(tz))
    except ValueError:
        return moment
    # strftime's "%Y-%m-%d %H:%M" by hand (a third of the cost; the year unpadded, as glibc's %Y)
    clock = f"{local.hour:02d}:{local.minute:02d}"
    return f"{local.year}-{local.month:02d}-{local.day:02d} {clock}" if with_date else clock


def instant(moment: str) -> float:
    """Seconds since the epoch of an ISO 8601 timestamp, for ordering; 0.0 when it is not one
    (a malformed ``ts`` sorts first instead of stopping a view)."""
    try:
        return parse_iso(moment).timestamp()
    except ValueError:
        return 0.0
