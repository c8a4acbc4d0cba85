"""``events.use_fast_decoder`` (orjson, for whole-store passes) decodes every line to the event
the standard decoder gives, or refuses it for the same reason: integers past 64 bits, NaN,
overflowing floats, lone surrogates and pairs, bad UTF-8, deep nesting, duplicate keys."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from session_tracker.core import events
from session_tracker.core.events import BadLine, Event, decode, encode

HEAD = b'{"v":1,"id":"01J0000000000000000000000A","ts":"2026-01-01T00:00:00.000+00:00","session":"00001",' \
       b'"sid":"01S00000000000000000000001","type":"metrics.recorded","actor":"human","data":'
LINES = [HEAD + body + b"}" for body in (
    b'{"n":123456789012345678901234567890}', b'{"n":-9223372036854775809}', b'{"n":18446744073709551616}',
    b'{"n":[1,18446744073709551616]}', b'{"n": 12345678901234567890}', b'{"n":9223372036854775807}', b'{"n":NaN}',
    b'{"n":1e400}', b'{"n":-0.0,"m":1E5}', b'{"m":"\\ud800"}', b'{"m":"\\ud83d\\ude80"}', b'{"m":"a","m":"b"}',
    b'{"m":"id 01J0000000000000000000000A, 1234567890123456789012"}', b'{"deep":' + b"[" * 40 + b"]" * 40 + b"}",
    b'{"m":"\xff"}', b"[]", b'{"at":"2026-01-01T00:00:00"}', b'{"at":"2025-12-31T23:00:00+01:00"}')]


def _outcome(raw: bytes) -> object:
    try:
        event = decode(raw, "f:1")
    except BadLine as bad:
        return "bad", bad.reason
    return "event", event.to_dict(), repr(event.data)  # repr: an int stays an int, not a float


@pytest.fixture
def fast(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(events, "_fast_loads", None)  # restored after the test, whatever it turns on


@pytest.mark.parametrize("raw", LINES)
def test_the_fast_decoder_decodes_every_edge_line_as_the_standard_one(raw: bytes, fast: None) -> None:
    standard = _outcome(raw)
    events.use_fast_decoder()
    assert _outcome(raw) == standard


@settings(max_examples=150, deadline=None)
@given(data=st.dictionaries(st.text(max_size=6), st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3), max_leaves=8), max_size=5))
def test_the_fast_decoder_gives_the_standard_event(data: dict[str, object]) -> None:
    event = Event(id="01J0000000000000000000000A", ts="2026-01-01T00:00:00.000+00:00", session="00001",
                  sid="01S00000000000000000000001", type="note", actor="human", data=data)
    for raw in (encode(event).rstrip(b"\n"), json.dumps(json.loads(encode(event))).encode()):
        saved = events._fast_loads
        try:
            events._fast_loads = None
            standard = _outcome(raw)
            events.use_fast_decoder()
            assert _outcome(raw) == standard
        finally:
            events._fast_loads = saved
