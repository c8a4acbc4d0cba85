"""``session-tracker hook claude-code|codex|gemini|cursor``: one entry point for the agents' hooks.

The agent runs this command for each lifecycle event and writes the event as JSON on stdin
(shapes: see :mod:`session_tracker.agents`). What each event does:

* ``SessionStart`` (``source`` startup/clear: a new tracker session mapped to the agent's
  ``session_id``; resume/compact: the mapped one continues) prints
  ``{"hookSpecificOutput": {"hookEventName": "SessionStart", "additionalContext": …}}`` with
  the handoff (:mod:`session_tracker.agents.context`), and exports ``CURRENT_SESSION`` through
  ``CLAUDE_ENV_FILE`` / ``CODEX_ENV_FILE`` when the agent provides one, so the agent's own
  ``session-tracker`` commands find the session;
* ``PostToolUse`` (Gemini: ``AfterTool``) of a file-writing tool: one ``file.touched`` event per
  file; of a shell tool: one ``command.run`` event, ``failed``/``exit`` when the response says
  (Codex sends a bare string, "Exit code: 1 …"). Runs on every tool call, so it appends with
  one ``os.write`` and renders nothing. Cursor: ``afterFileEdit`` and ``afterShellExecution``;
* ``PostToolUseFailure`` (Claude Code, Cursor ``postToolUseFailure``) of a shell tool: a
  ``command.run`` with ``failed`` (and ``interrupted``); a failed edit wrote nothing: not recorded;
* ``SubagentStop``: an ``agent.activity`` event naming the subagent;
* ``PostCompact``: a ``checkpoint`` (``phase`` post) — the compaction summary is not kept;
* ``PreCompact`` (Gemini: ``PreCompress``): a ``checkpoint`` event, a fresh git snapshot and the
  session's documents re-rendered;
* ``Stop`` (Gemini: ``AfterAgent``): an ``agent.activity`` event (the last-activity time);
* ``SessionEnd``: the session ends with its git capture (``end``), the mapping is removed.

It never breaks the agent: malformed JSON, an unknown event, a repository without
``.sessions/`` (hooks never create the store; ``agent install`` or ``init`` does) or any error is
noted in a log file and the exit code is 0. Gemini CLI and Cursor read stdout as JSON, so they
always get a JSON object (``{}`` when there is nothing to say).

Hot path: imports only ``os``, ``json``, ``sys`` and the light core modules; the SessionStart,
PreCompact and SessionEnd branches import what they need.
"""

from __future__ import annotations

import json
import os
import re
import sys

from session_tracker.agents import (
    AGENTS,
    EDIT_TOOLS,
    HANDLED_EVENTS,
    JSON_STDOUT,
    SHELL_TOOLS,
    canonical_event,
    from_cursor,
    mapping,
)
from session_tracker.core.paths import STORE_DIRNAME, Layout, locate, state_dir

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from session_tracker.core.context import Context

LOG_NAME = "hook.log"
LOG_MAX_BYTES = 1_000_000  # the log is cut to its newer half past this size
ENV_FILES = ("CLAUDE_ENV_FILE", "CODEX_ENV_FILE")


class Outcome:
    """What one hook run printed and noted: ``stdout`` (text, maybe ''), ``note`` (for the
    log, '' when all went as expected)."""

    __slots__ = ("note", "stdout")

    def __init__(self, stdout: str = "", note: str = "") -> None:
        self.stdout = stdout
        self.note = note


def log_path(env: Mapping[str, str]) -> str:
    """The hook log: ``<state dir>/hook.log``, in the user's state directory (a repository
    cannot plant a link there; every line names the repository it is about)."""
    return os.path.join(state_dir(env), LOG_NAME)


def _note(path: str, agent: str, event: str, text: str, root: str = "") -> None:
    from session_tracker.core.clock import iso, now
    from session_tracker.core.redact import redact
    from session_tracker.core.safepath import NOFOLLOW

    text = redact(text).replace("\n", " ")
    line = f"{iso(now())} {agent} {event or '-'}{f' [{root}]' if root else ''}: {text}\n".encode("utf-8", "replace")
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | NOFOLLOW, 0o600)
        try:
            if os.fstat(fd).st_size > LOG_MAX_BYTES:
                # Keep the newer half: written to a new file that replaces the log (a link
                # planted as the log is replaced, never written through).
                os.lseek(fd, -LOG_MAX_BYTES // 2, os.SEEK_END)
                tail = os.read(fd, LOG_MAX_BYTES)
                tmp = f"{path}.{os.getpid()}.tmp"
                new = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | NOFOLLOW, 0o600)
                try:
                    os.write(new, tail[tail.find(b"\n") + 1:])
                finally:
                    os.close(new)
                os.replace(tmp, path)
                os.close(fd)
                fd = os.open(path, os.O_WRONLY | os.O_APPEND | NOFOLLOW)
            os.write(fd, line)
        finally:
            os.close(fd)
    except OSError:
        pass  # nowhere to note it (or a link is there): the agent must still not break


