"""What views ask the index: sessions, a project view without decoding every event file, one
event, and full-text search (:mod:`.search`).

Every function takes a connection from :func:`session_tracker.index.fresh` (already brought up
to date with the event files).
"""

from __future__ import annotations

import json
import os
from sys import intern

from session_tracker.core.events import Event
from session_tracker.core.model import Project, Session

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Iterable

    from session_tracker.core.paths import Layout

#: The event types the project views fold from other sessions (what the JSON summary cache kept).
SUMMARY_TYPES = frozenset({
    "session.started", "session.ended", "decision", "blocker.opened", "blocker.resolved", "handoff.item",
    "files.changed", "commit", "metrics.recorded", "session.renumbered", "commits.rewritten",
})
#: Of the work-log notes, project views keep the newest few per session (and every retroactive
#: one) and say how many more the work log holds (``Session.omitted_notes``).
NOTES_KEPT = 10  # as many as any view lists (documents.done.NOTES_SHOWN); the others are counted
#: What one session's handoff needs of the others: blockers (open at its end) and metrics (the delta).
HANDOFF_TYPES = frozenset({"blocker.opened", "blocker.resolved", "metrics.recorded"})

BATCH_ROWS = 20_000  # rows of a project view decoded at a time (the bulky ones read from their files per batch)

SESSION_COLUMNS = ("sid", "number", "source", "start_moment", "end_moment", "status", "branch", "agent", "objective",
                   "events", "entries", "decisions", "blockers", "commits")


def sessions(conn: sqlite3.Connection, limit: int | None = None, since: str | None = None,
             newest: bool = False) -> list[dict[str, object]]:
    """Sessions ordered by start (then number), as dicts of :data:`SESSION_COLUMNS`.

    Args:
        limit: at most this many (the newest ones when ``newest``, still returned oldest first).
        since: only sessions that started at or after this ISO time (compared as instants).
    """
    from session_tracker.core.clock import instant as _instant

    where, args = "", []
    if since is not None:
        where, args = "WHERE start_t >= ?", [_instant(since)]
    order = "DESC" if newest else "ASC"
    tail = f" LIMIT {int(limit)}" if limit is not None else ""
    rows = conn.execute(
        f"SELECT {', '.join(SESSION_COLUMNS)} FROM sessions {where} ORDER BY start_t {order}, number {order}{tail}", args
    ).fetchall()
    out = [dict(zip(SESSION_COLUMNS, row, strict=True)) for row in rows]
    return out[::-1] if newest else out


def count_sessions(conn: sqlite3.Connection) -> int:
    """How many sessions the store holds."""
    return int(conn.execute("SELECT count(*) FROM sessions").fetchone()[0])


def stem_of(source: str) -> str:
    """The file stem of an index source (``events/00003-<sid>.jsonl`` -> ``00003-<sid>``)."""
    return source.rsplit("/", 1)[-1].removesuffix(".jsonl")


def _interned(pairs: list[tuple[str, object]]) -> dict[str, object]:
    return {intern(key): value for key, value in pairs}


#: json decodes each object's keys as new strings; a summary view holds 200,000 events at
#: 10,000 sessions, whose repeated keys (and names, sids, types, actors) would be a third of it.
_decode_interned = json.JSONDecoder(object_pairs_hook=_interned).decode


def _event(raw: str, where: str = "") -> Event:
    d = _decode_interned(raw)
    return Event(id=d["id"], ts=d["ts"], session=intern(d["session"]), sid=intern(d["sid"]), type=intern(d["type"]),
                 actor=intern(d["actor"]), data=d.get("data") or {}, v=d["v"], where=where)


def read_line(layout: Layout, source: str, pos: int) -> str:
    """The line at byte ``pos`` of the event file ``source`` (for the types the index does not
    copy: ``parse.BULKY``); '' when the file no longer holds it."""
    return read_lines(layout, [(source, pos)]).get((source, pos), "")


