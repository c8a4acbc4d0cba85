"""A per-session command trusts the directories' times (index/stamps.py ``trusted``): a refresh
that looked at every file records the times of the directories holding them; while those
hold, a refresh of another process lists and stats none of the files but the racy and live
ones — and still sees a file added, removed or renamed, an append this tool made in place, and
everything once a directory's time moves. Views that are not about one session look at every
file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_index import _append, _event, _filled, truth

from session_tracker import index
from session_tracker.core import store
from session_tracker.core.events import encode
from session_tracker.core.paths import Layout
from session_tracker.index import ingest, sources, stamps

OLD_NS = 1_700_000_000 * 1_000_000_000  # 2023: far outside the racy window


@pytest.fixture
def listings(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The trust turned on (conftest.py turns it off for every other test), and how many times
    a refresh listed the event files."""
    monkeypatch.setattr(stamps, "TRUST", [True])
    calls: list[int] = []
    real = sources.event_files

    def counted(layout, times=None):  # type: ignore[no-untyped-def]
        if times is not None:  # a refresh's listing (test_index.truth lists too, without)
            calls.append(1)
        return real(layout, times)

    monkeypatch.setattr(ingest, "event_files", counted)
    return calls


def _settle(layout: Layout) -> None:
    """Every file and directory of the store last changed long ago (none racy)."""
    for path in Path(layout.events_dir).iterdir():
        os.utime(path, ns=(OLD_NS, OLD_NS))
    for folder in (layout.events_dir, layout.store):
        os.utime(folder, ns=(OLD_NS, OLD_NS))


def _events(layout: Layout) -> set[tuple[str, str, str, str, str]]:
    stamps.forget(layout)  # what this process noted: the next refresh is another process's
    conn = index.fresh(layout)
    try:
        return {tuple(r) for r in conn.execute("SELECT source, id, type, sid, moment FROM events")}
    finally:
        conn.close()


def _trust_record(layout: Layout) -> str | None:
    conn = index.fresh(layout)
    try:
        row = conn.execute("SELECT value FROM meta WHERE name = 'trust'").fetchone()
    finally:
        conn.close()
    return None if row is None else str(row[0])


def _trusted_store(tmp_path: Path, listings: list[int]) -> Layout:
    layout = _filled(tmp_path, sessions=30)
    _settle(layout)
    _events(layout)  # the build (it makes local/, a change of the store's directory)
    _settle(layout)
    assert _events(layout) == truth(layout)[0]  # looks at every file and records the times
    assert len(listings) == 2
    listings.clear()
    return layout


def test_a_refresh_of_another_process_trusts_the_times_and_lists_nothing(tmp_path: Path, listings: list[int]) -> None:
    layout = _trusted_store(tmp_path, listings)
    assert _trust_record(layout) is not None
    assert _events(layout) == truth(layout)[0]
    assert _events(layout) == truth(layout)[0]
    assert listings == []  # neither listed nor stat'ed the 30 files


def test_a_file_another_process_adds_or_removes_is_seen(tmp_path: Path, listings: list[int]) -> None:
    layout = _trusted_store(tmp_path, listings)
    _append(Path(layout.session_file("00031")), encode(_event("00031", f"01S{31:023d}", 900_001, "note", 5)))
    assert f"01J{900_001:023d}" in {e[1] for e in _events(layout)}
    assert len(listings) == 1
    os.unlink(layout.session_file("00002"))
    assert _events(layout) == truth(layout)[0]


def test_an_append_of_this_tool_in_place_is_seen(tmp_path: Path, listings: list[int]) -> None:
    layout = _trusted_store(tmp_path, listings)
    store.append(layout.session_file("00003"), _event("00003", f"01S{3:023d}", 900_002, "note", 40))  # no journal: the file
    assert f"01J{900_002:023d}" in {e[1] for e in _events(layout)}
    assert _events(layout) == truth(layout)[0]


def test_a_hand_edit_in_place_waits_for_a_view_that_looks_at_every_file(tmp_path: Path, listings: list[int],
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The price of the trust, stated: an edit that leaves every directory's time as it was
    (an editor writing the file in place, then the times set back) is not seen by a per-session
    command, and is by ``status``, ``check``, ``render`` and ``doctor``, which never trust."""
    layout = _trusted_store(tmp_path, listings)
    _append(Path(layout.session_file("00004")), encode(_event("00004", f"01S{4:023d}", 900_003, "note", 50)))
    _settle(layout)
    assert f"01J{900_003:023d}" not in {e[1] for e in _events(layout)}
    monkeypatch.setattr(stamps, "TRUST", [False])
    assert f"01J{900_003:023d}" in {e[1] for e in _events(layout)}


def test_directories_changed_within_the_racy_window_are_never_trusted(tmp_path: Path, listings: list[int]) -> None:
    layout = _filled(tmp_path, sessions=3)  # just made: every directory's time is now
    _events(layout)
    assert _trust_record(layout) is None
    _events(layout)
    assert len(listings) == 3


def test_a_record_made_at_another_fingerprint_is_not_trusted(tmp_path: Path, listings: list[int]) -> None:
    layout = _trusted_store(tmp_path, listings)
    conn = index.fresh(layout)
    try:
        conn.execute("UPDATE meta SET value = 'another' WHERE name = 'stamps'")
        conn.commit()
    finally:
        conn.close()
    assert _events(layout) == truth(layout)[0]
    assert len(listings) == 1
