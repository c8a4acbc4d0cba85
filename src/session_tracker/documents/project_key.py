"""When the project documents (SESSION_TRACKER.md, progress.txt, IMPLEMENTATION.md, memory/)
need rendering again: only when an event they read came in (issue 16).

They are made from the index's summary view (:func:`session_tracker.index.summary_project`):
every session's start, end, decisions, blockers, handoff items, file snapshots, commits,
metrics and renumbers, the newest notes of each *ended* session (an open session's entry says
"in progress" until it ends), and the plan. At 10,000 sessions that view takes seconds to read,
while a ``log`` in the open session, the common change before a ``render``, moves none of it.
So whoever renders them records, in the index (``digests``, :mod:`session_tracker.index.digest`),
the key of the generations of those types it read them under, and the size and mtime of each
document it wrote; a later render with the same key and the documents as written leaves them
alone. The key is taken before the view is read (an event appended meanwhile makes the next
key differ); deleting the index deletes the record, and then they are rendered again.
"""

from __future__ import annotations

from session_tracker.documents.manifest import file_stamp
from session_tracker.index import digest
from session_tracker.index.fold import PLAN_TYPES
from session_tracker.index.ingest import NOTES_OF_ENDED, PROBLEMS
from session_tracker.index.query import SUMMARY_TYPES

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Iterable

#: What the project documents read, as index generations (``note`` only of ended sessions).
PROJECT_TYPES = SUMMARY_TYPES | PLAN_TYPES | {NOTES_OF_ENDED, PROBLEMS}
NAME = "project-docs"


def key(conn: sqlite3.Connection, config: object) -> str:
    """The key the project documents are rendered under now (``config``: the configuration,
    which names and shapes them)."""
    return digest.key(conn, PROJECT_TYPES, digest.fingerprint(config))


def current(conn: sqlite3.Connection, value_key: str) -> bool:
    """True when the project documents were last rendered under ``value_key`` and each is still
    as that render wrote it (not edited, removed or rewritten by someone else since)."""
    row = conn.execute("SELECT key, value FROM digests WHERE name = ?", (NAME,)).fetchone()
    if row is None or row[0] != value_key:
        return False
    import json

    written = json.loads(row[1])
    return isinstance(written, dict) and all(file_stamp(path) == stamp for path, stamp in written.items())


def due(conn: sqlite3.Connection, value_key: str, inputs_changed: bool, forced: bool) -> bool:
    """True when the project documents must be rendered again, after
    ``manifest.sessions_to_redo`` said whether any input changed and whether they are forced
    (one edited or removed, the plan changed): an input changed and they were not rendered
    under ``value_key`` (:func:`current`)."""
    return inputs_changed and (forced or not current(conn, value_key))


def remember(conn: sqlite3.Connection, value_key: str, paths: Iterable[str]) -> None:
    """Record that the project documents at ``paths`` were just rendered under ``value_key``."""
    digest.store(conn, NAME, value_key, {path: file_stamp(path) for path in sorted(paths)})
