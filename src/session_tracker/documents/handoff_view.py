"""One ended session's handoff as ``handoff``, ``init`` and the agents' starting context print
it, kept in the index (:mod:`session_tracker.index.digest`) from the moment ``end`` renders it.

A handoff is made of its own session's file and, of the others, only their blockers and metrics
(the blockers open at its end, the metrics delta against the session before it). So its key is
the file's stamp as the index read it, the generations of the blocker, metrics and renumber
types, the configuration, and — instead of every start and end in the store, which a new
session or another one's end would change — the facts that can change it: its number and how
many sessions share it (labels), and the sessions that started before it (the metrics delta is
against the newest of them). ``end`` stores what it rendered under that key, so the next
SessionStart reads it back.
"""

from __future__ import annotations

from session_tracker.core.context import Context
from session_tracker.core.model import Project, Session
from session_tracker.documents.expected import render_kind
from session_tracker.index.query import HANDOFF_TYPES as OTHERS  # what a handoff needs of the others: blockers, metrics

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3

    from session_tracker.core.paths import Layout

__all__ = ["KEY_TYPES", "NAME", "OTHERS", "key", "project_for", "remember", "rendered", "shown"]
KEY_TYPES = OTHERS | {"session.renumbered"}
NAME = "handoff"  # the digest's name: one kept handoff, the newest asked for


def key(ctx: Context, conn: sqlite3.Connection, stem: str, sid: str) -> str | None:
    """The digest key of session ``sid``'s handoff, or None when the index has no such session."""
    from session_tracker.index import digest

    row = conn.execute("SELECT number, start_t FROM sessions WHERE sid = ?", (sid,)).fetchone()
    if row is None:
        return None
    number, start = row
    sharing = conn.execute("SELECT count(*) FROM sessions WHERE number = ?", (number,)).fetchone()[0]
    before = conn.execute("SELECT count(*), total(start_t) FROM sessions WHERE start_t < ?", (start,)).fetchone()
    return digest.key(conn, KEY_TYPES, stem, sid, digest.source_stamp(conn, sid), digest.fingerprint(ctx.config), number,
                      sharing, list(before), sessions=False)


def shown(session: Session, text: str | None) -> dict[str, object]:
    """``{"session", "ended", "handoff"}``: what is kept of an ended ``session``'s handoff ``text``."""
    return {"session": session.name, "ended": session.end_moment, "handoff": text}


def rendered(ctx: Context, conn: sqlite3.Connection, stem: str, sid: str) -> dict[str, object] | None:
    """:func:`shown` of session ``sid``'s handoff (event file ``stem``; its file read in full, the
    others' blockers and metrics from the index), kept under :func:`key`; None when it has not ended."""
    from session_tracker.index import digest

    def compute() -> dict[str, object] | None:
        project, full = project_for(conn, ctx.layout, stem)
        chosen = next((s for s in full if s.sid == sid), None)
        if chosen is None or chosen.ended is None:
            return None
        return shown(chosen, render_kind("handoff", chosen, project))

    value_key = key(ctx, conn, stem, sid)
    if value_key is None:
        return None
    return digest.cached(conn, NAME, value_key, compute)  # type: ignore[no-any-return]


def remember(ctx: Context, conn: sqlite3.Connection, session: Session, text: str) -> None:
    """Keep ``text``, the handoff ``end`` just rendered for ``session`` (from its file in full
    and the others' blockers and metrics: what :func:`rendered` computes), under :func:`key`, so
    the next session's start reads it back. Never raises."""
    import sqlite3

    from session_tracker.index import digest

    if session.ended is None:
        return
    try:
        value_key = key(ctx, conn, session.file, session.sid)
        if value_key is not None:
            digest.store(conn, NAME, value_key, shown(session, text))
    except sqlite3.Error:  # a derived copy only: the next reader renders it
        pass


def project_for(conn: sqlite3.Connection, layout: Layout, stem: str) -> tuple[Project, list[Session]]:
    """``(project, the sessions of event file stem read in full)`` to render their handoffs
    from: of the other sessions only what those handoffs show (``conn``: a fresh index), so an
    ``end`` reads its own session and a few others, not the blockers and metrics of them all.

    * The blockers open at an end: by the ids that end recorded (``blockers_open``); for an
      older end without them, or a session still open, every blocker event (:data:`OTHERS`).
    * The metrics delta: the metrics of the session that began last before it (the project's
      order: start, number, sid) and has any.

    Raises:
        NewerSchema: the session file holds an event of a newer schema version.
    """
    from session_tracker.core.clock import instant
    from session_tracker.core.model import load_session_file
    from session_tracker.index import query
    from session_tracker.index.fold import PROJECT_SOURCE_SQL

    found, _ = load_session_file(layout, stem)
    parts: list[str] = []
    args: list[object] = []
    recorded = [listed for session in found
                if session.ended and isinstance(listed := session.ended.data.get("blockers_open"), list)]
    if len(recorded) < len(found):  # an open session, or an end from before ends recorded them
        parts.append("e.type IN ('blocker.opened', 'blocker.resolved')")
    elif ids := sorted({str(one) for listed in recorded for one in listed}):
        parts.append(f"(e.type = 'blocker.opened' AND e.id IN ({', '.join('?' * len(ids))}))")
        args += ids
    before = set()
    for session in found:
        t = instant(session.start_moment)
        row = conn.execute(
            "SELECT s.sid FROM sessions s WHERE (s.start_t < ? OR (s.start_t = ? AND (s.number < ? OR (s.number = ? AND s.sid < ?)))) "
            "AND EXISTS (SELECT 1 FROM events e WHERE e.sid = s.sid AND e.type = 'metrics.recorded' "
            f"AND NOT {PROJECT_SOURCE_SQL.replace('source', 'e.source')}) ORDER BY s.start_t DESC, s.number DESC, s.sid DESC LIMIT 1",
            (t, t, session.name, session.name, session.sid)).fetchone()
        if row is not None:
            before.add(str(row[0]))
    if before:
        parts.append(f"(e.type = 'metrics.recorded' AND e.sid IN ({', '.join('?' * len(before))}))")
        args += sorted(before)
    return query.project(conn, layout, types=OTHERS, sparse=True, loaded=found, among=(" OR ".join(parts) or "0", args))
