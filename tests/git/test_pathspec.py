"""git is kept out of ``.sessions/`` (git/pathspec.py), and the capture must report exactly
what it reported when git looked everywhere: the same dirty paths, the same untracked files,
odd top-level names included."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def _git(root: Path, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def init(path: Path) -> Path:
    path.mkdir(parents=True)
    _git(path, "init", "-q", "-b", "main")
    _git(path, "config", "user.name", "Test User")
    _git(path, "config", "user.email", "test@example.com")
    return path


def commit(root: Path, message: str, files: dict[str, str]) -> str:
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(content)
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", message)
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True).stdout.strip()


def repo_at(root: Path) -> git.Repo:
    found = git.find_repo(root)
    assert found is not None
    return found

from session_tracker.git import changes as git_changes
from session_tracker.git import pathspec
from session_tracker.git import repo as git


def _everywhere(root: Path, skip: str = ".sessions/") -> list[str]:
    """What ``dirty_files`` gave before: one ``git status`` over the whole tree, filtered."""
    out = subprocess.run(["git", "status", "--porcelain", "-z", "--untracked-files=all"], cwd=root, capture_output=True,
                         text=True, check=True).stdout  # (not run(): it strips the first record's leading blank)
    paths = set()
    tokens = iter(out.split("\0"))
    for tok in tokens:
        if not tok:
            continue
        if tok[0] in "RC":
            next(tokens)
        if not tok[3:].startswith(skip):
            paths.add(tok[3:])
    return sorted(paths)


def _tree(root: Path) -> str:
    base = commit(root, "base", {"README.md": "r\n", "src/a.py": "a\n", "src/old.py": "o\n", ":odd*[name]": "x\n",
                                 ".sessions/events/00001.jsonl": "{}\n", ".gitignore": "*.log\n"})
    (root / "src" / "a.py").write_text("a\nb\n")  # unstaged change
    (root / "README.md").unlink()  # unstaged deletion of a top-level file: not on disk
    _git(root, "mv", "src/old.py", "src/new.py")  # staged rename
    (root / "deep" / "er").mkdir(parents=True)
    (root / "deep" / "er" / "u.txt").write_text("u\n")  # untracked, nested
    (root / "top.txt").write_text("t\n")
    (root / "-dash").write_text("d\n")
    (root / "debug.log").write_text("ignored\n")
    (root / ".sessions" / "events" / "00002.jsonl").write_text("{}\n")  # the store's own, untracked
    (root / ".sessions" / "events" / "00001.jsonl").write_text("{}\n{}\n")
    return base


def test_dirty_files_are_those_a_whole_status_gives(tmp_path: Path) -> None:
    root = init(tmp_path / "r")
    _tree(root)
    got = git.dirty_files(repo_at(root), exclude=[".sessions/"])
    assert got == _everywhere(root)
    assert {"README.md", "src/a.py", "src/new.py", "deep/er/u.txt", "top.txt", "-dash"} <= set(got)
    assert "debug.log" not in got and not any(p.startswith(".sessions/") for p in got)


def test_untracked_files_of_the_end_capture_are_all_found(tmp_path: Path) -> None:
    root = init(tmp_path / "r")
    base = _tree(root)
    (root / ":odd*[name]").unlink()
    (root / "*").write_text("star\n")  # a name that is a glob to git without :(literal)
    changes = {c.path: c.status for c in git_changes.changed_files(repo_at(root), base, exclude=[".sessions/"])}
    assert changes["deep/er/u.txt"] == changes["top.txt"] == changes["-dash"] == changes["*"] == "untracked"
    assert changes[":odd*[name]"] == "deleted" and changes["README.md"] == "deleted"
    assert changes["src/new.py"] == "renamed"
    assert not any(p.startswith(".sessions/") for p in changes) and "debug.log" not in changes


def test_a_tree_holding_only_the_store_has_nothing_untracked(tmp_path: Path) -> None:
    root = init(tmp_path / "r")
    (root / ".sessions").mkdir()
    (root / ".sessions" / "x.jsonl").write_text("{}\n")
    assert pathspec.untracked_within(str(root), (".sessions",)) is None
    assert git.dirty_files(repo_at(root), exclude=[".sessions/"]) == []
    assert git.dirty_files(repo_at(root)) == [".sessions/x.jsonl"]  # nothing skipped: git looks everywhere


def test_only_whole_top_level_directories_are_skipped() -> None:
    assert pathspec.skipped_dirs([".sessions/", "docs/sessions/", "SESSION_TRACKER.md"]) == (".sessions",)
    assert pathspec.skipped_dirs(lambda path: False) == ()
    assert pathspec.excluding(()) == []
