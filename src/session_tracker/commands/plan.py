"""Plan commands: phases, milestones, components, tasks, questions, next steps, resources,
interfaces, known issues and the project's complexity (seeds 000, 002, 003, 004).

Each function checks its input, builds the events from the current plan and hands them to
:func:`session_tracker.plan.record.change`, which checks the resulting plan as a whole and
writes all or nothing. They work with or without an open session; with one, the change is
recorded against it.
"""

from __future__ import annotations

from collections.abc import Callable

from session_tracker.core import validate
from session_tracker.core.context import Context
from session_tracker.core.events import Event
from session_tracker.errors import TrackerError
from session_tracker.plan.model import STATUSES, Item, Plan
from session_tracker.plan.record import Change
from session_tracker.plan.record import change as _record
from session_tracker.plan.validate import (
    _agent,
    _name,
    check_complexity,
    check_date,
    check_progress,
    check_range,
    check_status,
    known,
)


def change(ctx: Context, build: Callable[[Plan], Change], session: str | None = None, where: str = "") -> tuple[list[Event], Plan]:
    """Record one plan change (:func:`session_tracker.plan.record.change`), then render the
    project documents when it wrote events. Returns ``(events written, the plan after)``."""
    events, plan = _record(ctx, build, session, where)
    if events:
        from session_tracker.documents import writer

        writer.write_project(ctx)
    return events, plan


def _result(kind: str, key: str, action: str, events: int) -> dict[str, object]:
    return {"v": 1, "kind": kind, "key": key, "action": action, "events": events}


def phase_add(ctx: Context, name: str, sessions: str, session: str | None = None) -> dict[str, object]:
    """``phase add NAME --sessions 1-3``. Raises TrackerError: duplicate name, bad or
    overlapping range."""
    name = _name(name, "phase name")
    first, last = check_range(sessions)

    def build(plan: Plan) -> Change:
        if name in plan.phases:
            raise TrackerError(f"phase {name!r} already exists", f"change it with `session-tracker phase set {name!r} --sessions …`")
        return [("phase.added", {"name": name, "first": first, "last": last})]

    events, _ = change(ctx, build, session)
    return _result("phase", name, "added", len(events))


def phase_set(ctx: Context, name: str, status: str | None = None, sessions: str | None = None, session: str | None = None) -> dict[str, object]:
    """``phase set NAME [--status not-started|in-progress|complete|auto] [--sessions A-B]``;
    ``auto`` goes back to the status derived from sessions and tasks."""
    data: dict[str, object] = {"name": name}
    if status is not None:
        data["status"] = check_status(status, (*STATUSES, "auto"))
    if sessions is not None:
        data["first"], data["last"] = check_range(sessions)
    if len(data) == 1:
        raise TrackerError("nothing to change", "give --status and/or --sessions")

    def build(plan: Plan) -> Change:
        known(plan.phases, name, "phase", "phase add NAME --sessions 1-3")
        return [("phase.set", data)]

    events, _ = change(ctx, build, session)
    return _result("phase", name, "changed", len(events))


def milestone_add(ctx: Context, name: str, target: str, status: str | None = None, notes: str | None = None, session: str | None = None) -> dict[str, object]:
    """``milestone add NAME --target YYYY-MM-DD``."""
    name = _name(name, "milestone name")
    data: dict[str, object] = {"name": name, "target": check_date(target), "status": check_status(status or "not-started"), "notes": validate.text(notes, "notes") if notes else ""}

    def build(plan: Plan) -> Change:
        if name in plan.milestones:
            raise TrackerError(f"milestone {name!r} already exists", f"change it with `session-tracker milestone set {name!r} …`")
        return [("milestone.added", data)]

    events, _ = change(ctx, build, session)
    return _result("milestone", name, "added", len(events))


