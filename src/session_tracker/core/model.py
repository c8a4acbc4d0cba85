"""Views folded from events: what a session is, as every document and command sees it.

Nothing here is stored; each view is rebuilt from the event files on demand (principle 1:
events are the truth). Plain classes with ``__slots__`` rather than dataclasses, because the
work log is rendered on the hot path and ``dataclasses`` costs ~10 ms to import.
"""

from __future__ import annotations

import os

from session_tracker.core import store
from session_tracker.core.clock import instant, parse_iso
from session_tracker.core.events import ACTIVITY_TYPES, Event
from session_tracker.core.paths import Layout

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypeVar

    T = TypeVar("T")
    from session_tracker.core.store import Problem

OPEN = "OPEN"
COMPLETE = "COMPLETE"


class Session:
    """One session (one ``sid``) folded from its events, in file order.

    Attributes:
        name: the session number/name (``00003``).
        sid: the session's ULID (its ``session.started`` event id); ``""`` if never started.
        started: the ``session.started`` event, or None for a file missing it.
        events: every event of this session, file order.
        ended: the ``session.ended`` event (the latest of a chain of ``amends``), or None while open.
    """

    __slots__ = ("_start", "ended", "events", "file_size", "name", "sid", "started")

    def __init__(self, name: str, sid: str) -> None:
        self.name = name
        self.sid = sid
        self.started: Event | None = None
        self.events: list[Event] = []
        self.ended: Event | None = None
        # Bytes of the session file this view has seen, or -1 when it may have missed some
        # (lets a writer render from memory instead of reading the file again).
        self.file_size = -1
        self._start: tuple[int, str] = (-1, "")

    def add(self, event: Event) -> None:
        """Fold one more event in."""
        self.events.append(event)
        if event.type == "session.started" and self.started is None:
            self.started = event
        elif event.type == "session.ended" and (self.ended is None or event.data.get("amends") == self.ended.id):
            # An import that completes a transcript read while it was still being written
            # amends the end it recorded before (``amends``: that event's id).
            self.ended = event

    @property
    def status(self) -> str:
        """``OPEN`` or ``COMPLETE`` (seed 001's word for an ended session)."""
        return COMPLETE if self.ended else OPEN

    @property
    def tz(self) -> str:
        """The UTC offset (``+HH:MM``) the session's times are shown in: its starter's."""
        return self.started.text("tz", "+00:00") if self.started else "+00:00"

    @property
    def objectives(self) -> list[str]:
        """The objectives given at ``init --objective``."""
        return self.started.texts("objectives") if self.started else []

    def of_type(self, *types: str) -> list[Event]:
        """This session's events of the given types, ordered by the time they describe."""
        return sorted((e for e in self.events if e.type in types), key=_order)

    def timeline(self) -> list[Event]:
        """Every entry a person reads (all but start/end/snapshots and agent activity), ordered
        by time."""
        return sorted(
            (
                e
                for e in self.events
                if e.type not in ("session.started", "session.ended", "files.changed") and e.type not in ACTIVITY_TYPES
            ),
            key=_order,
        )

    @property
    def start_moment(self) -> str:
        """When work began: the start event's time, or an earlier retroactive ``--at``."""
        if self._start[0] != len(self.events):  # remembered until an event is added
            moments = [e.moment for e in self.events if e.type != "session.ended"]
            self._start = (len(self.events), min(moments, key=instant) if moments else "")
        return self._start[1]

    @property
    def end_moment(self) -> str:
        """When the session ended ('' while open): ``data.at`` of an imported end, else its time."""
        return self.ended.moment if self.ended else ""

    def duration_s(self, until: str | None = None) -> float:
        """Seconds from :attr:`start_moment` to the end (or to ``until`` while open)."""
        end = self.end_moment or until
        if not self.start_moment or not end:
            return 0.0
        return max(0.0, (parse_iso(end) - parse_iso(self.start_moment)).total_seconds())

    @property
    def git_start(self) -> dict[str, object] | None:
        """What git looked like at start (branch, head, dirty), or None without git."""
        value = self.started.data.get("git") if self.started else None
        return value if isinstance(value, dict) else None

    @property
    def git_end(self) -> dict[str, object] | None:
        """The git capture at end (branch, head, commits, files), or None."""
        value = self.ended.data.get("git") if self.ended else None
        return value if isinstance(value, dict) else None

    def files(self) -> list[dict[str, object]]:
        """The latest capture of changed files: at end, else the latest snapshot."""
        captures: list[object] = []
        for e in self.events:
            if e.type == "files.changed":
                captures.append(e.data.get("files"))
            elif e.type == "session.ended":
                git = e.data.get("git")
                captures.append(git.get("files") if isinstance(git, dict) else None)
        for files in reversed(captures):
            if isinstance(files, list):
                return [f for f in files if isinstance(f, dict)]
        return []

    def commits(self) -> list[dict[str, object]]:
        """Commits made during the session: the end capture, plus any recorded by hooks."""
        seen: dict[str, dict[str, object]] = {}
        end = self.git_end
        captured = end.get("commits") if end else None
        for commit in captured if isinstance(captured, list) else []:
            if isinstance(commit, dict) and isinstance(commit.get("sha"), str):
                seen[commit["sha"]] = commit
        for event in self.of_type("commit"):
            sha = event.text("sha")
            if sha and sha not in seen:
                seen[sha] = event.data
        return list(seen.values())

    def next_steps(self) -> list[str]:
        """``end --next`` items, then ``handoff --item`` items, in order, without repeats."""
        items = self.ended.texts("next") if self.ended else []
        items += [e.text("message") for e in self.of_type("handoff.item")]
        return list(dict.fromkeys(i for i in items if i))


