"""The ``sessions`` table: one row per session, folded from its events in the index.

The same facts :class:`session_tracker.core.model.Session` folds from a session file: the first
``session.started`` and ``session.ended`` (file order), the number (the newest
``session.renumbered``'s, else the start's, else the file name's), the file stem it appends to
(the one holding its start), the start moment (the start event's; a retroactive ``--at`` never
moves it; without a start, the earliest moment), the end moment (``data.at`` of an imported end,
else its time), and counts of entries, decisions, blockers and commits.
Plan events name the session they were recorded in but are not part of it.
"""

from __future__ import annotations

import json

from session_tracker.core.clock import instant

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3

#: Types of the project's plan: they name the session they were recorded in, but are not part
#: of its work, so they do not make or count in a ``sessions`` row.
PLAN_TYPES = frozenset({
    "project.set", "phase.added", "phase.set", "milestone.added", "milestone.set", "component.added", "component.set",
    "task.added", "task.set", "question.opened", "question.answered", "next.added", "next.done", "resource.added",
    "interface.defined", "issue.noted", "issue.fixed", "plan.removed", "memory.added",
})
NO_SESSION = "project"  # the sid of plan events recorded with no session open
#: An event file of project events (``project.jsonl``, ``project-<clone>.jsonl``, a ``project/``
#: folder): its events name the session they were recorded in but are not part of it.
PROJECT_SOURCE_SQL = "(source LIKE 'project%' OR source LIKE '%/project%')"
#: The same test on ``event_rows`` (their ``src`` numbers the file), without a path per row.
PROJECT_ROW_SQL = "(src IN (SELECT id FROM event_files WHERE project = 1))"


def is_project_source(rel: str) -> bool:
    """True for an event file of project events (see :data:`PROJECT_SOURCE_SQL`)."""
    return rel.startswith("project") or "/project" in rel


CHUNK = 400  # sids per statement (SQLite allows 32,766 parameters; stay well below)
_PLAN = ", ".join(f"'{t}'" for t in sorted(PLAN_TYPES))


def _number_of(source: str) -> str:
    """The number in an events file's name (``events/00003-<sid>.jsonl`` -> ``00003``), or ''."""
    from session_tracker.core.files import split_stem

    stem = source.rsplit("/", 1)[-1].removesuffix(".jsonl")
    try:
        return split_stem(stem)[0]
    except ValueError:
        return ""


def fold_sessions(conn: sqlite3.Connection, sids: set[str], every: bool = False) -> None:
    """Recompute the ``sessions`` rows of ``sids`` from their events (inside the caller's
    transaction); a sid left with no events loses its row. ``every``: fold every session of the
    index at once (a build from nothing), in one scan rather than one lookup per session."""
    if every:
        _fold(conn, None)
        return
    wanted = sorted(s for s in sids if s != NO_SESSION)
    for first in range(0, len(wanted), CHUNK):
        _fold(conn, wanted[first:first + CHUNK])


def _fold(conn: sqlite3.Connection, sids: list[str] | None) -> None:
    """Fold the sessions ``sids`` (at most :data:`CHUNK`), or every session (None)."""
    within = "1" if sids is None else f"sid IN ({', '.join('?' * len(sids))})"
    among = "" if sids is None else f"{within} AND "
    sids = sids or []
    conn.execute(f"DELETE FROM sessions WHERE {within}", sids)
    counts = conn.execute(
        f"""SELECT sid, count(*), sum(type = 'note'), sum(type = 'decision'), sum(type = 'blocker.opened'),
                   sum(type = 'commit'), min(CASE WHEN type = 'session.started' THEN rowid END),
                   min(CASE WHEN type = 'session.ended' THEN rowid END), min(rowid)
            FROM event_rows WHERE {among}type NOT IN ({_PLAN}) AND NOT {PROJECT_ROW_SQL} AND sid != '{NO_SESSION}' GROUP BY sid""",
        sids,
    ).fetchall()
    startless = [row[0] for row in counts if row[6] is None]  # rare: a file missing its start
    starts: dict[str, tuple[str, float]] = {}
    for first in range(0, len(startless), CHUNK):
        part = startless[first:first + CHUNK]
        # the earliest recorded time (ts, never a retroactive data.at), as Session.start_moment
        for sid, ts in conn.execute(
            f"""SELECT sid, ts FROM events WHERE sid IN ({', '.join('?' * len(part))}) AND type NOT IN ({_PLAN})
                AND NOT {PROJECT_SOURCE_SQL} AND type != 'session.ended' ORDER BY rowid""", part,
        ):
            t = instant(ts)
            if sid not in starts or t < starts[sid][1]:
                starts[sid] = (ts, t)
    wanted = [r[6] or r[8] for r in counts] + [r[7] for r in counts if r[7] is not None]
    anchors: dict[int, tuple[str, str, str, str, float]] = {}
    for first in range(0, len(wanted), CHUNK):
        part = wanted[first:first + CHUNK]
        anchors.update((row[0], row[1:]) for row in conn.execute(
            f"SELECT rowid, session, source, raw, moment, t FROM events WHERE rowid IN ({', '.join('?' * len(part))})", part))
    renumbered: dict[str, str] = {}
    for sid, raw in conn.execute(
        f"SELECT sid, raw FROM events WHERE {among}type = 'session.renumbered' ORDER BY id", sids
    ):
        number = (json.loads(raw).get("data") or {}).get("number") if raw else None
        if isinstance(number, str) and number:
            renumbered[sid] = number
    rows = []
    for sid, total, notes, decisions, blockers, commits, started_rowid, ended_rowid, first_rowid in counts:
        number, source, raw, start_moment, start_t = anchors[started_rowid or first_rowid]
        stem_number = _number_of(source)
        branch = agent = objective = None
        if started_rowid is not None:
            data = json.loads(raw).get("data") or {}
            given = data.get("number")
            number = given if isinstance(given, str) and given else stem_number or number
            git = data.get("git")
            branch = git.get("branch") if isinstance(git, dict) and isinstance(git.get("branch"), str) else None
            agent = data.get("agent") if isinstance(data.get("agent"), str) else None
            goals = data.get("objectives")
            objective = next((g for g in goals if isinstance(g, str)), None) if isinstance(goals, list) else None
        else:  # a file missing its start: the earliest moment, the number in the file name
            start_moment, start_t = starts.get(sid, ("", 0.0))
            number = stem_number or number
        end_moment = end_t = None
        if ended_rowid is not None:
            end_moment, end_t = anchors[ended_rowid][3:]
        number = renumbered.get(sid, number)
        rows.append((sid, number, source, start_moment, start_t, end_moment, end_t, "COMPLETE" if ended_rowid else "OPEN",
                     branch, agent, objective, total, notes, decisions, blockers, commits, started_rowid, ended_rowid))
    conn.executemany(
        "INSERT INTO sessions (sid, number, source, start_moment, start_t, end_moment, end_t, status, branch, agent, objective, "
        "events, entries, decisions, blockers, commits, started_rowid, ended_rowid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
