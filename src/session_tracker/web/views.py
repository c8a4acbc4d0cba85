"""The data of every dashboard page and JSON API body, built from a :class:`~.data.Snapshot`.

Bodies of the API that the CLI also prints (``list``, ``show``) have exactly the CLI's
``--json`` shape (built with the same functions: ``commands.summary.describe``); the others
(decisions, blockers, plan, metrics) carry ``"v"`` and are documented per function.
"""

from __future__ import annotations

from session_tracker.commands.open_work import blocker_rows
from session_tracker.commands.summary import describe
from session_tracker.core.clock import iso, now
from session_tracker.core.events import Event
from session_tracker.core.model import Project, Session
from session_tracker.index.query import stem_of
from session_tracker.metrics import latest as latest_mod
from session_tracker.plan.derive import ICONS, State
from session_tracker.plan.model import TASK_STATUSES
from session_tracker.web import API_VERSION
from session_tracker.web.data import Row, Snapshot, Store
from session_tracker.web.links import Links
from session_tracker.web.when import when

PAGE_SIZE = 100


class NotFound(Exception):
    """The page names nothing in the store (becomes a 404)."""


def ambiguous_names(snap: Snapshot) -> set[str]:
    """Names held by more than one session (after a colliding merge): links use the sid."""
    return snap.memo("ambiguous", lambda: _ambiguous(snap))


def _ambiguous(snap: Snapshot) -> set[str]:
    seen: set[str] = set()
    twice: set[str] = set()
    for row in snap.rows:
        (twice if row.name in seen else seen).add(row.name)
    return twice


def session_href(links: Links, snap: Snapshot, name: str, sid: str, twice: set[str] | None = None) -> str:
    """The link to a session, by name, or by name and sid when the name is ambiguous."""
    return links.session(name, sid if name in (ambiguous_names(snap) if twice is None else twice) else "")


def zones(snap: Snapshot) -> dict[str, str]:
    """``{sid: the offset its times are shown in}``."""
    return snap.memo("zones", lambda: {r.sid: r.tz for r in snap.rows})


def sessions_api(snap: Snapshot) -> dict[str, object]:
    """``GET /api/v1/sessions``: the body of ``list --json``, built as
    ``commands.listing.list_sessions`` builds it, from the snapshot's rows."""
    from session_tracker.commands.listing import _seconds

    until = iso(now())
    rows = [{"session": r.name, "sid": r.sid, "status": r.status, "open_here": snap.here.get(stem_of(r.source)) == r.sid, "started": r.started,
             "ended": r.ended or None, "duration_s": round(_seconds(r.started, r.ended or None, until), 3), "branch": r.branch or None,
             "entries": r.entries, "decisions": r.decisions, "objective": r.objective} for r in snap.rows]
    return {"v": API_VERSION, "sessions": rows, "total": len(rows), "problems": snap.problems}


