"""Claude Code transcripts: ``~/.claude/projects/<encoded cwd>/<session id>.jsonl``.

One JSON object per line, written as the session runs (the format is Claude Code's own and
undocumented; shapes here as its transcripts show them and as usage tools such as ccusage read
them). Every line has ``type``, most have ``sessionId``, ``cwd``, ``timestamp``, ``uuid`` and
``gitBranch``:

* ``user`` — ``message.content`` a string (a prompt) or a list of blocks: ``text`` (a prompt) or
  ``tool_result`` (``tool_use_id``, ``is_error``, ``content`` — "Exit code N…" for a failed
  Bash, "The user doesn't want to proceed…" for a rejected call); ``toolUseResult`` holds the
  tool's own result (``filePath`` for Edit/Write, ``interrupted`` for Bash). Not the person's
  own words: ``isMeta`` lines (the CLI's), ``isCompactSummary`` (the summary a compaction
  writes, after a ``system`` line of subtype ``compact_boundary`` with ``compactMetadata``
  trigger/preTokens), ``isSidechain`` lines (a subagent's task), "[Request interrupted by
  user…]" markers, ``<local-command-stdout>`` and ``<system-reminder>`` blocks. A slash command
  is ``<command-name>/name</command-name>`` with ``<command-args>``: kept as ``/name args``;
* ``assistant`` — ``message.id``, ``message.model``, ``message.usage`` (input_tokens,
  output_tokens, cache_creation_input_tokens, cache_read_input_tokens), ``requestId``, and
  ``tool_use`` blocks (``id``, ``name``, ``input``). A streamed message is written once per
  content block; Claude Code 2.x writes partial ``output_tokens`` on the early copies, so usage
  counts once per ``(message.id, requestId)`` (per ``message.id`` without a requestId), keeping
  the copy with the largest token total — ccusage's rule;
* ``summary``, ``file-history-snapshot`` and a few more carry nothing to import.

Subagents (the Task tool) write their own transcripts, folded into the parent session with
``subagent`` set to their ``agentId``: ``<session id>/subagents/agent-<id>.jsonl`` (Claude Code
2.1+) or, in older versions, ``agent-<id>.jsonl`` beside the parent with the parent's
``sessionId``.

The project directory name is the working directory with every character other than a letter,
digit or ``-`` replaced by ``-`` (``/home/me/my.app`` → ``-home-me-my-app``).
"""

from __future__ import annotations

import os
import re

from session_tracker.agents import EDIT_TOOLS, SHELL_TOOLS, relative_path, shell_command, tool_paths
from session_tracker.core.redact import clip
from session_tracker.importers import (
    USAGE_KEYS,
    Counts,
    CwdMap,
    Entry,
    Transcript,
    prompt_text,
    read_lines,
    timestamp,
    tokens_of,
)

AGENT = "claude-code"
KNOWN_TYPES = frozenset(
    {"summary", "system", "file-history-snapshot", "progress", "queue-operation", "attachment", "custom-title", "tag", "x-error"}
)
_NOISE = ("<local-command-", "<system-reminder>", "Caveat: ", "[Request interrupted by user")
_COMMAND_NAME = re.compile(r"<command-name>\s*(/?[^<\s]+)\s*</command-name>")
_COMMAND_ARGS = re.compile(r"<command-args>(.*?)</command-args>", re.DOTALL)
_EXIT = re.compile(r"^\s*Exit code (\d+)")
#: Built-in commands that only steer the CLI; a custom or argument-carrying one is a prompt.
BUILTIN_COMMANDS = frozenset(
    {"/clear", "/compact", "/resume", "/exit", "/quit", "/cost", "/help", "/model", "/config", "/status",
     "/context", "/login", "/logout", "/doctor", "/hooks", "/permissions", "/memory", "/ide", "/vim", "/usage"}
)


def project_dir(root: str, home: str | None = None) -> str:
    """Where Claude Code keeps the transcripts of sessions run in ``root``."""
    home = home or os.path.expanduser("~")
    return os.path.join(home, ".claude", "projects", re.sub(r"[^A-Za-z0-9-]", "-", root))


def find(paths: list[str], root: str) -> list[str]:
    """Transcript files: each given file, the ``*.jsonl`` directly in each given directory, or
    (no paths) those of :func:`project_dir`. Subagent files (``agent-*.jsonl``) found in a
    directory are not listed: they are read with their parent session."""
    wanted = paths or [project_dir(root)]
    found: list[str] = []
    for path in wanted:
        if os.path.isdir(path):
            found += sorted(
                os.path.join(path, f) for f in os.listdir(path) if f.endswith(".jsonl") and not f.startswith("agent-")
            )
        elif os.path.exists(path):
            found.append(path)
    return found


