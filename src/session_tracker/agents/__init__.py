"""AI coding agents: Claude Code, Codex CLI and Gemini CLI.

What each agent calls things, in one place. The three agents share one hook protocol (JSON on
stdin with ``session_id``, ``transcript_path``, ``cwd``, ``hook_event_name`` and the event's own
fields) but name some events and tools differently:

* Claude Code — https://code.claude.com/docs/en/hooks (SessionStart, PostToolUse, PreCompact,
  Stop, SessionEnd; tools Edit, Write, MultiEdit, NotebookEdit, Bash);
* Codex CLI — https://developers.openai.com/codex/hooks and the JSON schemas in
  ``openai/codex`` ``codex-rs/hooks/schema/generated/`` (same event names; tools Bash and
  apply_patch, whose ``tool_input.command`` holds the patch);
* Gemini CLI — https://geminicli.com/docs/hooks/reference (AfterTool, PreCompress, AfterAgent
  instead of PostToolUse, PreCompact, Stop; tools write_file, replace, run_shell_command; only
  JSON may be written to stdout).

This module is imported by the hook on every tool call: standard library only, nothing heavy.
"""

from __future__ import annotations

AGENTS = ("claude-code", "codex", "gemini")

#: An agent's own event name -> the name session-tracker handles it under.
EVENT_ALIASES = {
    "AfterTool": "PostToolUse",
    "PreCompress": "PreCompact",
    "AfterAgent": "Stop",
}
HANDLED_EVENTS = ("SessionStart", "PostToolUse", "PreCompact", "Stop", "SessionEnd")

#: Tools that write files, and the ``tool_input`` keys that name the file.
EDIT_TOOLS = frozenset({"Edit", "Write", "MultiEdit", "NotebookEdit", "write_file", "replace", "apply_patch"})
PATH_KEYS = ("file_path", "notebook_path", "absolute_path", "path")
#: Tools that run shell commands (``tool_input.command``).
SHELL_TOOLS = frozenset({"Bash", "run_shell_command", "shell", "exec_command", "local_shell"})


def canonical_event(name: object) -> str:
    """The event name session-tracker uses for an agent's ``hook_event_name`` ('' if none)."""
    if not isinstance(name, str):
        return ""
    return EVENT_ALIASES.get(name, name)


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
