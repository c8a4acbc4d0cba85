"""The derived SQLite index of the event files (issue 16), and full-text search on it (issue 17).

``.sessions/local/index.sqlite`` (never committed) holds, per event file, what it has read so
far (byte offset, size, mtime, the bytes just before the offset) and every event it read, plus
tables folded from them (sessions with their counts; views for decisions, blockers, plan items,
files, commits, metrics, usage) and an FTS5 table of all searchable text. It is refreshed
incrementally before each query, rebuilt by itself when missing, stale, corrupt or of an older
schema, and deleting it changes nothing but speed: the event files stay the only truth.

Modules: :mod:`.schema` (connection, migrations, rebuild), :mod:`.ingest` (reading the event
files in), :mod:`.query` (what views and search ask). ``sqlite3`` is imported only here, never
on the ``log``/hook hot path.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3

    from session_tracker.paths import Layout


def index_path(layout: Layout) -> str:
    """``<store>/local/index.sqlite``."""
    import os

    return os.path.join(layout.local_dir, "index.sqlite")


def fresh(layout: Layout) -> sqlite3.Connection:
    """A connection to the index, brought up to date with the event files first.

    Opens (creating, migrating or rebuilding as needed: :func:`.schema.connect`) and ingests
    whatever was appended since the last call (:func:`.ingest.refresh`).

    Raises:
        NewerSchema: an event file holds an event of a newer schema version.
        TrackerError: ``.sessions/local/`` cannot be written.
    """
    from session_tracker.index import ingest, schema

    conn = schema.connect(index_path(layout))
    try:
        ingest.refresh(conn, layout)
    except schema.CORRUPT as exc:  # a page went bad under us: throw it away, build again
        conn.close()
        schema.discard(index_path(layout), exc)
        conn = schema.connect(index_path(layout))
        ingest.refresh(conn, layout)
    return conn
