"""The hooks' runtime in-process (`session_tracker.hooks.git`): the contract with git
(only a failing rule returns 1), the commit-msg rules for empty messages and comment
characters, and the post-commit event's shape."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from enforce_helpers import change, events, git_run, head
from session_tracker.commands.init import init
from session_tracker.commands.log import log
from session_tracker.core.context import Context
from session_tracker.core.paths import Layout
from session_tracker.git import proc
from session_tracker.hooks import git as hookrun


@pytest.fixture(autouse=True)
def thawed_env() -> Iterator[None]:
    """main() freezes git's environment for the life of a hook process; not for a test worker."""
    yield
    proc._FROZEN.clear()


def fresh(repo: Path) -> Context:
    return Context(layout=Layout(str(repo)), env={})


def test_an_unknown_hook_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert hookrun.main(["pre-push"]) == 2
    assert hookrun.main([]) == 2
    assert "usage: session-tracker hooks run" in capsys.readouterr().err


def test_skip_steps_aside(repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SESSION_TRACKER_SKIP", "1")
    assert hookrun.main(["pre-commit"]) == 0
    assert "SESSION_TRACKER_SKIP is set" in capsys.readouterr().err
    monkeypatch.setenv("SESSION_TRACKER_SKIP", "0")  # 0 means "do not skip"
    assert hookrun.main(["pre-commit"]) == 1


def test_a_bug_never_stops_a_commit(repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def broken() -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(hookrun, "pre_commit", broken)
    assert hookrun.main(["pre-commit"]) == 0
    err = capsys.readouterr().err
    assert "internal error RuntimeError: boom; git goes on" in err and "the traceback is in" in err


@pytest.mark.parametrize(("text", "comment_char", "added"), [
    ("Fix the parser\n", None, True),
    ("# only a comment\n\n", None, False),
    ("\n\n", None, False),
    ("; only a comment\n", ";", False),
    ("# a heading, with ; as the comment char\n", ";", True),
    ("Subject\n# ------------------------ >8 ------------------------\ndiff --git a/x b/x\n", None, True),
    ("# ------------------------ >8 ------------------------\ndiff --git a/x b/x\n", None, False),
])
def test_commit_msg_adds_the_trailer_only_to_a_real_message(repo: Path, text: str, comment_char: str | None,
                                                             added: bool) -> None:
    if comment_char:
        git_run(repo, "config", "core.commentChar", comment_char)
    init(fresh(repo), session="00001")
    path = repo / ".git" / "COMMIT_EDITMSG"
    path.write_text(text)
    assert hookrun.commit_msg(str(path)) is added
    assert ("Session: 00001" in path.read_text()) is added


def test_commit_msg_without_an_open_session_adds_nothing(repo: Path) -> None:
    path = repo / ".git" / "COMMIT_EDITMSG"
    path.write_text("Subject\n")
    assert hookrun.commit_msg(str(path)) is False
    assert path.read_text() == "Subject\n"


def test_post_commit_records_files_without_the_trackers_own(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    init(fresh(repo), session="00001")
    log(fresh(repo), "three files")
    for name in ("a.py", "b.py", "c.py"):
        change(repo, name)
    git_run(repo, "add", "-A")  # the events and documents too
    git_run(repo, "commit", "-q", "-m", "Three files")  # no hooks installed here
    monkeypatch.setattr(hookrun, "MAX_FILES", 2)
    data = hookrun.post_commit()
    assert data == {"sha": head(repo), "subject": "Three files", "files": ["a.py", "b.py"], "files_total": 3}
    assert hookrun.post_commit() is None  # already recorded
    assert [e["type"] for e in events(repo)][-1] == "commit"


def test_post_commit_ignores_a_rebase_and_the_record_itself(repo: Path) -> None:
    init(fresh(repo), session="00001")
    git_run(repo, "add", ".sessions", "archive")
    git_run(repo, "commit", "-q", "-m", "The record")
    assert hookrun.post_commit() is None
    (repo / ".git" / "rebase-merge").mkdir()
    change(repo)
    git_run(repo, "commit", "-q", "-m", "During a rebase")
    assert hookrun.post_commit() is None
    assert not [e for e in events(repo) if e["type"] == "commit"]
