"""``doctor`` as a real CLI process: exit codes, the text report and the ``--json`` shape for a
clean store, bad lines, hand-edited documents, colliding numbers, duplicated events and open
sessions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import Cli, Result
from helpers import events_file
from session_tracker.core.ulid import new_ulid

EVENTS = Path(".sessions/events")
LOG_MD = Path("archive/sessions/SESSION-00001-LOG.md")


def _file(root: Path) -> str:
    """Session 00001's event file, relative ('.sessions/events/00001-<sid>.jsonl')."""
    return events_file(root, "00001").relative_to(root).as_posix()


def doctor_json(cli: Cli) -> tuple[int, dict[str, object]]:
    result: Result = cli("doctor", "--json")
    assert result.err == "", result
    report = json.loads(result.out)
    assert set(report) == {"v", "ok", "findings"}
    assert report["v"] == 1
    for finding in report["findings"]:
        assert set(finding) == {"level", "check", "where", "message"}
        assert finding["level"] in ("error", "warning")
        assert all(isinstance(value, str) and value for value in finding.values())
    assert report["ok"] is (not any(f["level"] == "error" for f in report["findings"]))
    assert result.code == (0 if report["ok"] else 1)
    return result.code, report


def checks(report: dict[str, object]) -> list[tuple[str, str, str]]:
    return [(f["level"], f["check"], f["where"]) for f in report["findings"]]  # type: ignore[attr-defined]


@pytest.fixture
def ended(repo: Path, cli: Cli) -> Path:
    """Session 00001 with a few entries, ended: every document written."""
    assert cli("init", "--session", "00001", "--objective", "Check the doctor").code == 0
    assert cli("log", "first entry").code == 0
    assert cli("decision", "-m", "Use flock", "-r", "POSIX has it", "-a", "lockfile").code == 0
    assert cli("blocker", "waiting for review").code == 0
    assert cli("end", "--next", "carry on").code == 0
    return repo


def test_a_clean_store_exits_0(ended: Path, cli: Cli) -> None:
    text = cli("doctor")
    assert text.code == 0, text
    assert text.out.strip().splitlines() == ["✅ store and documents are consistent"]
    code, report = doctor_json(cli)
    assert code == 0
    assert report == {"v": 1, "ok": True, "findings": []}


def test_an_empty_project_is_clean(tmp_path: Path, cli: Cli) -> None:
    code, report = doctor_json(lambda *a, env=None, cwd=None: cli(*a, env=env, cwd=tmp_path))
    assert (code, report["findings"]) == (0, [])


def test_a_corrupt_line_exits_1_naming_file_and_line(ended: Path, cli: Cli) -> None:
    path = events_file(ended, "00001")
    FILE = _file(ended)
    lines = path.read_bytes().count(b"\n")
    with path.open("ab") as handle:
        handle.write(b"{this is not json}\n")
    where = f"{FILE}:{lines + 1}"
    text = cli("doctor")
    assert text.code == 1, text
    assert f"error: {where}: not valid JSON" in text.out
    assert "❌ 1 problem needs attention" in text.out
    code, report = doctor_json(cli)
    assert code == 1
    assert checks(report) == [("error", "bad-line", where)]


def test_a_torn_last_line_is_reported_as_incomplete(ended: Path, cli: Cli) -> None:
    path = events_file(ended, "00001")
    FILE = _file(ended)
    lines = path.read_bytes().count(b"\n")
    with path.open("ab") as handle:
        handle.write(b'{"v":1,"id":"01J')
    code, report = doctor_json(cli)
    assert code == 1
    assert checks(report) == [("error", "bad-line", f"{FILE}:{lines + 1}")]
    assert "incomplete last line" in report["findings"][0]["message"]  # type: ignore[index]


def test_a_hand_edited_document_is_named_and_render_restores_it(ended: Path, cli: Cli) -> None:
    log_md = ended / LOG_MD
    original = log_md.read_bytes()
    with log_md.open("a", encoding="utf-8") as handle:
        handle.write("| 2026-01-01 00:00 | implementation | sneaked in by hand | human |\n")
    text = cli("doctor")
    assert text.code == 1, text
    assert f"error: {LOG_MD.as_posix()}: edited after session-tracker wrote it (no event, event file or config changed since)" in text.out
    code, report = doctor_json(cli)
    assert checks(report) == [("error", "document-edited", LOG_MD.as_posix())]

    rendered = json.loads(cli("render", "--json").out)
    assert rendered["written"] == [LOG_MD.as_posix()]
    assert log_md.read_bytes() == original
    code, report = doctor_json(cli)
    assert (code, report["findings"]) == (0, [])


def test_a_deleted_document_is_a_warning(ended: Path, cli: Cli) -> None:
    (ended / LOG_MD).unlink()
    code, report = doctor_json(cli)
    assert code == 0
    assert checks(report) == [("warning", "document-missing", LOG_MD.as_posix())]


