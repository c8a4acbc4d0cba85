"""Capture health for ``doctor``: did the hooks see everything the agent did, and will the
agent's transcripts outlive the import that would recover them?

* **Hooks stopped arriving.** For a session the hooks recorded, the agent's own transcript
  (``transcript_path`` from SessionStart, else Claude Code's project directory) is read and its
  edits and commands compared with the hook events: the ones later than the last event a hook
  wrote (a minute of grace), or whose tool call id (``ref``) no hook recorded, are activity no
  hook saw. ``import`` fills the gap from the transcript without duplicates.
* **Transcript retention.** Claude Code deletes transcripts older than ``cleanupPeriodDays``
  (settings.json; 30 days by default): transcripts of this project that are in no session and
  will be deleted within a week are a warning to import them.
"""

from __future__ import annotations

import json
import os
import time

from session_tracker.core.clock import parse_iso
from session_tracker.core.context import Context
from session_tracker.core.model import Project, Session
from session_tracker.errors import TrackerError
from session_tracker.importers import Entry, written_here

CLEANUP_DEFAULT_DAYS = 30
WARN_BEFORE_DAYS = 7
GRACE_S = 60.0
MAX_SESSIONS = 20  # the newest hook-recorded sessions checked (a transcript costs ~50 ms per MB)
ACTIVITY = ("file.touched", "command.run")


def check(ctx: Context) -> list[dict[str, str]]:
    """``doctor``'s capture-health findings (warnings): :func:`hook_gaps` and :func:`retention`.
    They live here, above the commands, because they read transcripts with the importers."""
    from session_tracker.index import project_view

    try:
        project, _ = project_view(ctx.layout, types=frozenset({"session.started"}), sparse=True)  # who started each
    except TrackerError:
        return []  # doctor reports the store's own problem
    return hook_gaps(ctx, project) + retention(ctx, project)


def cleanup_period_days(ctx: Context) -> tuple[int, str]:
    """Claude Code's ``cleanupPeriodDays`` and where it was set: project
    ``.claude/settings.local.json``, ``.claude/settings.json``, then ``~/.claude/settings.json``
    (Claude Code's settings precedence); ``(30, "default")`` when none sets it."""
    home = ctx.env.get("HOME") or os.path.expanduser("~")
    for path in (os.path.join(ctx.layout.root, ".claude", "settings.local.json"), os.path.join(ctx.layout.root, ".claude", "settings.json"),
                 os.path.join(home, ".claude", "settings.json")):
        try:
            with open(path, encoding="utf-8") as handle:
                value = json.load(handle).get("cleanupPeriodDays")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(value, int) and not isinstance(value, bool):
            return value, path
    return CLEANUP_DEFAULT_DAYS, "default"


def _transcript(ctx: Context, session: Session) -> str:
    assert session.started is not None
    path = session.started.text("transcript_path")
    if path and os.path.isfile(path):
        return path
    if session.started.text("agent") == "claude-code":
        from session_tracker.importers.claude_code import project_dir

        guess = os.path.join(project_dir(ctx.layout.root, ctx.env.get("HOME")), session.started.text("agent_session_id") + ".jsonl")
        if os.path.isfile(guess):
            return guess
    return ""


def _instant(moment: str) -> float:
    try:
        return parse_iso(moment).timestamp()
    except ValueError:
        return 0.0


def missed_entries(session: Session, entries: list[Entry]) -> list[Entry]:
    """The transcript's edits and commands (``entries``) that the hooks of ``session`` did not
    record: after its start, and later than the last hook event (plus :data:`GRACE_S`) or with
    a tool call id no hook event carries (when the hooks recorded ids at all)."""
    assert session.started is not None
    hooked = [e for e in session.events if e.type in (*ACTIVITY, "agent.activity", "checkpoint") and e.actor == session.started.actor]
    refs = {e.text("ref") for e in hooked if e.text("ref")}
    begun = _instant(session.started.ts) - GRACE_S
    last = max((_instant(e.moment) for e in hooked), default=begun)
    out: list[Entry] = []
    for entry in entries:
        at = _instant(entry[0])
        if entry[1] not in ACTIVITY or at < begun:
            continue
        ref = str(entry[3].get("ref") or "")
        if at > last + GRACE_S or (refs and ref and ref not in refs):
            out.append(entry)
    return out


