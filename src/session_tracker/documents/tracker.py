"""The three project documents: SESSION_TRACKER.md (seed 000), progress.txt (seed 002) and
IMPLEMENTATION.md (seed 004), rendered from the sessions and the plan.

Pure functions of their inputs: the same events give the same bytes (no clock, no locale, no
machine time zone). Every user string in markdown goes through :func:`md.text`; progress.txt
is plain text, so a user's newlines are folded to keep one item per line.
"""

from __future__ import annotations

from session_tracker.core.clock import display, format_duration
from session_tracker.core.events import Event
from session_tracker.core.model import Session
from session_tracker.documents import md
from session_tracker.documents.done import Done
from session_tracker.plan.derive import DASH, ICONS, State, bar, count_cell, coverage_cell, long_date, tests_cell
from session_tracker.plan.model import Plan

HOW = "change it with session-tracker commands (phase, task, blocker, question, next, …); it is re-rendered after each one"


def _title(session: Session) -> str:
    objectives = session.objectives
    return objectives[0] if objectives else f"Session {session.name}"


def _date(session: Session) -> str:
    return display(session.start_moment, session.tz)[:10] if session.start_moment else DASH


def _cells(values: list[str]) -> list[str]:
    return [md.text(v) for v in values]


# ---------------------------------------------------------------- SESSION_TRACKER.md (seed 000)


def render_tracker(state: State, name: str) -> str:
    """SESSION_TRACKER.md: Current Status, Phase Progress, Session Log (newest first),
    Blockers & Open Questions, Key Metrics History, How This File Is Kept."""
    latest = state.latest_metrics()
    current = ", ".join(s.name for s in state.open) or ("Not Started" if not state.project.sessions else "None open")
    last = state.last
    out = [
        md.notice(".sessions/ (plan and session events)", HOW), "",
        f"# {md.text(name)} - Session Tracker", "",
        "> **Purpose:** Track progress across sessions. Kept current by session-tracker from the events in `.sessions/`.",
        "> **Rule:** Read this file at the START of every session; change it only through session-tracker commands.",
        "", "---", "", "## Current Status", "",
    ]
    out += md.table(["Metric", "Value"], [
        ["**Current Phase**", md.text(state.current_phase.item.key) if state.current_phase else DASH],
        ["**Current Session**", md.text(current)],
        ["**Last Completed Session**", md.text(last.name) if last else DASH],
        ["**Last Session Date**", display(last.end_moment, last.tz)[:10] if last else DASH],
        ["**Overall Progress**", md.text(state.overall())],
        ["**Tests Passing**", tests_cell(latest)],
        ["**Coverage**", coverage_cell(latest)],
    ])
    out += ["", "---", "", "## Phase Progress", ""]
    if state.phases:
        out += md.table(["Phase", "Sessions", "Status", "Progress"], [
            [md.text(p.item.key), p.range, ICONS[p.status], bar(p.percent)] for p in state.phases
        ])
    else:
        out.append("*No phases planned yet: `session-tracker phase add NAME --sessions 1-3`.*")
    out += ["", "---", "", "## Session Log", "", "> Sessions are logged in reverse chronological order (newest first).", ""]
    sessions = [s for s in state.project.sessions if s.started is not None]
    if not sessions:
        out += ["*No sessions recorded yet. The first entry will be created when Session 1 begins.*", ""]
    previous_total: dict[str, int | None] = {}
    total: int | None = None
    for session in sessions:  # oldest first, to know how many tests each one added
        previous_total[session.sid] = total
        value = state.metrics.get(session.sid, {}).get("tests_total")
        if isinstance(value, int):
            total = value
    for session in reversed(sessions):
        out += _session_entry(state, session, previous_total.get(session.sid))
    out += ["---", "", "## Next Steps (open)", "",
            "> One list, carried from session to session until done: `next`, `end --next` and `handoff --item` add to it; `next --done ID` closes a step.", ""]
    out += _md_steps(state) or [f"- {DASH}"]
    out += ["", "---", "", "## Blockers & Open Questions", ""]
    rows = _blockers_and_questions(state)
    out += md.table(["#", "Question/Blocker", "Status", "Resolution"], rows or [[DASH, DASH, DASH, DASH]])
    out += ["", "---", "", "## Key Metrics History", ""]
    metric_rows = []
    for session in sessions:
        m = state.metrics.get(session.sid)
        metric_rows.append([md.text(session.name), _date(session), tests_cell(m), coverage_cell(m), count_cell(m, "lint_errors"), count_cell(m, "type_errors")])
    out += md.table(["Session", "Date", "Tests", "Coverage", "Lint Errors", "Type Errors"], metric_rows or [[DASH] * 6])
    out += ["", "---", "", "## How This File Is Kept", "", "session-tracker does what this section used to ask of people:", "",
            "### At the START of each session:",
            "1. `session-tracker init` prints the last handoff to read, and this file shows the new session as current",
            "2. The current phase and next tasks come from the plan (`session-tracker status`, `task list`)",
            "",
            "### During and at the END of each session:",
            "1. `session-tracker end` adds the session's entry at the top of the Session Log (tasks done, issues, decisions, next steps, files from git)",
            "2. The status table and the phase progress bars are recomputed from sessions and tasks",
            "3. Blockers and questions appear here when opened (`blocker`, `question`) and when resolved",
            "4. Metrics appear when recorded (tests, coverage, lint and type errors)",
            "5. Commit `.sessions/` with the session's other changes (this file is a view git ignores: `session-tracker render` rebuilds it anywhere); `session-tracker doctor` reports hand edits",
            ""]
    return "\n".join(out)


