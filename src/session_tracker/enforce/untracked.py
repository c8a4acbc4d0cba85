"""Commits that slipped past the hooks: made on HEAD while a session was open here, recorded by
no ``commit`` event of that session and tied to no session by a ``Session:`` trailer — what
``SESSION_TRACKER_SKIP=1`` and ``git commit --no-verify`` (without an open session) leave
behind. ``doctor`` and ``summary`` list them.

Only looked for when commits are being recorded (our post-commit hook is installed, or the
session has recorded a commit already), so a project that does not use the hooks is not told
that every commit is untracked.
"""

from __future__ import annotations

import os

from session_tracker.errors import TrackerError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from session_tracker.core.context import Context
    from session_tracker.core.model import Session


def _recording(root: str) -> bool:
    from session_tracker.enforce.hookfiles import post_commit_installed
    from session_tracker.git.plumbing import hooks_dir

    return post_commit_installed(hooks_dir(root))


def untracked_commits(ctx: Context, session: Session) -> list[dict[str, str]]:
    """``[{"sha", "subject"}]``, oldest first, for an open session with a git start (for an
    ended one: the list ``end`` kept in ``session.ended``); ``[]`` otherwise, outside git, or
    when git cannot answer (the start commit was rewritten away). Merge commits are not
    listed (they belong to what they merge)."""
    from session_tracker.git import plumbing as gitx

    if session.ended is not None:
        return kept_at_end(session)
    start = session.git_start
    root = ctx.layout.root
    if start is None or gitx.git_dir(root) is None:
        return []
    recorded = {e.text("sha") for e in session.events if e.type == "commit"}
    try:
        if not recorded and not _recording(root):
            return []
        base = start.get("head")
        if gitx.resolve(root, "HEAD") is None:
            return []
        commits = gitx.commits(root, base if isinstance(base, str) else None, "HEAD")
    except TrackerError:
        return []
    events_dir = ctx.layout.events_dir

    def known(stem: str) -> bool:  # a session's file (a look per trailer, not a listing of 10,000)
        return bool(stem) and os.sep not in stem and "/" not in stem and not stem.startswith(".") \
            and os.path.exists(os.path.join(events_dir, f"{stem}.jsonl"))

    return [{"sha": c.sha, "subject": c.subject} for c in commits
            if not c.merge and c.sha not in recorded and not any(known(v) for v in c.sessions)]


def kept_at_end(session: Session) -> list[dict[str, str]]:
    """The untracked commits ``end`` recorded in the session's ``session.ended`` event."""
    kept = session.ended.data.get("untracked_commits") if session.ended is not None else None
    if not isinstance(kept, list):
        return []
    return [{"sha": str(c.get("sha")), "subject": str(c.get("subject"))} for c in kept if isinstance(c, dict)]


def open_here(ctx: Context) -> list[tuple[Session, list[dict[str, str]]]]:
    """``[(session, untracked commits)]`` for each session open in this worktree that has any."""
    from session_tracker.core.model import load_session_file
    from session_tracker.core.sessions import open_here as markers

    found = []
    for name, sid in sorted(markers(ctx.layout).items()):
        sessions, _ = load_session_file(ctx.layout, name)
        for session in sessions:
            if session.sid == sid and session.ended is None:
                commits = untracked_commits(ctx, session)
                if commits:
                    found.append((session, commits))
    return found