def _started_line(sid: str, name: str = "00001") -> bytes:
    event = {
        "v": 1, "id": sid, "ts": "2030-01-01T10:00:00.000+00:00", "session": name, "sid": sid,
        "type": "session.started", "actor": "human",
        "data": {"number": name, "objectives": ["from the other branch"], "tz": "+00:00", "git": None},
    }
    return json.dumps(event, sort_keys=True, separators=(",", ":")).encode() + b"\n"


def test_two_sessions_sharing_a_number_are_reported(ended: Path, cli: Cli) -> None:
    path = events_file(ended, "00001")
    first_sid = json.loads(path.read_bytes().splitlines()[0])["sid"]
    other_sid = new_ulid()
    with path.open("ab") as handle:  # what a merge=union of two branches' 00001 leaves
        handle.write(_started_line(other_sid))
    code, report = doctor_json(cli)
    duplicates = [f for f in report["findings"] if f["check"] == "duplicate-number"]  # type: ignore[attr-defined]
    assert len(duplicates) == 1
    assert duplicates[0]["level"] == "warning"
    assert duplicates[0]["where"] == ".sessions/events/00001-*.jsonl"
    assert first_sid in duplicates[0]["message"] and other_sid in duplicates[0]["message"]
    assert "2 sessions share the number 00001" in duplicates[0]["message"]
    # the other branch's session was never rendered here: its own documents (labelled
    # 00001-<sid>, the first session keeps 00001) are missing until `render`
    missing = {w for level, check, w in checks(report) if check == "document-missing"}
    assert f"archive/sessions/SESSION-00001-{other_sid}-LOG.md" in missing
    assert ("error", "document-edited", LOG_MD.as_posix()) not in checks(report)

    assert cli("render").code == 0
    code, report = doctor_json(cli)
    assert code == 0  # only warnings left
    assert sorted(f["check"] for f in report["findings"]) == ["duplicate-number", "open-session"]  # type: ignore[attr-defined]
    assert "warning: .sessions/events/00001-*.jsonl: 2 sessions share the number 00001" in cli("doctor").out


def test_a_duplicated_event_line_is_reported(ended: Path, cli: Cli) -> None:
    path = events_file(ended, "00001")
    FILE = _file(ended)
    lines = path.read_bytes().splitlines(keepends=True)
    with path.open("ab") as handle:
        handle.write(lines[1])
    event_id = json.loads(lines[1])["id"]
    code, report = doctor_json(cli)
    assert code == 0  # readers keep the first copy: nothing is wrong with the documents
    assert checks(report) == [("warning", "duplicate-id", f"{FILE}:2")]
    message = report["findings"][0]["message"]  # type: ignore[index]
    assert event_id in message and f"{FILE}:2" in message and f"{FILE}:{len(lines) + 1}" in message
    assert f"warning: {FILE}:2: event {event_id} appears 2 times" in cli("doctor").out


def test_an_open_session_is_a_warning_only(repo: Path, cli: Cli) -> None:
    assert cli("init", "--session", "00001").code == 0
    assert cli("log", "work in progress").code == 0
    FILE = _file(repo)
    text = cli("doctor")
    assert text.code == 0, text
    assert f"warning: {FILE}: session 00001 is still open (this worktree)" in text.out
    assert "✅" in text.out
    code, report = doctor_json(cli)
    assert code == 0
    assert checks(report) == [("warning", "open-session", FILE)]


def test_a_newer_schema_stops_the_check_with_an_upgrade_hint(ended: Path, cli: Cli) -> None:
    path = events_file(ended, "00001")
    FILE = _file(ended)
    newer = json.loads(path.read_bytes().splitlines()[1])
    newer["v"], newer["id"] = 2, new_ulid()
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(newer) + "\n")
    code, report = doctor_json(cli)
    assert code == 1
    lines = path.read_bytes().count(b"\n")
    assert checks(report) == [("error", "schema", f"{FILE}:{lines}")]
    assert "upgrade" in report["findings"][0]["message"]  # type: ignore[index]


def test_a_blocker_resolved_in_a_later_session_leaves_the_earlier_handoff_valid(ended: Path, cli: Cli) -> None:
    """A handoff is what the next session started from: resolving a blocker afterwards must
    not make the earlier, untouched HANDOFF.md look edited by hand."""
    handoff = ended / "archive/sessions/SESSION-00001-HANDOFF.md"
    before = handoff.read_bytes()
    blocker = json.loads(cli("status", "--json").out)["blockers"][0]["id"]
    assert f"[{blocker}] waiting for review".encode() in before
    assert cli("init", "--session", "00002").code == 0
    assert cli("blocker", "--resolve", blocker, "-m", "reviewed").code == 0
    new = json.loads(cli("blocker", "a new problem", "--json").out)["blocker"]
    assert cli("end").code == 0
    code, report = doctor_json(cli)
    assert (code, report["findings"]) == (0, [])
    assert handoff.read_bytes() == before
    later = (ended / "archive/sessions/SESSION-00002-HANDOFF.md").read_text(encoding="utf-8")
    assert f"[{new}] a new problem" in later and f"[{blocker}] waiting" not in later.split("## Open blockers")[1].split("##")[0]