def _session_entry(state: State, session: Session, tests_before: int | None) -> list[str]:
    branch = ""
    git = session.git_end or session.git_start
    if git and isinstance(git.get("branch"), str):
        branch = str(git["branch"])
    duration = f"~{format_duration(session.duration_s())}" if session.ended else "in progress"
    lines = [
        f"### Session {md.text(session.name)} — {_date(session)} — {md.text(_title(session))}",
        f"**Phase:** {md.text(state.phase_label(session))} | **Duration:** {duration} | **Branch:** {md.code(branch) if branch else DASH}",
        "", "#### Completed:",
    ]
    done = state.tasks_done_in(session)
    for task in done:
        files = ", ".join(md.code(f) for f in task.ls("files"))
        lines.append(f"- [x] {md.text(task.s('title'))}" + (f" → {files}" if files else ""))
    if session.ended is None:  # `log` stays off the project documents (the hot path): filled at end
        lines += ([] if done else [f"- {DASH} (in progress: the session's work log has what was done so far)"])
        return lines + _session_rest(state, session, tests_before)
    work = Done(session)  # the work log and the commits say what was done, tasks or not
    lines += [f"- {md.text(note)}" for note in work.notes]
    if work.more_notes:
        lines.append(f"- … and {work.more_notes} more work-log entries")
    lines += [f"- Commit {md.code(sha)} {md.text(subject)}" for sha, subject in work.commits]
    if work.more_commits:
        lines.append(f"- … and {work.more_commits} more commits")
    if not done and work.empty():
        lines.append(f"- {DASH} (nothing logged, committed or finished)")
    return lines + _session_rest(state, session, tests_before)


