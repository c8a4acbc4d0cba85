"""Codex CLI transcripts ("rollouts"): ``~/.codex/sessions/YYYY/MM/DD/rollout-<time>-<id>.jsonl``
(``$CODEX_HOME/sessions`` when set).

Each line is ``{"timestamp", "type", "payload"}`` (Codex's ``RolloutLine``, see
``codex-rs/protocol`` in openai/codex):

* ``session_meta`` — ``id``, ``timestamp``, ``cwd``, ``git.branch``;
* ``turn_context`` — ``model`` (and cwd) of the turn that follows;
* ``response_item`` — what the model exchanged: ``message`` (role, content of ``input_text``),
  ``function_call`` (``name`` shell/exec_command/apply_patch, ``arguments`` a JSON string with
  ``command`` or ``cmd``, argv lists collapsing ``bash -lc CMD``), ``custom_tool_call``
  (``apply_patch`` with the patch as ``input``), ``local_shell_call`` (``action.command``);
* ``event_msg`` — what the TUI showed: ``user_message`` (the prompt), ``exec_command_end``
  (``call_id``, ``exit_code``), ``token_count`` (``info.last_token_usage``: the turn's tokens;
  ``info.total_token_usage``: cumulative), ``context_compacted``;
* ``compacted`` — a compaction (its summary is not imported).

Usage is the sum of ``last_token_usage`` over the ``token_count`` events, each added to the
model of the ``turn_context`` before it; Codex writes the same snapshot twice in a row, so an
event whose ``total_token_usage`` equals the previous one's is a repeat and skipped (without
``last_token_usage``, the difference of the totals is used). Codex's ``input_tokens`` includes
``cached_input_tokens``; stored as ``input_tokens = input - cached`` and
``cache_read_input_tokens = cached`` (the meaning shared by every agent, see
:mod:`session_tracker.importers`); ``output_tokens`` includes ``reasoning_output_tokens``.

Failures: ``exec_command_end.exit_code``; without it (rollouts of the VS Code extension), the
call's output: ``Process exited with code N`` (unified exec), ``Exit code: N`` (the shell tool's
bare-string output) or ``{"metadata": {"exit_code": N}}`` (its JSON output). A command still
running (``Process running with session ID S``) takes the exit code of the ``write_stdin`` call
that later polls session ``S``.

The session starts at ``session_meta.timestamp`` and ends at the last record's timestamp.
"""

from __future__ import annotations

import json
import os
import re

from session_tracker.agents import relative_path, shell_command, tool_paths
from session_tracker.core.redact import clip
from session_tracker.importers import Counts, CwdMap, Transcript, prompt_text, read_lines, timestamp, tokens_of

AGENT = "codex"
KNOWN_TYPES = frozenset({"session_meta", "turn_context", "response_item", "event_msg", "compacted", "world_state"})
SHELL_CALLS = frozenset({"shell", "exec_command", "container.exec", "local_shell", "shell_command"})
CODEX_KEYS = ("input_tokens", "cached_input_tokens", "output_tokens", "reasoning_output_tokens", "total_tokens")
_EXITED = re.compile(r"(?:Process exited with code|Exit code:?)\s*(-?\d+)")
_RUNNING = re.compile(r"Process running with session ID (\d+)")


def sessions_dir(env: dict[str, str] | None = None) -> str:
    """``$CODEX_HOME/sessions``, else ``~/.codex/sessions``."""
    environ = os.environ if env is None else env
    home = environ.get("CODEX_HOME") or os.path.join(os.path.expanduser("~"), ".codex")
    return os.path.join(home, "sessions")


def find(paths: list[str], root: str) -> list[str]:
    """Rollout files: each given file, every ``rollout-*.jsonl`` under each given directory,
    or (no paths) under :func:`sessions_dir`. Which repository each belongs to is decided
    from its ``session_meta.cwd`` when it is read."""
    found: list[str] = []
    for path in paths or [sessions_dir()]:
        if os.path.isdir(path):
            for base, _, files in sorted(os.walk(path)):
                found += sorted(os.path.join(base, f) for f in files if f.startswith("rollout-") and f.endswith(".jsonl"))
        elif os.path.exists(path):
            found.append(path)
    return found


