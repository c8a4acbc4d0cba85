"""Starting git without ``subprocess``: ``os.posix_spawnp``, pipes and ``select``.

The pre-commit hook runs on every commit, and importing ``subprocess`` alone costs ~4 ms; the
hook also starts its git processes before importing the rest of the tool, so they run while
Python loads. Conventions as in ``git.py``: argument lists, every ``GIT_*`` variable dropped
(except ``GIT_INDEX_FILE`` when asked for), ``GIT_OPTIONAL_LOCKS=0``, ``LC_ALL=C``, failures as
:class:`TrackerError` with a hint.
"""

from __future__ import annotations

import os

from session_tracker.errors import TrackerError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence


class GitUnavailable(TrackerError):
    """The ``git`` executable could not be found on PATH."""


_FROZEN: dict[str, str] = {}


def freeze_env() -> None:
    """Build the clean environment once for the rest of this process (a hook's short life:
    ``os.environ`` decodes every entry on each access). Long-lived callers (tests) must not."""
    _FROZEN.clear()
    _FROZEN.update(_clean())


def _clean() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env["GIT_OPTIONAL_LOCKS"] = "0"
    env["LC_ALL"] = "C"
    return env


def _env(index_file: str | None) -> dict[str, str]:
    # Built per call unless frozen: PATH may change at runtime and git is looked up in env's PATH.
    env = dict(_FROZEN) if _FROZEN else _clean()
    if index_file:
        env["GIT_INDEX_FILE"] = index_file
    return env


class Proc:
    """A git process started with ``os.posix_spawnp`` (``subprocess`` costs ~4 ms to import,
    and the pre-commit hook starts its git processes before anything else is imported, so
    they run while Python loads the rest). stdout and stderr are pipes; stdin is a pipe when
    asked for, else ``/dev/null``. Where ``posix_spawnp`` is missing it runs the command with
    ``subprocess`` at :meth:`communicate` instead.
    """

    __slots__ = ("_env", "_pending", "args", "cwd", "pid", "stderr", "stdin", "stdout")

    def __init__(self, args: Sequence[str], cwd: str, index_file: str | None = None, stdin: bool = False) -> None:
        self.args = list(args)
        self.cwd = cwd
        self._env = _env(index_file)
        self._pending = b""
        self.pid = 0
        self.stdin = self.stdout = self.stderr = -1
        if not hasattr(os, "posix_spawnp"):  # pragma: no cover - Windows
            self.stdin = 0 if stdin else -1
            return
        if not os.path.isdir(cwd):
            raise TrackerError(f"directory not found: {cwd}", "check the path")
        out_r, out_w = os.pipe()  # pipes are not inherited; dup2 onto 0/1/2 makes the child's copies
        err_r, err_w = os.pipe()
        actions: list[tuple[int, ...] | tuple[int, int, str, int, int]] = [
            (os.POSIX_SPAWN_DUP2, out_w, 1), (os.POSIX_SPAWN_DUP2, err_w, 2)]
        in_r = -1
        if stdin:
            in_r, self.stdin = os.pipe()
            actions.append((os.POSIX_SPAWN_DUP2, in_r, 0))
        else:
            actions.append((os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0))
        try:
            # -C instead of a working directory: posix_spawn cannot change directory.
            self.pid = os.posix_spawnp("git", ["git", "-C", cwd, *args], self._env, file_actions=actions)
        except FileNotFoundError:
            for fd in (out_r, err_r, self.stdin):
                if fd >= 0:
                    os.close(fd)
            raise GitUnavailable("git is not installed or not on PATH",
                                 "install git (https://git-scm.com) and put it on PATH") from None
        finally:
            for fd in (out_w, err_w, in_r):
                if fd >= 0:
                    os.close(fd)
        self.stdout, self.stderr = out_r, err_r

    def write(self, data: bytes) -> None:
        """Queue ``data`` for stdin; it is written while :meth:`communicate` reads, so a large
        input cannot deadlock against a full stdout."""
        self._pending += data

    def communicate(self, data: bytes = b"") -> tuple[int, bytes, bytes]:
        """Write what was queued plus ``data``, close stdin, read stdout and stderr to the end,
        wait for the process. Returns ``(exit status, stdout, stderr)``."""
        pending = self._pending + data
        if not self.pid:  # pragma: no cover - Windows
            import subprocess

            done = subprocess.run(["git", *self.args], cwd=self.cwd, env=self._env, capture_output=True, check=False,
                                  input=pending if self.stdin == 0 else None,
                                  stdin=None if self.stdin == 0 else subprocess.DEVNULL)
            return done.returncode, done.stdout, done.stderr
        import select

        chunks: dict[int, list[bytes]] = {self.stdout: [], self.stderr: []}
        reading = [self.stdout, self.stderr]
        writing = [self.stdin] if self.stdin >= 0 else []
        if writing:
            os.set_blocking(self.stdin, False)
            if not pending:
                os.close(self.stdin)
                writing = []
        while reading or writing:
            readable, writable, _ = select.select(reading, writing, [])
            if writable:
                try:
                    pending = pending[os.write(self.stdin, pending[:65536]):]
                except BlockingIOError:
                    pass
                except BrokenPipeError:  # git stopped reading (it failed); its stderr says why
                    pending = b""
                if not pending:
                    os.close(self.stdin)
                    writing = []
            for fd in readable:
                chunk = os.read(fd, 65536)
                if chunk:
                    chunks[fd].append(chunk)
                else:
                    os.close(fd)
                    reading.remove(fd)
        _, status = os.waitpid(self.pid, 0)
        return os.waitstatus_to_exitcode(status), b"".join(chunks[self.stdout]), b"".join(chunks[self.stderr])


