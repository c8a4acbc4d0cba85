"""What is open now, whichever session left it: the one list of next steps and the open
blockers, as ``init``, ``summary`` and ``show`` print them (kept in the index until one of the
event types they are folded from changes)."""

from __future__ import annotations

from session_tracker.core.context import Context
from session_tracker.core.model import Project

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3


def blocker_rows(project: Project) -> list[dict[str, object]]:
    """The open blockers of ``project`` as :func:`session_tracker.commands.summary.describe` and ``init`` take them:
    ``[{"id", "message", "session" (the one it was opened in)}]``, oldest first."""
    return [{"id": b.text("blocker"), "message": b.text("message"), "session": b.session} for b in project.open_blockers()]


#: What the open steps and blockers are folded from (:mod:`session_tracker.plan.steps`).
OPEN_WORK_TYPES = frozenset({"session.ended", "handoff.item", "blocker.opened", "blocker.resolved", "session.renumbered"})


def open_work(ctx: Context, conn: sqlite3.Connection | None = None) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """What is open now, whichever session left it: the one list of next steps
    (:mod:`session_tracker.plan.steps`) and the open blockers, as ``--json`` dicts
    (``{id, message, priority, session, added, source}``, ``{id, message, session}``).

    The previous handoff is a record of that session's end; these are the live lists. Kept in
    the index (:mod:`session_tracker.index.digest`) until an end, a handoff item, a blocker, a
    renumber or a plan change comes in: ``init``, ``summary`` and ``show`` ask for them all.
    ``conn``: the caller's connection, already brought up to date (else one is opened).
    """
    from session_tracker import index
    from session_tracker.index import digest, query
    from session_tracker.index.fold import PLAN_TYPES
    from session_tracker.index.ingest import ENDED_WITH_STEPS
    from session_tracker.plan.model import load_plan
    from session_tracker.plan.steps import open_steps

    if conn is None:
        own = index.connect_fresh(ctx.layout)
        try:
            return open_work(ctx, own)
        finally:
            own.close()

    def compute() -> dict[str, object]:
        project, _ = query.project(conn, ctx.layout, types=OPEN_WORK_TYPES, sparse=True, slim_ended=True)
        return {"steps": [step.to_dict() for step in open_steps(project, load_plan(ctx.layout))], "blockers": blocker_rows(project)}

    # A new session changes neither list (its start is no step), nor does an end that left no
    # next steps: neither is in the key.
    keyed = (OPEN_WORK_TYPES - {"session.ended"}) | PLAN_TYPES | {ENDED_WITH_STEPS}
    value = digest.cached(conn, "open_work", digest.key(conn, keyed, sessions=False), compute)
    return value["steps"], value["blockers"]


#: What the open blockers are folded from.
BLOCKER_TYPES = frozenset({"blocker.opened", "blocker.resolved"})


def open_blocker_ids(ctx: Context, conn: sqlite3.Connection) -> list[str]:
    """The event ids of the blockers open now (their ``blocker.opened`` events), oldest first:
    what ``end`` records as ``blockers_open``. Kept in the index until a blocker is opened or
    resolved (``conn``: brought up to date)."""
    from session_tracker.index import digest, query

    def compute() -> list[str]:
        project, _ = query.project(conn, ctx.layout, types=BLOCKER_TYPES, sparse=True)
        return [e.id for e in project.open_blockers()]

    return digest.cached(conn, "open_blocker_ids", digest.key(conn, BLOCKER_TYPES, sessions=False), compute)  # type: ignore[no-any-return]