def milestone_set(ctx: Context, name: str, status: str | None = None, notes: str | None = None, target: str | None = None, session: str | None = None) -> dict[str, object]:
    """``milestone set NAME [--status …] [--notes …] [--target YYYY-MM-DD]``."""
    data: dict[str, object] = {"name": name}
    if status is not None:
        data["status"] = check_status(status)
    if notes is not None:
        data["notes"] = validate.text(notes, "notes")
    if target is not None:
        data["target"] = check_date(target)
    if len(data) == 1:
        raise TrackerError("nothing to change", "give --status, --notes and/or --target")

    def build(plan: Plan) -> Change:
        known(plan.milestones, name, "milestone", "milestone add NAME --target YYYY-MM-DD")
        return [("milestone.set", data)]

    events, _ = change(ctx, build, session)
    return _result("milestone", name, "changed", len(events))


def _component_data(status: str | None, progress: int | None, notes: str | None, owner: str | None) -> dict[str, object]:
    data: dict[str, object] = {}
    if status is not None:
        data["status"] = check_status(status)
    if progress is not None:
        data["progress"] = check_progress(progress)
    if notes is not None:
        data["notes"] = validate.text(notes, "notes")
    if owner is not None:
        data["owner"] = _name(owner, "owner")
    return data


def component_add(ctx: Context, name: str, status: str | None = None, progress: int | None = None, notes: str | None = None, owner: str | None = None, session: str | None = None) -> dict[str, object]:
    """``component add NAME [--status …] [--progress N] [--notes …] [--owner …]`` (seed 004)."""
    name = _name(name, "component name")
    given = _component_data(status, progress, notes, owner)
    data: dict[str, object] = {"name": name, "status": "not-started", "progress": 0, "notes": "", "owner": "", **given}
    if "status" in given and given["status"] == "complete" and progress is None:
        data["progress"] = 100

    def build(plan: Plan) -> Change:
        if name in plan.components:
            raise TrackerError(f"component {name!r} already exists", f"change it with `session-tracker component set {name!r} …`")
        return [("component.added", data)]

    events, _ = change(ctx, build, session)
    return _result("component", name, "added", len(events))


def component_set(ctx: Context, name: str, status: str | None = None, progress: int | None = None, notes: str | None = None, owner: str | None = None, session: str | None = None) -> dict[str, object]:
    """``component set NAME [--status …] [--progress N] [--notes …] [--owner …]``."""
    data = _component_data(status, progress, notes, owner)
    if not data:
        raise TrackerError("nothing to change", "give --status, --progress, --notes and/or --owner")

    def build(plan: Plan) -> Change:
        known(plan.components, name, "component", "component add NAME")
        return [("component.set", {"name": name, **data})]

    events, _ = change(ctx, build, session)
    return _result("component", name, "changed", len(events))


def task_add(
    ctx: Context,
    title: str,
    phase: str | None = None,
    component: str | None = None,
    estimate: int | None = None,
    assignee: str | None = None,
    files: tuple[str, ...] = (),
    tests: tuple[str, ...] = (),
    depends_on: tuple[str, ...] = (),
    session: str | None = None,
    agent: str | None = None,
    success: str | None = None,
) -> dict[str, object]:
    """``task add TITLE …`` (seed 003's task fields; ``agent`` and ``success`` criteria are its
    micro-task fields). Returns ``{…, "key": "task-N"}``.

    Raises:
        TrackerError: unknown phase, component or dependency; negative estimate.
    """
    title = _name(title, "title")
    if estimate is not None and estimate < 0:
        raise TrackerError(f"estimate {estimate} is negative", "give minutes, e.g. --estimate 30")
    data: dict[str, object] = {
        "title": title, "phase": phase or "", "component": component or "", "estimate": estimate,
        "assignee": _name(assignee, "assignee") if assignee else "",
        "files": [_name(f, "file") for f in files], "tests": [validate.text(t, "test") for t in tests],
        "depends_on": list(depends_on),
    }
    if agent is not None:
        data["agent"] = _agent(agent)
    if success is not None:
        data["success"] = validate.text(success, "success criteria")
    new_id = [""]

    def build(plan: Plan) -> Change:
        if phase:
            known(plan.phases, phase, "phase", "phase add NAME --sessions 1-3")
        if component:
            known(plan.components, component, "component", "component add NAME")
        for dep in depends_on:
            known(plan.tasks, dep, "task", "task add TITLE")
        new_id[0] = plan.next_id("task")
        return [("task.added", {"task": new_id[0], **data})]

    events, _ = change(ctx, build, session)
    return {**_result("task", new_id[0], "added", len(events)), "task": new_id[0]}


