"""The one place the project runs ``git``: argument lists only, never a shell, never libgit2.

Every call gets a clean environment (all ``GIT_*`` variables dropped, so a hook's ``GIT_DIR`` or
``GIT_INDEX_FILE`` cannot redirect us; ``GIT_OPTIONAL_LOCKS=0`` so read-only commands never take
the index lock; ``LC_ALL=C`` so error text is stable) and NUL-separated output where git offers
it. Paths are decoded as UTF-8 with ``surrogateescape`` so undecodable bytes round-trip.
Requires git >= 2.31 (``--diff-merges``).
"""

from __future__ import annotations

import os

from session_tracker.errors import TrackerError
from session_tracker.git.plumbing import operation_in
from session_tracker.git.proc import Done, GitUnavailable, failure, run

TYPE_CHECKING = False  # not `from typing import ...`: importing typing costs ~4 ms per process
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    #: Paths to leave out: prefixes ending in "/" and exact paths, or a matcher of a path.
    Exclude = Sequence[str] | Callable[[str], bool]
    from os import PathLike

__all__ = ["Commit", "FileChange", "GitUnavailable", "Repo", "commit_files",
           "commits_since", "current_branch", "dirty_files", "find_repo", "head_sha",
           "in_progress_operation", "rev_parse"]

_STATUS = {"A": "added", "M": "modified", "D": "deleted", "R": "renamed", "C": "copied",
           "T": "type-changed", "U": "modified", "X": "modified"}
_LOG_FORMAT = "--format=%x00%H%x00%s%x00%an%x00%aI"  # leading NUL: an empty token starts a commit
# porcelain v2 record kind -> number of space-separated fields before the path
_V2_FIELDS = {b"1 ": 8, b"2 ": 9, b"u ": 10, b"? ": 1, b"! ": 1}


class _Value:
    """Base of the small value types below: ``==``, ``hash`` and ``repr`` from ``__slots__``.

    Instances are immutable by convention (nothing here or in callers assigns to a field after
    ``__init__``); assignment is not blocked, to keep construction cheap. Hand-written instead
    of ``@dataclass`` because importing ``dataclasses`` (and through it ``inspect``) costs
    ~9 ms per process, and this module is on the path of ``strack end`` and git hooks.
    Repo, Commit and FileChange must not be subclassed (the fields are read from the concrete
    type's ``__slots__``).
    """

    __slots__: tuple[str, ...] = ()

    def _fields(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _Value) or other.__class__ is not self.__class__:
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash((self.__class__, self._fields()))

    def __repr__(self) -> str:
        args = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{self.__class__.__name__}({args})"


class Repo(_Value):
    """A git work tree. All paths are absolute ``str`` (this module avoids ``pathlib``)."""

    __slots__ = ("root", "git_dir", "common_dir")  # noqa: RUF023 - field order (repr)
    root: str
    git_dir: str
    common_dir: str

    def __init__(self, root: str, git_dir: str, common_dir: str) -> None:
        self.root = root
        self.git_dir = git_dir
        self.common_dir = common_dir


class Commit(_Value):
    """One commit; ``timestamp`` is the author date in ISO 8601 with offset."""

    __slots__ = ("sha", "subject", "author", "timestamp", "files")  # noqa: RUF023 - field order (repr)
    sha: str
    subject: str
    author: str
    timestamp: str
    files: tuple[str, ...]

    def __init__(self, sha: str, subject: str, author: str, timestamp: str,
                 files: tuple[str, ...] = ()) -> None:
        self.sha = sha
        self.subject = subject
        self.author = author
        self.timestamp = timestamp
        self.files = files


class FileChange(_Value):
    """One changed path relative to the repository root, '/'-separated; counts are lines."""

    __slots__ = ("path", "status", "old_path", "added", "removed", "binary")  # noqa: RUF023 - field order (repr)
    path: str
    status: str
    old_path: str | None
    added: int | None
    removed: int | None
    binary: bool

    def __init__(self, path: str, status: str, old_path: str | None, added: int | None,
                 removed: int | None, binary: bool) -> None:
        self.path = path
        self.status = status
        self.old_path = old_path
        self.added = added
        self.removed = removed
        self.binary = binary


