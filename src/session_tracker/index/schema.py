"""The index's schema: append-only named migrations (in the manner of sqlite-utils), recorded
in the ``migrations`` table, and the rules for throwing a bad index away.

Every connection runs in autocommit mode (``isolation_level=None``) so that each write is an
explicit ``BEGIN IMMEDIATE … COMMIT``: a deferred transaction that later wants to write fails
with "database is locked" under concurrent writers instead of waiting (DESIGN.md). WAL lets
readers go on while one process writes; ``busy_timeout`` makes writers queue.

A migration is a function of the connection, run inside the transaction that records its name.
Names are never reused or reordered; a new shape is a new migration at the end. A migration
that changes what is derived from the events returns True, and the ingest state is reset so
every file is read again. An index that records a migration this code does not know (written by
a newer session-tracker) or that SQLite cannot read is deleted and built again: it is derived.
"""

from __future__ import annotations

import os
import sqlite3

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

BUSY_TIMEOUT_MS = 30_000
CACHE_KIB = 8192  # SQLite's page cache per connection (see _open)
#: What SQLite raises for a file that is not (or no longer) a sound database, or of a shape this
#: code does not expect; see :func:`corrupt` (a locked database is neither).
CORRUPT = (sqlite3.DatabaseError,)


def corrupt(exc: BaseException) -> bool:
    """True when ``exc`` means the index file must be rebuilt, not waited for."""
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    text = str(exc).lower()
    return not (isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text))


def _script(conn: sqlite3.Connection, sql: str) -> None:
    """Run each statement of ``sql`` (``executescript`` would COMMIT the migration's transaction)."""
    import re

    for statement in re.split(r";[ \t]*(?:--[^\n]*)?\n", sql):
        if statement.strip():
            conn.execute(statement)


def _m001_initial(conn: sqlite3.Connection) -> bool:
    _script(
        conn,
        """
        CREATE TABLE sources (          -- one row per event file read: how far, and what it looked like
            path TEXT PRIMARY KEY,      -- relative to the store (.sessions/), '/'-separated
            offset INTEGER NOT NULL,    -- bytes consumed: every complete line before it
            size INTEGER NOT NULL,      -- st_size and st_mtime_ns at the last read
            mtime_ns INTEGER NOT NULL,
            crc INTEGER NOT NULL,       -- CRC-32 of the bytes before offset: a rewrite under it means stale
            lines INTEGER NOT NULL      -- complete lines consumed (for file:line)
        );
        CREATE TABLE events (
            rowid INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            line INTEGER NOT NULL,
            id TEXT NOT NULL,
            ts TEXT NOT NULL,
            moment TEXT NOT NULL,       -- data.at, else ts
            t REAL NOT NULL,            -- moment as epoch seconds (0 when unparsable)
            session TEXT NOT NULL,
            sid TEXT NOT NULL,
            type TEXT NOT NULL,
            actor TEXT NOT NULL,
            pos INTEGER NOT NULL,       -- byte offset of the line in its file
            raw TEXT,                   -- the line as stored; NULL for the bulky types (parse.BULKY): read pos
            UNIQUE (source, id)         -- a line twice in one file (merge=union) is kept once
        );
        CREATE INDEX events_sid ON events (sid, type);
        CREATE INDEX events_type ON events (type, t);
        CREATE TABLE problems (source TEXT NOT NULL, line INTEGER NOT NULL, reason TEXT NOT NULL);
        CREATE TABLE sessions (         -- one row per session (sid) of the session files
            sid TEXT PRIMARY KEY,
            number TEXT NOT NULL,
            source TEXT NOT NULL,
            start_moment TEXT NOT NULL, -- the earliest moment of its events (retroactive --at)
            start_t REAL NOT NULL,
            end_moment TEXT,            -- NULL while open
            end_t REAL,
            status TEXT NOT NULL,       -- OPEN, COMPLETE
            branch TEXT,
            agent TEXT,
            objective TEXT,
            events INTEGER NOT NULL,
            entries INTEGER NOT NULL,
            decisions INTEGER NOT NULL,
            blockers INTEGER NOT NULL,
            commits INTEGER NOT NULL,
            started_rowid INTEGER,      -- events.rowid of its session.started / session.ended
            ended_rowid INTEGER
        );
        CREATE INDEX sessions_start ON sessions (start_t, number);
        CREATE INDEX sessions_number ON sessions (number);
        CREATE VIEW decisions AS SELECT rowid, sid, session, moment, json_extract(raw, '$.data.message') AS message,
            json_extract(raw, '$.data.rationale') AS rationale, json_extract(raw, '$.data.alternatives') AS alternatives
            FROM events WHERE type = 'decision';
        CREATE VIEW blockers AS SELECT o.rowid, o.sid, o.session, o.moment AS opened, json_extract(o.raw, '$.data.blocker') AS blocker,
            json_extract(o.raw, '$.data.message') AS message, json_extract(o.raw, '$.data.impact') AS impact,
            (SELECT r.moment FROM events r WHERE r.type = 'blocker.resolved'
              AND json_extract(r.raw, '$.data.blocker') = json_extract(o.raw, '$.data.blocker') ORDER BY r.rowid LIMIT 1) AS resolved
            FROM events o WHERE o.type = 'blocker.opened';
        CREATE VIEW plan_items AS SELECT rowid, sid, session, moment, type,
            coalesce(json_extract(raw, '$.data.task'), json_extract(raw, '$.data.question'), json_extract(raw, '$.data.next'),
                     json_extract(raw, '$.data.issue'), json_extract(raw, '$.data.name'), json_extract(raw, '$.data.path')) AS key,
            coalesce(json_extract(raw, '$.data.title'), json_extract(raw, '$.data.message'), json_extract(raw, '$.data.status')) AS text
            FROM events WHERE type IN ('task.added', 'task.set', 'task.updated', 'question.opened', 'question.answered',
              'next.added', 'next.done', 'issue.noted', 'issue.fixed', 'phase.added', 'phase.set', 'milestone.added',
              'milestone.set', 'component.added', 'component.set', 'resource.added', 'interface.defined', 'plan.removed');
        CREATE VIEW commits AS SELECT rowid, sid, session, moment, json_extract(raw, '$.data.sha') AS sha,
            json_extract(raw, '$.data.subject') AS subject FROM events WHERE type = 'commit';
        CREATE VIEW metrics AS SELECT rowid, sid, session, moment, json_extract(raw, '$.data') AS data
            FROM events WHERE type = 'metrics.recorded';
        CREATE VIEW usage AS SELECT rowid, sid, session, moment, json_extract(raw, '$.data.model') AS model,
            json_extract(raw, '$.data.input_tokens') AS input_tokens, json_extract(raw, '$.data.output_tokens') AS output_tokens
            FROM events WHERE type = 'usage';
        """,
    )
    return True


