"""AI coding agents: Claude Code, Codex CLI, Gemini CLI and Cursor.

What each agent calls things, in one place. Three agents share one hook protocol (JSON on
stdin with ``session_id``, ``transcript_path``, ``cwd``, ``hook_event_name`` and the event's own
fields) but name some events and tools differently; Cursor has its own (normalised to the
shared one by :func:`from_cursor`):

* Claude Code — https://code.claude.com/docs/en/hooks (SessionStart, PostToolUse,
  PostToolUseFailure — a failed call: ``tool_name``, ``tool_input``, ``tool_use_id``, ``error``,
  ``is_interrupt`` —, SubagentStop — ``agent_id``, ``agent_type`` —, PreCompact, PostCompact,
  Stop, SessionEnd; tools Edit, Write, MultiEdit, NotebookEdit, Bash);
* Codex CLI — https://developers.openai.com/codex/hooks and the JSON schemas in
  ``openai/codex`` ``codex-rs/hooks/schema/generated/`` (same event names; tools Bash and
  apply_patch, whose ``tool_input.command`` holds the patch);
* Gemini CLI — https://geminicli.com/docs/hooks/reference (AfterTool, PreCompress, AfterAgent
  instead of PostToolUse, PreCompact, Stop; tools write_file, replace, run_shell_command; only
  JSON may be written to stdout);
* Cursor — https://cursor.com/docs/hooks (``.cursor/hooks.json``, ``{"version": 1, "hooks":
  {event: [{"command", "timeout"}]}}``; camelCase events: sessionStart/sessionEnd (``session_id``,
  ``reason``), afterFileEdit (``file_path``, ``edits``), afterShellExecution (``command``,
  ``output``, ``duration``), postToolUseFailure (``tool_name``, ``tool_input``,
  ``error_message``, ``failure_type``, ``is_interrupt``), preCompact (``trigger``), stop
  (``status``), subagentStop (``subagent_type``, ``status``); every input has
  ``conversation_id``, ``generation_id``, ``model``, ``workspace_roots``; a shell tool is
  ``Shell``). Cursor reads JSON on stdout; sessionStart may return ``additional_context`` and
  ``env``.

This module is imported by the hook on every tool call: standard library only, nothing heavy.
"""

from __future__ import annotations

AGENTS = ("claude-code", "codex", "gemini", "cursor")
#: Agents that read stdout as JSON: they always get a JSON object (``{}`` when there is nothing).
JSON_STDOUT = frozenset({"gemini", "cursor"})

#: An agent's own event name -> the name session-tracker handles it under.
EVENT_ALIASES = {
    "AfterTool": "PostToolUse",
    "PreCompress": "PreCompact",
    "AfterAgent": "Stop",
    # Cursor's camelCase names:
    "sessionStart": "SessionStart",
    "sessionEnd": "SessionEnd",
    "afterFileEdit": "PostToolUse",
    "afterShellExecution": "PostToolUse",
    "postToolUse": "PostToolUse",
    "postToolUseFailure": "PostToolUseFailure",
    "preCompact": "PreCompact",
    "stop": "Stop",
    "subagentStop": "SubagentStop",
}
HANDLED_EVENTS = ("SessionStart", "PostToolUse", "PostToolUseFailure", "SubagentStop", "PreCompact", "PostCompact", "Stop", "SessionEnd")

#: Tools that write files, and the ``tool_input`` keys that name the file.
EDIT_TOOLS = frozenset({"Edit", "Write", "MultiEdit", "NotebookEdit", "write_file", "replace", "apply_patch"})
PATH_KEYS = ("file_path", "notebook_path", "absolute_path", "path")
#: Tools that run shell commands (``tool_input.command``).
SHELL_TOOLS = frozenset({"Bash", "run_shell_command", "shell", "exec_command", "local_shell", "Shell"})


