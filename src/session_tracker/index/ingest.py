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
import zlib
from json import JSONDecoder

from session_tracker.index import schema, stamps
from session_tracker.index.fold import fold_sessions, is_project_source
from session_tracker.index.parse import Parsed, fast_loads, parse
from session_tracker.index.pool import read_bytes, read_files, trusted_size
from session_tracker.index.sources import event_files, journaled

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable
    from typing import Any

    from session_tracker.core.paths import Layout

_decode = JSONDecoder().decode
PROBLEMS = "!problems"  # the generation of the undecodable lines, kept with the event types' (digest.py)
#: The generation of the ``session.ended`` events that left next steps (``end --next``): what
#: the one list of steps depends on, while an end without any changes nothing in it (digest.py).
ENDED_WITH_STEPS = "session.ended/next"
#: The generation of the work-log notes of ended sessions: the project documents show those
#: (the newest of each ended session), never an open session's, so a ``log`` leaves them as
#: they were (documents/project_key.py).
NOTES_OF_ENDED = "note/ended"


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


def refresh(conn: sqlite3.Connection, layout: Layout) -> int:
    """Bring the index up to date with the event files. Returns the number of events added.

    The files of sessions open here (and their private files) are the ones that change while
    one works; the stored fingerprint (:func:`.stamps.fingerprint`) covers every other file, so
    when it matches only the open ones are compared with what the index read of them, not the
    10,000 rows of ``sources`` of a big store. A refresh that follows one of the same process
    by under a second lists and stats only those and the racy ones (:func:`.stamps.recall`).

    Raises:
        NewerSchema: a file holds an event of a newer schema version (nothing is committed).
    """
    from session_tracker.index import private_text

    open_here = journaled(layout)
    private = private_text.files(layout)
    events = os.path.relpath(layout.events_dir, layout.store).replace(os.sep, "/")
    live = set(open_here) | {rel for rel in private if private_text.events_rel(rel, events) in open_here}
    name = stamps.identity(conn)
    recalled = stamps.recall(layout, name, live)
    if recalled is None:  # or another process did, and no directory changed since
        recalled = stamps.trusted(conn)
        if recalled is not None:  # (then this process's own writes are followed as after a full look)
            stamps.verified(layout, name, live | recalled)
    times: dict[str, int] = {}
    if recalled is not None:  # this process found every file in step a moment ago
        compare = live | recalled
        files = {rel: os.path.join(layout.store, rel) for rel in compare if rel not in private}
        private = {rel: path for rel, path in private.items() if rel in compare}
    else:
        compare = live
        times = stamps.folders(layout)  # before the listings: a file added after them changes these
        files = event_files(layout, times)
        for rel in open_here:
            files.setdefault(rel, os.path.join(layout.store, rel))
    stats = stamps.stamps(layout, files, open_here)
    private_stats = stamps.stamps(layout, private, {})
    seen = ""
    if recalled is not None:
        in_step = True  # (of every file but those compared)
    else:
        seen = stamps.fingerprint({rel: st for rel, st in stats.items() if rel not in live},
                                  {rel: st for rel, st in private_stats.items() if rel not in live}, names=sorted(live))
        stored = conn.execute("SELECT value FROM meta WHERE name = 'stamps'").fetchone()
        in_step = stored is not None and stored[0] == seen  # every file but the live ones as the index read them
    if in_step:
        marks = ", ".join("?" * len(compare))
        rows = conn.execute(f"SELECT path, size, mtime_ns FROM sources WHERE path IN ({marks})", sorted(compare)) if compare else []
    else:
        rows = conn.execute("SELECT path, size, mtime_ns FROM sources")
    known = {row[0]: (row[1], row[2]) for row in rows}
    todo = [rel for rel, stamp in stats.items() if (not in_step or rel in compare) and known.get(rel) != stamp]
    private_todo = [rel for rel, stamp in private_stats.items() if (not in_step or rel in compare)
                    and (known.get(rel) != stamp or private_text.events_rel(rel, events) in todo)]
    gone = [rel for rel in known if rel not in stats and rel not in private_stats]
    # only live files moved: the fingerprint of the others holds (racy ones never match `sources`)
    settled = not any(rel not in live for rel in (*todo, *gone, *private_todo))
    added = 0
    if not todo and not gone and not private_todo:
        if not in_step:
            stamps.remember(conn, seen)
    else:
        conn.execute("BEGIN IMMEDIATE")
        try:
            if not settled:
                # sources changes under the fingerprint: one stored before must never match again (a
                # file put back with its old size and mtime would otherwise look in step with the index)
                conn.execute("DELETE FROM meta WHERE name = 'stamps'")
            added = _ingest(conn, layout, files, sorted(todo), gone, open_here)
            for rel in sorted(private_todo):  # after the events they belong to
                private_text.apply(conn, rel, private[rel], private_stats[rel])
            if settled and not in_step:
                stamps.keep(conn, seen)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        finally:  # a build's bigger cache is let go: the command reads on within its memory budget
            conn.execute(f"PRAGMA cache_size = -{schema.CACHE_KIB}")
    if recalled is None:
        racy = live | stamps.racy(stats) | stamps.racy(private_stats)
        stamps.verified(layout, name, racy)
        if (in_step or settled) and stamps.settled(times):
            stamps.trust(conn, seen, times, racy)
    return added


