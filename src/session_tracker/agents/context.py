"""The context an agent starts from: a budgeted handoff for ``additionalContext``.

Claude Code shows up to 10,000 characters of a hook's ``additionalContext`` inline (more is
saved to a file the model sees only a preview of), so the text is built to a budget (default
8,000 characters, ``[agents] context_budget`` in ``config.toml``). Parts, most important first:

1. the header: which session this is and the exact commands to record decisions, blockers and
   next steps (never dropped);
2. open blockers and questions, across all sessions (never dropped);
3. next steps left by the previous session (never dropped);
4. tasks in progress or blocked (latest ``task.updated`` per task);
5. the latest decisions, newest first;
6. the previous session's full handoff.

Parts 4-6 are filled in that order while they fit; the first that does not fit is cut at a
line boundary with a pointer to the full document, and the rest are left out. Parts 1-3 are
kept whole even past the budget: an agent must not miss a blocker or a next step.
"""

from __future__ import annotations

from session_tracker.core.context import Context
from session_tracker.core.events import Event
from session_tracker.core.model import Project, Session
from session_tracker.documents import writer

DEFAULT_BUDGET = 8000
MAX_ITEM = 400  # characters of one blocker, step, task or decision line
ACTIVE_TASK_STATUSES = ("in_progress", "blocked")

HOW_TO = """Record as you work (exact commands; they write to this session):
- decision: session-tracker decision --message "WHAT" --rationale "WHY" [--alternative "OTHER"]
- blocker or open question: session-tracker blocker --message "WHAT BLOCKS"
- resolve one: session-tracker blocker --resolve ID --message "HOW"
- next step for the next session: session-tracker handoff --item "WHAT NEXT"
- progress note: session-tracker log "WHAT WAS DONE" --category implementation|testing|bugfix|refactor|documentation|planning
Files you edit and commands you run are recorded by the hooks."""


def _line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_ITEM else text[: MAX_ITEM - 1] + "…"


def latest_tasks(project: Project, project_file: str | None = None) -> list[Event]:
    """The newest ``task.updated`` of each task, oldest first: from the sessions (the MCP
    ``task_update`` tool) and from ``project_file`` (``project.jsonl``, where the project plan
    records its tasks in the same shape)."""
    from session_tracker.core import store

    updates = [e for s in project.sessions for e in s.of_type("task.updated")]
    if project_file:
        updates += [e for e in store.read(project_file)[0] if e.type == "task.updated"]
    latest: dict[str, Event] = {}
    for event in sorted(updates, key=lambda e: (e.moment, e.id)):
        task = event.text("task")
        if task:
            latest.pop(task, None)
            latest[task] = event
    return list(latest.values())


def _previous(project: Project, current: Session) -> Session | None:
    ended = [s for s in project.ended() if s.sid != current.sid]
    return ended[-1] if ended else None


def build(ctx: Context, project: Project, current: Session, continued: bool, budget: int = DEFAULT_BUDGET) -> str:
    """The handoff text for ``current``, at most ``budget`` characters unless the parts that
    are never dropped (header, open blockers, next steps) alone exceed it."""
    previous = _previous(project, current)
    header = [
        f"# session-tracker: session {current.name} ({'continued' if continued else 'started'})",
        "",
        f"This work is tracked as session {current.name}; the events are in .sessions/events/{current.name}.jsonl.",
        HOW_TO,
    ]
    required: list[list[str]] = [header]
    blockers = project.open_blockers()
    required.append(
        [f"## Open blockers and questions ({len(blockers)})"]
        + ([f"- [{b.text('blocker')}] {_line(b.text('message'))} (session {b.session})" for b in blockers] or ["None."])
    )
    steps = previous.next_steps() if previous else []
    own = current.next_steps() if continued else []
    where = f"from session {previous.name}" if previous else "none recorded yet"
    required.append(
        [f"## Next steps ({where})"]
        + ([f"{i}. {_line(s)}" for i, s in enumerate(steps, 1)] or ["None."])
        + ([f"Added in this session: {'; '.join(_line(s) for s in own)}"] if own else [])
    )

    optional: list[tuple[list[str], str]] = []
    tasks = [t for t in latest_tasks(project, ctx.layout.project_file) if t.text("status") in ACTIVE_TASK_STATUSES]
    if tasks:
        optional.append(
            (["## Tasks in progress"] + [f"- {_line(t.text('task'))}: {t.text('status')}" + (f" — {_line(t.text('note'))}" if t.text("note") else "") for t in tasks], "")
        )
    decisions = sorted((e for s in project.sessions for e in s.of_type("decision")), key=lambda e: (e.moment, e.id), reverse=True)
    if decisions:
        optional.append(
            (
                [f"## Latest decisions ({len(decisions)})"]
                + [f"- {_line(d.text('message'))} — why: {_line(d.text('rationale'))} (session {d.session})" for d in decisions[:20]],
                "see the sessions' DECISIONS.md",
            )
        )
    if previous is not None:
        text = writer.render_kind("handoff", previous, project) or ""
        path = ctx.document("handoff", previous.name)
        pointer = ctx.layout.relative(path) if path else f"`session-tracker handoff {previous.name}`"
        body = [line for line in text.splitlines() if not line.startswith("<!--")]
        optional.append(([f"## Handoff of session {previous.name}"] + body, f"full text: {pointer}"))

    parts = ["\n".join(lines) for lines in required]
    used = sum(len(p) + 2 for p in parts)
    for lines, pointer in optional:
        block = "\n".join(lines)
        if used + len(block) + 2 <= budget:
            parts.append(block)
            used += len(block) + 2
            continue
        cut = f"… (cut to fit {budget:,} characters; {pointer or 'see session-tracker'})"
        kept: list[str] = []
        size = used + len(cut) + 3
        for line in lines:
            if size + len(line) + 1 > budget:
                break
            kept.append(line)
            size += len(line) + 1
        if len(kept) > 1:  # more than the heading alone
            parts.append("\n".join(kept + [cut]))
        break
    return "\n\n".join(parts).strip() + "\n"
