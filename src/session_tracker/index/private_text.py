"""What agents said, kept on this machine (:mod:`session_tracker.core.private`), made searchable
in this machine's index.

With ``[privacy] share_agent_text = false`` (the default) a command line or a prompt lives in
``.sessions/local/private/<stem>.jsonl``, not in the committed event. The index is as local as
that file, so ``search`` here finds them: each private record's text is added to the full-text
row of the event it belongs to (by event id and sid), and the event takes the record's kind
(``command``, ``prompt``) when it had none. A private file is read whole whenever it or its
session's events file changed (a few kilobytes: what the session's own agent said), and a text
already in the row is not added again, so re-reading is harmless. Nothing else reads these
rows' text back as an event: documents and the static export never show it.
"""

from __future__ import annotations

import json
import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3

    from session_tracker.core.paths import Layout

KINDS = {"command": "command", "prompt": "prompt"}


def files(layout: Layout) -> dict[str, str]:
    """``{path relative to .sessions/: absolute path}`` of every private file here."""
    from session_tracker.core.private import DIRNAME

    folder = os.path.join(layout.local_dir, DIRNAME)
    try:
        names = os.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return {}
    rel = os.path.relpath(folder, layout.store).replace(os.sep, "/")
    return {f"{rel}/{name}": os.path.join(folder, name) for name in names if name.endswith(".jsonl")}


def events_rel(rel: str, events_dir: str) -> str:
    """The events file a private file belongs to (same stem): ``events/<stem>.jsonl``."""
    return f"{events_dir}/{rel.rsplit('/', 1)[-1]}"


def apply(conn: sqlite3.Connection, rel: str, path: str, stamp: tuple[int, int]) -> int:
    """Add every record of the private file at ``path`` to its event's full-text row (inside
    the caller's transaction) and remember the file's ``stamp``. Returns the texts added."""
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return 0
    added = 0
    for line in lines:
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):
            continue
        if not isinstance(record, dict) or not isinstance(record.get("event"), str) or not isinstance(record.get("text"), str):
            continue
        row = conn.execute("SELECT rowid, kind FROM events WHERE id = ? AND sid = ? ORDER BY rowid LIMIT 1",
                           (record["event"], str(record.get("sid") or ""))).fetchone()
        if row is None:
            continue  # its event is not in the index yet: the next change of either file brings it
        rowid, kind = row
        text = record["text"]
        body = conn.execute("SELECT body FROM fts WHERE rowid = ?", (rowid,)).fetchone()
        if body is None:
            conn.execute("INSERT INTO fts (rowid, body) VALUES (?, ?)", (rowid, text))
        elif text not in str(body[0]):
            conn.execute("UPDATE fts SET body = ? WHERE rowid = ?", (f"{body[0]}\n{text}", rowid))
        else:
            continue
        if kind is None:
            conn.execute("UPDATE event_rows SET kind = ? WHERE rowid = ?", (KINDS.get(str(record.get("field")), "entry"), rowid))
        added += 1
    conn.execute("INSERT OR REPLACE INTO sources (path, offset, size, mtime_ns, crc, lines) VALUES (?, ?, ?, ?, 0, ?)",
                 (rel, stamp[0], stamp[0], stamp[1], len(lines)))
    return added
