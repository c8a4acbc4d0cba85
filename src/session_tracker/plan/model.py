"""The plan folded from project events, and the rules a plan must keep.

Project events live in ``.sessions/events/project-<clone>-<branch>.jsonl``, one file per clone and
branch so every file has one writer (:mod:`session_tracker.core.files`), plus the legacy
``.sessions/project.jsonl`` of older releases; :func:`project_events` merges them in time order. Each one names the session it was recorded in (``session``/``sid``)
or the sentinel ``"project"`` when no session was open: the event decoder requires both
fields, and a ULID can never equal ``"project"``, so the sentinel is unambiguous.

Folding is a pure function of the events (:meth:`Plan.apply`), so a command can fold its new
events onto a copy, check the result (:meth:`Plan.problems`) and write nothing when it is wrong.
"""

from __future__ import annotations

import os
import re
from itertools import pairwise

from session_tracker.core import store
from session_tracker.core.events import Event
from session_tracker.core.paths import Layout
from session_tracker.core.store import Problem

NO_SESSION = "project"  # session and sid of a project event recorded with no session open

STATUSES = ("not-started", "in-progress", "complete")
TASK_STATUSES = ("todo", "in_progress", "blocked", "done")
IMPACTS = ("Low", "Medium", "High")
COMPLEXITIES = ("Trivial", "Small", "Medium", "Large", "Huge")

#: Project event types and their data (also listed in events.TYPES and docs/architecture.md).
PLAN_TYPES = (
    "project.set",  # name?, complexity?
    "phase.added",  # name, first, last (session numbers, inclusive)
    "phase.set",  # name, status? (not-started|in-progress|complete|auto), first?, last?
    "milestone.added",  # name, target (YYYY-MM-DD), status, notes
    "milestone.set",  # name, target?, status?, notes?
    "component.added",  # name, status, progress (0-100), notes, owner
    "component.set",  # name, status?, progress?, notes?, owner?
    "task.added",  # task (task-N), title, phase, component, estimate, assignee, files[], tests[], depends_on[], agent?, success?
    "task.set",  # task, and any field of task.added
    "task.updated",  # task, status (todo|in_progress|blocked|done), note?, actual? (minutes)
    "question.opened",  # question (q-N), message
    "question.answered",  # question, message
    "next.added",  # next (n-N), message, priority
    "next.done",  # next
    "resource.added",  # path, note (adding a path again replaces its note)
    "interface.defined",  # text
    "issue.noted",  # issue (i-N), message
    "issue.fixed",  # issue, message
    "plan.removed",  # kind (phase|milestone|component|task|resource|interface), key
)


class Item:
    """One named plan item (phase, milestone, component, task …): a dict of fields plus where it
    was last changed. Plain attribute bag: renderers read ``fields``."""

    __slots__ = ("changed", "created", "fields", "key", "status_event")

    def __init__(self, key: str, fields: dict[str, object], created: Event) -> None:
        self.key = key
        self.fields = fields
        self.created = created
        self.changed = created
        self.status_event: Event | None = None  # the latest task.updated

    def s(self, name: str, default: str = "") -> str:
        value = self.fields.get(name)
        return value if isinstance(value, str) else default

    def n(self, name: str) -> int | None:
        value = self.fields.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def ls(self, name: str) -> list[str]:
        value = self.fields.get(name)
        return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


