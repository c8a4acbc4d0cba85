"""The git questions enforcement asks, on top of :mod:`session_tracker.git.repo`.

Same conventions as ``git.py`` (argument lists, ``GIT_*`` dropped, ``GIT_OPTIONAL_LOCKS=0``,
``LC_ALL=C``, failures as :class:`TrackerError` with a hint) with one difference: a pre-commit
hook must see the index being committed, and ``git commit -a`` / ``git commit <paths>`` commit a
temporary index that git names in ``GIT_INDEX_FILE``. Functions that read the index take that
path (``index_file``) and pass it on; everything else gets the cleaned environment.

Processes are started by :mod:`.proc` (``os.posix_spawnp``, not ``subprocess``: the
pre-commit hook runs on every commit, and importing ``subprocess`` alone costs ~4 ms).
"""

from __future__ import annotations

import os

from session_tracker.errors import TrackerError
from session_tracker.git.proc import collect, failure, run, spawn

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

#: Key of the trailer that ties a commit to its session (``Session: 00003``).
TRAILER = "Session"
_RS, _US, _GS = b"\x1e", b"\x1f", b"\x1d"
# One commit: RS sha US parents US committer-time US Session-trailer values (GS-separated) US
# subject RS; with --name-only the NUL-separated files follow the second RS.
_FORMAT = f"--format=%x1e%H%x1f%P%x1f%ct%x1f%(trailers:key={TRAILER},valueonly,separator=%x1d)%x1f%s%x1e"


class CommitInfo:
    """One commit as enforcement sees it.

    Attributes:
        sha: full hex id.
        parents: parent ids (two or more for a merge).
        time: committer time, seconds since the epoch.
        subject: the first line of the message.
        sessions: the values of its ``Session:`` trailers, in order.
        files: paths it changed (merges: against the first parent); only when asked for.
    """

    __slots__ = ("files", "parents", "sessions", "sha", "subject", "time")

    def __init__(self, sha: str, parents: list[str], time: int, subject: str, sessions: list[str],
                 files: list[str]) -> None:
        self.sha = sha
        self.parents = parents
        self.time = time
        self.subject = subject
        self.sessions = sessions
        self.files = files

    @property
    def merge(self) -> bool:
        """True for a merge commit (more than one parent)."""
        return len(self.parents) > 1