def _m002_search(conn: sqlite3.Connection) -> bool:
    # Full text of every searchable event (fts.rowid = events.rowid) with its kind, and the file paths each
    # session touched; filling them needs every event again, hence the reset.
    _script(
        conn,
        """
        CREATE VIRTUAL TABLE fts USING fts5 (body, tokenize = 'unicode61 remove_diacritics 2');
        ALTER TABLE events ADD COLUMN kind TEXT;  -- the search kind (entry, decision, blocker, …), NULL when not searchable
        CREATE TABLE paths (sid TEXT NOT NULL, path TEXT NOT NULL, rowid_event INTEGER NOT NULL);
        CREATE INDEX paths_path ON paths (path);
        CREATE VIEW files AS SELECT sid, path, count(*) AS times FROM paths GROUP BY sid, path;
        """,
    )
    return True


def _m003_duplicates(conn: sqlite3.Connection) -> bool:
    # Second copies of a line (same id in one file, as merge=union can leave them): readers keep
    # the first, `doctor` names every copy. Only a full read finds the copies already ingested.
    conn.execute("CREATE TABLE duplicates (source TEXT NOT NULL, line INTEGER NOT NULL, id TEXT NOT NULL)")
    return True


def _m004_digests(conn: sqlite3.Connection) -> bool:
    # Which refresh last added or removed events of each type (type_gen), values derived from
    # events of some types, kept until one of those types changes (index/digest.py), and the
    # fingerprint of the file stamps the index is in step with (stamps.fingerprint). Rows
    # already in the index have no generation yet; no digest exists yet either, so none is stale.
    _script(
        conn,
        """
        CREATE TABLE type_gen (type TEXT PRIMARY KEY, gen INTEGER NOT NULL);
        CREATE TABLE digests (name TEXT PRIMARY KEY, key TEXT NOT NULL, value TEXT NOT NULL);
        CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);  -- 'stamps': stamps.fingerprint
        """,
    )
    return False


def _m005_event_files(conn: sqlite3.Connection) -> bool:
    # Each event row names its file by a number (event_files.id) instead of the 45-character
    # path, and keeps its moment only when it is not its ts: a million rows and their UNIQUE
    # index shrink by about 120 MB, which a build from nothing writes (and checkpoints) twice. ``events`` becomes a view of the same columns, so
    # readers are unchanged; writers use ``event_rows``. The rows are read again (the reset).
    _script(
        conn,
        """
        DROP TABLE events;
        CREATE TABLE event_files (      -- one number per event file, for event_rows.src
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL UNIQUE,  -- as sources.path
            project INTEGER NOT NULL    -- 1 for a file of project events (fold.is_project_source)
        );
        CREATE TABLE event_rows (
            rowid INTEGER PRIMARY KEY,
            src INTEGER NOT NULL,       -- event_files.id
            line INTEGER NOT NULL,
            id TEXT NOT NULL,
            ts TEXT NOT NULL,
            moment TEXT,                -- data.at; NULL when it is ts (most events: 29 bytes a row)
            t REAL NOT NULL,
            session TEXT NOT NULL,
            sid TEXT NOT NULL,
            type TEXT NOT NULL,
            actor TEXT NOT NULL,
            pos INTEGER NOT NULL,
            raw TEXT,
            kind TEXT,
            UNIQUE (src, id)            -- a line twice in one file (merge=union) is kept once
        );
        CREATE INDEX events_sid ON event_rows (sid, type, src);  -- src: the sessions fold reads this index alone
        CREATE INDEX events_type ON event_rows (type, t);
        CREATE VIEW events AS SELECT r.rowid AS rowid, f.path AS source, r.line AS line, r.id AS id, r.ts AS ts,
            coalesce(r.moment, r.ts) AS moment, r.t AS t, r.session AS session, r.sid AS sid, r.type AS type, r.actor AS actor, r.pos AS pos,
            r.raw AS raw, r.kind AS kind
            FROM event_rows r LEFT JOIN event_files f ON f.id = r.src;
        """,
    )
    return True


