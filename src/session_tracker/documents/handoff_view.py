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
from session_tracker.core.model import Session
from session_tracker.documents.expected import render_kind
from session_tracker.index.query import HANDOFF_TYPES as OTHERS  # what a handoff needs of the others: blockers, metrics

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3

__all__ = ["KEY_TYPES", "NAME", "OTHERS", "key", "remember", "rendered", "shown"]
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
    from session_tracker.index import digest, query

    def compute() -> dict[str, object] | None:
        project, full = query.project(conn, ctx.layout, {stem}, OTHERS, sparse=True)
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
