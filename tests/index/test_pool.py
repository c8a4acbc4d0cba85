"""A build from nothing parses in worker processes (index/pool.py) and decodes with orjson
(index/parse.py): the index it leaves is row for row the one a single process with the
standard decoder leaves, also for lines orjson refuses, problems, duplicates, an open session's
journal, a worker that dies and a machine where none can start."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_index import _append, _event, _filled

from session_tracker import index
from session_tracker.core.events import Event, NewerSchema, encode
from session_tracker.core.paths import Layout
from session_tracker.index import parse, pool, schema, sources

TABLES = {
    "events": "SELECT * FROM events ORDER BY rowid",
    "fts": "SELECT rowid, body FROM fts ORDER BY rowid",
    "paths": "SELECT * FROM paths ORDER BY rowid_event, path",
    "problems": "SELECT * FROM problems ORDER BY source, line",
    "duplicates": "SELECT * FROM duplicates ORDER BY source, line",
    "sessions": "SELECT * FROM sessions ORDER BY sid",
    "sources": "SELECT * FROM sources ORDER BY path",
}


def _varied(tmp_path: Path) -> Layout:
    """150 session files (the bulk path, several chunks per worker) with what a real store
    holds besides well-formed lines, every file's mtime in the past (none racy)."""
    layout = _filled(tmp_path, sessions=150)
    events = Path(layout.events_dir)
    first = sorted(events.iterdir())[3]
    line = first.read_bytes().splitlines(keepends=True)[1]
    _append(first, line)  # the same line twice (merge=union): kept once, the copy recorded
    _append(sorted(events.iterdir())[40], b'{"v": 1, "not json\n')  # a problem
    lone = encode(_event("00077", f"01S{77:023d}", 990_001, "note", 7)).replace(b"note number", b"\\ud800 number")
    _append(sorted(events.iterdir())[76], lone)  # a lone surrogate: orjson refuses it, json takes it, decode calls it a problem
    pair = encode(_event("00078", f"01S{78:023d}", 990_004, "note", 7)).replace(b"note number", b"\\ud83d\\ude80 number")
    _append(sorted(events.iterdir())[77], pair)  # a pair, escaped: text
    _append(sorted(events.iterdir())[90], b'{"v": 1, "id": "torn')  # a torn last line waits
    open_name, open_sid = "00151", f"01S{151:023d}"
    journal = Path(layout.local_dir) / "journal" / f"{open_name}-{open_sid}.jsonl"
    _append(journal, encode(_event(open_name, open_sid, 990_002, "note", 8)))  # open here: read by the writer
    (Path(layout.local_dir) / "open").mkdir(parents=True, exist_ok=True)
    (Path(layout.local_dir) / "open" / f"{open_name}-{open_sid}").write_text(open_sid)
    for path in [*events.iterdir(), journal]:
        os.utime(path, (1_700_000_000, 1_700_000_000))
    return layout


