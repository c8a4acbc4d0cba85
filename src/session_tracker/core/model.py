"""Views folded from events: what a session is, as every document and command sees it.

Nothing here is stored; each view is rebuilt from the event files on demand (principle 1:
events are the truth). Plain classes with ``__slots__`` rather than dataclasses, because the
work log is rendered on the hot path and ``dataclasses`` costs ~10 ms to import.
"""

from __future__ import annotations

from session_tracker.core.clock import instant, parse_iso
from session_tracker.core.events import ACTIVITY_TYPES, Event
from session_tracker.core.paths import Layout

#: How many events were ever folded into a Session in this process (Project.folded's key).
_FOLDS = [0]

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypeVar

    T = TypeVar("T")
    from session_tracker.core.files import Listing
    from session_tracker.core.store import Problem

PINNED = -2  # Session._start's count when the start moment was given, not folded
OPEN = "OPEN"
COMPLETE = "COMPLETE"


class Session:
    """One session (one ``sid``) folded from its events, in file order.

    Attributes:
        name: the session number/name (``00003``): the start's, or the newest renumber's.
        file: the stem of the event file it appends to; doc: the label of its documents.
        sid: the session's ULID (its ``session.started`` event id); ``""`` if never started.
        started: the ``session.started`` event, or None for a file missing it.
        events: every event of this session, file order.
        ended: the ``session.ended`` event (the latest of a chain of ``amends``), or None while open.
        omitted_notes: notes a summary read left out (0 for a full read).
    """

    __slots__ = ("_start", "doc", "ended", "events", "file", "file_size", "name", "omitted_notes", "sid", "started")

    def __init__(self, name: str, sid: str, file: str = "") -> None:
        self.name = name
        self.sid = sid
        # The stem of the event file this session appends to (``00003-<sid>``, legacy ``00003``),
        # and the label its documents are named by: the number, unless a merge brought two
        # sessions with that number (then every one but the first is ``<number>-<sid>``).
        self.file = file or name
        self.doc = name
        self.started: Event | None = None
        self.events: list[Event] = []
        self.ended: Event | None = None
        # Bytes of the session file this view has seen, or -1 when it may have missed some
        # (lets a writer render from memory instead of reading the file again).
        self.file_size = -1
        self._start: tuple[int, str] = (-1, "")
        # Work-log notes a summary read left out (the index keeps the newest few): views
        # that list "what was done" say how many more there are, the same as from a full read.
        self.omitted_notes = 0

    def add(self, event: Event) -> None:
        """Fold one more event in."""
        self.events.append(event)
        _FOLDS[0] += 1  # Project.folded(): any memo made before this event is stale
        if event.type == "session.started" and self.started is None:
            self.started = event
            number = event.data.get("number")
            if isinstance(number, str) and number and self.name == self.doc:
                self.name = self.doc = number
        elif event.type == "session.renumbered":
            number = event.data.get("number")
            if isinstance(number, str) and number:
                self.name = self.doc = number
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
        """When the session began: its start event's time (``data.at`` of an imported start).

        Never an entry's retroactive ``--at``: a back-dated note must not move the session
        before the one that came before it (history is ordered by when sessions began). A file
        without a start event falls back to its earliest recorded time (or the moment a
        summary view was pinned to: :meth:`pin_start`).
        """
        if self.started is not None:
            return self.started.moment
        if self._start[0] != len(self.events) and self._start[0] != PINNED:  # remembered until an event is added
            moments = [e.ts for e in self.events if e.type != "session.ended"]
            self._start = (len(self.events), min(moments, key=instant) if moments else "")
        return self._start[1]

    def pin_start(self, moment: str) -> None:
        """Fix :attr:`start_moment` to ``moment``: for a view holding only some of the session's
        events (the index's summary), whose own earliest moment may be later."""
        self._start = (PINNED, moment)

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
        """Commits made during the session. Once ended with a git capture: the capture's own
        commits (reachable from its end, so none an amend or rebase replaced). While open (or
        without git at end): those the post-commit hook recorded, each followed through the
        ``commits.rewritten`` events to the commit that replaced it."""
        seen: dict[str, dict[str, object]] = {}
        end = self.git_end
        captured = end.get("commits") if end else None
        for commit in captured if isinstance(captured, list) else []:
            if isinstance(commit, dict) and isinstance(commit.get("sha"), str):
                seen[commit["sha"]] = commit
        if isinstance(captured, list):
            return list(seen.values())
        rewrites: dict[str, str] = {}
        for event in self.of_type("commits.rewritten"):
            mapping = event.data.get("map")
            if isinstance(mapping, dict):
                rewrites.update({str(k): str(v) for k, v in mapping.items()})
        for event in self.of_type("commit"):
            sha, hops = event.text("sha"), 0
            while sha in rewrites and hops < 100:  # amended, then rebased …
                sha, hops = rewrites[sha], hops + 1
            if sha and sha not in seen:
                seen[sha] = {**event.data, "sha": sha}
        return list(seen.values())

    def merged_commits(self) -> list[dict[str, object]]:
        """Commits others made that reached this session's branch while it was open (a
        ``pull --rebase``, a merge): shown as merged in, not as its work."""
        end = self.git_end
        merged = end.get("merged") if end else None
        return [c for c in merged if isinstance(c, dict)] if isinstance(merged, list) else []

    def next_steps(self) -> list[str]:
        """``end --next`` items, then ``handoff --item`` items, in order, without repeats."""
        items = self.ended.texts("next") if self.ended else []
        items += [e.text("message") for e in self.of_type("handoff.item")]
        return list(dict.fromkeys(i for i in items if i))