def hook_gaps(ctx: Context, project: Project) -> list[dict[str, str]]:
    """Findings for hook-recorded sessions whose transcript shows edits or commands no hook
    recorded (see the module docstring). ``project`` needs only each session's start; the
    newest :data:`MAX_SESSIONS` candidates are read in full."""
    from session_tracker.importers import Counts
    from session_tracker.importers.registry import parser

    recorded = [
        s for s in project.sessions
        if s.started is not None and s.started.text("agent") in ("claude-code", "codex") and s.started.text("agent_session_id")
        and not isinstance(s.started.data.get("imported"), dict) and written_here(ctx.layout, s)  # another clone's is theirs to check
    ][-MAX_SESSIONS:]
    findings: list[dict[str, str]] = []
    from session_tracker.core.model import load_session_file

    for view in recorded:  # a view may hold only the start (the index's): read the session in full
        session = next((s for s in load_session_file(ctx.layout, view.file)[0] if s.sid == view.sid), view)
        assert session.started is not None
        path = _transcript(ctx, session)
        if not path:
            continue
        _, parse = parser(session.started.text("agent"))
        try:
            transcript = parse(path, ctx.layout.root, Counts(), {"usage": set(), "tools": set(), "prompts": set()}, None)
        except TrackerError:  # an unreadable transcript is not the store's problem
            continue
        missed = missed_entries(session, transcript.entries)
        if missed:
            latest = max(e[0] for e in missed)
            findings.append({
                "level": "warning", "check": "hooks-missed", "where": f".sessions/events/{session.file}.jsonl",
                "message": f"the {session.started.text('agent')} transcript shows {len(missed)} edits or commands no hook recorded "
                f"(the latest at {latest[:16].replace('T', ' ')} UTC): did the hooks stop? "
                f"`session-tracker import {session.started.text('agent')} {path}` adds what is missing, without duplicates",
            })
    return findings


def retention(ctx: Context, project: Project) -> list[dict[str, str]]:
    """A warning when Claude Code transcripts of this project that no session holds will be
    deleted by its ``cleanupPeriodDays`` within :data:`WARN_BEFORE_DAYS` days."""
    from session_tracker.importers.claude_code import find

    known = {s.started.text("agent_session_id") for s in project.sessions if s.started is not None}
    days, where = cleanup_period_days(ctx)
    folder_files = find([], ctx.layout.root) if os.path.isdir(_folder(ctx)) else []
    now = time.time()
    at_risk: list[float] = []
    for path in folder_files:
        if os.path.splitext(os.path.basename(path))[0] in known:
            continue
        age_days = (now - os.path.getmtime(path)) / 86400
        if age_days >= days - WARN_BEFORE_DAYS:
            at_risk.append(age_days)
    if not at_risk:
        return []
    setting = "its default" if where == "default" else f"cleanupPeriodDays in {where}"
    return [{
        "level": "warning", "check": "transcript-retention", "where": _folder(ctx),
        "message": f"{len(at_risk)} Claude Code transcripts of this project are in no session and Claude Code deletes transcripts "
        f"after {days} days ({setting}); the oldest is {int(max(at_risk))} days old: run `session-tracker import claude-code` "
        "(or raise cleanupPeriodDays in ~/.claude/settings.json)",
    }]


def _folder(ctx: Context) -> str:
    from session_tracker.importers.claude_code import project_dir

    return project_dir(ctx.layout.root, ctx.env.get("HOME"))
