"""The event store: append and read round trip, a tolerant reader that names every bad line as
``file:line``, the 64 KiB line cap, schema versions, atomic writes and the advisory lock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from session_tracker.commands.init import init
from session_tracker.core import store
from session_tracker.core.context import Context
from session_tracker.core.events import MAX_LINE_BYTES, Event, NewerSchema, encode
from session_tracker.core.model import load_session_file
from session_tracker.core.ulid import new_ulid
from session_tracker.documents import writer
from session_tracker.errors import TrackerError

LABEL = ".sessions/events/00001.jsonl"


def make_event(message: str = "hello", type: str = "note", sid: str = "01SID0000000000000000000AA", **data: object) -> Event:
    return Event(
        id=new_ulid(),
        ts="2026-11-21T13:05:16.123+00:00",
        session="00001",
        sid=sid,
        type=type,
        actor="human",
        data={"message": message, **data},
    )


def good_line(message: str = "fine") -> bytes:
    return encode(make_event(message))


@pytest.fixture
def events_file(tmp_path: Path) -> Path:
    return tmp_path / "events" / "00001.jsonl"


def write_lines(path: Path, *lines: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(lines))


# --- append + read -------------------------------------------------------------------------


def test_append_then_read_round_trips_every_field(events_file: Path) -> None:
    events_file.parent.mkdir(parents=True)
    written = [
        make_event("plain"),
        make_event("ünïcödé ✓ 日本語 🚀 with \"quotes\", \\backslash\\ and\nnewline"),
        make_event("nested", extra={"list": [1, 2.5, None, True], "deep": {"k": "v"}}),
        make_event("decision text", type="decision", rationale="because", alternatives=["a", "b"]),
    ]
    for event in written:
        store.append(str(events_file), event, redact=False)
    read, problems = store.read(str(events_file), label=LABEL)
    assert problems == []
    assert [e.to_dict() for e in read] == [e.to_dict() for e in written]
    assert [e.where for e in read] == [f"{LABEL}:{n}" for n in range(1, 5)]
    raw = events_file.read_bytes()
    assert raw.endswith(b"\n") and raw.count(b"\n") == 4  # one line per event, \n-terminated
    assert all(json.loads(line)["v"] == 1 for line in raw.splitlines())


def test_append_creates_the_file_and_only_appends(events_file: Path) -> None:
    events_file.parent.mkdir(parents=True)
    first = make_event("first")
    store.append(str(events_file), first, redact=False)
    before = events_file.read_bytes()
    store.append(str(events_file), make_event("second"), redact=False)
    after = events_file.read_bytes()
    assert after.startswith(before) and len(after) > len(before)


def test_append_redacts_secrets_before_they_reach_disk(events_file: Path) -> None:
    events_file.parent.mkdir(parents=True)
    secret = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
    store.append(str(events_file), make_event(f"token is {secret}"))
    assert secret.encode() not in events_file.read_bytes()


def test_a_missing_file_reads_as_empty(tmp_path: Path) -> None:
    assert store.read(str(tmp_path / "nope.jsonl")) == ([], [])


# --- the tolerant reader -------------------------------------------------------------------


def test_torn_last_line_is_reported_and_earlier_events_survive(events_file: Path) -> None:
    whole = good_line("one") + good_line("two")
    torn = good_line("three")[:-20]  # a write cut off: no trailing newline
    write_lines(events_file, whole, torn)
    events, problems = store.read(str(events_file), label=LABEL)
    assert [e.text("message") for e in events] == ["one", "two"]
    assert len(problems) == 1
    assert problems[0].where == f"{LABEL}:3"
    assert "incomplete last line" in problems[0].reason
    assert str(problems[0]).startswith(f"{LABEL}:3: ")


def test_a_complete_last_line_without_newline_still_reads(events_file: Path) -> None:
    # A valid object that only lacks its "\n" is not lost (nothing is skipped without need).
    write_lines(events_file, good_line("one"), good_line("two").rstrip(b"\n"))
    events, problems = store.read(str(events_file), label=LABEL)
    assert [e.text("message") for e in events] == ["one", "two"]
    assert problems == []


def _missing_sid() -> bytes:
    obj = make_event("no sid").to_dict()
    del obj["sid"]
    return json.dumps(obj).encode() + b"\n"


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (b"this is not json at all\n", "not valid JSON"),
        (b'{"v": 1, "id": "x", \n', "not valid JSON"),
        (b"[1, 2, 3]\n", "not a JSON object"),
        (b'"just a string"\n', "not a JSON object"),
        (_missing_sid(), "'sid'"),
        (b'{"v":1,"id":"\xff\xfe\xfd","ts":"x"}\n', "not valid UTF-8"),
        (b'{"id":"01X","ts":"t","session":"1","sid":"s","type":"note","actor":"a","data":{}}\n', "schema version"),
        (b'{"v":1,"id":"01X","ts":"t","session":"1","sid":"s","type":"note","actor":"a","data":[]}\n', "'data'"),
    ],
    ids=["garbage", "truncated-json", "json-array", "json-string", "missing-sid", "invalid-utf8", "missing-v", "data-not-object"],
)
def test_each_bad_line_is_named_by_file_and_line(events_file: Path, bad: bytes, reason: str) -> None:
    write_lines(events_file, good_line("one"), good_line("two"), bad, good_line("four"), good_line("five"))
    events, problems = store.read(str(events_file), label=LABEL)
    assert [e.text("message") for e in events] == ["one", "two", "four", "five"]
    assert [p.where for p in problems] == [f"{LABEL}:3"]
    assert reason in problems[0].reason
    assert "incomplete last line" not in problems[0].reason


def test_several_bad_lines_are_all_reported_in_order(events_file: Path) -> None:
    write_lines(events_file, b"nope\n", good_line("ok"), b"\n", b"[]\n", b"\xff\n", good_line("ok2"))
    events, problems = store.read(str(events_file))  # default label: the path itself
    assert [e.text("message") for e in events] == ["ok", "ok2"]
    assert [p.where for p in problems] == [f"{events_file}:1", f"{events_file}:4", f"{events_file}:5"]


def test_duplicate_ids_after_a_union_merge_are_read_once(events_file: Path) -> None:
    a, b = good_line("a"), good_line("b")
    write_lines(events_file, a, b, a, b, a)  # what merge=union leaves when both sides kept a line
    events, problems = store.read(str(events_file), label=LABEL)
    assert [e.text("message") for e in events] == ["a", "b"]
    assert [e.where for e in events] == [f"{LABEL}:1", f"{LABEL}:2"]  # the first copy wins
    assert problems == []


# --- the 64 KiB cap ------------------------------------------------------------------------


def _event_of_size(size: int) -> Event:
    event = make_event("")
    overhead = len(encode(event))
    event.data["message"] = "x" * (size - overhead)
    return event


def test_encode_accepts_a_line_of_exactly_64_kib() -> None:
    assert len(encode(_event_of_size(MAX_LINE_BYTES))) == MAX_LINE_BYTES == 64 * 1024


def test_encode_refuses_a_line_over_64_kib(events_file: Path) -> None:
    too_big = _event_of_size(MAX_LINE_BYTES + 1)
    with pytest.raises(TrackerError) as caught:
        encode(too_big)
    assert "65,537 bytes" in caught.value.message and "65,536" in caught.value.message
    assert caught.value.hint
    # and nothing reaches the file when append meets such an event
    write_lines(events_file, good_line("kept"))
    before = events_file.read_bytes()
    with pytest.raises(TrackerError):
        store.append(str(events_file), too_big, redact=False)
    assert events_file.read_bytes() == before


def test_the_cap_counts_utf8_bytes_not_characters() -> None:
    event = make_event("é" * (MAX_LINE_BYTES // 2))  # 32 Ki characters, 64 KiB of UTF-8 + keys
    with pytest.raises(TrackerError):
        encode(event)


# --- schema versions and unknown types -----------------------------------------------------


def test_an_event_from_a_newer_schema_is_refused_with_an_upgrade_hint(events_file: Path) -> None:
    newer = make_event("from the future").to_dict()
    newer["v"] = 2
    write_lines(events_file, good_line("old"), json.dumps(newer).encode() + b"\n")
    with pytest.raises(NewerSchema) as caught:
        store.read(str(events_file), label=LABEL)
    assert isinstance(caught.value, TrackerError)
    assert caught.value.message.startswith(f"{LABEL}:2: ")
    assert "v2" in caught.value.message
    assert "upgrade" in caught.value.hint.lower()


def _cell_text(inline_children: list[Token]) -> str:
    return "".join(child.content for child in inline_children if child.type == "text")


def test_an_unknown_type_is_kept_and_shown_raw_in_the_log(ctx: Context, repo: Path) -> None:
    started = init(ctx, session="00001")
    sid = str(started["sid"])
    future = Event(
        id=new_ulid(),
        ts="2026-11-21T13:05:16.123+00:00",
        session="00001",
        sid=sid,
        type="review.requested",
        actor="claude-code",
        data={"reviewer": "ana", "url": "https://example.com/pr/1?a=1&b=2"},
    )
    store.append(ctx.layout.session_file("00001"), future)
    sessions, problems = load_session_file(ctx.layout, "00001")
    assert problems == []
    kept = [e for e in sessions[0].events if e.type == "review.requested"]
    assert len(kept) == 1 and kept[0].data == future.data

    writer.write_session(ctx, "00001", sid, kinds=("log",))
    log_md = (repo / "archive/sessions/SESSION-00001-LOG.md").read_text(encoding="utf-8")
    rows: list[list[str]] = []
    row: list[str] | None = None
    for token in MarkdownIt("commonmark").enable("table").parse(log_md):
        if token.type == "tr_open":
            row = []
        elif token.type == "inline" and row is not None:
            row.append(_cell_text(token.children or []))
        elif token.type == "tr_close" and row is not None:
            rows.append(row)
            row = None
    assert rows[0] == ["Time", "Category", "Entry", "By"]
    assert len(rows) == 2
    assert rows[1][1] == "review.requested"
    assert json.loads(rows[1][2]) == future.data  # the raw data, every key, un-escaped
    assert rows[1][3] == "claude-code"


# --- atomic_write --------------------------------------------------------------------------


def test_atomic_write_skips_unchanged_content_and_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "docs" / "deep" / "DOC.md"
    assert store.atomic_write(str(target), b"first\n") is True  # creates missing directories
    assert target.read_bytes() == b"first\n"
    past = 1_600_000_000_000_000_000
    os.utime(target, ns=(past, past))
    inode = target.stat().st_ino

    assert store.atomic_write(str(target), b"first\n") is False
    assert target.stat().st_mtime_ns == past
    assert target.stat().st_ino == inode  # not even replaced by an identical copy

    assert store.atomic_write(str(target), b"second\n") is True
    assert target.read_bytes() == b"second\n"
    assert target.stat().st_mtime_ns != past
    assert sorted(p.name for p in target.parent.iterdir()) == ["DOC.md"]


def test_atomic_write_failure_raises_tracker_error_and_cleans_up(tmp_path: Path) -> None:
    # A directory where the document should be: os.replace fails (also when running as root).
    target = tmp_path / "DOC.md"
    target.mkdir()
    (target / "inside").write_bytes(b"keep\n")
    with pytest.raises(TrackerError) as caught:
        store.atomic_write(str(target), b"new\n")
    assert "DOC.md" in caught.value.message and caught.value.hint
    assert (target / "inside").read_bytes() == b"keep\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["DOC.md"]  # the temp file is gone


# --- Lock ----------------------------------------------------------------------------------

_TRY_FLOCK = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
try:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
except BlockingIOError:
    sys.exit(7)
sys.exit(0)
"""


def _other_process_can_lock(path: Path) -> bool:
    proc = subprocess.run([sys.executable, "-c", _TRY_FLOCK, str(path)], capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode in (0, 7), proc.stderr
    return proc.returncode == 0


@pytest.mark.skipif(sys.platform == "win32", reason="fcntl.flock is POSIX")
def test_lock_excludes_another_process_while_held(tmp_path: Path) -> None:
    path = tmp_path / "local" / "render.lock"
    with store.Lock(str(path)):
        assert path.exists()  # created, with its directory
        assert _other_process_can_lock(path) is False
    assert _other_process_can_lock(path) is True


@pytest.mark.skipif(sys.platform == "win32", reason="fcntl.flock is POSIX")
def test_a_second_holder_times_out_with_a_hint_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "numbers.lock"
    with store.Lock(str(path)):
        with pytest.raises(TrackerError) as caught, store.Lock(str(path), timeout=0.05):
            pass  # pragma: no cover - must not be reached
        assert str(path) in caught.value.message
        assert caught.value.hint
    with store.Lock(str(path), timeout=0.05):  # free again once released
        pass
