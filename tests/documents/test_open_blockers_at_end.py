"""A handoff's "Open blockers" are those opened at or before its session's end and not resolved
by then. A full render asks this of every session, so it is answered for all ends in one sweep
(``documents.session._open_at``); random histories check the sweep against that definition,
including ties (opened or resolved at the very instant a session ends) and a resolution dated
before its opening."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from session_tracker.core.clock import instant
from session_tracker.core.events import Event
from session_tracker.core.model import Project, Session
from session_tracker.documents.session import _open_blockers_at_end

_ids = [0]


def _event(session: Session, type: str, minute: int, data: dict[str, object]) -> Event:
    _ids[0] += 1
    return Event(id=f"01J{_ids[0]:023d}", ts=f"2026-06-01T{minute // 60:02d}:{minute % 60:02d}:00.000+00:00",
                 session=session.name, sid=session.sid, type=type, actor="human", data=data)


def _by_definition(session: Session, project: Project) -> list[str]:
    end = instant(session.end_moment)
    return [opened.id for opened, resolution in project.blockers()
            if instant(opened.moment) <= end and (resolution is None or instant(resolution.moment) > end)]


@settings(max_examples=80, deadline=None)
@given(
    spans=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40), st.booleans()), max_size=12),
    ends=st.lists(st.integers(0, 40), min_size=1, max_size=8),
)
def test_every_handoff_lists_the_blockers_open_at_its_end(spans: list[tuple[int, int, bool]], ends: list[int]) -> None:
    sessions = []
    for i, end in enumerate(ends):
        session = Session(f"{i + 1:05d}", f"01S{i + 1:023d}", f"{i + 1:05d}")
        session.add(_event(session, "session.started", 0, {"number": session.name}))
        session.add(_event(session, "session.ended", end, {"next": []}))
        sessions.append(session)
    holder = Session("00099", f"01S{99:023d}", "00099")
    holder.add(_event(holder, "session.started", 0, {"number": "00099"}))
    for n, (opened_at, resolved_at, resolved) in enumerate(spans):
        opened = _event(holder, "blocker.opened", opened_at, {"blocker": f"b{n}", "message": f"blocker {n}"})
        holder.add(opened)
        if resolved:  # may be dated before its opening: the definition still decides
            holder.add(_event(holder, "blocker.resolved", resolved_at, {"blocker": f"b{n}", "opened": opened.id}))
    project = Project([*sessions, holder], [])
    for session in sessions:
        assert [e.id for e in _open_blockers_at_end(session, project)] == _by_definition(session, project)


def test_a_project_wide_fact_is_asked_again_once_an_event_is_folded_in() -> None:
    """``Project.memo`` keeps a fact until any session folds in another event (views only ever
    add events), and for ever once frozen (a bulk pass that swaps summaries for full events)."""
    session = Session("00001", f"01S{1:023d}", "00001")
    session.add(_event(session, "session.started", 0, {"number": "00001"}))
    project = Project([session], [])
    asked: list[int] = []

    def count() -> int:
        asked.append(1)
        return len(project.blockers())

    assert project.memo("n", count) == 0 and project.memo("n", count) == 0 and len(asked) == 1
    session.add(_event(session, "blocker.opened", 5, {"blocker": "b1", "message": "down"}))
    assert project.memo("n", count) == 1 and len(asked) == 2
    project.freeze()
    assert project.memo("n", count) == 1 and len(asked) == 3  # asked once under the frozen key
    session.add(_event(session, "blocker.opened", 6, {"blocker": "b2", "message": "still down"}))
    assert project.memo("n", count) == 1 and len(asked) == 3  # then kept, whatever is folded in
