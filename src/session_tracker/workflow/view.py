"""One session's lifecycle as seed 003 lays it out, folded from its events and the plan.

* **Micro-tasks** are the plan's tasks (``task.added`` in ``project.jsonl``) recorded while the
  session was open: the event's ``sid`` links a task to its session. Their agent and success
  criteria are the ``agent``/``success`` fields of ``task.added``.
* **Risks** (``risk.added``), **checklist items** (``check.item``) and the **review**
  (``review.recorded``) are session events.
* **The checklist** is seed 003's four success metrics plus the workflow's and the user's items;
  an item with a number behind it (tests, errors) is decided by the latest metrics, the others
  by the newest ``check-item`` for them.
"""

from __future__ import annotations

from session_tracker.core.model import Project, Session
from session_tracker.core.paths import Layout
from session_tracker.metrics.latest import latest, previous
from session_tracker.plan.model import Item, Plan, fold, load_plan

TESTS_PASS = "All tests pass"
NO_NEW_ERRORS = "No new errors"
PERFORMANCE = "Performance targets met"
DOCS_UPDATED = "Documentation updated"
#: Seed 003's "Success Metrics" of the plan, in its order.
SEED_CHECKLIST = (TESTS_PASS, NO_NEW_ERRORS, PERFORMANCE, DOCS_UPDATED)
MEASURED = (TESTS_PASS, NO_NEW_ERRORS)

#: plan task status → seed 003's tasks.json status
STATUS_JSON = {"todo": "pending", "in_progress": "in_progress", "blocked": "blocked", "done": "completed"}


def session_tasks(session: Session, plan: Plan) -> list[Item]:
    """The plan's tasks added while ``session`` was open (its micro-tasks), in plan order."""
    return [t for t in plan.tasks.values() if t.created.sid == session.sid]


def plan_at(plan: Plan, moment: str) -> Plan:
    """The plan as it was before ``moment`` (ISO time): what a snapshot taken then saw."""
    return fold([e for e in plan.events if e.ts < moment])


def plan_until(plan: Plan, moment: str) -> Plan:
    """The plan as it was at ``moment`` (events recorded at or before it)."""
    return fold([e for e in plan.events if e.ts <= moment])


def previous_session(session: Session, project: Project) -> Session | None:
    """The session that started last before ``session``."""
    before: Session | None = None
    for other in project.sessions:
        if other.sid == session.sid:
            return before
        before = other
    return before


def execution_order(tasks: list[Item]) -> list[Item]:
    """``tasks`` ordered so each comes after the tasks it depends on (stable otherwise).
    Dependencies outside ``tasks`` are ignored; the plan refuses cycles when they are recorded."""
    keys = {t.key for t in tasks}
    placed: list[Item] = []
    done: set[str] = set()
    pending = list(tasks)
    while pending:
        for task in pending:
            if all(d in done or d not in keys for d in task.ls("depends_on")):
                placed.append(task)
                done.add(task.key)
                pending.remove(task)
                break
        else:  # a cycle (cannot be recorded, but a hand-merged file could hold one)
            placed.extend(pending)
            break
    return placed


def workflow_checklist(session: Session) -> list[str]:
    started = session.started
    return started.texts("checklist") if started is not None else []


def checked(session: Session) -> dict[str, bool]:
    """``{item: done}`` from the session's ``check.item`` events (the newest wins)."""
    out: dict[str, bool] = {}
    for event in session.of_type("check.item"):
        out[event.text("item")] = event.data.get("done") is True
    return out


def _num(values: dict[str, object] | None, name: str) -> float | None:
    value = values.get(name) if values else None
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def measured(item: str, now: dict[str, object] | None, before: dict[str, object] | None) -> tuple[bool, str] | None:
    """``(ok, how)`` for an item the metrics can decide, else None."""
    if item == TESTS_PASS:
        total = _num(now, "tests_total")
        if total is None:
            return None
        failed = (_num(now, "tests_failed") or 0) + (_num(now, "tests_errors") or 0)
        return failed == 0, f"{_num(now, 'tests_passed') or 0:g}/{total:g} passed"
    if item == NO_NEW_ERRORS:
        parts: list[str] = []
        ok = True
        for name, label in (("lint_errors", "lint"), ("type_errors", "type")):
            value = _num(now, name)
            if value is None:
                continue
            old = _num(before, name)
            if old is not None:
                ok = ok and value <= old
                parts.append(f"{label} errors {old:g} → {value:g}")
            else:
                ok = ok and value == 0
                parts.append(f"{label} errors {value:g}")
        return (ok, ", ".join(parts)) if parts else None
    return None


def checklist(session: Session, project: Project) -> list[dict[str, object]]:
    """Seed 003's checklist evaluated: ``[{item, done, source (metrics|user|open), detail}]``."""
    now = latest(session)
    before = previous(session, project)
    answers = checked(session)
    items = list(dict.fromkeys([*SEED_CHECKLIST, *workflow_checklist(session), *answers]))
    out: list[dict[str, object]] = []
    for item in items:
        found = measured(item, now, before)
        if found is not None:
            out.append({"item": item, "done": found[0], "source": "metrics", "detail": found[1]})
        elif item in answers:
            out.append({"item": item, "done": answers[item], "source": "user", "detail": "confirmed" if answers[item] else "not yet"})
        else:
            out.append({"item": item, "done": False, "source": "open", "detail": "not measured; confirm with check-item"})
    return out