def _session_rest(state: State, session: Session, tests_before: int | None) -> list[str]:
    lines: list[str] = []
    lines += ["", "#### Issues Encountered:"]
    issues = []
    for opened, resolution in state.blockers_in(session):
        how = f" — resolved: {md.text(resolution.text('message'))}" if resolution else " — still open"
        issues.append(f"- {md.text(opened.text('message'))}{how}")
    for item in state.issues_in(session):
        how = f" — fixed: {md.text(item.s('resolution'))}" if item.s("resolution") else " — known issue"
        issues.append(f"- {md.text(item.s('message'))}{how}")
    lines += issues or [f"- {DASH}"]
    lines += ["", "#### Decisions Made:"]
    decisions = [f"- {md.text(d.text('message'))} — {md.text(d.text('rationale'))}" for d in session.of_type("decision")]
    lines += decisions or [f"- {DASH}"]
    lines += ["", "#### Next Session Should:"]
    steps = [f"{i}. {md.text(step)}" for i, step in enumerate(session.next_steps(), start=1)]
    lines += steps or [f"- {DASH}"]
    lines += ["", "#### Files Created/Modified:"]
    changed = []
    for f in session.files():
        status, added, removed = f.get("status"), f.get("added"), f.get("removed")
        counts = f" (+{added} −{removed})" if isinstance(added, int) and isinstance(removed, int) else ""
        changed.append(f"- {md.code(str(f.get('path', '')))} — {md.text(str(status))}{counts}")
    lines += changed or [f"- {DASH}"]
    m = state.metrics.get(session.sid)
    total = m.get("tests_total") if m else None
    added = str(total - tests_before) if isinstance(total, int) and tests_before is not None else DASH
    lines += ["", "#### Tests:", f"- Added: {added} new tests", f"- Passing: {tests_cell(m)}", f"- Coverage: {coverage_cell(m)}", ""]
    return lines


def _blockers_and_questions(state: State) -> list[list[str]]:
    found: list[tuple[str, str, list[str]]] = []
    for opened, resolution in state.blockers():
        status = "✅ Resolved" if resolution else "🔴 Open"
        how = resolution.text("message") if resolution else opened.text("plan") or DASH
        found.append((opened.moment, opened.id, [md.text(opened.text("blocker")), md.text(opened.text("message")), status, md.text(how)]))
    for q in state.plan.questions.values():
        answer = q.s("answer")
        found.append((q.created.ts, q.created.id, [md.text(q.key), md.text(q.s("message")), "✅ Answered" if answer else "🔴 Open", md.text(answer) if answer else DASH]))
    found.sort(key=lambda row: (row[0], row[1]))
    return [row for _, _, row in found]


# ---------------------------------------------------------------- progress.txt (seed 002)


def _plain(value: str) -> str:
    return " / ".join(line.strip() for line in value.strip().splitlines() if line.strip())


def render_progress(state: State) -> str:
    """progress.txt in seed 002's format: compact, actionable, plain text."""
    plan = state.plan
    done = [t for t in plan.tasks.values() if t.s("status") == "done"]
    done.sort(key=lambda t: (t.status_event.ts if t.status_event else "", t.key))
    if done:
        last_completed = done[-1].s("title")
    elif state.last:
        last_completed = f"Session {state.last.name}: {_title(state.last)}"
    else:
        last_completed = "None"
    out = ["# generated by session-tracker from .sessions/; do not edit: " + HOW, "", "=== Session State ==="]
    out.append(f"Last completed: {_plain(last_completed)}")
    out.append(f"Next task: {_plain(_next_task(state))}")
    blockers = [f"{b.text('blocker')} {b.text('message')}" for b in state.project.open_blockers()]
    blockers += [f"{t.key} blocked: {t.s('note')}" for t in plan.tasks.values() if t.s("status") == "blocked"]
    out.append(f"Blockers: {_plain('; '.join(blockers)) if blockers else 'None'}")
    out.append(f"Current phase: {_plain(state.phase_position())}")
    out.append(f"Complexity level: {plan.complexity or DASH}")
    out += ["", "=== Key Decisions ==="]
    decisions = []
    for session in state.project.sessions:
        for d in session.of_type("decision"):
            line = f"- {_plain(d.text('message'))} (reason: {_plain(d.text('rationale'))})"
            sha = _commit_after(session, d.moment)
            decisions.append(line + (f" (commit: {sha})" if sha else ""))
    out += decisions[-10:] or ["None"]
    out += ["", "=== Files Modified ==="]
    latest = state.open[-1] if state.open else state.last
    out += [_plain(str(f.get("path", ""))) for f in (latest.files() if latest else [])] or ["None"]
    out += ["", "=== Files To Modify ==="]
    to_modify: dict[str, list[str]] = {}
    for task in plan.tasks.values():
        if task.s("status") != "done":
            for path in task.ls("files"):
                to_modify.setdefault(path, []).append(task.key)
    out += [f"{_plain(path)} ({', '.join(keys)})" for path, keys in to_modify.items()] or ["None"]
    out += ["", "=== Interfaces Defined ==="]
    out += [_plain(i.key) for i in plan.interfaces.values()] or ["None"]
    out += ["", "=== Known Issues ==="]
    out += [f"{i.key}: {_plain(i.s('message'))}" for i in plan.issues.values() if not i.s("resolution")] or ["None"]
    out += ["", "=== Notes ==="]
    notes = [f"- Open question {q.key}: {_plain(q.s('message'))}" for q in plan.questions.values() if not q.s("answer")]
    notes += [f"- Next session should: {_plain(step)}" for step in _next_steps(state)]
    out += notes or ["None"]
    return "\n".join(out) + "\n"


