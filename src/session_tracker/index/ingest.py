"""Reading the event files into the index, incrementally.

Which files: every ``*.jsonl`` under ``.sessions/events/`` (recursively) and
``.sessions/project*.jsonl`` (the layout before issue 11), each keyed by its path relative to
``.sessions/``. A file whose session (or this worktree's project events) is open here has a
journal in ``.sessions/local/journal/``: for it the index reads what the file will hold once
published (:func:`session_tracker.core.journal.published`: the file's lines, then the
journal's), under the file's own key, so publishing or ending changes nothing in the index.
Events are folded by their ``type``, never by the file they came from.

Per file the index remembers the byte offset of the last complete line it read, the file's
size and mtime, and the CRC-32 of the bytes before the offset. A file whose size and mtime are
unchanged is not opened (one modified in the last two seconds is checked again, as git does
for "racily clean" files). A changed file is read; when its bytes before the offset still
have that CRC only the rest is ingested, otherwise (it shrank, or was rewritten, e.g. by a
rebase) it is ingested again from the start, its old rows deleted first; a file that
disappeared loses its rows. A torn last line is
left for the next refresh (the writer's ``os.write`` may still be landing); an undecodable
complete line is recorded in ``problems`` as ``file:line``, as :func:`store.read` reports it.

All of it happens in one ``BEGIN IMMEDIATE`` transaction, after re-reading the ingest state
inside it, so concurrent refreshes queue and never ingest a line twice.
"""

from __future__ import annotations

import gc
import os
import time
import zlib
from datetime import datetime
from json import JSONDecoder

from session_tracker.core.events import MAX_DEPTH, SCHEMA_VERSION, BadLine, decode, encode
from session_tracker.index import stamps
from session_tracker.index.fold import NO_SESSION, PLAN_TYPES, fold_sessions, is_project_source
from session_tracker.index.text import paths_of, searchable

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3
    from typing import Any

    from session_tracker.core.paths import Layout

RACY_S = 2
#: Types whose line is not copied into the index (90% of a store: work-log notes and agent
#: activity); their text is in the full-text table, the full event is read from the file at ``pos``.
BULKY = frozenset({"note", "file.touched", "command.run", "agent.activity", "checkpoint"})
_decode = JSONDecoder().decode
PROBLEMS = "!problems"  # the generation of the undecodable lines, kept with the event types' (digest.py)
#: The generation of the ``session.ended`` events that left next steps (``end --next``): what
#: the one list of steps depends on, while an end without any changes nothing in it (digest.py).
ENDED_WITH_STEPS = "session.ended/next"
#: The generation of the work-log notes of ended sessions: the project documents show those
#: (the newest of each ended session), never an open session's, so a ``log`` leaves them as
#: they were (documents/project_key.py).
NOTES_OF_ENDED = "note/ended"


def event_files(layout: Layout) -> dict[str, str]:
    """``{path relative to .sessions/: absolute path}`` of every event file (see module doc)."""
    found: dict[str, str] = {}
    prefix = len(os.path.join(layout.store, ""))
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
            elif entry.name.endswith(".jsonl"):  # (relpath costs ~40 µs a call: 10,000 files)
                found[entry.path[prefix:].replace(os.sep, "/")] = entry.path
    try:
        for name in os.listdir(layout.store):
            if name.startswith("project") and name.endswith(".jsonl"):
                found[name] = os.path.join(layout.store, name)
    except FileNotFoundError:
        pass
    return found


def journaled(layout: Layout) -> dict[str, str]:
    """``{path relative to .sessions/ of an events file: its stem}`` for every file whose
    session (or project events) is open here, with a journal (see the module doc)."""
    from session_tracker.core import journal

    events = os.path.relpath(layout.events_dir, layout.store).replace(os.sep, "/")
    return {f"{events}/{stem}.jsonl": stem for stem in journal.stems(layout)}


def _left_steps(raw: object) -> bool:
    """True when the ``session.ended`` line ``raw`` lists next steps or amends an earlier end
    (whose steps it may take back), or cannot be read: then say yes, a generation too many
    costs only a fold."""
    if not isinstance(raw, str):
        return True
    try:
        data = _decode(raw).get("data") or {}
        return bool(data.get("next")) or "amends" in data
    except (ValueError, AttributeError):
        return True


def _instant(moment: str) -> float:
    try:
        parsed = datetime.fromisoformat(moment)
    except ValueError:
        return 0.0
    return parsed.timestamp() if parsed.tzinfo is not None else 0.0


_REQUIRED = ("id", "ts", "session", "sid", "type", "actor")