def sessions_page(snap: Snapshot, links: Links, q: str = "", status: str = "", agent: str = "", page: int = 1,
                  page_size: int = PAGE_SIZE) -> dict[str, object]:
    """The sessions list, newest first, filtered and cut into pages.

    Args:
        q: words that must all appear in the name, objective or branch (casefolded).
        status: ``OPEN`` or ``COMPLETE`` ('' for both); agent: an agent name, ``human`` for
            sessions no agent started, '' for all; page: 1-based; page_size: rows per page.
    """
    words = q.casefold().split()
    chosen: list[Row] = []
    agents: set[str] = set()
    for row in reversed(snap.rows):
        agents.add(row.agent or "human")
        if status and row.status != status:
            continue
        if agent and (row.agent or "human") != agent:
            continue
        if words and not all(w in f"{row.name} {row.objective} {row.branch}".casefold() for w in words):
            continue
        chosen.append(row)
    page_size = max(1, page_size)
    pages = max(1, (len(chosen) + page_size - 1) // page_size)
    page = min(max(1, page), pages)
    twice = ambiguous_names(snap)
    rows = [{"session": r.name, "sid": r.sid, "status": r.status, "open_here": snap.here.get(stem_of(r.source)) == r.sid,
             "href": session_href(links, snap, r.name, r.sid, twice), "started_text": when(r.started, r.tz) if r.started else "",
             "objective": r.objective, "branch": r.branch, "agent": r.agent, "entries": r.entries, "decisions": r.decisions,
             "tokens": r.tokens, "commands": r.commands, "files": r.files}
            for r in chosen[(page - 1) * page_size: page * page_size]]
    return {"rows": rows, "total": len(chosen), "all": len(snap.rows), "page": page, "pages": pages,
            "q": q, "status": status, "agent": agent, "agents": sorted(agents), "problems": snap.problems}


def pick(store: Store, key: str, sid: str = "") -> tuple[Project, Session]:
    """The session a page names, read in full, and a project holding every session's blockers:
    by name (the newest of a colliding name unless ``sid`` picks one, as ``show`` does), or by
    sid prefix.

    Raises:
        NotFound: no such session.
    """
    project, found = store.session_view(key)
    if sid:
        found = [s for s in found if s.sid == sid]
    if not found:
        raise NotFound(f"no session {key!r}")
    return project, found[-1]


def show_api(snap: Snapshot, project: Project, session: Session, with_timeline: bool = True) -> dict[str, object]:
    """``GET /api/v1/sessions/{name}``: the body of ``show --json`` (``describe`` plus
    ``timeline`` [{id, type, at, actor, data}] and ``agents`` {agent: [tasks]}), built as
    ``commands.listing.show`` and ``lifecycle.view.agents_view`` build it, with the snapshot's
    plan (read once, not once per session)."""
    from session_tracker.workflow.view import STATUS_JSON, by_agent, session_tasks

    result = describe(session, blocker_rows(project))
    if with_timeline:  # (the page lists the timeline its own way)
        result["timeline"] = [{"id": e.id, "type": e.type, "at": e.moment, "actor": e.actor, "data": e.data} for e in session.timeline()]
    result["agents"] = {
        agent: [{"task": t.key, "title": t.s("title"), "status": STATUS_JSON.get(t.s("status", "todo"), "pending"),
                 "estimate": t.n("estimate"), "actual": t.n("actual")} for t in tasks]
        for agent, tasks in by_agent(session_tasks(session, snap.plan)).items()
    }
    return result


def decisions(snap: Snapshot, links: Links | None = None, limit: int | None = None) -> dict[str, object]:
    """``GET /api/v1/decisions``: every decision (or the newest ``limit``), newest first:
    ``{"v", "decisions": [{id, session, sid, at, message, rationale, alternatives}], "total"}``
    (with ``links``, also ``href``, ``session_href`` and ``when`` for the pages)."""
    found, total = snap.latest("decision", limit if limit is not None else 1 << 62)
    twice = ambiguous_names(snap) if links is not None else set()
    tz = zones(snap)
    rows = []
    for e in found:
        row: dict[str, object] = {"id": e.id, "session": e.session, "sid": e.sid, "at": e.moment, "message": e.text("message"),
                                  "rationale": e.text("rationale"), "alternatives": e.texts("alternatives")}
        if links is not None:
            row.update(href=links.decision(e.id), session_href=session_href(links, snap, e.session, e.sid, twice),
                       when=when(e.moment, tz.get(e.sid, "+00:00")))
        rows.append(row)
    return {"v": API_VERSION, "decisions": rows, "total": total}


def decision(store: Store, snap: Snapshot, event_id: str, links: Links) -> dict[str, object]:
    """``GET /api/v1/decisions/{id}``: ``{"v", "id", "session", "sid", "at", "actor", "message",
    "rationale", "alternatives"}`` (plus links for the page). Raises NotFound."""
    e = store.event(event_id) if event_id else None
    if e is None or e.type != "decision":
        raise NotFound(f"no decision {event_id!r}")
    return decision_view(snap, e, links, zones(snap).get(e.sid, "+00:00"))


def decision_view(snap: Snapshot, e: Event, links: Links, tz: str) -> dict[str, object]:
    """A decision event as :func:`decision` shows it (``tz``: its session's offset)."""
    href = session_href(links, snap, e.session, e.sid)
    return {"v": API_VERSION, "id": e.id, "session": e.session, "sid": e.sid, "at": e.moment, "when": when(e.moment, tz),
            "actor": e.actor, "message": e.text("message"), "rationale": e.text("rationale"), "alternatives": e.texts("alternatives"),
            "session_href": href, "anchor": f"{href}#e-{e.id}"}


def work(snap: Snapshot, links: Links | None = None) -> dict[str, object]:
    """``GET /api/v1/blockers``: open blockers and next steps across sessions:
    ``{"v", "blockers": [{id, message, impact, plan, session, at}], "resolved": n,
    "next": [{id, message, priority}] (the plan's), "handoff_next": [{session, steps[]}]
    (the newest ended sessions' next steps, up to 10 sessions), "questions": [{id, message}]}``."""
    return snap.memo(("work", links is not None), lambda: _work(snap, links))


def _work(snap: Snapshot, links: Links | None) -> dict[str, object]:
    pairs = snap.blockers.blockers()
    twice = ambiguous_names(snap)
    blockers = []
    for b, resolved in pairs:
        if resolved is None:
            row: dict[str, object] = {"id": b.text("blocker"), "message": b.text("message"), "impact": b.text("impact") or None,
                                      "plan": b.text("plan") or None, "session": b.session, "at": b.moment}
            if links is not None:
                row["href"] = session_href(links, snap, b.session, b.sid, twice) + f"#e-{b.id}"
            blockers.append(row)
    plan = snap.plan
    items = sorted(plan.next.values(), key=lambda i: (i.n("priority") or 100, i.created.ts, i.key))
    ended, _ = snap.latest("session.ended", 30)
    recent = [e for e in ended if e.texts("next")][:10]
    return {"v": API_VERSION, "blockers": blockers, "resolved": sum(1 for _, r in pairs if r is not None),
            "next": [{"id": n.key, "message": n.s("message"), "priority": n.n("priority")} for n in items],
            "handoff_next": [{"session": e.session, "steps": e.texts("next"),
                              **({"href": session_href(links, snap, e.session, e.sid, twice)} if links else {})} for e in recent],
            "questions": [{"id": q.key, "message": q.s("message")} for q in plan.questions.values() if not q.s("answer")]}


def plan_board(snap: Snapshot) -> dict[str, object]:
    """``GET /api/v1/plan``: ``{"v", "project", "progress" {percent, text}, "phases" [{name,
    sessions, status, status_text, percent}], "milestones" [{name, target, status, notes}],
    "components" [{name, status, progress, owner, notes}], "tasks" {status: [task]}}``
    (tasks in ``task list --json``'s shape)."""
    return snap.memo("plan", lambda: _plan_board(snap))


def _plan_board(snap: Snapshot) -> dict[str, object]:
    from session_tracker.commands.plan import task_view

    plan = snap.plan
    state = State(snap.view(frozenset({"session.started", "session.ended"}), sparse=False), plan)
    tasks: dict[str, list[dict[str, object]]] = {s: [] for s in TASK_STATUSES}
    for t in plan.tasks.values():
        view = task_view(t)
        tasks.setdefault(str(view["status"]), []).append(view)
    return {
        "v": API_VERSION, "project": plan.name or "Project",
        "progress": {"percent": state.percent, "text": state.overall()},
        "phases": [{"name": p.item.key, "sessions": p.range, "status": p.status, "status_text": ICONS[p.status], "percent": p.percent}
                   for p in state.phases],
        "milestones": [{"name": m.key, "target": m.s("target"), "status": m.s("status"), "notes": m.s("notes")} for m in plan.milestones.values()],
        "components": [{"name": c.key, "status": c.s("status"), "progress": c.n("progress"), "owner": c.s("owner"), "notes": c.s("notes")}
                       for c in plan.components.values()],
        "tasks": tasks,
    }


SERIES = (("tests_passed", "Tests passed", ""), ("tests_failed", "Tests failed", ""), ("coverage_percent", "Coverage", "%"),
          ("lint_errors", "Lint errors", ""), ("type_errors", "Type errors", ""))


def metrics(snap: Snapshot) -> dict[str, object]:
    """``GET /api/v1/metrics``: the rows of ``metrics history --json``:
    ``{"v", "sessions": [{session, FIELDS…, lint_by_rule, recorded_at, source}]}``."""
    return {"v": API_VERSION, "sessions": history(snap)}


def history(snap: Snapshot) -> list[dict[str, object]]:
    """Every session's latest metrics, oldest session first (``metrics.latest.history``)."""
    return snap.memo("history", lambda: latest_mod.history(snap.view(frozenset({"metrics.recorded"}))))


def metric_charts(snap: Snapshot, last: int = 200) -> list[dict[str, str]]:
    """One inline SVG chart per series over the newest ``last`` sessions with metrics."""
    return snap.memo(("charts", last), lambda: _charts(snap, last))


def _charts(snap: Snapshot, last: int) -> list[dict[str, str]]:
    from session_tracker.web.charts import line_chart

    rows = history(snap)[-last:]
    charts = []
    for key, title, unit in SERIES:
        points = [(str(r.get("session")), r.get(key) if isinstance(r.get(key), (int, float)) else None) for r in rows]
        charts.append({"key": key, "title": title, "svg": line_chart(title, points, unit)})  # type: ignore[arg-type]
    return charts
