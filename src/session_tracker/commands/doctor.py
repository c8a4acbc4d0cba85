"""``doctor``: check the store and the documents; every finding names where it is."""

from __future__ import annotations

from session_tracker.context import Context
from session_tracker.errors import TrackerError
from session_tracker.sessions import open_here

ERROR = "error"
WARNING = "warning"


def doctor(ctx: Context) -> dict[str, object]:
    """Check: unreadable lines (file:line), newer schema versions, duplicate event ids, two
    sessions sharing a number, sessions left open, documents edited by hand or missing.

    One pass over the event files in bounded memory (:func:`session_tracker.bulk.documents`),
    the store-wide facts from the index.

    Returns ``{"v": 1, "ok": bool, "findings": [{level, check, where, message}]}``; ``ok`` is
    False when any finding is an error.
    """
    from session_tracker import bulk, index, store
    from session_tracker.index import query
    from session_tracker.store import Problem

    findings: list[dict[str, str]] = []
    problems: list[Problem] = []
    compared: dict[str, list[dict[str, str]]] = {}
    try:
        for path, text, _ in bulk.documents(ctx, problems, label="checking"):
            compared[path] = _compare(ctx, path, text)  # a number two sessions share: the later one's document counts
        conn = index.connect_fresh(ctx.layout)
    except TrackerError as exc:  # a newer schema version: nothing else can be trusted
        findings.append({"level": ERROR, "check": "schema", "where": exc.message.split(": ")[0], "message": f"{exc.message} ({exc.hint})"})
        return {"v": 1, "ok": False, "findings": findings}
    try:
        read = {p.where.rsplit(":", 1)[0] for p in problems}
        for rel, full in sorted(_session_files(ctx).items()):  # files holding no session were not read above
            label = ctx.layout.relative(full)
            if label not in read:
                problems += store.read(full, label=label)[1]
        problems.sort(key=lambda p: (p.where.rsplit(":", 1)[0], int(p.where.rsplit(":", 1)[1])))
        for problem in problems:
            findings.append({"level": ERROR, "check": "bad-line", "where": problem.where, "message": problem.reason})
        _, plan_problems = store.read(ctx.layout.project_file, label=ctx.layout.relative(ctx.layout.project_file))
        for problem in plan_problems:  # the plan's own log (project tracker)
            findings.append({"level": ERROR, "check": "bad-line", "where": problem.where, "message": problem.reason})
        for event_id, places in query.duplicate_ids(conn):
            findings.append({"level": WARNING, "check": "duplicate-id", "where": places[0],
                             "message": f"event {event_id} appears {len(places)} times ({', '.join(places)}); readers keep the first"})
        for name, sids in query.shared_numbers(conn):
            findings.append({"level": WARNING, "check": "duplicate-number", "where": f".sessions/events/{name}.jsonl", "message": f"{len(sids)} sessions share the number {name} (ids {', '.join(sids)}), probably from two branches; views keep them apart by id"})
        here = open_here(ctx.layout)
        for name, sid in query.open_sessions(conn):
            where = "this worktree" if here.get(name) == sid else "no worktree here (left open)"
            findings.append({"level": WARNING, "check": "open-session", "where": f".sessions/events/{name}.jsonl", "message": f"session {name} is still open ({where}); end it with `session-tracker end --session {name}`"})
    finally:
        conn.close()
    findings += [finding for path in sorted(compared) for finding in compared[path]]
    findings += _untracked_commits(ctx)
    return {"v": 1, "ok": not any(f["level"] == ERROR for f in findings), "findings": findings}


def _session_files(ctx: Context) -> dict[str, str]:
    from session_tracker.index.ingest import event_files, is_project_source

    return {rel: path for rel, path in event_files(ctx.layout).items() if not is_project_source(rel)}


def _compare(ctx: Context, path: str, text: str) -> list[dict[str, str]]:
    """The finding for one document the events call for, if it is missing or differs."""
    relative = ctx.layout.relative(path)
    try:
        with open(path, "rb") as handle:
            actual = handle.read()
    except FileNotFoundError:
        return [{"level": WARNING, "check": "document-missing", "where": relative, "message": "not rendered yet; run `session-tracker render`"}]
    if actual == text.encode("utf-8"):
        return []
    message = "differs from what the events say (edited by hand?); record the change as events, then `session-tracker render` rewrites it"
    if path.endswith("-tasks.json"):
        from session_tracker.lifecycle.view import describe_tasks_json

        message = describe_tasks_json(actual) + "; " + message
    return [{"level": ERROR, "check": "document-edited", "where": relative, "message": message}]


def _untracked_commits(ctx: Context) -> list[dict[str, str]]:
    """Commits made while a session was open here that no session recorded (the hooks were
    skipped: SESSION_TRACKER_SKIP=1, or --no-verify without an open session)."""
    from session_tracker.enforce.untracked import open_here as untracked

    return [
        {"level": WARNING, "check": "untracked-commit", "where": f"commit {c['sha'][:7]}", "message": f"{c['subject']!r} was made while session {session.name} was open but no session recorded it (hooks skipped?); `end` still lists it, and a `Session: {session.name}` trailer ties it to the session for CI"}
        for session, commits in untracked(ctx)
        for c in commits
    ]
