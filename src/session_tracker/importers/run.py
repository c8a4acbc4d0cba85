"""Writing imported transcripts into the store (see :mod:`session_tracker.importers`)."""

from __future__ import annotations

import os
from collections.abc import Callable

from session_tracker.core import private
from session_tracker.core.clock import iso, local_offset, now
from session_tracker.core.context import Context
from session_tracker.core.events import Event
from session_tracker.core.model import Session, load_session_file
from session_tracker.core.sessions import append_to_session
from session_tracker.core.ulid import new_ulid
from session_tracker.documents import writer
from session_tracker.errors import TrackerError
from session_tracker.importers import USAGE_KEYS, Counts, CwdMap, Entry, Transcript, inside, written_here
from session_tracker.importers.registry import parser

Progress = Callable[[int, int, str], None]
USAGE_FIELDS = (*USAGE_KEYS, "reasoning_output_tokens", "messages")


def import_transcripts(
    ctx: Context, agent: str, paths: list[str] | None = None, progress: Progress | None = None, map_cwd: str | None = None,
) -> dict[str, object]:
    """Import the transcripts at ``paths`` (default: the agent's own directory for this project).

    Args:
        progress: called as ``progress(index, total, path)`` before each file is read.
        map_cwd: the directory the repository was in when the transcripts were written (another
            machine, a moved checkout, a Windows path): transcripts whose cwd lies under it are
            imported as if written here. Without it such transcripts are skipped with a note.
    Returns:
        ``{"v": 1, "agent", "files", "imported": [{session, agent_session_id, source, start, end,
        files_touched, commands, failed_commands, prompts, subagents, usage, completed}],
        "skipped": [{source, reason}], "lines", "malformed", "repaired", "unknown",
        "duplicate_usage", "problems": ["file:line: why"]}``. ``completed`` is true when the
        session was imported before and only what it lacked was appended.
    Raises:
        TrackerError: unknown agent; a given path that does not exist; a file that cannot be read.
    """
    find, parse = parser(agent)
    for path in paths or []:
        if not os.path.exists(path):
            raise TrackerError(f"no such file or directory: {path}", "give transcript files or the directories holding them")
    root = ctx.layout.root
    files = find(list(paths or []), root)
    cwd_map = CwdMap(map_cwd, root) if map_cwd else None
    from session_tracker.core.sessions import ensure_store

    ensure_store(ctx.layout)
    from session_tracker.index import project_view

    project, _ = project_view(ctx.layout, types=frozenset({"session.started"}), sparse=True)  # starts only, from the index
    known: dict[tuple[str, str], Session] = {
        (s.started.text("agent"), s.started.text("agent_session_id")): s
        for s in project.sessions
        if s.started is not None and s.started.text("agent_session_id")
    }
    counts = Counts()
    seen: dict[str, set[str]] = {"usage": set(), "tools": set(), "prompts": set()}
    imported: list[dict[str, object]] = []
    written: set[tuple[str, str]] = set()
    skipped: list[dict[str, str]] = []
    for index, path in enumerate(files):
        if progress:
            progress(index, len(files), path)
        # A skipped transcript must not claim keys a later one needs: parse against a copy.
        trial = {key: set(values) for key, values in seen.items()}
        transcript = parse(path, root, counts, trial, cwd_map)
        label = os.path.basename(path)
        reason = ""
        existing = known.get((agent, transcript.agent_session_id))
        if existing is not None:  # the session this transcript completes, read in full
            existing = next((s for s in load_session_file(ctx.layout, existing.file)[0] if s.sid == existing.sid), existing)
        if not transcript.start:
            reason = "no timestamped records"
        elif not _here(transcript.cwd, root, cwd_map):
            reason = f"from another repository ({transcript.cwd or 'no working directory recorded'})"
            if not cwd_map and transcript.cwd:
                reason += "; if it is this repository at another path, give --map-cwd " + _quote(transcript.cwd)
        if reason:
            skipped.append({"source": label, "reason": reason})
            continue
        seen = trial
        if existing is not None and not written_here(ctx.layout, existing):
            skipped.append({"source": label, "reason": f"agent session {transcript.agent_session_id} is in session {existing.name}, "
                            "recorded in another clone or worktree: import it there"})
            continue
        if existing is not None and (existing.started is None or not isinstance(existing.started.data.get("imported"), dict)):
            item = _fill_gap(ctx, existing, transcript)
            if item is None:
                skipped.append({"source": label, "reason": f"agent session {transcript.agent_session_id} is already in the store (recorded by hooks)"})
            else:
                imported.append(item)
            continue
        if existing is not None:
            item = _complete(ctx, existing, transcript)
            if item is None:
                skipped.append({"source": label, "reason": f"agent session {transcript.agent_session_id} is already in the store"})
            else:
                imported.append(item)
            continue
        if (agent, transcript.agent_session_id) in written:
            skipped.append({"source": label, "reason": f"agent session {transcript.agent_session_id} is already in the store"})
            continue
        written.add((agent, transcript.agent_session_id))
        imported.append(_write(ctx, transcript))
    return {
        "v": 1,
        "agent": agent,
        "files": len(files),
        "imported": imported,
        "skipped": skipped,
        "lines": counts.lines,
        "malformed": counts.malformed,
        "repaired": counts.repaired,
        "unknown": counts.unknown,
        "duplicate_usage": counts.duplicate_usage,
        "problems": counts.problems,
    }


