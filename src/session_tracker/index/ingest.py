"""Reading the event files into the index, incrementally.

Which files: every ``*.jsonl`` under ``.sessions/events/`` (recursively) and
``.sessions/project*.jsonl`` (the layout before issue 11), each keyed by its path relative to
``.sessions/``. A file whose session (or this worktree's project events) is open here has a
journal in ``.sessions/local/journal/``: for it the index reads what the file will hold once
published (:func:`session_tracker.core.journal.published`, the file's lines then the journal's),
under the file's own key, so publishing or ending changes nothing in the index. Events are
folded by their ``type``, never by the file they came from.

Per file the index remembers the byte offset of the last complete line it read, the file's
size and mtime, and up to 64 bytes before the offset. A file whose size and mtime are unchanged
is not opened. A file that grew is read from the offset on; one that shrank below the offset or
whose bytes before the offset changed (rewritten, e.g. by a rebase) is read again from the
start, its old rows deleted first; a file that disappeared loses its rows. A torn last line is
left for the next refresh (the writer's ``os.write`` may still be landing); an undecodable
complete line is recorded in ``problems`` as ``file:line``, as :func:`store.read` reports it.

All of it happens in one ``BEGIN IMMEDIATE`` transaction, after re-reading the ingest state
inside it, so concurrent refreshes queue and never ingest a line twice.
"""

from __future__ import annotations

import os
from datetime import datetime
from json import JSONDecoder

from session_tracker.core.events import SCHEMA_VERSION, BadLine, decode, encode
from session_tracker.index.text import paths_of, searchable

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3
    from typing import Any, BinaryIO

    from session_tracker.core.paths import Layout

TAIL = 64
#: Types of the project's plan: they name the session they were recorded in, but are not part
#: of its work, so they do not make or count in a ``sessions`` row.
PLAN_TYPES = frozenset({
    "project.set", "phase.added", "phase.set", "milestone.added", "milestone.set", "component.added", "component.set",
    "task.added", "task.set", "question.opened", "question.answered", "next.added", "next.done", "resource.added",
    "interface.defined", "issue.noted", "issue.fixed", "plan.removed", "memory.added",
})
NO_SESSION = "project"  # the sid of plan events recorded with no session open
#: Types whose line is not copied into the index (90% of a store: work-log notes and agent
#: activity); their text is in the full-text table, the full event is read from the file at ``pos``.
BULKY = frozenset({"note", "file.touched", "command.run", "agent.activity", "checkpoint"})
_decode = JSONDecoder().decode


def event_files(layout: Layout) -> dict[str, str]:
    """``{path relative to .sessions/: absolute path}`` of every event file (see module doc)."""
    found: dict[str, str] = {}
    stack = [layout.events_dir]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            elif entry.name.endswith(".jsonl"):
                found[os.path.relpath(entry.path, layout.store).replace(os.sep, "/")] = entry.path
    try:
        for name in os.listdir(layout.store):
            if name.startswith("project") and name.endswith(".jsonl"):
                found[name] = os.path.join(layout.store, name)
    except FileNotFoundError:
        pass
    return found


def journaled(layout: Layout) -> dict[str, str]:
    """``{path relative to .sessions/ of an events file: its stem}`` for every file whose
    session (or project events) is open here, with a journal in ``local/journal/``
    (:mod:`session_tracker.core.journal`): the index reads what the file will hold once
    published, so an open session is seen whole, never twice."""
    from session_tracker.core import journal

    events = os.path.relpath(layout.events_dir, layout.store).replace(os.sep, "/")
    return {f"{events}/{stem}.jsonl": stem for stem in journal.stems(layout)}


def _stamp(layout: Layout, path: str, stem: str | None) -> tuple[int, int] | None:
    """``(size, mtime_ns)`` of an events file, or of it and its journal together."""
    from session_tracker.core import journal

    paths = [path] if stem is None else [path, journal.path_of(layout, stem)]
    size = mtime = 0
    seen = False
    for one in paths:
        try:
            st = os.stat(one)
        except FileNotFoundError:
            continue
        seen = True
        size += st.st_size
        mtime = max(mtime, st.st_mtime_ns)
    return (size, mtime) if seen else None


def _instant(moment: str) -> float:
    try:
        parsed = datetime.fromisoformat(moment)
    except ValueError:
        return 0.0
    return parsed.timestamp() if parsed.tzinfo is not None else 0.0


_REQUIRED = ("id", "ts", "session", "sid", "type", "actor")


