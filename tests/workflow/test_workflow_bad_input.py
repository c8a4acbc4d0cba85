"""Issue 5's bad input: an unknown workflow, an empty objective, a tasks.json edited by hand,
a dependency cycle, a risk without mitigation … — one ``error:`` + ``hint:``, exit 1, and
nothing half-written (the store and documents are byte-identical afterwards)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import Cli, run_cli, snapshot
from helpers import assert_clean_error


@pytest.fixture
def open_session(repo: Path, cli: Cli) -> Path:
    assert cli("init", "--session", "00003", "--workflow", "bug-fix").code == 0
    return repo


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("init", "--workflow", "no-such-flow"), "unknown workflow"),
        (("init", "--workflow", "../etc"), "unknown workflow"),
        (("init", "--objective", ""), "is empty"),
        (("init", "--objective", "   "), "is empty"),
    ],
)
def test_init_refused_before_anything_is_written(repo: Path, cli: Cli, args: tuple[str, ...], fragment: str) -> None:
    before = snapshot(repo)
    assert_clean_error(cli(*args), fragment)
    assert snapshot(repo) == before
    assert not (repo / ".sessions" / "events").exists() or not list((repo / ".sessions" / "events").iterdir())


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("risk", "--message", "Outage"), "needs a mitigation"),
        (("risk", "--message", "", "--mitigation", "x"), "is empty"),
        (("check-item", ""), "is empty"),
        (("check-item", "two\nlines"), "spans several lines"),
        (("review",), "nothing to review"),
        (("review", "--worked", " "), "is empty"),
        (("memory", "add", "gossip", "--message", "x"), "unknown memory kind"),
        (("memory", "add", "decisions", "--message", "Use X"), "needs a rationale"),
        (("memory", "add", "patterns", "--message", "x", "--rationale", "y"), "belong to decisions"),
        (("memory", "add", "decisions", "--message", "x", "--rationale", "y", "--supersedes", "9"), "unknown decision record ADR-009"),
        (("memory", "show", "gossip"), "unknown memory kind"),
        (("task", "add", "X", "--agent", "bad agent!"), "invalid agent name"),
        (("task", "add", "X", "--success", ""), "is empty"),
        (("task", "add", "X", "--depends-on", "task-99"), "unknown task"),
        (("workflow", "show", "nope"), "unknown workflow"),
    ],
)
def test_refused_without_writing(open_session: Path, cli: Cli, args: tuple[str, ...], fragment: str) -> None:
    before = snapshot(open_session)
    assert_clean_error(cli(*args), fragment)
    assert snapshot(open_session) == before


def test_a_broken_user_workflow_names_its_line(all_documents: Path, repo: Path, cli: Cli) -> None:
    folder = repo / ".sessions" / "workflows"
    folder.mkdir(parents=True)
    (folder / "release.md").write_text("# Release\n## Steps\n- devops: Tag it (10)\n## Nonsense\n")
    before = snapshot(repo)
    assert_clean_error(cli("init", "--workflow", "release"), ".sessions/workflows/release.md:4: unknown section")
    assert snapshot(repo) == before
    (folder / "release.md").write_text("# Release\n## Steps\n- devops: Tag it (10)\n- Announce\n## Checklist\n- Changelog written\n")
    assert cli("init", "--workflow", "release").code == 0
    tasks = json.loads((repo / ".claude/sessions/session-00001-tasks.json").read_text())
    assert [(t["title"], t["agent"], t["estimatedMinutes"]) for t in tasks["tasks"]] == [("Tag it", "devops", 10), ("Announce", None, None)]
    assert "- [ ] Changelog written" in (repo / ".claude/sessions/session-00001-plan.md").read_text()


def test_a_dependency_cycle_is_refused_whole(open_session: Path, cli: Cli) -> None:
    plan_file = open_session / ".sessions" / "plan.toml"
    assert cli("plan", "export").code == 0
    text = plan_file.read_text()
    # the workflow's first step now depends on its fourth, which depends on it via the chain
    first, _, _, fourth = re.findall(r'id = "(task-[0-9a-z]+)"', text)[:4]
    text = text.replace(f'id = "{first}"\n', f'id = "{first}"\ndepends_on = ["{fourth}"]\n', 1)
    plan_file.write_text(text)
    before = snapshot(open_session)
    assert_clean_error(cli("plan", "import"), "dependency cycle")
    assert snapshot(open_session) == before


def test_a_hand_edited_tasks_json_is_named_by_doctor_and_regenerated(all_documents: Path, open_session: Path, cli: Cli) -> None:
    path = open_session / ".claude/sessions/session-00003-tasks.json"
    good = path.read_bytes()
    first = json.loads(cli("task", "list", "--json").out)["tasks"][0]["id"]
    for broken, fragment in (('{"tasks": 3}', "not the lifecycle's tasks.json shape"), ("{oops", "not valid JSON")):
        path.write_text(broken)
        result = run_cli(open_session, "doctor")
        assert result.code == 1, result
        assert "session-00003-tasks.json" in result.out and fragment in result.out, result.out
        # never read as truth: the next change rewrites it from the events
        assert cli("task", "start", first).code == 0
        assert json.loads(path.read_text())["tasks"][0]["status"] == "in_progress"
        assert cli("task", "reopen", first).code == 0
    assert path.read_bytes() == good


def test_an_ended_sessions_documents_keep_their_record(all_documents: Path, repo: Path, cli: Cli) -> None:
    """A task of session 1 finished in session 2 leaves session 1's tasks.json as it ended, and
    an incremental render agrees with doctor's full one."""
    assert cli("init", "--session", "00001").code == 0
    carried = cli("task", "add", "Carry me", "--agent", "architect", "--estimate", "10").out.strip().split()[-1]
    assert cli("end").code == 0
    first = repo / ".claude/sessions/session-00001-tasks.json"
    before = first.read_bytes()
    assert cli("init", "--session", "00002").code == 0
    assert cli("task", "done", carried, "--actual", "12").code == 0
    assert cli("render").code == 0
    assert first.read_bytes() == before
    assert json.loads(before)["tasks"][0]["status"] == "pending"
    assert f"{carried}: Carry me (architect, pending)" in (repo / ".claude/sessions/session-00002-context.md").read_text()
    result = run_cli(repo, "doctor", "--json")
    assert not [f for f in json.loads(result.out)["findings"] if f["level"] == "error"], result.out