_EXIT_TEXT = re.compile(r"(?:Process exited with code|Exit code:?)\s*(-?\d+)")


def _empty(agent: str) -> str:
    return "{}" if agent in JSON_STDOUT else ""


def run(agent: str, raw: bytes, env: dict[str, str] | None = None) -> Outcome:
    """Handle one hook invocation: ``raw`` is the agent's stdin. Never raises.

    Returns:
        The :class:`Outcome`; the caller prints ``stdout`` and exits 0.
    """
    environ: Mapping[str, str] = os.environ if env is None else env
    event = ""
    log = log_path(environ)
    root = ""
    try:
        try:
            payload = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            return _noted(log, agent, event, root, Outcome(_empty(agent), f"malformed JSON on stdin ({type(exc).__name__}); ignored"))
        if not isinstance(payload, dict):
            return _noted(log, agent, event, root, Outcome(_empty(agent), "stdin is not a JSON object; ignored"))
        event = canonical_event(payload.get("hook_event_name"))
        if agent not in AGENTS:
            return _noted(log, agent, event, root, Outcome("", f"unknown agent {agent!r}; ignored"))
        if agent == "cursor":
            payload = from_cursor(payload)
        cwd = payload.get("cwd")
        layout = locate(cwd if isinstance(cwd, str) and os.path.isdir(cwd) else None)
        if not os.path.isdir(layout.events_dir):
            return _noted(log, agent, event, root, Outcome(_empty(agent), f"no {STORE_DIRNAME}/ in {layout.root}; not tracked (run `session-tracker init` there)"))
        root = layout.root
        if event not in HANDLED_EVENTS:
            return _noted(log, agent, event, root, Outcome(_empty(agent), f"unhandled event {payload.get('hook_event_name')!r}; ignored"))
        outcome = _dispatch(agent, event, payload, layout, environ)
        if not outcome.stdout:
            outcome.stdout = _empty(agent)
        return _noted(log, agent, event, root, outcome)
    except Exception as exc:  # noqa: BLE001 - the agent must never break because of us
        import traceback

        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        return _noted(log, agent, event, root, Outcome(_empty(agent), f"error: {detail}"))


def _noted(path: str, agent: str, event: str, root: str, outcome: Outcome) -> Outcome:
    if outcome.note:
        _note(path, agent, event, outcome.note, root)
    return outcome


def _context(layout: Layout, agent: str) -> Context:
    from session_tracker.core.context import Context

    return Context(layout=layout, actor=agent)


def _target(layout: Layout, agent: str, agent_session: str) -> tuple[str, str] | None:
    """The open tracker session of this agent session, or None."""
    mapped = mapping.lookup(layout, agent, agent_session)
    if mapped and mapping.is_open_here(layout, *mapped):
        return mapped
    return None


def _dispatch(agent: str, event: str, payload: dict[str, object], layout: Layout, env: Mapping[str, str]) -> Outcome:
    agent_session = str(payload.get("session_id") or "")
    if not agent_session:
        return Outcome("", "no session_id in the hook input; ignored")
    if event == "PostToolUse":
        return _tool_used(agent, payload, layout, agent_session)
    if event == "PostToolUseFailure":
        return _tool_used(agent, payload, layout, agent_session, failed=True)
    if event in ("SubagentStop", "PostCompact"):
        target = _target(layout, agent, agent_session)
        if target is None:
            return Outcome("", f"agent session {agent_session} has no open tracker session; {event} ignored")
        if event == "SubagentStop":
            data: dict[str, object] = {"event": "subagent_stop", "agent_session": agent_session}
            for key, into in (("agent_id", "subagent"), ("agent_type", "subagent_type"), ("subagent_type", "subagent_type"), ("status", "status")):
                if isinstance(payload.get(key), str) and payload[key]:
                    data[into] = payload[key]
            _append(layout, agent, target, "agent.activity", data)
        else:
            trigger = payload.get("trigger")
            _append(layout, agent, target, "checkpoint", {"trigger": trigger if isinstance(trigger, str) else "", "phase": "post", "agent_session": agent_session})
        return Outcome()
    if event == "Stop":
        target = _target(layout, agent, agent_session)
        if target is None:
            return Outcome("", f"agent session {agent_session} has no open tracker session; Stop ignored")
        _append(layout, agent, target, "agent.activity", {"event": "stop", "agent_session": agent_session})
        return Outcome()
    if event == "SessionStart":
        from session_tracker.hooks.agent_session import session_start

        stdout, note = session_start(_context(layout, agent), agent, payload, agent_session, env)
        return Outcome(stdout, note)
    if event == "PreCompact":
        from session_tracker.hooks.agent_session import pre_compact

        return Outcome("", pre_compact(_context(layout, agent), agent, payload, agent_session))
    from session_tracker.hooks.agent_session import session_end

    return Outcome("", session_end(_context(layout, agent), agent, payload, agent_session))


