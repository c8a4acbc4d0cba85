"""What the plan and the sessions say together: current phase, progress, metrics.

Shared by the three project documents and ``status``. Pure: the same events give the same
answers, and nothing here reads the clock.

Rules (written down because people read the results):

* a session belongs to the phase whose ``--sessions`` range holds its number (``00004`` → 4);
* a phase's progress counts sessions and tasks alike: (sessions completed in its range + its
  tasks done) / (sessions in its range + its tasks); its status is the one set with ``phase set
  --status`` if any, else ✅ Complete at 100%, 🟡 In Progress once a session in its range has
  started or a task has moved, else 🔴 Not Started;
* overall progress is completed sessions over planned sessions (the sum of the ranges);
* tests and coverage come from the newest ``metrics.recorded`` event ("—" until one exists).
"""

from __future__ import annotations

from session_tracker.core.events import Event
from session_tracker.core.model import Project, Session
from session_tracker.core.words import plural
from session_tracker.plan.model import Item, Plan

ICONS = {"not-started": "🔴 Not Started", "in-progress": "🟡 In Progress", "complete": "✅ Complete"}
DASH = "—"


def number(session: Session) -> int | None:
    """The session's number (``00004`` → 4), or None for a non-numeric name."""
    return int(session.name) if session.name.isdecimal() else None


class PhaseState:
    """A phase with its derived ``status`` (not-started|in-progress|complete) and ``percent``."""

    __slots__ = ("item", "percent", "sessions_done", "status")

    def __init__(self, item: Item, status: str, percent: int, sessions_done: int) -> None:
        self.item = item
        self.status = status
        self.percent = percent
        self.sessions_done = sessions_done

    @property
    def range(self) -> str:
        first, last = self.item.n("first"), self.item.n("last")
        return f"{first}" if first == last else f"{first}-{last}"


