"""Where the dashboard reads the store: the one data-access module of ``web/``.

Everything comes from the derived SQLite index (:mod:`session_tracker.index`, issue 16), which
is brought up to date with the event files before it answers, or from a session's own event
file when a page shows that session in full. The pages and the JSON API never read ``store`` or
``model`` themselves.

A dashboard process lives long and is asked often (every open page polls for changes), so a
:class:`Snapshot` is reused while the store's stamp (every event file's offset, size and mtime
as the index saw them, plus ``project.jsonl`` and this worktree's open-session markers) is
unchanged. The server takes snapshots in a background thread (:meth:`Store.start`), so a
request never waits for the index to catch up with the event files (that costs what stat-ing
every event file costs); without it (the export, tests) a snapshot is taken on demand, at most
once per ``min_interval_s``. The project-wide fold (decisions, blockers, metrics, the plan
board) is built only when a page asks for it, once per stamp.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

from session_tracker.core import validate
from session_tracker.core.events import Event
from session_tracker.core.model import Project, Session
from session_tracker.core.paths import Layout
from session_tracker.core.sessions import open_here
from session_tracker.errors import TrackerError
from session_tracker.plan.model import Plan, load_plan

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3

T = TypeVar("T")
BLOCKER_TYPES = frozenset({"blocker.opened", "blocker.resolved"})

# One row per session for the sessions list: the index's columns, the starter's UTC offset,
# and the agent activity counted in SQL (no event file is decoded for the list).
_ROWS = """
SELECT s.sid, s.number, s.source, s.status, s.start_moment, s.end_moment, s.branch, coalesce(s.agent, ''), coalesce(s.objective, ''),
       s.entries, s.decisions, coalesce(json_extract(e.raw, '$.data.tz'), '+00:00')
FROM sessions s LEFT JOIN events e ON e.rowid = s.started_rowid
ORDER BY s.start_t, s.number
"""
# (command lines are not copied into the index, so failures are counted on the session's page)
_ACTIVITY = """
SELECT sid, sum(type = 'command.run'),
       sum(CASE WHEN type = 'usage' THEN coalesce(json_extract(raw, '$.data.input_tokens'), 0)
                                          + coalesce(json_extract(raw, '$.data.output_tokens'), 0) ELSE 0 END)
FROM events WHERE type IN ('command.run', 'usage') GROUP BY sid
"""


class Row:
    """One session as the sessions list shows it.

    Attributes:
        sid, name, source (its event file, relative to ``.sessions/``), status (OPEN,
        COMPLETE), started / ended (ISO; ended '' while open), branch, agent ('' for a
        person), objective, entries, decisions, tz (``+HH:MM``), commands (agent shell commands),
        tokens (input + output), files (distinct paths touched).
    """

    __slots__ = ("agent", "branch", "commands", "decisions", "ended", "entries", "files", "name", "objective", "sid",
                 "source", "started", "status", "tokens", "tz")

    def __init__(self, raw: tuple[object, ...]) -> None:
        sid, name, source, status, started, ended, branch, agent, objective, entries, decisions, tz = raw
        self.sid, self.name, self.source, self.status = str(sid), str(name), str(source), str(status)
        self.started, self.ended, self.branch = str(started or ""), str(ended or ""), str(branch or "")
        self.agent, self.objective, self.tz = str(agent or ""), str(objective or ""), str(tz or "+00:00")
        self.entries, self.decisions = int(entries or 0), int(decisions or 0)  # type: ignore[call-overload]
        self.commands = 0
        self.tokens = 0
        self.files = 0


class Snapshot:
    """The store as of one refresh (never changed afterwards; shared between threads).

    Attributes:
        stamp: changes whenever the store changes (hex; the live update compares it).
        rows: every session (:class:`Row`), ordered by start.
        plan: the plan folded from ``project.jsonl``.
        here: ``{name: sid}`` of the sessions open in this worktree.
        problems: unreadable lines, ``["file:line: why"]``.
    """

    __slots__ = ("_lock", "_memo", "_store", "here", "plan", "problems", "rows", "stamp")

    def __init__(self, store: Store, stamp: str, rows: list[Row], plan: Plan, here: dict[str, str], problems: list[str]) -> None:
        self._store = store
        self.stamp = stamp
        self.rows = rows
        self.plan = plan
        self.here = here
        self.problems = problems
        self._memo: dict[object, object] = {}
        self._lock = threading.Lock()

    def memo(self, key: object, compute: Callable[[], T]) -> T:
        """``compute()``, once per snapshot (pages of one store state share their data)."""
        with self._lock:
            if key in self._memo:
                return self._memo[key]  # type: ignore[return-value]
        value = compute()
        with self._lock:
            self._memo.setdefault(key, value)
        return value

    def view(self, types: frozenset[str], sparse: bool = True) -> Project:
        """The sessions holding only their events of ``types`` (``sparse``: only the sessions
        that have any), each with its true start; from the index, once per snapshot."""

        def build() -> Project:
            from session_tracker.index import query

            conn = self._store.reader()
            try:
                return query.project(conn, self._store.layout, (), types, sparse=sparse)[0]
            finally:
                conn.close()

        return self.memo(("view", types, sparse), build)

    @property
    def project(self) -> Project:
        """Every session holding the events project views use (start, end, decisions, blockers,
        handoff items, file snapshots, commits, metrics): the export's fold."""
        from session_tracker.index.query import SUMMARY_TYPES

        return self.view(SUMMARY_TYPES, sparse=False)

    @property
    def blockers(self) -> Project:
        """Every session's blockers (what ``show`` folds of the other sessions)."""
        return self.view(BLOCKER_TYPES)

    def latest(self, type: str, limit: int) -> tuple[list[Event], int]:
        """The newest ``limit`` events of ``type`` (by the time they describe) and how many
        there are, straight from the index."""

        def build() -> tuple[list[Event], int]:
            conn = self._store.reader()
            try:
                total = int(conn.execute("SELECT count(*) FROM events WHERE type = ?", (type,)).fetchone()[0])
                rows = conn.execute("SELECT raw, source, pos FROM events WHERE type = ? ORDER BY t DESC, rowid DESC LIMIT ?",
                                    (type, limit)).fetchall()
            finally:
                conn.close()
            return [_event(raw, source, pos, self._store.layout) for raw, source, pos in rows], total

        return self.memo(("latest", type, limit), build)