def _here(cwd: str, root: str, cwd_map: CwdMap | None) -> bool:
    if not cwd:
        return False
    if cwd_map is not None and cwd_map.covers(cwd):
        return True
    return inside(cwd, root)


def _quote(path: str) -> str:
    return f"'{path}'" if any(c in path for c in " \\'\"$") else path


def _summary(name: str, transcript: Transcript, entries: list[Entry], completed: bool) -> dict[str, object]:
    kinds = [e[1] for e in entries]
    return {
        "session": name,
        "agent_session_id": transcript.agent_session_id,
        "source": os.path.basename(transcript.source),
        "start": transcript.start,
        "end": transcript.end,
        "files_touched": kinds.count("file.touched"),
        "commands": kinds.count("command.run"),
        "failed_commands": sum(1 for e in entries if e[1] == "command.run" and e[3].get("failed") is True),
        "prompts": kinds.count("note"),
        "subagents": list(transcript.subagents),
        "usage": transcript.usage,
        "completed": completed,
    }


def _appender(ctx: Context, stem: str, name: str, sid: str) -> Callable[[str, str, dict[str, object]], str]:
    """Append to the session of file ``stem`` (number ``name``): through its journal while it
    is open here (a hook-recorded session the import fills in), else to its events file."""
    local = ctx.config["privacy"].get("share_agent_text") is not True

    def append(type: str, actor: str, data: dict[str, object]) -> str:
        event = Event(id=new_ulid(), ts=iso(now()), session=name, sid=sid, type=type, actor=actor, data=data)
        record = private.split(event) if local else None  # prompts and command lines stay here
        if record is not None:
            private.keep(private.path_for(ctx.layout.local_dir, stem), record, redact=ctx.redact)
        append_to_session(ctx, stem, event)
        return event.id

    return append


def _usage_events(append: Callable[[str, str, dict[str, object]], str], transcript: Transcript, recorded: dict[tuple[str, str], dict[str, int]]) -> None:
    """One ``usage`` event per (model, subagent) for what ``recorded`` lacks (all of it on a
    first import; the growth of a transcript still being written on the next)."""
    for (model, subagent), totals in sorted(transcript.usage_by.items()):
        before = recorded.get((model, subagent), {})
        delta = {k: totals.get(k, 0) - before.get(k, 0) for k in USAGE_FIELDS if k in totals or k in before}
        if not any(delta.values()):
            continue
        data: dict[str, object] = {"model": model, **delta, "at": transcript.end}
        if subagent:
            data["subagent"] = subagent
        append("usage", transcript.agent, data)


def _write(ctx: Context, transcript: Transcript) -> dict[str, object]:
    """Append the session's events (started, entries, usage, ended) and render its documents."""
    from session_tracker.commands.init import start_session
    from session_tracker.core.capture import repo_for
    from session_tracker.core.files import clone_id

    repo, _ = repo_for(ctx)
    # In a git repository the transcript's branch stands for git's view at start (there is no
    # head to record), so the session shows its branch and is not called untracked.
    git: dict[str, object] | None = {"branch": transcript.branch or None, "head": None, "dirty": [], "source": "transcript"} if repo else None
    started: dict[str, object] = {
        "objectives": [],
        "tz": local_offset(),
        "git": git,
        "agent": transcript.agent,
        "agent_session_id": transcript.agent_session_id,
        # clone: the worktree whose file this is (only it completes the session on a re-import)
        "imported": {"source": os.path.basename(transcript.source), "branch": transcript.branch or None, "clone": clone_id(ctx.layout)},
        "at": transcript.start,
    }
    if transcript.model:
        started["model"] = transcript.model
    if transcript.subagents:
        started["subagents"] = list(transcript.subagents)
    name, sid = start_session(ctx, started, common_dir=repo.common_dir if repo else None, actor=transcript.agent)
    from session_tracker.core.files import session_stem

    stem = session_stem(name, sid)
    append = _appender(ctx, stem, name, sid)
    for at, type, actor, data in transcript.entries:
        append(type, actor, {**data, "at": at or transcript.start})
    _usage_events(append, transcript, {})
    ended_git: dict[str, object] | None = None
    if repo is not None:
        commits, merged = _commits(repo, transcript)
        ended_git = {"branch": transcript.branch or None, "head": commits[-1]["sha"] if commits else None,
                     "commits": commits, "merged": merged, "files": [], "source": "transcript"}
    append("session.ended", transcript.agent, {"status": "COMPLETE", "next": [], "git": ended_git, "at": transcript.end})
    writer.write_session(ctx, stem, sid)
    return _summary(name, transcript, transcript.entries, completed=False)


