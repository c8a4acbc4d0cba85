"""``doctor``: check the store and the documents; every finding names where it is."""

from __future__ import annotations

import os

from session_tracker.core.context import Context
from session_tracker.core.events import NewerSchema
from session_tracker.core.sessions import open_here
from session_tracker.documents.md import document_bytes

ERROR = "error"
WARNING = "warning"


def doctor(ctx: Context, secrets: bool = False) -> dict[str, object]:
    """Check: unreadable lines (file:line), newer schema versions, duplicate event ids, two
    sessions sharing a number, sessions left open, documents edited by hand or missing; with
    ``secrets``, also every event and document line holding a secret
    (:mod:`session_tracker.commands.doctor_secrets`).

    One pass over the event files in bounded memory (:func:`session_tracker.bulk.documents`),
    the store-wide facts from the index.

    Returns ``{"v": 1, "ok": bool, "findings": [{level, check, where, message}]}``; ``ok`` is
    False when any finding is an error.
    """
    from session_tracker import bulk, index
    from session_tracker.core import store
    from session_tracker.core.store import Problem
    from session_tracker.index import query

    findings: list[dict[str, str]] = []
    problems: list[Problem] = []
    compared: dict[str, list[dict[str, str]]] = {}
    try:
        for path, text, _ in bulk.documents(ctx, problems, label="checking"):
            compared[path] = _compare(ctx, path, text)  # a number two sessions share: the later one's document counts
        conn = index.connect_fresh(ctx.layout)
    except NewerSchema as exc:  # a newer schema version: nothing else can be trusted
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
    findings += _stray_temp_files(ctx)
    if secrets:
        from session_tracker.commands.doctor_secrets import scan

        findings += scan(ctx)
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
    if actual == document_bytes(text):
        return []
    message = "differs from what the events say (edited by hand?); record the change as events, then `session-tracker render` rewrites it"
    if path.endswith("-tasks.json"):
        from session_tracker.workflow.view import describe_tasks_json

        message = describe_tasks_json(actual) + "; " + message
    return [{"level": ERROR, "check": "document-edited", "where": relative, "message": message}]
TEMP_MIN_AGE_S = 60.0  # younger temp files may belong to a write in progress


def _stray_temp_files(ctx: Context) -> list[dict[str, str]]:
    """Temp files an interrupted atomic write left (``.<name>.<pid>.<hex>.tmp``) in the store
    and in the documents' directories; older than a minute, so not a write in progress."""
    import re
    import time


    pattern = re.compile(r"^\..+\.[0-9]+\.[0-9a-f]{8}\.tmp$")
    places = {ctx.layout.store}
    for template in ctx.config["documents"].values():
        if isinstance(template, str):
            places.add(os.path.dirname(os.path.join(ctx.layout.root, template.replace("{session}", "x"))))
    found = []
    now = time.time()
    for place in sorted(places):
        for directory, dirs, files in os.walk(place):
            dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(directory, d))]
            for name in files:
                path = os.path.join(directory, name)
                try:
                    old = now - os.lstat(path).st_mtime > TEMP_MIN_AGE_S
                except OSError:
                    continue
                if pattern.match(name) and old:
                    found.append({"level": WARNING, "check": "temp-file", "where": ctx.layout.relative(path),
                                  "message": "a temp file left by an interrupted write (the file it was for is intact); delete it"})
            if place != ctx.layout.store:
                break  # document directories: their own level only
    return found


def _untracked_commits(ctx: Context) -> list[dict[str, str]]:
    """Commits made while a session was open here that no session recorded (the hooks were
    skipped: SESSION_TRACKER_SKIP=1, or --no-verify without an open session)."""
    from session_tracker.enforce.untracked import kept_at_end
    from session_tracker.enforce.untracked import open_here as untracked

    found = [(session, commits) for session, commits in untracked(ctx)]
    # Ended sessions keep theirs in session.ended, so the trace outlives `end`.
    from session_tracker.index import summary_project  # session.ended is in the summary

    found += [(s, kept) for s in summary_project(ctx.layout).ended() if (kept := kept_at_end(s))]
    return [
        {"level": WARNING, "check": "untracked-commit", "where": f"commit {c['sha'][:7]}", "message": f"{c['subject']!r} was made while session {session.name} was open but no session recorded it (hooks skipped?); its handoff lists it, and a `Session: {session.name}` trailer ties it to the session for CI"}
        for session, commits in found
        for c in commits
    ]
