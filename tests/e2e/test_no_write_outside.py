"""No write outside the repository: links a cloned repository can carry (a symlinked hook log,
`.sessions`, `.sessions/events`, `.sessions/local`, `archive`, `.claude`) leave the outside
untouched, with a one-line error naming the link; a command whose event was written exits 0."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import GIT_ENV, Cli, run_cli
from helpers import event_path


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A directory outside the repository holding a file the tracker must never touch."""
    out = tmp_path / "outside"
    out.mkdir()
    (out / "precious.txt").write_bytes(b"x" * 1_600_000)
    return out


def _hook(repo: Path, stdin: dict[str, object], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "session_tracker", "hook", "claude-code"], cwd=repo,
        env={**os.environ, **GIT_ENV, **(env or {})}, input=json.dumps(stdin).encode(), capture_output=True, timeout=60, check=False,
    )


def test_a_symlinked_hook_log_is_never_written_through(repo: Path, cli: Cli, outside: Path) -> None:
    """A repository's `.sessions/local/hook.log` link is not the log (it lives in the user's
    state directory), and a link planted as the state-dir log is not followed either."""
    assert cli("init").code == 0
    target = outside / "precious.txt"
    (repo / ".sessions/local/hook.log").symlink_to(target)
    state = Path(os.environ["HOME"]) / ".local/state/session-tracker"
    state.mkdir(parents=True)
    (state / "hook.log").symlink_to(target)
    before = _tree(outside)
    for _ in range(3):  # malformed input and an unknown session are noted in the log
        assert _hook(repo, {"hook_event_name": "PostToolUse", "cwd": str(repo), "session_id": "nope",
                            "tool_name": "Bash", "tool_input": {"command": "ls"}}).returncode == 0
        proc = subprocess.run([sys.executable, "-m", "session_tracker", "hook", "claude-code"], cwd=repo,
                              env={**os.environ, **GIT_ENV}, input=b"{not json", capture_output=True, timeout=60, check=False)
        assert proc.returncode == 0
    assert _tree(outside) == before


def test_the_hook_log_lives_in_the_state_directory(repo: Path, cli: Cli, tmp_path: Path) -> None:
    assert cli("init").code == 0
    state = tmp_path / "state"
    _hook(repo, {"hook_event_name": "Nonsense", "cwd": str(repo), "session_id": "s"}, env={"XDG_STATE_HOME": str(state)})
    log = (state / "session-tracker/hook.log").read_text()
    assert "unhandled event" in log and str(repo) in log
    assert not (repo / ".sessions/local/hook.log").exists()


@pytest.mark.parametrize("link", [".sessions", ".sessions/events", ".sessions/local"])
def test_a_symlinked_store_directory_is_refused(repo: Path, outside: Path, link: str) -> None:
    """init refuses to create the store through a link, naming it; outside stays untouched."""
    if link != ".sessions":
        (repo / ".sessions").mkdir()
    (repo / link).symlink_to(outside, target_is_directory=True)
    before = _tree(outside)
    result = run_cli(repo, "init")
    assert result.code == 1, result
    lines = result.err.strip().splitlines()
    assert lines[0].startswith("error: refusing to write") and f"{link} is a symbolic link" in lines[0], result.err
    assert lines[1].startswith("hint: ")
    assert _tree(outside) == before


@pytest.mark.parametrize("link", ["archive", ".claude", "archive/sessions"])
def test_a_symlinked_document_directory_is_refused_and_the_event_kept(repo: Path, cli: Cli, outside: Path, link: str) -> None:
    """The event is recorded (exit 0), the documents behind the link are not written: a
    warning names the link; outside stays untouched."""
    (repo / ".sessions").mkdir()
    (repo / ".sessions/config.toml").write_text('[documents]\npreset = "all"\n')  # .claude/ too
    assert cli("init").code == 0
    for path in sorted((repo / link).rglob("*"), reverse=True) if (repo / link).exists() else []:
        path.unlink() if path.is_file() else path.rmdir()
    if (repo / link).exists():
        (repo / link).rmdir()
    (repo / link).parent.mkdir(parents=True, exist_ok=True)
    (repo / link).symlink_to(outside, target_is_directory=True)
    before = _tree(outside)
    logged = cli("log", "work through a link")
    decided = cli("decision", "-m", "keep going", "-r", "because")  # also renders .claude/
    assert logged.code == 0 and decided.code == 0, (logged, decided)
    assert "warning: recorded, but the documents were not updated" in decided.err
    assert f"{link} is a symbolic link" in decided.err
    assert "Traceback" not in logged.err + decided.err
    events = event_path(repo, "00001").read_text()
    assert "work through a link" in events and "keep going" in events
    assert _tree(outside) == before


def test_a_symlink_planted_as_the_event_file_is_not_followed(repo: Path, cli: Cli, outside: Path) -> None:
    assert cli("init").code == 0
    events = repo / ".sessions/events/00002.jsonl"
    events.symlink_to(outside / "precious.txt")
    before = _tree(outside)
    (repo / ".sessions/local/open/00002").write_text("01JD8Z3K4M5N6P7Q8R9S0T1V2W")
    result = cli("log", "--session", "00002", "x")
    assert result.code != 3 and "Traceback" not in result.err
    assert _tree(outside) == before


def test_a_document_replaced_by_a_link_is_replaced_not_written_through(repo: Path, cli: Cli, outside: Path) -> None:
    assert cli("init").code == 0
    doc = repo / "archive/sessions/SESSION-00001-LOG.md"
    doc.unlink()
    doc.symlink_to(outside / "precious.txt")
    before = _tree(outside)
    assert cli("log", "entry").code == 0
    assert not doc.is_symlink() and "entry" in doc.read_text()
    assert _tree(outside) == before


def test_render_lock_timeout_after_the_event_is_a_warning(repo: Path, cli: Cli) -> None:
    """`log` whose event was written exits 0 while another process holds the render lock."""
    import fcntl

    assert cli("init").code == 0
    lock = repo / ".sessions/local/render.lock"
    fd = os.open(lock, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        result = cli("log", "while rendering elsewhere", env={"SESSION_TRACKER_LOCK_TIMEOUT": "0.3"})
    finally:
        os.close(fd)
    assert result.code == 0, result
    assert "warning: recorded" in result.err and "delete the lock" not in result.err
    assert "while rendering elsewhere" in event_path(repo, "00001").read_text()
