"""The hook's once-per-session events: SessionStart, PreCompact, SessionEnd.

They may take longer than a tool call (git capture, rendering), so they live apart from the
hot path in :mod:`session_tracker.hooks.agent`, which imports this module only for them. Each
function returns what the hook notes in its log ('' when all went as expected); errors
propagate to the hook, which notes them and exits 0.
"""

from __future__ import annotations

import json

from session_tracker.agents import mapping
from session_tracker.agents.context_view import context_parts, current_view
from session_tracker.core.context import SESSION_ENV, Context
from session_tracker.core.model import Session, load_session_file
from session_tracker.core.sessions import record
from session_tracker.documents import writer

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Mapping

CONTINUING = ("resume", "compact")


def find_session(ctx: Context, conn: sqlite3.Connection, agent: str, agent_session: str) -> Session | None:
    """The open session mapped to the agent's session: from the local mapping, else the newest
    open session whose ``session.started`` names this agent session (a mapping lost with
    ``.sessions/local/``). Found through the index, which holds what the context shows of it
    (:data:`CURRENT_TYPES`), so a session of 30,000 events is not read again."""
    mapped = mapping.lookup(ctx.layout, agent, agent_session)
    candidates: list[str] = [mapped[1]] if mapped else []
    rows = conn.execute(
        "SELECT s.sid, e.raw FROM sessions s JOIN events e ON e.rowid = s.started_rowid "
        "WHERE s.ended_rowid IS NULL AND s.agent = ? ORDER BY s.start_t, s.number", (agent,)
    ).fetchall()
    candidates += [sid for sid, raw in reversed(rows) if (json.loads(raw).get("data") or {}).get("agent_session_id") == agent_session]
    for sid in candidates:
        found = current_view(ctx, conn, sid, refresh=False)  # the caller's connection is fresh
        if found is not None and found.ended is None and (mapped is None or sid != mapped[1] or found.file == mapped[0]):
            return found
    return None


