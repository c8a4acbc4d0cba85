"""Git capture (seed 001's "automatically tracked"): what a machine can see by itself.

At start: branch, HEAD and the files already dirty. At end (and for snapshots): the commits
made since the start and every file changed since — committed, staged, unstaged and untracked —
leaving out session-tracker's own files. Without git, capture is None and the caller says once
that file tracking is off.
"""

from __future__ import annotations

from session_tracker.core.context import Context
from session_tracker.git import changes
from session_tracker.git import repo as git

NO_GIT_NOTICE = "file tracking is off: this directory is not inside a git repository (everything else works)"
NO_GIT_BINARY = "file tracking is off: git is not installed (everything else works)"


def repo_for(ctx: Context) -> tuple[git.Repo | None, str]:
    """The git repository of the project, or ``(None, reason)`` when there is none."""
    try:
        repo = git.find_repo(ctx.layout.root)
    except git.GitUnavailable:
        return None, NO_GIT_BINARY
    return (repo, "") if repo else (None, NO_GIT_NOTICE)


def own_files(ctx: Context) -> list[str]:
    """session-tracker's own files, left out of every capture: ``.sessions/`` and each
    session's rendered documents (exact paths, so the user's other files in the same
    directories still count)."""
    import os

    excluded = [".sessions/"]
    try:
        names = [f[:-6] for f in os.listdir(ctx.layout.events_dir) if f.endswith(".jsonl")]
    except FileNotFoundError:
        names = []
    for template in ctx.config["documents"].values():
        if isinstance(template, str):
            if "{session}" not in template:  # a project document (SESSION_TRACKER.md, …)
                excluded.append(template)
                continue
            excluded += [template.replace("{session}", name) for name in names]
    from session_tracker.core.paths import chart_path

    chart = chart_path(ctx.config)  # the metrics chart beside the tracker
    if chart:
        excluded.append(chart)
    return excluded


def at_start(ctx: Context, repo: git.Repo) -> dict[str, object]:
    """``{"branch", "head", "dirty"}`` for the ``session.started`` event."""
    return {
        "branch": git.current_branch(repo),
        "head": git.head_sha(repo),
        "dirty": git.dirty_files(repo, exclude=own_files(ctx)),
    }


def _change(change: git.FileChange) -> dict[str, object]:
    return {
        "path": change.path,
        "status": change.status,
        "old_path": change.old_path,
        "added": change.added,
        "removed": change.removed,
        "binary": change.binary,
    }


def files_since(ctx: Context, repo: git.Repo, base: str | None) -> list[dict[str, object]]:
    """Every file changed since commit ``base`` (None: since the empty tree), as event data."""
    return [_change(c) for c in changes.changed_files(repo, base, exclude=own_files(ctx))]


def at_end(ctx: Context, repo: git.Repo, base: str | None) -> dict[str, object]:
    """``{"branch", "head", "commits", "files"}`` for the ``session.ended`` event."""
    branch, head, commits, files = changes.end_state(repo, base, exclude=own_files(ctx))
    return {
        "branch": branch,
        "head": head,
        "commits": [
            {"sha": c.sha, "subject": c.subject, "author": c.author, "timestamp": c.timestamp} for c in commits
        ],
        "files": [_change(c) for c in files],
    }
