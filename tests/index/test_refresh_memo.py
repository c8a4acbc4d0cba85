"""Within one process, a refresh that follows another by under ``stamps.REUSE_S`` trusts what
that one found of the files other than the live ones (index/stamps.py ``recall``): it lists and
stats only the open sessions' files, still sees their appends and every event file this
process wrote, and looks at every file again once the moment has passed, the index was rebuilt
or another process ingested something."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from test_index import _append, _event, truth
from test_refresh_live import OPEN, OPEN_SID, _ids, _open_store

from session_tracker import index
from session_tracker.core import store
from session_tracker.core.events import encode
from session_tracker.index import ingest, schema, sources, stamps


@pytest.fixture
def listings(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times a refresh listed the event files, appended to as they happen (and the
    trust turned on that conftest.py turns off for every other test)."""
    monkeypatch.setattr(stamps, "REUSE_S", 1.0)
    calls: list[int] = []
    real = sources.event_files

    def counted(layout, times=None):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(layout, times)

    monkeypatch.setattr(ingest, "event_files", counted)
    return calls


def _events_in_index(layout) -> set[tuple[str, str, str, str, str]]:  # type: ignore[no-untyped-def]
    """The index's events of every file but the open session's (whose lines are in its journal,
    which :func:`test_index.truth` does not read)."""
    conn = index.fresh(layout)
    try:
        return {tuple(r) for r in conn.execute("SELECT source, id, type, sid, moment FROM events WHERE sid != ?", (OPEN_SID,))}
    finally:
        conn.close()


def test_a_second_refresh_lists_only_the_live_files_and_sees_their_appends(tmp_path: Path, listings: list[int]) -> None:
    layout, journal = _open_store(tmp_path)
    stamps.forget(layout)
    _ids(layout)  # the build: every file read, and this process notes them in step
    _ids(layout)
    assert len(listings) == 1
    _append(journal, encode(_event(OPEN, OPEN_SID, 800_001, "note", 2)))
    assert f"01J{800_001:023d}" in _ids(layout)
    assert len(listings) == 1  # no second listing of the 30 files, no stat of them
    expected = truth(layout)[0]
    assert _events_in_index(layout) == expected


def test_an_event_file_this_process_wrote_makes_it_look_at_every_file(tmp_path: Path, listings: list[int]) -> None:
    layout, _ = _open_store(tmp_path)
    stamps.forget(layout)
    _ids(layout)
    _ids(layout)
    assert len(listings) == 1
    closed = layout.session_file("00007")  # an ended session's file, written by this process (doctor --fix, an import)
    store.append_bytes(closed, encode(_event("00007", f"01S{7:023d}", 800_010, "note", 3)))
    assert f"01J{800_010:023d}" in _ids(layout)
    assert len(listings) == 2
    assert _events_in_index(layout) == truth(layout)[0]


def test_another_processs_change_is_seen_once_the_moment_has_passed(tmp_path: Path, listings: list[int],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    layout, _ = _open_store(tmp_path)
    stamps.forget(layout)
    _ids(layout)
    _ids(layout)
    line = encode(_event("00009", f"01S{9:023d}", 800_020, "note", 4))
    code = "import sys\nwith open(sys.argv[1], 'ab') as f:\n    f.write(sys.argv[2].encode())"
    subprocess.run([sys.executable, "-c", code, layout.session_file("00009"), line.decode()], check=True)
    monkeypatch.setattr(stamps, "REUSE_S", 0.0)  # a second later
    assert f"01J{800_020:023d}" in _ids(layout)
    assert len(listings) == 2


def test_an_index_rebuilt_here_or_by_another_process_means_every_file_again(tmp_path: Path, listings: list[int]) -> None:
    layout, _ = _open_store(tmp_path)
    expected = truth(layout)[0]
    stamps.forget(layout)
    _ids(layout)
    del listings[:]
    schema.discard(index.index_path(layout))  # thrown away (corrupt): the new one knows nothing yet
    assert _events_in_index(layout) == expected
    assert len(listings) == 1
    code = ("import sys\nfrom session_tracker import index\nfrom session_tracker.index import schema\n"
            "from session_tracker.core.paths import Layout\nlayout = Layout(sys.argv[1])\n"
            "schema.discard(index.index_path(layout))\nindex.fresh(layout).close()")
    subprocess.run([sys.executable, "-c", code, layout.root], check=True)  # another process builds its own
    assert _events_in_index(layout) == expected
    assert len(listings) == 2


def test_a_file_changed_within_the_racy_window_is_still_compared(tmp_path: Path, listings: list[int]) -> None:
    layout, _ = _open_store(tmp_path)
    closed = Path(layout.session_file("00011"))  # changed just now (a pull): its next change may keep the mtime
    _append(closed, encode(_event("00011", f"01S{11:023d}", 800_030, "note", 5)))
    stamps.forget(layout)
    assert f"01J{800_030:023d}" in _ids(layout)
    _append(closed, encode(_event("00011", f"01S{11:023d}", 800_031, "note", 6)))
    assert f"01J{800_031:023d}" in _ids(layout)
    assert len(listings) == 1
    assert _events_in_index(layout) == truth(layout)[0]
