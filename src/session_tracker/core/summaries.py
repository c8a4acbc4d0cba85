"""A derived, throw-away cache that makes project-wide views fast on large stores.

``status`` and the three project documents need only a few events of each session (start, end,
decisions, blockers, handoff items, file snapshots, commits, metrics), while 95% of a store is
work-log notes and agent activity. Decoding 200,000 JSON lines takes seconds; so the events the
project views use are kept per session file in ``.sessions/local/summary-cache.json`` (never
committed), keyed by the file's ``(size, mtime_ns)``. A file that changed is re-read and
re-filtered; the cache is rewritten atomically; a missing or unreadable cache is rebuilt. The
event files stay the only truth: deleting the cache changes nothing but speed.

A note with a retroactive ``at`` is kept too, since it can move a session's start earlier.
"""

from __future__ import annotations

import json
import os

from session_tracker.core import store
from session_tracker.core.events import Event
from session_tracker.core.model import Project, Session, group
from session_tracker.core.paths import Layout

CACHE_VERSION = 1
KEPT = frozenset({
    "session.started", "session.ended", "decision", "blocker.opened", "blocker.resolved", "handoff.item",
    "files.changed", "commit", "metrics.recorded",
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
    try:
        names = sorted(f for f in os.listdir(layout.events_dir) if f.endswith(".jsonl"))
    except FileNotFoundError:
        names = []
    fresh: dict[str, dict[str, object]] = {}
    sessions: list[Session] = []
    problems: list[Problem] = []
    changed = len(files) != len(names)
    for filename in names:
        path = os.path.join(layout.events_dir, filename)
        try:
            stat = os.stat(path)
        except FileNotFoundError:
            changed = True
            continue
        stamp = [stat.st_size, stat.st_mtime_ns]
        entry = files.get(filename)
        if not isinstance(entry, dict) or entry.get("stamp") != stamp:
            events, bad = store.read(path, label=layout.relative(path))
            entry = {
                "stamp": stamp,
                "events": [e.to_dict() for e in events if _wanted(e)],
                "problems": [[p.where, p.reason] for p in bad],
            }
            changed = True
        fresh[filename] = entry
        raw_events = entry.get("events")
        kept = [
            Event(id=d["id"], ts=d["ts"], session=d["session"], sid=d["sid"], type=d["type"], actor=d["actor"], data=d["data"], v=d["v"])
            for d in (raw_events if isinstance(raw_events, list) else [])
        ]
        sessions.extend(group(kept, filename[:-6]))
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
