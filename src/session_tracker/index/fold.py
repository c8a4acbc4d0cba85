"""The ``sessions`` table: one row per session, folded from its events in the index.

The same facts :class:`session_tracker.core.model.Session` folds from a session file: the first
``session.started`` and ``session.ended`` (file order), the start moment (the earliest moment
of its events but the end, so a retroactive ``--at`` moves it), the end moment (``data.at`` of
an imported end, else its time), and counts of entries, decisions, blockers and commits.
Plan events name the session they were recorded in but are not part of it.
"""

from __future__ import annotations

import json

from session_tracker.index.ingest import NO_SESSION, PLAN_TYPES, PROJECT_SOURCE_SQL

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3

CHUNK = 400  # sids per statement (SQLite allows 32,766 parameters; stay well below)
_PLAN = ", ".join(f"'{t}'" for t in sorted(PLAN_TYPES))


def fold_sessions(conn: sqlite3.Connection, sids: set[str]) -> None:
    """Recompute the ``sessions`` rows of ``sids`` from their events (inside the caller's
    transaction); a sid left with no events loses its row."""
    wanted = sorted(s for s in sids if s != NO_SESSION)
    for first in range(0, len(wanted), CHUNK):
        _fold_chunk(conn, wanted[first:first + CHUNK])


def _fold_chunk(conn: sqlite3.Connection, sids: list[str]) -> None:
    marks = ", ".join("?" * len(sids))
    conn.execute(f"DELETE FROM sessions WHERE sid IN ({marks})", sids)
    counts = conn.execute(
        f"""SELECT sid, count(*), sum(type = 'note'), sum(type = 'decision'), sum(type = 'blocker.opened'),
                   sum(type = 'commit'), min(CASE WHEN type = 'session.started' THEN rowid END),
                   min(CASE WHEN type = 'session.ended' THEN rowid END), min(rowid)
            FROM events WHERE sid IN ({marks}) AND type NOT IN ({_PLAN}) AND NOT {PROJECT_SOURCE_SQL} GROUP BY sid""",
        sids,
    ).fetchall()
    starts = {
        row[0]: (row[1], row[2])
        for row in conn.execute(
            f"""SELECT sid, moment, t FROM (SELECT sid, moment, t, row_number() OVER (PARTITION BY sid ORDER BY t, rowid) AS n
                FROM events WHERE sid IN ({marks}) AND type NOT IN ({_PLAN}) AND NOT {PROJECT_SOURCE_SQL}
                AND type != 'session.ended') WHERE n = 1""",
            sids,
        )
    }
    wanted = [r[6] or r[8] for r in counts] + [r[7] for r in counts if r[7] is not None]
    anchors: dict[int, tuple[str, str, str, str, float]] = {}
    for first in range(0, len(wanted), CHUNK):
        part = wanted[first:first + CHUNK]
        anchors.update((row[0], row[1:]) for row in conn.execute(
            f"SELECT rowid, session, source, raw, moment, t FROM events WHERE rowid IN ({', '.join('?' * len(part))})", part))
    rows = []
    for sid, total, notes, decisions, blockers, commits, started_rowid, ended_rowid, first_rowid in counts:
        number, source, raw, _, _ = anchors[started_rowid or first_rowid]
        branch = agent = objective = None
        if started_rowid is not None:
            data = json.loads(raw).get("data") or {}
            git = data.get("git")
            branch = git.get("branch") if isinstance(git, dict) and isinstance(git.get("branch"), str) else None
            agent = data.get("agent") if isinstance(data.get("agent"), str) else None
            goals = data.get("objectives")
            objective = next((g for g in goals if isinstance(g, str)), None) if isinstance(goals, list) else None
        end_moment = end_t = None
        if ended_rowid is not None:
            end_moment, end_t = anchors[ended_rowid][3:]
        start_moment, start_t = starts.get(sid, ("", 0.0))
        rows.append((sid, number, source, start_moment, start_t, end_moment, end_t, "COMPLETE" if ended_rowid else "OPEN",
                     branch, agent, objective, total, notes, decisions, blockers, commits, started_rowid, ended_rowid))
    conn.executemany(
        "INSERT INTO sessions (sid, number, source, start_moment, start_t, end_moment, end_t, status, branch, agent, objective, "
        "events, entries, decisions, blockers, commits, started_rowid, ended_rowid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
