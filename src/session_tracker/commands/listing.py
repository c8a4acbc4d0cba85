"""``list`` and ``show``: every session at a glance (from the index), or one in full (from its
own event file)."""

from __future__ import annotations

from session_tracker.commands.summary import describe
from session_tracker.core import validate
from session_tracker.core.clock import iso, now, parse_at, parse_iso
from session_tracker.core.context import Context
from session_tracker.core.sessions import find, open_here
from session_tracker.errors import TrackerError

#: What ``describe`` needs of the other sessions: their blockers (open ones are listed).
BLOCKER_TYPES = frozenset({"blocker.opened", "blocker.resolved"})


def _seconds(start: str, end: str | None, until: str) -> float:
    finish = end or until
    if not start or not finish:
        return 0.0
    try:
        return max(0.0, (parse_iso(finish) - parse_iso(start)).total_seconds())
    except ValueError:
        return 0.0


def list_sessions(ctx: Context, limit: int | None = None, since: str | None = None) -> dict[str, object]:
    """Sessions, oldest first, from the index (rebuilt by itself when missing).

    Args:
        limit: only the newest ``limit`` sessions (still listed oldest first).
        since: only sessions that started at or after this time (``--at`` syntax: ISO, a date,
            ``HH:MM``, ``-2h`` …).
    Returns ``{"v": 1, "sessions": [{session, sid, status, open_here, started, ended,
    duration_s, branch, entries, decisions, objective}], "total", "problems": ["file:line: why"]}``;
    ``total`` counts every session of the store.
    Raises:
        TrackerError: a bad ``--limit`` or ``--since``.
    """
    from session_tracker import index
    from session_tracker.index import query
    from session_tracker.index.query import stem_of

    if limit is not None and limit < 1:
        raise TrackerError(f"--limit must be at least 1, not {limit}", "e.g. --limit 50")
    start = iso(parse_at(since)) if since else None
    conn = index.connect_fresh(ctx.layout)
    try:
        found = query.sessions(conn, limit=limit, since=start, newest=limit is not None)
        total = query.count_sessions(conn)
        bad = query.problems(conn, ctx.layout)
    finally:
        conn.close()
    here = open_here(ctx.layout)
    until = iso(now())
    rows = [
        {
            "session": s["number"],
            "sid": s["sid"],
            "status": s["status"],
            "open_here": here.get(stem_of(str(s["source"]))) == s["sid"],
            "started": s["start_moment"],
            "ended": s["end_moment"] or None,
            "duration_s": round(_seconds(str(s["start_moment"]), str(s["end_moment"]) if s["end_moment"] else None, until), 3),
            "branch": s["branch"],
            "entries": s["entries"],
            "decisions": s["decisions"],
            "objective": s["objective"] or "",
        }
        for s in found
    ]
    return {"v": 1, "sessions": rows, "total": total, "problems": [f"{where}: {reason}" for where, reason in bad]}


def show(ctx: Context, session: str) -> dict[str, object]:
    """One session in full: :func:`describe` plus its timeline of entries.

    Reads that session's event file; of the others only their blockers, from the index.

    Raises:
        TrackerError: invalid or unknown session name.
    """
    from session_tracker.index.stamps import trust_directories

    trust_directories()  # one session's command: the directories tell what changed (index/stamps.py)
    import os

    from session_tracker import index
    from session_tracker.core import private
    from session_tracker.index import digest
    from session_tracker.index.fold import PLAN_TYPES

    validate.session_name(session)
    found = find(ctx, session, unknown_hint="see `session-tracker list`")
    secret = private.path_for(ctx.layout.local_dir, found.file)

    def compute() -> dict[str, object]:
        from session_tracker.commands.open_work import open_work

        result = describe(found, open_work(ctx, conn)[1], private.load(secret))
        result["timeline"] = [
            {"id": e.id, "type": e.type, "at": e.moment, "actor": e.actor, "data": e.data} for e in found.timeline()
        ]
        from session_tracker.workflow.view import agents_view

        result["agents"] = agents_view(found, ctx.layout)  # seed 003: the session's tasks grouped by agent
        return result

    conn = index.connect_fresh(ctx.layout)
    try:
        if found.ended is None:  # an open session's duration runs to now: never kept
            return compute()
        try:
            kept = os.stat(secret)
            private_stamp: object = [kept.st_size, kept.st_mtime_ns]
        except OSError:
            private_stamp = None
        # Kept until its file, its private text, a blocker, a start, a renumber or the plan changes.
        key = digest.key(conn, BLOCKER_TYPES | PLAN_TYPES | {"session.started", "session.ended", "session.renumbered"}, found.file,
                         found.sid, digest.source_stamp(conn, found.sid), private_stamp, digest.fingerprint(ctx.config))
        return digest.cached(conn, "show", key, compute)  # type: ignore[no-any-return]
    finally:
        conn.close()
