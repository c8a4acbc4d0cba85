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


def fingerprint(*groups: dict[str, tuple[int, int]], names: list[str] | tuple[str, ...] = ()) -> str:
    """A digest of every file's path, size and mtime in ``groups`` and of ``names`` (the files
    left out of them: those of the sessions open here, compared one by one): equal to the one
    stored after a refresh that found the index in step with all of them, nothing changed since
    (so the 10,000 rows of ``sources`` need not be read and compared). Paths in dict order, the
    numbers as one array: a millisecond for 10,000 files."""
    import hashlib
    from array import array

    digest = hashlib.blake2b(digest_size=16)
    for one in groups:
        digest.update("\0".join(one).encode("utf-8", "surrogateescape") + b"\1")
        digest.update(array("q", [number for stamp in one.values() for number in stamp]).tobytes())
    digest.update("\0".join(names).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def keep(conn: sqlite3.Connection, seen: str) -> None:
    """Store ``seen`` (:func:`fingerprint`) inside the caller's transaction."""
    conn.execute("INSERT INTO meta (name, value) VALUES ('stamps', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value", (seen,))


def remember(conn: sqlite3.Connection, seen: str) -> None:
    """Store ``seen`` (:func:`fingerprint`) as the stamps the index is in step with. Only
    called when every stamp it covers matched ``sources``, which holds no racy file then (its
    size is stored as -1, so it never matches): the next change of any of those files changes
    the fingerprint."""
    import sqlite3

    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            keep(conn, seen)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    except sqlite3.Error:  # read-only or busy: the next refresh compares the rows again
        pass


#: How long (seconds) a process trusts its own finding that the index was in step with the
#: files: a command refreshes two or three times within a fraction of a second, and listing
#: and statting 10,000 files each time is most of what it costs at that size. A file another
#: process changed in that second is seen by the next refresh after it, as if this command had
#: run a moment earlier; a long-lived process (the web server) looks at every file again after it.
REUSE_S = 1.0
#: ``{store: (monotonic s, the index's name, files to compare anyway, store.WRITES then)}``.
_VERIFIED: dict[str, tuple[float, str, frozenset[str], int]] = {}


def identity(conn: sqlite3.Connection) -> str:
    """The index file's random name (schema ``m006_identity``; '' for none)."""
    row = conn.execute("SELECT value FROM meta WHERE name = 'index'").fetchone()
    return str(row[0]) if row else ""


def verified(layout: Layout, index: str, compare: set[str]) -> None:
    """Note that the index named ``index`` (:func:`identity`) is in step with every file of
    ``layout`` as stat'ed just now; ``compare``: the files (relative to the store) that may
    change unseen by a stat — the open sessions' and those modified within the racy window —
    which a refresh that trusts this note still compares one by one."""
    import time

    from session_tracker.core import store

    if index:
        _VERIFIED[layout.store] = (time.monotonic(), index, frozenset(compare), store.WRITES[0])


def recall(layout: Layout, index: str, live: set[str]) -> frozenset[str] | None:
    """The files to compare one by one when :func:`verified` noted the same ``index`` under
    :data:`REUSE_S` ago and every event file this process wrote since is live now (``live``)
    or among those; else None (compare every file)."""
    import time

    from session_tracker.core import store

    got = _VERIFIED.get(layout.store)
    if got is None or not index:
        return None
    at, noted, compare, writes = got
    if time.monotonic() - at > REUSE_S or noted != index:
        return None
    if writes != store.WRITES[0]:
        prefix = os.path.join(os.path.abspath(layout.store), "")
        for path, number in store.WRITTEN.items():
            if number <= writes:
                continue
            rel = path[len(prefix):].replace(os.sep, "/") if path.startswith(prefix) else None
            if rel is None or (rel not in live and rel not in compare):
                return None
    return compare


def racy(stats: dict[str, tuple[int, int]]) -> set[str]:
    """The files of ``stats`` modified within the racy window (:data:`.pool.RACY_S`): one may
    change again within its timestamp's tick, unseen by a stat."""
    import time

    from session_tracker.index.pool import RACY_S

    since = time.time_ns() - int(RACY_S * 1_000_000_000)
    return {rel for rel, (_, mtime) in stats.items() if mtime > since}


def forget(layout: Layout) -> None:
    """Drop what :func:`verified` noted of ``layout`` (tests: the next command is a new process)."""
    _VERIFIED.pop(layout.store, None)


#: Whether this process's refreshes may trust the directories (:func:`trusted`): set by the
#: commands about one session (``summary``, ``init``, ``end``, ``show``, ``handoff``, the
#: SessionStart hook) through :func:`trust_directories`; project-wide views, ``check``,
#: ``render`` and ``doctor`` look at every file.
TRUST = [False]


def trust_directories() -> None:
    """Let this process's refreshes skip the files whose directories did not change
    (:func:`trusted`)."""
    TRUST[0] = True


def folder_time(folder: str) -> int:
    """The modification time (ns) of ``folder``; -1 when it is missing."""
    try:
        return os.stat(folder).st_mtime_ns
    except OSError:
        return -1


def folders(layout: Layout) -> dict[str, int]:
    """``{directory: mtime_ns}`` (:func:`folder_time`) of the store (legacy ``project.jsonl``)
    and ``local/private/``; :func:`.sources.event_files` adds ``events/`` and the folders in it.
    Creating, removing or renaming a file in one changes its time; so does an append of this
    tool's own to an events file outside a journal (``store.append_bytes`` touches the
    directory)."""
    from session_tracker.core.private import DIRNAME

    return {folder: folder_time(folder) for folder in (layout.store, os.path.join(layout.local_dir, DIRNAME))}


def settled(times: dict[str, int]) -> bool:
    """True when every directory of ``times`` (:func:`folders`) was last modified more than
    :data:`.pool.RACY_S` ago: a change from now on gives it a different time (git's racy rule)."""
    import time

    from session_tracker.index.pool import RACY_S

    return time.time_ns() - max(times.values(), default=0) > int(RACY_S * 1_000_000_000)


def trust(conn: sqlite3.Connection, seen: str, times: dict[str, int], compare: set[str]) -> None:
    """Record (``meta.trust``) that the index, at the fingerprint ``seen``, is in step with
    every file of the directories as they were at ``times`` but those in ``compare`` (the racy
    and the live ones). Written only when it differs from what is stored; never raises (a
    read-only index just records nothing)."""
    import json
    import sqlite3

    value = json.dumps({"fp": seen, "dirs": times, "compare": sorted(compare)}, separators=(",", ":"), sort_keys=True)
    try:
        row = conn.execute("SELECT value FROM meta WHERE name = 'trust'").fetchone()
        if row is not None and row[0] == value:
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("INSERT INTO meta (name, value) VALUES ('trust', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                         (value,))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    except sqlite3.Error:
        pass


def trusted(conn: sqlite3.Connection) -> frozenset[str] | None:
    """The files to compare one by one when :data:`TRUST` is on and the record :func:`trust`
    left still holds: the fingerprint it was made at is the index's, and every directory it
    names has the same modification time now. Else None (look at every file).

    Trusting the directories skips ``stat``ing the 10,000 files of a big store (50 ms here).
    What it cannot see is an edit made in place by hand (an editor that writes the file rather
    than replacing it): git's checkouts, merges, resets and stashes, and this tool's writes,
    all change a directory's time; the next project-wide view, ``check`` or ``doctor`` sees
    the edit, and so does a per-session command once a directory changes."""
    import json

    if not TRUST[0]:
        return None
    rows = dict(conn.execute("SELECT name, value FROM meta WHERE name IN ('stamps', 'trust')").fetchall())
    try:
        record = json.loads(rows["trust"])
        if rows.get("stamps") != record["fp"]:
            return None
        times: dict[str, int] = record["dirs"]
        if any(folder_time(folder) != mtime for folder, mtime in times.items()):
            return None
        return frozenset(record["compare"])
    except (KeyError, TypeError, ValueError):
        return None