_MOVES = {"start": "in_progress", "done": "done", "block": "blocked", "reopen": "todo"}


def task_move(ctx: Context, verb: str, task_id: str, actual: int | None = None, reason: str | None = None, session: str | None = None) -> dict[str, object]:
    """``task start|done|block|reopen ID [--actual MIN] [--reason …]``.

    Raises:
        TrackerError: unknown task; ``block`` without a reason; negative minutes.
    """
    status = _MOVES[verb]
    data: dict[str, object] = {"task": task_id, "status": status}
    if reason is not None:
        data["note"] = validate.text(reason, "reason")
    elif status == "blocked":
        raise TrackerError("blocking a task needs a reason", 'add --reason "what blocks it"')
    if actual is not None:
        if actual < 0:
            raise TrackerError(f"actual time {actual} is negative", "give minutes, e.g. --actual 45")
        data["actual"] = actual

    def build(plan: Plan) -> Change:
        known(plan.tasks, task_id, "task", "task add TITLE")
        return [("task.updated", data)]

    events, _ = change(ctx, build, session)
    return {**_result("task", task_id, status, len(events)), "status": status}


def task_view(task: Item) -> dict[str, object]:
    """A task as ``task list --json`` shows it (seed 003's fields)."""
    return {
        "id": task.key, "title": task.s("title"), "status": task.s("status", "todo"), "phase": task.s("phase") or None,
        "component": task.s("component") or None, "assignee": task.s("assignee") or None, "agent": task.s("agent") or None,
        "estimatedMinutes": task.n("estimate"), "actualMinutes": task.n("actual"), "files": task.ls("files"),
        "tests": task.ls("tests"), "dependsOn": task.ls("depends_on"), "note": task.s("note") or None,
    }


def task_list(ctx: Context) -> dict[str, object]:
    """``task list``: ``{"v": 1, "tasks": [...], "metrics": {totalTasks, completed, blocked,
    inProgress, timeSpent, timeEstimated}}`` (seed 003's tasks.json shape)."""
    from session_tracker.plan.model import load_plan

    plan = load_plan(ctx.layout)
    tasks = [task_view(t) for t in plan.tasks.values()]
    metrics = {
        "totalTasks": len(tasks),
        "completed": sum(1 for t in tasks if t["status"] == "done"),
        "blocked": sum(1 for t in tasks if t["status"] == "blocked"),
        "inProgress": sum(1 for t in tasks if t["status"] == "in_progress"),
        "timeSpent": sum(int(t["actualMinutes"] or 0) for t in tasks),  # type: ignore[call-overload]
        "timeEstimated": sum(int(t["estimatedMinutes"] or 0) for t in tasks),  # type: ignore[call-overload]
    }
    return {"v": 1, "tasks": tasks, "metrics": metrics}


def question(ctx: Context, message: str, answer: str | None = None, session: str | None = None) -> dict[str, object]:
    """``question --message …`` opens ``q-N``; ``question --answer q-N --message …`` answers it."""
    text = validate.text(message)
    key = [answer or ""]

    def build(plan: Plan) -> Change:
        if answer is None:
            key[0] = plan.next_id("q")
            return [("question.opened", {"question": key[0], "message": text})]
        item = known(plan.questions, answer, "question", 'question --message "…"')
        if item.s("answer"):
            raise TrackerError(f"question {answer} is already answered", "open a new question instead")
        return [("question.answered", {"question": answer, "message": text})]

    events, _ = change(ctx, build, session)
    return _result("question", key[0], "answered" if answer else "opened", len(events))