def subagent_files(path: str, session_id: str) -> list[str]:
    """The subagents' transcripts of the session in ``path``: ``<stem>/subagents/agent-*.jsonl``
    and sibling ``agent-*.jsonl`` files whose first record names ``session_id``."""
    folder, name = os.path.split(path)
    stem = os.path.splitext(name)[0]
    found: list[str] = []
    nested = os.path.join(folder, stem, "subagents")
    if os.path.isdir(nested):
        found += sorted(os.path.join(nested, f) for f in os.listdir(nested) if f.startswith("agent-") and f.endswith(".jsonl"))
    if session_id and not stem.startswith("agent-"):
        needle = f'"sessionId":"{session_id}"'.encode()
        for f in sorted(os.listdir(folder or ".")):
            if f.startswith("agent-") and f.endswith(".jsonl"):
                sibling = os.path.join(folder, f)
                try:
                    with open(sibling, "rb") as handle:
                        head = handle.read(4096).replace(b'": "', b'":"')
                except OSError:
                    continue
                if needle in head:
                    found.append(sibling)
    return found


class _State:
    """What one parse collects across the parent and its subagents' files."""

    def __init__(self, out: Transcript, root: str, cwd_map: CwdMap | None, counts: Counts, seen: dict[str, set[str]]) -> None:
        self.out = out
        self.root = root
        self.cwd_map = cwd_map
        self.counts = counts
        self.seen = seen
        self.best: dict[str, tuple[int, str, str, dict[str, int], str]] = {}  # usage key -> (total, model, subagent, tokens, at)
        self.commands: dict[str, dict[str, object]] = {}
        self.edits: dict[str, list[int]] = {}  # tool id -> indexes of its file.touched entries
        self.dropped: set[int] = set()

    def add(self, entry: Entry) -> int:
        self.out.entries.append(entry)
        return len(self.out.entries) - 1

    def path(self, raw: str, cwd: str) -> str:
        if self.cwd_map is not None:
            raw, cwd = self.cwd_map.translate(raw), self.cwd_map.translate(cwd)
        return relative_path(raw, self.root, cwd)


def parse(path: str, root: str, counts: Counts, seen: dict[str, set[str]], cwd_map: CwdMap | None = None) -> Transcript:
    """Rebuild one session from a transcript and its subagents' transcripts. ``seen`` holds
    the keys already taken in this run (usage, tool calls, prompts), so copies of a line in
    another file are not counted twice; ``cwd_map`` translates paths recorded elsewhere."""
    out = Transcript(agent=AGENT, source=path)
    state = _State(out, root, cwd_map, counts, seen)
    _read(state, path, "")
    if not out.agent_session_id:
        out.agent_session_id = os.path.splitext(os.path.basename(path))[0]
    for sub in subagent_files(path, out.agent_session_id):
        agent_id = os.path.splitext(os.path.basename(sub))[0].removeprefix("agent-")
        _read(state, sub, agent_id)
        if agent_id not in out.subagents:
            out.subagents.append(agent_id)
    for key, (_, model, subagent, tokens, at) in state.best.items():
        seen["usage"].add(key)
        out.add_usage(model, subagent, tokens, at=at)
    out.entries = [e for i, e in enumerate(out.entries) if i not in state.dropped]
    return out


def _read(state: _State, path: str, subagent: str) -> None:
    out = state.out
    label = os.path.basename(path)
    for number, obj in read_lines(path, label, state.counts):
        kind = obj.get("type")
        if kind not in ("user", "assistant", "system"):
            if kind not in KNOWN_TYPES:
                state.counts.unknown += 1
                state.counts.problems.append(f"{label}:{number}: unknown record type {kind!r} skipped")
            continue
        at = timestamp(obj.get("timestamp"))
        out.seen(at)
        for key, attr in (("sessionId", "agent_session_id"), ("cwd", "cwd"), ("gitBranch", "branch")):
            value = obj.get(key)
            if isinstance(value, str) and value and not getattr(out, attr):
                setattr(out, attr, value)
        agent_id = subagent or (str(obj.get("agentId") or "") if obj.get("isSidechain") else "")
        if agent_id and agent_id not in out.subagents:
            out.subagents.append(agent_id)
        if kind == "system":
            _system(state, obj, at, agent_id)
            continue
        message = obj.get("message")
        if not isinstance(message, dict):
            continue
        cwd = str(obj.get("cwd") or out.cwd or state.root)
        if kind == "assistant":
            _assistant(state, obj, message, at, cwd, agent_id)
        else:
            _user(state, obj, message, at, cwd, agent_id)


def _mark(data: dict[str, object], agent_id: str) -> dict[str, object]:
    if agent_id:
        data["subagent"] = agent_id
    return data


def _system(state: _State, obj: dict[str, object], at: str, agent_id: str) -> None:
    if obj.get("subtype") != "compact_boundary":
        return
    meta = obj.get("compactMetadata")
    meta = meta if isinstance(meta, dict) else {}
    ref = str(obj.get("uuid") or "")
    if ref and ref in state.seen["prompts"]:
        return
    if ref:
        state.seen["prompts"].add(ref)
    data: dict[str, object] = {"trigger": str(meta.get("trigger") or ""), "agent_session": state.out.agent_session_id, "ref": ref}
    if isinstance(meta.get("preTokens"), int):
        data["pre_tokens"] = meta["preTokens"]
    state.add((at, "checkpoint", AGENT, _mark(data, agent_id)))


