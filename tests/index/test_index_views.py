"""The index behind `status` and the project documents: the same documents as a full read,
refreshed when a session file grows, rebuilt when deleted or corrupt."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from session_tracker.commands.decision import decision
from session_tracker.commands.end import end
from session_tracker.commands.init import init
from session_tracker.commands.log import log
from session_tracker.commands.plan import phase_add
from session_tracker.core.context import Context
from session_tracker.core.model import load_project
from session_tracker.documents import writer as docs
from session_tracker.index import summary_project as load_summary_project


def test_index_gives_the_documents_a_full_read_gives(all_documents: Path, ctx: Context, repo: Path) -> None:
    phase_add(ctx, "Phase 0", "1-2")
    init(ctx, objectives=("First",))
    for i in range(13):  # more than the tracker lists (10) and the index's summary keeps: the rest are counted
        log(ctx, f"note {i}")
    log(ctx, "retroactive", at="2020-01-01 10:00")
    decision(ctx, "Use X", "because")
    end(ctx, next_steps=("Go on",))
    full = docs.expected_project(ctx, load_project(ctx.layout))
    assert docs.expected_project(ctx, load_summary_project(ctx.layout)) == full
    cache = repo / ".sessions/local/index.sqlite"
    assert cache.is_file()
    assert docs.expected_project(ctx, load_summary_project(ctx.layout)) == full  # from the index

    init(ctx, objectives=("Second",))  # a new file, and the index must notice
    decision(ctx, "Use Y", "because")
    full = docs.expected_project(ctx, load_project(ctx.layout))
    assert docs.expected_project(ctx, load_summary_project(ctx.layout)) == full
    assert "Use Y" in full[str(repo / "SESSION_TRACKER.md")]
    assert "… and 4 more work-log entries" in full[str(repo / "SESSION_TRACKER.md")]

    cache.write_text("{not a database")
    assert docs.expected_project(ctx, load_summary_project(ctx.layout)) == full
    cache.unlink()
    assert docs.expected_project(ctx, load_summary_project(ctx.layout)) == full
    assert (repo / "SESSION_TRACKER.md").read_text() == full[str(repo / "SESSION_TRACKER.md")]


def _history(ctx: Context) -> str:
    """Three sessions: blockers across sessions, metrics, a retroactive entry, handoff items.
    Returns the id of the blocker left open."""
    from session_tracker.commands.blocker import open_blocker, resolve_blocker
    from session_tracker.commands.handoff import add_item
    from session_tracker.commands.metrics import record_manual

    phase_add(ctx, "Phase 0", "1-3")
    init(ctx, objectives=("First",))
    log(ctx, "early work", at="2020-01-01 09:00")
    decision(ctx, "Use SQLite", "FTS5 ships with Python")
    vendor = str(open_blocker(ctx, "Waiting for the vendor")["blocker"])
    record_manual(ctx, tests_passed=10, tests_total=10, coverage_percent=80.0)
    add_item(ctx, "Ask the vendor again")
    end(ctx, next_steps=("Chase the vendor",))
    init(ctx, objectives=("Second",))
    resolve_blocker(ctx, vendor, "The vendor answered")
    record_manual(ctx, tests_passed=12, tests_total=12, coverage_percent=82.5)
    ci = str(open_blocker(ctx, "CI is red")["blocker"])
    end(ctx)
    init(ctx, objectives=("Third, still open",))
    log(ctx, "started the third")
    return ci


def _views(ctx: Context) -> dict[str, object]:
    from session_tracker.commands import handoff, listing, status

    out: dict[str, object] = {
        "list": listing.list_sessions(ctx),
        "list-limit": listing.list_sessions(ctx, limit=2),
        "status": status.status(ctx),
        "handoff": handoff.show(ctx),
        "handoff-1": handoff.show(ctx, "00001"),
    }
    for name in ("00001", "00002", "00003"):
        shown = listing.show(ctx, name)
        shown.pop("duration_s", None), shown.pop("duration", None)  # the open one's grows with the clock
        out[f"show-{name}"] = shown
    for rows in (out["list"], out["list-limit"]):
        for row in rows["sessions"]:  # type: ignore[index]
            if row["status"] == "OPEN":
                row.pop("duration_s")
    return out


def test_command_results_are_the_same_with_and_without_the_index(all_documents: Path, ctx: Context, repo: Path) -> None:
    _history(ctx)
    with_index = _views(ctx)
    for name in ("index.sqlite", "index.sqlite-wal", "index.sqlite-shm"):
        (repo / ".sessions/local" / name).unlink(missing_ok=True)
    assert _views(ctx) == with_index
    assert _views(ctx) == with_index  # and from the rebuilt index


def test_views_from_the_index_equal_views_from_a_full_read(all_documents: Path, ctx: Context) -> None:
    from session_tracker.commands import handoff, listing, status
    from session_tracker.commands.open_work import blocker_rows
    from session_tracker.commands.summary import describe
    from session_tracker.plan.derive import State
    from session_tracker.plan.model import load_plan

    ci = _history(ctx)
    full = load_project(ctx.layout)
    rows: list[dict[str, Any]] = listing.list_sessions(ctx)["sessions"]  # type: ignore[assignment]
    assert [(r["session"], r["sid"], r["status"], r["started"], r["ended"], r["branch"], r["entries"], r["decisions"], r["objective"])
            for r in rows] == [
        (s.name, s.sid, s.status, s.start_moment, s.end_moment or None, (s.git_start or {}).get("branch"), len(s.of_type("note")),
         len(s.of_type("decision")), (s.objectives or [""])[0]) for s in full.sessions]
    assert not rows[0]["started"].startswith("2020-01-01")  # a retroactive entry never moves the start
    for s in full.ended():
        assert handoff.show(ctx, s.name)["handoff"] == docs.render_kind("handoff", s, full)
    shown = listing.show(ctx, "00002")
    want = describe(full.named("00002")[0], blocker_rows(full))
    assert {k: v for k, v in shown.items() if k not in ("timeline", "agents", "duration_s", "duration")} == {
        k: v for k, v in want.items() if k not in ("duration_s", "duration")}
    got = status.status(ctx)
    state = State(full, load_plan(ctx.layout))
    assert got["blockers"] == [{"id": ci, "message": "CI is red", "impact": None, "plan": None, "session": "00002",
                                "sid": full.named("00002")[0].sid}]
    assert got["progress"]["text"] == state.overall() and got["open_sessions"] == [s.name for s in state.open]  # type: ignore[index]
    assert got["tests"]["metrics"] == state.latest_metrics()  # type: ignore[index]