def _epoch(moment: str) -> float:
    from session_tracker.core.clock import parse_iso

    return parse_iso(moment).timestamp()


def _recorded_usage(session: Session) -> dict[tuple[str, str], dict[str, int]]:
    """The usage a session's events hold, per (model, subagent), summed."""
    recorded: dict[tuple[str, str], dict[str, int]] = {}
    for event in session.of_type("usage"):
        into = recorded.setdefault((event.text("model"), event.text("subagent")), {})
        for key in USAGE_FIELDS:
            value = event.data.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                into[key] = into.get(key, 0) + value
    return recorded


def _usage_grew(transcript: Transcript, recorded: dict[tuple[str, str], dict[str, int]]) -> bool:
    return any(
        {k: v for k, v in totals.items() if v} != {k: v for k, v in recorded.get(key, {}).items() if v}
        for key, totals in transcript.usage_by.items()
    )


def _commits(repo: object, transcript: Transcript) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """Git's own view of an imported session: ``(own, merged)`` commits on its branch (else
    HEAD) made while the transcript ran (a minute of grace at the end, for the commit the agent
    made last); own are this clone's user's, as at ``end`` (:func:`session_tracker.core.capture.split_own`),
    the rest (a teammate's commits a pull brought in meanwhile) merged."""
    from datetime import timedelta

    from session_tracker.core.capture import split_own
    from session_tracker.core.clock import iso, parse_iso
    from session_tracker.git.repo import Repo, commits_between, rev_parse

    if not isinstance(repo, Repo) or not transcript.start or not transcript.end:
        return [], []
    rev = transcript.branch if transcript.branch and rev_parse(repo, transcript.branch) else "HEAD"  # a branch since deleted: HEAD
    until = iso(parse_iso(transcript.end) + timedelta(seconds=60))
    own, merged = split_own(repo, commits_between(repo, rev, transcript.start, until), transcript.start)
    return ([{"sha": c.sha, "subject": c.subject, "author": c.author, "timestamp": c.timestamp} for c in own],
            [{"sha": c.sha, "subject": c.subject, "author": c.author} for c in merged])


def _complete(ctx: Context, session: Session, transcript: Transcript) -> dict[str, object] | None:
    """Append what an imported session lacks from its transcript (entries whose ``ref`` is not
    recorded, the usage it grew by, a later end); None when it lacks nothing."""
    refs = {e.text("ref") for e in session.events if e.text("ref")}
    recorded = _recorded_usage(session)
    new = [e for e in transcript.entries if not e[3].get("ref") or str(e[3]["ref"]) not in refs]
    new = [e for e in new if e[3].get("ref")]  # an entry without a key cannot be told apart: never twice
    usage_changed = _usage_grew(transcript, recorded)
    later = session.ended is not None and transcript.end > session.end_moment
    if not new and not usage_changed and not later:
        return None
    append = _appender(ctx, session.file, session.name, session.sid)
    for at, type, actor, data in new:
        append(type, actor, {**data, "at": at or transcript.start})
    _usage_events(append, transcript, recorded)
    if later and session.ended is not None:
        ended = dict(session.ended.data)
        append("session.ended", transcript.agent, {**ended, "at": transcript.end, "amends": session.ended.id})
    writer.write_session(ctx, session.file, session.sid)
    return _summary(session.name, transcript, new, completed=True)


def _fill_gap(ctx: Context, session: Session, transcript: Transcript) -> dict[str, object] | None:
    """Append to a session the hooks recorded the edits and commands they missed (see
    :func:`session_tracker.importers.health.missed_entries`) and the token usage (which hooks
    never see; the growth on a later import); None when nothing is missing. Its start, end and
    prompts stay the hooks' own."""
    from session_tracker.importers.health import GRACE_S, missed_entries

    if session.started is None:
        return None
    missed = missed_entries(session, transcript.entries)
    # Hooks record no tokens: the transcript's, from the session's start on, fill them in.
    recorded = _recorded_usage(session)
    since = Transcript(agent=transcript.agent, source=transcript.source, end=transcript.end,
                       usage_by=transcript.usage_since(_epoch(session.started.ts) - GRACE_S))
    if not missed and not _usage_grew(since, recorded):
        return None
    append = _appender(ctx, session.file, session.name, session.sid)
    for at, type, actor, data in missed:
        append(type, actor, {**data, "at": at, "source": "transcript"})
    _usage_events(append, since, recorded)
    writer.write_session(ctx, session.file, session.sid)
    return _summary(session.name, transcript, missed, completed=True)