def test_agent_and_success_round_trip_through_plan_export(all_documents: Path, open_session: Path, cli: Cli) -> None:
    assert cli("task", "add", "Extra", "--agent", "documentation-writer", "--success", "Docs read well").code == 0
    assert cli("plan", "export").code == 0
    text = (open_session / ".sessions/plan.toml").read_text()
    assert 'agent = "documentation-writer"' in text and 'success = "Docs read well"' in text
    assert json.loads(cli("plan", "import", "--json").out)["events"] == 0
    (open_session / ".sessions/plan.toml").write_text(text.replace('agent = "documentation-writer"', 'agent = "code-reviewer"'))
    assert json.loads(cli("plan", "import", "--json").out)["events"] == 1
    tasks = json.loads((open_session / ".claude/sessions/session-00003-tasks.json").read_text())["tasks"]
    assert tasks[-1]["agent"] == "code-reviewer"


@pytest.mark.parametrize(
    "args",
    [
        ("log", "hello"),
        ("blocker", "--message", "stuck"),
        ("handoff", "--item", "carry on"),
        ("metrics", "record", "--tests-passed", "3", "--tests-failed", "1"),
        ("risk", "--message", "r", "--mitigation", "m"),
        ("check-item", "Documentation updated"),
        ("review", "--worked", "w"),
        ("memory", "add", "patterns", "--message", "p"),
        ("task", "add", "T", "--agent", "architect"),
        ("issue", "--message", "bug"),
    ],
)
def test_every_command_leaves_the_documents_current(open_session: Path, cli: Cli, args: tuple[str, ...]) -> None:
    assert cli(*args).code == 0
    result = run_cli(open_session, "doctor", "--json")
    assert not [f for f in json.loads(result.out)["findings"] if f["level"] == "error"], result.out