def canonical_event(name: object) -> str:
    """The event name session-tracker uses for an agent's ``hook_event_name`` ('' if none)."""
    if not isinstance(name, str):
        return ""
    return EVENT_ALIASES.get(name, name)


def from_cursor(payload: dict[str, object]) -> dict[str, object]:
    """A Cursor hook input in the shared shape: ``session_id`` (else ``conversation_id``),
    ``cwd`` (else the first of ``workspace_roots``), and for afterFileEdit / afterShellExecution
    a ``tool_name`` with its ``tool_input`` (``Edit`` + ``file_path``; ``Shell`` + ``command``);
    postToolUseFailure's ``error_message`` as ``error``."""
    out = dict(payload)
    if not out.get("session_id"):
        out["session_id"] = payload.get("conversation_id") or ""
    roots = payload.get("workspace_roots")
    if not isinstance(out.get("cwd"), str) and isinstance(roots, list) and roots and isinstance(roots[0], str):
        out["cwd"] = roots[0]
    event = payload.get("hook_event_name")
    if event == "afterFileEdit":
        out["tool_name"], out["tool_input"] = "Edit", {"file_path": payload.get("file_path")}
    elif event == "afterShellExecution":
        out["tool_name"], out["tool_input"] = "Shell", {"command": payload.get("command")}
    elif event == "postToolUseFailure" and "error" not in out:
        out["error"] = payload.get("error_message") or payload.get("failure_type") or "failed"
    return out


def patch_paths(patch: str) -> list[str]:
    """Files named by a Codex ``apply_patch`` envelope (``*** Add File: p``, ``*** Update File:
    p``, ``*** Delete File: p``, ``*** Move to: p``), in order, without repeats."""
    found: list[str] = []
    for line in patch.splitlines():
        for marker in ("*** Add File: ", "*** Update File: ", "*** Delete File: ", "*** Move to: "):
            if line.startswith(marker):
                path = line[len(marker):].strip()
                if path and path not in found:
                    found.append(path)
    return found


def tool_paths(tool: str, tool_input: object) -> list[str]:
    """The files an edit tool call wrote, from its ``tool_input`` (raw, as the agent gave them)."""
    if not isinstance(tool_input, dict):
        return []
    if tool == "apply_patch":
        for key in ("command", "input", "patch"):
            value = tool_input.get(key)
            if isinstance(value, list):
                value = "\n".join(str(v) for v in value)
            if isinstance(value, str) and "*** " in value:
                return patch_paths(value)
        return []
    for key in PATH_KEYS:
        value = tool_input.get(key)
        if isinstance(value, str) and value:
            return [value]
    return []


def shell_command(tool_input: object) -> str:
    """The command of a shell tool call: ``tool_input.command`` (a string, or an argv list whose
    ``bash -lc CMD`` form collapses to CMD), else ''."""
    if not isinstance(tool_input, dict):
        return ""
    value = tool_input.get("command", tool_input.get("cmd"))
    if isinstance(value, list):
        parts = [str(v) for v in value]
        if len(parts) == 3 and parts[0].rsplit("/", 1)[-1] in ("bash", "sh", "zsh") and parts[1] in ("-c", "-lc"):
            return parts[2]
        return " ".join(parts)
    return value if isinstance(value, str) else ""


def relative_path(path: str, root: str, cwd: str) -> str:
    """``path`` relative to the project ``root`` ('/'-separated) when it lies inside it, else
    absolute; a relative ``path`` is taken relative to the agent's ``cwd``."""
    import os

    from session_tracker.core.redact import clip

    # Redact before normalising: normpath turns "https://u:pw@host" into "https:/u:pw@host",
    # which no longer looks like a URL with a password.
    full = os.path.normpath(os.path.join(cwd, clip(path, 4096)))
    try:
        inside = os.path.commonpath([full, root]) == root
    except ValueError:
        inside = False
    return os.path.relpath(full, root).replace(os.sep, "/") if inside else full
