"""The index equals the event files: after random appends, a deleted index, a truncated one,
one of an older schema, one a newer version wrote, and under concurrent writers.

The truth side is the tolerant reader every other view uses (``store.read`` per file,
``model.load_project``); the index side is what ``session_tracker.index`` holds after a refresh.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sqlite3
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from session_tracker import index
from session_tracker.core import store
from session_tracker.core.events import Event, encode
from session_tracker.core.model import load_project
from session_tracker.core.paths import Layout
from session_tracker.index import ingest, query, schema, sources

TYPES = ["note", "decision", "blocker.opened", "blocker.resolved", "file.touched", "command.run", "metrics.recorded",
         "handoff.item", "commit", "usage", "session.ended"]


def _event(name: str, sid: str, n: int, type: str, minute: int, at: int | None = None) -> Event:
    data: dict[str, object] = {"message": f"{type} number {n}", "rationale": "because", "blocker": f"{name}-1",
                               "path": f"src/m{n % 5}.py", "command": f"pytest -k t{n}", "subject": f"commit {n}"}
    if at is not None:
        data["at"] = f"2026-01-01T{at // 60:02d}:{at % 60:02d}:00.000+00:00"
    ts = f"2026-01-01T{minute // 60:02d}:{minute % 60:02d}:00.000+00:00"
    return Event(id=f"01J{n:023d}", ts=ts, session=name, sid=sid, type=type, actor="human", data=data)


def _start(name: str, sid: str, n: int, minute: int) -> Event:
    return Event(id=sid, ts=f"2026-01-01T{minute // 60:02d}:{minute % 60:02d}:00.000+00:00", session=name, sid=sid,
                 type="session.started", actor="human", data={"number": name, "objectives": [f"goal {n}"], "tz": "+00:00",
                                                               "git": {"branch": f"b{n}", "head": None, "dirty": []}})


def _append(path: Path, blob: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "ab") as handle:
        handle.write(blob)


def truth(layout: Layout) -> tuple[set[tuple[str, str, str, str, str]], list[tuple[str, str, str, str | None, str, int, int, int]]]:
    """What the event files say: every event (file, id, type, sid, moment), every session."""
    events = set()
    for rel, path in sources.event_files(layout).items():
        found, _ = store.read(path)
        events |= {(rel, e.id, e.type, e.sid, e.moment) for e in found}
    sessions = sorted(
        (s.sid, s.name, s.start_moment, s.end_moment or None, s.status, len(s.of_type("note")), len(s.of_type("decision")),
         len(s.of_type("blocker.opened")))
        for s in load_project(layout).sessions
    )
    return events, sessions


def indexed(layout: Layout) -> tuple[set[tuple[str, str, str, str, str]], list[tuple[str, str, str, str | None, str, int, int, int]]]:
    """What the index says, after bringing it up to date."""
    conn = index.fresh(layout)
    try:
        events = {tuple(r) for r in conn.execute("SELECT source, id, type, sid, moment FROM events")}
        sessions = sorted(tuple(r) for r in conn.execute(
            "SELECT sid, number, start_moment, end_moment, status, entries, decisions, blockers FROM sessions"))
        duplicates = conn.execute("SELECT count(*) FROM (SELECT source, id FROM events GROUP BY source, id HAVING count(*) > 1)").fetchone()[0]
        fts = conn.execute("SELECT count(*) FROM fts").fetchone()[0]
        searchable = conn.execute("SELECT count(*) FROM events WHERE kind IS NOT NULL").fetchone()[0]
    finally:
        conn.close()
    assert duplicates == 0 and fts == searchable
    return events, sessions


def assert_equal(layout: Layout) -> None:
    want = truth(layout)
    got = indexed(layout)
    assert got[0] == want[0]
    assert got[1] == want[1]


def _store(tmp_path: Path) -> Layout:
    root = tmp_path / "p"
    (root / ".sessions" / "events").mkdir(parents=True, exist_ok=True)
    return Layout(str(root))


# One step: (which session file 0-2, what to do, an event type, a minute, a retroactive minute or None)
STEP = st.tuples(st.integers(0, 2), st.sampled_from(["append", "append", "append", "dup", "bad", "torn", "rewrite", "refresh"]),
                 st.sampled_from(TYPES), st.integers(0, 600), st.one_of(st.none(), st.integers(0, 600)))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(STEP, min_size=1, max_size=25))
def test_index_equals_the_event_files_after_random_appends(tmp_path: Path, steps: list[tuple[int, str, str, int, int | None]]) -> None:
    layout = _store(tmp_path)
    for leftover in Path(layout.store).rglob("*"):
        if leftover.is_file():
            leftover.unlink()
    for counter, (which, action, type, minute, at) in enumerate(steps, start=1):
        name, sid = f"{which + 1:05d}", f"01S{which + 1:023d}"
        path = Path(layout.session_file(name))
        if not path.exists():
            _append(path, encode(_start(name, sid, which, minute)))
        if action == "append":
            _append(path, encode(_event(name, sid, counter, type, minute, at)))
        elif action == "dup":  # the same line twice, as a merge=union can leave it
            line = path.read_bytes().splitlines(keepends=True)[-1]
            _append(path, line if line.endswith(b"\n") else b"\n")
        elif action == "bad":
            _append(path, b'{"v": 1, "id": "x"}\n' if counter % 2 else b"not json at all\n")
        elif action == "torn":  # a write cut off: no newline yet (it stays torn or gets completed)
            _append(path, encode(_event(name, sid, counter, type, minute))[:-20])
        elif action == "rewrite":  # a rebase rewrote history under the offset
            lines = [ln for ln in path.read_bytes().splitlines(keepends=True) if ln.endswith(b"\n")]
            path.write_bytes(b"".join(lines[:1] + [encode(_event(name, sid, counter, "note", minute))] + lines[2:]))
        if action == "refresh" or counter % 3 == 0:
            assert_equal(layout)
        if counter % 7 == 0:  # project events: never a session of their own
            _append(Path(layout.project_file), encode(Event(id=f"01P{counter:023d}", ts="2026-01-01T00:00:00.000+00:00",
                                                             session="project", sid="project", type="task.added", actor="human",
                                                             data={"task": f"task-{counter}", "title": "Write the parser"})))
    assert_equal(layout)


def _filled(tmp_path: Path, sessions: int = 4) -> Layout:
    layout = _store(tmp_path)
    n = 0
    for s in range(1, sessions + 1):
        name, sid = f"{s:05d}", f"01S{s:023d}"
        minute = s * 10 % 1380  # within the day: a time like 25:00 is not one (see the test below)
        lines = [encode(_start(name, sid, s, minute))]
        for t in TYPES:
            n += 1
            lines.append(encode(_event(name, sid, n, t, minute + 1)))
        _append(Path(layout.session_file(name)), b"".join(lines))
    return layout


def test_a_deleted_index_is_rebuilt_equal(tmp_path: Path) -> None:
    layout = _filled(tmp_path)
    assert_equal(layout)
    schema.discard(index.index_path(layout))
    assert not os.path.exists(index.index_path(layout))
    assert_equal(layout)
    assert os.path.exists(index.index_path(layout))


def test_a_truncated_or_garbage_index_is_rebuilt_equal(tmp_path: Path) -> None:
    layout = _filled(tmp_path, sessions=30)
    assert_equal(layout)
    path = index.index_path(layout)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    size = os.path.getsize(path)
    with open(path, "r+b") as handle:
        handle.truncate(size // 2)
    for suffix in ("-wal", "-shm"):
        Path(path + suffix).unlink(missing_ok=True)
    assert_equal(layout)
    Path(path).write_bytes(b"this is not a database" * 100)
    assert_equal(layout)


def test_an_index_of_an_older_schema_is_migrated_and_read_again(tmp_path: Path) -> None:
    layout = _filled(tmp_path)
    conn = schema.connect(index.index_path(layout), upto=1)  # what the first release wrote
    conn.execute("INSERT INTO sources (path, offset, size, mtime_ns, crc, lines) VALUES ('events/00001.jsonl', 0, 0, 0, 0, 0)")
    conn.close()
    assert_equal(layout)
    conn = sqlite3.connect(index.index_path(layout))
    names = [r[0] for r in conn.execute("SELECT name FROM migrations ORDER BY rowid")]
    conn.close()
    assert names == [name for name, _ in schema.MIGRATIONS]


def test_an_index_a_newer_version_wrote_is_rebuilt(tmp_path: Path) -> None:
    layout = _filled(tmp_path)
    assert_equal(layout)
    conn = sqlite3.connect(index.index_path(layout))
    conn.execute("INSERT INTO migrations (name, applied_at) VALUES ('m999_from_the_future', 'x')")
    conn.commit()
    conn.close()
    assert_equal(layout)
    conn = sqlite3.connect(index.index_path(layout))
    assert "m999_from_the_future" not in {r[0] for r in conn.execute("SELECT name FROM migrations")}
    conn.close()


def test_wal_and_the_schema_record(tmp_path: Path) -> None:
    layout = _filled(tmp_path)
    conn = index.fresh(layout)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == schema.BUSY_TIMEOUT_MS
        assert conn.in_transaction is False  # autocommit: every write is an explicit BEGIN IMMEDIATE
    finally:
        conn.close()


def _writer(root: str, worker: int, count: int) -> None:
    layout = Layout(root)
    name, sid = f"{worker + 1:05d}", f"01S{worker + 1:023d}"
    path = layout.session_file(name)
    store.append(path, _start(name, sid, worker, 0), redact=False)
    for i in range(count):
        store.append(path, _event(name, sid, worker * 10_000 + i, TYPES[i % len(TYPES)], i % 600), redact=False)
        if i % 5 == 0:
            index.fresh(layout).close()  # refresh while the others write and refresh


def test_concurrent_writers_and_refreshers_leave_an_equal_index(tmp_path: Path) -> None:
    layout = _store(tmp_path)
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(layout.root, w, 40)) for w in range(4)]
    for p in workers:
        p.start()
    for p in workers:
        p.join(120)
        assert p.exitcode == 0
    assert_equal(layout)
    conn = index.fresh(layout)
    assert query.count_sessions(conn) == 4
    conn.close()


def test_a_store_that_cannot_hold_an_index_answers_from_memory(tmp_path: Path) -> None:
    layout = _filled(tmp_path)
    project, full = index.project_view(layout, {"00002"})
    assert [s.name for s in full] == ["00002"] and len(project.sessions) == 4
    schema.discard(index.index_path(layout))
    Path(layout.local_dir, "listing.cache").unlink()  # the listing kept for the next process
    os.rmdir(layout.local_dir)
    Path(layout.local_dir).write_text("a file where local/ should be")  # unwritable, even for root
    conn = index.connect_fresh(layout)
    try:
        assert query.count_sessions(conn) == 4
    finally:
        conn.close()
    again, _ = index.project_view(layout, {"00002"})
    assert [(s.sid, s.start_moment) for s in again.sessions] == [(s.sid, s.start_moment) for s in project.sessions]


def test_bulky_lines_are_read_back_from_the_file(tmp_path: Path) -> None:
    layout = _filled(tmp_path)
    conn = index.fresh(layout)
    try:
        rowid, raw = conn.execute("SELECT rowid, raw FROM events WHERE type = 'note' LIMIT 1").fetchone()
        assert raw is None  # not copied ...
        event = query.event(conn, layout, rowid)
        assert event is not None and event.type == "note" and event.text("message").startswith("note number")
        by_id = query.event(conn, layout, event.id)
        assert by_id is not None and by_id.data == event.data
    finally:
        conn.close()
    assert json.loads(Path(layout.session_file("00001")).read_text().splitlines()[1])["type"] == "note"


def test_a_build_from_nothing_over_many_files_equals_them(tmp_path: Path) -> None:
    layout = _filled(tmp_path, sessions=ingest.FLUSH_ROWS // 1000 + 110)  # the bulk path: indexes made after
    assert_equal(layout)
    conn = sqlite3.connect(index.index_path(layout))
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    conn.close()
    assert set(ingest.DEFERRED_INDEXES) <= names
    path = Path(layout.session_file("00007"))
    path.write_bytes(path.read_bytes() + encode(_event("00007", f"01S{7:023d}", 999_999, "note", 5)))
    assert_equal(layout)  # and incremental after it


def test_a_build_from_nothing_folds_every_session_as_one_by_one_would(tmp_path: Path) -> None:
    """The build folds all sessions in one scan (``fold_sessions(every=True)``); every column of
    every row equals folding each session by itself, also for a file missing its start, a
    renumbered session, an open one, and plan events naming a session."""
    layout = _filled(tmp_path, sessions=150)
    _append(Path(layout.session_file("00200")), encode(_event("00200", f"01S{200:023d}", 900_001, "note", 3, at=1)))
    _append(Path(layout.session_file("00008")), encode(Event(
        id="01J00000000000000000900002", ts="2026-01-01T09:00:00.000+00:00", session="00008", sid=f"01S{8:023d}",
        type="session.renumbered", actor="human", data={"number": "00300"})))
    _append(Path(layout.session_file("00009")), encode(_event("00009", f"01S{9:023d}", 900_003, "task.added", 4)))
    _append(Path(layout.project_file), encode(_event("00010", f"01S{10:023d}", 900_004, "note", 5)))
    # not ISO 8601 (hour 25; a retroactive time with no offset): problems for the reader, so never events in the index
    _append(Path(layout.session_file("00011")), encode(_event("00011", f"01S{11:023d}", 900_005, "note", 25 * 60)))
    _append(Path(layout.session_file("00011")), encode(_event("00011", f"01S{11:023d}", 900_006, "note", 5)).replace(
        b'"message"', b'"at":"2026-01-01T00:05:00","message"'))
    conn = index.fresh(layout)
    try:
        built = conn.execute("SELECT * FROM sessions ORDER BY sid").fetchall()
        sids = {row[0] for row in conn.execute("SELECT DISTINCT sid FROM events")}
        conn.execute("BEGIN IMMEDIATE")
        from session_tracker.index.fold import fold_sessions

        fold_sessions(conn, sids)
        one_by_one = conn.execute("SELECT * FROM sessions ORDER BY sid").fetchall()
        conn.execute("ROLLBACK")
    finally:
        conn.close()
    assert len(built) == 151
    by_sid = {row[0]: row for row in built}
    assert by_sid[f"01S{200:023d}"][3] == "2026-01-01T00:03:00.000+00:00"  # no start: the earliest time, not its --at
    assert by_sid[f"01S{8:023d}"][1] == "00300"
    assert built == one_by_one
    assert_equal(layout)
    conn = index.fresh(layout)
    try:
        assert [r[0] for r in conn.execute("SELECT line FROM problems WHERE source = 'events/00011.jsonl'")] == [13, 14]
    finally:
        conn.close()