def _dec(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def git_dir(root: str) -> str | None:
    """The git directory of the work tree at ``root`` without running git: ``root/.git`` when
    it is a directory, the ``gitdir:`` it names when it is a file (linked worktrees,
    submodules); None when there is none."""
    dot_git = os.path.join(root, ".git")
    if os.path.isdir(dot_git):
        return dot_git
    try:
        with open(dot_git, encoding="utf-8") as handle:
            line = handle.readline().strip()
    except OSError:
        return None
    if not line.startswith("gitdir:"):
        return None
    return os.path.normpath(os.path.join(root, line[len("gitdir:"):].strip()))


def operation(root: str) -> str | None:
    """What git is in the middle of in the work tree at ``root``: 'rebase', 'am', 'merge',
    'cherry-pick', 'revert', 'bisect' or None (also None outside git). Runs no git."""
    directory = git_dir(root)
    return None if directory is None else operation_in(directory)


def operation_in(directory: str) -> str | None:
    """What git is in the middle of, from the state files in the git directory ``directory``."""
    if os.path.isdir(os.path.join(directory, "rebase-merge")):
        return "rebase"
    if os.path.isdir(os.path.join(directory, "rebase-apply")):
        return "am" if os.path.exists(os.path.join(directory, "rebase-apply", "applying")) else "rebase"
    for name, op in (("MERGE_HEAD", "merge"), ("CHERRY_PICK_HEAD", "cherry-pick"), ("REVERT_HEAD", "revert"),
                     ("BISECT_LOG", "bisect")):
        if os.path.exists(os.path.join(directory, name)):
            return op
    return None


class StagedQuery:
    """The two git processes ``check --staged`` needs, started together as early as possible:
    ``git diff --cached --raw`` (the one read of the index: staged paths and their blob ids)
    and a ``cat-file --batch`` that answers HEAD and, once the paths are known, the blobs."""

    __slots__ = ("batch", "diff", "diff_args", "root")

    def __init__(self, root: str, index_file: str | None) -> None:
        self.root = root
        self.diff_args = ["diff", "--cached", "--raw", "-z", "--no-renames", "--no-abbrev", "--no-ext-diff"]
        self.diff = spawn(self.diff_args, root, index_file)
        self.batch = Batch(root)
        self.batch.ask(["HEAD"])

    def staged(self) -> dict[str, tuple[str | None, str | None]]:
        """What :func:`staged_raw` makes of the diff."""
        return staged_raw(collect(self.diff, self.diff_args, self.root).stdout)


def _parse_commits(out: bytes, with_files: bool = False) -> list[CommitInfo]:
    parts = out.split(_RS)
    commits: list[CommitInfo] = []
    for i in range(1, len(parts) - 1, 2):
        fields = parts[i].split(_US, 4)
        if len(fields) != 5:
            raise TrackerError("unexpected output from git log", "please report this with your git version")
        sha, parents, stamp, trailers, subject = fields
        files: list[str] = []
        if with_files:
            files = [_dec(t.lstrip(b"\n")) for t in parts[i + 1].split(b"\0") if t.strip(b"\n")]
        commits.append(CommitInfo(
            _dec(sha), _dec(parents).split(), int(stamp or 0), subject.decode("utf-8", "replace"),
            [v.strip() for v in trailers.decode("utf-8", "replace").split("\x1d") if v.strip()], sorted(files)))
    return commits


def commit(cwd: str, rev: str = "HEAD", with_files: bool = False) -> CommitInfo | None:
    """The commit ``rev`` names (with the files it changed when asked), or None when it does not
    resolve (an unborn branch). Raises TrackerError on other git failures."""
    args = ["-c", "log.showRoot=true", "log", "-1", "-z", "--no-show-signature", "--encoding=UTF-8", _FORMAT]
    if with_files:
        args += ["--name-only", "--no-renames", "--diff-merges=first-parent"]
    args += ["--end-of-options", rev, "--"]
    proc = run(args, cwd, check=False)
    if proc.returncode != 0:
        if resolve(cwd, rev) is None:
            return None
        raise failure(args, cwd, proc)
    found = _parse_commits(proc.stdout, with_files)
    return found[0] if found else None


def commits(cwd: str, exclude: str | None, tip: str, with_files: bool = False) -> list[CommitInfo]:
    """Commits reachable from ``tip`` but not from ``exclude`` (None: all), oldest first, with
    the files each changed when asked. Raises TrackerError when a revision does not resolve."""
    args = ["-c", "log.showRoot=true", "log", "-z", "--reverse", "--topo-order", "--no-show-signature",
            "--encoding=UTF-8", _FORMAT]
    if with_files:
        args += ["--name-only", "--no-renames", "--diff-merges=first-parent"]
    args += ["--end-of-options", tip]
    if exclude is not None:
        args.append("^" + exclude)
    args.append("--")
    return _parse_commits(run(args, cwd).stdout, with_files)


def resolve(cwd: str, rev: str) -> str | None:
    """The full sha of the commit ``rev`` names, or None when it names none."""
    proc = run(["rev-parse", "-q", "--verify", "--end-of-options", rev + "^{commit}"], cwd, check=False)
    return _dec(proc.stdout).strip() if proc.returncode == 0 else None


def merge_base(cwd: str, a: str, b: str) -> str | None:
    """The best common ancestor of ``a`` and ``b``, or None when they share no history."""
    proc = run(["merge-base", "--end-of-options", a, b], cwd, check=False)
    return _dec(proc.stdout).strip() if proc.returncode == 0 else None


def literal(paths: Sequence[str]) -> list[str]:
    """Pathspecs that match ``paths`` literally (a directory matches what is under it)."""
    return [":(literal)" + p.rstrip("/") for p in paths]


def changed(cwd: str, base: str, tip: str, scope: Sequence[str]) -> list[tuple[str, str]]:
    """``(status letter, path)`` of paths under ``scope`` that differ between two commits."""
    if not scope:
        return []
    out = run(["diff", "--name-status", "-z", "--no-renames", "--no-ext-diff", base, tip, "--", *literal(scope)],
              cwd).stdout
    tokens = [t for t in out.split(b"\0")]
    pairs: list[tuple[str, str]] = []
    for i in range(0, len(tokens) - 1, 2):
        if tokens[i]:
            pairs.append((_dec(tokens[i])[:1], _dec(tokens[i + 1])))
    return pairs


def tree_files(cwd: str, rev: str, directory: str) -> list[str]:
    """Paths of the files under ``directory`` in commit ``rev``, sorted."""
    out = run(["ls-tree", "-r", "-z", "--name-only", "--full-tree", "--end-of-options", rev, "--",
               *literal([directory])], cwd).stdout
    return sorted(_dec(t) for t in out.split(b"\0") if t)


def blobs(cwd: str, specs: Sequence[str], index_file: str | None = None) -> dict[str, bytes | None]:
    """Contents of objects named ``<rev>:<path>`` (``:<path>``: the index), read with one
    ``git cat-file --batch``; None for a spec that names no blob (missing, or a directory).

    Specs must not contain a newline (session names and document templates cannot).
    """
    wanted = [s for s in dict.fromkeys(specs) if "\n" not in s]
    if not wanted:
        return {}
    out = run(["cat-file", "--batch"], cwd, index_file, stdin="".join(s + "\n" for s in wanted).encode()).stdout
    found: dict[str, bytes | None] = {}
    pos = 0
    for spec in wanted:
        end = out.index(b"\n", pos)
        header = out[pos:end].split(b" ")
        pos = end + 1
        if len(header) == 3 and header[2].isdigit():
            size = int(header[2])
            found[spec] = out[pos:pos + size] if header[1] == b"blob" else None
            pos += size + 1  # the content is followed by a newline
        else:  # "<spec> missing" / "<spec> ambiguous"
            found[spec] = None
    return found


def staged_raw(out: bytes) -> dict[str, tuple[str | None, str | None]]:
    """Parse ``git diff --cached --raw -z --no-renames --no-abbrev``: ``{path: (blob in HEAD,
    blob in the index)}``, None where the path is absent (added / deleted)."""
    tokens = out.split(b"\0")
    found: dict[str, tuple[str | None, str | None]] = {}
    for i in range(0, len(tokens) - 1, 2):
        fields = tokens[i].split(b" ")
        if len(fields) < 5 or not tokens[i].startswith(b":"):
            continue
        old, new = _dec(fields[2]), _dec(fields[3])
        found[_dec(tokens[i + 1])] = (None if not old.strip("0") else old, None if not new.strip("0") else new)
    return found


class Batch:
    """One ``git cat-file --batch`` fed in two steps, so it can start before the caller knows
    everything it will ask for: :meth:`ask` queues object names (``<sha>``, ``<rev>:<path>``,
    ``HEAD``), :meth:`answers` closes stdin and parses every answer.

    Object names must not contain a newline (session names and document templates cannot).
    Only object names that need no index lookup should be asked (``:<path>`` reads the index).
    """

    __slots__ = ("_asked", "_cwd", "_proc")

    def __init__(self, cwd: str) -> None:
        self._cwd = cwd
        self._proc = spawn(["cat-file", "--batch"], cwd, stdin=True)
        self._asked: list[str] = []

    def ask(self, names: Sequence[str]) -> None:
        """Queue ``names``; small enough to never fill the pipe (a few hundred bytes)."""
        fresh = [n for n in names if "\n" not in n and n not in self._asked]
        self._asked += fresh
        self._proc.write("".join(n + "\n" for n in fresh).encode())

    def answers(self) -> dict[str, tuple[str, str, bytes] | None]:
        """``{name: (sha, type, content) or None (missing)}`` for every name asked."""
        out = collect(self._proc, ["cat-file", "--batch"], self._cwd).stdout
        found: dict[str, tuple[str, str, bytes] | None] = {}
        pos = 0
        for name in self._asked:
            end = out.index(b"\n", pos)
            header = out[pos:end].split(b" ")
            pos = end + 1
            if len(header) == 3 and header[2].isdigit():
                size = int(header[2])
                found[name] = (_dec(header[0]), _dec(header[1]), out[pos:pos + size])
                pos += size + 1  # the content is followed by a newline
            else:  # "<name> missing" / "<name> ambiguous"
                found[name] = None
        return found


def parse_commit(sha: str, raw: bytes) -> CommitInfo:
    """A :class:`CommitInfo` (without files) from a raw commit object as ``cat-file`` gives it."""
    head, _, message = raw.partition(b"\n\n")
    parents: list[str] = []
    stamp = 0
    for line in head.split(b"\n"):
        if line.startswith(b"parent "):
            parents.append(_dec(line[7:]))
        elif line.startswith(b"committer "):
            fields = line.rsplit(b" ", 2)
            stamp = int(fields[1]) if len(fields) == 3 and fields[1].isdigit() else 0
    subject = message.split(b"\n\n", 1)[0].strip().replace(b"\n", b" ").decode("utf-8", "replace")  # as %s
    return CommitInfo(sha, parents, stamp, subject, [], [])


def ignored(cwd: str, paths: Sequence[str]) -> set[str]:
    """Which of ``paths`` git ignores (``.gitignore`` and friends)."""
    if not paths:
        return set()
    proc = run(["check-ignore", "-z", "--stdin"], cwd, stdin=b"".join(p.encode() + b"\0" for p in paths), check=False)
    if proc.returncode not in (0, 1):
        raise failure(["check-ignore"], cwd, proc)
    return {_dec(t) for t in proc.stdout.split(b"\0") if t}


def hooks_dir(cwd: str) -> str:
    """The absolute directory git runs this work tree's hooks from: ``core.hooksPath`` when
    set (a relative one is relative to the work tree), else ``hooks/`` in the common git
    directory (shared by linked worktrees)."""
    out = run(["rev-parse", "--path-format=absolute", "--git-path", "hooks"], cwd).stdout
    return os.path.normpath(_dec(out).strip())


def add_trailer(cwd: str, message_file: str, value: str) -> None:
    """Add ``Session: <value>`` to the commit message in ``message_file`` unless it already
    has a ``Session`` trailer (``git interpret-trailers --if-exists doNothing``)."""
    run(["interpret-trailers", "--in-place", "--if-exists", "doNothing", "--if-missing", "add",
         "--trailer", f"{TRAILER}: {value}", message_file], cwd)


def strip_comments(cwd: str, text: bytes) -> bytes:
    """``text`` as git would commit it: comment lines (``core.commentChar``) and surplus blank
    lines removed (``git stripspace --strip-comments``)."""
    return run(["stripspace", "--strip-comments"], cwd, stdin=text).stdout
