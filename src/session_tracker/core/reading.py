"""Reading one session file as every view must see it: with the journal of a session open here
folded in (:mod:`session_tracker.core.journal`)."""

from __future__ import annotations

import os

from session_tracker.core import store
from session_tracker.core.events import Event
from session_tracker.core.paths import Layout
from session_tracker.core.store import Problem


def read_stem(layout: Layout, stem: str, journaled: bool | None = None) -> tuple[list[Event], list[Problem], int]:
    """The events of session file ``stem`` with its journal folded in when the session is open
    here (:mod:`session_tracker.core.journal`): ``(events, problems, size)``, where ``size`` is
    the bytes of the source that holds them all (the journal, when the file is behind it), or
    -1 when both were needed.

    Args:
        journaled: whether a journal exists (None: look).
    """
    from session_tracker.core import journal

    path = layout.session_file(stem)
    events, problems, size = store.read_sized(path, label=layout.relative(path))
    jpath = journal.path_of(layout, stem)
    if journaled is None:
        journaled = os.path.exists(jpath)
    if not journaled:
        return events, problems, size
    logged, bad, jsize = store.read_sized(jpath, label=layout.relative(jpath))
    ids = {e.id for e in logged}
    if all(e.id in ids for e in events):
        return logged, problems + bad, jsize
    have = {e.id for e in events}
    return events + [e for e in logged if e.id not in have], problems + bad, -1


def source_size(layout: Layout, stem: str) -> int:
    """Bytes of the source a view of session file ``stem`` is read from (journal or file),
    -1 when missing: a writer compares it with :attr:`Session.file_size`."""
    from session_tracker.core import journal

    for path in (journal.path_of(layout, stem), layout.session_file(stem)):
        try:
            return os.stat(path).st_size
        except OSError:
            continue
    return -1