def _order(event: Event) -> tuple[float, str]:
    return (instant(event.moment), event.id)


def group(events: list[Event], stem: str) -> list[Session]:
    """Fold the events of one file (``stem``: its name without ``.jsonl``) into sessions, one
    per ``sid``, in order of first event.

    Two sessions share a file only in a legacy ``<number>.jsonl`` after two branches both
    created that number and a ``merge=union`` joined them; ``doctor`` reports that.
    """
    from session_tracker.core.files import split_stem

    try:
        number = split_stem(stem)[0]
    except ValueError:
        number = stem
    sessions: dict[str, Session] = {}
    for event in events:
        session = sessions.get(event.sid)
        if session is None:
            session = sessions[event.sid] = Session(number, event.sid, stem)
        session.add(event)
    return list(sessions.values())


class Project:
    """All sessions of a store, and what spans sessions (blockers, the newest handoff).

    Attributes:
        sessions: every session, ordered by start time.
        problems: every unreadable line, as ``file:line``.
    """

    __slots__ = ("_blockers", "_frozen", "_memo", "problems", "sessions")

    def __init__(self, sessions: list[Session], problems: list[Problem]) -> None:
        from session_tracker.core.merging import merge_by_sid

        self.sessions = sorted(merge_by_sid(sessions), key=lambda s: (instant(s.start_moment), s.name, s.sid))
        self.problems = problems
        # blockers() memo, keyed by the number of events folded (views only ever add events):
        # renderers ask once per session, and a full scan each time is quadratic on big stores.
        self._blockers: tuple[tuple[int, int], list[tuple[Event, Event | None]]] | None = None
        self._memo: dict[str, tuple[tuple[int, int], object]] = {}
        self._frozen = False

    def freeze(self) -> None:
        """Keep every memo (blockers, previous metrics …) from now on, whatever is folded in:
        for a pass that swaps one session's summary for its full events at a time, which
        changes none of the project-wide facts (bulk.py)."""
        self._frozen = True

    def folded(self) -> tuple[int, int]:
        """A memo key that changes whenever an event is folded into any session (views only
        ever add events). O(1): a sum over the sessions was asked once per session document,
        which made a render of 10,000 sessions spend most of its time adding."""
        if self._frozen:
            return -1, -1
        return _FOLDS[0], len(self.sessions)

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
        folded = self.folded()
        if self._blockers is not None and self._blockers[0] == folded:
            return list(self._blockers[1])
        resolved: dict[str, Event] = {}
        by_event: dict[str, Event] = {}
        opened: list[Event] = []
        for session in self.sessions:
            for event in session.events:
                if event.type == "blocker.resolved":
                    # ``opened`` (the opening event's id) is exact; ids of older releases
                    # (``<session>-N``) can be shared by two sessions after a merge.
                    target = event.text("opened")
                    if target:
                        by_event.setdefault(target, event)
                    else:
                        resolved.setdefault(event.text("blocker"), event)
                elif event.type == "blocker.opened":
                    opened.append(event)
        opened.sort(key=_order)
        found = [(event, by_event.get(event.id) or resolved.get(event.text("blocker"))) for event in opened]
        self._blockers = (folded, found)
        return list(found)

    def open_blockers(self) -> list[Event]:
        """Blockers not yet resolved, across all sessions, oldest first."""
        return [opened for opened, resolution in self.blockers() if resolution is None]

    def ended(self) -> list[Session]:
        """Ended sessions, ordered by end time (newest last)."""
        return sorted((s for s in self.sessions if s.ended), key=lambda s: (instant(s.end_moment), s.name))


