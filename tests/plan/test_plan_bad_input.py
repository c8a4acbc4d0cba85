"""Bad input to the plan commands: a clear ``error:`` + ``hint:`` (with file:line for plan
files), exit 1, and nothing written — ``plan import`` applies all or nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import Cli, snapshot
from helpers import assert_clean_error


@pytest.fixture
def planned(repo: Path, cli: Cli) -> Path:
    for args in (
        ("phase", "add", "Phase 0", "--sessions", "1-3"),
        ("component", "add", "API"),
        ("milestone", "add", "Beta", "--target", "2026-07-01"),
        ("task", "add", "First"),
    ):
        result = cli(*args)
        assert result.code == 0, result
    first = result.out.strip().split()[-1]
    (repo / ".first-task").write_text(first)  # the id the parametrized cases call task-1
    assert cli("task", "add", "Second", "--depends-on", first).code == 0
    return repo


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("phase", "add", "Phase 1", "--sessions", "3-5"), "overlaps phase 'Phase 0'"),
        (("phase", "add", "Phase 1", "--sessions", "5-4"), "must go from a first session"),
        (("phase", "add", "Phase 1", "--sessions", "four"), "cannot read the session range"),
        (("phase", "add", "Phase 0", "--sessions", "7-9"), "already exists"),
        (("phase", "set", "Nope", "--status", "complete"), "unknown phase 'Nope'"),
        (("phase", "set", "Phase 0", "--status", "done-ish"), "unknown status"),
        (("milestone", "add", "GA", "--target", "2026-02-30"), "cannot read the date"),
        (("milestone", "add", "GA", "--target", "next week"), "cannot read the date"),
        (("milestone", "set", "Nope", "--status", "complete"), "unknown milestone"),
        (("component", "set", "Nope", "--progress", "5"), "unknown component 'Nope'"),
        (("component", "add", "UI", "--progress", "140"), "not a percentage"),
        (("task", "add", "X", "--phase", "Nope"), "unknown phase 'Nope'"),
        (("task", "add", "X", "--component", "Nope"), "unknown component 'Nope'"),
        (("task", "add", "X", "--depends-on", "task-9"), "unknown task 'task-9'"),
        (("task", "done", "task-9"), "unknown task 'task-9'"),
        (("task", "block", "task-1"), "needs a reason"),
        (("question", "--answer", "q-7", "-m", "yes"), "unknown question"),
        (("next", "--done", "n-4"), "no open next step"),
        (("issue", "--fix", "i-3", "-m", "x"), "unknown issue"),
        (("plan", "set", "--complexity", "Enormous"), "unknown complexity"),
        (("init", "--complexity", "Enormous"), "unknown complexity"),
        (("blocker", "x", "--impact", "Severe"), "unknown impact"),
    ],
)
def test_refused_without_writing(planned: Path, cli: Cli, args: tuple[str, ...], fragment: str) -> None:
    first = (planned / ".first-task").read_text()
    args = tuple(first if a == "task-1" else a for a in args)  # ids are random (core/ids.py)
    before = snapshot(planned)
    assert_clean_error(cli(*args), fragment)
    assert snapshot(planned) == before


PLAN = """[project]
complexity = "Small"

[[phase]]
name = "Phase 0"
sessions = "1-3"

[[phase]]
name = "Phase 1"
sessions = "4-6"

[[task]]
id = "task-1"
title = "First"
depends_on = ["task-2"]

[[task]]
id = "task-2"
title = "Second"
depends_on = ["task-1"]
"""


def test_import_with_a_cycle_applies_nothing(planned: Path, cli: Cli) -> None:
    (planned / "plan.toml").write_text(PLAN)
    before = snapshot(planned)
    assert_clean_error(cli("plan", "import", "--file", "plan.toml"), "dependency cycle: task-1 → task-2 → task-1")
    assert snapshot(planned) == before  # the valid phase and complexity were not applied either


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('[[phase]]\nname = "P"\nsessions = 1-3\n', "plan.toml:3:"),
        ('[[phase]]\nname = "P"\nsessions = "1-3"\n\n[[phase]]\nname = "Q"\nsessions = "2-4"\n', "overlaps"),
        ('[[phase]]\nname = "P"\nsessions = "1-3"\n\n[[phase]]\nname = "Q"\nsessions = "x"\n', "plan.toml:5: cannot read the session range"),
        ('[[milestone]]\nname = "M"\ntarget = "2026-13-01"\n', "plan.toml:1: cannot read the date"),
        ('[[task]]\ntitle = "T"\nphase = "Nowhere"\n', "unknown phase 'Nowhere'"),
        ('[[task]]\ntitle = "T"\ncolour = "red"\n', "plan.toml:1: unknown key 'colour'"),
        ('[[thing]]\nname = "x"\n', "unknown section 'thing'"),
    ],
)
def test_bad_plan_files(repo: Path, cli: Cli, text: str, fragment: str) -> None:
    (repo / "plan.toml").write_text(text)
    before = snapshot(repo)
    assert_clean_error(cli("plan", "import", "--file", "plan.toml"), fragment)
    assert snapshot(repo) == before


def test_a_plan_written_by_hand_round_trips(all_documents: Path, repo: Path, cli: Cli) -> None:
    text = PLAN.replace('depends_on = ["task-2"]\n', "").replace("[project]", '[project]\nname = "Demo"') + """
