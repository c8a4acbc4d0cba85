"""Claude Code transcripts: ``~/.claude/projects/<encoded cwd>/<session id>.jsonl``.

One JSON object per line, written as the session runs (the format is Claude Code's own and
undocumented; shapes here as its transcripts show them and as usage tools such as ccusage read
them). Every line has ``type``, most have ``sessionId``, ``cwd``, ``timestamp``, ``uuid`` and
``gitBranch``:

* ``user`` — ``message.content`` a string (a prompt) or a list of blocks: ``text`` (a prompt) or
  ``tool_result`` (``tool_use_id``, ``is_error``); ``toolUseResult`` holds the tool's own result
  (``filePath`` for Edit/Write); ``isMeta`` marks lines the CLI wrote itself;
* ``assistant`` — ``message.id``, ``message.model``, ``message.usage`` (input_tokens,
  output_tokens, cache_creation_input_tokens, cache_read_input_tokens), ``requestId``, and
  ``tool_use`` blocks (``id``, ``name``, ``input``). A streamed message is written once per
  content block, each copy repeating the same usage, so usage counts once per
  ``(message.id, requestId)`` — without this, totals come out 2-6.5x too high;
* ``summary``, ``system``, ``file-history-snapshot`` and a few more carry nothing to import.

The project directory name is the working directory with every character other than a letter,
digit or ``-`` replaced by ``-`` (``/home/me/my.app`` → ``-home-me-my-app``).
"""

from __future__ import annotations

import os
import re

from session_tracker.agents import EDIT_TOOLS, SHELL_TOOLS, relative_path, shell_command, tool_paths
from session_tracker.core.redact import clip
from session_tracker.importers import Counts, Transcript, prompt_text, read_lines, timestamp

