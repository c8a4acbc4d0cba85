"""Where the dashboard reads the store: the one data-access module of ``web/``.

The pages and the JSON API ask this module, never ``store`` or ``model`` directly, so moving
them onto the SQLite index of issue 16 changes this file only.

A dashboard process lives long and is asked often, so it keeps, in memory, a *light* view of
each session file keyed by the file's ``(size, mtime_ns)``: the events project-wide views use
(start, end, decisions, blockers, handoff items, file snapshots, commits, metrics; the same set
as :mod:`session_tracker.plan.summary_cache`) plus a few counts the sessions list shows (notes,
commands, failed commands, tokens, agent). A refresh stats every event file (throttled to one
per ``min_interval_s``) and re-reads only the files that changed, so a page costs what its own
data costs. A page about one session reads that session's file in full. The event files stay
the only truth: nothing here is written anywhere.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Iterator

from session_tracker import store, validate
from session_tracker.errors import TrackerError
from session_tracker.events import Event
from session_tracker.model import Project, Session, group, load_session_file
from session_tracker.paths import Layout
from session_tracker.plan.model import Plan, load_plan
from session_tracker.plan.summary_cache import KEPT
from session_tracker.sessions import open_here
from session_tracker.store import Problem


class Facts:
    """What the sessions list shows about one session beyond its light events.

    Attributes:
        entries: work-log notes; decisions: decision events; commands / failed: agent shell
        commands (all / failed); tokens: input + output tokens of ``usage`` events;
        agent: the agent that started it ('' for a person); files: files in the latest capture.
    """

    __slots__ = ("agent", "commands", "decisions", "entries", "failed", "files", "tokens")

    def __init__(self) -> None:
        self.entries = 0
        self.decisions = 0
        self.commands = 0
        self.failed = 0
        self.tokens = 0
        self.agent = ""
        self.files = 0


class _File:
    __slots__ = ("facts", "problems", "sessions", "stamp")

    def __init__(self, stamp: tuple[int, int], sessions: list[Session], facts: dict[str, Facts], problems: list[Problem]) -> None:
        self.stamp = stamp
        self.sessions = sessions
        self.facts = facts
        self.problems = problems


class Snapshot:
    """The store as of one refresh (never mutated afterwards; safe to share between threads).

    Attributes:
        stamp: changes whenever an event file, ``project.jsonl`` or the open markers change
            (hex string; the live update compares it).
        project: every session, light (see the module doc), ordered by start.
        facts: ``{sid: Facts}``.
        files: ``{sid: session file name without .jsonl}``.
        plan: the plan folded from ``project.jsonl``.
        here: ``{name: sid}`` of the sessions open in this worktree.
    """

    __slots__ = ("facts", "files", "here", "plan", "project", "stamp")

    def __init__(self, stamp: str, project: Project, facts: dict[str, Facts], files: dict[str, str], plan: Plan, here: dict[str, str]) -> None:
        self.stamp = stamp
        self.project = project
        self.facts = facts
        self.files = files
        self.plan = plan
        self.here = here


def _wanted(event: Event) -> bool:
    return event.type in KEPT or "at" in event.data


def facts_of(session: Session) -> Facts:
    """Count what the sessions list shows, from a fully read session."""
    facts = Facts()
    for event in session.events:
        kind = event.type
        if kind == "note":
            facts.entries += 1
        elif kind == "decision":
            facts.decisions += 1
        elif kind == "command.run":
            facts.commands += 1
            if event.data.get("failed") is True or (isinstance(event.data.get("exit"), int) and event.data.get("exit") != 0):
                facts.failed += 1
        elif kind == "usage":
            for key in ("input_tokens", "output_tokens"):
                value = event.data.get(key)
                if isinstance(value, int) and not isinstance(value, bool):
                    facts.tokens += value
    facts.agent = session.started.text("agent") if session.started else ""
    facts.files = len(session.files())
    return facts


def _light(session: Session) -> Session:
    light = Session(session.name, session.sid)
    for event in session.events:
        if _wanted(event):
            light.add(event)
    return light


class Store:
    """Read-only access to one project's store for the dashboard (thread-safe).

    Args:
        layout: the project's locations.
        min_interval_s: a refresh looks at the disk at most this often (seconds).
    """

    def __init__(self, layout: Layout, min_interval_s: float = 0.2) -> None:
        self.layout = layout
        self.min_interval_s = min_interval_s
        self._lock = threading.Lock()
        self._files: dict[str, _File] = {}
        self._snapshot: Snapshot | None = None
        self._checked = 0.0
        self._plan_stamp: tuple[int, int] | None = None
        self._plan: Plan | None = None

    def snapshot(self) -> Snapshot:
        """The store as it is now (re-reading only the files that changed since last time).

        Raises:
            NewerSchema: a changed file holds an event of a newer schema version.
        """
        with self._lock:
            if self._snapshot is not None and time.monotonic() - self._checked < self.min_interval_s:
                return self._snapshot
            self._snapshot = self._refresh()
            self._checked = time.monotonic()
            return self._snapshot

    def _refresh(self) -> Snapshot:
        digest = hashlib.blake2b(digest_size=12)
        seen: dict[str, _File] = {}
        changed = self._snapshot is None
        try:
            entries = sorted((e for e in os.scandir(self.layout.events_dir) if e.name.endswith(".jsonl")), key=lambda e: e.name)
        except FileNotFoundError:
            entries = []
        for entry in entries:
            try:
                stat = entry.stat()
            except FileNotFoundError:
                continue
            stamp = (stat.st_size, stat.st_mtime_ns)
            digest.update(f"{entry.name}\0{stamp[0]}\0{stamp[1]}\n".encode())
            known = self._files.get(entry.name)
            if known is None or known.stamp != stamp:
                name = entry.name[:-6]
                found, bad = load_session_file(self.layout, name)
                known = _File(stamp, [_light(s) for s in found], {s.sid: facts_of(s) for s in found}, bad)
                changed = True
            seen[entry.name] = known
        changed = changed or len(seen) != len(self._files)
        self._files = seen
        plan_stamp = _stamp(self.layout.project_file)
        digest.update(f"project\0{plan_stamp}\n".encode())
        if self._plan is None or plan_stamp != self._plan_stamp:
            self._plan, self._plan_stamp = load_plan(self.layout), plan_stamp
            changed = True
        here = open_here(self.layout)
        digest.update(repr(sorted(here.items())).encode())
        hexstamp = digest.hexdigest()
        if not changed and self._snapshot is not None:
            if self._snapshot.stamp == hexstamp:
                return self._snapshot
            return Snapshot(hexstamp, self._snapshot.project, self._snapshot.facts, self._snapshot.files, self._plan, here)
        sessions: list[Session] = []
        problems: list[Problem] = []
        facts: dict[str, Facts] = {}
        files: dict[str, str] = {}
        for filename, known in seen.items():
            sessions.extend(known.sessions)
            problems.extend(known.problems)
            facts.update(known.facts)
            files.update((s.sid, filename[:-6]) for s in known.sessions)
        return Snapshot(hexstamp, Project(sessions, problems), facts, files, self._plan, here)

    def sessions_named(self, key: str) -> list[Session]:
        """Sessions read in full whose name is ``key``, or whose sid is ``key`` (or starts with
        it, 6+ characters). Empty when there is none or ``key`` is not a valid name."""
        try:
            validate.session_name(key)
        except TrackerError:  # an invalid name simply names no session
            return []
        if os.path.exists(self.layout.session_file(key)):
            return load_session_file(self.layout, key)[0]
        if len(key) < 6:
            return []
        snap = self.snapshot()
        names = {name for sid, name in snap.files.items() if sid.startswith(key)}
        found = [s for name in sorted(names) for s in load_session_file(self.layout, name)[0]]
        return [s for s in found if s.sid.startswith(key)]

    def each_session(self) -> Iterator[Session]:
        """Every session read in full, one file at a time (bounded memory), by file name."""
        for name in sorted(self.snapshot().files.values()):
            yield from load_session_file(self.layout, name)[0]

    def matching(self, terms: list[str]) -> Iterator[Session]:
        """Sessions whose file holds every term (casefolded bytes), read in full.

        The search fallback until the index exists: a byte scan is cheap next to decoding.
        """
        wanted = [t.casefold() for t in terms if t]
        for name in sorted(set(self.snapshot().files.values())):
            path = self.layout.session_file(name)
            try:
                with open(path, "rb") as handle:
                    raw = handle.read().decode("utf-8", "replace").casefold()
            except OSError:
                continue
            if all(t in raw for t in wanted):
                events, _ = store.read(path, label=self.layout.relative(path))
                yield from group(events, name)


def _stamp(path: str) -> tuple[int, int]:
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return (-1, -1)
    return (stat.st_size, stat.st_mtime_ns)