def _m006_identity(conn: sqlite3.Connection) -> bool:
    # A random name for this index file: a process that found it in step with the files a
    # moment ago trusts that only for the same file, never for one rebuilt since (stamps.recall).
    conn.execute("INSERT INTO meta (name, value) VALUES ('index', lower(hex(randomblob(16))))")
    return False


#: The migrations, in order. Append only: never rename, reorder or edit a released one.
MIGRATIONS: list[tuple[str, Callable[[sqlite3.Connection], bool]]] = [
    ("m001_initial", _m001_initial),
    ("m002_search", _m002_search),
    ("m003_duplicates", _m003_duplicates),
    ("m004_digests", _m004_digests),
    ("m005_event_files", _m005_event_files),
    ("m006_identity", _m006_identity),
]


class Rebuild(Exception):
    """The index file must be thrown away and built again (unknown migration, bad file)."""


def discard(path: str, reason: object = None) -> None:
    """Delete the index file and its WAL/shared-memory companions (missing ones are fine)."""
    for suffix in ("", "-wal", "-shm"):
        try:
            os.unlink(path + suffix)
        except FileNotFoundError:
            pass


def _open(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # 8 MiB: a view reading every session's events scatters over the table and would fill a
    # bigger cache, all of it resident (a command's memory budget is 100 MB); a build from
    # nothing raises it (ingest.BUILD_CACHE_KIB)
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    if path == ":memory:":
        return conn
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()
    if not mode or str(mode[0]).lower() != "wal":
        conn.close()
        raise Rebuild(f"journal mode {mode!r}")
    conn.execute("PRAGMA synchronous = NORMAL")  # derived data: a lost last commit is re-ingested
    return conn


def migrate(conn: sqlite3.Connection, upto: int | None = None) -> None:
    """Apply the migrations not yet recorded, in order, each in its own ``BEGIN IMMEDIATE``.

    Args:
        upto: apply only the first ``upto`` migrations (tests build an index of an older schema).
    Raises:
        Rebuild: the index records a migration this code does not know.
    """
    wanted = MIGRATIONS if upto is None else MIGRATIONS[:upto]
    names = [name for name, _ in MIGRATIONS]
    done = _applied(conn)
    if done is not None and set(done) <= set(names[: len(wanted)]) and len(done) == len(wanted):
        return  # the common case: nothing to do, no write lock taken
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        done = [row[0] for row in conn.execute("SELECT name FROM migrations ORDER BY rowid")]
        if any(name not in names for name in done) or done != names[: len(done)]:
            raise Rebuild(f"unknown migrations {done}")
        reset = False
        for name, step in wanted[len(done):]:
            reset = step(conn) or reset
            conn.execute("INSERT INTO migrations (name, applied_at) VALUES (?, strftime('%Y-%m-%dT%H:%M:%fZ'))", (name,))
        if reset and done:  # what an older schema derived is incomplete now: read every file again
            clear(conn)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def clear(conn: sqlite3.Connection) -> None:
    """Empty every derived table (inside the caller's transaction), keeping the schema."""
    tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        if table != "migrations" and not table.startswith("fts_") and not table.startswith("sqlite_"):
            conn.execute(f"DELETE FROM {table}")


def _applied(conn: sqlite3.Connection) -> list[str] | None:
    try:
        return [row[0] for row in conn.execute("SELECT name FROM migrations ORDER BY rowid")]
    except sqlite3.OperationalError:  # no such table: a new file
        return None


def connect(path: str, upto: int | None = None) -> sqlite3.Connection:
    """Open the index at ``path``, creating or migrating it; a bad or newer one is rebuilt.

    Returns:
        A connection in autocommit mode (write with ``BEGIN IMMEDIATE``), WAL, ``busy_timeout``.
    Raises:
        OSError: the directory cannot be created.
    """
    if path != ":memory:":
        os.makedirs(os.path.dirname(path), exist_ok=True)
    for attempt in range(2):
        conn: sqlite3.Connection | None = None
        try:
            conn = _open(path)
            migrate(conn, upto)
            return conn
        except (Rebuild, *CORRUPT) as exc:
            if conn is not None:
                conn.close()
            if attempt or not (isinstance(exc, Rebuild) or corrupt(exc)):
                raise
            discard(path, exc)
    raise AssertionError("unreachable")  # pragma: no cover
