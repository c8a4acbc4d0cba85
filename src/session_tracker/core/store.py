"""The event store: append-only JSONL files, read tolerantly, written without losing a line.

Rules (DESIGN.md, "Concurrency and durability"):

* an append is one ``os.write`` of a whole, pre-encoded line on an ``O_APPEND`` descriptor, and
  lines are capped at 64 KiB, so concurrent writers interleave whole lines, never bytes;
* multi-step work takes an advisory lock (:class:`Lock`) on a separate ``.lock`` file;
* derived files are replaced atomically (:func:`atomic_write`): temp file in the same
  directory, fsync, ``os.replace``;
* readers survive a torn or corrupt line and report each one as ``file:line``.
"""

from __future__ import annotations

import os
import time

from session_tracker.core.events import BadLine, Event, decode, encode
from session_tracker.errors import TrackerError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import TracebackType

LOCK_TIMEOUT_S = 30.0  # SESSION_TRACKER_LOCK_TIMEOUT (seconds) overrides it


#: The event files (not journals: ``local/journal/``) this process wrote: ``{absolute path:
#: the number of its last write}``, numbered by ``WRITES[0]``. A refresh of the index that
#: verified the files moments ago in this process trusts that verification only while every
#: file written since is one it compares anyway (index/stamps.py).
WRITTEN: dict[str, int] = {}
WRITES = [0]


def _count(path: str) -> bool:
    """Note a write to an event file (True) in :data:`WRITTEN`; False for a journal."""
    if path.endswith(".jsonl") and f"{os.sep}journal{os.sep}" not in path:
        WRITES[0] += 1
        WRITTEN[os.path.abspath(path)] = WRITES[0]
        return True
    return False


def appended_in_place(path: str) -> None:
    """Note an append to the event file ``path`` outside a journal: counted in :data:`WRITTEN`,
    and its directory's modification time set to now, which an append alone leaves as it was,
    so that a refresh trusting the directories (index/stamps.py, ``trusted``) reads the file."""
    if _count(path):
        try:
            os.utime(os.path.dirname(os.path.abspath(path)))
        except OSError:  # not ours to touch: such a refresh then misses it until a full one
            pass


def append(path: str, event: Event, redact: bool = True) -> tuple[int, int]:
    """Append one event to the JSONL file at ``path`` (created if missing).

    Secrets in ``event.data`` are redacted here, the single point where events are written.
    As :func:`append_bytes` for the encoded line (which is left in ``event.line``).

    Returns:
        ``(start, end)`` byte offsets of the line in the file, so a caller holding a view
        read up to ``start`` knows that view plus this event is the whole file up to ``end``.
    Raises:
        TrackerError: the line is over 64 KiB, or the file cannot be written.
    """
    if redact:
        from session_tracker.core.redact import redact_value

        event.data = redact_value(event.data)  # type: ignore[assignment]
    line = encode(event)
    event.line = line
    return append_bytes(path, line)