def _quick(raw: bytes) -> dict[str, object] | None:
    """The line's object when it is a well-formed current-version event, else None (then
    :func:`events.decode` decides: a problem with its reason, or an upgrade). The same checks
    as ``decode``, without building an :class:`Event`: a full build reads a million lines."""
    try:
        obj = _decode(raw.decode("utf-8"))
    except ValueError:  # UnicodeDecodeError is one too
        return None
    if type(obj) is not dict or type(obj.get("v")) is not int or obj["v"] != SCHEMA_VERSION or type(obj.get("data", {})) is not dict:
        return None
    for key in _REQUIRED:
        value = obj.get(key)
        if type(value) is not str or not value:
            return None
    obj.setdefault("data", {})
    return obj


def refresh(conn: sqlite3.Connection, layout: Layout) -> int:
    """Bring the index up to date with the event files. Returns the number of events added.

    Raises:
        NewerSchema: a file holds an event of a newer schema version (nothing is committed).
    """
    files = event_files(layout)
    open_here = journaled(layout)
    for rel in open_here:
        files.setdefault(rel, os.path.join(layout.store, rel))
    stats: dict[str, tuple[int, int]] = {}
    for rel, path in files.items():
        stamp = _stamp(layout, path, open_here.get(rel))
        if stamp is not None:
            stats[rel] = stamp
    known = {row[0]: (row[1], row[2]) for row in conn.execute("SELECT path, size, mtime_ns FROM sources")}
    todo = [rel for rel, stamp in stats.items() if known.get(rel) != stamp]
    gone = [rel for rel in known if rel not in stats]
    if not todo and not gone:
        return 0
    conn.execute("BEGIN IMMEDIATE")
    try:
        added = _ingest(conn, layout, files, sorted(todo), gone, open_here)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return added


class _Batch:
    """Rows gathered from the files read in one refresh, written with ``executemany``."""

    __slots__ = ("events", "fts", "next_rowid", "paths", "problems", "touched")

    def __init__(self, next_rowid: int) -> None:
        self.next_rowid = next_rowid
        self.events: list[tuple[object, ...]] = []
        self.fts: list[tuple[int, str]] = []
        self.paths: list[tuple[str, str, int]] = []
        self.problems: list[tuple[str, int, str]] = []
        self.touched: set[str] = set()


def _ingest(conn: sqlite3.Connection, layout: Layout, files: dict[str, str], todo: list[str], gone: list[str],
            open_here: dict[str, str]) -> int:
    state = {row[0]: row[1:] for row in conn.execute("SELECT path, offset, size, mtime_ns, tail, lines FROM sources")}
    batch = _Batch((conn.execute("SELECT max(rowid) FROM events").fetchone()[0] or 0) + 1)
    for rel in gone:
        if rel in state:
            _drop(conn, rel, batch)
    for rel in todo:
        stem = open_here.get(rel)
        _read_file(conn, rel, files[rel], state.get(rel), batch, None if stem is None else (layout, stem))
    first = batch.next_rowid - len(batch.events)
    before = conn.total_changes
    conn.executemany("INSERT OR IGNORE INTO events (rowid, source, line, pos, id, ts, moment, t, session, sid, type, actor, raw, kind) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", batch.events)
    if conn.total_changes - before != len(batch.events):  # duplicates ignored: index only what went in
        kept = {row[0] for row in conn.execute("SELECT rowid FROM events WHERE rowid >= ?", (first,))}
        batch.fts = [row for row in batch.fts if row[0] in kept]
        batch.paths = [row for row in batch.paths if row[2] in kept]
    conn.executemany("INSERT INTO fts (rowid, body) VALUES (?, ?)", batch.fts)
    conn.executemany("INSERT INTO paths (sid, path, rowid_event) VALUES (?, ?, ?)", batch.paths)
    conn.executemany("INSERT INTO problems (source, line, reason) VALUES (?, ?, ?)", batch.problems)
    from session_tracker.index.fold import fold_sessions

    fold_sessions(conn, batch.touched)
    return len(batch.events)


def _drop(conn: sqlite3.Connection, rel: str, batch: _Batch) -> None:
    """Forget everything read from ``rel`` (it disappeared, or is read again from the start)."""
    batch.touched.update(row[0] for row in conn.execute("SELECT DISTINCT sid FROM events WHERE source = ?", (rel,)))
    conn.execute("DELETE FROM fts WHERE rowid IN (SELECT rowid FROM events WHERE source = ?)", (rel,))
    conn.execute("DELETE FROM paths WHERE rowid_event IN (SELECT rowid FROM events WHERE source = ?)", (rel,))
    conn.execute("DELETE FROM events WHERE source = ?", (rel,))
    conn.execute("DELETE FROM problems WHERE source = ?", (rel,))
    conn.execute("DELETE FROM sources WHERE path = ?", (rel,))


