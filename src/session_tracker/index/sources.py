"""Where the event files are: every ``.jsonl`` under ``events/`` (and a legacy
``project.jsonl``), and those of the sessions open here, whose journals hold their newest
lines (core/journal.py). Only ``os`` is imported."""

from __future__ import annotations

import os

from session_tracker.index import stamps

TYPE_CHECKING = False
if TYPE_CHECKING:
    from session_tracker.core.paths import Layout


def event_files(layout: Layout, times: dict[str, int] | None = None) -> dict[str, str]:
    """``{path relative to .sessions/: absolute path}`` of every event file (see module doc);
    ``times`` gets ``{folder: mtime_ns}`` of ``events/`` and each folder in it, taken before
    the folder is listed (a file added after the listing changes that time)."""
    found: dict[str, str] = {}
    prefix = len(os.path.join(layout.store, ""))
    stack = [layout.events_dir]
    while stack:
        folder = stack.pop()
        if times is not None:
            times[folder] = stamps.folder_time(folder)
        try:
            entries = list(os.scandir(folder))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            elif entry.name.endswith(".jsonl"):  # (relpath costs ~40 µs a call: 10,000 files)
                found[entry.path[prefix:].replace(os.sep, "/")] = entry.path
    try:
        for name in os.listdir(layout.store):
            if name.startswith("project") and name.endswith(".jsonl"):
                found[name] = os.path.join(layout.store, name)
    except FileNotFoundError:
        pass
    return found


def journaled(layout: Layout) -> dict[str, str]:
    """``{path relative to .sessions/ of an events file: its stem}`` for every file whose
    session (or project events) is open here, with a journal (see the module doc)."""
    from session_tracker.core import journal

    events = os.path.relpath(layout.events_dir, layout.store).replace(os.sep, "/")
    return {f"{events}/{stem}.jsonl": stem for stem in journal.stems(layout)}
