"""A listing kept in the process is updated by the names that changed (core/files.py): it must
equal a listing made from scratch, and ``scan`` must see every file added or removed, even
within the racy window where the directory's time alone proves nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from session_tracker.core.files import Listing, scan, session_stem
from session_tracker.core.paths import Layout

_SIDS = ["01J0000000000000000000000A", "01J0000000000000000000000B", "01J0000000000000000000000C"]
_NAMES = st.sampled_from(
    [f"{session_stem(n, sid)}.jsonl" for n in ("00001", "00002", "00003", "A-1") for sid in _SIDS]
    + ["00004.jsonl", "00005.jsonl", "project-abc-main.jsonl", "project-xyz-dev.jsonl", "notes.txt", "-bad.jsonl"]
)


def _shape(listing: Listing) -> tuple[object, ...]:
    return listing.stems, listing.by_sid, listing.by_number, listing.project, listing.renumbered()


@settings(max_examples=300, deadline=None)
@given(st.sets(_NAMES), st.sets(_NAMES))
def test_changed_equals_a_listing_made_anew(before: set[str], after: set[str]) -> None:
    old = Listing(list(before))
    old_shape = _shape(old)
    new = old.changed(after - before, before - after)
    assert _shape(new) == _shape(Listing(list(after)))
    assert _shape(old) == old_shape  # the kept listing is not changed under a holder of it


def test_scan_sees_a_file_made_and_removed_within_the_racy_window(tmp_path: Path) -> None:
    layout = Layout(str(tmp_path))
    os.makedirs(layout.events_dir)
    for number in range(1, 40):
        Path(layout.events_dir, f"{session_stem(f'{number:05d}', _SIDS[0][:-3] + f'{number:03d}')}.jsonl").write_text("")
    first = scan(layout)
    assert len(first.stems) == 39
    made = Path(layout.events_dir, f"{session_stem('00040', _SIDS[1])}.jsonl")
    made.write_text("")
    assert "00040" in scan(layout).by_number
    made.unlink()
    Path(layout.events_dir, "project-abc-main.jsonl").write_text("")
    again = scan(layout)
    assert "00040" not in again.by_number
    assert again.project == ["project-abc-main"]
    assert _shape(again) == _shape(Listing(os.listdir(layout.events_dir)))


def test_a_settled_listing_is_used_without_listing_the_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    layout = Layout(str(tmp_path))
    os.makedirs(layout.events_dir)
    Path(layout.events_dir, f"{session_stem('00001', _SIDS[0])}.jsonl").write_text("")
    old = 1_000_000_000_000_000_000  # 2001: far outside the racy window
    os.utime(layout.events_dir, ns=(old, old))
    first = scan(layout)
    calls: list[str] = []
    real = os.listdir

    def listdir(folder: str) -> list[str]:
        calls.append(folder)
        return real(folder)

    monkeypatch.setattr(os, "listdir", listdir)
    assert scan(layout) is first
    assert calls == []
    Path(layout.events_dir, f"{session_stem('00002', _SIDS[1])}.jsonl").write_text("")  # the time moves
    assert "00002" in scan(layout).by_number
    assert calls


@settings(max_examples=300, deadline=None)
@given(st.sets(_NAMES), st.sampled_from(["00001", "00002", "00004", "A-1", "A", "0000", "00001-01J"]), st.sampled_from(_SIDS))
def test_the_lookups_equal_the_maps(names: set[str], number: str, sid: str) -> None:
    listing = Listing(list(names))
    assert listing.numbered(number) == Listing(list(names)).by_number.get(number, [])
    assert listing.has(number) == (number in listing.stems)
    assert listing.of_sid(sid, session_stem(number, sid)) == Listing(list(names)).by_sid.get(sid, [])


def _fresh_process(layout: Layout) -> None:
    """Forget the listing this process kept: the next scan is another process's first."""
    from session_tracker.core import files

    files._SCANNED.pop((layout.events_dir, os.path.join(layout.local_dir, "journal")), None)


def test_the_next_process_takes_the_kept_listing_without_listing_the_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    layout = Layout(str(tmp_path))
    os.makedirs(layout.events_dir)
    os.makedirs(layout.local_dir)
    for number in range(1, 30):
        Path(layout.events_dir, f"{session_stem(f'{number:05d}', _SIDS[0][:-3] + f'{number:03d}')}.jsonl").write_text("")
    Path(layout.events_dir, "project-abc-main.jsonl").write_text("")
    old = 1_000_000_000_000_000_000
    os.utime(layout.events_dir, ns=(old, old))
    first = scan(layout)
    assert Path(layout.local_dir, "listing.cache").exists()
    _fresh_process(layout)
    calls: list[str] = []
    real = os.listdir

    def listdir(folder: str) -> list[str]:
        calls.append(folder)
        return real(folder)

    monkeypatch.setattr(os, "listdir", listdir)
    second = scan(layout)
    assert calls == [] and second is not first
    assert _shape(second) == _shape(first)
    Path(layout.events_dir, f"{session_stem('00040', _SIDS[1])}.jsonl").write_text("")  # the time moves
    _fresh_process(layout)
    assert "00040" in scan(layout).by_number
    assert _shape(scan(layout)) == _shape(Listing(real(layout.events_dir)))


@pytest.mark.parametrize("kept", [b"", b"not marshal", b"\xe9\x00\x01", None])
def test_a_kept_listing_that_cannot_be_read_means_listing_again(tmp_path: Path, kept: bytes | None) -> None:
    import marshal

    layout = Layout(str(tmp_path))
    os.makedirs(layout.events_dir)
    os.makedirs(layout.local_dir)
    Path(layout.events_dir, f"{session_stem('00001', _SIDS[0])}.jsonl").write_text("")
    old = 1_000_000_000_000_000_000
    os.utime(layout.events_dir, ns=(old, old))
    stamp = [old, -1]
    blob = kept if kept is not None else marshal.dumps((999, [3, 11], stamp, True, [["00009-x"], [""], [], []]))  # another format
    Path(layout.local_dir, "listing.cache").write_bytes(blob)
    _fresh_process(layout)
    assert scan(layout).stems == [session_stem("00001", _SIDS[0])]
