"""``render``: regenerate every document from the events."""

from __future__ import annotations

import os

from session_tracker.core import capture
from session_tracker.core.context import Context
from session_tracker.core.model import load_session_file
from session_tracker.core.sessions import open_here, record
from session_tracker.documents import background, writer


def snapshot_open_sessions(ctx: Context) -> list[str]:
    """Record a ``files.changed`` snapshot for each session open in this worktree whose files
    differ from its last capture, so FILES.txt is current. Returns the sessions snapshotted."""
    here = open_here(ctx.layout)
    if not here:
        return []
    repo, _ = capture.repo_for(ctx)
    if repo is None:
        return []
    done = []
    for name in sorted(here):  # only the sessions open here: never decode the whole store
        found, _ = load_session_file(ctx.layout, name)
        session = next((s for s in found if s.sid == here[name]), None)
        if session is None or session.ended or session.git_start is None:
            continue
        head = session.git_start.get("head")
        base = head if isinstance(head, str) else None
        files = capture.files_since(ctx, repo, base)
        if files != session.files() or not any(e.type == "files.changed" for e in session.events):
            record(ctx, session, "files.changed", {"base": base, "files": files})
            done.append(session.name)
    return done


def render(ctx: Context) -> dict[str, object]:
    """Snapshot open sessions' files, then rewrite every document that differs.

    Returns ``{"v": 1, "documents": N, "written": [relative paths], "snapshots": [sessions]}``.
    """
    from session_tracker.core import ignore

    if ctx.layout.exists():
        ignore.ensure(ctx.layout, ctx.config)  # a fresh clone: one `render` and git ignores the views
    snapshots = snapshot_open_sessions(ctx)
    written, total = writer.write_all(ctx)
    from session_tracker.commands.metrics import write_chart  # the metrics chart, once metrics exist

    chart = write_chart(ctx)
    return {"v": 1, "documents": total, "written": [ctx.layout.relative(p) for p in written] + chart, "snapshots": snapshots}


def render_pending() -> None:
    """The background process: one at a time per store (``local/project-render.lock``, taken
    without waiting — a process that finds it held leaves its marker to the holder), it renders
    while a marker is pending: under the project documents' lock it takes the marker (and the session names
    it lists), then renders the project documents and those sessions' seed 003 documents."""
    import fcntl

    ctx = Context()
    marker = background.marker(ctx.layout)
    while os.path.exists(marker):
        fd = os.open(os.path.join(ctx.layout.local_dir, "project-render.lock"), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return  # another one runs; it looks for markers again before it stops
            while os.path.exists(marker):
                _render_once(ctx)
            _leave_trust(ctx, marker)  # (holding the lock: one waiting for this render waits for it too)
        finally:
            os.close(fd)  # releases the flock; the outer loop closes the race with a new marker


def _leave_trust(ctx: Context, marker: str) -> None:
    """Once the directories have settled, look at every event file once more, so the next
    command about one session may trust their times (index/stamps.py ``trusted``): the command
    that asked for this render has just changed them, too recently to be trusted. Waits at most
    the racy window (2 s) in this background process; a render asked for meanwhile does this
    after it instead."""
    import time

    from session_tracker import index
    from session_tracker.core import files
    from session_tracker.index import stamps
    from session_tracker.index.pool import RACY_S

    layout = ctx.layout
    newest = max(stamps.folder_time(f) for f in (layout.store, layout.events_dir, os.path.join(layout.local_dir, "journal")))
    time.sleep(min(RACY_S, max(0.0, RACY_S - (time.time() - newest / 1e9))) + 0.05)
    if os.path.exists(marker):
        return
    stamps.forget(layout)
    files.forget(layout)
    try:
        index.fresh(layout).close()
        files.scan(layout)  # and the listing kept for the next process, settled
    except Exception:  # noqa: BLE001, S110 - nobody sees a background process: the next command looks itself
        pass


def _render_once(ctx: Context) -> None:
    docs = writer
    names: list[str] = []
    try:
        docs.write_project(ctx, now=True, on_locked=lambda: names.extend(background.take(ctx.layout)), lock_timeout=background.LOCK_WAIT_S)
        if names:
            docs.write_lifecycle(ctx, sorted(set(names)))
    except Exception:  # noqa: BLE001 - nobody sees a background process: `render` repairs
        background.take(ctx.layout)
