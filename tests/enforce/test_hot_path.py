"""The pre-commit hook runs on every commit (a 50 ms budget, bench/bench_git_hooks.py): what it
imports is part of its cost. These tests pin the import set of the hook as git runs it, and of
`session-tracker hooks run` (the pre-commit framework's entry), which must not reach click."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import GIT_ENV, Cli
from enforce_helpers import change, git_run

HEAVY = {"click", "rich", "dataclasses", "pathlib", "subprocess", "typing", "tomllib", "threading", "jinja2",
         "session_tracker.git.repo", "session_tracker.cli", "session_tracker.core.redact"}


def imported(stderr: str) -> set[str]:
    return {line.split("|")[-1].strip() for line in stderr.splitlines() if line.startswith("import time:")}


def test_the_installed_pre_commit_hook_imports_nothing_heavy(repo: Path, cli: Cli) -> None:
    assert cli("hooks", "install").code == 0
    assert cli("init", "--session", "00001").code == 0
    assert cli("log", "work").code == 0
    change(repo)
    git_run(repo, "add", "-A")  # events and documents staged too: the rule renders and compares them
    script = (repo / ".git" / "hooks" / "pre-commit").read_text()
    python = re.search(r"^python='(.*)'$", script, re.MULTILINE)
    boot = re.search(r"-S -c '(.*?)' \"\$hook\"", script, re.DOTALL)
    assert python and boot
    proc = subprocess.run([python.group(1), "-S", "-X", "importtime", "-c", boot.group(1), "pre-commit"], cwd=repo,
                          env={**os.environ, **GIT_ENV}, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    modules = imported(proc.stderr)
    assert "session_tracker.enforce.rules" in modules and "session_tracker.documents.session" in modules
    assert not modules & HEAVY, sorted(modules & HEAVY)
    assert "site" not in modules  # python -S


def test_hooks_run_takes_the_fast_path(repo: Path) -> None:
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "session_tracker", "hooks", "run", "pre-commit"],
                          cwd=repo, env={**os.environ, **GIT_ENV}, capture_output=True, text=True, check=False)
    assert proc.returncode == 1  # no session open: refused
    assert "open-session" in proc.stderr
    assert "click" not in imported(proc.stderr)


def test_hooks_run_with_an_unknown_hook_goes_to_click(repo: Path, cli: Cli) -> None:
    result = cli("hooks", "run", "pre-push")
    assert result.code == 2
    assert "Invalid value for 'HOOK'" in result.err


def test_the_entry_points_fast_path_knows_every_git_hook() -> None:
    from session_tracker.enforce import HOOK_NAMES
    from session_tracker.entry import GIT_HOOKS

    assert GIT_HOOKS == HOOK_NAMES  # entry.py keeps its own copy to stay import-free
