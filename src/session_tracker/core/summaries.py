"""A derived, throw-away cache that makes project-wide views fast on large stores.

``status`` and the three project documents need only a few events of each session (start, end,
decisions, blockers, handoff items, file snapshots, commits, metrics), while 95% of a store is
work-log notes and agent activity. Decoding 200,000 JSON lines takes seconds; so the events the
project views use are kept per session file in ``.sessions/local/summary-cache.json`` (never
committed), keyed by the file's ``(size, mtime_ns)``. A file that changed is re-read and
re-filtered; the cache is rewritten atomically; a missing or unreadable cache is rebuilt. The
event files stay the only truth: deleting the cache changes nothing but speed.

Of the work-log notes, the newest :data:`NOTES_KEPT` (and every retroactive one) are kept, with
the number left out per session (``Session.omitted_notes``): the project documents list what
each session did from them, and say how many more entries its work log holds.
"""

from __future__ import annotations

import json
import os

from session_tracker.core import store
from session_tracker.core.events import Event
from session_tracker.core.model import Project, Session, group
from session_tracker.core.paths import Layout

CACHE_VERSION = 2
NOTES_KEPT = 12  # more than any view lists (documents.tracker shows the newest 10)
KEPT = frozenset({
    "session.started", "session.ended", "decision", "blocker.opened", "blocker.resolved", "handoff.item",
    "files.changed", "commit", "metrics.recorded", "session.renumbered", "commits.rewritten",
})


def _wanted(event: Event) -> bool:
    return event.type in KEPT or "at" in event.data


def _path(layout: Layout) -> str:
    return os.path.join(layout.local_dir, "summary-cache.json")


def load_summary_project(layout: Layout) -> Project:
    """The store's sessions holding only the events project views use (see the module doc).

    Raises:
        NewerSchema: a changed file holds an event of a newer schema version.
    """
    from session_tracker.core.store import Problem

    try:
        with open(_path(layout), encoding="utf-8") as handle:
            cache = json.load(handle)
        files: dict[str, dict[str, object]] = cache["files"] if cache.get("v") == CACHE_VERSION else {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        files = {}
    from session_tracker.core import journal
    from session_tracker.core.files import scan
    from session_tracker.core.reading import read_stem

    names = [f"{stem}.jsonl" for stem in scan(layout).stems]  # session files only (not project-*)
    journaled = journal.stems(layout)
    fresh: dict[str, dict[str, object]] = {}
    sessions: list[Session] = []
    problems: list[Problem] = []
    changed = len(files) != len(names)
    for filename in names:
        path = os.path.join(layout.events_dir, filename)
        try:
            stat = os.stat(path)
        except FileNotFoundError:
            if filename[:-6] not in journaled:
                changed = True
                continue
            stat = os.stat(journal.path_of(layout, filename[:-6]))
        stamp = [stat.st_size, stat.st_mtime_ns]
        stem = filename[:-6]
        if stem in journaled:  # open here: the journal holds what the file does not yet
            try:
                jstat = os.stat(journal.path_of(layout, stem))
                stamp += [jstat.st_size, jstat.st_mtime_ns]
            except OSError:
                pass
        entry = files.get(filename)
        if not isinstance(entry, dict) or entry.get("stamp") != stamp:
            events, bad, _ = read_stem(layout, stem, stem in journaled)
            notes: dict[str, list[int]] = {}
            for index, event in enumerate(events):
                if event.type == "note" and "at" not in event.data:
                    notes.setdefault(event.sid, []).append(index)
            newest = {i for found in notes.values() for i in found[-NOTES_KEPT:]}
            entry = {
                "stamp": stamp,
                "events": [e.to_dict() for i, e in enumerate(events) if _wanted(e) or i in newest],
                "omitted_notes": {sid: len(found) - NOTES_KEPT for sid, found in notes.items() if len(found) > NOTES_KEPT},
                "problems": [[p.where, p.reason] for p in bad],
            }
            changed = True
        fresh[filename] = entry
        raw_events = entry.get("events")
        kept = [
            Event(id=d["id"], ts=d["ts"], session=d["session"], sid=d["sid"], type=d["type"], actor=d["actor"], data=d["data"], v=d["v"])
            for d in (raw_events if isinstance(raw_events, list) else [])
        ]
        omitted = entry.get("omitted_notes")
        for session in group(kept, filename[:-6]):
            count = omitted.get(session.sid) if isinstance(omitted, dict) else None
            session.omitted_notes = count if isinstance(count, int) else 0
            sessions.append(session)
        raw_problems = entry.get("problems")
        problems.extend(Problem(str(w), str(r)) for w, r in (raw_problems if isinstance(raw_problems, list) else []))
    if changed and os.path.isdir(layout.store):
        from session_tracker.errors import TrackerError

        blob = json.dumps({"v": CACHE_VERSION, "files": fresh}, ensure_ascii=False, separators=(",", ":"))
        try:
            store.atomic_write(_path(layout), blob.encode("utf-8"), durable=False)
        except TrackerError:
            return Project(sessions, problems)  # a cache that cannot be written only costs speed
    return Project(sessions, problems)
