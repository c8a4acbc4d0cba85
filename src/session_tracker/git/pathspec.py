"""Pathspecs that keep git out of the directories a capture leaves out anyway.

A store of 10,000 sessions is 10,000 tracked files under ``.sessions/``: ``git status`` stats
every one of them and the untracked scan reads the directory, only for the capture to drop
every path found there (``core/capture.OwnFiles``). Telling git to skip them saves 10 to 30 ms
per command at that size. (``git diff`` against a commit is left whole: a file moved out of
``.sessions/`` is a rename, whose source an exclusion would hide.)

Magic pathspecs (``:(exclude,literal)``, ``:(literal)``) as documented in gitglossary(7); a
lone exclude pathspec means "everything else" since git 2.13.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    Exclude = Sequence[str] | Callable[[str], bool]  # as git.repo's (not imported: repo imports this)


def skipped_dirs(exclude: Exclude) -> tuple[str, ...]:
    """The top-level directories (``".sessions"``) under which ``exclude`` matches every path:
    its prefixes of one level ending in ``/`` (an ``OwnFiles`` matcher's, or a list's)."""
    prefixes = getattr(exclude, "prefixes", ()) if callable(exclude) else [e for e in exclude if e.endswith("/")]
    return tuple(sorted({p[:-1] for p in prefixes if isinstance(p, str) and p.count("/") == 1 and len(p) > 1}))


def excluding(skipped: tuple[str, ...]) -> list[str]:
    """Arguments (``--`` and a pathspec) that leave ``skipped`` out of a diff or a status; none
    when there is nothing to skip. Deleted files stay in: they are matched by exclusion."""
    return ["--", *(f":(exclude,literal){name}" for name in skipped)] if skipped else []


def untracked_within(root: str, skipped: tuple[str, ...]) -> list[str] | None:
    """Arguments for ``git ls-files --others`` that make git look only in the top-level entries
    of ``root`` that are not ``skipped`` (an untracked file is on disk, so listing the top level
    finds every place one can be): ``[]`` when nothing is skipped, None when no entry is left
    (there can be no untracked file to report). An exclusion pathspec would not do: git still
    walks an excluded directory for untracked files."""
    if not skipped:
        return []
    try:
        names = sorted(os.listdir(root))
    except OSError:
        return []
    kept = [f":(literal){name}" for name in names if name != ".git" and name not in skipped]
    return ["--", *kept] if kept else None


def untracked_args(root: str, exclude: Exclude) -> list[str] | None:
    """``git ls-files --others`` for the untracked, not ignored files outside the directories
    ``exclude`` skips (:func:`untracked_within`); None when there is nowhere left to look."""
    within = untracked_within(root, skipped_dirs(exclude))
    return None if within is None else ["ls-files", "--others", "--exclude-standard", "-z", *within]