def _next_task(state: State) -> str:
    tasks = list(state.plan.tasks.values())
    for task in tasks:
        if task.s("status") == "in_progress":
            return f"{task.key} {task.s('title')} (in progress)"
    done = {t.key for t in tasks if t.s("status") == "done"}
    for task in tasks:
        if task.s("status", "todo") == "todo" and all(d in done for d in task.ls("depends_on")):
            return f"{task.key} {task.s('title')}"
    steps = _next_steps(state)
    return steps[0] if steps else "None"


def _commit_after(session: Session, moment: str) -> str:
    """The first commit of ``session`` made at or after ``moment`` (short sha), or ''."""
    from session_tracker.core.clock import parse_iso

    try:
        at = parse_iso(moment)
    except ValueError:
        return ""
    best: tuple[object, str] | None = None
    for commit in session.commits():
        stamp, sha = commit.get("timestamp"), commit.get("sha")
        if not isinstance(stamp, str) or not isinstance(sha, str):
            continue
        try:
            when = parse_iso(stamp)
        except ValueError:
            continue
        if when >= at.replace(microsecond=0) and (best is None or when < best[0]):  # type: ignore[operator]
            best = (when, sha[:7])
    return best[1] if best else ""


def _steps(state: State) -> list[tuple[str, str]]:
    """The one list of open next steps (:mod:`session_tracker.plan.steps`): ``(id, text)``."""
    from session_tracker.plan.steps import open_steps

    return [(s.id, s.message) for s in open_steps(state.project, state.plan)]


def _next_steps(state: State) -> list[str]:
    """The open next steps as plain ``[id] text`` lines (progress.txt)."""
    return [f"[{ident}] {text}" for ident, text in _steps(state)]


def _md_steps(state: State) -> list[str]:
    """The open next steps as a numbered markdown list, each with its id."""
    return [f"{i}. {md.code(ident)} {md.text(text)}" for i, (ident, text) in enumerate(_steps(state), start=1)]


# ---------------------------------------------------------------- IMPLEMENTATION.md (seed 004)


def overall_percent(state: State) -> int | None:
    """Seed 004's overall progress: mean component progress, else done tasks over tasks, else
    completed over planned sessions; None when nothing is planned (no figure from nothing)."""
    components = list(state.plan.components.values())
    if components:
        return round(sum(c.n("progress") or 0 for c in components) / len(components))
    tasks = list(state.plan.tasks.values())
    if tasks:
        return round(100 * sum(1 for t in tasks if t.s("status") == "done") / len(tasks))
    return state.percent if state.planned else None


