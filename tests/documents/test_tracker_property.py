"""Any text in any cell keeps every table of the three project documents valid: random plans
with pipes, newlines, backticks and HTML are rendered and parsed back with markdown-it-py, and
every row must have its header's cell count; progress.txt keeps one item per line."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from test_documents import TEXT

from session_tracker.core.events import Event
from session_tracker.core.model import Project, Session
from session_tracker.documents import tracker as tracker_docs
from session_tracker.plan.derive import State
from session_tracker.plan.model import fold

PARSER = MarkdownIt("commonmark").enable("table")
_counter = [0]


def event(type: str, data: dict[str, object], session: str = "project", sid: str = "project", minute: int = 0) -> Event:
    _counter[0] += 1
    return Event(id=f"01J{_counter[0]:023d}", ts=f"2026-06-{10 + minute % 20:02d}T10:{minute % 60:02d}:00.000+00:00",
                 session=session, sid=sid, type=type, actor="human", data=data)


def check_tables(markdown: str) -> int:
    """Assert every table row has its header's cell count; returns the number of tables."""
    tokens = PARSER.parse(markdown)
    count, width, cells = 0, 0, 0
    in_header = False
    for token in tokens:
        if token.type == "table_open":
            count += 1
        elif token.type == "thead_open":
            in_header = True
        elif token.type == "thead_close":
            in_header = False
        elif token.type == "tr_open":
            cells = 0
        elif token.type in ("th_open", "td_open"):
            cells += 1
        elif token.type == "tr_close":
            if in_header:
                width = cells
            assert cells == width, markdown
    assert "<script" not in markdown and "<tag>" not in markdown
    return count


@settings(max_examples=60, deadline=None)
@given(
    names=st.lists(TEXT, min_size=1, max_size=3),
    texts=st.lists(TEXT, min_size=12, max_size=12),
    owner=TEXT,
)
def test_any_text_keeps_the_project_documents_valid(names: list[str], texts: list[str], owner: str) -> None:
    names = list(dict.fromkeys(n.strip() for n in names))
    events = [event("project.set", {"name": texts[0], "complexity": "Large"})]
    for i, name in enumerate(names):
        events.append(event("phase.added", {"name": name, "first": 2 * i + 1, "last": 2 * i + 2}))
        events.append(event("component.added", {"name": name, "status": "in-progress", "progress": 40, "notes": texts[1], "owner": owner}))
        events.append(event("milestone.added", {"name": name, "target": "2026-06-30", "status": "complete", "notes": texts[2]}))
    events += [
        event("task.added", {"task": "task-1", "title": texts[3], "phase": names[0], "component": names[0], "estimate": 5,
                             "assignee": owner, "files": [texts[4]], "tests": [texts[5]], "depends_on": []}),
        event("task.updated", {"task": "task-1", "status": "blocked", "note": texts[6]}, session="00001", sid="S1"),
        event("question.opened", {"question": "q-1", "message": texts[7]}),
        event("question.answered", {"question": "q-1", "message": texts[8]}),
        event("next.added", {"next": "n-1", "message": texts[9], "priority": 1}),
        event("resource.added", {"path": texts[10], "note": texts[11]}),
        event("interface.defined", {"text": texts[1]}),
        event("issue.noted", {"issue": "i-1", "message": texts[2]}, session="00001", sid="S1"),
    ]
    plan = fold(events)
    assert plan.problems() == []
    session = Session("00001", "S1")
    session.add(event("session.started", {"number": "00001", "objectives": [texts[3]], "tz": "+00:00",
                                          "git": {"branch": texts[4], "head": None, "dirty": []}}, "00001", "S1"))
    session.add(event("decision", {"message": texts[5], "rationale": texts[6], "alternatives": []}, "00001", "S1", 1))
    session.add(event("blocker.opened", {"blocker": "00001-1", "message": texts[7], "impact": "High", "plan": texts[8]}, "00001", "S1", 2))
    session.add(event("files.changed", {"base": None, "files": [{"path": texts[9], "status": "added", "added": 1, "removed": 0}]}, "00001", "S1", 3))
    session.add(event("session.ended", {"status": "COMPLETE", "next": [texts[10]], "git": None}, "00001", "S1", 4))
    state = State(Project([session], []), plan)

    tracker = tracker_docs.render_tracker(state, texts[0])
    assert check_tables(tracker) == 4
    implementation = tracker_docs.render_implementation(state, texts[0])
    assert check_tables(implementation) == 6
    progress = tracker_docs.render_progress(state)
    headers = re.findall(r"^=== (.+) ===$", progress, re.MULTILINE)
    assert headers == ["Session State", "Key Decisions", "Files Modified", "Files To Modify", "Interfaces Defined", "Known Issues", "Notes"]
    state_lines = progress.split("=== Session State ===\n")[1].split("\n\n")[0].splitlines()
    assert [line.split(":")[0] for line in state_lines] == ["Last completed", "Next task", "Blockers", "Current phase", "Complexity level"]
    # deterministic: the same events give the same bytes
    assert tracker_docs.render_tracker(State(Project([session], []), fold(events)), texts[0]) == tracker
