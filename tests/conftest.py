"""Shared fixtures: real git repositories in temporary directories, an isolated environment
(no test can touch the real home directory or inherit CURRENT_SESSION), and a runner for the
CLI as a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import pytest

from session_tracker.core.context import Context
from session_tracker.core.paths import Layout

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.com",
    "GIT_COMMITTER_NAME": "Test Author",
    "GIT_COMMITTER_EMAIL": "author@example.com",
}


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point HOME at an empty directory and drop variables that would steer the tracker."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("CURRENT_SESSION", "SESSION_TRACKER_ROOT", "SESSION_TRACKER_ACTOR", "SESSION_TRACKER_SKIP"):
        monkeypatch.delenv(name, raising=False)
    from session_tracker.core import safepath

    safepath.reset()  # the roots a test's in-process Layouts registered are its own
    from session_tracker.index import stamps

    # A test writes files directly to stand for other processes (a pull, a hand edit) and then
    # refreshes in this same process at once: a process trusting its own refresh of a moment
    # ago (stamps.REUSE_S) would not look. Its own tests (test_refresh_memo.py) turn it on;
    # every command run as a subprocess has it.
    monkeypatch.setattr(stamps, "REUSE_S", -1.0)
    stamps._VERIFIED.clear()
    # Likewise a per-session command trusting the directories' times (stamps.trusted) would
    # miss such a hand edit; test_refresh_trust.py turns it on.
    monkeypatch.setattr(stamps, "TRUST", [False])
    monkeypatch.setattr(stamps, "trust_directories", lambda: None)
    (home / ".gitconfig").write_text("[user]\n\tname = Test Author\n\temail = author@example.com\n[init]\n\tdefaultBranch = main\n")


def git(cwd: Path, *args: str) -> str:
    """Run git in ``cwd`` and return stdout (raises on failure)."""
    env = {**os.environ, **GIT_ENV}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A git repository with one commit (README.md), as the working directory."""
    root = tmp_path / "project"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "README.md").write_text("# project\n")
    git(root, "add", "README.md")
    git(root, "commit", "-q", "-m", "initial commit")
    monkeypatch.chdir(root)
    yield root


@pytest.fixture
def all_documents(repo: Path) -> Path:
    """``repo`` configured to render every document (``[documents] preset = "all"`` in the
    committed config.toml); the default preset renders only the session archive."""
    store = repo / ".sessions"
    store.mkdir(exist_ok=True)
    (store / "config.toml").write_text('[documents]\npreset = "all"\n')
    return repo


@pytest.fixture
def ctx(repo: Path) -> Context:
    """A command context for ``repo`` (what the CLI builds)."""
    return Context(layout=Layout(str(repo)), env={})


class Result:
    """A finished CLI run: ``code``, ``out``, ``err``."""

    def __init__(self, proc: subprocess.CompletedProcess[str]) -> None:
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def __repr__(self) -> str:
        return f"Result(code={self.code}, out={self.out!r}, err={self.err!r})"


def run_cli(cwd: Path, *args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> Result:
    """Run ``python -m session_tracker ARGS`` as a real subprocess in ``cwd``."""
    full_env = {**os.environ, **GIT_ENV, **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "session_tracker", *args],
        cwd=cwd, env=full_env, capture_output=True, text=True, input=stdin, timeout=120, check=False,
    )
    return Result(proc)


class Cli(Protocol):
    """The ``cli`` fixture's type: ``cli("log", "x", env=…, cwd=…)`` -> :class:`Result`."""

    def __call__(self, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> Result: ...


@pytest.fixture
def cli(repo: Path) -> Cli:
    """``cli("log", "x")`` runs the CLI in ``repo`` as a subprocess and returns a Result."""

    def call(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> Result:
        return run_cli(cwd or repo, *args, env=env)

    return call


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` except .git and local state: to prove nothing was written."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and not rel.startswith(".git/") and "/local/" not in f"/{rel}":
            out[rel] = path.read_bytes()
    return out