def _take_turn(fd: int) -> None:
    """Wait (up to a second) for other appenders of the file to finish their write: a size read
    while another process's line is half copied in ends mid-line, and its byte would add a
    needless newline (a blank line) before ours. The lock goes with the descriptor's close. A
    holder that does not let go within the second costs at most that blank line, never the
    append (nothing may block a commit)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: appends are not interleaved there
        return
    deadline = time.monotonic() + 1.0
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                return
            time.sleep(0.0005)
        except OSError:  # a file system without locks: as before
            return


def append_bytes(path: str, line: bytes) -> tuple[int, int]:
    """Append whole, encoded lines to ``path`` with one ``os.write`` on an ``O_APPEND``
    descriptor.

    A file whose last byte is not ``\n`` (a torn write, a hand edit, a merge) first gets one,
    in the same write, so the new line can never glue onto the broken one: the broken line stays
    unreadable on its own (``doctor --fix`` quarantines it) and the new one reads.

    Returns:
        ``(start, end)`` byte offsets of the line in the file.
    Raises:
        TrackerError: the file cannot be written.
    """
    from session_tracker.core import safepath

    fd = safepath.open_append(path)  # never through a symbolic link, never outside the repository
    try:
        _take_turn(fd)
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            line = b"\n" + line
        written = os.write(fd, line)
        size = os.fstat(fd).st_size
    except OSError as exc:
        raise TrackerError(f"cannot write {path}: {exc.strerror}", "check free disk space") from None
    finally:
        os.close(fd)
        appended_in_place(path)  # (after the write: a refresh trusting the old time has read before it)
    if written != len(line):  # a short write on a regular file means the disk is full
        raise TrackerError(f"short write to {path} ({written} of {len(line)} bytes)", "check free disk space; then run `session-tracker doctor`")
    # Another writer may have appended after us before the fstat: then this is only a lower
    # bound on our offset, and callers treat any mismatch as "re-read".
    return size - written, size


class Problem:
    """A line that could not be read: ``where`` is ``file:line``, ``reason`` says why."""

    __slots__ = ("reason", "where")

    def __init__(self, where: str, reason: str) -> None:
        self.where = where
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


def read(path: str, label: str | None = None) -> tuple[list[Event], list[Problem]]:
    """Read every event of one JSONL file, in file order, without duplicates.

    As :func:`read_sized`, without the size."""
    events, problems, _ = read_sized(path, label)
    return events, problems


def read_sized(path: str, label: str | None = None) -> tuple[list[Event], list[Problem], int]:
    """Read every event of one JSONL file, in file order, without duplicates.

    Duplicate ids (the same line arriving twice through a ``merge=union``) are kept once.
    A missing file reads as empty.

    Args:
        path: the file.
        label: how the file is named in problems (default: ``path``).
    Returns:
        ``(events, problems, bytes read)``; each problem names ``file:line``.
    Raises:
        NewerSchema: a line was written by a newer session-tracker.
    """
    try:
        with open(path, "rb") as handle:
            blob = handle.read()
    except FileNotFoundError:
        return [], [], 0
    name = label or path
    events: list[Event] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    lines = blob.split(b"\n")
    torn = lines[-1] != b""
    for number, raw in enumerate(lines if torn else lines[:-1], start=1):
        where = f"{name}:{number}"
        if not raw.strip():
            continue
        try:
            event = decode(raw, where)
        except BadLine as bad:
            reason = bad.reason
            if torn and number == len(lines):
                reason = f"incomplete last line (a write was cut off): {reason}"
            problems.append(Problem(where, reason))
            continue
        if event.id in seen:
            continue
        seen.add(event.id)
        events.append(event)
    return events, problems, len(blob)


def atomic_write(path: str, content: bytes, durable: bool = True) -> bool:
    """Replace ``path`` with ``content`` atomically; skip the write when nothing changed.

    Writes a temp file in the same directory (never across file systems), fsyncs it (unless
    ``durable`` is False), then ``os.replace``s it over the target, so a reader sees the old
    or the new file, never half.

    Returns:
        True when the file was written, False when it already held ``content``.
    Raises:
        TrackerError: the directory cannot be created or written.
    """
    try:
        with open(path, "rb") as handle:
            if handle.read() == content:
                return False
    except OSError:
        pass
    _count(path)
    from session_tracker.core import safepath

    directory = os.path.dirname(os.path.abspath(path))
    safepath.makedirs(directory)  # refuses a symbolic link on the way, or a path outside the repository
    tmp = os.path.join(directory, f".{os.path.basename(path)}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    try:
        # os.replace swaps a symbolic link planted as the target for the new file: the link's
        # target is never written.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | safepath.NOFOLLOW, 0o644)
        try:
            os.write(fd, content)
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise TrackerError(f"cannot write {path}: {exc.strerror}", "check the directory's permissions and free space") from None
    return True


class Lock:
    """An exclusive advisory lock on a lock file, as a context manager.

    ``fcntl.flock`` on POSIX; elsewhere an ``O_EXCL`` lock file (the portable fallback).
    Waits up to ``timeout`` seconds (default 30, or ``$SESSION_TRACKER_LOCK_TIMEOUT``).

    Raises:
        TrackerError: the lock was not obtained in time (the hint names the file).
    """

    def __init__(self, path: str, timeout: float | None = None) -> None:
        self.path = path
        if timeout is None:
            try:
                timeout = float(os.environ.get("SESSION_TRACKER_LOCK_TIMEOUT") or LOCK_TIMEOUT_S)
            except ValueError:
                timeout = LOCK_TIMEOUT_S
        self.timeout = timeout
        self._fd: int | None = None
        self._exclusive_file = False

    def __enter__(self) -> Lock:  # noqa: PYI034 - Self needs Python 3.11
        from session_tracker.core import safepath

        safepath.makedirs(os.path.dirname(self.path))
        deadline = time.monotonic() + self.timeout
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            self._acquire_portable(deadline)
            return self
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | safepath.NOFOLLOW, 0o644)
        except OSError as exc:
            raise TrackerError(f"cannot open the lock file {self.path}: {exc.strerror}", "a symbolic link there is refused; remove it") from None
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._fd = fd
                return self
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(fd)
                    raise self._timeout_error() from None
                time.sleep(0.002)

    def _acquire_portable(self, deadline: float) -> None:  # pragma: no cover - Windows
        while True:
            try:
                self._fd = os.open(self.path + ".x", os.O_CREAT | os.O_EXCL | os.O_WRONLY)
                self._exclusive_file = True
                return
            except FileExistsError:
                if time.monotonic() > deadline:
                    raise self._timeout_error() from None
                time.sleep(0.01)

    def _timeout_error(self) -> TrackerError:
        return TrackerError(
            f"another session-tracker process holds {self.path}",
            "wait for it to finish and try again (the lock ends with the process that holds it; deleting the file does not help)",
        )

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._fd is None:
            return
        os.close(self._fd)  # closing the descriptor releases the flock
        if self._exclusive_file:  # pragma: no cover - Windows
            os.unlink(self.path + ".x")
        self._fd = None
