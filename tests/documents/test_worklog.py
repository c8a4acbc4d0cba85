"""``log`` appends LOG.md's row instead of re-rendering (documents/worklog.py), and the document
is the one a full render gives; project documents on a big store are rendered in the background
(documents/background.py) and end up equal to a foreground render."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from session_tracker.commands.decision import decision
from session_tracker.commands.end import end
from session_tracker.commands.init import init
from session_tracker.commands.log import log
from session_tracker.core.context import Context
from session_tracker.core.model import load_project, load_session_file
from session_tracker.core.sessions import record
from session_tracker.documents import worklog
from session_tracker.documents import writer as docs
from session_tracker.documents.session import render_log


def _stem(ctx: Context) -> str:
    """The file stem of the one session open here (``00001-<sid>``)."""
    from session_tracker.core.sessions import open_here

    (stem,) = open_here(ctx.layout) or {_ended_stem(ctx): ""}
    return stem


def _ended_stem(ctx: Context) -> str:
    return load_project(ctx.layout).sessions[0].file


def _full(ctx: Context) -> str:
    sessions, _ = load_session_file(ctx.layout, _stem(ctx))
    return render_log(sessions[0])


def _note(ctx: Context, repo: Path) -> Path:
    return repo / f".sessions/local/worklog/{_stem(ctx)}.json"


def _log_path(repo: Path) -> Path:
    return repo / "archive/sessions/SESSION-00001-LOG.md"


def test_appended_rows_give_the_document_a_full_render_gives(ctx: Context, repo: Path) -> None:
    init(ctx)
    log(ctx, "first entry")  # the ordinary path: a full render, and the note for the next log
    note = _note(ctx, repo)
    assert note.is_file()
    session, _ = load_session_file(ctx.layout, _stem(ctx))
    for i in range(5):
        record(ctx, session[0], "file.touched", {"path": f"src/m{i}.py", "tool": "Edit", "agent_session": "a"})  # agent activity
        before = json.loads(note.read_text())["events"]
        result = log(ctx, f"entry {i} with | a pipe and *stars*")
        assert result["documents"] == ["archive/sessions/SESSION-00001-LOG.md"]
        assert json.loads(note.read_text())["events"] > before  # the fast path moved the note on
        assert _log_path(repo).read_text() == _full(ctx)


def test_anything_unusual_takes_the_full_render(ctx: Context, repo: Path) -> None:
    init(ctx)
    log(ctx, "first")
    log(ctx, "second")
    decision(ctx, "Use TOML", "stdlib")  # an entry since the note: the next log renders in full
    log(ctx, "third")
    assert _log_path(repo).read_text() == _full(ctx)
    log(ctx, "retroactive", at="2020-01-01 10:00")  # sorts first, changes the start: full render
    assert _log_path(repo).read_text() == _full(ctx)
    log(ctx, "after a retroactive one")
    assert _log_path(repo).read_text() == _full(ctx)
    _log_path(repo).write_text("edited by hand\n")  # a hand edit: rendered anew, never appended to
    log(ctx, "after an edit")
    assert _log_path(repo).read_text() == _full(ctx)
    _note(ctx, repo).write_text("{not json")
    log(ctx, "after a broken note")
    assert _log_path(repo).read_text() == _full(ctx)


def test_an_ended_session_is_refused_on_the_fast_path_too(ctx: Context, cli) -> None:  # type: ignore[no-untyped-def]
    init(ctx)
    log(ctx, "one")
    log(ctx, "two")
    end(ctx)
    result = cli("log", "too late", "--session", "00001")
    assert result.code == 1 and "COMPLETE" in result.err


def test_project_documents_on_a_big_store_come_from_a_background_render(all_documents: Path, ctx: Context, repo: Path) -> None:
    ctx.env["SESSION_TRACKER_SYNC_LIMIT"] = "0"  # every store counts as big
    init(ctx, objectives=("Background",))
    decision(ctx, "Render later", "the command must not wait for the whole history")
    tracker = repo / "SESSION_TRACKER.md"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        pending = (repo / ".sessions/local/project-render.pending").exists()
        if not pending and tracker.is_file() and "Render later" in tracker.read_text():
            break
        time.sleep(0.2)
    ctx.env.pop("SESSION_TRACKER_SYNC_LIMIT")
    foreground = docs.expected_project(ctx, load_project(ctx.layout))
    assert tracker.read_text() == foreground[str(tracker)]


def test_the_note_is_local_and_derived(ctx: Context, repo: Path) -> None:
    init(ctx)
    log(ctx, "first")
    note = _note(ctx, repo)
    os.unlink(note)
    log(ctx, "second")  # no note: a full render, which writes it again
    assert note.is_file() and _log_path(repo).read_text() == _full(ctx)
    assert worklog.NOTE_VERSION == json.loads(note.read_text())["v"]