def next_step(ctx: Context, message: str | None, priority: int | None = None, done: str | None = None, session: str | None = None) -> dict[str, object]:
    """``next --message … [--priority N]`` adds ``n-N``; ``next --done ID`` closes any open
    step of the one list (:mod:`session_tracker.plan.steps`): ``n-N``, or ``s-…`` for one
    recorded by ``end --next`` or ``handoff --item``; a unique prefix of an ``s-`` id is enough."""
    if done is None and message is None:
        raise TrackerError("no message given", 'add it: --message "…"')
    text = validate.text(message) if message is not None else ""
    if priority is not None and priority < 1:
        raise TrackerError(f"priority {priority} is below 1", "1 is the most urgent")
    key = [done or ""]
    project = None
    if done is not None:
        from session_tracker.commands.open_work import OPEN_WORK_TYPES
        from session_tracker.index import project_view

        project, _ = project_view(ctx.layout, types=OPEN_WORK_TYPES, sparse=True, slim_ended=True)  # steps recorded in sessions (end --next, handoff --item)

    def build(plan: Plan) -> Change:
        if done is not None:
            from session_tracker.plan.steps import find

            step = find(project, plan, done) if project is not None else None
            if step is None:
                raise TrackerError(f"no open next step {done!r}", "see the open ones with `session-tracker status` (ids n-…, s-…)")
            key[0] = step.id
            return [("next.done", {"next": step.id})]
        key[0] = plan.next_id("n")
        return [("next.added", {"next": key[0], "message": text, "priority": priority or 100})]

    events, _ = change(ctx, build, session)
    return _result("next", key[0], "done" if done else "added", len(events))


def resource(ctx: Context, path: str, note: str, session: str | None = None) -> dict[str, object]:
    """``resource PATH --note …`` (seed 004's Resources)."""
    path = _name(path, "path")
    text = validate.text(note, "note")
    events, _ = change(ctx, lambda plan: [("resource.added", {"path": path, "note": text})], session)
    return _result("resource", path, "added", len(events))


def interface(ctx: Context, text: str, session: str | None = None) -> dict[str, object]:
    """``interface TEXT`` (seed 002's Interfaces Defined)."""
    body = _name(text, "interface")

    def build(plan: Plan) -> Change:
        return [] if body in plan.interfaces else [("interface.defined", {"text": body})]

    events, _ = change(ctx, build, session)
    return _result("interface", body, "defined", len(events))


def issue(ctx: Context, message: str, fix: str | None = None, session: str | None = None) -> dict[str, object]:
    """``issue --message …`` notes ``i-N`` (seed 002's Known Issues); ``issue --fix i-N
    --message how`` closes it."""
    text = validate.text(message)
    key = [fix or ""]

    def build(plan: Plan) -> Change:
        if fix is None:
            key[0] = plan.next_id("i")
            return [("issue.noted", {"issue": key[0], "message": text})]
        item = known(plan.issues, fix, "issue", 'issue --message "…"')
        if item.s("resolution"):
            raise TrackerError(f"issue {fix} is already fixed", "note a new issue instead")
        return [("issue.fixed", {"issue": fix, "message": text})]

    events, _ = change(ctx, build, session)
    return _result("issue", key[0], "fixed" if fix else "noted", len(events))


def set_project(ctx: Context, complexity: str | None = None, name: str | None = None, session: str | None = None) -> dict[str, object]:
    """``init --complexity …`` / ``plan set --name …``: the project's complexity level (seed
    002) and display name."""
    data: dict[str, object] = {}
    if complexity is not None:
        data["complexity"] = check_complexity(complexity)
    if name is not None:
        data["name"] = _name(name, "project name")

    def build(plan: Plan) -> Change:
        same = data.get("complexity", plan.complexity) == plan.complexity and data.get("name", plan.name) == plan.name
        return [] if same else [("project.set", data)]

    events, _ = change(ctx, build, session)
    return _result("project", "", "set", len(events))