def load_session_file(layout: Layout, stem: str, listing: Listing | None = None) -> tuple[list[Session], list[Problem]]:
    """Read one session file (``stem``: its name without ``.jsonl``) into its sessions (usually
    exactly one), with the renumber files of the same session folded in and document labels
    that tell apart sessions sharing a number."""
    from session_tracker.core.files import scan, split_stem
    from session_tracker.core.reading import read_stem

    events, problems, size = read_stem(layout, stem)
    sessions = group(events, stem)
    listing = listing or scan(layout)
    extra: list[Session] = []
    for session in sessions:
        for other in listing.of_sid(session.sid, stem):
            if other != stem:
                more, bad = _read_stem(layout, other)
                extra += [s for s in more if s.sid == session.sid]
                problems += bad
    from session_tracker.core.merging import label_clashes, merge_by_sid

    if extra:
        sessions = merge_by_sid(sessions + extra)
    else:
        label_clashes(sessions)
    for session in sessions:
        rivals = [s for s in listing.numbered(session.name) if s != stem and split_stem(s)[1] != session.sid]
        if rivals or listing.renumbered():  # a clash: label by every session with that number
            others = [s for s in sessions_numbered(layout, listing, session.name) if s.sid != session.sid]
            label_clashes([session, *others])
    if len(sessions) == 1 and not problems and not extra and size >= 0:
        sessions[0].file_size = size
    return sessions, problems


def _read_stem(layout: Layout, stem: str, journaled: bool | None = None) -> tuple[list[Session], list[Problem]]:
    from session_tracker.core.reading import read_stem

    events, problems, _ = read_stem(layout, stem, journaled)
    return group(events, stem), problems


def sessions_numbered(layout: Layout, listing: Listing, number: str) -> list[Session]:
    """Every session whose current number is ``number`` (renumbers applied), read in full.
    Reads the files named with that number and the renumber files only."""
    stems = set(listing.numbered(number))
    for sid in listing.renumbered():
        stems.update(listing.by_sid[sid])
    found: list[Session] = []
    for stem in sorted(stems):
        found += _read_stem(layout, stem)[0]
    for sid in listing.renumbered():  # the rest of a renumbered session (its own file)
        if any(s.sid == sid for s in found):
            for stem in listing.by_sid[sid]:
                if stem not in stems:
                    found += [s for s in _read_stem(layout, stem)[0] if s.sid == sid]
    from session_tracker.core.merging import merge_by_sid

    return [s for s in merge_by_sid(found) if s.name == number]


def load_project(layout: Layout) -> Project:
    """Read every session file of the store.

    Raises:
        NewerSchema: a file holds an event of a newer schema version.
    """
    from session_tracker.core import journal
    from session_tracker.core.files import scan

    sessions: list[Session] = []
    problems: list[Problem] = []
    journaled = journal.stems(layout)
    for stem in scan(layout).stems:
        found, bad = _read_stem(layout, stem, stem in journaled)
        sessions.extend(found)
        problems.extend(bad)
    return Project(sessions, problems)