def review(session: Session) -> dict[str, list[str]]:
    """What worked, what failed, lessons learned: every ``review.recorded`` of the session."""
    out: dict[str, list[str]] = {"worked": [], "failed": [], "lessons": []}
    for event in session.of_type("review.recorded"):
        for key, values in out.items():
            values.extend(event.texts(key))
    return out


def risks(session: Session) -> list[tuple[str, str]]:
    return [(e.text("message"), e.text("mitigation")) for e in session.of_type("risk.added")]


def by_agent(tasks: list[Item]) -> dict[str, list[Item]]:
    """Tasks grouped by their agent (seed 003's handoff chain); no agent: ``"unassigned"``."""
    out: dict[str, list[Item]] = {}
    for task in tasks:
        out.setdefault(task.s("agent") or task.s("assignee") or "unassigned", []).append(task)
    return out


def tasks_json(session: Session, plan: Plan) -> dict[str, object]:
    """Seed 003's ``session-XXX-tasks.json``, exactly its keys."""
    tasks = session_tasks(session, plan)
    rows: list[dict[str, object]] = []
    for task in tasks:
        status = STATUS_JSON.get(task.s("status", "todo"), "pending")
        note = task.s("note")
        rows.append({
            "id": task.key, "title": task.s("title"), "agent": task.s("agent") or task.s("assignee") or None,
            "status": status, "estimatedMinutes": task.n("estimate"), "actualMinutes": task.n("actual"),
            "files": task.ls("files"), "tests": task.ls("tests"),
            "blockers": [note] if status == "blocked" and note else [],
            "output": note if status == "completed" and note else None,
        })
    metrics = {
        "totalTasks": len(rows),
        "completed": sum(1 for r in rows if r["status"] == "completed"),
        "failed": sum(1 for r in rows if r["status"] == "failed"),
        "blocked": sum(1 for r in rows if r["status"] == "blocked"),
        "timeSpent": sum(t.n("actual") or 0 for t in tasks),
        "timeEstimated": sum(t.n("estimate") or 0 for t in tasks),
    }
    return {"sessionId": session.name, "tasks": rows, "metrics": metrics}


def check_tasks_json(value: object) -> list[str]:
    """What makes ``value`` not seed 003's tasks.json shape (for ``doctor``); empty when sound."""
    problems: list[str] = []
    if not isinstance(value, dict):
        return ["not a JSON object"]
    for key in ("sessionId", "tasks", "metrics"):
        if key not in value:
            problems.append(f"missing key {key!r}")
    if not isinstance(value.get("tasks", []), list):
        problems.append("'tasks' is not a list")
    else:
        fields = ("id", "title", "agent", "status", "estimatedMinutes", "actualMinutes", "files", "tests", "blockers", "output")
        for n, task in enumerate(value.get("tasks", [])):
            if not isinstance(task, dict):
                problems.append(f"tasks[{n}] is not an object")
                continue
            missing = [f for f in fields if f not in task]
            if missing:
                problems.append(f"tasks[{n}] lacks {', '.join(missing)}")
            if task.get("status") not in (*STATUS_JSON.values(), "failed"):
                problems.append(f"tasks[{n}].status {task.get('status')!r} is not a task status (pending, in_progress, completed, blocked, failed)")
    metrics = value.get("metrics")
    if isinstance(metrics, dict):
        for key in ("totalTasks", "completed", "failed", "blocked", "timeSpent", "timeEstimated"):
            if not isinstance(metrics.get(key), int):
                problems.append(f"metrics.{key} is not a whole number")
    elif "metrics" in value:
        problems.append("'metrics' is not an object")
    return problems


OPEN_TASKS_MAX = 200  # a session.ended line must stay under 64 KiB


def open_tasks(layout: Layout) -> list[dict[str, object]]:
    """The plan's open tasks with the agent holding each (``session.ended``'s ``open_tasks``):
    ``[{task, title, agent, status}]``, at most :data:`OPEN_TASKS_MAX`."""
    plan = load_plan(layout)
    out: list[dict[str, object]] = []
    for task in plan.tasks.values():
        if task.s("status", "todo") != "done":
            out.append({"task": task.key, "title": task.s("title"), "agent": task.s("agent") or task.s("assignee") or "unassigned",
                        "status": task.s("status", "todo")})
    return out[:OPEN_TASKS_MAX]


def describe_tasks_json(raw: bytes) -> str:
    """What is wrong with a hand-edited tasks.json, for ``doctor`` (it is never read as truth)."""
    import json

    try:
        value = json.loads(raw)
    except ValueError as exc:
        return f"not valid JSON ({exc})"
    except RecursionError:
        return "JSON nested too deeply"
    problems = check_tasks_json(value)
    return ("not the lifecycle's tasks.json shape: " + "; ".join(problems[:3])) if problems else "valid shape but not what the events say"


def agents_view(session: Session, layout: Layout) -> dict[str, list[dict[str, object]]]:
    """``show``'s grouping: ``{agent: [{task, title, status, estimate, actual}]}`` of the
    session's micro-tasks, agents in the order they first appear."""
    plan = load_plan(layout)
    return {
        agent: [{"task": t.key, "title": t.s("title"), "status": STATUS_JSON.get(t.s("status", "todo"), "pending"),
                 "estimate": t.n("estimate"), "actual": t.n("actual")} for t in tasks]
        for agent, tasks in by_agent(session_tasks(session, plan)).items()
    }
