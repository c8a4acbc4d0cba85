"""Seed 003's lifecycle commands (issue 5): ``risk``, ``check-item``, ``review``, ``memory add``,
``memory show``, ``workflow list|show`` and what ``init --workflow`` does.

Risks, checklist answers and the review are session events (``risk.added``, ``check.item``,
``review.recorded``); memory entries are project events (``memory.added`` in
``project.jsonl``, recorded through the plan's all-or-nothing writer).
"""

from __future__ import annotations

from session_tracker.core import validate
from session_tracker.core.context import Context
from session_tracker.core.sessions import record, require_open, resolve
from session_tracker.documents import writer as docs
from session_tracker.errors import TrackerError


def _one_line(value: str, what: str) -> str:
    text = validate.text(value, what)
    if "\n" in text:
        raise TrackerError(f"the {what} spans several lines", f"give the {what} on one line")
    return text


def risk(ctx: Context, message: str, mitigation: str | None, session: str | None = None) -> dict[str, object]:
    """``risk --message … --mitigation …`` (seed 003's Risk Mitigation).

    Raises:
        TrackerError: empty texts, no mitigation, no open session.
    """
    text = validate.text(message)
    if mitigation is None or not mitigation.strip():
        raise TrackerError("a risk needs a mitigation", 'say how to handle it: --mitigation "…"')
    how = validate.text(mitigation, "mitigation")
    target = require_open(resolve(ctx, session))
    record(ctx, target, "risk.added", {"message": text, "mitigation": how})
    docs.write_session(ctx, target.file, target.sid, kinds=("log",))  # the entry shows in the work log
    written = docs.write_lifecycle(ctx, [target.file])
    return {"v": 1, "session": target.name, "risk": text, "mitigation": how, "documents": [ctx.layout.relative(p) for p in written]}


def check_item(ctx: Context, item: str, done: bool = True, session: str | None = None) -> dict[str, object]:
    """``check-item "Documentation updated" --done|--not-done``: answer a checklist item the
    metrics cannot measure (or add an item of your own)."""
    name = _one_line(item, "checklist item")
    target = require_open(resolve(ctx, session))
    record(ctx, target, "check.item", {"item": name, "done": done})
    docs.write_session(ctx, target.file, target.sid, kinds=("log",))
    docs.write_lifecycle(ctx, [target.file])
    from session_tracker.commands.metrics import METRICS_TYPES
    from session_tracker.index import project_view
    from session_tracker.workflow.view import checklist

    # the previous session's metrics from the index; this session as recorded to
    project, _ = project_view(ctx.layout, types=METRICS_TYPES, sparse=True, loaded=[target])
    return {"v": 1, "session": target.name, "item": name, "done": done, "checklist": checklist(target, project)}


def review(ctx: Context, worked: tuple[str, ...] = (), failed: tuple[str, ...] = (), lessons: tuple[str, ...] = (),
           session: str | None = None) -> dict[str, object]:
    """``review --worked … --failed … --lesson …`` (each repeatable), recorded before ``end``
    renders ``-review.md``.

    Raises:
        TrackerError: nothing given, or an empty text.
    """
    data = {
        "worked": [validate.text(w, "worked") for w in worked],
        "failed": [validate.text(f, "failed") for f in failed],
        "lessons": [validate.text(lesson, "lesson") for lesson in lessons],
    }
    if not any(data.values()):
        raise TrackerError("nothing to review", 'give --worked "…", --failed "…" and/or --lesson "…"')
    target = require_open(resolve(ctx, session))
    record(ctx, target, "review.recorded", dict(data))
    docs.write_session(ctx, target.file, target.sid, kinds=("log",))
    docs.write_lifecycle(ctx, [target.file])
    return {"v": 1, "session": target.name, **data}


