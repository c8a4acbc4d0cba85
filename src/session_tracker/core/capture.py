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

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

NO_GIT_NOTICE = "file tracking is off: this directory is not inside a git repository (everything else works)"
NO_GIT_BINARY = "file tracking is off: git is not installed (everything else works)"


def repo_for(ctx: Context) -> tuple[git.Repo | None, str]:
    """The git repository of the project, or ``(None, reason)`` when there is none."""
    try:
        repo = git.find_repo(ctx.layout.root)
    except git.GitUnavailable:
        return None, NO_GIT_BINARY
    return (repo, "") if repo else (None, NO_GIT_NOTICE)


class OwnFiles:
    """session-tracker's own files as a matcher of repository-relative paths, left out of every
    capture: ``.sessions/``, the project documents and the metrics chart by exact path, and
    each session's documents by their template with a label the store has (its number, or
    ``<number>-<sid>`` for sessions sharing one), so the user's other files in the same
    directories still count. Matching the few changed paths against the templates costs what
    they cost, not one path per document and label of the store (80,000 at 10,000 sessions)."""

    __slots__ = ("exact", "is_label", "prefixes", "templates")

    def __init__(self, prefixes: tuple[str, ...], exact: frozenset[str], templates: tuple[tuple[str, str], ...],
                 is_label: Callable[[str], bool]) -> None:
        self.prefixes, self.exact, self.templates, self.is_label = prefixes, exact, templates, is_label

    def __call__(self, path: str) -> bool:
        if path.startswith(self.prefixes):
            return True
        while path:  # the path, or a directory holding it
            if path in self.exact:
                return True
            for head, tail in self.templates:
                if len(path) > len(head) + len(tail) and path.startswith(head) and path.endswith(tail) \
                        and self.is_label(path[len(head):len(path) - len(tail)]):
                    return True
            path = path.rpartition("/")[0]
        return False


def own_files(ctx: Context) -> OwnFiles:
    """:class:`OwnFiles` of this store, as its files and configuration name them now."""
    from session_tracker.core.files import scan

    listing = scan(ctx.layout)

    def is_label(text: str) -> bool:
        # A document label: a number, or <number>-<sid> for sessions sharing one
        # (model.label_clashes), which is that session's file stem. Looked up per changed
        # path, not spelt out for the 10,000 sessions of a big store.
        return listing.has(text) or bool(listing.numbered(text))

    exact: set[str] = set()
    templates: list[tuple[str, str]] = []
    for template in ctx.config["documents"].values():
        if not isinstance(template, str):
            continue
        parts = template.split("{session}")
        if len(parts) == 1:  # a project document (SESSION_TRACKER.md, …)
            exact.add(template)
        elif len(parts) == 2:
            templates.append((parts[0], parts[1]))
        else:  # the label twice in one template: every path spelt out
            labels = set(listing.by_number) | {stem for stem, sid in zip(listing.stems, listing.sids) if sid}
            exact.update(template.replace("{session}", label) for label in labels)
    from session_tracker.core.paths import chart_path

    chart = chart_path(ctx.config)  # the metrics chart beside the tracker
    if chart:
        exact.add(chart)
    return OwnFiles((".sessions/",), frozenset(exact), tuple(templates), is_label)


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


def at_end(ctx: Context, repo: git.Repo, base: str | None, since: str = "") -> dict[str, object]:
    """``{"branch", "head", "commits", "merged", "files"}`` for the ``session.ended`` event.

    ``commits`` are the session's own work: reachable from HEAD now (so a commit that an amend
    or a rebase replaced is not among them), not from ``base``, and committed by this clone's
    user (``user.email``) at or after ``since`` (the session's start, ISO). The rest of
    ``base..HEAD`` — a teammate's commits that a ``pull --rebase`` or a merge brought in — are
    ``merged``: listed as merged, never as this session's work.
    """
    branch, head, commits, files = changes.end_state(repo, base, exclude=own_files(ctx))
    own, merged = split_own(repo, commits, since)
    return {
        "branch": branch,
        "head": head,
        "commits": [
            {"sha": c.sha, "subject": c.subject, "author": c.author, "timestamp": c.timestamp} for c in own
        ],
        "merged": [{"sha": c.sha, "subject": c.subject, "author": c.author} for c in merged],
        "files": [_change(c) for c in files],
    }


def split_own(repo: git.Repo, commits: list[git.Commit], since: str) -> tuple[list[git.Commit], list[git.Commit]]:
    """``(own, merged)``: see :func:`at_end` (also used for an imported session's commits).
    This clone's commits are those its committer identity made (``GIT_COMMITTER_EMAIL``, else
    ``user.email``); without one every commit is own."""
    if not commits:
        return [], []
    import os

    from session_tracker.core.clock import parse_iso
    from session_tracker.git.proc import run

    # The identity git gives this clone's new commits: GIT_COMMITTER_EMAIL when set (it
    # overrides the config, as in scripts and CI), else user.email.
    email = os.environ.get("GIT_COMMITTER_EMAIL", "").strip().lower() or run(
        ["config", "user.email"], repo.root, check=False).stdout.decode("utf-8", "replace").strip().lower()
    if not email:
        return commits, []
    out = run(["log", "--no-walk=unsorted", "-z", "--format=%H %ce %cI", "--stdin"], repo.root,
              stdin="".join(c.sha + "\n" for c in commits).encode(), check=False).stdout
    who: dict[str, tuple[str, str]] = {}
    for record in out.decode("utf-8", "replace").split("\0"):
        parts = record.strip().split(" ")
        if len(parts) == 3:
            who[parts[0]] = (parts[1].lower(), parts[2])
    try:
        start = parse_iso(since).timestamp() - 1 if since else None
    except ValueError:
        start = None
    own: list[git.Commit] = []
    merged: list[git.Commit] = []
    for commit in commits:
        committer, when = who.get(commit.sha, (email, ""))
        try:
            late = start is None or not when or parse_iso(when).timestamp() >= start
        except ValueError:
            late = True
        (own if committer == email and late else merged).append(commit)
    return own, merged
