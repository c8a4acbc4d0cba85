"""What changed in a work tree: files changed since a commit (committed, staged, unstaged and
untracked, with renames, deletions, binary files and +/- lines), and the whole end-of-session
capture in one go (see :func:`end_state`)."""

from __future__ import annotations

import os

from session_tracker.git import pathspec
from session_tracker.git.proc import collect, failure, run, spawn
from session_tracker.git.repo import _STATUS, Commit, FileChange, Repo, _dec, _Exclusions, _log_args, _optional_result, _parse_log

TYPE_CHECKING = False
if TYPE_CHECKING:

    from session_tracker.git.repo import Exclude

__all__ = ["changed_files", "end_state"]

_BINARY_PROBE = 8000  # git's own heuristic: a NUL in the first 8000 bytes means binary


def _count_lines(path: str) -> tuple[int | None, bool]:
    """(lines, binary) for a file on disk, counted the way ``git diff --numstat`` would."""
    try:
        if os.path.islink(path):
            return 1, False  # git stores a symlink as a one-line blob holding its target
        with open(path, "rb") as fh:
            chunk = fh.read(_BINARY_PROBE)
            if b"\0" in chunk:
                return None, True
            lines, last = 0, b""
            while chunk:  # streamed: untracked files can be large data dumps
                lines += chunk.count(b"\n")
                last = chunk[-1:]
                chunk = fh.read(1 << 20)
    except OSError:
        return None, False  # unreadable: report the path without counts rather than fail
    return lines + (1 if last not in (b"", b"\n") else 0), False


def _parse_diff(out: bytes) -> list[FileChange]:
    # `diff --raw --numstat -z` prints every raw record (":modes shas X\0path\0", renames and
    # copies with two paths) and then every numstat record ("a\tr\tpath\0", renames as
    # "a\tr\t\0old\0new\0"), in the same order. Paths are consumed positionally, so a path
    # that looks like a record cannot confuse the parser.
    tokens = out.split(b"\0")
    raw: list[tuple[str, bytes | None, bytes]] = []  # (status letter, old path, path)
    counts: dict[bytes, tuple[int | None, int | None]] = {}
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.startswith(b":"):
            letter = _dec(tok.split(b" ")[4][:1])
            two = letter in ("R", "C")
            raw.append((letter, tokens[i + 1] if two else None, tokens[i + 2 if two else i + 1]))
            i += 3 if two else 2
        elif tok:
            added, removed, name = tok.split(b"\t", 2)
            if not name:
                name = tokens[i + 2]
                i += 2
            counts[name] = (None, None) if added == b"-" else (int(added), int(removed))
            i += 1
        else:
            i += 1
    changes = []
    for letter, old, new in raw:
        added_n, removed_n = counts.get(new, (0, 0))
        changes.append(FileChange(_dec(new), _STATUS.get(letter, "modified"),
                                  None if old is None else _dec(old), added_n, removed_n,
                                  added_n is None))
    return changes


def changed_files(repo: Repo, base: str | None, exclude: Exclude = ()) -> list[FileChange]:
    """Every file that differs between commit ``base`` and the working tree, sorted by path.

    Covers commits since ``base``, staged and unstaged changes (renames detected with -M,
    deletions, binary files with added/removed None) and untracked, non-ignored files (status
    'untracked', line counts read from disk). ``base`` None means the empty tree, i.e. every
    tracked file is 'added'. ``exclude`` holds prefixes ending in '/' or exact paths; a
    rename is dropped only if both its paths are excluded. Raises TrackerError on git failure
    (e.g. ``base`` no longer exists).
    """
    return end_state(repo, base, exclude)[3]


def _empty_tree(repo: Repo) -> str:
    # The empty tree's id depends on the repository's hash (SHA-1 vs SHA-256).
    return _dec(run(["hash-object", "-t", "tree", "--stdin"], repo.root, stdin=b"").stdout).strip()


def end_state(repo: Repo, base: str | None, exclude: Exclude = ()
              ) -> tuple[str | None, str | None, list[Commit], list[FileChange]]:
    """``(branch, head, commits since base, changed files)`` as of now, for a session's end.

    The five git commands run at the same time: on a large tree the diff and the untracked
    scan are each bound by stat calls, and waiting for them one after another is what made
    capture slower than ``git status`` + ``git diff``. Semantics of each part as in
    :func:`current_branch`, :func:`head_sha`, :func:`commits_since` and :func:`changed_files`.
    """
    tree = _empty_tree(repo) if base is None else base
    # The diff sees the whole tree (a file moved out of .sessions/ is a rename), the untracked
    # scan only the places outside the skipped directories (.sessions/: 10,000 files).
    diff_args = ["diff", "--raw", "--numstat", "-z", "-M", "--no-color", "--no-ext-diff",
                 "--no-textconv", "--end-of-options", tree, "--"]
    others_args = pathspec.untracked_args(repo.root, exclude)
    branch_args = ["symbolic-ref", "-q", "HEAD"]
    head_args = ["rev-parse", "-q", "--verify", "--end-of-options", "HEAD^{commit}"]
    log_args = _log_args(base)
    procs = [spawn(a, repo.root) for a in (diff_args, branch_args, head_args)]
    others_proc = spawn(others_args, repo.root) if others_args is not None else None
    log_proc = spawn(log_args, repo.root)
    diff = collect(procs[0], diff_args, repo.root).stdout
    untracked = b"" if others_proc is None or others_args is None else collect(others_proc, others_args, repo.root).stdout
    branch_ref = _optional_result(collect(procs[1], branch_args, repo.root, check=False), branch_args, repo.root)
    head = _optional_result(collect(procs[2], head_args, repo.root, check=False), head_args, repo.root)
    log = collect(log_proc, log_args, repo.root, check=False)
    if head is None:  # unborn HEAD: git log fails, and there are no commits
        commits: list[Commit] = []
    elif log.returncode != 0:
        raise failure(log_args, repo.root, log)
    else:
        commits = _parse_log(log.stdout)
    excluded = _Exclusions(exclude)
    result: dict[str, FileChange] = {}
    for change in _parse_diff(diff):
        if excluded(change.path) and (change.old_path is None or excluded(change.old_path)):
            continue
        result[change.path] = change
    for tok in untracked.split(b"\0"):
        path = _dec(tok)
        # A path both in the diff and untracked was `git rm --cached`: it will be committed as
        # a deletion, so the diff's record is the truthful one.
        if not tok or path in result or excluded(path):
            continue
        lines, binary = _count_lines(os.path.join(repo.root, path))
        result[path] = FileChange(path, "untracked", None, lines,
                                  None if lines is None else 0, binary)
    branch = None if branch_ref is None else branch_ref.removeprefix("refs/heads/")
    return branch, head, commits, [result[p] for p in sorted(result)]