def read_lines(layout: Layout, wanted: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """``{(source, pos): line}`` of many :func:`read_line` at once, each file opened once (a
    summary view reads the newest notes of every session: 120,000 lines of 10,000 files); a
    file gone under the index gives none of its lines."""
    by_file: dict[str, list[int]] = {}
    for source, pos in wanted:
        by_file.setdefault(source, []).append(pos)
    out: dict[tuple[str, int], str] = {}
    for source, positions in by_file.items():
        try:
            with open(os.path.join(layout.store, source), "rb") as handle:
                for pos in sorted(positions):
                    handle.seek(pos)
                    out[(source, pos)] = handle.readline().decode("utf-8", "replace")
        except OSError:
            continue  # gone under the index: the next refresh drops its rows
    return out


def event(conn: sqlite3.Connection, layout: Layout, ref: int | str) -> Event | None:
    """One event by its index row (int) or its id (str; the first copy), or None."""
    if isinstance(ref, int):
        row = conn.execute("SELECT raw, source, line, pos FROM events WHERE rowid = ?", (ref,)).fetchone()
    else:
        row = conn.execute("SELECT raw, source, line, pos FROM events WHERE id = ? ORDER BY rowid LIMIT 1", (ref,)).fetchone()
    if row is None:
        return None
    raw = row[0] if row[0] is not None else read_line(layout, row[1], row[3])
    try:
        return _event(raw, f".sessions/{row[1]}:{row[2]}")
    except (ValueError, KeyError):  # the file changed under the index: the next refresh reads it again
        return None


def problems(conn: sqlite3.Connection, layout: Layout | None = None) -> list[tuple[str, str]]:
    """Every undecodable line the index met: ``[(".sessions/<file>:<line>", reason)]``. With
    ``layout``, a line of a session open here is named in its journal, where it was written
    (the index reads the journal's lines under the file's key)."""
    from session_tracker.core import journal

    out = []
    for source, line, reason in conn.execute("SELECT source, line, reason FROM problems ORDER BY source, line"):
        where = f".sessions/{source}"
        if layout is not None and os.path.exists(path := journal.path_of(layout, stem_of(source))):
            where = layout.relative(path)
        out.append((f"{where}:{line}", reason))
    return out


def project(conn: sqlite3.Connection, layout: Layout, full: Iterable[str] = (),
            types: frozenset[str] = SUMMARY_TYPES, sparse: bool = False, notes: int = 0,
            loaded: Iterable[Session] = (), slim_ended: bool = False,
            among: tuple[str, list[object]] | None = None) -> tuple[Project, list[Session]]:
    """The project as views see it, with the sessions of the file stems ``full`` read in full
    from their event files (journal and renumber files folded in:
    :func:`session_tracker.core.model.load_session_file`) and every other session holding only
    its events of ``types`` (its start moment pinned to the one the index folded from all its
    events). ``notes``: also keep each session's newest ``notes`` work-log notes and every
    retroactive event, and count the notes left out (``Session.omitted_notes``). ``sparse``
    leaves out the sessions with no such event (views that look only at those: blockers, metrics).
    ``loaded``: sessions the caller already holds (they take their place, unread).
    ``slim_ended``: the other sessions' ``session.ended`` hold only ``next``, ``at`` and
    ``status`` (SQLite extracts them; the git capture they carry is not decoded): for views
    that need an end only for its time and next steps (status, the starting context).
    ``among``: ``(an SQL condition on the events ``e``, its parameters)``: of the other sessions
    only the events of ``types`` it selects too (one handoff: ``handoff_view.project_for``).

    Returns ``(project, the sessions read in full)``; ``project.problems`` are the index's.
    Raises:
        NewerSchema: a session file read in full holds an event of a newer schema version.
    """
    from collections import Counter

    from session_tracker.core.model import load_session_file
    from session_tracker.core.store import Problem
    from session_tracker.index.fold import PROJECT_SOURCE_SQL

    meta = {row[0]: row[1:] for row in conn.execute("SELECT sid, number, start_moment, source FROM sessions")}
    views: dict[str, Session] = {}
    slim = slim_ended and "session.ended" in types
    marks = ", ".join(f"'{t}'" for t in sorted(types - {"session.ended"} if slim else types))
    where = f"e.type IN ({marks})"
    if notes:
        where = (f"({where} OR e.moment != e.ts OR e.rowid IN (SELECT rowid FROM (SELECT rowid, row_number() OVER "
                 f"(PARTITION BY sid ORDER BY rowid DESC) AS n FROM events WHERE type = 'note' AND moment = ts) WHERE n <= {int(notes)}))")
    if among is not None:
        where = f"{where} AND ({among[0]})"
    cursor = conn.execute(
        f"SELECT e.sid, e.raw, e.source, e.pos FROM events e JOIN sessions s ON s.sid = e.sid WHERE {where} "
        f"AND NOT {PROJECT_SOURCE_SQL.replace('source', 'e.source')} ORDER BY e.rowid", among[1] if among else ()
    )
    while rows := cursor.fetchmany(BATCH_ROWS):  # in batches: the rows of 10,000 sessions need not all be held
        lines = read_lines(layout, [(source, pos) for _, raw, source, pos in rows if raw is None])
        for sid, raw, source, pos in rows:
            session = views.get(sid)
            if session is None:
                number, _, home = meta[sid]
                session = views[sid] = Session(number, sid, stem_of(home))
            session.add(_event(raw if raw is not None else lines.get((source, pos), "")))
    if slim:
        for row in conn.execute(
            "SELECT e.sid, e.id, e.ts, e.session, e.actor, json_extract(e.raw, '$.data.next'), json_extract(e.raw, '$.data.at'), "
            "json_extract(e.raw, '$.data.status') FROM events e JOIN sessions s ON s.sid = e.sid WHERE e.type = 'session.ended' "
            f"AND NOT {PROJECT_SOURCE_SQL.replace('source', 'e.source')} ORDER BY e.rowid"
        ):
            sid, ident, ts, name, actor, steps, at, status = row
            data: dict[str, object] = {"next": json.loads(steps) if steps else [], "status": status}
            if at is not None:
                data["at"] = at
            session = views.get(sid)
            if session is None:
                number, _, home = meta[sid]
                session = views[sid] = Session(number, sid, stem_of(home))
            session.add(Event(id=ident, ts=ts, session=name, sid=sid, type="session.ended", actor=actor, data=data))
    if notes:
        for sid, count in conn.execute(
            "SELECT sid, count(*) FROM events WHERE type = 'note' AND moment = ts GROUP BY sid HAVING count(*) > ?", (int(notes),)
        ):
            if sid in views:
                views[sid].omitted_notes = count - int(notes)
    # A sparse view leaves out the sessions with no event of its types, but not one sharing its
    # number with another (a merge of two clones' 00001): the labels that name their documents
    # apart (merging.label_clashes) count every session of the number.
    numbers = Counter(number for number, _, _ in meta.values()) if sparse else Counter()
    for sid, (number, start, home) in meta.items():
        session = views.get(sid)
        if session is None:
            if sparse and numbers[number] < 2:
                continue
            session = views[sid] = Session(number, sid, stem_of(home))
        session.name = session.doc = number  # the newest renumber's, as the index folded it
        if session.started is None:
            session.pin_start(start)
    chosen: list[Session] = list(loaded)
    views.update((one.sid, one) for one in chosen)
    wanted = sorted(set(full) - {one.file for one in chosen})
    from session_tracker.core.files import scan

    listing = scan(layout) if wanted else None  # one directory listing for every session read
    for stem in wanted:
        found, _ = load_session_file(layout, stem, listing)
        for one in found:
            views[one.sid] = one
            chosen.append(one)
    bad = [Problem(where, reason) for where, reason in problems(conn, layout)]
    return Project(list(views.values()), bad), chosen  # (Project labels the sessions sharing a number)


def newest_ended(conn: sqlite3.Connection, exclude: str = "") -> tuple[str, str] | None:
    """``(file stem, sid)`` of the newest ended session (by end time, then number) other than
    sid ``exclude``; None when there is none."""
    row = conn.execute("SELECT source, sid FROM sessions WHERE ended_rowid IS NOT NULL AND sid != ? ORDER BY end_t DESC, number DESC LIMIT 1",
                       (exclude,)).fetchone()
    return (stem_of(row[0]), str(row[1])) if row else None


def latest_decisions(conn: sqlite3.Connection, layout: Layout, n: int) -> tuple[int, list[Event]]:
    """``(how many decisions the sessions hold, the newest n)``, newest first by (moment, id)
    (text order, as the context sorts them)."""
    count = conn.execute("SELECT count(*) FROM events e JOIN sessions s ON s.sid = e.sid WHERE e.type = 'decision'").fetchone()[0]
    rows = conn.execute(
        "SELECT e.raw, e.source, e.pos FROM events e JOIN sessions s ON s.sid = e.sid WHERE e.type = 'decision' "
        "ORDER BY e.moment DESC, e.id DESC LIMIT ?", (n,)
    ).fetchall()
    return int(count), [_event(raw if raw is not None else read_line(layout, source, pos)) for raw, source, pos in rows]


def duplicate_ids(conn: sqlite3.Connection) -> list[tuple[str, list[str]]]:
    """Event ids on more than one line of the session files: ``[(id, [".sessions/<file>:<line>", …])]``,
    first copy first (the one readers keep), ids in order."""
    from session_tracker.index.fold import PROJECT_SOURCE_SQL

    rows = conn.execute(
        f"""WITH twice AS (SELECT id FROM events WHERE NOT {PROJECT_SOURCE_SQL} GROUP BY id HAVING count(*) > 1
                           UNION SELECT id FROM duplicates WHERE NOT {PROJECT_SOURCE_SQL})
            SELECT id, source, line FROM events WHERE id IN twice AND NOT {PROJECT_SOURCE_SQL}
            UNION ALL SELECT id, source, line FROM duplicates WHERE NOT {PROJECT_SOURCE_SQL}
            ORDER BY id, source, line"""
    ).fetchall()
    out: dict[str, list[str]] = {}
    for event_id, source, line in rows:
        out.setdefault(event_id, []).append(f".sessions/{source}:{line}")
    return list(out.items())


def open_sessions(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """``[(name, sid)]`` of sessions started and not ended, in start order."""
    return [(r[0], r[1]) for r in conn.execute(
        "SELECT number, sid FROM sessions WHERE ended_rowid IS NULL AND started_rowid IS NOT NULL ORDER BY start_t, number")]


def shared_numbers(conn: sqlite3.Connection) -> list[tuple[str, list[str]]]:
    """``[(number, [sid, …])]`` of numbers more than one session holds (a merge collision)."""
    rows = conn.execute("SELECT number, sid FROM sessions WHERE number IN (SELECT number FROM sessions GROUP BY number HAVING count(*) > 1) "
                        "ORDER BY number, start_t, rowid").fetchall()
    out: dict[str, list[str]] = {}
    for number, sid in rows:
        out.setdefault(number, []).append(sid)
    return list(out.items())


def session_view(conn: sqlite3.Connection, layout: Layout, sid: str, types: frozenset[str]) -> Session | None:
    """The session ``sid`` holding only its events of ``types`` (start pinned), from the index;
    None when the index has no such session."""
    meta = conn.execute("SELECT number, start_moment, source FROM sessions WHERE sid = ?", (sid,)).fetchone()
    if meta is None:
        return None
    from session_tracker.index.fold import PROJECT_SOURCE_SQL

    session = Session(meta[0], sid, stem_of(meta[2]))
    marks = ", ".join(f"'{t}'" for t in sorted(types))
    for raw, source, pos in conn.execute(
        f"SELECT raw, source, pos FROM events WHERE sid = ? AND type IN ({marks}) AND NOT {PROJECT_SOURCE_SQL} ORDER BY rowid", (sid,)
    ):
        session.add(_event(raw if raw is not None else read_line(layout, source, pos)))
    session.name = session.doc = meta[0]  # the newest renumber's, as the index folded it
    if session.started is None:
        session.pin_start(meta[1])
    return session