class Plan:
    """Everything the plan says, in the order items were added.

    Attributes:
        name, complexity: from ``project.set`` ('' until set).
        phases, milestones, components, tasks, resources, interfaces: ``{key: Item}``.
        questions, issues: ``{id: Item}`` with ``answer``/``resolution`` fields once closed.
        next: open next steps ``{id: Item}``.
        events: every project event folded, file order.
    """

    def __init__(self) -> None:
        self.name = ""
        self.complexity = ""
        self.phases: dict[str, Item] = {}
        self.milestones: dict[str, Item] = {}
        self.components: dict[str, Item] = {}
        self.tasks: dict[str, Item] = {}
        self.questions: dict[str, Item] = {}
        self.next: dict[str, Item] = {}
        self.resources: dict[str, Item] = {}
        self.interfaces: dict[str, Item] = {}
        self.issues: dict[str, Item] = {}
        self.events: list[Event] = []
        self.counters: dict[str, int] = {}
        self.removed_ids: set[str] = set()  # every id ever added (a removed item's id is not reused)

    def table(self, kind: str) -> dict[str, Item]:
        """The items of one kind (``phase``, ``task`` …)."""
        tables: dict[str, dict[str, Item]] = {
            "phase": self.phases, "milestone": self.milestones, "component": self.components,
            "task": self.tasks, "resource": self.resources, "interface": self.interfaces,
            "question": self.questions, "issue": self.issues, "next": self.next,
        }
        return tables[kind]

    def next_id(self, prefix: str, taken: set[str] | None = None) -> str:
        """A new id with ``prefix`` (``task`` → ``task-7kq2mz``, :mod:`session_tracker.core.ids`):
        unique without coordination, so two clones never hand out the same one; never one
        the plan holds (removed ones included) or in ``taken``."""
        from session_tracker.core.ids import short_id

        table = {"task": self.tasks, "q": self.questions, "n": self.next, "i": self.issues}.get(prefix, {})
        return short_id(prefix, set(table) | self.removed_ids | (taken or set()))

    def _count(self, ident: str) -> None:
        self.removed_ids.add(ident)
        prefix, _, number = ident.rpartition("-")
        if number.isdecimal():
            self.counters[prefix] = max(self.counters.get(prefix, 0), int(number))

    def apply(self, event: Event) -> None:
        """Fold one project event in (unknown types and unknown keys are ignored, never fatal)."""
        self.events.append(event)
        t, d = event.type, event.data
        if t == "project.set":
            if isinstance(d.get("name"), str):
                self.name = str(d["name"])
            if isinstance(d.get("complexity"), str):
                self.complexity = str(d["complexity"])
            return
        kind, _, verb = t.partition(".")
        key_field = {"task": "task", "question": "question", "next": "next", "issue": "issue", "resource": "path", "interface": "text"}.get(kind, "name")
        if t == "plan.removed":
            removed_kind, key = event.text("kind"), event.text("key")
            if removed_kind in ("phase", "milestone", "component", "task", "resource", "interface"):
                self.table(removed_kind).pop(key, None)
            return
        if kind not in ("phase", "milestone", "component", "task", "question", "next", "resource", "interface", "issue"):
            return
        key = event.text(key_field)
        if not key:
            return
        items = self.table(kind)
        fields = {k: v for k, v in d.items() if k not in (key_field, "at")}
        if verb in ("added", "opened", "defined", "noted"):
            items[key] = Item(key, fields, event)
            self._count(key)
        elif key in items:
            item = items[key]
            if verb == "set":
                item.fields.update(fields)
            elif t == "task.updated":
                item.fields["status"] = event.text("status", "todo")
                if "actual" in d:
                    item.fields["actual"] = d["actual"]
                if "note" in d:
                    item.fields["note"] = d["note"]
                item.status_event = event
            elif t == "question.answered":
                item.fields["answer"] = event.text("message")
            elif t == "issue.fixed":
                item.fields["resolution"] = event.text("message")
            elif t == "next.done":
                del items[key]
                return
            item.changed = event

    def task_status(self, task: Item) -> str:
        return task.s("status", "todo")

    def problems(self) -> list[str]:
        """What makes this plan inconsistent: overlapping phase ranges, references to unknown
        phases, components or tasks, and dependency cycles. Empty when the plan is sound."""
        found: list[str] = []
        ranges = sorted((p.n("first") or 0, p.n("last") or 0, p.key) for p in self.phases.values())
        for (a_first, a_last, a_name), (b_first, b_last, b_name) in pairwise(ranges):
            if b_first <= a_last:
                found.append(f"phase {b_name!r} (sessions {b_first}-{b_last}) overlaps phase {a_name!r} (sessions {a_first}-{a_last})")
        for task in self.tasks.values():
            phase, component = task.s("phase"), task.s("component")
            if phase and phase not in self.phases:
                found.append(f"task {task.key} names unknown phase {phase!r}")
            if component and component not in self.components:
                found.append(f"task {task.key} names unknown component {component!r}")
            for dep in task.ls("depends_on"):
                if dep not in self.tasks:
                    found.append(f"task {task.key} depends on unknown task {dep!r}")
        cycle = self.cycle()
        if cycle:
            found.append("dependency cycle: " + " → ".join(cycle))
        return found

    def cycle(self) -> list[str]:
        """One dependency cycle as ``[a, b, …, a]``, or ``[]`` when there is none."""
        state: dict[str, int] = {}
        stack: list[str] = []

        def visit(key: str) -> list[str]:
            state[key] = 1
            stack.append(key)
            for dep in self.tasks[key].ls("depends_on"):
                if dep not in self.tasks:
                    continue
                if state.get(dep) == 1:
                    return stack[stack.index(dep):] + [dep]
                if dep not in state:
                    found = visit(dep)
                    if found:
                        return found
            stack.pop()
            state[key] = 2
            return []

        for key in self.tasks:
            if key not in state:
                found = visit(key)
                if found:
                    return found
        return []

    def phase_of(self, number: int) -> Item | None:
        """The phase whose session range holds session ``number``."""
        for phase in self.phases.values():
            first, last = phase.n("first"), phase.n("last")
            if first is not None and last is not None and first <= number <= last:
                return phase
        return None

    @property
    def planned_sessions(self) -> int:
        """Sessions the phases plan for: the sum of their range lengths (seed 000's "/28")."""
        return sum((p.n("last") or 0) - (p.n("first") or 0) + 1 for p in self.phases.values())


