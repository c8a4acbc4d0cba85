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
    from collections.abc import Iterable

    from session_tracker.core.model import Project, Session
    from session_tracker.core.paths import Layout


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
        if not schema.corrupt(exc):
            raise
        schema.discard(index_path(layout), exc)
        conn = schema.connect(index_path(layout))
        ingest.refresh(conn, layout)
    return conn


def look_before_writing(layout: Layout) -> None:
    """Bring an existing index up to date now, before this command changes the event files: a
    command about one session trusts the directories' times (:func:`.stamps.trusted`), which
    its own writes change; a refresh made first lets its later ones follow those writes
    (``store.WRITTEN``) instead of looking at every file again. Does nothing without an index
    (a fresh clone's is built where it is needed, maybe in the background); never raises."""
    import os

    if not os.path.exists(index_path(layout)):
        return
    try:
        fresh(layout).close()
    except Exception:  # noqa: BLE001, S110 - only a head start: the command's own refresh reports any problem
        pass


def connect_fresh(layout: Layout) -> sqlite3.Connection:
    """As :func:`fresh`, but a store that cannot hold an index (read-only, or not created yet)
    gets a throw-away one in memory, so every view still answers from the event files."""
    import os

    from session_tracker.index import ingest, schema

    if os.path.isdir(layout.store):
        try:
            return fresh(layout)
        except (OSError, *schema.CORRUPT):
            # read-only, unopenable, or still bad after one rebuild (or locked past the busy
            # timeout): the answer from the event files themselves is the same, only slower
            pass
    conn = schema.connect(":memory:")
    ingest.refresh(conn, layout)
    return conn


def project_view(
    layout: Layout, full: Iterable[str] = (), types: frozenset[str] | None = None, sparse: bool = False, notes: int = 0,
    slim_ended: bool = False, loaded: Iterable[Session] = (),
) -> tuple[Project, list[Session]]:
    """The project from the index: the sessions of file stems ``full`` read in full, those in
    ``loaded`` as the caller holds them, the others holding only their events of ``types``
    (default :data:`.query.SUMMARY_TYPES`) and, with ``notes``, their newest notes; see
    :func:`.query.project`.

    Raises:
        NewerSchema: an event file holds an event of a newer schema version.
    """
    from session_tracker.index import query

    conn = connect_fresh(layout)
    try:
        return query.project(conn, layout, full, query.SUMMARY_TYPES if types is None else types, sparse=sparse, notes=notes,
                             loaded=loaded, slim_ended=slim_ended)
    finally:
        conn.close()


def summary_project(layout: Layout) -> Project:
    """Every session with the events project views use: starts, ends, decisions, blockers,
    handoff items, file snapshots, commits, metrics, renumbers, every retroactive event and the
    newest :data:`.query.NOTES_KEPT` notes (the others counted in ``Session.omitted_notes``).

    Raises:
        NewerSchema: an event file holds an event of a newer schema version.
    """
    from session_tracker.index.query import NOTES_KEPT

    return project_view(layout, notes=NOTES_KEPT)[0]


def previous_end(layout: Layout, session: Session) -> str:
    """When the newest session that began before ``session`` ended ('' when none has): what a
    retroactive ``--at`` may not precede (:func:`session_tracker.core.retro.check_at`)."""
    from session_tracker.core.clock import instant as _instant

    if not session.start_moment:
        return ""
    conn = connect_fresh(layout)
    try:
        row = conn.execute(
            "SELECT end_moment FROM sessions WHERE sid != ? AND ended_rowid IS NOT NULL AND start_moment != '' AND start_t < ? "
            "ORDER BY end_t DESC LIMIT 1", (session.sid, _instant(session.start_moment))).fetchone()
    finally:
        conn.close()
    return str(row[0]) if row else ""


def build_in_background(layout: Layout) -> bool:
    """Start a detached process that builds (or brings up to date) the index, so that a command
    on a fresh clone of a big store need not wait for it. Returns False when none could be
    started (then the next command builds it). Never raises."""
    import os
    import sys

    code = "import sys\nfrom session_tracker import index\nfrom session_tracker.core.paths import Layout\nindex.fresh(Layout(sys.argv[1])).close()"
    try:
        devnull = os.open(os.devnull, os.O_RDWR)
        try:
            actions = [(os.POSIX_SPAWN_DUP2, devnull, 0), (os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)]
            os.posix_spawn(sys.executable, [sys.executable, "-c", code, layout.root], dict(os.environ), file_actions=actions,
                           setsid=True)
        finally:
            os.close(devnull)
    except (OSError, AttributeError):
        return False
    return True

