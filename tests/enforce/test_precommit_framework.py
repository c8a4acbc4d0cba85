"""The hook definitions in `.pre-commit-hooks.yaml`, run by the pre-commit framework itself.

Offline (always): a `.pre-commit-config.yaml` whose `repo: local` hooks are the definitions from
`.pre-commit-hooks.yaml` verbatim — same ids, entries, stages, filename handling — except
`language: system`, so the framework runs this venv's `session-tracker` instead of building a
virtualenv from the network. `pre-commit install` then guards real commits.

Online (SESSION_TRACKER_NETWORK_TESTS=1): `pre-commit try-repo` against a clone of this
repository with `language: python` untouched, so pre-commit builds the package from PyPI as a
user adding the hooks by URL would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import GIT_ENV, Cli
from enforce_helpers import change, commit, events, git_run, message

yaml = pytest.importorskip("yaml")
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PRE_COMMIT = BIN / "pre-commit"
pytestmark = pytest.mark.skipif(not PRE_COMMIT.exists(), reason="pre-commit is not installed (pip install -e '.[dev]')")


def definitions() -> list[dict[str, object]]:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(hooks, list)
    return hooks


def framework_env() -> dict[str, str]:
    return {**os.environ, **GIT_ENV, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
            "PRE_COMMIT_HOME": str(Path(os.environ["HOME"]) / "pre-commit-cache")}


def pre_commit(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(PRE_COMMIT), *args], cwd=cwd, env=framework_env(), capture_output=True, text=True,
                          timeout=600, check=False)


def test_the_definitions_cover_the_three_hooks() -> None:
    hooks = {str(h["id"]): h for h in definitions()}
    assert set(hooks) == {"session-tracker-check", "session-tracker-trailer", "session-tracker-record"}
    assert hooks["session-tracker-check"]["entry"] == "session-tracker hooks run pre-commit"
    assert hooks["session-tracker-check"]["stages"] == ["pre-commit"]
    assert hooks["session-tracker-check"]["always_run"] is True and hooks["session-tracker-check"]["pass_filenames"] is False
    assert hooks["session-tracker-trailer"]["stages"] == ["commit-msg"]  # gets the message file as its argument
    assert hooks["session-tracker-record"]["stages"] == ["post-commit"] and hooks["session-tracker-record"]["always_run"] is True
    assert {h["language"] for h in hooks.values()} == {"python"}


def test_commits_through_the_framework(repo: Path, cli: Cli) -> None:
    local = [{**hook, "language": "system"} for hook in definitions()]
    config = {"default_install_hook_types": ["pre-commit", "commit-msg", "post-commit"],
              "repos": [{"repo": "local", "hooks": local}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    git_run(repo, "add", ".pre-commit-config.yaml")
    installed = pre_commit(repo, "install")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    for hook in ("pre-commit", "commit-msg", "post-commit"):
        assert (repo / ".git" / "hooks" / hook).exists()

    change(repo)
    refused = commit(repo, "no session", env={"PATH": framework_env()["PATH"]})
    assert refused.returncode != 0
    assert "open-session" in refused.stdout + refused.stderr

    assert cli("init", "--session", "00001").code == 0
    assert cli("log", "through the framework").code == 0
    accepted = commit(repo, "Through pre-commit", env={"PATH": framework_env()["PATH"]})
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert message(repo).rstrip("\n").endswith("Session: 00001")
    recorded = [e["data"] for e in events(repo) if e["type"] == "commit"]
    assert [(d["subject"], d["files"]) for d in recorded] == [("Through pre-commit", [".pre-commit-config.yaml", "app.py"])]  # type: ignore[index]


@pytest.mark.skipif(os.environ.get("SESSION_TRACKER_NETWORK_TESTS") != "1", reason="builds from PyPI: set SESSION_TRACKER_NETWORK_TESTS=1")
def test_try_repo_builds_the_hook_from_a_clone(repo: Path, cli: Cli, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    shutil.copytree(ROOT, clone, ignore=shutil.ignore_patterns(".venv", "__pycache__", ".pytest_cache", ".mypy_cache",
                                                                 ".ruff_cache", "*.egg-info", ".sessions"))
    subprocess.run(["git", "init", "-q"], cwd=clone, check=True)
    subprocess.run(["git", "add", "-A"], cwd=clone, check=True)
    subprocess.run(["git", "commit", "-q", "--no-verify", "-m", "snapshot"], cwd=clone, check=True, env={**os.environ, **GIT_ENV})
    change(repo)
    refused = pre_commit(repo, "try-repo", str(clone), "session-tracker-check")
    assert refused.returncode == 1 and "open-session" in refused.stdout, refused.stdout + refused.stderr
    assert cli("init", "--session", "00001").code == 0
    assert cli("log", "try-repo").code == 0
    accepted = pre_commit(repo, "try-repo", str(clone), "session-tracker-check")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr


def _framework_repo(repo: Path) -> None:
    """A repository whose pre-commit config has one `language: system` hook of the team's own."""
    config = {"repos": [{"repo": "local", "hooks": [
        {"id": "team-check", "name": "team-check", "entry": "sh -c 'echo team-check >> .git/team.log'",
         "language": "system", "always_run": True, "pass_filenames": False}]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    git_run(repo, "add", ".pre-commit-config.yaml")


def _hook_files(repo: Path) -> dict[str, tuple[bytes, int]]:
    hooks = repo / ".git" / "hooks"
    return {p.name: (p.read_bytes(), p.stat().st_mode & 0o777) for p in hooks.iterdir() if not p.name.endswith(".sample")}


def test_pre_commit_install_after_hooks_install_leaves_commits_working(repo: Path, cli: Cli) -> None:
    """`pre-commit install` run again after `hooks install` puts ours in migration mode (as
    pre-commit.legacy): every commit still runs the team's hook once and ours once; `hooks
    status` says so; `hooks uninstall` returns to the framework alone, byte for byte."""
    _framework_repo(repo)
    assert pre_commit(repo, "install").returncode == 0
    prior = _hook_files(repo)
    assert cli("hooks", "install").code == 0
    again = pre_commit(repo, "install")
    assert again.returncode == 0 and "migration mode" in again.stdout, again.stdout + again.stderr
    status = cli("hooks", "status")
    assert "installed, run by the pre-commit framework as pre-commit.legacy" in status.out, status.out
    assert "pre-commit framework" in status.out

    assert cli("init", "--session", "00001").code == 0
    assert cli("log", "framework and tracker").code == 0
    change(repo)
    done = commit(repo, "Both run", env={"PATH": framework_env()["PATH"]})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "migration mode" not in done.stdout + done.stderr
    assert (repo / ".git" / "team.log").read_text() == "team-check\n"  # once, not twice
    assert message(repo).rstrip("\n").endswith("Session: 00001")

    # Our own rule still decides through the framework: nothing logged since, refused.
    change(repo, text="x = 2\n")
    refused = commit(repo, "Nothing logged", env={"PATH": framework_env()["PATH"]})
    assert refused.returncode != 0 and "log-updated" in refused.stdout + refused.stderr

    assert cli("hooks", "uninstall").code == 0
    assert _hook_files(repo) == prior