def _assistant(state: _State, obj: dict[str, object], message: dict[str, object], at: str, cwd: str, agent_id: str) -> None:
    out = state.out
    model = message.get("model")
    usage = message.get("usage")
    if isinstance(model, str) and model and model != "<synthetic>":
        if not agent_id:
            out.model = model
        if isinstance(usage, dict):
            mid, rid = message.get("id"), obj.get("requestId")
            key = f"{mid}|{rid}" if rid else (f"{mid}|" if mid else "")
            tokens = tokens_of(usage, USAGE_KEYS)
            total = sum(tokens.values())
            if not key:
                out.add_usage(model, agent_id, tokens, at=at)
            elif key in state.seen["usage"]:
                state.counts.duplicate_usage += 1
            elif key in state.best:
                state.counts.duplicate_usage += 1
                if total > state.best[key][0]:
                    state.best[key] = (total, model, agent_id, tokens, state.best[key][4])  # the message's first time
            else:
                state.best[key] = (total, model, agent_id, tokens, at)
    content = message.get("content")
    for block in content if isinstance(content, list) else []:
        if not isinstance(block, dict) or block.get("type") != "tool_use":
            continue
        name, block_id = block.get("name"), str(block.get("id") or "")
        if not isinstance(name, str) or (block_id and block_id in state.seen["tools"]):
            continue
        if block_id:
            state.seen["tools"].add(block_id)
        if name in EDIT_TOOLS:
            for raw in tool_paths(name, block.get("input")):
                data: dict[str, object] = {"path": state.path(raw, cwd), "tool": name, "agent_session": out.agent_session_id, "ref": block_id}
                state.edits.setdefault(block_id, []).append(state.add((at, "file.touched", AGENT, _mark(data, agent_id))))
        elif name in SHELL_TOOLS:
            command = shell_command(block.get("input"))
            if command:
                data = {"command": clip(command, 4000), "tool": name, "agent_session": out.agent_session_id, "ref": block_id}
                state.add((at, "command.run", AGENT, _mark(data, agent_id)))
                if block_id:
                    state.commands[block_id] = data


def _result_text(block: dict[str, object]) -> str:
    content = block.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(str(b.get("text")) for b in content if isinstance(b, dict) and isinstance(b.get("text"), str))
    return ""


def _tool_result(state: _State, obj: dict[str, object], block: dict[str, object], at: str, cwd: str, agent_id: str) -> None:
    tool_id = str(block.get("tool_use_id") or "")
    result = obj.get("toolUseResult")
    failed = bool(block.get("is_error")) or (isinstance(result, dict) and result.get("interrupted") is True)
    command = state.commands.get(tool_id)
    if command is not None:
        command["failed"] = failed
        match = _EXIT.match(_result_text(block)) if failed else None
        if match:
            command["exit"] = int(match.group(1))
        if isinstance(result, dict) and result.get("interrupted") is True:
            command["interrupted"] = True
    if failed and tool_id in state.edits:
        # A rejected or failed edit wrote nothing: it is not an edit.
        state.dropped.update(state.edits.pop(tool_id))
        return
    path = result.get("filePath") if isinstance(result, dict) else None
    if tool_id and tool_id not in state.seen["tools"] and isinstance(path, str) and path and not failed:
        # The call itself is missing (a cut transcript); its result still names the file.
        state.seen["tools"].add(tool_id)
        data: dict[str, object] = {"path": state.path(path, cwd), "tool": "", "agent_session": state.out.agent_session_id, "ref": tool_id}
        state.add((at, "file.touched", AGENT, _mark(data, agent_id)))


def prompt_of(text: str) -> str:
    """The person's own words in a user text block ('' when it is the CLI's): a slash command
    as ``/name args`` (a built-in one without arguments is dropped), other CLI noise dropped."""
    stripped = text.lstrip()
    if "<command-name>" in stripped:
        name = _COMMAND_NAME.search(stripped)
        args = _COMMAND_ARGS.search(stripped)
        if not name:
            return ""
        command = name.group(1) if name.group(1).startswith("/") else "/" + name.group(1)
        arguments = args.group(1).strip() if args else ""
        if not arguments and command in BUILTIN_COMMANDS:
            return ""
        return f"{command} {arguments}".strip()
    if stripped.startswith(_NOISE) or stripped.startswith("<command-"):
        return ""
    return text


def _user(state: _State, obj: dict[str, object], message: dict[str, object], at: str, cwd: str, agent_id: str) -> None:
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
            _tool_result(state, obj, block, at, cwd, agent_id)
    if agent_id or obj.get("isMeta") or obj.get("isCompactSummary") or obj.get("isVisibleInTranscriptOnly") or not texts:
        return
    uuid = str(obj.get("uuid") or "")
    if uuid and uuid in state.seen["prompts"]:
        return
    if uuid:
        state.seen["prompts"].add(uuid)
    for index, text in enumerate(texts):
        clean = prompt_text(prompt_of(text))
        if clean:
            ref = f"{uuid}#{index}" if index else uuid
            state.add((at, "note", "human", {"message": f"Prompt: {clean}", "category": "planning", "prompt": True, "ref": ref}))
