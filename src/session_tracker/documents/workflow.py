"""Seed 003's six session documents and its memory files, rendered from events.

Pure: the same events, plan and configuration give the same bytes. The context document is a
snapshot of what was known when the session started (the plan before its start, the previous
session's metrics); the others follow the session. ``-completed.md`` and ``-review.md`` exist
once the session has ended, like the handoff.
"""

from __future__ import annotations

import json

from session_tracker.core import kinds
from session_tracker.core.clock import display
from session_tracker.core.model import Project, Session
from session_tracker.documents import md
from session_tracker.documents.done import Done
from session_tracker.metrics.latest import latest, previous
from session_tracker.plan.model import Item, Plan
from session_tracker.workflow import view
from session_tracker.workflow.memory import decision_records, notes

HOW = "record changes with session-tracker (task, risk, check-item, review), then `session-tracker render`"
MEMORY_HOW = "record changes with `session-tracker memory add`, decision or issue, then `session-tracker render`"

SESSION_KINDS = kinds.LIFECYCLE
MEMORY_KINDS = kinds.MEMORY


def _head(session: Session, title: str) -> list[str]:
    return [md.notice(f".sessions/events/{session.name}.jsonl and .sessions/project.jsonl", HOW), "", f"# Session {md.text(session.name)} {title}", ""]