class Done:
    """A finished git: ``args``, ``returncode``, ``stdout``, ``stderr`` (bytes)."""

    __slots__ = ("args", "returncode", "stderr", "stdout")

    def __init__(self, args: list[str], returncode: int, stdout: bytes, stderr: bytes) -> None:
        self.args = args
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr


def hint(stderr: str, cwd: str, args: Sequence[str]) -> str:
    """An actionable hint for git's ``stderr`` of ``git ARGS`` run in ``cwd``."""
    if "dubious ownership" in stderr:
        return f"mark it trusted: git config --global --add safe.directory '{cwd}'"
    if "index.lock" in stderr:
        return "another git process is running; if none is, delete .git/index.lock"
    if any(s in stderr for s in ("unknown revision", "bad revision", "bad object",
                                 "Invalid revision", "invalid object")):
        return "that commit does not exist here (rebased or pruned?); check `git log --all`"
    if "not a git repository" in stderr:
        return "run this inside a git work tree (or `git init` one)"
    return f"run `git {' '.join(args)}` in {cwd} to see git's full output"


def failure(args: Sequence[str], cwd: str, done: Done) -> TrackerError:
    """The error for a git command that failed: its first line of stderr, and a hint."""
    err = done.stderr.decode("utf-8", "replace")
    lines = err.strip().splitlines()
    first = lines[0] if lines else f"exit status {done.returncode}"
    command = next((a for a in args if not a.startswith("-") and "=" not in a), "")
    return TrackerError(f"git {command} failed: {first}", hint(err, cwd, args))


def spawn(args: Sequence[str], cwd: str, index_file: str | None = None, stdin: bool = False) -> Proc:
    """Start ``git ARGS`` in ``cwd``; collect it with :func:`collect`.

    Args:
        index_file: the index git should read (``GIT_INDEX_FILE``); None: the repository's.
        stdin: give it a stdin pipe (fed through :meth:`Proc.write` or :func:`collect`).
    Raises:
        GitUnavailable: git is not installed. TrackerError: ``cwd`` does not exist.
    """
    return Proc(args, cwd, index_file, stdin)


def collect(proc: Proc, args: Sequence[str], cwd: str, stdin: bytes | None = None, check: bool = True) -> Done:
    """Wait for a :func:`spawn`-ed git; with ``check``, a non-zero exit raises TrackerError."""
    code, out, err = proc.communicate(stdin or b"")
    done = Done(proc.args, code, out, err)
    if check and code != 0:
        raise failure(args, cwd, done)
    return done


def run(args: Sequence[str], cwd: str, index_file: str | None = None, stdin: bytes | None = None,
        check: bool = True) -> Done:
    """Run ``git ARGS`` in ``cwd`` and wait for it (see :func:`spawn` and :func:`collect`)."""
    return collect(spawn(args, cwd, index_file, stdin is not None), args, cwd, stdin, check)
