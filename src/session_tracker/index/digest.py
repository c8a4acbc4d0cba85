"""Values derived from the events of a few types, kept in the index until one of those types
changes (issue 16: a command costs what its own session costs).

A project-wide view such as ``status`` reads every session's start, end, blockers and next
steps: at 10,000 sessions that is 40,000 events to decode, on every call. Those events are a
small part of the store and change rarely (a start, an end, a blocker), while the notes and
the agents' activity that make up the rest change all the time. So each refresh that adds or
removes events records, per event type, the refresh's generation (``type_gen``: a counter that
only grows); a view's value is stored (``digests``) with a key made of the newest generation
of the types it reads, and is used again while that key is unchanged. A ``log`` or an agent's
edit moves only ``note`` / ``file.touched``: ``status`` after it is read back, not folded again.

The value is the view's own result (its ``--json`` shape), computed by the same code whether
stored or not, so a command's answer never depends on this table; deleting the index deletes
it too. Keys also carry the package version and :data:`FORMAT`, so a new version never reads a
value an older one stored.
"""

from __future__ import annotations

import json

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable, Iterable
    from typing import Any

#: Bumped when what a stored value means changes without a version change.
FORMAT = 1


def bump(conn: sqlite3.Connection, types: Iterable[str]) -> None:
    """Record that events of ``types`` were added or removed by this refresh (inside the
    caller's transaction): they all get the next generation."""
    wanted = sorted(set(types))
    if not wanted:
        return
    gen = int(conn.execute("SELECT coalesce(max(gen), 0) + 1 FROM type_gen").fetchone()[0])
    conn.executemany("INSERT INTO type_gen (type, gen) VALUES (?, ?) ON CONFLICT (type) DO UPDATE SET gen = excluded.gen",
                     [(t, gen) for t in wanted])


def key(conn: sqlite3.Connection, types: Iterable[str], *extra: object, sessions: bool = True) -> str:
    """The key of a value derived from the events of ``types`` (and ``extra``: whatever else it
    depends on, e.g. a file's stamp): changes whenever an event of one of them is added or
    removed, and with the package version. ``sessions``: also whenever the number of sessions
    changes (a file with no start still names one, which a list of every session shows)."""
    from session_tracker import __version__

    wanted = sorted(set(types))
    marks = ", ".join("?" * len(wanted))
    gen = conn.execute(f"SELECT coalesce(max(gen), 0) FROM type_gen WHERE type IN ({marks})", wanted).fetchone()[0]
    count = conn.execute("SELECT count(*) FROM sessions").fetchone()[0] if sessions else None
    return json.dumps([__version__, FORMAT, gen, count, *extra], separators=(",", ":"), default=str)


def fingerprint(value: object) -> str:
    """A short digest of a JSON-shaped value (the configuration a view depends on), for a key."""
    import hashlib

    text = json.dumps(value, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()


def source_stamp(conn: sqlite3.Connection, sid: str) -> object:
    """``[path, offset, crc]`` of the event file session ``sid`` appends to, as the index last
    read it (with its journal, while it is open here), or None: for the key of a value made
    from one session's events of every type. What was read, not the file's size and mtime: those
    are stamped again a moment later (a file changed within the last seconds is re-checked) and
    when a journal is published, while the bytes read stay the same."""
    row = conn.execute("SELECT s.path, s.offset, s.crc FROM sources s JOIN sessions n ON n.source = s.path WHERE n.sid = ?",
                       (sid,)).fetchone()
    return list(row) if row else None


def cached(conn: sqlite3.Connection, name: str, value_key: str, compute: Callable[[], Any]) -> Any:
    """The value stored as ``name`` under ``value_key``, else ``compute()`` (JSON-shaped),
    stored for the next call. A store whose index cannot be written just computes."""
    row = conn.execute("SELECT key, value FROM digests WHERE name = ?", (name,)).fetchone()
    if row is not None and row[0] == value_key:
        return json.loads(row[1])
    return store(conn, name, value_key, compute())


def store(conn: sqlite3.Connection, name: str, value_key: str, value: Any) -> Any:
    """Keep ``value`` (JSON-shaped) as ``name`` under ``value_key``, replacing what was kept;
    returns it as a later read gives it back (through the same JSON round trip, so both
    answers are equal). A store whose index cannot be written (read-only, locked) keeps nothing."""
    import sqlite3

    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("INSERT INTO digests (name, key, value) VALUES (?, ?, ?) "
                         "ON CONFLICT (name) DO UPDATE SET key = excluded.key, value = excluded.value", (name, value_key, text))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    except sqlite3.Error:  # read-only or locked: the value is right, only not kept
        pass
    return json.loads(text)
