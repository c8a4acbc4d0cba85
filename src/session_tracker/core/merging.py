"""Folding the views of one session spread over several files, and naming sessions that share
a number apart (issue 11). Pure functions over :class:`session_tracker.core.model.Session`."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs milliseconds at run time; these are for mypy only
    from typing import Protocol, TypeVar

    from session_tracker.core.events import Event

    class _View(Protocol):
        """What these functions need of a session view (``model.Session``, not imported: the
        model imports this module)."""

        sid: str
        name: str
        doc: str
        file_size: int
        started: Event | None
        events: list[Event]

        def add(self, event: Event) -> None: ...

    Session = TypeVar("Session", bound=_View)


def merge_by_sid(sessions: list[Session]) -> list[Session]:
    """One view per sid: a renumbered session's files (its own and each renumber file) folded
    into one, appending to the file that holds its start; then document labels assigned (see
    :func:`label_clashes`)."""
    by_sid: dict[str, Session] = {}
    for session in sessions:
        known = by_sid.get(session.sid)
        if known is None:
            by_sid[session.sid] = session
            continue
        primary, extra = (session, known) if known.started is None and session.started is not None else (known, session)
        if primary is not known or extra is not session:
            by_sid[session.sid] = primary
        seen = {e.id for e in primary.events}
        for event in sorted(extra.events, key=lambda e: e.id):
            if event.id not in seen:
                primary.add(event)
        primary.file_size = -1
    merged = list(by_sid.values())
    for session in merged:  # the newest renumber wins, wherever its file sorted
        renumbers = sorted((e for e in session.events if e.type == "session.renumbered"), key=lambda e: e.id)
        if renumbers:
            session.name = session.doc = renumbers[-1].text("number") or session.name
    label_clashes(merged)
    return merged


def label_clashes(sessions: list[Session]) -> None:
    """Name the documents of sessions that share a number apart: the first started (ULIDs sort
    by time) keeps the number, every other one is labelled ``<number>-<sid>``, so each session
    has its own documents and every clone labels them alike."""
    by_name: dict[str, list[Session]] = {}
    for session in sessions:
        by_name.setdefault(session.name, []).append(session)
    for same in by_name.values():
        same.sort(key=lambda s: s.sid)
        for index, session in enumerate(same):
            session.doc = session.name if index == 0 else f"{session.name}-{session.sid}"
