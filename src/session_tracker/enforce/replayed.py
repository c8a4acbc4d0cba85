"""Cherry-picks and reverts: commits git makes from other commits, which the hooks leave without
a ``Session:`` trailer (git runs no commit-msg hook for them).

Such a commit is recognised by the line git writes into its message — ``(cherry picked from
commit <sha>)`` (``git cherry-pick -x``) or ``This reverts commit <sha>.`` (``git revert``) —
and counts as tracked when it was made during a tracked session:

* a session recorded it (the post-commit hook runs for cherry-picks and reverts), or
* its committer time lies between a session's start and end (or the session is still open),
  which is what CI sees when the hooks were not installed where the commit was made, or
* the commit it copies or reverts is itself tied to a session by its trailer or a record.

A cherry-pick without ``-x`` carries no such line and is judged like any other commit.
"""

from __future__ import annotations

import re

from session_tracker.core.clock import parse_iso
from session_tracker.git.proc import run

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

    from session_tracker.core.model import Session
    from session_tracker.git.plumbing import CommitInfo

_LINE = re.compile(r"^(?:\(cherry picked from commit ([0-9a-f]{7,64})\)|This reverts commit ([0-9a-f]{7,64}))", re.MULTILINE)


def origins(root: str, shas: Iterable[str]) -> dict[str, str]:
    """``{sha: the sha its message says it was picked from or reverts}`` for those of ``shas``
    that are cherry-picks (``-x``) or reverts; one ``git log --no-walk`` for all of them."""
    wanted = list(dict.fromkeys(shas))
    if not wanted:
        return {}
    out = run(["log", "--no-walk=unsorted", "-z", "--encoding=UTF-8", "--format=%H%x1f%B", "--end-of-options", *wanted, "--"],
              root).stdout.decode("utf-8", "replace")
    found: dict[str, str] = {}
    for record in out.split("\0"):
        sha, _, body = record.strip("\n").partition("\x1f")
        match = _LINE.search(body)
        if sha and match:
            found[sha] = match.group(1) or match.group(2)
    return found


def _instant(ts: str) -> float:
    try:
        return parse_iso(ts).timestamp()
    except ValueError:
        return 0.0


def during(commit: CommitInfo, sessions: list[Session]) -> Session | None:
    """The session that was open when ``commit`` was made (committer time, whole seconds)."""
    for session in sessions:
        if session.started is None:
            continue
        begun = _instant(session.start_moment)
        ended = _instant(session.end_moment) if session.ended is not None else float("inf")
        if int(begun) <= commit.time <= ended:
            return session
    return None


def tracked(root: str, commits: list[CommitInfo], sessions: list[Session], recorded: set[str],
            tied: set[str]) -> dict[str, str]:
    """Of ``commits``, the cherry-picks and reverts made during a tracked session.

    Args:
        recorded: shas some session recorded; ``tied``: shas tied to a session otherwise
            (a ``Session:`` trailer naming a known session), abbreviations allowed.
    Returns:
        ``{sha: why}``, e.g. ``"a revert made during session 00003"``.
    """
    found = origins(root, (c.sha for c in commits))
    known = recorded | tied
    out: dict[str, str] = {}
    for c in commits:
        origin = found.get(c.sha)
        if origin is None:
            continue
        what = "a revert" if c.subject.startswith("Revert ") else "a cherry-pick"
        session = during(c, sessions)
        if c.sha in recorded:
            out[c.sha] = f"{what} recorded by a session"
        elif session is not None:
            out[c.sha] = f"{what} made during session {session.name}"
        elif any(k.startswith(origin) or origin.startswith(k) for k in known):
            out[c.sha] = f"{what} of tracked commit {origin[:7]}"
    return out


__all__ = ["during", "origins", "tracked"]
