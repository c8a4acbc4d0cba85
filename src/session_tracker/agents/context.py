"""The context an agent starts from: a handoff for ``additionalContext`` within a hard budget.

Claude Code shows up to 10,000 characters of a hook's ``additionalContext`` inline (more is
saved to a file the model sees only a preview of, so whatever lies past it is lost from the
agent's view). The text therefore never exceeds the budget: ``[agents] context_budget``
(default 8,000 characters), or the agent's own ``budget_<agent>``, and never the agent's inline
limit (:data:`INLINE_LIMITS`). Parts, most important first:

1. the header: which session this is and the exact commands to record work;
2. every open blocker, across all sessions;
3. every open next step of the one list (:mod:`session_tracker.plan.steps`);
4. tasks in progress or blocked (latest ``task.updated`` per task);
5. the latest decisions, newest first;
6. the previous session's full handoff.

Every blocker and every step is at least *named* (its id and the start of its text): when the
whole lines do not fit, each is shortened to the same length; when even that does not fit, they
are listed by id. Parts 4-6 are filled while they fit, the first that does not is cut at a line.
The last line always says what was left out and where to read all of it. :func:`assemble` also
returns a receipt of what was kept and cut, which the SessionStart hook records as a
``context.injected`` event (``session-tracker receipts`` shows them).
"""

from __future__ import annotations

import os

from session_tracker.core.context import Context
from session_tracker.core.events import Event
from session_tracker.core.model import Project, Session
from session_tracker.documents import writer

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

DEFAULT_BUDGET = 8000
#: Characters each agent shows inline (Claude Code hooks reference: additionalContext past
#: 10,000 characters is replaced by a file path and a preview). None: no documented limit.
INLINE_LIMITS: dict[str, int | None] = {"claude-code": 10_000, "codex": None, "gemini": None, "cursor": None}
MAX_ITEM = 400  # characters of one blocker, step, task or decision line at most
MIN_NAMED = 24  # characters of an item's text kept when items must be shortened
ACTIVE_TASK_STATUSES = ("in_progress", "blocked")
READ_ALL = "`session-tracker status` (every blocker and step), `session-tracker handoff` (the last handoff), SESSION_TRACKER.md"

HOW_TO = """Record as you work (exact commands; they write to this session):
- decision: session-tracker decision --message "WHAT" --rationale "WHY" [--alternative "OTHER"]
- blocker or open question: session-tracker blocker --message "WHAT BLOCKS"
- resolve one: session-tracker blocker --resolve ID --message "HOW"
- next step (one list, kept until done): session-tracker next "WHAT NEXT" [--priority 1]; close it: session-tracker next --done ID
- progress note: session-tracker log "WHAT WAS DONE" --category implementation|testing|bugfix|refactor|documentation|planning
Files you edit and commands you run are recorded by the hooks."""


def budget_for(config: dict[str, dict[str, object]], agent: str) -> tuple[int, int | None]:
    """``(budget, inline limit)`` for ``agent``: its ``budget_<agent>`` else ``context_budget``,
    never above the agent's inline limit."""
    settings = config.get("agents", {})
    own = settings.get("budget_" + agent.replace("-", "_"))
    chosen = own if isinstance(own, int) and not isinstance(own, bool) else settings.get("context_budget")
    budget = chosen if isinstance(chosen, int) and not isinstance(chosen, bool) else DEFAULT_BUDGET
    limit = INLINE_LIMITS.get(agent)
    return (min(budget, limit) if limit else budget), limit


def _flat(text: str) -> str:
    return " ".join(text.split())


def _short(text: str, size: int) -> str:
    text = _flat(text)
    return text if len(text) <= size else text[: max(size - 1, 0)].rstrip() + "…"