def memory_add(ctx: Context, kind: str, message: str, rationale: str | None = None, context: str | None = None,
               alternatives: tuple[str, ...] = (), supersedes: int | None = None, session: str | None = None) -> dict[str, object]:
    """``memory add architecture|patterns|decisions|errors --message …``; a decision may give
    ``--rationale``, ``--context``, ``--alternative`` and ``--supersedes N`` (ADR-N).

    Raises:
        TrackerError: unknown kind, empty message, decision fields on another kind, unknown ADR.
    """
    from session_tracker.commands.plan import change
    from session_tracker.plan.model import Plan
    from session_tracker.plan.record import Change
    from session_tracker.workflow.memory import KINDS, decision_records

    if kind not in KINDS:
        raise TrackerError(f"unknown memory kind {kind!r}", "use one of: " + ", ".join(KINDS))
    data: dict[str, object] = {"kind": kind, "message": validate.text(message)}
    extras = rationale is not None or context is not None or alternatives or supersedes is not None
    if extras and kind != "decisions":
        raise TrackerError(f"--rationale, --context, --alternative and --supersedes belong to decisions, not {kind}", f"use `memory add decisions …`, or only --message for {kind}")
    if kind == "decisions":
        if rationale is None or not rationale.strip():
            raise TrackerError("a decision needs a rationale", 'say why: --rationale "…"')
        data["rationale"] = validate.text(rationale, "rationale")
        data["context"] = validate.text(context, "context") if context else ""
        data["alternatives"] = [validate.text(a, "alternative") for a in alternatives]
    project = None
    if supersedes is not None:  # every session's decisions and objectives, from the index
        from session_tracker.index import project_view

        project, _ = project_view(ctx.layout, types=frozenset({"decision", "session.started"}), sparse=True)

    def build(plan: Plan) -> Change:
        if supersedes is not None and project is not None:
            records = {r["number"]: r for r in decision_records(project, plan)}
            if supersedes not in records:
                raise TrackerError(f"unknown decision record ADR-{supersedes:03d}", f"see `session-tracker memory show decisions` ({len(records)} records)")
            data["supersedes"] = records[supersedes]["id"]
        return [("memory.added", data)]

    events, _ = change(ctx, build, session)
    return {"v": 1, "kind": kind, "message": data["message"], "events": len(events)}


def memory_show(ctx: Context, kind: str | None = None) -> dict[str, object]:
    """``memory show [KIND]``: the memory files' text, rendered from the events.

    Raises:
        TrackerError: unknown kind.
    """
    from session_tracker.documents.workflow import render_memory
    from session_tracker.index import summary_project as load_summary_project
    from session_tracker.plan.model import load_plan
    from session_tracker.workflow.memory import KINDS

    if kind is not None and kind not in KINDS:
        raise TrackerError(f"unknown memory kind {kind!r}", "use one of: " + ", ".join(KINDS))
    project, plan = load_summary_project(ctx.layout), load_plan(ctx.layout)
    kinds = [kind] if kind else list(KINDS)
    return {"v": 1, "memory": {k: render_memory(k, project, plan) for k in kinds}}


def workflow_list(ctx: Context) -> dict[str, object]:
    """``workflow list``: built-in and user workflows."""
    from session_tracker.workflow.workflows import available

    return {"v": 1, "workflows": [w.view() for w in available(ctx.layout).values()]}


def workflow_show(ctx: Context, name: str) -> dict[str, object]:
    from session_tracker.workflow.workflows import get

    return {"v": 1, **get(ctx.layout, name).view()}


def init_extra(ctx: Context, workflow: str | None) -> dict[str, object]:
    """The ``session.started`` data ``init --workflow NAME`` adds (checked before the session
    starts, so an unknown workflow leaves nothing behind).

    Raises:
        TrackerError: unknown or unreadable workflow.
    """
    if workflow is None:
        return {}
    from session_tracker.workflow.workflows import get

    found = get(ctx.layout, workflow)
    return {"workflow": found.name, "checklist": list(found.checklist)}


def apply_workflow(ctx: Context, workflow: str, session: str) -> list[str]:
    """Add the workflow's steps as the session's micro-tasks, each depending on the one
    before (seed 003's handoff chain). Returns the task ids."""
    from session_tracker.commands.plan import task_add
    from session_tracker.workflow.workflows import get

    ids: list[str] = []
    for agent, title, minutes in get(ctx.layout, workflow).steps:
        result = task_add(ctx, title, estimate=minutes, depends_on=tuple(ids[-1:]), session=session, agent=agent or None)
        ids.append(str(result["task"]))
    return ids
