"""Issue #6, "done when": real repositories, real `git commit`, the hooks installed by the CLI.

A commit is refused without an open session and accepted with one; commit-msg adds the
`Session:` trailer; post-commit records the commit with its files; the escape hatches leave a
trace that `doctor` and `summary` show; rebases and merges are not blocked.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import Cli
from enforce_helpers import change, commit, events, git_run, head, message


@pytest.fixture
def hooked(repo: Path, cli: Cli) -> Path:
    """``repo`` with the hooks installed (no session yet)."""
    result = cli("hooks", "install")
    assert result.code == 0, result
    return repo


def test_a_commit_is_refused_without_an_open_session_and_accepted_with_one(hooked: Path, cli: Cli) -> None:
    change(hooked)
    refused = commit(hooked, "no session")
    assert refused.returncode == 1
    assert "commit refused" in refused.stderr and "open-session" in refused.stderr
    assert "session-tracker init" in refused.stderr  # the hint
    assert git_run(hooked, "rev-list", "--count", "HEAD").stdout.strip() == "1"

    assert cli("init", "--session", "00001").code == 0
    refused = commit(hooked, "nothing logged yet")
    assert refused.returncode == 1 and "log-updated" in refused.stderr

    assert cli("log", "Added app.py").code == 0
    accepted = commit(hooked, "Add app.py")
    assert accepted.returncode == 0, accepted.stderr
    assert git_run(hooked, "rev-list", "--count", "HEAD").stdout.strip() == "2"


def test_the_trailer_is_added_and_the_commit_recorded_with_its_files(hooked: Path, cli: Cli) -> None:
    assert cli("init", "--session", "00001").code == 0
    assert cli("log", "two files").code == 0
    change(hooked, "src/a.py")
    change(hooked, "src/b.py")
    done = commit(hooked, "Add a and b")
    assert done.returncode == 0, done.stderr
    text = message(hooked)
    assert text.rstrip("\n").endswith("Session: 00001")
    assert git_run(hooked, "log", "-1", "--format=%(trailers:key=Session,valueonly)").stdout.strip() == "00001"
    recorded = [e for e in events(hooked) if e["type"] == "commit"]
    assert len(recorded) == 1
    data = recorded[0]["data"]
    assert data == {"sha": head(hooked), "subject": "Add a and b", "files": ["src/a.py", "src/b.py"]}
    assert recorded[0]["actor"] == "git-hook"
    log_md = (hooked / "archive/sessions/SESSION-00001-LOG.md").read_text(encoding="utf-8")
    assert f"`{head(hooked)[:7]}` Add a and b" in log_md  # the work log shows it at once


def test_the_trailer_is_not_repeated_and_a_body_keeps_its_shape(hooked: Path, cli: Cli) -> None:
    assert cli("init", "--session", "00001").code == 0
    assert cli("log", "x").code == 0
    change(hooked)
    done = commit(hooked, "Subject\n\nBody line.\n\nSession: 00001")
    assert done.returncode == 0, done.stderr
    assert message(hooked).count("Session:") == 1
    assert message(hooked).startswith("Subject\n\nBody line.\n")


def test_committing_the_record_itself_needs_no_session(hooked: Path, cli: Cli) -> None:
    """README's flow: `end`, then commit .sessions/ and archive/ — only the tracker's files."""
    assert cli("init", "--session", "00001").code == 0
    assert cli("log", "work").code == 0
    change(hooked)
    assert commit(hooked, "work").returncode == 0
    assert cli("end", "--next", "more").code == 0
    git_run(hooked, "add", "-A")  # events, seed 001's documents and whatever else the tracker wrote
    done = commit(hooked, "Session 00001")
    assert done.returncode == 0, done.stderr
    assert "not recorded" not in done.stderr  # nothing to warn about: it is the record
    assert "Session:" not in message(hooked)


def test_an_empty_message_still_aborts(hooked: Path, cli: Cli) -> None:
    assert cli("init", "--session", "00001").code == 0
    assert cli("log", "x").code == 0
    change(hooked)
    before = head(hooked)
    result = git_run(hooked, "commit", "-q", "-m", "")
    assert result.returncode != 0
    assert head(hooked) == before  # the trailer did not turn an empty message into a commit


def test_skip_leaves_a_trace_in_doctor_and_summary(hooked: Path, cli: Cli) -> None:
    assert cli("init", "--session", "00001").code == 0
    assert cli("log", "x").code == 0
    change(hooked)
    assert commit(hooked, "tracked").returncode == 0
    change(hooked, "secret.py")
    skipped = commit(hooked, "sneaked in", env={"SESSION_TRACKER_SKIP": "1"})
    assert skipped.returncode == 0, skipped.stderr
    assert "SESSION_TRACKER_SKIP" in skipped.stderr
    assert "Session:" not in message(hooked)
    assert [e["data"]["subject"] for e in events(hooked) if e["type"] == "commit"] == ["tracked"]  # type: ignore[index]

    report = json.loads(cli("doctor", "--json").out)
    untracked = [f for f in report["findings"] if f["check"] == "untracked-commit"]
    assert len(untracked) == 1 and "sneaked in" in untracked[0]["message"]
    assert untracked[0]["where"] == f"commit {head(hooked)[:7]}"
    summary = json.loads(cli("summary", "--json").out)
    assert summary["untracked_commits"] == [{"sha": head(hooked), "subject": "sneaked in"}]
    assert "Untracked commits: 1" in cli("summary").out
    check = cli("check", "--json")
    rules = {r["id"]: r for r in json.loads(check.out)["rules"]}
    assert rules["tracked-commits"]["status"] == "fail" and rules["session-trailer"]["status"] == "fail"


def test_no_verify_skips_the_check_and_the_trailer_but_the_commit_is_recorded(hooked: Path, cli: Cli) -> None:
    assert cli("init", "--session", "00001").code == 0
    change(hooked)
    done = commit(hooked, "in a hurry", "--no-verify")  # nothing logged: pre-commit would refuse
    assert done.returncode == 0, done.stderr
    assert "Session:" not in message(hooked)
    assert [e["data"]["sha"] for e in events(hooked) if e["type"] == "commit"] == [head(hooked)]  # type: ignore[index]
    rules = {r["id"]: r["status"] for r in json.loads(cli("check", "--json").out)["rules"]}
    assert rules["tracked-commits"] == "pass" and rules["session-trailer"] == "fail"


def test_no_verify_without_a_session_is_listed_as_not_recorded(hooked: Path) -> None:
    change(hooked)
    done = commit(hooked, "no session at all", "--no-verify")
    assert done.returncode == 0
    assert "not recorded: no session is open here" in done.stderr


def test_a_detached_head_commits_normally(hooked: Path, cli: Cli) -> None:
    git_run(hooked, "checkout", "-q", "--detach")
    assert cli("init", "--session", "00001").code == 0
    assert cli("log", "detached work").code == 0
    change(hooked)
    done = commit(hooked, "on a detached HEAD")
    assert done.returncode == 0, done.stderr
    assert "Session: 00001" in message(hooked)
    assert [e["data"]["sha"] for e in events(hooked) if e["type"] == "commit"] == [head(hooked)]  # type: ignore[index]


def _conflict(repo: Path) -> None:
    """main and `other` both change conflict.txt."""
    (repo / "conflict.txt").write_text("base\n")
    git_run(repo, "add", "conflict.txt")
    git_run(repo, "commit", "-q", "--no-verify", "-m", "base")
    git_run(repo, "checkout", "-q", "-b", "other")
    (repo / "conflict.txt").write_text("other\n")
    git_run(repo, "commit", "-q", "--no-verify", "-am", "other side")
    git_run(repo, "checkout", "-q", "main")
    (repo / "conflict.txt").write_text("main\n")
    git_run(repo, "commit", "-q", "--no-verify", "-am", "main side")


def test_a_merge_commit_is_not_blocked(hooked: Path) -> None:
    _conflict(hooked)
    assert git_run(hooked, "merge", "other").returncode != 0  # conflict
    (hooked / "conflict.txt").write_text("resolved\n")
    git_run(hooked, "add", "conflict.txt")
    done = git_run(hooked, "commit", "--no-edit")  # no session open, nothing logged
    assert done.returncode == 0, done.stderr
    assert "merge in progress" in done.stderr
    assert len(git_run(hooked, "log", "-1", "--format=%P").stdout.split()) == 2


def test_rebase_continue_is_not_blocked(hooked: Path) -> None:
    _conflict(hooked)
    assert git_run(hooked, "rebase", "other").returncode != 0  # conflict
    (hooked / "conflict.txt").write_text("resolved\n")
    git_run(hooked, "add", "conflict.txt")
    done = git_run(hooked, "-c", "core.editor=true", "rebase", "--continue")
    assert done.returncode == 0, done.stdout + done.stderr
    assert not (hooked / ".git" / "rebase-merge").exists()
    assert "Session:" not in message(hooked)


def test_a_bad_config_warns_but_lets_the_commit_through(hooked: Path, cli: Cli) -> None:
    (hooked / ".sessions").mkdir()
    (hooked / ".sessions" / "config.toml").write_text('[check]\ndisable = ["no-such-rule"]\n')
    change(hooked)
    done = commit(hooked, "with a broken config")
    assert done.returncode == 0, done.stderr
    assert "unknown rule id 'no-such-rule'" in done.stderr and "git goes on" in done.stderr
    result = cli("check")
    assert result.code == 1
    assert "unknown rule id 'no-such-rule'" in result.err and "known rules: open-session, log-updated" in result.err


def test_a_disabled_rule_is_not_enforced(hooked: Path, cli: Cli) -> None:
    (hooked / ".sessions").mkdir()
    (hooked / ".sessions" / "config.toml").write_text('[check]\ndisable = ["log-updated", "session-trailer"]\n')
    assert cli("init", "--session", "00001").code == 0
    change(hooked)
    done = commit(hooked, "nothing logged, rule off")
    assert done.returncode == 0, done.stderr
    assert "Session:" not in message(hooked)  # session-trailer off: no trailer either
    rules = {r["id"]: r["status"] for r in json.loads(cli("check", "--json").out)["rules"]}
    assert rules["log-updated"] == "disabled" and rules["session-trailer"] == "disabled"