def _pct(value: object) -> str:
    from session_tracker.metrics.values import percent_text

    return percent_text(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else "— (not measured)"


def _task_line(task: Item) -> str:
    agent = task.s("agent") or task.s("assignee")
    status = view.STATUS_JSON.get(task.s("status", "todo"), "pending")
    return f"- {md.text(task.key)}: {md.text(task.s('title'))} ({md.text(agent) + ', ' if agent else ''}{status})"


def render_context(session: Session, project: Project, plan: Plan) -> str:
    """``session-XXX-context.md``: the state snapshot when the session started."""
    git = session.git_start or {}
    before = view.plan_at(plan, session.started.ts if session.started else session.start_moment)
    prev = view.previous_session(session, project)
    metrics = previous(session, project)
    lines = _head(session, "Context") + ["## System State", ""]
    branch, head = git.get("branch"), git.get("head")
    lines.append(f"- **Branch**: {md.code(branch) if isinstance(branch, str) else '— (no git)'}")
    lines.append(f"- **Last Commit**: {md.code(head[:7]) if isinstance(head, str) and head else '— (no commit)'}")
    found = view.measured(view.TESTS_PASS, metrics, None)
    build = "— (not measured)" if found is None else ("✅ Passing" if found[0] else "❌ Failing") + f" ({found[1]})"
    lines.append(f"- **Build Status**: {build}")
    lines.append(f"- **Test Coverage**: {_pct((metrics or {}).get('coverage_percent'))}")
    issues = [f"{md.text(i.key)} {md.text(i.s('message'))}" for i in before.issues.values() if not i.s("resolution")]
    lines.append("- **Known Issues**: " + ("; ".join(issues) if issues else "None"))
    lines += ["", "## Previous Session Summary", ""]
    if prev is None:
        lines.append("- *This is the first session.*")
    else:
        done = [t for t in view.session_tasks(prev, before) if t.s("status") == "done"]
        left = [t for t in view.session_tasks(prev, before) if t.s("status") != "done"]
        lines.append(f"- Session: {md.text(prev.name)} ({prev.status})")
        work = Done(prev)  # tasks finished, the work log, commits
        completed = [md.text(t.s("title")) for t in done] + [md.text(n) for n in work.notes]
        completed += [f"commit {md.code(sha)} {md.text(subject)}" for sha, subject in work.commits]
        if work.more_notes or work.more_commits:
            completed.append(f"… and {work.more_notes + work.more_commits} more in its work log and commits")
        lines.append("- Completed: " + ("; ".join(completed) if completed else "nothing logged, committed or finished"))
        if work.decisions:
            lines.append(f"- Decisions: {work.decisions} (see its DECISIONS document)")
        pending = [md.text(s) for s in prev.next_steps()] + [md.text(t.s("title")) for t in left]
        lines.append("- Pending: " + ("; ".join(pending) if pending else "nothing recorded"))
        resolved = {e.text("blocker") for e in prev.of_type("blocker.resolved")}
        blockers = [md.text(e.text("message")) for e in prev.of_type("blocker.opened") if e.text("blocker") not in resolved]
        lines.append("- Blockers: " + ("; ".join(blockers) if blockers else "none"))
    carried = [t for t in before.tasks.values() if t.s("status") != "done"]
    lines += ["", "## Unfinished Tasks", ""]
    lines += [_task_line(t) for t in carried] or ["*None carried over.*"]
    lines += ["", "## Current Focus", ""]
    objectives = session.objectives
    lines.append("- Feature: " + ("; ".join(md.text(o) for o in objectives) if objectives else "*no objectives given*"))
    workflow = session.started.text("workflow") if session.started else ""
    if workflow:
        lines.append(f"- Workflow: {md.text(workflow)}")
    lines.append("- Priority: " + (md.text(objectives[0]) if objectives else "—"))
    tasks = view.session_tasks(session, plan)
    agents = list(view.by_agent(tasks))
    lines += ["", "## Available Resources", ""]
    lines.append("- Agents: " + (", ".join(md.text(a) for a in agents) if agents else "none assigned"))
    lines.append(f"- Time Budget: {sum(t.n('estimate') or 0 for t in tasks)} minutes estimated")
    return "\n".join(lines) + "\n"


def _check(item: dict[str, object]) -> str:
    mark = "x" if item["done"] else " "
    return f"- [{mark}] {md.text(str(item['item']))} — {md.text(str(item['detail']))}"


def render_plan(session: Session, project: Project, plan: Plan) -> str:
    """``session-XXX-plan.md``: objectives, task breakdown, execution order, risks, metrics."""
    tasks = view.session_tasks(session, plan)
    lines = _head(session, "Plan") + ["## 🎯 Objectives", ""]
    lines += [f"{n}. {md.text(o)}" for n, o in enumerate(session.objectives, 1)] or ["*No objectives given (`init --objective …`).*"]
    lines += ["", "## 📋 Task Breakdown", ""]
    if not tasks:
        lines += ["*No tasks yet: `session-tracker task add TITLE --agent … --estimate N --success … --test …`.*", ""]
    for n, task in enumerate(tasks, 1):
        deps = task.ls("depends_on")
        estimate = task.n("estimate")
        lines += [f"### Task {n}: {md.text(task.s('title'))}", ""]
        lines.append(f"- **Id**: {md.text(task.key)}")
        lines.append(f"- **Agent**: {md.text(task.s('agent') or task.s('assignee') or 'unassigned')}")
        lines.append(f"- **Estimated Time**: {f'{estimate} minutes' if estimate is not None else '—'}")
        lines.append("- **Dependencies**: " + (", ".join(md.text(d) for d in deps) if deps else "none"))
        lines.append(f"- **Success Criteria**: {md.text(task.s('success')) or '—'}")
        lines.append("- **Test Cases**: " + ("; ".join(md.text(t) for t in task.ls("tests")) if task.ls("tests") else "—"))
        lines.append("")
    lines += ["## 🔄 Execution Order", ""]
    order = view.execution_order(tasks)
    for n, task in enumerate(order, 1):
        deps = [d for d in task.ls("depends_on")]
        lines.append(f"{n}. {md.text(task.key)} {md.text(task.s('title'))}" + (f" (depends on {', '.join(md.text(d) for d in deps)})" if deps else ""))
    if not order:
        lines.append("*Nothing to order yet.*")
    lines += ["", "## ⚠️ Risk Mitigation", ""]
    risks = view.risks(session)
    for risk, mitigation in risks:
        lines += [f"- Risk: {md.text(risk)}", f"  Mitigation: {md.text(mitigation)}"]
    if not risks:
        lines.append("*No risks recorded (`session-tracker risk --message … --mitigation …`).*")
    lines += ["", "## 📊 Success Metrics", ""]
    lines += [_check(item) for item in view.checklist(session, project)]
    return "\n".join(lines) + "\n"


def render_tasks(session: Session, plan: Plan) -> str:
    """``session-XXX-tasks.json`` in exactly seed 003's schema."""
    return json.dumps(view.tasks_json(session, plan), indent=2, ensure_ascii=False) + "\n"


def render_tests(session: Session, project: Project, plan: Plan) -> str:
    """``session-XXX-tests.md``: pre-session, feature, regression and post-session tests."""
    before, now = previous(session, project), latest(session)
    lines = _head(session, "Test Cases") + ["## Pre-Session Tests", ""]
    found = view.measured(view.TESTS_PASS, before, None)
    lines.append(f"- [{'x' if found and found[0] else ' '}] Existing tests pass — " + (md.text(found[1]) if found else "not measured before this session"))
    lines += ["", "## Feature Tests", ""]
    tasks = [t for t in view.session_tasks(session, plan) if t.ls("tests")]
    for n, task in enumerate(tasks, 1):
        done = "x" if task.s("status") == "done" else " "
        lines += [f"### Test Case {n}: {md.text(task.s('title'))}", ""]
        lines += [f"- [{done}] {md.text(t)}" for t in task.ls("tests")]
        lines.append("")
    if not tasks:
        lines += ["*No test cases yet: `task add … --test \"…\"`.*", ""]
    lines += ["## Regression Tests", ""]
    errors = view.measured(view.NO_NEW_ERRORS, now, before)
    lines.append(f"- [{'x' if errors and errors[0] else ' '}] No new errors — " + (md.text(errors[1]) if errors else "not measured"))
    lines += ["", "## Post-Session Tests", ""]
    passing = view.measured(view.TESTS_PASS, now, None)
    lines.append(f"- [{'x' if passing and passing[0] else ' '}] All new tests pass — " + (md.text(passing[1]) if passing else "not measured"))
    cov_now, cov_before = (now or {}).get("coverage_percent"), (before or {}).get("coverage_percent")
    if isinstance(cov_now, (int, float)) and isinstance(cov_before, (int, float)):
        lines.append(f"- [{'x' if cov_now >= cov_before else ' '}] Coverage increased or maintained — {_pct(cov_before)} → {_pct(cov_now)}")
    else:
        lines.append(f"- [ ] Coverage increased or maintained — {_pct(cov_now)}")
    return "\n".join(lines) + "\n"


def indicators(session: Session, project: Project, plan: Plan) -> dict[str, object]:
    """Seed 003's success indicators: the score module's rates, with completion and time
    taken from the session's micro-tasks when it has any."""
    from session_tracker.metrics.score import score_of, session_metrics

    base = session_metrics(session, project)
    rates = dict(base["rates"])  # type: ignore[call-overload]
    tasks = view.session_tasks(session, plan)
    done = sum(1 for t in tasks if t.s("status") == "done")
    spent = sum(t.n("actual") or 0 for t in tasks)
    estimated = sum(t.n("estimate") or 0 for t in tasks)
    if tasks:
        rates["completion_rate"] = done / len(tasks)
        rates["time_efficiency"] = spent / estimated if estimated and spent else None
    # A score needs something planned to measure against: a session with no tasks and no
    # objectives would otherwise score 100 on whichever single rate happens to be known.
    score = score_of(rates) if rates.get("completion_rate") is not None else None
    return {"tasks": len(tasks), "done": done, "spent": spent, "estimated": estimated, "rates": rates, "score": score}


def _rate(value: object) -> str:
    return f"{100 * value:.0f}%" if isinstance(value, (int, float)) else "— (nothing recorded to compute it from)"


def render_completed(session: Session, project: Project, plan: Plan) -> str:
    """``session-XXX-completed.md``: results — tasks with estimate and actual time, checklist."""
    tasks = view.session_tasks(session, plan)
    lines = _head(session, "Completed") + ["## Results", ""]
    lines.append(f"- **Status**: {session.status}")
    ind = indicators(session, project, plan)
    from session_tracker.core.clock import format_duration

    lines.append(f"- **Duration**: {format_duration(session.duration_s())}")
    lines.append(f"- **Tasks**: {ind['done']}/{ind['tasks']} completed" if ind["tasks"] else "- **Tasks**: none were planned for this session")
    if ind["estimated"]:
        lines.append(f"- **Time**: {ind['spent']} minutes spent of {ind['estimated']} estimated")
    work = Done(session)
    lines += ["", "## What Was Done", ""]
    lines += [f"- {md.text(n)}" for n in work.notes]
    if work.more_notes:
        lines.append(f"- … and {work.more_notes} more work-log entries")
    lines += [f"- Commit {md.code(sha)} {md.text(subject)}" for sha, subject in work.commits]
    if work.more_commits:
        lines.append(f"- … and {work.more_commits} more commits")
    if work.empty():
        lines.append("*Nothing was logged or committed in this session.*")
    lines += ["", "## Tasks", ""]
    rows = [[md.text(t.key), md.text(t.s("title")), md.text(t.s("agent") or t.s("assignee") or "—"), view.STATUS_JSON.get(t.s("status", "todo"), "pending"),
             str(t.n("estimate") if t.n("estimate") is not None else "—"), str(t.n("actual") if t.n("actual") is not None else "—")] for t in tasks]
    lines += md.table(["Id", "Task", "Agent", "Status", "Estimated (min)", "Actual (min)"], rows) if rows else ["*No tasks were planned.*"]
    lines += ["", "## Quality Gates", ""]
    lines += [_check(item) for item in view.checklist(session, project)]
    decisions = session.of_type("decision")
    lines += ["", "## Decisions", ""]
    lines += [f"- {md.text(e.text('message'))} — {md.text(e.text('rationale'))}" for e in decisions] or ["*None.*"]
    return "\n".join(lines) + "\n"


def render_review(session: Session, project: Project, plan: Plan) -> str:
    """``session-XXX-review.md``: what worked, what failed, lessons, indicators, next plan."""
    found = view.review(session)
    lines = _head(session, "Review")
    for title, key in (("What Worked", "worked"), ("What Failed", "failed"), ("Lessons Learned", "lessons")):
        lines += [f"## {title}", ""]
        lines += [f"- {md.text(x)}" for x in found[key]] or ["*Not recorded for this session.*"]
        lines.append("")
    ind = indicators(session, project, plan)
    rates = ind["rates"]
    assert isinstance(rates, dict)
    lines += ["## Success Indicators", ""]
    lines.append(f"- **Completion Rate**: {_rate(rates.get('completion_rate'))} ({ind['done']}/{ind['tasks']} tasks)")
    lines.append(f"- **Quality Score**: {_rate(rates.get('quality_score'))}")
    lines.append(f"- **Time Efficiency**: {_rate(rates.get('time_efficiency'))} ({ind['spent']}/{ind['estimated']} minutes)")
    lines.append(f"- **Bug Rate**: {_rate(rates.get('bug_rate'))}")
    lines.append(f"- **Documentation Coverage**: {_rate(rates.get('documentation_coverage'))}")
    lines.append(f"- **Score**: {ind['score'] if ind['score'] is not None else '— (nothing was planned to score against)'}")
    lines += ["", "## Next Session Plan", ""]
    steps = [md.text(s) for s in session.next_steps()]
    steps += [f"{md.text(t.key)} {md.text(t.s('title'))}" for t in view.session_tasks(session, plan) if t.s("status") != "done"]
    lines += [f"{n}. {s}" for n, s in enumerate(steps, 1)] or ["*No next steps were left by this session.*"]
    return "\n".join(lines) + "\n"


def render_session(kind: str, session: Session, project: Project, plan: Plan) -> str | None:
    """One of the six documents, or None when it does not apply yet.

    An ended session's documents read the plan as it was when the session ended: later plan
    changes (a task of it finished in the next session) do not rewrite its record.
    """
    if session.ended is not None:
        plan = view.plan_until(plan, session.ended.ts)
    if kind == "context":
        return render_context(session, project, plan)
    if kind == "plan":
        return render_plan(session, project, plan)
    if kind == "tasks":
        return render_tasks(session, plan)
    if kind == "tests":
        return render_tests(session, project, plan)
    if session.ended is None:
        return None
    if kind == "completed":
        return render_completed(session, project, plan)
    if kind == "review":
        return render_review(session, project, plan)
    raise ValueError(f"unknown document kind {kind!r}")


def _memory_head(title: str) -> list[str]:
    return [md.notice(".sessions/project.jsonl and .sessions/events/", MEMORY_HOW), "", f"# {title}", ""]


def render_memory(kind: str, project: Project, plan: Plan) -> str:
    """``memory/<kind>.md``: architecture, patterns, decisions (numbered records), errors."""
    if kind == "decisions":
        lines = _memory_head("Decision Log")
        records = decision_records(project, plan)
        if not records:
            lines.append("*No decisions yet: `session-tracker decision …` or `memory add decisions …`.*")
        for rec in records:
            lines += [f"## ADR-{rec['number']:03d}: {md.text(str(rec['title']))}", ""]
            lines.append(f"- **Status**: {rec['status']}")
            if rec["supersedes"]:
                lines.append(f"- **Supersedes**: ADR-{rec['supersedes']:03d}")
            lines.append(f"- **Date**: {display(str(rec['moment']), '+00:00')} UTC" + (f" (session {md.text(str(rec['session']))})" if rec["session"] else ""))
            lines.append(f"- **Context**: {md.text(str(rec['context'])) or '—'}")
            lines.append(f"- **Decision**: {md.text(str(rec['decision']))}")
            lines.append(f"- **Rationale**: {md.text(str(rec['rationale'])) or '—'}")
            alternatives = rec["alternatives"]
            assert isinstance(alternatives, list)
            lines.append("- **Alternatives**: " + ("; ".join(md.text(a) for a in alternatives) if alternatives else "none recorded"))
            lines.append("")
        return "\n".join(lines).rstrip("\n") + "\n"
    if kind == "errors":
        lines = _memory_head("Known Issues")
        issues = list(plan.issues.values())
        for issue in issues:
            fix = issue.s("resolution")
            status = f"✅ Fixed: {md.text(fix)}" if fix else "🔴 Open"
            lines.append(f"- **{md.text(issue.key)}** {md.text(issue.s('message'))} — {status}")
        entries = notes(plan, "errors")
        lines += [f"- {md.text(e.text('message'))}" for e in entries]
        if not issues and not entries:
            lines.append("*No known issues: `session-tracker issue --message …` or `memory add errors …`.*")
        return "\n".join(lines) + "\n"
    title = {"architecture": "System Design", "patterns": "Code Patterns"}[kind]
    lines = _memory_head(title)
    entries = notes(plan, kind)
    lines += [f"- {md.text(e.text('message'))}" for e in entries] or [f"*Nothing yet: `session-tracker memory add {kind} --message …`.*"]
    return "\n".join(lines) + "\n"
