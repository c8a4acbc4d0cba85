"""What a session's starting context is composed from, read through the index: the session
itself as the context shows it, the previous session in full, and of the others only their
blockers, metrics, task updates and next steps (:mod:`session_tracker.agents.context`). Used
by the SessionStart hook and the MCP ``session_start`` tool, so neither reads the history."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3

    from session_tracker.core.context import Context
    from session_tracker.core.model import Project, Session

#: What the context needs of the other sessions: blockers, metrics (the previous handoff's
#: delta), task updates, the one list of next steps (handoff items, the steps an end left) and
#: renumbers. The previous session is read in full.
CONTEXT_TYPES = frozenset({"session.ended", "blocker.opened", "blocker.resolved", "metrics.recorded", "task.updated",
                           "handoff.item", "session.renumbered"})
#: What the context shows of the current session: its start, end and handoff items.
CURRENT_TYPES = frozenset({"session.started", "session.ended", "handoff.item"})


def current_view(ctx: Context, conn: sqlite3.Connection, sid: str, refresh: bool = True) -> Session | None:
    """Session ``sid`` holding what the context shows of it (:data:`CURRENT_TYPES` and
    :data:`CONTEXT_TYPES`), from the index (brought up to date first unless ``refresh`` is
    False: the caller's connection was, and nothing was written since); None when unknown."""
    from session_tracker.index import ingest, query

    if refresh:
        ingest.refresh(conn, ctx.layout)
    return query.session_view(conn, ctx.layout, sid, CURRENT_TYPES | CONTEXT_TYPES)


#: Said at the top of a context composed without the index (a fresh clone of a big store).
COLD_NOTE = ("(The project index of this clone is being built in the background: only the previous session's handoff is "
             "below; open blockers and next steps of earlier sessions are listed by `session-tracker status` in a minute.)")


def is_cold(ctx: Context) -> bool:
    """True when the index does not exist yet and the store is too big to build it within the
    agent's wait (:func:`session_tracker.documents.background.too_big`): a fresh clone."""
    import os

    from session_tracker import index
    from session_tracker.documents.background import too_big

    return not os.path.exists(index.index_path(ctx.layout)) and too_big(ctx)


def cold_inputs(ctx: Context, session: Session) -> Project:
    """The project a cold start composes from: ``session`` and the newest ended session among
    the highest-numbered event files (read in full, at most a few files), no index."""
    from session_tracker.core.files import scan
    from session_tracker.core.model import Project, load_session_file

    listing = scan(ctx.layout)
    previous = None
    for stem in sorted(listing.stems, key=lambda s: (len(s.split("-", 1)[0]), s), reverse=True)[:8]:
        found = [s for s in load_session_file(ctx.layout, stem, listing)[0] if s.sid != session.sid and s.ended is not None]
        if found:
            previous = found[-1]
            break
    return Project([session] + ([previous] if previous else []), [])


#: What the context's lists (blockers, steps, tasks, decisions) are derived from: not
#: ``session.started`` (a new session changes nothing in them), and of the ends only those that
#: left next steps (:data:`session_tracker.index.ingest.ENDED_WITH_STEPS`).
LISTS_TYPES = (CONTEXT_TYPES - {"session.ended"}) | {"decision"}


def context_parts(ctx: Context, conn: sqlite3.Connection, session: Session) -> dict[str, object]:
    """:func:`session_tracker.agents.context.gather` for ``session``, from two values the index
    keeps (:mod:`session_tracker.index.digest`): the lists, until a blocker, step, task,
    decision or renumber comes in, and the previous session's handoff, which ``end`` kept
    (:mod:`session_tracker.documents.handoff_view`). The SessionStart hook and MCP
    ``session_start`` then cost what their own session costs, also right after an ``end``."""
    from session_tracker.agents.context import gather_lists, with_handoff
    from session_tracker.documents import handoff_view
    from session_tracker.index import digest, query
    from session_tracker.index.fold import PLAN_TYPES
    from session_tracker.index.ingest import ENDED_WITH_STEPS

    def lists() -> dict[str, object]:
        project, _ = query.project(conn, ctx.layout, (), CONTEXT_TYPES, sparse=True, loaded=[session], slim_ended=True)
        return gather_lists(ctx, project, query.latest_decisions(conn, ctx.layout, 20))

    ended = session.sid if session.ended is not None else None  # an ended session is not among the "others"
    key = digest.key(conn, LISTS_TYPES | PLAN_TYPES | {ENDED_WITH_STEPS}, digest.fingerprint(ctx.config), ended, sessions=False)
    previous = query.newest_ended(conn, exclude=session.sid)
    shown = handoff_view.rendered(ctx, conn, *previous) if previous is not None else None
    return with_handoff(ctx, digest.cached(conn, "context", key, lists), shown)