def latest_tasks(project: Project, project_file: str | None = None) -> list[Event]:
    """The newest ``task.updated`` of each task, oldest first: from the sessions (the MCP
    ``task_update`` tool) and from ``project_file`` (``project.jsonl``, where the project plan
    records its tasks in the same shape)."""

    updates = [e for s in project.sessions for e in s.of_type("task.updated")]
    if project_file:
        from session_tracker.core.paths import Layout
        from session_tracker.plan.model import project_events

        root = os.path.dirname(os.path.dirname(project_file))
        updates += [e for e in project_events(Layout(root))[0] if e.type == "task.updated"]
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


class _Named:
    """A list every item of which must at least be named: ``(id, text, suffix)`` rows."""

    def __init__(self, part: str, heading: str, rows: list[tuple[str, str, str]], bullet: str) -> None:
        self.part = part
        self.heading = heading
        self.rows = rows
        self.bullet = bullet  # "-" or "1." (numbered)

    def line(self, i: int, size: int | None) -> str:
        ident, text, suffix = self.rows[i]
        mark = f"{i + 1}." if self.bullet == "1." else "-"
        body = _short(text, MAX_ITEM if size is None else size)
        return f"{mark} [{ident}] {body}{suffix}"

    def render(self, size: int | None) -> str:
        if not self.rows:
            return f"{self.heading}\nNone."
        return "\n".join([self.heading] + [self.line(i, size) for i in range(len(self.rows))])

    def size(self, size: int | None, limit: int) -> int:
        """``len(self.render(size))``, or any length above ``limit`` once it is past it (a list
        of 20,000 steps is not rendered whole to learn that it does not fit)."""
        if not self.rows:
            return len(self.heading) + len("\nNone.")
        total = len(self.heading)
        for i in range(len(self.rows)):
            total += 1 + len(self.line(i, size))
            if total > limit:
                break
        return total

    def ids_only(self) -> str:
        return f"{self.heading}\n" + ", ".join(ident for ident, _, _ in self.rows)


def _fit_named(lists: list[_Named], room: int) -> tuple[list[str], dict[str, str], int]:
    """The blocks for ``lists`` within ``room`` characters (joined by blank lines), how each was
    kept (``whole``, ``shortened to N``, ``ids only``, ``partial``) and how many items were left
    out entirely (only when not even their ids fit)."""
    def total(blocks: list[str]) -> int:
        return sum(len(b) + 2 for b in blocks)

    def fits(size: int | None) -> bool:  # total([n.render(size) for n in lists]) <= room
        used = 0
        for n in lists:
            used += n.size(size, room - used) + 2
            if used > room:
                return False
        return True

    if fits(None):
        return [n.render(None) for n in lists], {n.part: "whole" for n in lists}, 0
    low, high = MIN_NAMED, MAX_ITEM  # the largest common length that fits
    if fits(low):
        while low < high:
            middle = (low + high + 1) // 2
            if fits(middle):
                low = middle
            else:
                high = middle - 1
        return [n.render(low) for n in lists], {n.part: f"shortened to {low} characters an item" for n in lists}, 0
    compact = [n.ids_only() if n.rows else n.render(None) for n in lists]
    if total(compact) <= room:
        return compact, {n.part: "ids only" for n in lists}, 0
    blocks: list[str] = []
    how: dict[str, str] = {}
    left = 0
    used = 0
    for n in lists:  # not even every id fits (hundreds of items on a tiny budget): as many as fit
        kept: list[str] = []
        joined = 0  # len(", ".join(kept))
        for ident, _, _ in n.rows:
            grown = joined + (2 if kept else 0) + len(ident)
            if used + len(n.heading) + 2 + grown + 1 > room:
                break
            kept.append(ident)
            joined = grown
        left += len(n.rows) - len(kept)
        block = n.heading + "\n" + ", ".join(kept)
        used += len(block) + 2
        blocks.append(block)
        how[n.part] = f"ids only, {len(kept)} of {len(n.rows)}"
    return blocks, how, left


