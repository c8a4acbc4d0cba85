"""What the dashboard tests share: a project recorded through the real CLI and agent hooks,
and a real `session-tracker serve` subprocess on loopback.

The project is made the way users make one: `init`, `log`, `decision`, `blocker`, `metrics
record`, `commit`s in git, `end`; then a Codex session through its hook JSON (SessionStart, a
passing and a failing shell command — Codex reports ``exit_code`` — and a file edit).
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from conftest import GIT_ENV, git, run_cli

RATIONALE_WORD = "rebinding"
BLOCKER_WORD = "flaky"


def cli(repo: Path, *args: str) -> str:
    """Run the CLI in ``repo``; return stdout (asserting success)."""
    result = run_cli(repo, *args)
    assert result.code == 0, result
    return result.out


def hook(agent: str, payload: dict[str, Any], repo: Path) -> None:
    """Feed one hook event to `session-tracker hook AGENT` as the agent does (JSON on stdin)."""
    proc = subprocess.run([sys.executable, "-m", "session_tracker", "hook", agent], cwd=repo, input=json.dumps(payload).encode(),
                          env={**os.environ, **GIT_ENV}, capture_output=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr


def codex(event: str, repo: Path, **fields: Any) -> dict[str, Any]:
    """Codex's hook input (session_id, turn_id, transcript_path, cwd, hook_event_name, model)."""
    return {"session_id": "019a-codex-thread", "turn_id": "turn-1", "transcript_path": None, "cwd": str(repo),
            "hook_event_name": event, "model": "gpt-5-codex", "permission_mode": "default", **fields}


def build_project(repo: Path) -> dict[str, str]:
    """Record two sessions in ``repo``; return the names and texts the tests look for."""
    cli(repo, "init", "--objective", "Ship the dashboard")
    cli(repo, "log", "Wrote the data-access module", "--category", "implementation")
    cli(repo, "decision", "Check the Host header on every request",
        "--rationale", f"a DNS {RATIONALE_WORD} attack points a foreign name at 127.0.0.1",
        "--alternative", "trust loopback")
    cli(repo, "blocker", f"The {BLOCKER_WORD} browser test needs chromium", "--impact", "High")
    cli(repo, "metrics", "record", "--tests-passed", "41", "--tests-failed", "1", "--coverage", "83.5", "--lint-errors", "2", "--type-errors", "0")
    (repo / "app.py").write_text("print('dashboard')\n")
    git(repo, "add", "app.py")
    git(repo, "commit", "-q", "-m", "Add the dashboard entry point")
    cli(repo, "end", "--next", "Write the browser tests")
    (repo / ".sessions").mkdir(exist_ok=True)
    hook("codex", codex("SessionStart", repo, source="startup"), repo)
    hook("codex", codex("PostToolUse", repo, tool_name="Bash", tool_input={"command": "pytest -q"}, tool_response={"exit_code": 0}, tool_use_id="call_1"), repo)
    hook("codex", codex("PostToolUse", repo, tool_name="Bash", tool_input={"command": "cargo test"},
                        tool_response={"exit_code": 101, "stdout": "", "stderr": "failed"}, tool_use_id="call_2"), repo)
    hook("codex", codex("PostToolUse", repo, tool_name="apply_patch", tool_input={"command": "*** Begin Patch\n*** Update File: app.py\n"},
                        tool_response={"exit_code": 0}, tool_use_id="call_3"), repo)
    listing = json.loads(cli(repo, "list", "--json"))
    names = [row["session"] for row in listing["sessions"]]
    return {"human": names[0], "agent": names[-1]}


def isolated_project(factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A git repository with :func:`build_project` recorded in it, made with HOME pointing at an
    empty directory and no variable steering the tracker (as ``conftest.isolated_env``)."""
    with pytest.MonkeyPatch.context() as patch:
        home = factory.mktemp("home")
        (home / ".gitconfig").write_text("[user]\n\tname = Test Author\n\temail = author@example.com\n[init]\n\tdefaultBranch = main\n")
        patch.setenv("HOME", str(home))
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        for name in ("CURRENT_SESSION", "SESSION_TRACKER_ROOT", "SESSION_TRACKER_ACTOR", "SESSION_TRACKER_SKIP"):
            patch.delenv(name, raising=False)
        root = factory.mktemp("web") / "project"
        root.mkdir()
        git(root, "init", "-q", "-b", "main")
        (root / "README.md").write_text("# project\n")
        git(root, "add", "README.md")
        git(root, "commit", "-q", "-m", "initial commit")
        return root, build_project(root)


class Server:
    """A running `session-tracker serve`: ``url`` (``http://127.0.0.1:PORT``), ``port``, ``proc``."""

    def __init__(self, proc: subprocess.Popen[bytes], port: int) -> None:
        self.proc = proc
        self.port = port
        self.url = f"http://127.0.0.1:{port}"


@contextmanager
def serving(repo: Path, *args: str, timeout: float = 30.0) -> Iterator[Server]:
    """Start `serve --port 0 ARGS` in ``repo``, wait for its "serving" line, stop it after."""
    proc = subprocess.Popen([sys.executable, "-m", "session_tracker", "serve", "--port", "0", *args], cwd=repo,
                            env={**os.environ, **GIT_ENV}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        line = _first_line(proc, timeout)
        assert line.startswith("serving http://"), line
        port = int(line.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)[1])
        yield Server(proc, port)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _first_line(proc: subprocess.Popen[bytes], timeout: float) -> str:
    assert proc.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    buffer = b""
    while b"\n" not in buffer and time.monotonic() < deadline:
        if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
            break
        chunk = os.read(proc.stdout.fileno(), 4096)
        if not chunk:
            break
        buffer += chunk
    if b"\n" not in buffer:
        err = proc.stderr.read().decode() if proc.poll() is not None and proc.stderr else ""
        raise AssertionError(f"serve printed no address within {timeout}s: {buffer!r} {err}")
    return buffer.split(b"\n", 1)[0].decode()