AGENT = "claude-code"
KNOWN_TYPES = frozenset(
    {"summary", "system", "file-history-snapshot", "progress", "queue-operation", "attachment", "custom-title", "tag", "x-error"}
)
USAGE_KEYS = ("input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
_CLI_NOISE = ("<command-", "<local-command-", "<system-reminder>", "Caveat: ")


def project_dir(root: str, home: str | None = None) -> str:
    """Where Claude Code keeps the transcripts of sessions run in ``root``."""
    home = home or os.path.expanduser("~")
    return os.path.join(home, ".claude", "projects", re.sub(r"[^A-Za-z0-9-]", "-", root))


def find(paths: list[str], root: str) -> list[str]:
    """Transcript files: each given file, the ``*.jsonl`` directly in each given directory, or
    (no paths) those of :func:`project_dir`."""
    wanted = paths or [project_dir(root)]
    found: list[str] = []
    for path in wanted:
        if os.path.isdir(path):
            found += sorted(os.path.join(path, f) for f in os.listdir(path) if f.endswith(".jsonl"))
        elif os.path.exists(path):
            found.append(path)
    return found


def parse(path: str, root: str, counts: Counts, seen: dict[str, set[str]]) -> Transcript:
    """Rebuild one session from a transcript. ``seen`` holds the keys already taken in this run
    (usage, tool calls, prompts), so copies of a line in another file are not counted twice."""
    out = Transcript(agent=AGENT, source=path)
    label = os.path.basename(path)
    commands: dict[str, dict[str, object]] = {}
    for number, obj in read_lines(path, label, counts):
        kind = obj.get("type")
        if kind not in ("user", "assistant"):
            if kind not in KNOWN_TYPES:
                counts.unknown += 1
                counts.problems.append(f"{label}:{number}: unknown record type {kind!r} skipped")
            continue
        at = timestamp(obj.get("timestamp"))
        out.seen(at)
        for key, attr in (("sessionId", "agent_session_id"), ("cwd", "cwd"), ("gitBranch", "branch")):
            value = obj.get(key)
            if isinstance(value, str) and value and not getattr(out, attr):
                setattr(out, attr, value)
        message = obj.get("message")
        if not isinstance(message, dict):
            continue
        cwd = out.cwd or root
        if kind == "assistant":
            _assistant(out, obj, message, at, cwd, root, counts, seen, commands)
        else:
            _user(out, obj, message, at, cwd, root, seen, commands)
    if not out.agent_session_id:
        out.agent_session_id = os.path.splitext(os.path.basename(path))[0]
    return out


def _assistant(
    out: Transcript, obj: dict[str, object], message: dict[str, object], at: str, cwd: str, root: str,
    counts: Counts, seen: dict[str, set[str]], commands: dict[str, dict[str, object]],
) -> None:
    model = message.get("model")
    usage = message.get("usage")
    if isinstance(model, str) and model and model != "<synthetic>":
        out.model = model
        if isinstance(usage, dict):
            mid, rid = message.get("id"), obj.get("requestId")
            key = f"{mid}|{rid}" if (mid or rid) else ""
            if key and key in seen["usage"]:
                counts.duplicate_usage += 1
            else:
                if key:
                    seen["usage"].add(key)
                totals = out.usage.setdefault(model, {k: 0 for k in (*USAGE_KEYS, "messages")})
                for k in USAGE_KEYS:
                    value = usage.get(k)
                    if isinstance(value, int) and not isinstance(value, bool):
                        totals[k] += value
                totals["messages"] += 1
    content = message.get("content")
    for block in content if isinstance(content, list) else []:
        if not isinstance(block, dict) or block.get("type") != "tool_use":
            continue
        name, block_id = block.get("name"), str(block.get("id") or "")
        if not isinstance(name, str) or (block_id and block_id in seen["tools"]):
            continue
        if block_id:
            seen["tools"].add(block_id)
        if name in EDIT_TOOLS:
            for path in tool_paths(name, block.get("input")):
                out.entries.append((at, "file.touched", AGENT, {"path": relative_path(path, root, cwd), "tool": name, "agent_session": out.agent_session_id}))
        elif name in SHELL_TOOLS:
            command = shell_command(block.get("input"))
            if command:
                data: dict[str, object] = {"command": clip(command, 4000), "tool": name, "agent_session": out.agent_session_id}
                out.entries.append((at, "command.run", AGENT, data))
                if block_id:
                    commands[block_id] = data


def _user(
    out: Transcript, obj: dict[str, object], message: dict[str, object], at: str, cwd: str, root: str,
    seen: dict[str, set[str]], commands: dict[str, dict[str, object]],
) -> None:
    content = message.get("content")
    texts: list[str] = []
    if isinstance(content, str):
        texts.append(content)
    for block in content if isinstance(content, list) else []:
        if not isinstance(block, dict):
            continue
        if block.get("type") == "text" and isinstance(block.get("text"), str):
            texts.append(str(block["text"]))
        elif block.get("type") == "tool_result":
            tool_id = str(block.get("tool_use_id") or "")
            if block.get("is_error") and tool_id in commands:
                commands[tool_id]["failed"] = True
            result = obj.get("toolUseResult")
            path = result.get("filePath") if isinstance(result, dict) else None
            if tool_id and tool_id not in seen["tools"] and isinstance(path, str) and path:
                # The call itself is missing (a cut transcript); its result still names the file.
                seen["tools"].add(tool_id)
                out.entries.append((at, "file.touched", AGENT, {"path": relative_path(path, root, cwd), "tool": "", "agent_session": out.agent_session_id}))
    if obj.get("isMeta") or not texts:
        return
    uuid = str(obj.get("uuid") or "")
    if uuid and uuid in seen["prompts"]:
        return
    if uuid:
        seen["prompts"].add(uuid)
    for text in texts:
        if text.lstrip().startswith(_CLI_NOISE):
            continue
        clean = prompt_text(text)
        if clean:
            out.entries.append((at, "note", "human", {"message": f"Prompt: {clean}", "category": "planning"}))