def gather(ctx: Context, project: Project, current: Session, decisions: tuple[int, list[Event]] | None = None) -> dict[str, Any]:
    """What the context shows of the project, before it is fitted to a budget (JSON-shaped)::

        {"blockers" [[id, text, suffix]], "steps" [[id, text, suffix]], "optional" [[part,
         [line], pointer]] (tasks, decisions, previous_handoff: the ones there are, in order)}

    :func:`gather_lists` and :func:`with_handoff` of the previous session's handoff.
    """
    previous = _previous(project, current)
    shown: dict[str, object] | None = None
    if previous is not None:
        shown = {"session": previous.name, "handoff": writer.render_kind("handoff", previous, project)}
    return with_handoff(ctx, gather_lists(ctx, project, decisions), shown)


def gather_lists(ctx: Context, project: Project, decisions: tuple[int, list[Event]] | None = None) -> dict[str, Any]:
    """The lists of :func:`gather`: every open blocker and step, the tasks in progress and the
    newest decisions (``optional`` without the previous handoff). They depend on neither the
    current nor the previous session, so the index keeps them
    (:func:`session_tracker.agents.context_view.context_parts`).

    ``decisions``: ``(how many, the newest 20, newest first)`` when the caller has them from the
    index; else they are taken from ``project``'s sessions.
    """
    from session_tracker.plan.model import load_plan
    from session_tracker.plan.steps import open_steps

    blockers = project.open_blockers()
    steps = open_steps(project, load_plan(ctx.layout))
    optional: list[tuple[str, list[str], str]] = []
    tasks = [t for t in latest_tasks(project, ctx.layout.project_file) if t.text("status") in ACTIVE_TASK_STATUSES]
    if tasks:
        optional.append(("tasks", ["## Tasks in progress"] + [
            f"- {_short(t.text('task'), MAX_ITEM)}: {t.text('status')}" + (f" — {_short(t.text('note'), MAX_ITEM)}" if t.text("note") else "")
            for t in tasks], "`session-tracker task list`"))
    if decisions is None:
        every = sorted((e for s in project.sessions for e in s.of_type("decision")), key=lambda e: (e.moment, e.id), reverse=True)
        decisions = (len(every), every[:20])
    count, newest = decisions
    if count:
        optional.append(("decisions", [f"## Latest decisions ({count})"] + [
            f"- {_short(d.text('message'), MAX_ITEM)} — why: {_short(d.text('rationale'), MAX_ITEM)} (session {d.session})" for d in newest[:20]],
            "the sessions' DECISIONS.md"))
    return {
        "blockers": [[b.text("blocker"), b.text("message"), f" (session {b.session})"] for b in blockers],
        "steps": [[s.id, s.message, f" (priority {s.priority})" if s.priority != 100 else ""] for s in steps],
        "optional": [[name, lines, pointer] for name, lines, pointer in optional],
    }


def with_handoff(ctx: Context, lists: dict[str, Any], shown: dict[str, object] | None) -> dict[str, Any]:
    """:func:`gather`'s parts: ``lists`` (:func:`gather_lists`) and, last of the optional parts,
    the previous session's handoff ``shown`` (``{"session", "handoff"}``, or None)."""
    if shown is None:
        return lists
    name = str(shown["session"])
    path = ctx.document("handoff", name)
    pointer = ctx.layout.relative(path) if path else f"`session-tracker handoff {name}`"
    body = [line for line in str(shown["handoff"] or "").splitlines() if not line.startswith("<!--")]
    return {**lists, "optional": [*lists["optional"], ["previous_handoff", [f"## Handoff of session {name}"] + body, pointer]]}


