"""``render``: regenerate every document from the events."""

from __future__ import annotations

from session_tracker.core import capture
from session_tracker.core.context import Context
from session_tracker.core.model import load_session_file
from session_tracker.core.sessions import open_here, record
from session_tracker.documents import writer


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
