"""Issue 11's storage layout: file names two clones never share, lines that cannot glue or come
back through a merge, ids made without coordination, the open session's journal that git cannot
take away, and selection by number, id or prefix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import git, run_cli
from helpers import events_file
from session_tracker.core import store
from session_tracker.core.events import Event
from session_tracker.core.files import Listing, session_stem, split_stem
from session_tracker.core.ids import short_id
from session_tracker.core.model import Session
from session_tracker.core.select import choose
from session_tracker.core.ulid import new_ulid
from session_tracker.errors import TrackerError


def _event(message: str) -> Event:
    sid = new_ulid()
    return Event(id=new_ulid(), ts="2026-12-01T10:00:00.000+00:00", session="00001", sid=sid, type="note", actor="human",
                 data={"message": message, "category": "implementation"})


def test_an_append_after_a_line_without_its_newline_does_not_glue(tmp_path: Path) -> None:
    path = tmp_path / "00001.jsonl"
    store.append(str(path), _event("first"))
    with path.open("ab") as handle:
        handle.write(b'{"torn": ')  # a write cut off: no newline
    store.append(str(path), _event("second"))
    events, problems = store.read(str(path))
    assert [e.data["message"] for e in events] == ["first", "second"]  # the new line reads on its own
    assert [p.where for p in problems] == [f"{path}:2"]  # the broken one stays reported, alone


def test_stems_carry_the_number_and_the_session_id() -> None:
    sid = new_ulid()
    assert split_stem(session_stem("00003", sid)) == ("00003", sid)
    assert split_stem(session_stem("auth-fix", sid)) == ("auth-fix", sid)
    assert split_stem("00003") == ("00003", "")  # a legacy file
    listing = Listing([f"00003-{sid}.jsonl", "00003.jsonl", "project-abc-main.jsonl", "notes.txt"])
    assert sorted(listing.by_number["00003"]) == ["00003", f"00003-{sid}"]
    assert listing.project == ["project-abc-main"]
    with pytest.raises(ValueError):
        split_stem("project-abc-main")


def test_short_ids_are_unique_typable_and_never_look_sequential() -> None:
    made = {short_id("task") for _ in range(2000)}
    assert len(made) == 2000
    for ident in made:
        prefix, _, suffix = ident.partition("-")
        assert prefix == "task" and len(suffix) == 6 and suffix.isalnum() and suffix == suffix.lower()
        assert not suffix.isdigit()
    assert short_id("q", {"q-aaaaaa"}) != "q-aaaaaa"


def _session(number: str) -> Session:
    sid = new_ulid()
    session = Session(number, sid, f"{number}-{sid}")
    session.add(Event(id=sid, ts="2026-12-01T10:00:00.000+00:00", session=number, sid=sid, type="session.started",
                      actor="human", data={"number": number, "git": {"branch": "b"}}))
    return session


def test_a_shared_number_is_refused_naming_both_and_ids_select() -> None:
    first, second, other = _session("00002"), _session("00002"), _session("00003")
    sessions = [first, second, other]
    with pytest.raises(TrackerError) as refused:
        choose(sessions, "00002")
    assert first.sid in refused.value.message and second.sid in refused.value.message
    assert "renumber" in refused.value.hint
    assert choose(sessions, second.sid) is second
    assert choose(sessions, second.sid[:14].lower()) is second  # a unique prefix, any case
    assert choose(sessions, "00003") is other
    assert choose(sessions, "00009") is None


def test_doctor_fix_quarantines_a_line_and_a_merge_cannot_bring_it_back(repo: Path) -> None:
    assert run_cli(repo, "init", "-o", "quarantine").code == 0
    assert run_cli(repo, "log", "kept").code == 0
    assert run_cli(repo, "end").code == 0
    path = events_file(repo, "00001")
    with path.open("ab") as handle:
        handle.write(b"{not json}\n")
    git(repo, "add", ".sessions")
    git(repo, "commit", "-q", "-m", "events with a bad line")
    git(repo, "branch", "other")  # a branch that still has the bad line
    before = json.loads(run_cli(repo, "doctor", "--json").out)
    assert before["ok"] is False
    bad_line = path.read_bytes().count(b"\n")  # the last line
    fixed = json.loads(run_cli(repo, "doctor", "--fix", "--json").out)
    assert fixed["ok"] is True
    where = f"{path.relative_to(repo).as_posix()}:{bad_line}"
    moved = [f for f in fixed["findings"] if f["check"] == "quarantined"]
    assert len(moved) == 1 and moved[0]["where"] == where
    (record,) = [json.loads(line) for q in (repo / ".sessions/quarantine").iterdir() for line in q.read_text().splitlines()]
    assert record["text"] == "{not json}" and f"{record['file']}:{record['line']}" == where
    git(repo, "add", ".sessions")
    git(repo, "commit", "-q", "-m", "doctor --fix")
    git(repo, "switch", "-q", "other")
    (repo / "other.txt").write_text("work on the other branch\n")
    git(repo, "add", "other.txt")
    git(repo, "commit", "-q", "-m", "other work")
    git(repo, "switch", "-q", "main")
    git(repo, "-c", "core.attributesFile=/dev/null", "merge", "-q", "--no-edit", "other")
    assert b"{not json}" not in path.read_bytes()  # a plain merge keeps the removal
    assert json.loads(run_cli(repo, "doctor", "--json").out)["ok"] is True


def test_the_open_session_survives_reset_hard_past_its_committed_events(repo: Path) -> None:
    assert run_cli(repo, "hooks", "install").code == 0
    started = json.loads(run_cli(repo, "init", "-o", "survive", "--json").out)
    assert run_cli(repo, "log", "one").code == 0
    (repo / "a.txt").write_text("a\n")
    git(repo, "add", "a.txt")
    git(repo, "commit", "-q", "-m", "a")  # pre-commit publishes and stages the events so far
    assert run_cli(repo, "log", "two").code == 0
    git(repo, "reset", "-q", "--hard", "HEAD~1")  # the commit with the events file is gone
    assert not list((repo / ".sessions/events").glob("00001-*.jsonl"))  # git took the file away
    shown = json.loads(run_cli(repo, "show", str(started["sid"]), "--json").out)
    assert [e["data"]["message"] for e in shown["timeline"] if e["type"] == "note"] == ["one", "two"]
    assert run_cli(repo, "log", "three").code == 0
    assert run_cli(repo, "end").code == 0
    events = [json.loads(line) for line in events_file(repo, "00001").read_text().splitlines()]
    notes = [e["data"]["message"] for e in events if e["type"] == "note"]
    assert notes == ["one", "two", "three"]  # nothing lost
    assert len({e["id"] for e in events}) == len(events)  # no duplicate ids