def _read_file(conn: sqlite3.Connection, rel: str, path: str, known: tuple[object, ...] | None, batch: _Batch,
               journal_of: tuple[Layout, str] | None = None) -> None:
    """Read ``rel`` from its offset on; ``journal_of`` (layout, stem): the file is open here, so
    read what it will hold once published (its lines, then its journal's)."""
    if journal_of is not None:
        from session_tracker.core import journal

        whole = journal.published(*journal_of)
        stamp = _stamp(journal_of[0], path, journal_of[1]) or (len(whole), 0)
        blob, offset, lines = _read_from(whole, known, len(whole))
    else:
        try:
            handle = open(path, "rb")  # noqa: SIM115 - closed by the with below
        except FileNotFoundError:
            if known is not None:
                _drop(conn, rel, batch)
            return
        with handle:
            st = os.fstat(handle.fileno())
            stamp = (st.st_size, st.st_mtime_ns)
            blob, offset, lines = _read_from(handle, known, st.st_size)
    if known is not None and offset == 0:  # shrank or rewritten under the offset: stale, read it all again
        _drop(conn, rel, batch)
    _lines(conn, rel, blob, offset, lines, known, batch, stamp, keep_raw=journal_of is not None)


def _read_from(source: BinaryIO | bytes, known: tuple[object, ...] | None, size: int) -> tuple[bytes, int, int]:
    """``(bytes from the offset on, offset, lines before it)`` of an open file or a bytes
    object; offset 0 when ``known`` is None or its tail no longer matches (read from the start)."""
    offset, lines = 0, 0
    if known is not None:
        old_offset, _, _, tail, old_lines = known
        assert isinstance(old_offset, int) and isinstance(old_lines, int) and isinstance(tail, bytes)
        if size >= old_offset:
            if isinstance(source, bytes):
                before = source[old_offset - len(tail):old_offset]
            else:
                source.seek(old_offset - len(tail))
                before = source.read(len(tail))
            if before == tail:
                offset, lines = old_offset, old_lines
    if isinstance(source, bytes):
        return source[offset:], offset, lines
    source.seek(offset)
    return source.read(), offset, lines


def _lines(conn: sqlite3.Connection, rel: str, blob: bytes, offset: int, lines: int, known: tuple[object, ...] | None,
           batch: _Batch, stamp: tuple[int, int], keep_raw: bool) -> None:
    """Index the complete lines of ``blob`` (read from byte ``offset``) and record how far."""
    end = blob.rfind(b"\n") + 1  # a torn last line waits for the next refresh
    label = f".sessions/{rel}"
    pos = offset
    for raw in blob[:end].split(b"\n")[:-1]:
        lines += 1
        here, pos = pos, pos + len(raw) + 1
        if not raw.strip():
            continue
        obj: dict[str, Any] | None = _quick(raw)
        if obj is None:  # not the common well-formed v1 line: the full decoder says why (or upgrades it)
            try:
                event = decode(raw, f"{label}:{lines}")
            except BadLine as bad:
                batch.problems.append((rel, lines, bad.reason))
                continue
            obj = {**event.to_dict()}
            text: str | None = encode(event).decode("utf-8").rstrip("\n")  # upgraded to the current version
        else:
            text = None
        data, type_, sid, session = obj["data"], obj["type"], obj["sid"], obj["session"]
        if text is None and (keep_raw or type_ not in BULKY):  # a journal's positions are not the file's
            text = raw.decode("utf-8")
        rowid = batch.next_rowid
        batch.next_rowid += 1
        at = data.get("at")
        moment = at if isinstance(at, str) else obj["ts"]
        t = _instant(moment)
        if type_ not in PLAN_TYPES and sid != NO_SESSION:
            batch.touched.add(sid)
        paths = paths_of(type_, data)
        found = searchable(type_, data, paths)
        if found is not None:
            batch.fts.append((rowid, found[1]))
        batch.events.append((rowid, rel, lines, here, obj["id"], obj["ts"], moment, t, session, sid, type_, obj["actor"], text,
                             found[0] if found else None))
        for touched in paths:
            batch.paths.append((sid, touched, rowid))
    new_offset = offset + end
    before = known[3] if known is not None and offset else b""
    assert isinstance(before, bytes)
    tail = (before + blob[:end])[-TAIL:]  # the bytes before the offset: a rewrite shows there
    conn.execute("INSERT OR REPLACE INTO sources (path, offset, size, mtime_ns, tail, lines) VALUES (?, ?, ?, ?, ?, ?)",
                 (rel, new_offset, stamp[0], stamp[1], tail, lines))