def _order(event: Event) -> tuple[float, str]:
    return (instant(event.moment), event.id)


def group(events: list[Event], name: str) -> list[Session]:
    """Fold the events of one file into sessions, one per ``sid``, in order of first event.

    Two sessions share a file only after two branches both created the same number and were
    merged; ``doctor`` reports that.
    """
    sessions: dict[str, Session] = {}
    for event in events:
        session = sessions.get(event.sid)
        if session is None:
            session = sessions[event.sid] = Session(name, event.sid)
        session.add(event)
    return list(sessions.values())


class Project:
    """All sessions of a store, and what spans sessions (blockers, the newest handoff).

    Attributes:
        sessions: every session, ordered by start time.
        problems: every unreadable line, as ``file:line``.
    """

    __slots__ = ("_blockers", "_memo", "problems", "sessions")

    def __init__(self, sessions: list[Session], problems: list[Problem]) -> None:
        self.sessions = sorted(sessions, key=lambda s: (instant(s.start_moment), s.name))
        self.problems = problems
        # blockers() memo, keyed by the number of events folded (views only ever add events):
        # renderers ask once per session, and a full scan each time is quadratic on big stores.
        self._blockers: tuple[int, list[tuple[Event, Event | None]]] | None = None
        self._memo: dict[str, tuple[int, object]] = {}

    def folded(self) -> int:
        """How many events the views hold (grows when an event is recorded: a memo key)."""
        return sum(len(s.events) for s in self.sessions)

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()``, remembered until an event is folded in: for project-wide facts every
        session's document asks for (each asking afresh would be quadratic on big stores)."""
        count = self.folded()
        found = self._memo.get(key)
        if found is not None and found[0] == count:
            return found[1]  # type: ignore[return-value]
        value = compute()
        self._memo[key] = (count, value)
        return value

    def named(self, name: str) -> list[Session]:
        """The sessions called ``name`` (more than one only after a colliding merge)."""
        return [s for s in self.sessions if s.name == name]

    def blockers(self) -> list[tuple[Event, Event | None]]:
        """Every blocker ever opened, with the event that resolved it (or None), oldest first."""
        folded = sum(len(s.events) for s in self.sessions)
        if self._blockers is not None and self._blockers[0] == folded:
            return list(self._blockers[1])
        resolved: dict[str, Event] = {}
        opened: list[Event] = []
        for session in self.sessions:
            for event in session.events:
                if event.type == "blocker.resolved":
                    resolved.setdefault(event.text("blocker"), event)
                elif event.type == "blocker.opened":
                    opened.append(event)
        opened.sort(key=_order)
        found = [(event, resolved.get(event.text("blocker"))) for event in opened]
        self._blockers = (folded, found)
        return list(found)

    def open_blockers(self) -> list[Event]:
        """Blockers not yet resolved, across all sessions, oldest first."""
        return [opened for opened, resolution in self.blockers() if resolution is None]

    def ended(self) -> list[Session]:
        """Ended sessions, ordered by end time (newest last)."""
        return sorted((s for s in self.sessions if s.ended), key=lambda s: (instant(s.end_moment), s.name))


def load_session_file(layout: Layout, name: str) -> tuple[list[Session], list[Problem]]:
    """Read one session file into its sessions (usually exactly one)."""
    path = layout.session_file(name)
    events, problems, size = store.read_sized(path, label=layout.relative(path))
    sessions = group(events, name)
    if len(sessions) == 1 and not problems:
        sessions[0].file_size = size
    return sessions, problems


def load_project(layout: Layout) -> Project:
    """Read every session file of the store.

    Raises:
        NewerSchema: a file holds an event of a newer schema version.
    """
    sessions: list[Session] = []
    problems: list[Problem] = []
    try:
        names = sorted(f[:-6] for f in os.listdir(layout.events_dir) if f.endswith(".jsonl"))
    except FileNotFoundError:
        names = []
    for name in names:
        found, bad = load_session_file(layout, name)
        sessions.extend(found)
        problems.extend(bad)
    return Project(sessions, problems)
