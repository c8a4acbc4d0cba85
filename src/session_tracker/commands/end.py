"""``end``: capture git, mark the session COMPLETE, write the handoff (seed 001)."""

from __future__ import annotations

import os

from session_tracker.core import capture, validate
from session_tracker.core.context import Context
from session_tracker.core.model import load_project
from session_tracker.core.sessions import mark_closed, record, require_open, resolve
from session_tracker.documents import writer
from session_tracker.errors import TrackerError

STATUS_COMPLETE = "COMPLETE"


def end(ctx: Context, next_steps: tuple[str, ...] = (), session: str | None = None,
        require_gates: bool = False, force: bool = False) -> dict[str, object]:
    """End the session: ``session.ended`` with the git capture, then every document.

    Args:
        next_steps: ``--next`` items for the next session (repeatable).
        require_gates: refuse to end while a quality gate fails (``--require-gates``);
            ``force`` ends anyway and records ``gate.overridden``. With ``[metrics] on_end``
            a final ``metrics run`` snapshot (source ``end``) is recorded first.
    Returns:
        ``{"session", "status", "duration_s", "files", "commits", "handoff", "documents",
        "notice"}`` where ``handoff`` is the handoff's markdown and ``documents`` the paths
        written, relative to the project root.
    Raises:
        TrackerError: no open session, or an empty ``--next``.
    """
    from session_tracker.index.stamps import trust_directories

    trust_directories()  # one session's command: the directories tell what changed (index/stamps.py)
    from session_tracker.index import look_before_writing

    look_before_writing(ctx.layout)
    steps = [validate.text(s, "next step") for s in next_steps]
    target = require_open(resolve(ctx, session))
    from session_tracker.core import journal

    if journal.exists(ctx.layout, target.file) and not os.path.exists(ctx.layout.session_file(target.file)) \
            and journal.stashed(ctx.layout, target.file):
        rel = ctx.layout.relative(ctx.layout.session_file(target.file))
        raise TrackerError(
            f"the events file of session {target.name} ({rel}) is in `git stash`",
            "run `git stash pop` first (writing it now would make the pop fail); the events are safe in .sessions/local/journal/",
        )
    if ctx.config.get("metrics", {}).get("on_end") is True or require_gates:
        from session_tracker.commands import metrics_end

        metrics_end.before_end(ctx, target, require_gates, force)
    git_end = None
    notice = None
    if target.git_start is not None:
        repo, notice = capture.repo_for(ctx)
        if repo is not None:
            head = target.git_start.get("head")
            git_end = capture.at_end(ctx, repo, head if isinstance(head, str) else None, target.start_moment)
    ended_data: dict[str, object] = {"status": STATUS_COMPLETE, "next": steps, "git": git_end}
    from session_tracker.enforce.untracked import untracked_commits

    skipped = untracked_commits(ctx, target)
    if skipped:
        ended_data["untracked_commits"] = skipped  # the hooks were skipped: the trace outlives `end`

    # The blockers open as this clone sees them at the end (their opening events' ids): the
    # handoff shows these, not those of a parallel branch that a later merge brings in.
    from session_tracker.commands.open_work import open_blocker_ids
    from session_tracker.index import connect_fresh
    from session_tracker.workflow.view import open_tasks

    conn = connect_fresh(ctx.layout)
    try:
        ended_data["blockers_open"] = open_blocker_ids(ctx, conn)
    finally:
        conn.close()
    held = open_tasks(ctx.layout)
    if held:
        ended_data["open_tasks"] = held  # who holds each open task, for the handoff (seed 003)
    record(ctx, target, "session.ended", ended_data)
    if journal.exists(ctx.layout, target.file):  # the whole session goes to its committed file
        journal.publish(ctx.layout, target.file)
        journal.remove(ctx.layout, target.file)
    from session_tracker.core.files import branch_slug, git_dir_of

    slug = "-" + branch_slug(git_dir_of(ctx.layout.root))
    for stem in journal.project_stems(ctx.layout):  # and this branch's project events
        if stem.endswith(slug):
            journal.publish(ctx.layout, stem)
    mark_closed(ctx.layout, target.file)
    written, ended, project = writer.write_session_full(ctx, target.file, target.sid)
    # the session's entry in SESSION_TRACKER.md, progress.txt; seed 003's -completed/-review now
    written += writer.write_project(ctx, sessions=(target.file,))
    if ended is None or project is None:  # pragma: no cover - the session file was removed meanwhile
        ended, project = target, load_project(ctx.layout)
    files = ended.files()
    paths = [p for kind in writer.SESSION_KINDS if (p := ctx.session_document(kind, ended))]
    return {
        "session": target.name,
        "status": STATUS_COMPLETE,
        "duration_s": round(ended.duration_s(), 3),
        "files": len(files),
        "commits": len(ended.commits()),
        "handoff": writer.render_kind("handoff", ended, project),
        "documents": [ctx.layout.relative(p) for p in paths],
        "written": [ctx.layout.relative(p) for p in written],
        "notice": notice or None,
    }
