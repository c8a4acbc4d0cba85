"""The index reads the team layout as the model does: an open session's journal (its events
before they are published), publishing and ``end`` adding nothing twice, ``stash -u`` taking the
committed file away, a renumber, and the private agent text of this machine."""

from __future__ import annotations

import subprocess
from pathlib import Path

from session_tracker import index
from session_tracker.commands.end import end
from session_tracker.commands.init import init
from session_tracker.commands.listing import list_sessions
from session_tracker.commands.log import log
from session_tracker.commands.renumber import renumber
from session_tracker.commands.search import search
from session_tracker.core.context import Context
from session_tracker.core.model import load_project


def _rows(ctx: Context) -> list[tuple[object, ...]]:
    listed = list_sessions(ctx)["sessions"]
    assert isinstance(listed, list)
    return [(r["session"], r["sid"], r["status"], r["entries"], r["started"], r["ended"]) for r in listed]


def _truth(ctx: Context) -> list[tuple[object, ...]]:
    return [(s.name, s.sid, s.status, len(s.of_type("note")), s.start_moment, s.end_moment or None) for s in load_project(ctx.layout).sessions]


def _event_count(ctx: Context) -> int:
    conn = index.fresh(ctx.layout)
    try:
        return int(conn.execute("SELECT count(*) FROM events WHERE type = 'note'").fetchone()[0])
    finally:
        conn.close()


def test_an_open_session_is_indexed_from_its_journal_and_end_adds_nothing_twice(ctx: Context, repo: Path) -> None:
    started = init(ctx, objectives=("journal",))
    for i in range(3):
        log(ctx, f"entry {i}")
    events_file = next((repo / ".sessions/events").glob(f"{started['session']}-*.jsonl"))
    assert b'"note"' not in events_file.read_bytes()  # the notes are still in the journal only
    assert _rows(ctx) == _truth(ctx) and _rows(ctx)[0][3] == 3
    end(ctx)
    assert b'"note"' in events_file.read_bytes()  # published
    assert _rows(ctx) == _truth(ctx) and _rows(ctx)[0][2] == "COMPLETE"
    assert _event_count(ctx) == 3  # the journal's lines and the published file's are one source


def test_stash_takes_the_file_away_but_not_the_events(ctx: Context, repo: Path) -> None:
    init(ctx, objectives=("stash",))
    log(ctx, "before the stash")
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(["git", "stash", "-q"], cwd=repo, check=True)  # the staged events file goes into the stash
    log(ctx, "while stashed")
    assert _rows(ctx) == _truth(ctx) and _rows(ctx)[0][3] == 2
    assert _event_count(ctx) == 2


def test_a_renumbered_session_is_listed_by_its_new_number(ctx: Context, repo: Path) -> None:
    first = init(ctx, objectives=("one",))
    log(ctx, "work")
    end(ctx)
    renumber(ctx, str(first["sid"]), "00007")
    assert [r[0] for r in _rows(ctx)] == ["00007"] == [r[0] for r in _truth(ctx)]


def test_a_command_kept_on_this_machine_is_found_here(ctx: Context, repo: Path) -> None:
    from session_tracker.core import private
    from session_tracker.core.events import Event
    from session_tracker.core.sessions import append_to_session, find
    from session_tracker.core.ulid import new_ulid

    started = init(ctx, objectives=("private",))
    session = find(ctx, str(started["session"]))
    event = Event(id=new_ulid(), ts="2026-12-01T10:00:00.000+00:00", session=session.name, sid=session.sid, type="command.run",
                  actor="claude-code", data={"tool": "Bash", "command": "terraform apply -auto-approve", "exit": 1, "failed": True})
    record = private.split(event)  # what the agent hook does by default ([privacy] share_agent_text = false)
    assert record is not None and "command" not in event.data
    private.keep(private.path_for(ctx.layout.local_dir, session.file), record)
    append_to_session(ctx, session.file, event)
    found = search(ctx, "terraform")
    results = found["results"]
    assert isinstance(results, list) and [r["id"] for r in results] == [event.id]
    for name in ("index.sqlite", "index.sqlite-wal", "index.sqlite-shm"):
        (repo / ".sessions/local" / name).unlink(missing_ok=True)
    again = search(ctx, "terraform")["results"]
    assert isinstance(again, list) and [r["id"] for r in again] == [event.id]  # a rebuilt index finds it too
    assert b"terraform" not in next((repo / ".sessions/events").glob("*.jsonl")).read_bytes()