class State:
    """Everything the documents derive, computed once per render.

    Attributes:
        project, plan: the inputs.
        phases: :class:`PhaseState` per phase, plan order.
        done: completed sessions (distinct names); planned: planned sessions.
        current_phase: the phase being worked on, or None.
        open: sessions open now; last: the newest completed session or None.
        metrics: ``{sid: data}`` of each session's newest ``metrics.recorded``.
    """

    def __init__(self, project: Project, plan: Plan) -> None:
        self.project = project
        self.plan = plan
        ended = project.ended()
        self.last: Session | None = ended[-1] if ended else None
        self.open = [s for s in project.sessions if s.ended is None and s.started is not None]
        self.done = len({s.name for s in ended})
        self.planned = plan.planned_sessions
        completed_numbers = {n for s in ended if (n := number(s)) is not None}
        started_numbers = {n for s in project.sessions if (n := number(s)) is not None}
        self.metrics: dict[str, dict[str, object]] = {}
        for session in project.sessions:
            for event in session.events:
                if event.type == "metrics.recorded":
                    self.metrics[session.sid] = event.data
        self.phases: list[PhaseState] = []
        for phase in plan.phases.values():
            first, last = phase.n("first") or 0, phase.n("last") or 0
            in_range = range(first, last + 1)
            sessions_done = sum(1 for n in completed_numbers if n in in_range)
            tasks = [t for t in plan.tasks.values() if t.s("phase") == phase.key]
            tasks_done = sum(1 for t in tasks if t.s("status") == "done")
            percent = round(100 * (sessions_done + tasks_done) / max(1, last - first + 1 + len(tasks)))
            moved = any(t.s("status", "todo") != "todo" for t in tasks) or any(n in in_range for n in started_numbers)
            status = "complete" if percent >= 100 else "in-progress" if moved or percent > 0 else "not-started"
            override = phase.s("status")
            if override in ICONS:
                status = override
            self.phases.append(PhaseState(phase, status, percent, sessions_done))
        self.current_phase = self._current_phase(completed_numbers)
        # Folded once: the documents ask per session, and a per-session scan of every event
        # would be quadratic (2,000 sessions x 200,000 events).
        self._blockers = project.blockers()
        self.blockers_by_sid: dict[str, list[tuple[Event, Event | None]]] = {}
        for opened, resolution in self._blockers:
            self.blockers_by_sid.setdefault(opened.sid, []).append((opened, resolution))
        self.issues_by_sid: dict[str, list[Item]] = {}
        for item in plan.issues.values():
            self.issues_by_sid.setdefault(item.created.sid, []).append(item)
        self.done_by_sid: dict[str, list[Item]] = {}
        for task in plan.tasks.values():
            if task.s("status") == "done" and task.status_event is not None:
                self.done_by_sid.setdefault(task.status_event.sid, []).append(task)

    def _current_phase(self, completed: set[int]) -> PhaseState | None:
        by_key = {p.item.key: p for p in self.phases}
        for session in self.open:
            n = number(session)
            phase = self.plan.phase_of(n) if n is not None else None
            if phase is not None:
                return by_key[phase.key]
        if completed:
            phase = self.plan.phase_of(max(completed) + 1)
            if phase is not None:
                return by_key[phase.key]
        for state in self.phases:
            if state.status != "complete":
                return state
        return self.phases[-1] if self.phases else None

    def phase_label(self, session: Session) -> str:
        n = number(session)
        phase = self.plan.phase_of(n) if n is not None else None
        return phase.key if phase else DASH

    def phase_position(self) -> str:
        """``2 of 4 (Implementation)``, or ``—`` without phases (seed 002's Current phase)."""
        if self.current_phase is None:
            return DASH
        index = [p.item.key for p in self.phases].index(self.current_phase.item.key) + 1
        return f"{index} of {len(self.phases)} ({self.current_phase.item.key})"

    @property
    def percent(self) -> int:
        """Overall progress: completed over planned sessions, capped at 100."""
        return min(100, round(100 * self.done / self.planned)) if self.planned else 0

    def overall(self) -> str:
        """``N% (done/planned sessions)`` (seed 000)."""
        if not self.planned:
            return f"{DASH} ({plural(self.done, 'session')} completed; no phases planned)"
        return f"{self.percent}% ({self.done}/{self.planned} sessions)"

    def latest_metrics(self) -> dict[str, object] | None:
        """The newest recorded metrics over all sessions, or None."""
        for session in reversed(self.project.sessions):
            if session.sid in self.metrics:
                return self.metrics[session.sid]
        return None

    def tasks_done_in(self, session: Session) -> list[Item]:
        """Tasks whose latest status is done and was set during ``session``."""
        return self.done_by_sid.get(session.sid, [])

    def issues_in(self, session: Session) -> list[Item]:
        """Known issues noted during ``session``."""
        return self.issues_by_sid.get(session.sid, [])

    def blockers(self) -> list[tuple[Event, Event | None]]:
        """Every blocker with its resolution (or None), oldest first."""
        return self._blockers

    def blockers_in(self, session: Session) -> list[tuple[Event, Event | None]]:
        """Blockers opened during ``session``."""
        return self.blockers_by_sid.get(session.sid, [])


def tests_cell(metrics: dict[str, object] | None) -> str:
    """``passed/total`` from metrics, or ``—``."""
    if not metrics:
        return DASH
    passed, total = metrics.get("tests_passed"), metrics.get("tests_total")
    if isinstance(passed, int) and isinstance(total, int):
        return f"{passed}/{total}"
    return str(passed) if isinstance(passed, int) else DASH


def coverage_cell(metrics: dict[str, object] | None) -> str:
    """``87.5%`` from metrics (one decimal, as every view rounds it), or ``—``."""
    from session_tracker.metrics.values import percent_text

    value = metrics.get("coverage_percent") if metrics else None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return percent_text(value)
    return DASH


def count_cell(metrics: dict[str, object] | None, key: str) -> str:
    value = metrics.get(key) if metrics else None
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else DASH


def bar(percent: int) -> str:
    """Seed 000's 10-cell bar: ``███░░░░░░░ 30%``."""
    full = max(0, min(10, percent // 10))
    return "█" * full + "░" * (10 - full) + f" {percent}%"


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")


def long_date(iso_date: str) -> str:
    """``2025-06-10`` → ``June 10, 2025`` (seed 004's dates); other text is returned as is."""
    try:
        year, month, day = (int(p) for p in iso_date[:10].split("-"))
        return f"{MONTHS[month - 1]} {day}, {year}"
    except (ValueError, IndexError):
        return iso_date