def render_implementation(state: State, name: str) -> str:
    """IMPLEMENTATION.md in seed 004's format."""
    plan = state.plan
    percent = overall_percent(state)
    out = [md.notice(".sessions/ (plan and session events)", HOW), "", f"# {md.text(name)} Implementation Tracking", "",
           f"This document tracks the progress of the {md.text(name)} implementation.", "", "## Overall Progress", ""]
    if percent is None:
        out += md.table(["Status", "Progress"], [[DASH, f"{DASH} (nothing planned to measure progress against: add components, tasks or phases)"]])
    else:
        status = ICONS["complete" if percent >= 100 else "in-progress" if percent > 0 else "not-started"]
        out += md.table(["Status", "Progress"], [[status, f"~{percent}% Complete"]])
    out += ["", "## Component Status", ""]
    out += md.table(["Component", "Status", "Progress", "Notes"], [
        [md.text(c.key), ICONS.get(c.s("status"), DASH), f"{c.n('progress') or 0}%", md.text(c.s("notes")) or DASH]
        for c in plan.components.values()
    ] or [[DASH] * 4])
    out += ["", "## Key Milestones", ""]
    out += md.table(["Milestone", "Target Date", "Status", "Notes"], [
        [md.text(m.key), long_date(m.s("target")), ICONS.get(m.s("status"), DASH), md.text(m.s("notes")) or DASH]
        for m in plan.milestones.values()
    ] or [[DASH] * 4])
    out += ["", "## Recent Updates", ""]
    out += md.table(["Date", "Update"], [[long_date(ts[:10]), md.text(text)] for ts, text in recent_updates(state)] or [[DASH, DASH]])
    out += ["", "## Blockers and Issues", ""]
    rows = []
    for opened, resolution in state.blockers():
        rows.append([md.text(opened.text("message")), md.text(opened.text("impact")) or DASH,
                     md.text(opened.text("plan")) or DASH, "✅ Resolved" if resolution else "🔴 Open"])
    for item in plan.issues.values():
        rows.append([md.text(item.s("message")), DASH, md.text(item.s("resolution")) or DASH, "✅ Resolved" if item.s("resolution") else "🔴 Open"])
    for task in plan.tasks.values():
        if task.s("status") == "blocked":
            rows.append([md.text(f"{task.key} {task.s('title')}: {task.s('note')}"), DASH, DASH, "🟡 In Progress"])
    out += md.table(["Issue", "Impact", "Resolution Plan", "Status"], rows or [[DASH] * 4])
    out += ["", "## Next Steps Priority", ""]
    out += _md_steps(state) or [DASH]
    out += ["", "## Resources", ""]
    out += [f"- {md.text(r.s('note'))}: {md.code(r.key)}" for r in plan.resources.values()] or [DASH]
    out += ["", "## Team Assignment", ""]
    out += md.table(["Component", "Assigned To", "Status"], [
        [md.text(c.key), md.text(c.s("owner")), ICONS.get(c.s("status"), DASH)] for c in plan.components.values() if c.s("owner")
    ] or [[DASH] * 3])
    return "\n".join(out) + "\n"


def recent_updates(state: State, limit: int = 10) -> list[tuple[str, str]]:
    """The newest ``limit`` changes as ``(utc timestamp, text)``, oldest first (seed 004)."""
    found: list[tuple[str, str, str]] = []
    plan = state.plan
    for event in plan.events:
        text = _describe(event, plan)
        if text:
            found.append((event.ts, event.id, text))
    for session in state.project.ended():
        if session.ended is not None:
            found.append((session.end_moment, session.ended.id, f"Session {session.name} completed: {_title(session)}"))
    found.sort()
    return [(ts, text) for ts, _, text in found[-limit:]]


def _describe(event: Event, plan: Plan) -> str:
    t, d = event.type, event
    title = plan.tasks[d.text("task")].s("title") if d.text("task") in plan.tasks else d.text("task")
    if t == "task.updated":
        verb = {"done": "Completed", "in_progress": "Started", "blocked": "Blocked", "todo": "Reopened"}.get(d.text("status"), "Updated")
        return f"{verb} {d.text('task')}: {title}"
    if t == "component.added":
        return f"Added component {d.text('name')}"
    if t == "component.set":
        parts = [ICONS.get(d.text("status"), "")[2:]] if d.text("status") else []
        if isinstance(event.data.get("progress"), int):
            parts.append(f"{event.data['progress']}%")
        return f"Component {d.text('name')}: " + (", ".join(p for p in parts if p) or "notes updated")
    if t == "milestone.set" and d.text("status"):
        return f"Milestone {d.text('name')}: {ICONS.get(d.text('status'), '')[2:]}"
    if t == "milestone.added":
        return f"Planned milestone {d.text('name')} for {long_date(d.text('target'))}"
    if t == "phase.added":
        return f"Planned {d.text('name')}"
    return ""