class _Batch:
    """Rows gathered from the files read in one refresh, written with ``executemany``."""

    __slots__ = ("events", "fts", "next_rowid", "paths", "problems", "rel_of", "touched", "touched_project", "types")

    def __init__(self, next_rowid: int) -> None:
        self.next_rowid = next_rowid
        self.rel_of: dict[object, str] = {}  # event_files.id -> its path, of the files read
        self.events: list[tuple[object, ...]] = []
        self.fts: list[tuple[int, str]] = []
        self.paths: list[tuple[str, str, int]] = []
        self.problems: list[tuple[str, int, str]] = []
        self.touched: set[str] = set()
        self.touched_project = False
        self.types: set[str] = set()  # event types added or removed: their generation moves (digest.py)


BUILD_CACHE_KIB = 32_768  # a build from nothing inserts into several B-trees at once
FAST_FILES = 100  # a refresh reading more files than this decodes them with orjson (parse.fast_loads)
FLUSH_ROWS = 2_000  # rows gathered before they are written: memory stays bounded; a worker (pool.py) stays ahead
#: Secondary indexes dropped while a build from nothing inserts, and made again after (sorting
#: once is several times cheaper than inserting into B-trees row by row).
DEFERRED_INDEXES = {
    "events_sid": "CREATE INDEX events_sid ON event_rows (sid, type, src)",
    "events_type": "CREATE INDEX events_type ON event_rows (type, t)",
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
    batch = _Batch((conn.execute("SELECT max(rowid) FROM event_rows").fetchone()[0] or 0) + 1)
    bulk = len(todo) > 100 and conn.execute("SELECT 1 FROM sources LIMIT 1").fetchone() is None
    if bulk:
        conn.execute(f"PRAGMA cache_size = -{BUILD_CACHE_KIB}")
        for name in DEFERRED_INDEXES:
            conn.execute(f"DROP INDEX IF EXISTS {name}")
        # the full text is merged once at the end, not level by level as it grows
        conn.execute("INSERT INTO fts (fts, rank) VALUES ('automerge', 0)")
    collecting = gc.isenabled()
    if bulk and collecting:
        # A build from nothing allocates millions of tuples and makes no cycles: the cyclic
        # collector would walk them again and again (a fifth of a 1,000,000-event build).
        gc.disable()
    try:
        added = _read_all(conn, layout, files, todo, gone, open_here, state, batch, bulk)
    finally:
        if bulk and collecting:
            gc.enable()
    if bulk:
        for sql in DEFERRED_INDEXES.values():
            conn.execute(sql)
        conn.execute("INSERT INTO fts (fts) VALUES ('optimize')")
        conn.execute("INSERT INTO fts (fts, rank) VALUES ('automerge', 4)")  # FTS5's default again
    fold_sessions(conn, batch.touched, every=bulk)
    if "note" in batch.types and _any_ended(conn, batch.touched):
        batch.types.add(NOTES_OF_ENDED)
    from session_tracker.index import digest

    digest.bump(conn, batch.types)
    return added


def _read_all(conn: sqlite3.Connection, layout: Layout, files: dict[str, str], todo: list[str], gone: list[str],
              open_here: dict[str, str], state: dict[str, tuple[object, ...]], batch: _Batch, bulk: bool) -> int:
    """Drop what the index holds of the ``gone`` files, read the ``todo`` ones; returns the
    number of events added. ``bulk`` (a build from nothing, no file known): the files without
    a journal are read and parsed by worker processes (:mod:`.pool`)."""
    for rel in gone:
        if rel in state:
            _drop(conn, rel, batch)
    plain = [(rel, files[rel]) for rel in todo if rel not in open_here]
    reads = read_files(plain) if bulk else None
    loads = fast_loads() if len(todo) > FAST_FILES else None
    added = 0
    try:
        for rel in todo:
            stem = open_here.get(rel)
            if stem is not None:
                _read_file(conn, rel, files[rel], state.get(rel), batch, (layout, stem), loads)
            elif reads is not None:
                done = next(reads)
                if done is not None:
                    _take(conn, rel, done.parsed, batch, done.size, done.mtime_ns)
            else:
                _read_file(conn, rel, files[rel], state.get(rel), batch, None, loads)
            if len(batch.events) >= FLUSH_ROWS:
                added += _flush(conn, batch)
    finally:
        if reads is not None:
            reads.close()  # the workers stop now, also when a read raised
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
    conn.executemany("INSERT OR IGNORE INTO event_rows (rowid, src, line, pos, id, ts, moment, t, session, sid, type, actor, raw, kind) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", batch.events)
    written = conn.total_changes - before
    batch.types.update(str(row[10]) for row in batch.events)  # (a line ignored as a duplicate changes nothing: harmless)
    if any(row[10] == "session.ended" and _left_steps(row[12]) for row in batch.events):
        batch.types.add(ENDED_WITH_STEPS)
    if batch.problems:
        batch.types.add(PROBLEMS)
    if written != len(batch.events):  # duplicates ignored: index only what went in
        kept = {row[0] for row in conn.execute("SELECT rowid FROM event_rows WHERE rowid >= ?", (first,))}
        conn.executemany("INSERT INTO duplicates (source, line, id) VALUES (?, ?, ?)",
                         [(batch.rel_of[row[1]], row[2], row[4]) for row in batch.events if row[0] not in kept])
        batch.fts = [row for row in batch.fts if row[0] in kept]
        batch.paths = [row for row in batch.paths if row[2] in kept]
    conn.executemany("INSERT INTO fts (rowid, body) VALUES (?, ?)", batch.fts)
    conn.executemany("INSERT INTO paths (sid, path, rowid_event) VALUES (?, ?, ?)", batch.paths)
    conn.executemany("INSERT INTO problems (source, line, reason) VALUES (?, ?, ?)", batch.problems)
    batch.events, batch.fts, batch.paths, batch.problems = [], [], [], []
    return written


def _drop(conn: sqlite3.Connection, rel: str, batch: _Batch) -> None:
    """Forget everything read from ``rel`` (it disappeared, or is read again from the start)."""
    found = conn.execute("SELECT id FROM event_files WHERE path = ?", (rel,)).fetchone()
    src = found[0] if found else -1
    batch.touched.update(row[0] for row in conn.execute("SELECT DISTINCT sid FROM event_rows WHERE src = ?", (src,)))
    batch.types.update(row[0] for row in conn.execute("SELECT DISTINCT type FROM event_rows WHERE src = ?", (src,)))
    if any(_left_steps(row[0]) for row in conn.execute("SELECT raw FROM event_rows WHERE src = ? AND type = 'session.ended'", (src,))):
        batch.types.add(ENDED_WITH_STEPS)
    if conn.execute("SELECT 1 FROM problems WHERE source = ? LIMIT 1", (rel,)).fetchone():
        batch.types.add(PROBLEMS)
    conn.execute("DELETE FROM fts WHERE rowid IN (SELECT rowid FROM event_rows WHERE src = ?)", (src,))
    conn.execute("DELETE FROM paths WHERE rowid_event IN (SELECT rowid FROM event_rows WHERE src = ?)", (src,))
    conn.execute("DELETE FROM event_rows WHERE src = ?", (src,))
    conn.execute("DELETE FROM event_files WHERE id = ?", (src,))
    conn.execute("DELETE FROM problems WHERE source = ?", (rel,))
    conn.execute("DELETE FROM duplicates WHERE source = ?", (rel,))
    conn.execute("DELETE FROM sources WHERE path = ?", (rel,))


def _read_file(conn: sqlite3.Connection, rel: str, path: str, known: tuple[object, ...] | None, batch: _Batch,
               journal_of: tuple[Layout, str] | None = None, loads: Callable[[bytes], Any] | None = None) -> None:
    """Ingest what ``rel`` holds past what the index read of it. ``journal_of`` ``(layout,
    stem)``: the file is open here; read what it will hold once published (module doc).
    ``loads``: the JSON decoder (:func:`.parse.quick`)."""
    if journal_of is not None:
        from session_tracker.core import journal

        whole = journal.published(*journal_of)
        size, mtime_ns = stamps.stamp(journal_of[0], path, journal_of[1]) or (len(whole), 0)
        size = trusted_size(size, mtime_ns)
    else:
        found = read_bytes(path)
        if found is None:
            if known is not None:
                _drop(conn, rel, batch)
            return
        whole, size, mtime_ns = found
    offset, lines, crc = 0, 0, 0
    if known is not None:
        old_offset, _, _, old_crc, old_lines = known
        assert isinstance(old_offset, int) and isinstance(old_lines, int) and isinstance(old_crc, int)
        if len(whole) >= old_offset and zlib.crc32(whole[:old_offset]) == old_crc:
            offset, lines, crc = old_offset, old_lines, old_crc
        else:  # shrank, or rewritten under the offset (a rebase): stale, read it all again
            _drop(conn, rel, batch)
    _take(conn, rel, parse(rel, whole[offset:], offset, lines, crc, journal=journal_of is not None, loads=loads), batch, size, mtime_ns)


def _take(conn: sqlite3.Connection, rel: str, parsed: Parsed, batch: _Batch, size: int, mtime_ns: int) -> None:
    """Add what :func:`.parse.parse` found in ``rel`` to ``batch``, numbering its rows, and
    remember how far the file was read (``size`` -1: racy, :func:`.pool.trusted_size`)."""
    src = _file_id(conn, rel)
    batch.rel_of[src] = rel
    base = batch.next_rowid
    batch.next_rowid += len(parsed.events)
    batch.events += [(base + number, src, *row) for number, row in enumerate(parsed.events)]
    batch.fts += [(base + number, text) for number, text in parsed.fts]
    batch.paths += [(sid, path, base + number) for sid, path, number in parsed.paths]
    batch.problems += parsed.problems
    batch.touched |= parsed.touched
    batch.touched_project = batch.touched_project or parsed.project
    conn.execute("INSERT OR REPLACE INTO sources (path, offset, size, mtime_ns, crc, lines) VALUES (?, ?, ?, ?, ?, ?)",
                 (rel, parsed.end, size, mtime_ns, parsed.crc, parsed.lines))


def _file_id(conn: sqlite3.Connection, rel: str) -> int:
    """The number ``event_rows.src`` names the event file ``rel`` by, given it on first sight."""
    found = conn.execute("SELECT id FROM event_files WHERE path = ?", (rel,)).fetchone()
    if found is not None:
        return int(found[0])
    made = conn.execute("INSERT INTO event_files (path, project) VALUES (?, ?)", (rel, int(is_project_source(rel)))).lastrowid
    assert made is not None
    return made