def session_start(ctx: Context, agent: str, payload: dict[str, object], agent_session: str, env: Mapping[str, str]) -> tuple[str, str]:
    """Start or continue the tracker session of the agent's session; returns ``(stdout, note)``.

    ``source`` startup and clear start a new session (``session.started`` carries ``agent``,
    ``agent_session_id``, ``agent_source`` and ``model``); resume and compact continue the
    mapped one, or start one when none is open. stdout is the SessionStart JSON with the
    handoff as ``additionalContext`` (Claude Code hooks reference, "SessionStart decision
    control"; Codex and Gemini CLI read the same shape), within the agent's budget; its receipt
    is recorded as a ``context.injected`` event of the session. Cursor gets
    ``{"additional_context", "env": {"CURRENT_SESSION": <file stem>}}``.

    Reads the previous session in full; of the current one and the others only what the
    context shows (blockers, metrics, task updates, next steps, the newest decisions), from the
    index. On a fresh clone of a big store (no index yet: building it would outlast the agent's
    wait) the index is built in the background and the context holds the current and the
    previous session only, saying so.
    """
    from session_tracker.index.stamps import trust_directories

    trust_directories()  # one session's command: the directories tell what changed (index/stamps.py)
    from session_tracker.index import look_before_writing

    look_before_writing(ctx.layout)
    from session_tracker import index
    from session_tracker.agents.context import assemble, budget_for, gather
    from session_tracker.agents.context_view import COLD_NOTE, cold_inputs, is_cold

    source = payload.get("source", payload.get("trigger"))
    source = source if isinstance(source, str) else "startup"
    cold = is_cold(ctx)
    if cold:
        index.build_in_background(ctx.layout)
    conn = None if cold else index.connect_fresh(ctx.layout)
    try:
        session: Session | None = None
        if source in CONTINUING:
            session = find_session(ctx, conn, agent, agent_session) if conn is not None else _open_target(ctx, agent, agent_session)
        note = ""
        if session is None:
            from session_tracker.commands.init import init
            from session_tracker.core.files import clone_id

            # clone: this worktree writes the session's file (an import completes it only here)
            extra: dict[str, object] = {"agent": agent, "agent_session_id": agent_session, "agent_source": source,
                                        "clone": clone_id(ctx.layout)}
            model = payload.get("model")
            if isinstance(model, str) and model:
                extra["model"] = model
            transcript = payload.get("transcript_path")
            if isinstance(transcript, str) and transcript:
                extra["transcript_path"] = transcript  # doctor compares it with what the hooks saw
            started = init(ctx, extra=extra, context=False)  # the context is composed below
            from session_tracker.core.files import session_stem

            name, sid = str(started["session"]), str(started["sid"])
            if source in CONTINUING:
                note = f"{source}: no open session of agent session {agent_session}; started {name}"
            session = current_view(ctx, conn, sid) if conn is not None else None  # the index sees the session just started
            if session is None:
                session = next(s for s in load_session_file(ctx.layout, session_stem(name, sid))[0] if s.sid == sid)
        current = session
        parts = context_parts(ctx, conn, session) if conn is not None else gather(ctx, cold_inputs(ctx, session), session)
    finally:
        if conn is not None:
            conn.close()
    mapping.save(ctx.layout, agent, agent_session, current.file, current.sid)
    _export(current.file, env)  # the file stem: unique even when a merge brings a second session with its number
    budget, limit = budget_for(ctx.config, agent)
    room = budget - len(COLD_NOTE) - 2 if cold else budget
    text, receipt = assemble(parts, current, continued=source in CONTINUING and not note, budget=room)
    if cold:
        text = f"{COLD_NOTE}\n\n{text}"
        receipt = {**receipt, "chars": len(text), "tokens_est": -(-len(text) // 4), "budget": budget,
                   "reason": "no index yet on this clone: built in the background"}
    # The receipt: what the agent was told, so a person can see it (`session-tracker receipts`).
    record(ctx, current, "context.injected", {"agent": agent, "agent_session": agent_session, "source": source,
                                              "inline_limit": limit, **receipt})
    if agent == "cursor":
        # Cursor's sessionStart output: context for the conversation, and environment
        # variables for the hooks and commands that follow (cursor.com/docs/hooks).
        cursor_output: dict[str, object] = {"additional_context": text, "env": {SESSION_ENV: current.file}}
        return json.dumps(cursor_output, ensure_ascii=False), note
    output = {"hookSpecificOutput": {"hookEventName": "SessionStart", "additionalContext": text}}
    return json.dumps(output, ensure_ascii=False), note


def _export(name: str, env: Mapping[str, str]) -> None:
    """Tell the agent's shell which session it is in: ``export CURRENT_SESSION=…`` appended to
    the env file the agent sources before each Bash call (``CLAUDE_ENV_FILE``; Codex also sets
    ``CODEX_ENV_FILE``)."""
    for var in ("CODEX_ENV_FILE", "CLAUDE_ENV_FILE"):
        path = env.get(var)
        if path:
            with open(path, "a", encoding="utf-8") as handle:
                handle.write(f"export {SESSION_ENV}={name}\n")
            return


def _open_target(ctx: Context, agent: str, agent_session: str) -> Session | None:
    mapped = mapping.lookup(ctx.layout, agent, agent_session)
    if mapped is None or not mapping.is_open_here(ctx.layout, *mapped):
        return None
    sessions, _ = load_session_file(ctx.layout, mapped[0])
    found = [s for s in sessions if s.sid == mapped[1] and s.ended is None]
    return found[0] if found else None


def pre_compact(ctx: Context, agent: str, payload: dict[str, object], agent_session: str) -> str:
    """Checkpoint before the agent compacts its context: a ``checkpoint`` event, a fresh git
    snapshot of the files changed, and the session's documents re-rendered."""
    from session_tracker.commands.render import snapshot_open_sessions

    session = _open_target(ctx, agent, agent_session)
    if session is None:
        return f"agent session {agent_session} has no open tracker session; PreCompact ignored"
    trigger = payload.get("trigger")
    record(ctx, session, "checkpoint", {"trigger": trigger if isinstance(trigger, str) else "", "agent_session": agent_session})
    snapshot_open_sessions(ctx)
    writer.write_session(ctx, session.file, session.sid)
    return ""


def session_end(ctx: Context, agent: str, payload: dict[str, object], agent_session: str) -> str:
    """End the session with its git capture (``end``) and forget the mapping.

    Claude Code gives all SessionEnd hooks 1.5 s together unless
    ``CLAUDE_CODE_SESSIONEND_HOOKS_TIMEOUT_MS`` says otherwise; Codex caps SessionEnd at a few
    seconds; Gemini CLI does not wait for it. ``end`` costs about one ``git status`` plus one
    ``git diff``, well inside on ordinary repositories.
    """
    from session_tracker.commands.end import end

    session = _open_target(ctx, agent, agent_session)
    if session is None:
        mapping.forget(ctx.layout, agent, agent_session)
        return f"agent session {agent_session} has no open tracker session; SessionEnd ignored"
    reason = payload.get("reason")
    record(ctx, session, "agent.activity", {"event": "end", "reason": reason if isinstance(reason, str) else "", "agent_session": agent_session})
    end(ctx, session=session.file)
    mapping.forget(ctx.layout, agent, agent_session)
    return ""

