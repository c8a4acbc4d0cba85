"""Tests for session_tracker.git.repo against real git repositories in temporary directories."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from session_tracker.errors import TrackerError
from session_tracker.git import changes as git_changes
from session_tracker.git import repo as git
from session_tracker.git.repo import FileChange, GitUnavailable


def run(cwd: Path, *args: str, ok: tuple[int, ...] = (0,)) -> str:
    """Run git for test setup; ``ok`` lists the exit codes that are expected (1 = conflict)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    proc = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          check=False)
    assert proc.returncode in ok, proc.stderr
    return proc.stdout.strip()


def init(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    run(path, "init", "-q", "-b", "main")
    run(path, "config", "user.name", "Test User")
    run(path, "config", "user.email", "test@example.com")
    run(path, "config", "commit.gpgsign", "false")
    run(path, "config", "tag.gpgsign", "false")
    return path


def commit(path: Path, message: str, files: dict[str, str | bytes] | None = None) -> str:
    for name, content in (files or {}).items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    run(path, "add", "-A")
    run(path, "commit", "-q", "--allow-empty", "--allow-empty-message", "-m", message)
    return run(path, "rev-parse", "HEAD")


def repo_at(path: Path) -> git.Repo:
    repo = git.find_repo(path)
    assert repo is not None
    return repo


# --- find_repo ---------------------------------------------------------------------------

def test_find_repo_at_root_and_in_subdirectory(tmp_path: Path) -> None:
    root = init(tmp_path / "r")
    (root / "a" / "b").mkdir(parents=True)
    top = git.find_repo(root)
    sub = git.find_repo(root / "a" / "b")
    assert top is not None and sub is not None
    assert top.root == str(root.resolve())
    assert top.git_dir == os.path.join(root.resolve(), ".git")
    assert top.common_dir == os.path.join(root.resolve(), ".git")
    assert sub == top  # --git-common-dir is relative from a subdirectory; must be made absolute
    assert os.path.isabs(sub.common_dir)


def test_find_repo_from_a_file_uses_its_directory(tmp_path: Path) -> None:
    root = init(tmp_path / "r")
    (root / "f.txt").write_text("x\n")
    assert repo_at(root / "f.txt").root == str(root.resolve())



def test_find_repo_accepts_str_and_relative_paths(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    root = init(tmp_path / "r")
    (root / "f.txt").write_text("x\n")
    expected = repo_at(root)
    assert git.find_repo(str(root)) == expected
    monkeypatch.chdir(root)
    assert git.find_repo("f.txt") == expected  # a bare file name: its directory is the cwd
    assert git.find_repo(".") == expected

def test_find_repo_outside_a_repo_and_in_bare_repo(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    assert git.find_repo(plain) is None
    assert git.find_repo(tmp_path / "does-not-exist") is None
    run(tmp_path, "init", "-q", "--bare", "bare.git")
    assert git.find_repo(tmp_path / "bare.git") is None


def test_find_repo_in_linked_worktree(tmp_path: Path) -> None:
    root = init(tmp_path / "r")
    commit(root, "first", {"a.txt": "a\n"})
    run(root, "worktree", "add", "-q", "-b", "wt", str(tmp_path / "wt"))
    main, linked = repo_at(root), repo_at(tmp_path / "wt")
    assert linked.root == str((tmp_path / "wt").resolve())
    assert linked.common_dir == main.common_dir
    assert linked.git_dir != main.git_dir
    assert os.path.dirname(linked.git_dir) == os.path.join(main.common_dir, "worktrees")
    assert git.current_branch(linked) == "wt"


# --- branch / HEAD -----------------------------------------------------------------------

def test_unborn_branch(tmp_path: Path) -> None:
    repo = repo_at(init(tmp_path / "r"))
    assert git.head_sha(repo) is None
    assert git.current_branch(repo) == "main"
    assert git.commits_since(repo, None) == []
    assert git.commits_since(repo, None, with_files=True) == []


def test_head_sha_and_rev_parse(tmp_path: Path) -> None:
    root = init(tmp_path / "r")
    first = commit(root, "first", {"a.txt": "a\n"})
    second = commit(root, "second", {"a.txt": "b\n"})
    run(root, "tag", "-a", "-m", "annotated", "v1", first)
    repo = repo_at(root)
    assert git.head_sha(repo) == second
    assert git.rev_parse(repo, "HEAD~1") == first
    assert git.rev_parse(repo, "v1") == first  # peeled to the commit, not the tag object
    assert git.rev_parse(repo, "no-such-branch") is None
    assert git.rev_parse(repo, "--all") is None  # never taken as an option
    assert len(second) == 40


def test_detached_head(tmp_path: Path) -> None:
    root = init(tmp_path / "r")
    first = commit(root, "first")
    commit(root, "second")
    run(root, "checkout", "-q", "--detach", first)
    repo = repo_at(root)
    assert git.current_branch(repo) is None
    assert git.head_sha(repo) == first


# --- dirty_files -------------------------------------------------------------------------

def test_dirty_files(tmp_path: Path) -> None:
    root = init(tmp_path / "r")
    commit(root, "first", {"clean.txt": "c\n", "mod.txt": "m\n", "staged.txt": "s\n",
                           "old.txt": "o\n", "gone.txt": "g\n", ".gitignore": "*.log\n"})
    (root / "mod.txt").write_text("changed\n")
    (root / "staged.txt").write_text("changed\n")
    run(root, "add", "staged.txt")
    run(root, "mv", "old.txt", "new.txt")
    (root / "gone.txt").unlink()
    (root / "deep" / "er").mkdir(parents=True)
    (root / "deep" / "er" / "u.txt").write_text("u\n")
    (root / "with space é.txt").write_text("x\n")
    (root / "debug.log").write_text("ignored\n")
    (root / ".sessions").mkdir()
    (root / ".sessions" / "s.jsonl").write_text("{}\n")
    repo = repo_at(root)
    expected = ["deep/er/u.txt", "gone.txt", "mod.txt", "new.txt", "staged.txt",
                "with space é.txt"]
    assert git.dirty_files(repo, exclude=[".sessions/"]) == expected
    assert ".sessions/s.jsonl" in git.dirty_files(repo)
    assert git.dirty_files(repo, exclude=[".sessions/", "mod.txt"]) == [
        p for p in expected if p != "mod.txt"]
    # A bare name excludes the directory of that name too, but not a mere string prefix.
    assert git.dirty_files(repo, exclude=[".sessions", "deep/e"]) == expected


def test_dirty_files_rename_whose_old_name_looks_like_a_record(tmp_path: Path) -> None:
    root = init(tmp_path / "r")
    commit(root, "first", {"? trap.txt": "t\n"})
    run(root, "mv", "? trap.txt", "renamed.txt")
    assert git.dirty_files(repo_at(root)) == ["renamed.txt"]


def test_dirty_files_clean_and_unborn(tmp_path: Path) -> None:
    root = init(tmp_path / "r")
    (root / "a.txt").write_text("a\n")
    assert git.dirty_files(repo_at(root)) == ["a.txt"]
    commit(root, "first")
    assert git.dirty_files(repo_at(root)) == []


@pytest.mark.skipif(os.name != "posix", reason="needs a filesystem that accepts any bytes")
def test_non_utf8_file_name_round_trips(tmp_path: Path) -> None:
    root = init(tmp_path / "r")
    name = os.fsdecode(b"caf\xe9.txt")  # Latin-1 bytes, not valid UTF-8
    try:
        (root / name).write_text("a\nb\n")
    except (OSError, UnicodeEncodeError):
        pytest.skip("filesystem rejects non-UTF-8 names")
    repo = repo_at(root)
    assert git.dirty_files(repo) == ["caf\udce9.txt"]
    assert git_changes.changed_files(repo, None) == [
        FileChange("caf\udce9.txt", "untracked", None, 2, 0, False)]


# --- commits_since / commit_files --------------------------------------------------------

def test_commits_since(tmp_path: Path) -> None:
    root = init(tmp_path / "r")
    base = commit(root, "base", {"a.txt": "a\n"})
    c1 = commit(root, "add b", {"b.txt": "b\n"})
    run(root, "mv", "a.txt", "moved.txt")
    c2 = commit(root, "move a", {"dir/c d.txt": "c\n"})
    repo = repo_at(root)
    plain = git.commits_since(repo, base)
    assert [c.sha for c in plain] == [c1, c2]  # oldest first, base excluded
    assert [c.subject for c in plain] == ["add b", "move a"]
    assert all(c.files == () for c in plain)
    assert plain[0].author == "Test User"
    assert plain[0].timestamp[:4].isdigit() and plain[0].timestamp[-6] in "+-"
    with_files = git.commits_since(repo, base, with_files=True)
    assert [c.sha for c in with_files] == [c1, c2]
    assert with_files[0].files == ("b.txt",)
    assert with_files[1].files == ("a.txt", "dir/c d.txt", "moved.txt")
    everything = git.commits_since(repo, None, with_files=True)
    assert [c.sha for c in everything] == [base, c1, c2]
    assert everything[0].files == ("a.txt",)  # root commit lists its files
    assert git.commits_since(repo, c2) == []


def test_commits_since_includes_merged_branch_and_empty_commits(tmp_path: Path) -> None:
    root = init(tmp_path / "r")
    base = commit(root, "base", {"a.txt": "a\n"})
    run(root, "checkout", "-q", "-b", "side")
    side = commit(root, "side", {"s.txt": "s\n"})
    run(root, "checkout", "-q", "main")
    empty = commit(root, "")  # empty commit with an empty subject
    run(root, "merge", "-q", "--no-ff", "--no-edit", "side")
    merge = run(root, "rev-parse", "HEAD")
    repo = repo_at(root)
    got = git.commits_since(repo, base, with_files=True)
    assert {c.sha for c in got} == {side, empty, merge}
    assert got[-1].sha == merge
    by_sha = {c.sha: c for c in got}
    assert by_sha[empty].files == () and by_sha[empty].subject == ""
    assert by_sha[merge].files == ("s.txt",)  # against the first parent
    assert git.commit_files(repo, merge) == ["s.txt"]


def test_commit_files(tmp_path: Path) -> None:
    root = init(tmp_path / "r")
    first = commit(root, "first", {"a.txt": "a\n", "b é.txt": "b\n"})
    (root / "a.txt").unlink()
    second = commit(root, "second", {"c.txt": "c\n"})
    repo = repo_at(root)
    assert git.commit_files(repo, first) == ["a.txt", "b é.txt"]  # root commit
    assert git.commit_files(repo, second) == ["a.txt", "c.txt"]


# --- changed_files -----------------------------------------------------------------------

def by_path(changes: list[FileChange]) -> dict[str, FileChange]:
    return {c.path: c for c in changes}


def test_changed_files_full_scenario(tmp_path: Path) -> None:
    root = init(tmp_path / "r")
    base = commit(root, "base", {
        "mod.txt": "1\n2\n3\n4\n",
        "del.txt": "gone\n",
        "ren_old.txt": "".join(f"line {i}\n" for i in range(20)),
        "img.bin": b"\x00\x01\x02",
        "staged.txt": "s\n",
        "touched.txt": "same\n",
        ".gitignore": "*.log\n",
        ".sessions/old.jsonl": "{}\n",
    })
    commit(root, "committed change", {"mod.txt": "1\nTWO\n3\n4\n5\n", "committed.txt": "c\n"})
    (root / "del.txt").unlink()
    run(root, "mv", "ren_old.txt", "ren_new.txt")
    (root / "ren_new.txt").write_text("".join(f"line {i}\n" for i in range(20)) + "extra\n")
    (root / "img.bin").write_bytes(b"\x00\x09\x08\x07")
    (root / "staged.txt").write_text("s\nmore\n")
    run(root, "add", "staged.txt")
    os.utime(root / "touched.txt", (1, 1))  # stat-dirty but identical: must not show up
    (root / "untracked.txt").write_text("a\nb\nno newline at end")
    (root / "untracked.bin").write_bytes(b"abc\x00def")
    (root / "debug.log").write_text("ignored\n")
    (root / "dir with space").mkdir()
    (root / "dir with space" / "naïve 文件.txt").write_text("x\ny\n")
    (root / ".sessions" / "new.jsonl").write_text("{}\n")
    (root / "secret.txt").write_text("excluded exactly\n")
    (root / "link").symlink_to("mod.txt")  # git counts a symlink as its one-line target
    run(root, "config", "diff.renames", "false")  # rename detection must not rely on config
    repo = repo_at(root)

    changes = git_changes.changed_files(repo, base, exclude=[".sessions/", "secret.txt"])
    assert [c.path for c in changes] == sorted(c.path for c in changes)
    got = by_path(changes)
    assert got["mod.txt"] == FileChange("mod.txt", "modified", None, 2, 1, False)
    assert got["committed.txt"] == FileChange("committed.txt", "added", None, 1, 0, False)
    assert got["del.txt"] == FileChange("del.txt", "deleted", None, 0, 1, False)
    assert got["ren_new.txt"] == FileChange("ren_new.txt", "renamed", "ren_old.txt", 1, 0, False)
    assert got["img.bin"] == FileChange("img.bin", "modified", None, None, None, True)
    assert got["staged.txt"] == FileChange("staged.txt", "modified", None, 1, 0, False)
    assert got["untracked.txt"] == FileChange("untracked.txt", "untracked", None, 3, 0, False)
    assert got["untracked.bin"] == FileChange("untracked.bin", "untracked", None, None, None,
                                              True)
    spaced = "dir with space/naïve 文件.txt"
    assert got[spaced] == FileChange(spaced, "untracked", None, 2, 0, False)
    assert got["link"] == FileChange("link", "untracked", None, 1, 0, False)
    assert set(got) == {"mod.txt", "committed.txt", "del.txt", "ren_new.txt", "img.bin",
                        "staged.txt", "untracked.txt", "untracked.bin", spaced, "link"}
    # Without exclusions the tracker's own files and the exact path come back.
    all_paths = {c.path for c in git_changes.changed_files(repo, base)}
    assert {".sessions/new.jsonl", "secret.txt"} <= all_paths
    assert "debug.log" not in all_paths and "touched.txt" not in all_paths


def test_changed_files_tracked_names_with_spaces_and_non_ascii(tmp_path: Path) -> None:
    root = init(tmp_path / "r")
    base = commit(root, "base", {"a b/ü ñ.txt": "1\n"})
    (root / "a b" / "ü ñ.txt").write_text("1\n2\n")
    run(root, "mv", "a b/ü ñ.txt", "a b/renamed é.txt")
    changes = git_changes.changed_files(repo_at(root), base)
    assert changes == [FileChange("a b/renamed é.txt", "renamed", "a b/ü ñ.txt", 1, 0, False)]


def test_changed_files_rename_excluded_only_if_both_paths_are(tmp_path: Path) -> None:
    root = init(tmp_path / "r")
    body = "".join(f"{i}\n" for i in range(30))
    base = commit(root, "base", {".sessions/a.md": body, ".sessions/b.md": body + "b\n"})
    (root / "docs").mkdir()
    run(root, "mv", ".sessions/a.md", "docs/a.md")
    run(root, "mv", ".sessions/b.md", ".sessions/c.md")
    changes = git_changes.changed_files(repo_at(root), base, exclude=[".sessions/"])
    assert changes == [FileChange("docs/a.md", "renamed", ".sessions/a.md", 0, 0, False)]


def test_changed_files_base_none_is_empty_tree(tmp_path: Path) -> None:
    root = init(tmp_path / "r")
    repo = repo_at(root)
    (root / "early.txt").write_text("x\n")
    assert git_changes.changed_files(repo, None) == [
        FileChange("early.txt", "untracked", None, 1, 0, False)]
    commit(root, "first", {"early.txt": "x\ny\n", "img.bin": b"\x00\x00"})
    (root / "later.txt").write_text("l\n")
    assert git_changes.changed_files(repo, None) == [
        FileChange("early.txt", "added", None, 2, 0, False),
        FileChange("img.bin", "added", None, None, None, True),
        FileChange("later.txt", "untracked", None, 1, 0, False),
    ]


def test_changed_files_removed_from_index_reports_deletion(tmp_path: Path) -> None:
    root = init(tmp_path / "r")
    base = commit(root, "base", {"keep.txt": "k\n"})
    run(root, "rm", "-q", "--cached", "keep.txt")
    assert git_changes.changed_files(repo_at(root), base) == [
        FileChange("keep.txt", "deleted", None, 0, 1, False)]


# --- in_progress_operation ---------------------------------------------------------------

def test_in_progress_merge_conflict(tmp_path: Path) -> None:
    root = init(tmp_path / "r")
    commit(root, "base", {"c.txt": "base\n"})
    run(root, "checkout", "-q", "-b", "other")
    commit(root, "other", {"c.txt": "other\n"})
    run(root, "checkout", "-q", "main")
    commit(root, "main", {"c.txt": "main\n"})
    repo = repo_at(root)
    assert git.in_progress_operation(repo) is None
    run(root, "merge", "-q", "other", ok=(1,))
    assert git.in_progress_operation(repo) == "merge"
    assert git.dirty_files(repo) == ["c.txt"]  # the unmerged entry
    assert [(c.path, c.status) for c in git_changes.changed_files(repo, git.head_sha(repo))] == [
        ("c.txt", "modified")]
    run(root, "merge", "--abort")
    assert git.in_progress_operation(repo) is None


def test_in_progress_cherry_pick_and_bisect(tmp_path: Path) -> None:
    root = init(tmp_path / "r")
    commit(root, "base", {"c.txt": "base\n"})
    run(root, "checkout", "-q", "-b", "other")
    pick = commit(root, "other", {"c.txt": "other\n"})
    run(root, "checkout", "-q", "main")
    commit(root, "main", {"c.txt": "main\n"})
    repo = repo_at(root)
    run(root, "cherry-pick", pick, ok=(1,))
    assert git.in_progress_operation(repo) == "cherry-pick"
    run(root, "cherry-pick", "--abort")
    run(root, "bisect", "start")
    assert git.in_progress_operation(repo) == "bisect"


# --- failures ----------------------------------------------------------------------------

def test_failing_command_raises_tracker_error_with_hint(tmp_path: Path) -> None:
    root = init(tmp_path / "r")
    commit(root, "first", {"a.txt": "a\n"})
    repo = repo_at(root)
    missing = "0123456789abcdef0123456789abcdef01234567"
    with pytest.raises(TrackerError) as info:
        git_changes.changed_files(repo, missing)
    assert "git diff failed" in info.value.message
    assert missing in info.value.message or "bad" in info.value.message
    assert "does not exist" in info.value.hint
    with pytest.raises(TrackerError) as info2:
        git.commits_since(repo, missing)
    assert info2.value.hint and "git log failed" in info2.value.message
    assert not isinstance(info2.value, GitUnavailable)


def test_git_missing_raises_git_unavailable(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    root = init(tmp_path / "r")
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(GitUnavailable) as info:
        git.find_repo(root)
    assert isinstance(info.value, TrackerError)
    assert "PATH" in info.value.hint


def test_git_environment_is_cleaned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = init(tmp_path / "r")
    other = init(tmp_path / "other")
    commit(other, "other")
    # A hook running under another repository's GIT_DIR must not redirect our calls.
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(other))
    repo = repo_at(root)
    assert repo.root == str(root.resolve())
    assert git.head_sha(repo) is None


# --- value types and import cost ---------------------------------------------------------

def test_value_types_compare_hash_and_repr_by_fields() -> None:
    a = FileChange("a.txt", "modified", None, 1, 2, False)
    assert a == FileChange("a.txt", "modified", None, 1, 2, False)
    assert a != FileChange("a.txt", "modified", None, 1, 3, False)
    assert hash(a) == hash(FileChange("a.txt", "modified", None, 1, 2, False))
    assert len({a, FileChange("a.txt", "modified", None, 1, 2, False)}) == 1
    assert repr(a) == ("FileChange(path='a.txt', status='modified', old_path=None, added=1, "
                       "removed=2, binary=False)")
    c = git.Commit("abc", "subject", "me", "2024-01-01T00:00:00+00:00")
    assert c.files == ()
    assert c == git.Commit(sha="abc", subject="subject", author="me",
                           timestamp="2024-01-01T00:00:00+00:00", files=())
    assert c != ("abc", "subject", "me", "2024-01-01T00:00:00+00:00", ())
    r = git.Repo("/w", "/w/.git", "/w/.git")
    assert r == git.Repo(root="/w", git_dir="/w/.git", common_dir="/w/.git")
    assert r != git.Repo("/w", "/w/.git", "/other/.git")
    assert repr(r) == "Repo(root='/w', git_dir='/w/.git', common_dir='/w/.git')"
    assert not hasattr(r, "__dict__")


def test_import_pulls_in_no_heavy_modules() -> None:
    # The module is on the path of `strack end` and git hooks: dataclasses (+ inspect),
    # pathlib and typing each cost milliseconds per process.
    code = ("import session_tracker.git.repo, sys; print(sorted(m for m in "
            "('dataclasses','pathlib','typing','inspect') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert proc.stdout.strip() == "[]"
