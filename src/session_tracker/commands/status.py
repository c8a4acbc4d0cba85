"""``status``: the project at a glance — current phase and session, progress, open blockers
and questions, next steps, latest tests and coverage."""

from __future__ import annotations

from session_tracker.core.clock import display
from session_tracker.core.context import Context
from session_tracker.plan.derive import ICONS, State, bar, coverage_cell, tests_cell
from session_tracker.plan.model import load_plan
from session_tracker.plan.steps import open_steps

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3

STATUS_TYPES = frozenset({"session.started", "session.ended", "blocker.opened", "blocker.resolved", "metrics.recorded",
                          "handoff.item", "session.renumbered"})


def status(ctx: Context, glance: int | None = None) -> dict[str, object]:
    """The dashboard's data, also the ``--json`` shape (``v`` 1)::

        {"v", "project", "current_phase", "open_sessions", "last_session" {name, date, title}|null,
         "progress" {percent (null with no phases planned), done, planned, text}, "phases" [{name, sessions, status, percent,
         status_text, bar}], "blockers" [{id, message, impact, plan, session}], "questions"
         [{id, message}], "next" [{id, message, priority, session, added, source}], "tests" {passing, coverage,
         metrics}, "tasks" {total, done, in_progress, blocked, items [{id, title, status, session}]}}

    ``glance``: only the first ``glance`` blockers, questions and next steps, each list's full
    length as ``blockers_total`` … (what the text view shows: 10,000 sessions can leave 20,000
    open steps, megabytes to decode for a screenful).
    """
    from session_tracker.index import connect_fresh, digest
    from session_tracker.index.fold import PLAN_TYPES

    conn = connect_fresh(ctx.layout)
    try:
        # Folded again only when a start, end, blocker, metric, handoff item or plan change came in.
        value_key = digest.key(conn, STATUS_TYPES | PLAN_TYPES)

        def full() -> dict[str, object]:
            return digest.cached(conn, "status", value_key, lambda: _status(ctx, conn))  # type: ignore[no-any-return]

        if glance is None:
            return full()
        return digest.cached(conn, f"status-glance-{glance}", value_key, lambda: _glanced(full(), glance))  # type: ignore[no-any-return]
    finally:
        conn.close()


def _glanced(result: dict[str, object], items: int) -> dict[str, object]:
    out = dict(result)
    for key in ("blockers", "questions", "next"):
        found = result[key]
        assert isinstance(found, list)
        out[key], out[f"{key}_total"] = found[:items], len(found)
    return out


def _status(ctx: Context, conn: sqlite3.Connection) -> dict[str, object]:
    from session_tracker.index import query

    # From the index: every session's start and end, and the blockers and metrics events.
    project, _ = query.project(conn, ctx.layout, types=STATUS_TYPES, slim_ended=True)
    plan = load_plan(ctx.layout)
    state = State(project, plan)
    last = state.last
    latest = state.latest_metrics()
    tasks = list(plan.tasks.values())
    next_items = open_steps(project, plan)  # the one list: next, end --next, handoff --item
    return {
        "v": 1,
        "project": plan.name or "Project",
        "project_named": bool(plan.name),
        "current_phase": state.current_phase.item.key if state.current_phase else None,
        "open_sessions": [s.name for s in state.open],
        "last_session": {
            "name": last.name,
            "date": display(last.end_moment, last.tz)[:10],
            "title": last.objectives[0] if last.objectives else "",
        } if last else None,
        "progress": {"percent": state.percent if state.planned else None, "done": state.done, "planned": state.planned, "text": state.overall()},
        "phases": [
            {"name": p.item.key, "sessions": p.range, "status": p.status, "percent": p.percent, "status_text": ICONS[p.status], "bar": bar(p.percent)}
            for p in state.phases
        ],
        "blockers": [
            {"id": b.text("blocker"), "message": b.text("message"), "impact": b.text("impact") or None, "plan": b.text("plan") or None, "session": b.session, "sid": b.sid}
            for b in project.open_blockers()
        ],
        "questions": [{"id": q.key, "message": q.s("message")} for q in plan.questions.values() if not q.s("answer")],
        "next": [step.to_dict() for step in next_items],
        "tests": {"passing": None if tests_cell(latest) == "—" else tests_cell(latest),
                  "coverage": None if coverage_cell(latest) == "—" else coverage_cell(latest), "metrics": latest},
        "tasks": {
            "total": len(tasks),
            "done": sum(1 for t in tasks if t.s("status") == "done"),
            "in_progress": sum(1 for t in tasks if t.s("status") == "in_progress"),
            "blocked": sum(1 for t in tasks if t.s("status") == "blocked"),
            "items": [{"id": t.key, "title": t.s("title"), "status": t.s("status") or "todo", "session": t.created.session} for t in tasks],
        },
    }
