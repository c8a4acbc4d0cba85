"""``doctor``: check the store and the documents; every finding names where it is."""

from __future__ import annotations

import os

from session_tracker.core.context import Context
from session_tracker.core.events import NewerSchema
from session_tracker.core.sessions import open_here
from session_tracker.documents.md import document_bytes

TYPE_CHECKING = False
if TYPE_CHECKING:
    from session_tracker.core.model import Project
    from session_tracker.core.store import Problem

ERROR = "error"
WARNING = "warning"


def doctor(ctx: Context, secrets: bool = False, fix: bool = False) -> dict[str, object]:
    """Check: unreadable lines (file:line), newer schema versions, duplicate event ids, two
    sessions sharing a number, sessions left open, documents out of date (naming the events or
    inputs that changed after they were written), edited by hand, or missing, a store an older
    release wrote (``migrate``); with ``secrets``, also every event and document line holding a
    secret (:mod:`session_tracker.commands.doctor_secrets`). The ``doctor`` command adds capture
    health (:func:`session_tracker.importers.health.check`).

    One pass over the event files in memory bounded by the largest session
    (:func:`session_tracker.documents.bulk.documents`); what spans sessions (blockers, numbers,
    open sessions, duplicate ids) from the index.

    Args:
        fix: move unreadable lines into the quarantine first (:mod:`.doctor_fix`); they are
            then reported as fixed (warnings), not as errors.

    Returns ``{"v": 1, "ok": bool, "findings": [{level, check, where, message}]}``; ``ok`` is
    False when any finding is an error.
    """
    from session_tracker import index
    from session_tracker.documents import bulk
    from session_tracker.index import query
    from session_tracker.plan.model import project_events

    findings: list[dict[str, str]] = []
    try:
        if fix:
            findings += _quarantine(ctx)
        summary = index.summary_project(ctx.layout)
        problems: list[Problem] = []
        compared: list[dict[str, str]] = []
        for path, text, _ in bulk.documents(ctx, problems, label="checking", summary=summary):
            compared += _compare(ctx, summary, path, text)
    except NewerSchema as exc:  # a newer schema version: nothing else can be trusted (a bad config stays an error)
        findings.append({"level": ERROR, "check": "schema", "where": exc.message.split(": ")[0], "message": f"{exc.message} ({exc.hint})"})
        return {"v": 1, "ok": False, "findings": findings}
    problems += _files_without_sessions(ctx, summary, problems)
    _, plan_problems = project_events(ctx.layout)
    for problem in problems:
        findings.append({"level": ERROR, "check": "bad-line", "where": problem.where, "message": problem.reason + " (`doctor --fix` moves it to the quarantine)"})
    for problem in plan_problems:  # the plan's own log (project tracker)
        findings.append({"level": ERROR, "check": "bad-line", "where": problem.where, "message": problem.reason})
    conn = index.connect_fresh(ctx.layout)
    try:
        duplicates = query.duplicate_ids(conn)
    finally:
        conn.close()
    for event_id, places in duplicates:
        findings.append({"level": WARNING, "check": "duplicate-id", "where": places[0],
                         "message": f"event {event_id} appears {len(places)} times ({', '.join(places)}); readers keep the first"})
    by_name: dict[str, list[str]] = {}
    for session in summary.sessions:
        by_name.setdefault(session.name, []).append(session.sid)
    for name, sids in sorted(by_name.items()):
        if len(sids) > 1:
            later = max(sids)
            findings.append({"level": WARNING, "check": "duplicate-number", "where": f".sessions/events/{name}-*.jsonl",
                             "message": f"{len(sids)} sessions share the number {name} (ids {', '.join(sorted(sids))}), from parallel branches; "
                                        f"every view shows both, select one by id; give the later its own number: `session-tracker renumber {later}`"})
    findings += _duplicate_items(ctx, summary)
    from session_tracker.commands.migrate import legacy_findings

    findings += [{"level": WARNING, "check": "legacy-store", "where": ".sessions/", "message": f"{text}; run `session-tracker migrate`"} for text in legacy_findings(ctx)]
    here = open_here(ctx.layout)
    for session in summary.sessions:
        if session.ended is None and session.started is not None:
            where = "this worktree" if here.get(session.file) == session.sid else "no worktree here (left open)"
            findings.append({"level": WARNING, "check": "open-session", "where": f".sessions/events/{session.file}.jsonl", "message": f"session {session.name} is still open ({where}); end it with `session-tracker end --session {session.sid}`"})
    findings += sorted(compared, key=lambda f: f["where"])
    findings += _untracked_commits(ctx, summary)
    findings += _stray_temp_files(ctx)
    if secrets:
        from session_tracker.commands.doctor_secrets import scan

        findings += scan(ctx)
    return {"v": 1, "ok": not any(f["level"] == ERROR for f in findings), "findings": findings}