def _dec(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def _optional(args: list[str], cwd: str) -> str | None:
    """stdout of a command whose exit status 1 means "no answer" (-q --verify, symbolic-ref)."""
    return _optional_result(run(args, cwd, check=False), args, cwd)


def _optional_result(proc: Done, args: Sequence[str], cwd: str) -> str | None:
    if proc.returncode == 1:
        return None
    if proc.returncode != 0:
        raise failure(args, cwd, proc)
    return _dec(proc.stdout).rstrip("\n")


class _Exclusions:
    """``exclude`` entries as a matcher: "dir/" is a prefix; a bare name matches itself or,
    if it is a directory, what is under it. Exact names go in a set (callers pass one per
    rendered document, thousands on a big store), so a match costs O(path depth), not
    O(entries). ``exclude`` may also be a matcher already (a callable taking a path)."""

    __slots__ = ("match", "names", "prefixes")

    def __init__(self, exclude: Exclude) -> None:
        self.match = exclude if callable(exclude) else None
        self.prefixes = () if callable(exclude) else tuple(e for e in exclude if e.endswith("/"))
        self.names = frozenset() if callable(exclude) else frozenset(e for e in exclude if not e.endswith("/"))

    def __call__(self, path: str) -> bool:
        if self.match is not None:
            return self.match(path)
        if self.prefixes and path.startswith(self.prefixes):
            return True
        if not self.names:
            return False
        while path:
            if path in self.names:
                return True
            path = path.rpartition("/")[0]
        return False



def find_repo(start: str | PathLike[str]) -> Repo | None:
    """Find the git work tree containing ``start`` (a directory, or a file whose parent is used).

    Returns None when ``start`` does not exist, is not inside a work tree, or is inside a bare
    repository or a ``.git`` directory. Raises GitUnavailable when git is missing and
    TrackerError for other git failures (e.g. a repository owned by another user).
    """
    start = os.fspath(start)
    if not os.path.isdir(start):
        if not os.path.exists(start):
            return None
        start = os.path.dirname(start) or os.curdir
    args = ["rev-parse", "--show-toplevel", "--absolute-git-dir", "--git-common-dir"]
    proc = run(args, start, check=False)
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace")
        if "not a git repository" in err or "must be run in a work tree" in err:
            return None
        raise failure(args, start, proc)
    lines = _dec(proc.stdout).rstrip("\n").split("\n")  # rev-parse has no -z
    if len(lines) != 3:
        raise TrackerError("cannot locate the repository: its path contains a newline",
                           "move the repository to a path without newlines")
    top, git_dir, common = lines
    # --git-common-dir may be relative to the cwd (e.g. "../.git" from a subdirectory).
    return Repo(os.path.normpath(top), os.path.normpath(git_dir),
                os.path.realpath(os.path.join(start, common)))


def current_branch(repo: Repo) -> str | None:
    """Short name of the checked-out branch (also for an unborn branch); None when detached.

    Raises TrackerError if git fails for another reason.
    """
    ref = _optional(["symbolic-ref", "-q", "HEAD"], repo.root)
    return None if ref is None else ref.removeprefix("refs/heads/")


def rev_parse(repo: Repo, rev: str) -> str | None:
    """Full hex sha of the commit ``rev`` names (annotated tags are peeled to their commit).

    Returns None if ``rev`` does not resolve to a commit. Raises TrackerError on git failure.
    """
    return _optional(["rev-parse", "-q", "--verify", "--end-of-options", rev + "^{commit}"],
                     repo.root)


def head_sha(repo: Repo) -> str | None:
    """Full sha of HEAD, or None on an unborn branch (no commits yet)."""
    return rev_parse(repo, "HEAD")


def dirty_files(repo: Repo, exclude: Exclude = ()) -> list[str]:
    """Sorted, de-duplicated paths (relative to the root) that are staged, unstaged or untracked.

    Renamed entries give the new path; ignored files are not included; ``exclude`` holds
    prefixes ending in '/' or exact paths. Raises TrackerError on git failure.
    """
    from session_tracker.git import pathspec
    from session_tracker.git.proc import collect, spawn

    # Tracked changes and untracked files by two git processes at once, each kept out of the
    # directories left out anyway (.sessions/: 10,000 files at 10,000 sessions).
    status_args = ["status", "--porcelain=v2", "-z", "--untracked-files=no", *pathspec.excluding(pathspec.skipped_dirs(exclude))]
    others_args = pathspec.untracked_args(repo.root, exclude)
    status_proc = spawn(status_args, repo.root)
    others = b"" if others_args is None else collect(spawn(others_args, repo.root), others_args, repo.root).stdout
    out = collect(status_proc, status_args, repo.root).stdout
    out += b"".join(b"? " + path + b"\0" for path in others.split(b"\0") if path)
    tokens = iter(out.split(b"\0"))
    excluded = _Exclusions(exclude)
    paths: set[str] = set()
    for tok in tokens:
        fields = _V2_FIELDS.get(tok[:2])
        if fields is None:
            continue
        path = _dec(tok.split(b" ", fields)[fields])
        if tok[:2] == b"2 ":
            next(tokens)  # a rename's original path follows as its own token
        if not excluded(path):
            paths.add(path)
    return sorted(paths)


def _parse_log(out: bytes) -> list[Commit]:
    # Layout: "" sha subject author date ["\n"file file ...] per commit; file names are never
    # empty, so an empty token reliably starts the next commit.
    tokens = out.split(b"\0")
    commits: list[Commit] = []
    i = 0
    while i + 4 < len(tokens):
        if tokens[i]:
            raise TrackerError("unexpected output from git log",
                               "please report this with your git version")
        sha, subject, author, stamp = (t.decode("utf-8", "replace") for t in tokens[i + 1:i + 5])
        i += 5
        files: list[str] = []
        while i < len(tokens) and tokens[i]:
            tok = tokens[i][1:] if not files and tokens[i].startswith(b"\n") else tokens[i]
            files.append(_dec(tok))
            i += 1
        commits.append(Commit(sha, subject, author, stamp, tuple(sorted(files))))
    return commits


def _log_args(base: str | None, with_files: bool = False) -> list[str]:
    args = ["-c", "log.showRoot=true", "log", "-z", "--date-order", "--reverse",
            "--no-show-signature", "--encoding=UTF-8", _LOG_FORMAT]
    if with_files:
        args += ["--name-only", "--no-renames", "--diff-merges=first-parent"]
    args += ["--end-of-options", "HEAD"]
    if base is not None:
        args.append("^" + base)
    args.append("--")
    return args


def commits_since(repo: Repo, base: str | None, with_files: bool = False) -> list[Commit]:
    """Commits reachable from HEAD but not from ``base`` (None: all of HEAD), oldest first.

    With ``with_files`` each Commit lists the paths it changed (sorted; merges against their
    first parent; renames as a deletion plus an addition). Returns [] on an unborn branch.
    Raises TrackerError if ``base`` does not resolve or git fails.
    """
    args = _log_args(base, with_files)
    proc = run(args, repo.root, check=False)
    if proc.returncode != 0:
        if head_sha(repo) is None:
            return []
        raise failure(args, repo.root, proc)
    return _parse_log(proc.stdout)


def commits_between(repo: Repo, rev: str, since: str, until: str) -> list[Commit]:
    """Commits reachable from ``rev`` whose committer date lies in ``[since, until]`` (ISO 8601
    with an offset), oldest first — what an imported transcript's session committed, as git saw
    it. Returns [] when ``rev`` does not resolve (a branch that is gone) or git fails."""
    if rev_parse(repo, rev) is None:
        return []
    args = ["-c", "log.showRoot=true", "log", "-z", "--date-order", "--reverse", "--no-show-signature",
            "--encoding=UTF-8", _LOG_FORMAT, f"--since={since}", f"--until={until}", "--end-of-options", rev, "--"]
    proc = run(args, repo.root, check=False)
    return _parse_log(proc.stdout) if proc.returncode == 0 else []


def commit_files(repo: Repo, sha: str) -> list[str]:
    """Sorted paths changed by commit ``sha`` (root commits: all files; merges: against the
    first parent; renames as a deletion plus an addition). Raises TrackerError on git failure.
    """
    out = run(["diff-tree", "-r", "-z", "--name-only", "--no-commit-id", "--root",
                "--no-renames", "--diff-merges=first-parent", "--end-of-options", sha, "--"],
               repo.root).stdout
    return sorted(_dec(t) for t in out.split(b"\0") if t)


def in_progress_operation(repo: Repo) -> str | None:
    """The operation git is in the middle of, read from state files in ``repo.git_dir``.

    Returns 'rebase', 'am', 'merge', 'cherry-pick', 'revert', 'bisect' or None. Never raises.
    """
    return operation_in(repo.git_dir)
