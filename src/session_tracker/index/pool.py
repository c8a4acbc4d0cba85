"""Reading and parsing event files for a build from nothing, in worker processes.

A build of 10,000 files (a million events) spends about a third of its time decoding JSON and
two thirds in SQLite, which only the one writing process can do. So the files are parsed by
worker processes ahead of the writer, which takes their results in file order. Each worker is
``python -m session_tracker.index.pool`` (a new interpreter: nothing of the writer's open
database is inherited, and the caller's ``__main__`` is not run again as ``multiprocessing``'s
spawn would): it reads its whole list of ``(rel, path)`` chunks from stdin, then writes one
pickled list of :class:`Read` per chunk to stdout. The pipe's buffer holds a worker back when
it runs ahead, so memory stays bounded. Where no worker can be started, or one fails, the
files left are parsed in the writing process: the rows are the same. An error a worker's
parse raises (``NewerSchema``) is raised in the writer.
"""

from __future__ import annotations

import os
import sys
import time

from session_tracker.index.parse import Parsed, fast_loads, parse

TYPE_CHECKING = False
if TYPE_CHECKING:
    import subprocess
    from collections.abc import Callable, Generator
    from typing import IO, Any

RACY_S = 2
CHUNK_FILES = 20  # files per message: about 2,000 events, ~400 KB pickled (two fit in a widened pipe)
MAX_WORKERS = 4
MIN_CHUNKS = 4  # fewer files than this many chunks are parsed in the writer (starting a worker costs ~50 ms)


class Read:
    """One file read and parsed: ``parsed``, and the ``size`` (-1 when racy) and ``mtime_ns``
    to remember for it."""

    __slots__ = ("mtime_ns", "parsed", "size")

    def __init__(self, parsed: Parsed, size: int, mtime_ns: int) -> None:
        self.parsed, self.size, self.mtime_ns = parsed, size, mtime_ns


def read_bytes(path: str) -> tuple[bytes, int, int] | None:
    """``(content, size, mtime_ns)`` of the file at ``path``, None when it no longer exists.
    A file changed within the last :data:`RACY_S` may change again within the same mtime tick
    at the same size (racy git): its size is not trusted (-1), so the next refresh checks its
    CRC again."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - a missing file is handled before the with
    except FileNotFoundError:
        return None
    with handle:
        st = os.fstat(handle.fileno())
        whole = handle.read()
    return whole, trusted_size(st.st_size, st.st_mtime_ns), st.st_mtime_ns


def trusted_size(size: int, mtime_ns: int) -> int:
    """``size`` to remember for a file of that mtime: -1 when it changed within the last
    :data:`RACY_S` (racy git: see :func:`read_bytes`)."""
    return -1 if time.time_ns() - mtime_ns < RACY_S * 1_000_000_000 else size


def read_file(rel: str, path: str, loads: Callable[[bytes], Any] | None = None) -> Read | None:
    """Read (:func:`read_bytes`) and parse the whole event file ``path`` (``rel`` relative to
    ``.sessions/``) with the JSON decoder ``loads`` (:func:`.parse.quick`); None when it no
    longer exists."""
    found = read_bytes(path)
    return None if found is None else Read(parse(rel, found[0], loads=loads), found[1], found[2])


def workers() -> int:
    """Worker processes to start: one per CPU this process may use, at most
    :data:`MAX_WORKERS`; none on one CPU. (The writer waits on SQLite or on them, so one more
    process than CPUs keeps both sides busy: on 2 CPUs a million events took 17.5 s with two
    workers, 19-20 s with one, 27 s with none.)"""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return min(MAX_WORKERS, cpus) if cpus > 1 else 0


def read_files(items: list[tuple[str, str]], count: int | None = None) -> Generator[Read | None, None, None]:
    """:func:`read_file` of each ``(rel, path)``, in order, by ``count`` worker processes
    (default :func:`workers`; 0: all in this process); see the module doc."""
    count = workers() if count is None else count
    loads = fast_loads()
    chunks = [items[i:i + CHUNK_FILES] for i in range(0, len(items), CHUNK_FILES)]
    if len(chunks) < MIN_CHUNKS:
        count = 0
    procs = [_start(chunks[k::count]) for k in range(count)]
    try:
        for index, chunk in enumerate(chunks):
            results = _receive(procs, index % count) if count else None
            yield from results if results is not None else (read_file(rel, path, loads) for rel, path in chunk)
    finally:
        for proc in procs:
            _stop(proc)


def _start(chunks: list[list[tuple[str, str]]]) -> subprocess.Popen[bytes] | None:
    """A worker given ``chunks``, or None when none can be started."""
    import pickle
    import subprocess

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}  # the package as this process sees it
    try:
        proc = subprocess.Popen([sys.executable, "-m", "session_tracker.index.pool"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    except OSError:
        return None
    assert proc.stdin is not None and proc.stdout is not None
    _widen(proc.stdout.fileno())
    try:
        with proc.stdin:
            proc.stdin.write(pickle.dumps(chunks, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:  # it died at once
        _stop(proc)
        return None
    return proc


PIPE_BYTES = 1 << 20  # Linux's default /proc/sys/fs/pipe-max-size


def _widen(fd: int) -> None:
    """Let the worker's pipe hold about two chunks' results (Linux; 64 KiB by default): a
    worker then parses on instead of waiting for each 64 KiB to be read, and the two processes
    do not wake each other a dozen times a chunk (costly on a virtual machine)."""
    import fcntl

    try:
        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_BYTES)
    except OSError:  # not Linux, or a lower limit: the default buffer works, only slower
        pass


def _receive(procs: list[subprocess.Popen[bytes] | None], k: int) -> list[Read | None] | None:
    """The next chunk's results from worker ``k``; None when it has failed (it is stopped and
    the caller parses the chunk itself, as every later chunk of that worker)."""
    import pickle

    proc = procs[k]
    if proc is None:
        return None
    assert proc.stdout is not None
    try:
        kind, value = pickle.load(proc.stdout)
    except (EOFError, OSError, pickle.UnpicklingError, ValueError, AttributeError, ImportError):
        _stop(proc)
        procs[k] = None
        return None
    if kind == "error":
        raise value
    return value  # type: ignore[no-any-return]


def _stop(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is None:
        return
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


def _serve(stdin: IO[bytes], stdout: IO[bytes]) -> None:
    """The worker: every chunk of its list, parsed, in order (module doc)."""
    import gc
    import pickle

    gc.disable()  # millions of tuples and no cycles (as in the writer: ingest.py)
    chunks: list[list[tuple[str, str]]] = pickle.load(stdin)
    loads = fast_loads()
    for chunk in chunks:
        try:
            message: tuple[str, object] = ("ok", [read_file(rel, path, loads) for rel, path in chunk])
        except Exception as exc:  # noqa: BLE001 - the writer raises it (NewerSchema) or parses the chunk itself
            message = ("error", exc)
        pickle.dump(message, stdout, protocol=pickle.HIGHEST_PROTOCOL)
        stdout.flush()
        if message[0] == "error":
            return


if __name__ == "__main__":
    # the module's own functions, not __main__'s: a Read pickled here must unpickle in the writer
    from session_tracker.index.pool import _serve as serve

    try:
        serve(sys.stdin.buffer, sys.stdout.buffer)
    except BrokenPipeError:  # the writer stopped reading (it failed, or was interrupted)
        os._exit(0)
