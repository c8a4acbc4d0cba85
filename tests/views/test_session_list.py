"""``list`` as text: a rich table for a screenful, plain columns for thousands of rows (rich
measured every cell: 10,000 sessions took 15 s), with the same cells either way."""

from __future__ import annotations

from session_tracker.views import session as views


def _rows(n: int) -> dict[str, object]:
    rows = [{"session": f"{i:05d}", "status": "COMPLETE", "open_here": i == n, "started": "2026-01-01T10:00:00.000+00:00",
             "duration_s": 4800.0, "branch": "main", "entries": i, "decisions": 1, "objective": f"ship part {i}"} for i in range(1, n + 1)]
    return {"sessions": rows, "problems": [], "total": n}


def test_many_rows_are_plain_columns_holding_every_cell() -> None:
    text = views.sessions(_rows(views.RICH_ROWS + 1))
    lines = text.splitlines()
    assert lines[0].split() == ["Session", "Status", "Started", "(UTC)", "Duration", "Branch", "Entries", "Decisions", "Objective"]
    assert len(lines) == 2 + views.RICH_ROWS + 1
    last = lines[-1].split()
    assert last[:3] == [f"{views.RICH_ROWS + 1:05d}", "COMPLETE", "(here)"] and lines[-1].endswith(f"ship part {views.RICH_ROWS + 1}")
    widths = {len(line.rstrip()) <= len(lines[1]) for line in lines}
    assert widths == {True}  # aligned under the rule


def test_a_few_rows_keep_the_rich_table_with_the_same_cells() -> None:
    text = views.sessions(_rows(3))
    for cell in ("00001", "00003", "COMPLETE (here)", "1h 20m", "ship part 2"):
        assert cell in text


def _started(steps: int) -> dict[str, object]:
    return {"session": "00031", "git": None, "previous_session": None, "previous_handoff": None, "blockers_open": [],
            "next_steps": [{"id": f"n-{i}", "message": f"step {i}", "priority": i if i < 3 else 100, "session": "00030"}
                           for i in range(1, steps + 1)]}


def test_init_shows_the_most_urgent_steps_and_says_how_many_more() -> None:
    text = views.init(_started(views.SHOWN_STEPS + 7))
    shown = [line for line in text.splitlines() if line[:1].isdigit()]
    assert len(shown) == views.SHOWN_STEPS
    assert shown[0] == "1. [n-1] step 1 (priority 1) — from session 00030"
    assert f"Open next steps ({views.SHOWN_STEPS + 7};" in text
    assert "… and 7 more (`session-tracker status --json` lists every one)" in text
    assert "more (" not in views.init(_started(views.SHOWN_STEPS))