def _append(layout: Layout, agent: str, target: tuple[str, str], type: str, data: dict[str, object]) -> None:
    from session_tracker.core import config, journal, store
    from session_tracker.core.clock import iso, now
    from session_tracker.core.events import Event
    from session_tracker.core.files import split_stem
    from session_tracker.core.ulid import new_ulid

    stem, sid = target
    settings = config.load(layout)
    redact = settings["redact"].get("enabled") is not False
    try:
        number = split_stem(stem)[0]
    except ValueError:
        number = stem
    event = Event(id=new_ulid(), ts=iso(now()), session=number, sid=sid, type=type, actor=agent, data=data)
    if type == "command.run" and settings["privacy"].get("share_agent_text") is not True:
        from session_tracker.core import private

        record = private.split(event)  # the command line stays on this machine
        if record is not None:
            private.keep(private.path_for(layout.local_dir, stem), record, redact=redact)
    path = journal.path_of(layout, stem)  # the open session's events live in its journal (core/journal.py)
    store.append(path if os.path.exists(path) else layout.session_file(stem), event, redact=redact)


def _tool_used(agent: str, payload: dict[str, object], layout: Layout, agent_session: str, failed: bool = False) -> Outcome:
    from session_tracker.agents import relative_path, shell_command, tool_paths

    tool = payload.get("tool_name")
    if not isinstance(tool, str) or (tool not in EDIT_TOOLS and tool not in SHELL_TOOLS):
        return Outcome()  # a matcher wider than ours: nothing to record
    if failed and tool in EDIT_TOOLS:
        return Outcome()  # a failed or rejected edit wrote nothing: not an edit
    target = _target(layout, agent, agent_session)
    if target is None:
        return Outcome("", f"agent session {agent_session} has no open tracker session; {tool} not recorded")
    tool_input = payload.get("tool_input")
    cwd = payload.get("cwd") if isinstance(payload.get("cwd"), str) else layout.root
    from session_tracker.core import config

    config.load(layout)  # applies [redact] before any text is cut or normalised
    ref = payload.get("tool_use_id")
    extra: dict[str, object] = {"ref": ref} if isinstance(ref, str) and ref else {}
    if tool in EDIT_TOOLS:
        for path in tool_paths(tool, tool_input):
            where = relative_path(path, layout.root, str(cwd))
            _append(layout, agent, target, "file.touched", {"path": where, "tool": tool, "agent_session": agent_session, **extra})
        return Outcome()
    command = shell_command(tool_input)
    if not command:
        return Outcome("", f"{tool} call without a command; not recorded")
    from session_tracker.core.redact import clip

    data: dict[str, object] = {"command": clip(command, 4000), "tool": tool, "agent_session": agent_session, **extra}
    if failed:
        data["failed"] = True
        found = _EXIT_TEXT.search(str(payload.get("error") or "")[:400])
        if found:
            data["exit"] = int(found.group(1))
        if payload.get("is_interrupt") is True:
            data["interrupted"] = True
    else:
        data.update(_result(payload.get("tool_response")))
    _append(layout, agent, target, "command.run", data)
    return Outcome()


def _result(response: object) -> dict[str, object]:
    """``exit`` (int) and/or ``failed`` (bool) from a tool response, when the agent reports them
    (Codex: ``exit_code``, or a bare string "Exit code: N …" / "Process exited with code N" /
    a JSON string with ``metadata.exit_code``; Gemini: ``error``; Claude Code:
    ``interrupted``/``is_error``)."""
    if isinstance(response, str):
        text = response.lstrip()
        if text.startswith("{"):
            try:
                return _result(json.loads(text))
            except ValueError:
                pass
        found = _EXIT_TEXT.search(text[:400])
        return {"exit": int(found.group(1)), "failed": found.group(1) != "0"} if found else {}
    if not isinstance(response, dict):
        return {}
    out: dict[str, object] = {}
    meta = response.get("metadata")
    for source in (response, meta if isinstance(meta, dict) else {}):
        for key in ("exit_code", "exitCode", "exit"):
            value = source.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                out["exit"] = value
                out["failed"] = value != 0
                return out
    if response.get("error") or response.get("is_error") or response.get("interrupted"):
        out["failed"] = True
    return out


def main(agent: str) -> int:
    """Console entry: read stdin, handle it, print the result, return 0 (always)."""
    try:
        raw = sys.stdin.buffer.read()
    except (OSError, ValueError):
        raw = b""
    outcome = run(agent, raw)
    if outcome.stdout:
        try:
            sys.stdout.write(outcome.stdout + "\n")
            sys.stdout.flush()
        except (OSError, ValueError):
            pass
    return 0
