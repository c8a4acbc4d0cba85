"""CI's commit rules on honest history: cherry-picks and reverts made during a tracked session
count as tracked (git runs no commit-msg hook for them, so they carry no trailer); escape
hatches stay visible after `end`. Real repositories, real `git cherry-pick -x` / `git revert`."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Cli
from enforce_helpers import change, commit, git_run, head


def _maintenance_fix(repo: Path) -> str:
    """A fix on a maintenance branch, made where session-tracker is not used (no trailer)."""
    git_run(repo, "checkout", "-q", "-b", "maint")
    change(repo, "fix.py", "fixed = True\n")
    assert commit(repo, "Fix the parser on maint", "--no-verify").returncode == 0
    sha = head(repo)
    git_run(repo, "checkout", "-q", "main")
    return sha


def _rules(cli: Cli, spec: str) -> dict[str, dict[str, object]]:
    result = cli("check", "--range", spec, "--json")
    return {str(r["id"]): r for r in json.loads(result.out)["rules"]}


def test_cherry_pick_and_revert_in_a_hooked_session_pass_check_range(repo: Path, cli: Cli) -> None:
    fix = _maintenance_fix(repo)
    assert cli("hooks", "install").code == 0
    start = head(repo)
    assert cli("init", "--session", "00001").code == 0
    assert cli("log", "Bring the maintenance fix over").code == 0
    picked = git_run(repo, "cherry-pick", "-x", fix)
    assert picked.returncode == 0, picked.stderr
    assert "(cherry picked from commit" in git_run(repo, "log", "-1", "--format=%B").stdout
    assert "Session:" not in git_run(repo, "log", "-1", "--format=%B").stdout  # no commit-msg hook for picks
    reverted = git_run(repo, "revert", "--no-edit", "HEAD")
    assert reverted.returncode == 0, reverted.stderr
    assert cli("log", "Reverted it again: breaks the build").code == 0
    assert cli("end", "--next", "Find another fix").code == 0
    git_run(repo, "add", "-A")
    assert commit(repo, "Session 00001: events and documents").returncode == 0

    result = cli("check", "--range", f"{start}..HEAD")
    assert result.code == 0, result
    rules = _rules(cli, f"{start}..HEAD")
    assert rules["session-trailer"]["status"] == "pass" and rules["tracked-commits"]["status"] == "pass"
    details = " ".join(map(str, rules["session-trailer"]["details"]))  # type: ignore[call-overload]
    assert "a cherry-pick recorded by a session" in details and "a revert recorded by a session" in details


def test_a_cherry_pick_from_another_clone_made_during_the_session_is_tracked_by_its_time(repo: Path, cli: Cli, tmp_path: Path) -> None:
    _maintenance_fix(repo)
    start = head(repo)
    teammate = tmp_path / "teammate"
    assert git_run(tmp_path, "clone", "-q", str(repo), str(teammate)).returncode == 0
    assert cli("init", "--session", "00001").code == 0
    change(repo, "feature.py")
    assert commit(repo, "Feature work", "--trailer", "Session: 00001").returncode == 0
    # Meanwhile, in another clone without session-tracker: the maintenance fix, picked with -x.
    assert git_run(teammate, "cherry-pick", "-x", "origin/maint").returncode == 0
    assert cli("end").code == 0  # ends before the teammate's commit arrives: no session recorded it
    git_run(repo, "add", "-A")
    assert commit(repo, "Session 00001: events and documents").returncode == 0
    assert git_run(repo, "pull", "-q", "--no-rebase", "--no-edit", str(teammate), "main").returncode == 0
    rules = _rules(cli, f"{start}..HEAD")
    assert rules["session-trailer"]["status"] == "pass", rules["session-trailer"]
    assert rules["tracked-commits"]["status"] == "pass", rules["tracked-commits"]
    assert "a cherry-pick made during session 00001" in " ".join(map(str, rules["session-trailer"]["details"]))  # type: ignore[call-overload]

    # The same pick outside any session is not excused, and the hint says how without rewriting.
    change(repo, "later.py")
    assert commit(repo, "Plain commit, no session").returncode == 0
    result = cli("check", "--range", f"{start}..HEAD")
    assert result.code == 1
    assert "Plain commit, no session: no `Session:` trailer" in result.out
    assert "do not rewrite them" in result.out and '[check] disable = ["session-trailer"]' in result.out


def test_skipped_commits_stay_visible_after_end(repo: Path, cli: Cli) -> None:
    assert cli("hooks", "install").code == 0
    assert cli("init", "--session", "00001").code == 0
    assert cli("log", "work").code == 0
    change(repo)
    assert commit(repo, "tracked").returncode == 0
    change(repo, "secret.py")
    assert commit(repo, "sneaked in", env={"SESSION_TRACKER_SKIP": "1"}).returncode == 0
    sneaked = head(repo)
    ended = cli("end", "--json")
    assert ended.code == 0, ended

    doctor = json.loads(cli("doctor", "--json").out)
    untracked = [f for f in doctor["findings"] if f["check"] == "untracked-commit"]
    assert len(untracked) == 1 and "sneaked in" in untracked[0]["message"] and untracked[0]["where"] == f"commit {sneaked[:7]}"
    handoff = (repo / "archive" / "sessions" / "SESSION-00001-HANDOFF.md").read_text()
    assert "## Untracked commits (1)" in handoff and f"`{sneaked[:7]}` sneaked in" in handoff
    summary = json.loads(cli("summary", "--session", "00001", "--json").out)
    assert summary["untracked_commits"] == [{"sha": sneaked, "subject": "sneaked in"}]