def fold(events: list[Event]) -> Plan:
    """A :class:`Plan` from project events in file order."""
    plan = Plan()
    for event in events:
        plan.apply(event)
    return plan


def project_events(layout: Layout) -> tuple[list[Event], list[Problem]]:
    """Every project event of every project file (:func:`files.project_files`), merged in
    time order (each file is in time order already; ties keep file order), without duplicates.
    Returns ``(events, unreadable lines)``."""
    import heapq

    from session_tracker.core import journal
    from session_tracker.core.files import project_files

    streams: list[list[Event]] = []
    problems: list[Problem] = []
    journaled = journal.stems(layout)
    for path in project_files(layout):
        events, bad = store.read(path, label=layout.relative(path))
        stem = os.path.basename(path)[:-6]
        if stem in journaled:  # not yet published: the journal holds the rest
            jpath = journal.path_of(layout, stem)
            logged, jbad = store.read(jpath, label=layout.relative(jpath))
            have = {e.id for e in events}
            events += [e for e in logged if e.id not in have]
            bad += jbad
        streams.append(events)
        problems += bad
    seen: set[str] = set()
    merged = []
    for event in heapq.merge(*streams, key=lambda e: e.ts):
        if event.id not in seen:
            seen.add(event.id)
            merged.append(event)
    return merged, problems


def load_plan(layout: Layout) -> Plan:
    """The plan of every project file (none: an empty plan). Bad lines are skipped here and
    reported by ``doctor``."""
    return fold(project_events(layout)[0])


_RANGE = re.compile(r"\s*(\d{1,6})\s*(?:-\s*(\d{1,6})\s*)?\Z")


def parse_range(text: str) -> tuple[int, int]:
    """``"1-3"`` → ``(1, 3)``; ``"4"`` → ``(4, 4)``.

    Raises:
        ValueError: not ``N`` or ``N-M`` with 1 ≤ N ≤ M (the message says why).
    """
    match = _RANGE.match(text)
    if not match:
        raise ValueError(f"cannot read the session range {text!r}")
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if first < 1 or last < first:
        raise ValueError(f"the session range {text!r} must go from a first session ≥ 1 up to a last one")
    return first, last