def _arguments(payload: dict[str, object]) -> object:
    raw = payload.get("arguments")
    if isinstance(raw, str):
        try:
            return json.loads(raw)
        except (ValueError, RecursionError):
            return {"input": raw}
    return raw


def exit_code(output: object) -> int | None:
    """The exit code a Codex tool output reports (see the module docstring), or None."""
    if isinstance(output, dict):
        meta = output.get("metadata")
        code = meta.get("exit_code") if isinstance(meta, dict) else output.get("exit_code")
        return code if isinstance(code, int) and not isinstance(code, bool) else None
    if not isinstance(output, str):
        return None
    text = output.lstrip()
    if text.startswith("{"):
        try:
            return exit_code(json.loads(text))
        except ValueError:
            pass
    match = _EXITED.search(text[:400])
    return int(match.group(1)) if match else None


class _State:
    def __init__(self, out: Transcript, root: str, cwd_map: CwdMap | None, seen: dict[str, set[str]]) -> None:
        self.out = out
        self.root = root
        self.cwd_map = cwd_map
        self.seen = seen
        self.calls: dict[str, dict[str, object]] = {}
        self.running: dict[str, dict[str, object]] = {}  # unified-exec session id -> the command
        self.polls: dict[str, str] = {}  # write_stdin call id -> unified-exec session id
        self.ended: set[str] = set()  # call ids with an exec_command_end

    def path(self, raw: str) -> str:
        cwd = self.out.cwd or self.root
        if self.cwd_map is not None:
            raw, cwd = self.cwd_map.translate(raw), self.cwd_map.translate(cwd)
        return relative_path(raw, self.root, cwd)


def parse(path: str, root: str, counts: Counts, seen: dict[str, set[str]], cwd_map: CwdMap | None = None) -> Transcript:
    """Rebuild one session from a rollout (``seen``: keys already taken in this run;
    ``cwd_map`` translates paths recorded elsewhere)."""
    out = Transcript(agent=AGENT, source=path)
    state = _State(out, root, cwd_map, seen)
    label = os.path.basename(path)
    prompts: list[tuple[str, str]] = []
    fallback_prompts: list[tuple[str, str]] = []
    previous: dict[str, int] | None = None
    meta_start = ""
    for number, obj in read_lines(path, label, counts):
        kind = obj.get("type")
        if kind not in KNOWN_TYPES:
            counts.unknown += 1
            counts.problems.append(f"{label}:{number}: unknown record type {kind!r} skipped")
            continue
        at = timestamp(obj.get("timestamp"))
        out.seen(at)
        payload = obj.get("payload")
        if kind == "compacted":
            out.entries.append((at, "checkpoint", AGENT, {"trigger": "auto", "agent_session": out.agent_session_id, "ref": f"compacted@{at}"}))
            continue
        if not isinstance(payload, dict):
            continue
        if kind == "session_meta":
            out.agent_session_id = out.agent_session_id or str(payload.get("id") or "")
            out.cwd = out.cwd or str(payload.get("cwd") or "")
            meta_start = meta_start or timestamp(payload.get("timestamp"))
            git = payload.get("git")
            if isinstance(git, dict) and isinstance(git.get("branch"), str):
                out.branch = str(git["branch"])
        elif kind == "turn_context":
            if isinstance(payload.get("model"), str):
                out.model = str(payload["model"])
        elif kind == "response_item":
            _item(state, payload, at, fallback_prompts)
        elif kind == "event_msg":
            event = payload.get("type")
            if event == "user_message" and isinstance(payload.get("message"), str):
                prompts.append((at, str(payload["message"])))
            elif event == "exec_command_end":
                call_id = str(payload.get("call_id") or "")
                state.ended.add(call_id)
                code = payload.get("exit_code")
                data = state.calls.get(call_id)
                if data is not None and isinstance(code, int) and not isinstance(code, bool):
                    data["exit"] = code
                    data["failed"] = code != 0
            elif event == "token_count":
                previous = _token_count(out, payload, previous, counts, at)
    for index, (at, text) in enumerate(prompts or fallback_prompts):
        clean = prompt_text(text)
        if clean:
            out.entries.append((at, "note", "human", {"message": f"Prompt: {clean}", "category": "planning", "prompt": True, "ref": f"prompt-{index}@{at}"}))
    out.entries.sort(key=lambda entry: entry[0])
    if meta_start:
        out.start = meta_start  # the session began when Codex says, not at its first line
    if not out.agent_session_id:
        out.agent_session_id = os.path.splitext(os.path.basename(path))[0]
    for entry in out.entries:
        if "agent_session" in entry[3]:
            entry[3]["agent_session"] = out.agent_session_id
    return out


