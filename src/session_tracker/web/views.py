"""The data of every dashboard page and JSON API body, built from a :class:`~.data.Snapshot`.

Bodies of the API that the CLI also prints (``list``, ``show``) have exactly the CLI's
``--json`` shape (built with the same functions: ``commands.summary.describe``); the others
(decisions, blockers, plan, metrics) carry ``"v"`` and are documented per function.
"""

from __future__ import annotations

from session_tracker.commands.summary import describe
from session_tracker.context import Context
from session_tracker.events import Event
from session_tracker.metrics import latest as latest_mod
from session_tracker.model import Project, Session
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
    seen: set[str] = set()
    twice: set[str] = set()
    for row in snap.rows:
        (twice if row.name in seen else seen).add(row.name)
    return twice


def session_href(links: Links, snap: Snapshot, name: str, sid: str, twice: set[str] | None = None) -> str:
    """The link to a session, by name, or by name and sid when the name is ambiguous."""
    return links.session(name, sid if name in (ambiguous_names(snap) if twice is None else twice) else "")


def sessions_api(store: Store) -> dict[str, object]:
    """``GET /api/v1/sessions``: the body of ``list --json`` (``commands.listing.list_sessions``)."""
    from session_tracker.commands.listing import list_sessions

    return list_sessions(Context(layout=store.layout, env={}))


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
    rows = [{"session": r.name, "sid": r.sid, "status": r.status, "open_here": snap.here.get(r.name) == r.sid,
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


def show_api(snap: Snapshot, project: Project, session: Session) -> dict[str, object]:
    """``GET /api/v1/sessions/{name}``: the body of ``show --json`` (``describe`` plus
    ``timeline`` [{id, type, at, actor, data}] and ``agents`` {agent: [tasks]}), built as
    ``commands.listing.show`` and ``lifecycle.view.agents_view`` build it, with the snapshot's
    plan (read once, not once per session)."""
    from session_tracker.lifecycle.view import STATUS_JSON, by_agent, session_tasks

    result = describe(session, project)
    result["timeline"] = [{"id": e.id, "type": e.type, "at": e.moment, "actor": e.actor, "data": e.data} for e in session.timeline()]
    result["agents"] = {
        agent: [{"task": t.key, "title": t.s("title"), "status": STATUS_JSON.get(t.s("status", "todo"), "pending"),
                 "estimate": t.n("estimate"), "actual": t.n("actual")} for t in tasks]
        for agent, tasks in by_agent(session_tasks(session, snap.plan)).items()
    }
    return result


def entry_text(event: Event) -> str:
    """A one-line reading of a timeline event for people."""
    kind, d = event.type, event.data
    if kind == "note":
        return f"{event.text('message')} [{event.text('category')}]"
    if kind == "decision":
        return event.text("message")
    if kind == "blocker.opened":
        impact = f" (impact {event.text('impact')})" if event.text("impact") else ""
        return f"{event.text('blocker')}: {event.text('message')}{impact}"
    if kind == "blocker.resolved":
        return f"{event.text('blocker')} resolved: {event.text('message')}"
    if kind == "commit":
        return f"{event.text('sha')[:10]} {event.text('subject')}"
    if kind == "task.updated":
        return f"{event.text('task')} → {event.text('status')}"
    if kind in ("handoff.item", "risk.added", "gate.overridden"):
        return event.text("message")
    if kind == "metrics.recorded":
        return latest_mod.summary_line(d) or "metrics recorded"
    if kind == "check.item":
        return f"{event.text('item')}: {'done' if d.get('done') else 'not done'}"
    import json

    return json.dumps(d, ensure_ascii=False, sort_keys=True)[:400]  # an unknown type: shown raw, never dropped


def timeline(session: Session, links: Links) -> list[dict[str, object]]:
    """The timeline as the page lists it: [{id, type, when, actor, text, rationale,
    alternatives, href}] (href: the decision's page)."""
    rows: list[dict[str, object]] = []
    for e in session.timeline():
        rows.append({"id": e.id, "type": e.type, "when": when(e.moment, session.tz), "actor": e.actor, "text": entry_text(e),
                     "rationale": e.text("rationale"), "alternatives": e.texts("alternatives"),
                     "href": links.decision(e.id) if e.type == "decision" else ""})
    return rows


def activity(session: Session) -> dict[str, object]:
    """The agent's activity: commands [{when, command, exit, failed}], files_touched [{when,
    path, tool}], usage {model: {input_tokens, output_tokens, cache_read_input_tokens,
    messages}}, tokens (input + output), checkpoints."""
    commands: list[dict[str, object]] = []
    touched: list[dict[str, object]] = []
    usage: dict[str, dict[str, int]] = {}
    checkpoints = 0
    for e in sorted(session.events, key=lambda e: (e.moment, e.id)):
        if e.type == "command.run":
            code = e.data.get("exit")
            failed = e.data.get("failed") is True or (isinstance(code, int) and code != 0)
            commands.append({"when": when(e.moment, session.tz), "command": e.text("command"), "exit": code, "failed": failed})
        elif e.type == "file.touched":
            touched.append({"when": when(e.moment, session.tz), "path": e.text("path"), "tool": e.text("tool")})
        elif e.type == "usage":
            model = usage.setdefault(e.text("model") or "unknown", {"input_tokens": 0, "output_tokens": 0, "cache_read_input_tokens": 0, "messages": 0})
            for key in model:
                value = e.data.get(key)
                if isinstance(value, int) and not isinstance(value, bool):
                    model[key] += value
        elif e.type == "checkpoint":
            checkpoints += 1
    tokens = sum(m["input_tokens"] + m["output_tokens"] for m in usage.values())
    return {"commands": commands, "files_touched": touched, "usage": usage, "tokens": tokens, "checkpoints": checkpoints}


def lanes(session: Session, links: Links) -> str:
    """The session's swimlanes as inline SVG (entries, decisions, blockers, commits, files,
    commands, agent, tokens)."""
    from session_tracker.web.charts import Mark, swimlanes

    names = ("entries", "decisions", "blockers", "commits", "files", "commands", "agent", "tokens")
    marks: dict[str, list[Mark]] = {n: [] for n in names}
    sizes = [e.data.get("output_tokens") for e in session.events if e.type == "usage"]
    biggest = max([v for v in sizes if isinstance(v, int)] or [1]) or 1
    for e in session.events:
        t, at = e.type, e.moment
        if t == "note":
            marks["entries"].append(Mark(at, entry_text(e), "note", href=f"#e-{e.id}"))
        elif t == "decision":
            marks["decisions"].append(Mark(at, e.text("message"), "decision", href=links.decision(e.id)))
        elif t in ("blocker.opened", "blocker.resolved"):
            marks["blockers"].append(Mark(at, entry_text(e), "open" if t == "blocker.opened" else "resolved", href=f"#e-{e.id}"))
        elif t == "commit":
            marks["commits"].append(Mark(at, entry_text(e), "commit"))
        elif t in ("file.touched", "files.changed"):
            marks["files"].append(Mark(at, e.text("path") or f"{len(e.data.get('files') or [])} files changed", "file"))  # type: ignore[arg-type]
        elif t == "command.run":
            code = e.data.get("exit")
            failed = e.data.get("failed") is True or (isinstance(code, int) and code != 0)
            marks["commands"].append(Mark(at, f"{e.text('command')} (exit {code})", "failed" if failed else "ok"))
        elif t in ("agent.activity", "checkpoint", "session.started", "session.ended"):
            marks["agent"].append(Mark(at, f"{t} {e.text('event') or e.text('trigger') or e.text('agent_source')}".strip(), "agent"))
        elif t == "usage":
            out = e.data.get("output_tokens")
            marks["tokens"].append(Mark(at, f"{e.text('model')}: {out} output tokens", "tokens", size=min(0.99, (out if isinstance(out, int) else 0) / biggest)))
    moments = [e.moment for e in session.events]
    start = session.start_moment or (min(moments) if moments else "")
    end = session.end_moment or (max(moments) if moments else start)
    return swimlanes([(n, marks[n]) for n in names], start, end)


def receipts(session: Session, store: Store) -> list[dict[str, object]]:
    """What an agent was given at each SessionStart: the start event's agent fields, and each
    receipt recorded for the session — a ``context.injected`` event (the handoff's characters,
    estimated tokens, budget, parts kept or cut, what was left out and why) or any event whose
    type names a receipt, or a JSON file under ``.sessions/local/receipts/`` named after the
    session. ``[{what, when, data, parts, summary}]`` (parts/summary only for an injection)."""
    import json
    import os

    out: list[dict[str, object]] = []
    for e in sorted(session.events, key=lambda e: (e.moment, e.id)):
        if e.type == "session.started" and e.text("agent"):
            fields = {k: e.data.get(k) for k in ("agent", "agent_session_id", "agent_source", "model", "imported") if k in e.data}
            out.append({"what": "agent session start", "when": when(e.moment, session.tz), "data": fields, "parts": [], "summary": ""})
        elif e.type == "context.injected" or "receipt" in e.type:
            listed = e.data.get("parts")
            parts = [p for p in listed if isinstance(p, dict)] if isinstance(listed, list) else []
            summary = ""
            if isinstance(e.data.get("chars"), int):
                summary = (f"{e.data['chars']:,} characters (~{e.data.get('tokens_est', '?')} tokens) of a {e.data.get('budget', '?')} budget"
                           f" — {e.text('reason')}")
            out.append({"what": "context given to the agent" if e.type == "context.injected" else e.type, "when": when(e.moment, session.tz),
                        "data": e.data, "parts": parts, "summary": summary})
    folder = os.path.join(store.layout.local_dir, "receipts")
    try:
        names = sorted(n for n in os.listdir(folder) if n.endswith(".json") and (session.name in n or session.sid in n))
    except OSError:
        names = []
    for name in names[:50]:
        try:
            with open(os.path.join(folder, name), encoding="utf-8") as handle:
                out.append({"what": f"receipt {name}", "when": "", "data": json.load(handle), "parts": [], "summary": ""})
        except (OSError, ValueError):
            continue
    return out


def decisions(snap: Snapshot, links: Links | None = None, limit: int | None = None) -> dict[str, object]:
    """``GET /api/v1/decisions``: every decision (or the newest ``limit``), newest first:
    ``{"v", "decisions": [{id, session, sid, at, message, rationale, alternatives}], "total"}``
    (with ``links``, also ``href``, ``session_href`` and ``when`` for the pages)."""
    found = [(e, s) for s in snap.project.sessions for e in s.events if e.type == "decision"]
    found.sort(key=lambda pair: (pair[0].moment, pair[0].id), reverse=True)
    twice = ambiguous_names(snap) if links is not None else set()
    rows = []
    for e, s in found[:limit]:
        row: dict[str, object] = {"id": e.id, "session": s.name, "sid": s.sid, "at": e.moment, "message": e.text("message"),
                                  "rationale": e.text("rationale"), "alternatives": e.texts("alternatives")}
        if links is not None:
            row.update(href=links.decision(e.id), session_href=session_href(links, snap, s.name, s.sid, twice), when=when(e.moment, s.tz))
        rows.append(row)
    return {"v": API_VERSION, "decisions": rows, "total": len(found)}


def decision(store: Store, snap: Snapshot, event_id: str, links: Links) -> dict[str, object]:
    """``GET /api/v1/decisions/{id}``: ``{"v", "id", "session", "sid", "at", "actor", "message",
    "rationale", "alternatives"}`` (plus links for the page). Raises NotFound."""
    e = store.event(event_id) if event_id else None
    if e is None or e.type != "decision":
        raise NotFound(f"no decision {event_id!r}")
    return decision_view(snap, e, links, next((r.tz for r in snap.rows if r.sid == e.sid), "+00:00"))


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
    pairs = snap.project.blockers()
    blockers = [{"id": b.text("blocker"), "message": b.text("message"), "impact": b.text("impact") or None, "plan": b.text("plan") or None,
                 "session": b.session, "at": b.moment} for b, resolved in pairs if resolved is None]
    if links is not None:
        for row, (b, _) in zip(blockers, [p for p in pairs if p[1] is None], strict=True):
            row["href"] = session_href(links, snap, b.session, b.sid) + f"#e-{b.id}"
    plan = snap.plan
    items = sorted(plan.next.values(), key=lambda i: (i.n("priority") or 100, i.created.ts, i.key))
    recent = [s for s in reversed(snap.project.ended()) if s.next_steps()][:10]
    return {"v": API_VERSION, "blockers": blockers, "resolved": sum(1 for _, r in pairs if r is not None),
            "next": [{"id": n.key, "message": n.s("message"), "priority": n.n("priority")} for n in items],
            "handoff_next": [{"session": s.name, "steps": s.next_steps(),
                              **({"href": session_href(links, snap, s.name, s.sid)} if links else {})} for s in recent],
            "questions": [{"id": q.key, "message": q.s("message")} for q in plan.questions.values() if not q.s("answer")]}


def plan_board(snap: Snapshot) -> dict[str, object]:
    """``GET /api/v1/plan``: ``{"v", "project", "progress" {percent, text}, "phases" [{name,
    sessions, status, status_text, percent}], "milestones" [{name, target, status, notes}],
    "components" [{name, status, progress, owner, notes}], "tasks" {status: [task]}}``
    (tasks in ``task list --json``'s shape)."""
    from session_tracker.commands.plan import task_view

    plan = snap.plan
    state = State(snap.project, plan)
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
    return {"v": API_VERSION, "sessions": latest_mod.history(snap.project)}


def metric_charts(snap: Snapshot, last: int = 200) -> list[dict[str, str]]:
    """One inline SVG chart per series over the newest ``last`` sessions with metrics."""
    from session_tracker.web.charts import line_chart

    rows = latest_mod.history(snap.project)[-last:]
    charts = []
    for key, title, unit in SERIES:
        points = [(str(r.get("session")), r.get(key) if isinstance(r.get(key), (int, float)) else None) for r in rows]
        charts.append({"key": key, "title": title, "svg": line_chart(title, points, unit)})  # type: ignore[arg-type]
    return charts
