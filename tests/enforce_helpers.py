"""Helpers for the enforcement tests: git commands that may fail, events written by hand."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from conftest import GIT_ENV
from helpers import event_path
from session_tracker.enforce import HOOK_NAMES

HOOKS = HOOK_NAMES  # every hook `hooks install` writes


def git_run(cwd: Path, *args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run git (hooks included) without raising; returns the finished process."""
    full = {**os.environ, **GIT_ENV, **(env or {})}
    return subprocess.run(["git", *args], cwd=cwd, env=full, capture_output=True, text=True, input=stdin,
                          timeout=120, check=False)


def commit(cwd: Path, message: str, *extra: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``git commit -m MESSAGE`` (what is staged), hooks and all."""
    return git_run(cwd, "commit", "-q", "-m", message, *extra, env=env)


def change(cwd: Path, name: str = "app.py", text: str = "x = 1\n") -> None:
    """Append ``text`` to ``name`` and stage it."""
    path = cwd / name
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)
    git_run(cwd, "add", name)


def events(cwd: Path, session: str = "00001") -> list[dict[str, object]]:
    """Every event of a session file, decoded."""
    lines = event_path(cwd, session).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def message(cwd: Path, rev: str = "HEAD") -> str:
    """The full message of a commit."""
    return git_run(cwd, "log", "-1", "--format=%B", rev).stdout


def head(cwd: Path) -> str:
    return git_run(cwd, "rev-parse", "HEAD").stdout.strip()


def stage_all(cwd: Path) -> None:
    """``git add -A`` after publishing the open session's journal to its events file, as the
    pre-commit hook does before it checks (core/journal.py): what a commit would carry."""
    from session_tracker.core.paths import Layout
    from session_tracker.hooks.git import publish_open

    publish_open(Layout(str(cwd)), None)
    git_run(cwd, "add", "-A")