def _quick(raw: bytes) -> tuple[dict[str, Any], float] | None:
    """The line's object and its moment in epoch seconds when it is a well-formed
    current-version event, else None (then :func:`events.decode` decides: a problem with its
    reason, or an upgrade). The same checks as ``decode`` (times with an offset, nesting; a
    line that may nest too deep goes to it), without building an :class:`Event`: a full build
    reads a million lines."""
    try:
        obj = _decode(raw.decode("utf-8"))
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError; a line nested too deep for json
        return None
    if type(obj) is not dict or type(obj.get("v")) is not int or obj["v"] != SCHEMA_VERSION or type(obj.get("data", {})) is not dict:
        return None
    for key in _REQUIRED:
        value = obj.get(key)
        if type(value) is not str or not value:
            return None
    at = obj.setdefault("data", {}).get("at")
    try:
        ts = datetime.fromisoformat(obj["ts"])
        moment = datetime.fromisoformat(at) if isinstance(at, str) else ts
    except ValueError:
        return None
    if ts.tzinfo is None or moment.tzinfo is None or raw.count(b"{") + raw.count(b"[") > MAX_DEPTH:
        return None
    return obj, moment.timestamp()


def refresh(conn: sqlite3.Connection, layout: Layout) -> int:
    """Bring the index up to date with the event files. Returns the number of events added.

    Raises:
        NewerSchema: a file holds an event of a newer schema version (nothing is committed).
    """
    files = event_files(layout)
    open_here = journaled(layout)
    for rel in open_here:
        files.setdefault(rel, os.path.join(layout.store, rel))
    stats = stamps.stamps(layout, files, open_here)
    from session_tracker.index import private_text

    private = private_text.files(layout)
    private_stats = stamps.stamps(layout, private, {})
    seen = stamps.fingerprint(stats, private_stats)
    stored = conn.execute("SELECT value FROM meta WHERE name = 'stamps'").fetchone()
    if stored is not None and stored[0] == seen:
        return 0  # every file as the index last found it in step with them all (the common case)
    known = {row[0]: (row[1], row[2]) for row in conn.execute("SELECT path, size, mtime_ns FROM sources")}
    todo = [rel for rel, stamp in stats.items() if known.get(rel) != stamp]
    events = os.path.relpath(layout.events_dir, layout.store).replace(os.sep, "/")
    private_todo = [rel for rel, stamp in private_stats.items() if known.get(rel) != stamp or private_text.events_rel(rel, events) in todo]
    gone = [rel for rel in known if rel not in stats and rel not in private_stats]
    if not todo and not gone and not private_todo:
        stamps.remember(conn, seen)
        return 0
    conn.execute("BEGIN IMMEDIATE")
    try:
        # sources changes now: a fingerprint stored before must never match again (a file put
        # back with its old size and mtime would otherwise look in step with the index)
        conn.execute("DELETE FROM meta WHERE name = 'stamps'")
        added = _ingest(conn, layout, files, sorted(todo), gone, open_here)
        for rel in sorted(private_todo):  # after the events they belong to
            private_text.apply(conn, rel, private[rel], private_stats[rel])
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return added


class _Batch:
    """Rows gathered from the files read in one refresh, written with ``executemany``."""

    __slots__ = ("events", "fts", "next_rowid", "paths", "problems", "touched", "touched_project", "types")

    def __init__(self, next_rowid: int) -> None:
        self.next_rowid = next_rowid
        self.events: list[tuple[object, ...]] = []
        self.fts: list[tuple[int, str]] = []
        self.paths: list[tuple[str, str, int]] = []
        self.problems: list[tuple[str, int, str]] = []
        self.touched: set[str] = set()
        self.touched_project = False
        self.types: set[str] = set()  # event types added or removed: their generation moves (digest.py)


BUILD_CACHE_KIB = 32_768  # a build from nothing inserts into several B-trees at once
FLUSH_ROWS = 20_000  # rows gathered before they are written: memory stays bounded on a full build
#: Secondary indexes dropped while a build from nothing inserts, and made again after (sorting
#: once is several times cheaper than inserting into B-trees row by row).
DEFERRED_INDEXES = {
    "events_sid": "CREATE INDEX events_sid ON events (sid, type)",
    "events_type": "CREATE INDEX events_type ON events (type, t)",
    "paths_path": "CREATE INDEX paths_path ON paths (path)",
}


