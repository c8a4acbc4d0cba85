"""``summary``: where a session stands (seed 001): duration, entries, decisions, blockers,
files changed so far and commits (read from git now, nothing written)."""

from __future__ import annotations

from session_tracker.core import capture
from session_tracker.core.clock import format_duration, iso, now
from session_tracker.core.context import Context
from session_tracker.core.events import CATEGORIES
from session_tracker.core.model import Session
from session_tracker.core.sessions import resolve
from session_tracker.documents.session import totals


def describe(session: Session, blockers: list[dict[str, object]], private: dict[str, dict[str, str]] | None = None) -> dict[str, object]:
    """The JSON shape shared by ``summary`` and ``show`` (schema ``v`` 1).

    Keys: session, sid, status, started, ended, duration_s (seconds), duration, objectives,
    branch, entries {category: count}, entries_total, decisions [{message, rationale,
    alternatives, at}], blockers_open [{blocker, message, session}], next_steps, files
    [{path, status, old_path, added, removed, binary}], lines_added, lines_removed, commits
    [{sha, subject}], tracking ("git", "transcript" for an imported session, or "off"), agent
    (:func:`session_tracker.documents.activity.activity`: files edited, commands and failures,
    tokens by model, subagents, compactions; ``private`` fills in command lines kept on this
    machine, see :mod:`session_tracker.core.private`). ``blockers``: the open blockers, as
    :func:`session_tracker.commands.open_work.open_work` gives them.
    """
    from session_tracker.documents.activity import activity

    counts = {c: 0 for c in CATEGORIES}
    for event in session.of_type("note"):
        category = event.text("category")
        counts[category] = counts.get(category, 0) + 1
    git = session.git_end or session.git_start
    files = session.files()
    added, removed = totals(files)
    seconds = session.duration_s(until=iso(now()))
    return {
        "v": 1,
        "session": session.name,
        "sid": session.sid,
        "status": session.status,
        "started": session.start_moment,
        "ended": session.end_moment or None,
        "duration_s": round(seconds, 3),
        "duration": format_duration(seconds),
        "objectives": session.objectives,
        "branch": git.get("branch") if git else None,
        "entries": counts,
        "entries_total": sum(counts.values()),
        "decisions": [
            {"message": e.text("message"), "rationale": e.text("rationale"), "alternatives": e.texts("alternatives"), "at": e.moment}
            for e in session.of_type("decision")
        ],
        "blockers_open": [{"blocker": b["id"], "message": b["message"], "session": b["session"]} for b in blockers],
        "next_steps": session.next_steps(),
        "files": files,
        "lines_added": added,
        "lines_removed": removed,
        "commits": [{"sha": c.get("sha"), "subject": c.get("subject")} for c in session.commits()],
        "tracking": "transcript" if (session.git_start or {}).get("source") == "transcript" else "off" if session.git_start is None else "git",
        "agent": activity(session, private),
    }


def summary(ctx: Context, session: str | None = None) -> dict[str, object]:
    """Describe the session as of now; for an open session, files and commits come from git.

    Returns :func:`describe`'s shape plus ``untracked_commits`` [{sha, subject}]: commits made
    while the session was open that the hooks did not record (see ``enforce.untracked``), and
    ``next_open`` [{id, message, priority, session, added, source}]: the project's open next
    steps (:mod:`session_tracker.plan.steps`; ``next_steps`` are the ones this session left).

    Raises:
        TrackerError: no such session, or none open and none named.
    """
    from session_tracker.index.stamps import trust_directories

    trust_directories()  # one session's command: the directories tell what changed (index/stamps.py)
    from session_tracker.commands.open_work import open_work
    from session_tracker.core import private

    target = resolve(ctx, session)
    # The session in full; of the others only the open steps and blockers, from the index.
    steps, blockers = open_work(ctx)
    result = describe(target, blockers, private.load(private.path_for(ctx.layout.local_dir, target.file)))
    base = target.git_start
    if target.ended is None and base is not None:
        repo, _ = capture.repo_for(ctx)
        if repo is not None:
            head = base.get("head")
            live = capture.at_end(ctx, repo, head if isinstance(head, str) else None)
            files = live["files"]
            result["files"] = files
            result["lines_added"], result["lines_removed"] = totals(files)  # type: ignore[arg-type]
            result["commits"] = [{"sha": c["sha"], "subject": c["subject"]} for c in live["commits"]]  # type: ignore[attr-defined]
            result["branch"] = live["branch"]
    from session_tracker.enforce.untracked import untracked_commits

    result["next_open"] = steps  # the one list, every session's

    result["untracked_commits"] = untracked_commits(ctx, target)
    return result