def _quarantine(ctx: Context) -> list[dict[str, str]]:
    """``--fix``: move every unreadable line of the event files into the quarantine (one read
    of each file, before the checking pass); the findings saying so."""
    from session_tracker.commands.doctor_fix import fix as quarantine
    from session_tracker.commands.doctor_fix import quarantine_file
    from session_tracker.core.files import scan
    from session_tracker.core.model import load_session_file
    from session_tracker.plan.model import project_events

    listing = scan(ctx.layout)
    bad = [(p.where, p.reason) for stem in listing.stems for p in load_session_file(ctx.layout, stem, listing)[1]]
    bad += [(p.where, p.reason) for p in project_events(ctx.layout)[1]]
    if not bad:
        return []
    moved = quarantine(ctx, bad)
    where = ctx.layout.relative(quarantine_file(ctx))
    return [{"level": WARNING, "check": "quarantined", "where": m, "message": f"unreadable line moved to {where} (with its file:line)"} for m in moved]


def _files_without_sessions(ctx: Context, summary: Project, problems: list[Problem]) -> list[Problem]:
    """Unreadable lines of the session files the pass did not read (they hold no session the
    index knows: only bad lines, say)."""
    from session_tracker.core.files import scan
    from session_tracker.core.model import load_session_file

    read = {s.file for s in summary.sessions}
    seen = {p.where for p in problems}
    extra: list[Problem] = []
    listing = scan(ctx.layout)
    for stem in listing.stems:
        if stem not in read:
            extra += [p for p in load_session_file(ctx.layout, stem, listing)[1] if p.where not in seen]
    return extra


def _compare(ctx: Context, summary: Project, path: str, text: str) -> list[dict[str, str]]:
    """The finding for one document the events call for, if it is missing or differs."""
    relative = ctx.layout.relative(path)
    try:
        with open(path, "rb") as handle:
            actual = handle.read()
    except FileNotFoundError:
        return [{"level": WARNING, "check": "document-missing", "where": relative, "message": "not rendered yet; run `session-tracker render`"}]
    if actual == document_bytes(text):
        return []
    from session_tracker.commands.doctor_why import explain

    check, message = explain(ctx, summary, path, actual)  # stale (what changed since) or edited
    if path.endswith("-tasks.json") and check == "document-edited":
        from session_tracker.workflow.view import describe_tasks_json

        message = describe_tasks_json(actual) + "; " + message
    return [{"level": ERROR, "check": check, "where": relative, "message": message}]


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


def _untracked_commits(ctx: Context, summary: Project) -> list[dict[str, str]]:
    """Commits made while a session was open here that no session recorded (the hooks were
    skipped: SESSION_TRACKER_SKIP=1, or --no-verify without an open session)."""
    from session_tracker.enforce.untracked import kept_at_end
    from session_tracker.enforce.untracked import open_here as untracked

    found = [(session, commits) for session, commits in untracked(ctx)]
    # Ended sessions keep theirs in session.ended, so the trace outlives `end`.
    found += [(s, kept) for s in summary.ended() if (kept := kept_at_end(s))]
    return [
        {"level": WARNING, "check": "untracked-commit", "where": f"commit {c['sha'][:7]}", "message": f"{c['subject']!r} was made while session {session.name} was open but no session recorded it (hooks skipped?); its handoff lists it, and a `Session: {session.name}` trailer ties it to the session for CI"}
        for session, commits in found
        for c in commits
    ]


def _duplicate_items(ctx: Context, project: object) -> list[dict[str, str]]:
    """Blocker and plan ids opened twice by different events (ids of older releases, counted
    per clone, collide after a merge): each is shown, and must be selected by event id."""
    from session_tracker.core.model import Project
    from session_tracker.plan.model import project_events

    assert isinstance(project, Project)
    seen: dict[str, list[str]] = {}
    for opened, _ in project.blockers():
        seen.setdefault("blocker " + opened.text("blocker"), []).append(opened.id)
    keys = {"task.added": "task", "question.opened": "question", "next.added": "next", "issue.noted": "issue"}
    for event in project_events(ctx.layout)[0]:
        field = keys.get(event.type)
        if field:
            seen.setdefault(f"{field} {event.text(field)}", []).append(event.id)
    return [
        {"level": WARNING, "check": "duplicate-item", "where": what, "message": f"{what} was opened {len(ids)} times ({', '.join(ids)}), by clones counting ids apart (an older release)"}
        for what, ids in sorted(seen.items())
        if len(ids) > 1
    ]