def _ingest(conn: sqlite3.Connection, layout: Layout, files: dict[str, str], todo: list[str], gone: list[str],
            open_here: dict[str, str]) -> int:
    wanted = todo + gone
    if len(wanted) > 200:
        state = {row[0]: row[1:] for row in conn.execute("SELECT path, offset, size, mtime_ns, crc, lines FROM sources")}
    else:  # a few files changed (the common case): their rows, not every file's
        state = {}
        for rel in wanted:
            row = conn.execute("SELECT path, offset, size, mtime_ns, crc, lines FROM sources WHERE path = ?", (rel,)).fetchone()
            if row is not None:
                state[row[0]] = row[1:]
    batch = _Batch((conn.execute("SELECT max(rowid) FROM events").fetchone()[0] or 0) + 1)
    bulk = len(todo) > 100 and conn.execute("SELECT 1 FROM sources LIMIT 1").fetchone() is None
    if bulk:
        conn.execute(f"PRAGMA cache_size = -{BUILD_CACHE_KIB}")
        for name in DEFERRED_INDEXES:
            conn.execute(f"DROP INDEX IF EXISTS {name}")
    collecting = gc.isenabled()
    if bulk and collecting:
        # A build from nothing allocates millions of tuples and makes no cycles: the cyclic
        # collector would walk them again and again (a fifth of a 1,000,000-event build).
        gc.disable()
    try:
        added = _read_all(conn, layout, files, todo, gone, open_here, state, batch)
    finally:
        if bulk and collecting:
            gc.enable()
    if bulk:
        for sql in DEFERRED_INDEXES.values():
            conn.execute(sql)
    fold_sessions(conn, batch.touched, every=bulk)
    if "note" in batch.types and _any_ended(conn, batch.touched):
        batch.types.add(NOTES_OF_ENDED)
    from session_tracker.index import digest

    digest.bump(conn, batch.types)
    return added


def _read_all(conn: sqlite3.Connection, layout: Layout, files: dict[str, str], todo: list[str], gone: list[str],
              open_here: dict[str, str], state: dict[str, tuple[object, ...]], batch: _Batch) -> int:
    """Drop what the index holds of the ``gone`` files, read the ``todo`` ones; returns the
    number of events added."""
    for rel in gone:
        if rel in state:
            _drop(conn, rel, batch)
    added = 0
    for rel in todo:
        stem = open_here.get(rel)
        _read_file(conn, rel, files[rel], state.get(rel), batch, None if stem is None else (layout, stem))
        if len(batch.events) >= FLUSH_ROWS:
            added += _flush(conn, batch)
    return added + _flush(conn, batch)


def _any_ended(conn: sqlite3.Connection, sids: set[str]) -> bool:
    """True when one of ``sids`` has ended (as just folded); also for many sessions at once
    (a build or a pull: not worth asking row by row)."""
    if len(sids) > 500:
        return True
    marks = ", ".join("?" * len(sids))
    return bool(sids) and conn.execute(f"SELECT 1 FROM sessions WHERE ended_rowid IS NOT NULL AND sid IN ({marks}) LIMIT 1",
                                       sorted(sids)).fetchone() is not None


def _flush(conn: sqlite3.Connection, batch: _Batch) -> int:
    """Write the rows gathered so far; returns how many events were written."""
    first = batch.next_rowid - len(batch.events)
    before = conn.total_changes
    conn.executemany("INSERT OR IGNORE INTO events (rowid, source, line, pos, id, ts, moment, t, session, sid, type, actor, raw, kind) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", batch.events)
    written = conn.total_changes - before
    batch.types.update(str(row[10]) for row in batch.events)  # (a line ignored as a duplicate changes nothing: harmless)
    if any(row[10] == "session.ended" and _left_steps(row[12]) for row in batch.events):
        batch.types.add(ENDED_WITH_STEPS)
    if batch.problems:
        batch.types.add(PROBLEMS)
    if written != len(batch.events):  # duplicates ignored: index only what went in
        kept = {row[0] for row in conn.execute("SELECT rowid FROM events WHERE rowid >= ?", (first,))}
        conn.executemany("INSERT INTO duplicates (source, line, id) VALUES (?, ?, ?)",
                         [(row[1], row[2], row[4]) for row in batch.events if row[0] not in kept])
        batch.fts = [row for row in batch.fts if row[0] in kept]
        batch.paths = [row for row in batch.paths if row[2] in kept]
    conn.executemany("INSERT INTO fts (rowid, body) VALUES (?, ?)", batch.fts)
    conn.executemany("INSERT INTO paths (sid, path, rowid_event) VALUES (?, ?, ?)", batch.paths)
    conn.executemany("INSERT INTO problems (source, line, reason) VALUES (?, ?, ?)", batch.problems)
    batch.events, batch.fts, batch.paths, batch.problems = [], [], [], []
    return written