[[component]]
name = "API"
status = "in-progress"
progress = 40
owner = "Ann"

[[milestone]]
name = "Beta"
target = "2026-07-01"

[[question]]
message = "Which database?"

[[next]]
message = "Start with the schema"
priority = 1

[[resource]]
path = "db/schema.sql"
note = "Database migration"

[[interface]]
text = "connect(url: str) -> Conn"

[[issue]]
message = "Slow tests"
"""
    (repo / "plan.toml").write_text(text)
    result = cli("plan", "import", "--file", "plan.toml", "--json")
    assert result.code == 0, result
    assert json.loads(result.out)["events"] > 8
    tasks = json.loads(cli("task", "list", "--json").out)["tasks"]
    assert [(t["id"], t["dependsOn"]) for t in tasks] == [("task-1", []), ("task-2", ["task-1"])]
    assert cli("plan", "export").code == 0
    exported = (repo / ".sessions/plan.toml").read_text()
    assert 'name = "Demo"' in exported and 'sessions = "4-6"' in exported and re.search(r'id = "q-[0-9a-z]{6}"', exported)
    log = _plan_log(repo)
    assert json.loads(cli("plan", "import", "--json").out)["events"] == 0
    assert _plan_log(repo) == log
    # an edit to the exported file becomes exactly the events it implies
    (repo / ".sessions/plan.toml").write_text(exported.replace("progress = 40", "progress = 90"))
    changed = json.loads(cli("plan", "import", "--json").out)
    assert changed["types"] == ["component.set"]
    assert "| API | 🟡 In Progress | 90% | — |" in (repo / "IMPLEMENTATION.md").read_text()


def test_doctor_reports_a_hand_edited_tracker_and_render_repairs_it(all_documents: Path, repo: Path, cli: Cli) -> None:
    assert cli("phase", "add", "Phase 0", "--sessions", "1-2").code == 0
    tracker = repo / "SESSION_TRACKER.md"
    good = tracker.read_bytes()
    tracker.write_text(tracker.read_text().replace("0%", "50%"))
    doctor = cli("doctor", "--json")
    assert doctor.code == 1
    assert [f["where"] for f in json.loads(doctor.out)["findings"] if f["check"] == "document-edited"] == ["SESSION_TRACKER.md"]
    assert cli("render").code == 0
    assert tracker.read_bytes() == good


def test_documents_can_move_or_be_switched_off(repo: Path, cli: Cli) -> None:
    (repo / ".sessions").mkdir()
    (repo / ".sessions/config.toml").write_text('[documents]\npreset = "tracker"\ntracker = "docs/TRACKER.md"\nprogress = false\n')
    assert cli("phase", "add", "Phase 0", "--sessions", "1-2").code == 0
    assert (repo / "docs/TRACKER.md").is_file() and (repo / "IMPLEMENTATION.md").is_file()
    assert not (repo / "progress.txt").exists() and not (repo / "SESSION_TRACKER.md").exists()
    (repo / ".sessions/config.toml").write_text('[documents]\ntracker = "docs/{session}.md"\n')
    assert_clean_error(cli("render"), "documents.tracker must be a path")


def test_plan_commands_record_against_the_open_session(repo: Path, cli: Cli) -> None:
    assert cli("task", "add", "Before").code == 0
    assert cli("init").code == 0
    assert cli("task", "add", "During").code == 0
    events = [json.loads(line) for line in _plan_log(repo).decode().splitlines()]
    assert [(e["session"], e["sid"] == "project") for e in events] == [("project", True), ("00001", False)]


def test_a_corrupt_plan_line_is_reported_by_doctor_and_skipped(repo: Path, cli: Cli) -> None:
    first = cli("task", "add", "First").out.strip().split()[-1]
    (journal,) = (repo / ".sessions/local/journal").glob("project-*.jsonl")  # where this clone's plan events wait
    with journal.open("ab") as handle:
        handle.write(b"{torn\n")
    second = cli("task", "add", "Second").out.strip().split()[-1]
    assert [t["id"] for t in json.loads(cli("task", "list", "--json").out)["tasks"]] == [first, second]
    doctor = cli("doctor", "--json")
    assert doctor.code == 1
    assert f"{journal.relative_to(repo).as_posix()}:2" in [f["where"] for f in json.loads(doctor.out)["findings"]]


def _plan_log(repo: Path) -> bytes:
    """Every project event line of this clone (its files and their journals, issue 11)."""
    paths = sorted((repo / ".sessions/events").glob("project-*.jsonl")) + sorted((repo / ".sessions/local/journal").glob("project-*.jsonl"))
    return b"".join(p.read_bytes() for p in paths)