def _event(raw: str | None, source: str, pos: int, layout: Layout) -> Event:
    from session_tracker.index.query import read_line

    d = json.loads(raw if raw is not None else read_line(layout, source, pos))
    return Event(id=d["id"], ts=d["ts"], session=d["session"], sid=d["sid"], type=d["type"], actor=d["actor"],
                 data=d.get("data") or {}, v=d["v"])


class Store:
    """Read-only access to one project's store for the dashboard (thread-safe).

    Args:
        layout: the project's locations.
        min_interval_s: a refresh looks at the disk at most this often (seconds).
        private: show what agents said that is kept on this machine (command lines, prompts:
            :mod:`session_tracker.core.private`), as ``show`` does: True for ``serve``, which
            answers only here; False for the static export, which is made to be shared.
    """

    def __init__(self, layout: Layout, min_interval_s: float = 0.2, private: bool = False) -> None:
        self.layout = layout
        self.min_interval_s = min_interval_s
        self.private = private
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._checked = 0.0
        self._plan: tuple[object, Plan] | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._ready = threading.Event()
        self.error: BaseException | None = None  # the background refresh's last failure, if any

    def start(self, every_s: float = 0.5) -> None:
        """Take snapshots in a daemon thread every ``every_s`` seconds from now on; requests then
        answer from the latest one without waiting (the first request waits for the first)."""
        if self._thread is not None:
            return

        def loop() -> None:
            while not self._stop.is_set():
                try:
                    fresh = self._refresh(self._snapshot)
                    with self._lock:
                        self._snapshot, self._checked = fresh, time.monotonic()
                    self.error = None
                except Exception as exc:  # noqa: BLE001 - kept and raised to the next request instead
                    self.error = exc
                self._ready.set()
                self._stop.wait(every_s)

        self._thread = threading.Thread(target=loop, name="strack-snapshots", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the background thread (if started)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def connect(self) -> sqlite3.Connection:
        """A connection to the index, up to date with the event files (close it after use).

        Raises:
            NewerSchema: an event file holds an event of a newer schema version.
        """
        from session_tracker.index import connect_fresh

        return connect_fresh(self.layout)

    def reader(self) -> sqlite3.Connection:
        """A connection to the index as the latest snapshot left it: no refresh of its own
        (stat-ing every event file again for each read would cost what the snapshot costs).
        A store that cannot hold an index gets a fresh one in memory (close it after use)."""
        from session_tracker.index import connect_fresh, index_path, schema

        path = index_path(self.layout)
        return schema.connect(path) if os.path.exists(path) else connect_fresh(self.layout)

    def snapshot(self) -> Snapshot:
        """The store as it is now (the previous snapshot while nothing changed).

        Raises:
            NewerSchema: an event file holds an event of a newer schema version.
        """
        if self._thread is not None:
            self._ready.wait(timeout=3600)
            if self._snapshot is None:  # the first refresh failed: say why (later failures keep the last view)
                raise self.error or TrackerError("the dashboard could not read the store", "run `session-tracker doctor`")
            return self._snapshot
        with self._lock:
            if self._snapshot is not None and time.monotonic() - self._checked < self.min_interval_s:
                return self._snapshot
            self._snapshot = self._refresh(self._snapshot)
            self._checked = time.monotonic()
            return self._snapshot

    def _refresh(self, previous: Snapshot | None) -> Snapshot:
        from session_tracker.index import query

        plan_stamp = _plan_stamp(self.layout)
        here = open_here(self.layout)
        conn = self.connect()
        try:
            digest = hashlib.blake2b(digest_size=12)
            for path, offset, size, mtime in conn.execute("SELECT path, offset, size, mtime_ns FROM sources ORDER BY path"):
                digest.update(f"{path}\0{offset}\0{size}\0{mtime}\n".encode())
            digest.update(f"project\0{plan_stamp}\0{sorted(here.items())}".encode())
            stamp = digest.hexdigest()
            if previous is not None and previous.stamp == stamp:
                return previous
            rows = [Row(raw) for raw in conn.execute(_ROWS)]
            by_sid = {r.sid: r for r in rows}
            for sid, commands, tokens in conn.execute(_ACTIVITY):
                row = by_sid.get(sid)
                if row is not None:
                    row.commands, row.tokens = int(commands or 0), int(tokens or 0)
            for sid, files in conn.execute("SELECT sid, count(DISTINCT path) FROM paths GROUP BY sid"):
                if sid in by_sid:
                    by_sid[sid].files = int(files)
            problems = [f"{where}: {reason}" for where, reason in query.problems(conn, self.layout)]
        finally:
            conn.close()
        if self._plan is None or self._plan[0] != plan_stamp:
            self._plan = (plan_stamp, load_plan(self.layout))
        return Snapshot(self, stamp, rows, self._plan[1], here, problems)

    def session_view(self, key: str) -> tuple[Project, list[Session]]:
        """The sessions named ``key`` (or whose sid starts with ``key``, 6+ characters) read in
        full from their event files, and a project holding every session's blockers as of the
        snapshot (what ``show`` folds). Empty when nothing matches or ``key`` is not valid."""
        try:
            validate.session_name(key)
        except TrackerError:  # an invalid name simply names no session
            return Project([], []), []
        snap = self.snapshot()
        found = [r for r in snap.rows if r.name == key or (len(key) >= 6 and r.sid.startswith(key.upper()))]
        if not found:
            return Project([], []), []
        full = list(self.read_files(list(dict.fromkeys((r.source, r.name) for r in found))))
        return snap.blockers, [s for s in full if s.name == key or s.sid.startswith(key.upper())]

    def event(self, event_id: str) -> Event | None:
        """One event by its id, or None."""
        from session_tracker.index import query

        conn = self.reader()
        try:
            return query.event(conn, self.layout, event_id)
        finally:
            conn.close()

    def files(self) -> list[tuple[str, str]]:
        """``(event file relative to .sessions/, session name)`` of every session file, each
        once, in the order its first session started."""
        seen: dict[str, str] = {}
        for row in self.snapshot().rows:
            seen.setdefault(row.source, row.name)
        return list(seen.items())

    def read_files(self, files: list[tuple[str, str]]) -> Iterator[Session]:
        """The sessions of ``files`` (:meth:`files`' pairs) read in full, one file at a time
        (bounded memory), with a journal of a session open here and renumber files folded in."""
        from session_tracker.core.files import scan
        from session_tracker.core.model import load_session_file
        from session_tracker.index.query import stem_of

        listing = scan(self.layout) if files else None  # once for the pass, not per file
        for source, _ in files:
            stem = stem_of(source)
            found = load_session_file(self.layout, stem, listing)[0]
            if self.private:
                _fill_private(self.layout, stem, found)
            yield from found

    def each_session(self) -> Iterator[Session]:
        """Every session read in full, one event file at a time, by start."""
        return self.read_files(self.files())


def _fill_private(layout: Layout, stem: str, sessions: list[Session]) -> None:
    """Put the command lines and prompts kept on this machine back into the events read
    (in memory only: the dashboard never writes)."""
    from session_tracker.core import private

    kept = private.load(private.path_for(layout.local_dir, stem))
    if not kept:
        return
    for session in sessions:
        for event in session.events:
            fields = kept.get(event.id)
            if fields and event.type == "command.run" and "command" in fields:
                event.data = {**event.data, "command": fields["command"]}
            elif fields and "prompt" in fields and event.type == "agent.activity":
                event.data = {**event.data, "message": fields["prompt"]}


def _plan_stamp(layout: Layout) -> tuple[tuple[str, tuple[int, int]], ...]:
    """Size and mtime of every project events file and of this worktree's project journals
    (where ``next``, ``task`` … append until the next commit publishes them)."""
    from session_tracker.core import journal
    from session_tracker.core.files import project_files

    paths = set(project_files(layout)) | {journal.path_of(layout, stem) for stem in journal.project_stems(layout)}
    return tuple((path, _stamp(path)) for path in sorted(paths))


def _stamp(path: str) -> tuple[int, int]:
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return (-1, -1)
    return (stat.st_size, stat.st_mtime_ns)