def _token_count(out: Transcript, payload: dict[str, object], previous: dict[str, int] | None, counts: Counts, at: str) -> dict[str, int] | None:
    info = payload.get("info")
    if not isinstance(info, dict) or not isinstance(info.get("total_token_usage"), dict):
        return previous
    total = tokens_of(info["total_token_usage"], CODEX_KEYS)
    if total == previous:
        counts.duplicate_usage += 1
        return previous
    last = info.get("last_token_usage")
    if isinstance(last, dict):
        turn = tokens_of(last, CODEX_KEYS)
    else:
        before = previous or {k: 0 for k in CODEX_KEYS}
        turn = {k: total[k] - before[k] for k in CODEX_KEYS}
    cached = turn["cached_input_tokens"]
    out.add_usage(out.model or "unknown", "", {
        "input_tokens": turn["input_tokens"] - cached,
        "output_tokens": turn["output_tokens"],
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": cached,
        "reasoning_output_tokens": turn["reasoning_output_tokens"],
    }, at=at)
    return total


def _item(state: _State, payload: dict[str, object], at: str, prompts: list[tuple[str, str]]) -> None:
    out = state.out
    item = payload.get("type")
    if item == "message" and payload.get("role") == "user":
        content = payload.get("content")
        for block in content if isinstance(content, list) else []:
            text = block.get("text") if isinstance(block, dict) else None
            # Codex puts its own context in user messages as <environment_context> etc.
            if isinstance(text, str) and not text.lstrip().startswith("<"):
                prompts.append((at, text))
        return
    if item in ("function_call_output", "custom_tool_call_output"):
        _output(state, payload)
        return
    if item not in ("function_call", "custom_tool_call", "local_shell_call"):
        return
    call_id = str(payload.get("call_id") or payload.get("id") or "")
    name = str(payload.get("name") or ("shell" if item == "local_shell_call" else ""))
    if item == "local_shell_call":
        action = payload.get("action")
        arguments: object = action if isinstance(action, dict) else {}
    elif item == "custom_tool_call":
        arguments = {"input": payload.get("input")}
    else:
        arguments = _arguments(payload)
    if name == "write_stdin" and isinstance(arguments, dict):
        # Polls a command still running: its output carries that command's exit code.
        state.polls[call_id] = str(arguments.get("session_id"))
        return
    if call_id and call_id in state.seen["tools"]:
        return
    if call_id:
        state.seen["tools"].add(call_id)
    if name == "apply_patch":
        for raw in tool_paths("apply_patch", arguments):
            out.entries.append((at, "file.touched", AGENT, {"path": state.path(raw), "tool": name, "agent_session": out.agent_session_id, "ref": call_id}))
        return
    if name in SHELL_CALLS:
        command = shell_command(arguments)
        if command.startswith("apply_patch"):
            for raw in tool_paths("apply_patch", {"command": command}):
                out.entries.append((at, "file.touched", AGENT, {"path": state.path(raw), "tool": "apply_patch", "agent_session": out.agent_session_id, "ref": call_id}))
            return
        if command:
            data: dict[str, object] = {"command": clip(command, 4000), "tool": name, "agent_session": out.agent_session_id, "ref": call_id}
            out.entries.append((at, "command.run", AGENT, data))
            if call_id:
                state.calls[call_id] = data


def _output(state: _State, payload: dict[str, object]) -> None:
    """A tool's output: the exit code of a command that has no ``exec_command_end``."""
    call_id = str(payload.get("call_id") or "")
    output = payload.get("output")
    data = state.calls.get(call_id)
    if data is None and call_id in state.polls:
        data = state.running.get(state.polls[call_id])
    if data is None or "exit" in data:
        return
    text = output if isinstance(output, str) else ""
    running = _RUNNING.search(text[:400])
    if running:
        state.running[running.group(1)] = data
        return
    code = exit_code(output)
    if code is not None:
        data["exit"] = code
        data["failed"] = code != 0
