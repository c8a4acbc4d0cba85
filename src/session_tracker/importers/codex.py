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
  (``call_id``, ``exit_code``), ``token_count`` (``info.total_token_usage``, cumulative).

Usage is the last cumulative ``total_token_usage`` (the largest ``total_tokens``): Codex repeats
``token_count`` snapshots, so summing per-turn figures would count some twice.
"""

from __future__ import annotations

import json
import os

from session_tracker.agents import relative_path, shell_command, tool_paths
from session_tracker.core.redact import clip
from session_tracker.importers import Counts, Transcript, prompt_text, read_lines, timestamp

AGENT = "codex"
KNOWN_TYPES = frozenset({"session_meta", "turn_context", "response_item", "event_msg", "compacted", "world_state"})
SHELL_CALLS = frozenset({"shell", "exec_command", "container.exec", "local_shell", "shell_command"})


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


def parse(path: str, root: str, counts: Counts, seen: dict[str, set[str]]) -> Transcript:
    """Rebuild one session from a rollout (``seen``: keys already taken in this run)."""
    out = Transcript(agent=AGENT, source=path)
    label = os.path.basename(path)
    calls: dict[str, dict[str, object]] = {}
    prompts: list[tuple[str, str]] = []
    fallback_prompts: list[tuple[str, str]] = []
    best_total = -1
    best_usage: dict[str, object] = {}
    for number, obj in read_lines(path, label, counts):
        kind = obj.get("type")
        if kind not in KNOWN_TYPES:
            counts.unknown += 1
            counts.problems.append(f"{label}:{number}: unknown record type {kind!r} skipped")
            continue
        at = timestamp(obj.get("timestamp"))
        out.seen(at)
        payload = obj.get("payload")
        if not isinstance(payload, dict):
            continue
        if kind == "session_meta":
            out.agent_session_id = out.agent_session_id or str(payload.get("id") or "")
            out.cwd = out.cwd or str(payload.get("cwd") or "")
            git = payload.get("git")
            if isinstance(git, dict) and isinstance(git.get("branch"), str):
                out.branch = str(git["branch"])
        elif kind == "turn_context":
            if isinstance(payload.get("model"), str):
                out.model = str(payload["model"])
        elif kind == "response_item":
            _item(out, payload, at, root, seen, calls, fallback_prompts)
        elif kind == "event_msg":
            event = payload.get("type")
            if event == "user_message" and isinstance(payload.get("message"), str):
                prompts.append((at, str(payload["message"])))
            elif event == "exec_command_end":
                data = calls.get(str(payload.get("call_id") or ""))
                code = payload.get("exit_code")
                if data is not None and isinstance(code, int) and not isinstance(code, bool):
                    data["exit"] = code
                    data["failed"] = code != 0
            elif event == "token_count":
                info = payload.get("info")
                total = info.get("total_token_usage") if isinstance(info, dict) else None
                if isinstance(total, dict):
                    size = total.get("total_tokens")
                    size = size if isinstance(size, int) else 0
                    if size > best_total:
                        best_total, best_usage = size, total
                    else:
                        counts.duplicate_usage += 1
    for at, text in prompts or fallback_prompts:
        clean = prompt_text(text)
        if clean:
            out.entries.append((at, "note", "human", {"message": f"Prompt: {clean}", "category": "planning"}))
    out.entries.sort(key=lambda entry: entry[0])
    if best_usage:
        def tokens(key: str) -> int:
            value = best_usage.get(key)
            return value if isinstance(value, int) and not isinstance(value, bool) else 0

        out.usage[out.model or "unknown"] = {
            "input_tokens": tokens("input_tokens"),
            "output_tokens": tokens("output_tokens"),
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": tokens("cached_input_tokens"),
            "messages": 0,
        }
    if not out.agent_session_id:
        out.agent_session_id = os.path.splitext(os.path.basename(path))[0]
    return out


def _item(
    out: Transcript, payload: dict[str, object], at: str, root: str, seen: dict[str, set[str]],
    calls: dict[str, dict[str, object]], prompts: list[tuple[str, str]],
) -> None:
    item = payload.get("type")
    cwd = out.cwd or root
    if item == "message" and payload.get("role") == "user":
        content = payload.get("content")
        for block in content if isinstance(content, list) else []:
            text = block.get("text") if isinstance(block, dict) else None
            # Codex puts its own context in user messages as <environment_context> etc.
            if isinstance(text, str) and not text.lstrip().startswith("<"):
                prompts.append((at, text))
        return
    if item not in ("function_call", "custom_tool_call", "local_shell_call"):
        return
    call_id = str(payload.get("call_id") or payload.get("id") or "")
    if call_id and call_id in seen["tools"]:
        return
    if call_id:
        seen["tools"].add(call_id)
    name = str(payload.get("name") or ("shell" if item == "local_shell_call" else ""))
    if item == "local_shell_call":
        action = payload.get("action")
        arguments: object = action if isinstance(action, dict) else {}
    elif item == "custom_tool_call":
        arguments = {"input": payload.get("input")}
    else:
        arguments = _arguments(payload)
    if name == "apply_patch":
        for path in tool_paths("apply_patch", arguments):
            out.entries.append((at, "file.touched", AGENT, {"path": relative_path(path, root, cwd), "tool": name, "agent_session": out.agent_session_id}))
        return
    if name in SHELL_CALLS:
        command = shell_command(arguments)
        if command.startswith("apply_patch"):
            for path in tool_paths("apply_patch", {"command": command}):
                out.entries.append((at, "file.touched", AGENT, {"path": relative_path(path, root, cwd), "tool": "apply_patch", "agent_session": out.agent_session_id}))
            return
        if command:
            data: dict[str, object] = {"command": clip(command, 4000), "tool": name, "agent_session": out.agent_session_id}
            out.entries.append((at, "command.run", AGENT, data))
            if call_id:
                calls[call_id] = data
