"""A refresh whose fingerprint of the other files still holds compares only the files of the
sessions open here (index/ingest.py ``refresh``): what an open session appends, and what comes
to any other file, both reach the index, in either order, and a put-back file is read again."""

from __future__ import annotations

import os
from pathlib import Path

from test_index import _append, _event, _filled

from session_tracker import index
from session_tracker.core.events import encode
from session_tracker.core.paths import Layout

OPEN, OPEN_SID = "00031", f"01S{31:023d}"


def _open_store(tmp_path: Path) -> tuple[Layout, Path]:
    layout = _filled(tmp_path, sessions=30)
    journal = Path(layout.local_dir) / "journal" / f"{OPEN}-{OPEN_SID}.jsonl"
    _append(journal, encode(_event(OPEN, OPEN_SID, 800_000, "note", 1)))
    (Path(layout.local_dir) / "open").mkdir(parents=True, exist_ok=True)
    (Path(layout.local_dir) / "open" / f"{OPEN}-{OPEN_SID}").write_text(OPEN_SID)
    for path in [*Path(layout.events_dir).iterdir(), journal]:
        os.utime(path, (1_700_000_000, 1_700_000_000))  # none racy: the fingerprint is kept
    return layout, journal


def _ids(layout: Layout) -> set[str]:
    conn = index.fresh(layout)
    try:
        return {row[0] for row in conn.execute("SELECT id FROM events")}
    finally:
        conn.close()


def _stored(layout: Layout) -> str | None:
    conn = index.fresh(layout)
    try:
        row = conn.execute("SELECT value FROM meta WHERE name = 'stamps'").fetchone()
    finally:
        conn.close()
    return None if row is None else str(row[0])


def test_the_open_sessions_appends_and_any_other_files_change_both_come_in(tmp_path: Path) -> None:
    layout, journal = _open_store(tmp_path)
    assert "01J00000000000000000800000" in _ids(layout)
    kept = _stored(layout)
    assert kept is not None  # in step: the fingerprint of the closed files is stored
    for n in range(800_001, 800_004):  # the open session works on: the fingerprint holds
        _append(journal, encode(_event(OPEN, OPEN_SID, n, "note", 2)))
        assert f"01J{n:023d}" in _ids(layout)
        assert _stored(layout) == kept
    closed = Path(layout.session_file("00007"))  # a hand append to an ended session's file
    _append(closed, encode(_event("00007", f"01S{7:023d}", 800_010, "note", 3)))
    _append(journal, encode(_event(OPEN, OPEN_SID, 800_011, "note", 4)))
    assert f"01J{800_010:023d}" in _ids(layout) and f"01J{800_011:023d}" in _ids(layout)


def test_a_closed_file_put_back_with_its_old_stamp_is_read_again(tmp_path: Path) -> None:
    layout, journal = _open_store(tmp_path)
    _ids(layout)
    closed = Path(layout.session_file("00009"))
    before = closed.read_bytes()
    st = closed.stat()
    rewritten = before.replace(b"note number", b"NOTE NUMBER")  # same size, other bytes
    closed.write_bytes(rewritten)
    os.utime(closed, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    _append(journal, encode(_event(OPEN, OPEN_SID, 800_020, "note", 5)))
    _ids(layout)
    conn = index.fresh(layout)
    try:
        bodies = [row[0] for row in conn.execute(
            "SELECT f.body FROM fts f JOIN events e ON e.rowid = f.rowid WHERE e.source = ? AND e.type = 'note'",
            (os.path.relpath(closed, layout.store),))]
    finally:
        conn.close()
    assert bodies and all(body.startswith("NOTE NUMBER") for body in bodies)


def test_a_session_that_closes_leaves_the_fast_path_in_step(tmp_path: Path) -> None:
    layout, journal = _open_store(tmp_path)
    _ids(layout)
    published = Path(layout.session_file(OPEN)).with_name(f"{OPEN}-{OPEN_SID}.jsonl")
    published.write_bytes(journal.read_bytes() + encode(_event(OPEN, OPEN_SID, 800_030, "session.ended", 6)))
    journal.unlink()
    (Path(layout.local_dir) / "open" / f"{OPEN}-{OPEN_SID}").unlink()
    assert f"01J{800_030:023d}" in _ids(layout)
    conn = index.fresh(layout)
    try:
        assert conn.execute("SELECT status FROM sessions WHERE sid = ?", (OPEN_SID,)).fetchone() == ("COMPLETE",)
    finally:
        conn.close()