def assemble(gathered: dict[str, Any], current: Session, continued: bool, budget: int = DEFAULT_BUDGET) -> tuple[str, dict[str, object]]:
    """The handoff text for ``current`` from :func:`gather`'s parts (at most ``budget``
    characters, always) and its receipt.

    Receipt shape (also the ``context.injected`` event's data)::

        {"chars", "tokens_est" (chars / 4, rounded up), "budget", "parts" [{"part", "items",
         "kept" (whole|shortened to N characters an item|ids only|cut at a line|left out|none),
         "chars"}], "left_out" [text], "reason"}
    """
    title = f"# session-tracker: session {current.name} ({'continued' if continued else 'started'})"
    header_full = "\n".join([title, "", f"This work is tracked as session {current.name}.", HOW_TO])
    blockers = [(str(a), str(b), str(c)) for a, b, c in gathered["blockers"]]
    steps = [(str(a), str(b), str(c)) for a, b, c in gathered["steps"]]
    named = [
        _Named("blockers", f"## Open blockers and questions ({len(blockers)})", blockers, "-"),
        _Named("next_steps", f"## Next steps ({len(steps)}, one list kept until done)", steps, "1."),
    ]
    closing_room = 420  # the closing line, reserved before anything optional is placed
    header = header_full if len(header_full) + 2 + closing_room + 200 <= budget else title
    parts_receipt: list[dict[str, object]] = [{"part": "header", "items": 1, "kept": "whole" if header == header_full else "title only", "chars": len(header)}]
    room = budget - len(header) - 2 - closing_room
    blocks, how, left = _fit_named(named, room)
    for n, block in zip(named, blocks, strict=True):
        parts_receipt.append({"part": n.part, "items": len(n.rows), "kept": how[n.part] if n.rows else "none", "chars": len(block)})
    left_out: list[str] = []
    if left:
        left_out.append(f"{left} blockers/steps beyond the budget")
    if header != header_full:
        left_out.append("the recording commands")
    optional = [(str(name), list(lines), str(pointer)) for name, lines, pointer in gathered["optional"]]

    parts = [header, *blocks]
    used = sum(len(p) + 2 for p in parts)
    stopped = False
    for name, lines, pointer in optional:
        block = "\n".join(lines)
        if not stopped and used + len(block) + 2 + closing_room <= budget:
            parts.append(block)
            used += len(block) + 2
            parts_receipt.append({"part": name, "items": len(lines) - 1, "kept": "whole", "chars": len(block)})
            continue
        kept: list[str] = []
        size = used + closing_room
        if not stopped:
            for line in lines:
                if size + len(line) + 1 > budget:
                    break
                kept.append(line)
                size += len(line) + 1
        if sum(1 for line in kept if line.strip()) > 1:  # more than the heading alone
            block = "\n".join(kept)
            parts.append(block)
            used += len(block) + 2
            parts_receipt.append({"part": name, "items": len(lines) - 1, "kept": "cut at a line", "chars": len(block)})
            left_out.append(f"the rest of {name.replace('_', ' ')} ({pointer})")
        else:
            parts_receipt.append({"part": name, "items": len(lines) - 1, "kept": "left out", "chars": 0})
            left_out.append(f"{name.replace('_', ' ')} ({pointer})")
        stopped = True
    shortened = [n.part.replace("_", " ") for n in named if how.get(n.part, "whole") != "whole" and n.rows]
    if shortened:
        left_out.insert(0, f"the full text of {' and '.join(shortened)}")
    if left_out:
        closing = f"Left out to fit {budget:,} characters: " + "; ".join(left_out) + f". Read all of it: {READ_ALL}."
    else:
        closing = f"Nothing left out. More: {READ_ALL}."
    text = "\n\n".join(parts).strip() + "\n\n"
    if len(text) + len(closing) + 1 > budget:  # the closing line is the one thing never dropped
        closing = _short(closing, budget - len(text) - 1) if budget - len(text) - 1 > 40 else "Left out: see `session-tracker status`."
    text = (text + closing + "\n")
    if len(text) > budget:  # a budget too small for even the title: cut, never exceed
        text = text[: budget - 1] + "\n"
    chars = len(text)
    receipt: dict[str, object] = {
        "chars": chars,
        "tokens_est": -(-chars // 4),
        "budget": budget,
        "parts": parts_receipt,
        "left_out": left_out,
        "reason": "fits the budget whole" if not left_out else f"the whole context would not fit {budget:,} characters",
    }
    return text, receipt