def _dump(layout: Layout) -> dict[str, list[tuple[object, ...]]]:
    schema.discard(index.index_path(layout))
    conn = index.fresh(layout)
    try:
        return {name: conn.execute(sql).fetchall() for name, sql in TABLES.items()}
    finally:
        conn.close()


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files this process parses itself (the others were parsed by workers)."""
    here: list[str] = []
    real = pool.read_file

    def counted(rel: str, path: str, loads: object = None) -> pool.Read | None:
        here.append(rel)
        return real(rel, path, loads)  # type: ignore[arg-type]

    monkeypatch.setattr(pool, "read_file", counted)
    return here


def test_workers_build_the_index_one_process_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    layout = _varied(tmp_path)
    monkeypatch.setattr(pool, "workers", lambda: 0)
    alone = _dump(layout)
    monkeypatch.setattr(pool, "workers", lambda: 2)
    here = _counting(monkeypatch)
    shared = _dump(layout)
    assert here == []  # every plain file was parsed by a worker
    assert shared == alone
    assert len(alone["events"]) == 150 * 12 + 2 and len(alone["duplicates"]) == 1
    reasons = [str(row[2]) for row in alone["problems"]]
    assert reasons[0].startswith("not valid JSON") and "lone surrogate" in reasons[1]
    assert any("\U0001f680 number" in str(row[1]) for row in alone["fts"])
    assert any(row[3] == "01J00000000000000000990002" for row in alone["events"])  # the open session's journal, read by the writer


def test_a_worker_that_dies_leaves_its_files_to_the_writer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    layout = _varied(tmp_path)
    monkeypatch.setattr(pool, "workers", lambda: 0)
    alone = _dump(layout)
    started = pool._start
    workers: list[object] = []

    def dying(chunks: list[list[tuple[str, str]]]) -> object:
        proc = started(chunks)
        if proc is not None and not workers:
            proc.kill()  # the first worker (chunks 0, 2, 4 …): killed before it answers
        workers.append(proc)
        return proc

    monkeypatch.setattr(pool, "_start", dying)
    monkeypatch.setattr(pool, "workers", lambda: 2)
    here = _counting(monkeypatch)
    assert _dump(layout) == alone
    assert here and all(rel in {r for chunk in _chunks(layout)[0::2] for r, _ in chunk} for rel in here)


def _chunks(layout: Layout) -> list[list[tuple[str, str]]]:

    files = sources.event_files(layout)
    plain = sorted(rel for rel in files if rel not in sources.journaled(layout))
    items = [(rel, files[rel]) for rel in plain]
    return [items[i:i + pool.CHUNK_FILES] for i in range(0, len(items), pool.CHUNK_FILES)]


def test_no_worker_can_start_and_the_writer_parses_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    layout = _varied(tmp_path)
    monkeypatch.setattr(pool, "workers", lambda: 0)
    alone = _dump(layout)
    monkeypatch.setattr(pool, "workers", lambda: 2)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-such-python"))
    here = _counting(monkeypatch)
    assert _dump(layout) == alone
    assert len(here) == 150


def test_a_newer_event_a_worker_finds_is_refused_as_in_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    layout = _varied(tmp_path)
    newer = json.loads(encode(_event("00120", f"01S{120:023d}", 990_003, "note", 9)))
    _append(sorted(Path(layout.events_dir).iterdir())[119], (json.dumps({**newer, "v": 99}) + "\n").encode())
    messages = []
    for count in (0, 2):
        monkeypatch.setattr(pool, "workers", lambda count=count: count)
        schema.discard(index.index_path(layout))
        with pytest.raises(NewerSchema) as refused:
            index.fresh(layout)
        messages.append((refused.value.message, refused.value.hint))
        conn = sqlite3.connect(index.index_path(layout))
        assert conn.execute("SELECT count(*) FROM events").fetchone() == (0,)  # nothing half written
        conn.close()
    assert messages[0] == messages[1]


EDGE_LINES = [
    b'{"v":1,"id":"a","ts":"2026-01-01T00:00:00+00:00","session":"1","sid":"S","type":"note","actor":"h","data":{"m":"\\ud800"}}',
    b'{"v":1,"id":"a","ts":"2026-01-01T00:00:00+00:00","session":"1","sid":"S","type":"note","actor":"h","data":{"m":NaN}}',
    b'{"v":1,"id":"a","ts":"2026-01-01T00:00:00+00:00","session":"1","sid":"S","type":"note","actor":"h","data":{"n":1e400}}',
    b'{"v":1,"id":"a","ts":"2026-01-01T00:00:00+00:00","session":"1","sid":"S","type":"note","actor":"h","data":{"n":123456789012345678901234567890}}',
    b'{"v":1,"id":"a","id":"b","ts":"2026-01-01T00:00:00+00:00","session":"1","sid":"S","type":"note","actor":"h","data":{}}',
    b'{"v":1,"id":"a","ts":"2026-01-01T00:00:00Z","session":"1","sid":"S","type":"note","actor":"h","data":{"at":"2025-12-31T23:00:00+01:00"}}',
    b'{"v":1,"id":"a","ts":"2026-01-01T00:00:00","session":"1","sid":"S","type":"note","actor":"h","data":{}}',
    b'\xef\xbb\xbf{"v":1}',
    b'{"v":1,"data":' + b"[" * 40 + b"]" * 40 + b"}",
    b'{"v":1.0,"id":"a","ts":"2026-01-01T00:00:00+00:00","session":"1","sid":"S","type":"note","actor":"h"}',
    b'{"v":true,"id":"a","ts":"2026-01-01T00:00:00+00:00","session":"1","sid":"S","type":"note","actor":"h"}',
    b"\xff\xfe",
]


def _rows(raw: bytes, fast: bool) -> tuple[object, ...]:
    found = parse.parse("events/00001-x.jsonl", raw + b"\n", loads=parse.fast_loads() if fast else None)
    return found.events, found.fts, found.paths, found.problems, found.end, found.lines, found.crc, found.touched


@pytest.mark.parametrize("raw", EDGE_LINES)
def test_orjson_and_the_standard_decoder_give_the_same_rows_for_edge_lines(raw: bytes) -> None:
    # The decoded objects may differ (orjson reads an integer past 64 bits as a float), but no
    # number reaches a row: the line's own text does.
    assert (parse.quick(raw, parse.fast_loads()) is None) == (parse.quick(raw) is None)
    assert _rows(raw, True) == _rows(raw, False)


@settings(max_examples=200, deadline=None)
@given(data=st.dictionaries(st.text(max_size=8), st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=8), max_size=5),
    ascii_only=st.booleans())
def test_orjson_and_the_standard_decoder_give_the_same_rows(data: dict[str, object], ascii_only: bool) -> None:
    event = Event(id="01J0000000000000000000000A", ts="2026-01-01T00:00:00.000+00:00", session="00001",
                  sid="01S00000000000000000000001", type="note", actor="human", data=data)
    obj = json.loads(encode(event))
    raw = json.dumps(obj, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    assert (parse.quick(raw, parse.fast_loads()) is None) == (parse.quick(raw) is None)
    assert _rows(raw, True) == _rows(raw, False)
