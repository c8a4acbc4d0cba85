"""Writing imported transcripts into the store (see :mod:`session_tracker.importers`)."""

from __future__ import annotations

import os
from collections.abc import Callable

from session_tracker.core import store
from session_tracker.core.clock import iso, local_offset, now
from session_tracker.core.context import Context
from session_tracker.core.events import Event
from session_tracker.core.model import load_project
from session_tracker.core.ulid import new_ulid
from session_tracker.documents import writer
from session_tracker.errors import TrackerError
from session_tracker.importers import Counts, Parser, Transcript, inside

Progress = Callable[[int, int, str], None]


def _parser(agent: str) -> tuple[Callable[[list[str], str], list[str]], Parser]:
    if agent == "claude-code":
        from session_tracker.importers import claude_code as mod
    elif agent == "codex":
        from session_tracker.importers import codex as mod  # type: ignore[no-redef]
    else:
        raise TrackerError(f"cannot import transcripts of {agent!r}", "use claude-code or codex")
    return mod.find, mod.parse


def import_transcripts(ctx: Context, agent: str, paths: list[str] | None = None, progress: Progress | None = None) -> dict[str, object]:
    """Import the transcripts at ``paths`` (default: the agent's own directory for this project).

    Args:
        progress: called as ``progress(index, total, path)`` before each file is read.
    Returns:
        ``{"v": 1, "agent", "files", "imported": [{session, agent_session_id, source, start, end,
        files_touched, commands, prompts, usage}], "skipped": [{source, reason}], "lines",
        "malformed", "repaired", "unknown", "duplicate_usage", "problems": ["file:line: why"]}``.
    Raises:
        TrackerError: unknown agent; a given path that does not exist; a file that cannot be read.
    """
    find, parse = _parser(agent)
    for path in paths or []:
        if not os.path.exists(path):
            raise TrackerError(f"no such file or directory: {path}", "give transcript files or the directories holding them")
    files = find(list(paths or []), ctx.layout.root)
    from session_tracker.core.sessions import ensure_store

    ensure_store(ctx.layout)
    project = load_project(ctx.layout)
    known = {
        (s.started.text("agent"), s.started.text("agent_session_id"))
        for s in project.sessions
        if s.started is not None and s.started.text("agent_session_id")
    }
    counts = Counts()
    seen: dict[str, set[str]] = {"usage": set(), "tools": set(), "prompts": set()}
    imported: list[dict[str, object]] = []
    skipped: list[dict[str, str]] = []
    for index, path in enumerate(files):
        if progress:
            progress(index, len(files), path)
        # A skipped transcript must not claim keys a later one needs: parse against a copy.
        trial = {key: set(values) for key, values in seen.items()}
        transcript = parse(path, ctx.layout.root, counts, trial)
        label = os.path.basename(path)
        reason = ""
        if not transcript.start:
            reason = "no timestamped records"
        elif not transcript.cwd or not inside(transcript.cwd, ctx.layout.root):
            reason = f"from another repository ({transcript.cwd or 'no working directory recorded'})"
        elif (agent, transcript.agent_session_id) in known:
            reason = f"agent session {transcript.agent_session_id} is already in the store"
        if reason:
            skipped.append({"source": label, "reason": reason})
            continue
        known.add((agent, transcript.agent_session_id))
        seen = trial
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


def _write(ctx: Context, transcript: Transcript) -> dict[str, object]:
    """Append the session's events (started, entries, usage, ended) and render its documents."""
    from session_tracker.commands.init import start_session
    from session_tracker.core.capture import repo_for

    repo, _ = repo_for(ctx)
    started: dict[str, object] = {
        "objectives": [],
        "tz": local_offset(),
        "git": None,
        "agent": transcript.agent,
        "agent_session_id": transcript.agent_session_id,
        "imported": {"source": os.path.basename(transcript.source), "branch": transcript.branch or None},
        "at": transcript.start,
    }
    if transcript.model:
        started["model"] = transcript.model
    name, sid = start_session(ctx, started, common_dir=repo.common_dir if repo else None, actor=transcript.agent)
    path = ctx.layout.session_file(name)

    def append(type: str, actor: str, data: dict[str, object]) -> None:
        event = Event(id=new_ulid(), ts=iso(now()), session=name, sid=sid, type=type, actor=actor, data=data)
        store.append(path, event, redact=ctx.redact)

    counts = {"file.touched": 0, "command.run": 0, "note": 0}
    for at, type, actor, data in transcript.entries:
        append(type, actor, {**data, "at": at or transcript.start})
        counts[type] = counts.get(type, 0) + 1
    for model, usage in sorted(transcript.usage.items()):
        append("usage", transcript.agent, {"model": model, **usage, "at": transcript.end})
    append("session.ended", transcript.agent, {"status": "COMPLETE", "next": [], "git": None, "at": transcript.end})
    writer.write_session(ctx, name, sid)
    return {
        "session": name,
        "agent_session_id": transcript.agent_session_id,
        "source": os.path.basename(transcript.source),
        "start": transcript.start,
        "end": transcript.end,
        "files_touched": counts["file.touched"],
        "commands": counts["command.run"],
        "prompts": counts["note"],
        "usage": transcript.usage,
    }
