"""``clock.display`` formats by hand what ``strftime`` formats (it shows a million times in a
full render): the same text for every time and offset, the year unpadded as glibc's ``%Y``."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from session_tracker.core.clock import display, parse_offset

OFFSETS = st.builds(lambda m: f"{'-' if m < 0 else '+'}{abs(m) // 60:02d}:{abs(m) % 60:02d}", st.integers(-14 * 60, 14 * 60))


@given(moment=st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 30), timezones=st.just(timezone.utc)),
       tz=st.one_of(OFFSETS, st.sampled_from(["", "junk", "+1", "Z"])), with_date=st.booleans())
def test_display_is_what_strftime_shows(moment: datetime, tz: str, with_date: bool) -> None:
    stored = moment.isoformat(timespec="milliseconds")
    local = moment.astimezone(parse_offset(tz))
    assert display(stored, tz, with_date) == local.strftime("%Y-%m-%d %H:%M" if with_date else "%H:%M")


def test_an_offset_is_read_once_and_the_same_after() -> None:
    assert parse_offset("+05:30") is parse_offset("+05:30")
    assert parse_offset("+05:30").utcoffset(None) == timedelta(hours=5, minutes=30)
    assert parse_offset("junk") is timezone.utc
    assert display("not a time", "+00:00") == "not a time"