def _drop(conn: sqlite3.Connection, rel: str, batch: _Batch) -> None:
    """Forget everything read from ``rel`` (it disappeared, or is read again from the start)."""
    batch.touched.update(row[0] for row in conn.execute("SELECT DISTINCT sid FROM events WHERE source = ?", (rel,)))
    batch.types.update(row[0] for row in conn.execute("SELECT DISTINCT type FROM events WHERE source = ?", (rel,)))
    if any(_left_steps(row[0]) for row in conn.execute("SELECT raw FROM events WHERE source = ? AND type = 'session.ended'", (rel,))):
        batch.types.add(ENDED_WITH_STEPS)
    if conn.execute("SELECT 1 FROM problems WHERE source = ? LIMIT 1", (rel,)).fetchone():
        batch.types.add(PROBLEMS)
    conn.execute("DELETE FROM fts WHERE rowid IN (SELECT rowid FROM events WHERE source = ?)", (rel,))
    conn.execute("DELETE FROM paths WHERE rowid_event IN (SELECT rowid FROM events WHERE source = ?)", (rel,))
    conn.execute("DELETE FROM events WHERE source = ?", (rel,))
    conn.execute("DELETE FROM problems WHERE source = ?", (rel,))
    conn.execute("DELETE FROM duplicates WHERE source = ?", (rel,))
    conn.execute("DELETE FROM sources WHERE path = ?", (rel,))


def _read_file(conn: sqlite3.Connection, rel: str, path: str, known: tuple[object, ...] | None, batch: _Batch,
               journal_of: tuple[Layout, str] | None = None) -> None:
    """Ingest what ``rel`` holds past what the index read of it. ``journal_of`` ``(layout,
    stem)``: the file is open here; read what it will hold once published (module doc)."""
    if journal_of is not None:
        from session_tracker.core import journal

        whole = journal.published(*journal_of)
        size, mtime_ns = stamps.stamp(journal_of[0], path, journal_of[1]) or (len(whole), 0)
    else:
        try:
            handle = open(path, "rb")  # noqa: SIM115 - a missing file is handled before the with
        except FileNotFoundError:
            if known is not None:
                _drop(conn, rel, batch)
            return
        with handle:
            st = os.fstat(handle.fileno())
            whole = handle.read()
        size, mtime_ns = st.st_size, st.st_mtime_ns
    offset, lines, crc = 0, 0, 0
    if known is not None:
        old_offset, _, _, old_crc, old_lines = known
        assert isinstance(old_offset, int) and isinstance(old_lines, int) and isinstance(old_crc, int)
        if len(whole) >= old_offset and zlib.crc32(whole[:old_offset]) == old_crc:
            offset, lines, crc = old_offset, old_lines, old_crc
        else:  # shrank, or rewritten under the offset (a rebase): stale, read it all again
            _drop(conn, rel, batch)
    blob = whole[offset:]
    end = blob.rfind(b"\n") + 1  # a torn last line waits for the next refresh
    project_file = is_project_source(rel)
    label = f".sessions/{rel}"
    pos = offset
    for raw in blob[:end].split(b"\n")[:-1]:
        lines += 1
        here, pos = pos, pos + len(raw) + 1
        if not raw.strip():
            continue
        quick = _quick(raw)
        if quick is None:  # not the common well-formed v1 line: the full decoder says why (or upgrades it)
            try:
                event = decode(raw, f"{label}:{lines}")
            except BadLine as bad:
                batch.problems.append((rel, lines, bad.reason))
                continue
            obj: dict[str, Any] = dict(event.to_dict())
            text: str | None = encode(event).decode("utf-8").rstrip("\n")  # upgraded to the current version
            t = _instant(event.moment)
        else:
            obj, t = quick
            text = None
        data, type_, sid, session = obj["data"], obj["type"], obj["sid"], obj["session"]
        if text is None and (journal_of is not None or type_ not in BULKY):  # a journal's positions are not the file's
            text = raw.decode("utf-8")
        rowid = batch.next_rowid
        batch.next_rowid += 1
        at = data.get("at")
        moment = at if isinstance(at, str) else obj["ts"]
        if project_file:
            batch.touched_project = True
        elif type_ not in PLAN_TYPES and sid != NO_SESSION:
            batch.touched.add(sid)
        paths = paths_of(type_, data)
        found = searchable(type_, data, paths)
        if found is not None:
            batch.fts.append((rowid, found[1]))
        batch.events.append((rowid, rel, lines, here, obj["id"], obj["ts"], moment, t, session, sid, type_, obj["actor"], text,
                             found[0] if found else None))
        for touched in paths:
            batch.paths.append((sid, touched, rowid))
    # A file changed within the last RACY_S may change again within the same mtime tick at the
    # same size (racy git): its size is not trusted, so the next refresh checks its crc again.
    racy = time.time_ns() - mtime_ns < RACY_S * 1_000_000_000
    conn.execute("INSERT OR REPLACE INTO sources (path, offset, size, mtime_ns, crc, lines) VALUES (?, ?, ?, ?, ?, ?)",
                 (rel, offset + end, -1 if racy else size, mtime_ns, zlib.crc32(blob[:end], crc), lines))
