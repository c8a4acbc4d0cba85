"""What the event files look like without reading them: each file's size and mtime (with its
journal's, while its session is open here), and a fingerprint of all of them that lets a refresh
which finds nothing changed skip reading the ingest state (``sources``) at all."""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3

    from session_tracker.core.paths import Layout


def stamp(layout: Layout, path: str, stem: str | None) -> tuple[int, int] | None:
    """``(size, mtime_ns)`` of an events file, or of it and its journal together; None when
    neither exists."""
    from session_tracker.core import journal

    size = mtime = 0
    seen = False
    for one in (path,) if stem is None else (path, journal.path_of(layout, stem)):
        try:
            st = os.stat(one)
        except FileNotFoundError:
            continue
        seen = True
        size += st.st_size
        mtime = max(mtime, st.st_mtime_ns)
    return (size, mtime) if seen else None


def stamps(layout: Layout, files: dict[str, str], open_here: dict[str, str]) -> dict[str, tuple[int, int]]:
    """``{rel: (size, mtime_ns)}`` of the files that exist (:func:`stamp`). Every command
    calls this once per event file (10,000 at 10,000 sessions), so the common case — a file
    with no journal — is one ``os.stat`` and no function call of ours."""
    stat = os.stat
    out: dict[str, tuple[int, int]] = {}
    for rel, path in files.items():
        if rel in open_here:
            found = stamp(layout, path, open_here[rel])
            if found is not None:
                out[rel] = found
            continue
        try:
            st = stat(path)
        except FileNotFoundError:
            continue
        out[rel] = (st.st_size, st.st_mtime_ns)
    return out


def fingerprint(*groups: dict[str, tuple[int, int]]) -> str:
    """A digest of every file's path, size and mtime: equal to the one stored after a refresh
    that found the index in step with all of them, nothing changed since (so the 10,000 rows
    of ``sources`` need not be read and compared)."""
    import hashlib

    text = "\n".join(f"{rel}\0{size}\0{mtime}" for one in groups for rel, (size, mtime) in one.items())
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


def remember(conn: sqlite3.Connection, seen: str) -> None:
    """Store ``seen`` (:func:`fingerprint`) as the stamps the index is in step with. Only
    called when every stamp matched ``sources``, which holds no racy file then (its size is
    stored as -1, so it never matches): the next change of any file changes the fingerprint."""
    import sqlite3

    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("INSERT INTO meta (name, value) VALUES ('stamps', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                         (seen,))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    except sqlite3.Error:  # read-only or busy: the next refresh compares the rows again
        pass
