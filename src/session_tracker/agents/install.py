"""``agent install|uninstall claude-code|codex|gemini|cursor [--user]``: the agents' hook settings.

Writes session-tracker's hooks into the agent's own settings file, merged with what is there:

| agent | project file | ``--user`` file | instructions file |
|---|---|---|---|
| claude-code | ``.claude/settings.json`` | ``~/.claude/settings.json`` | ``CLAUDE.md`` (``~/.claude/CLAUDE.md``) |
| codex | ``.codex/hooks.json`` | ``~/.codex/hooks.json`` | ``AGENTS.md`` (``~/.codex/AGENTS.md``) |
| gemini | ``.gemini/settings.json`` | ``~/.gemini/settings.json`` | ``GEMINI.md`` (``~/.gemini/GEMINI.md``) |
| cursor | ``.cursor/hooks.json`` | ``~/.cursor/hooks.json`` | ``.cursor/rules/session-tracker.mdc`` (``~/.cursor/rules/…``) |

Claude Code, Codex and Gemini CLI use ``{"hooks": {Event: [{"matcher": …, "hooks": [{"type":
"command", "command": …, "timeout": …}]}]}}`` (Claude Code hooks reference; Codex "Hooks" page;
Gemini CLI hooks reference); Cursor a flat list per event, ``{"version": 1, "hooks": {event:
[{"command": …, "timeout": …}]}}`` (cursor.com/docs/hooks). ``timeout`` is in seconds, except
Gemini CLI's (milliseconds).

Rules: the user's own hooks and settings are never dropped or reordered; a second install
changes nothing; a file that is not valid JSON is refused, never overwritten. The bytes of each
file before the first install are kept in local state (``.sessions/local/agents-installed.json``,
or ``$XDG_STATE_HOME/session-tracker/`` with ``--user``), so ``uninstall`` restores them byte for
byte when nothing else changed meanwhile; otherwise it removes only session-tracker's entries.
"""

from __future__ import annotations

import base64
import json
import os
import re

from session_tracker.agents import AGENTS
from session_tracker.agents.specs import BEGIN, CURSOR_RULE_HEADER, END, INSTRUCTIONS, NOTICES, PROGRAM, SPECS, STATE_NAME
from session_tracker.core import store
from session_tracker.core.context import Context
from session_tracker.errors import TrackerError


def _spec(agent: str) -> dict[str, object]:
    if agent not in SPECS:
        raise TrackerError(f"unknown agent {agent!r}", "use one of: " + ", ".join(AGENTS))
    return SPECS[agent]


def _home() -> str:
    return os.path.expanduser("~")


def paths(ctx: Context, agent: str, user: bool) -> tuple[str, str]:
    """``(settings file, instructions file)`` of ``agent`` at project or user scope."""
    spec = _spec(agent)
    if user:
        from session_tracker.core import safepath

        safepath.allow(_home())  # the user asked for their own settings (links there are theirs)
        return os.path.join(_home(), str(spec["user_settings"])), os.path.join(_home(), str(spec["user_instructions"]))
    return os.path.join(ctx.layout.root, str(spec["settings"])), os.path.join(ctx.layout.root, str(spec["instructions"]))


def _state_path(ctx: Context, user: bool) -> str:
    if user:
        from session_tracker.core import safepath
        from session_tracker.core.paths import state_dir

        safepath.allow(state_dir(ctx.env))
        return os.path.join(state_dir(ctx.env), STATE_NAME)
    return os.path.join(ctx.layout.local_dir, STATE_NAME)


def _load_state(path: str) -> dict[str, dict[str, object]]:
    try:
        with open(path, encoding="utf-8") as handle:
            state = json.load(handle)
    except (OSError, ValueError, RecursionError):
        return {}
    return state if isinstance(state, dict) else {}


def _save_state(path: str, state: dict[str, dict[str, object]]) -> None:
    store.atomic_write(path, (json.dumps(state, indent=1, sort_keys=True) + "\n").encode())


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise TrackerError(f"cannot read {path}: {exc.strerror}", "check its permissions") from None


def _parse(path: str, raw: bytes | None) -> dict[str, object]:
    if raw is None or not raw.strip():
        return {}
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise TrackerError(f"{path} is not valid JSON ({exc})", "fix the file first; session-tracker never overwrites it") from None
    if not isinstance(value, dict):
        raise TrackerError(f"{path} does not hold a JSON object", "fix the file first; session-tracker never overwrites it")
    return value


def _style(raw: bytes | None) -> tuple[str | int, bool]:
    """The file's indentation (spaces or a tab) and whether it ends with a newline."""
    text = raw.decode("utf-8", "replace") if raw else ""
    match = re.search(r"^[{\[][^\n]*\n([ \t]+)\S", text, re.MULTILINE)
    indent: str | int = 2
    if match:
        lead = match.group(1)
        indent = "\t" if lead.startswith("\t") else len(lead)
    return indent, (text.endswith("\n") if text else True)


def _dump(value: dict[str, object], raw: bytes | None) -> bytes:
    indent, newline = _style(raw)
    return (json.dumps(value, indent=indent, ensure_ascii=False) + ("\n" if newline else "")).encode("utf-8")


def command_for(agent: str, program: str = PROGRAM) -> str:
    """The command the agent runs: ``session-tracker hook <agent>``."""
    return f"{program} hook {agent}"


def _ours(handler: object, agent: str) -> bool:
    if not isinstance(handler, dict):
        return False
    command = handler.get("command")
    return (
        isinstance(command, str)
        and command.rstrip().endswith(f" hook {agent}")
        and any(name in command for name in ("session-tracker", "strack", "session_tracker"))
    )


def _groups(agent: str, program: str) -> dict[str, dict[str, object]]:
    spec = _spec(agent)
    unit = int(spec["unit"])  # type: ignore[call-overload]
    out: dict[str, dict[str, object]] = {}
    for event, matcher, seconds in spec["events"]:  # type: ignore[attr-defined]
        handler: dict[str, object] = {"type": "command", "command": command_for(agent, program), "timeout": seconds * unit}
        if agent == "gemini":
            handler = {"name": "session-tracker", **handler}
        if spec.get("flat"):
            out[event] = {"command": handler["command"], "timeout": handler["timeout"]}
            continue
        group: dict[str, object] = {"matcher": matcher} if matcher is not None else {}
        group["hooks"] = [handler]
        out[event] = group
    return out


def _strip(settings: dict[str, object], agent: str) -> dict[str, object]:
    """``settings`` without session-tracker's handlers (and the groups, event lists and
    ``hooks`` object that held nothing else)."""
    hooks = settings.get("hooks")
    if not isinstance(hooks, dict):
        return settings
    new_hooks: dict[str, object] = {}
    for event, groups in hooks.items():
        if not isinstance(groups, list):
            new_hooks[event] = groups
            continue
        kept: list[object] = []
        touched = False
        if _spec(agent).get("flat"):
            kept = [g for g in groups if not _ours(g, agent)]
            touched = len(kept) != len(groups)
            groups = []
        for group in groups:
            handlers = group.get("hooks") if isinstance(group, dict) else None
            if isinstance(handlers, list) and any(_ours(h, agent) for h in handlers):
                touched = True
                rest = [h for h in handlers if not _ours(h, agent)]
                if rest:
                    kept.append({**group, "hooks": rest})
            else:
                kept.append(group)
        if kept or not touched:
            new_hooks[event] = kept
    out = dict(settings)
    if new_hooks or not hooks:
        out["hooks"] = new_hooks
    else:
        del out["hooks"]
    return out


def _merge(settings: dict[str, object], agent: str, program: str) -> dict[str, object]:
    clean = _strip(settings, agent)
    hooks = clean.get("hooks")
    merged_hooks: dict[str, object] = dict(hooks) if isinstance(hooks, dict) else {}
    for event, group in _groups(agent, program).items():
        existing = merged_hooks.get(event)
        merged_hooks[event] = (list(existing) if isinstance(existing, list) else []) + [group]
    if _spec(agent).get("flat") and "version" not in clean:
        return {"version": 1, **clean, "hooks": merged_hooks}
    return {**clean, "hooks": merged_hooks}


def _block(text: str) -> tuple[int, int] | None:
    start = text.find(BEGIN)
    if start < 0:
        return None
    end = text.find(END, start)
    if end < 0:
        return None
    end += len(END)
    if text.startswith("\n", end):
        end += 1
    return start, end


def _with_block(text: str, header: str = "") -> str:
    block = f"{BEGIN}\n{INSTRUCTIONS}{END}\n"
    found = _block(text)
    if found:
        return text[: found[0]] + block + text[found[1]:]
    if not text:
        return header + block
    return text + ("\n" if text.endswith("\n") else "\n\n") + block


def _without_block(text: str) -> str:
    found = _block(text)
    if not found:
        return text
    before, after = text[: found[0]], text[found[1]:]
    if not after and before.endswith("\n\n"):
        before = before[:-1]  # the blank line install put before the block
    return before + after


def _remember(state: dict[str, dict[str, object]], path: str, raw: bytes | None) -> None:
    if path not in state:
        state[path] = {"original": None if raw is None else base64.b64encode(raw).decode()}


def _original(state: dict[str, dict[str, object]], path: str) -> tuple[bool, bytes | None]:
    entry = state.get(path)
    if not isinstance(entry, dict):
        return False, None
    value = entry.get("original")
    return True, base64.b64decode(value) if isinstance(value, str) else None


def _write(path: str, content: bytes) -> bool:
    return store.atomic_write(path, content)  # creates the directory, refuses links in the repository


def install(ctx: Context, agent: str, user: bool = False, program: str = PROGRAM) -> dict[str, object]:
    """Merge session-tracker's hooks into the agent's settings and add the instructions block.

    At project scope the store is created too (hooks never create it themselves).

    Returns:
        ``{"agent", "scope", "settings", "instructions", "changed": [paths], "notice"}``.
    Raises:
        TrackerError: unknown agent; a settings file that is not a JSON object.
    """
    settings_path, md_path = paths(ctx, agent, user)
    state_path = _state_path(ctx, user)
    if not user:
        from session_tracker.core.sessions import ensure_store

        ensure_store(ctx.layout)
    state = _load_state(state_path)
    raw = _read(settings_path)
    current = _parse(settings_path, raw)
    merged = _merge(current, agent, program)
    changed = []
    if merged != current:
        _remember(state, settings_path, raw)
        _write(settings_path, _dump(merged, raw))
        changed.append(settings_path)
    md_raw = _read(md_path)
    md_text = md_raw.decode("utf-8", "surrogateescape") if md_raw is not None else ""
    new_md = _with_block(md_text, CURSOR_RULE_HEADER if agent == "cursor" else "")
    if new_md != md_text:
        _remember(state, md_path, md_raw)
        _write(md_path, new_md.encode("utf-8", "surrogateescape"))
        changed.append(md_path)
    if changed:
        _save_state(state_path, state)
    return {
        "agent": agent,
        "scope": "user" if user else "project",
        "settings": _show(ctx, settings_path),
        "instructions": _show(ctx, md_path),
        "changed": [_show(ctx, p) for p in changed],
        "notice": NOTICES[agent],
    }


def uninstall(ctx: Context, agent: str, user: bool = False) -> dict[str, object]:
    """Remove session-tracker's hooks and instructions block; restore the files' original bytes
    when nothing else changed since the install.

    Returns:
        ``{"agent", "scope", "settings", "instructions", "changed": [paths], "notice": None}``.
    Raises:
        TrackerError: unknown agent; a settings file that is not a JSON object.
    """
    settings_path, md_path = paths(ctx, agent, user)
    state_path = _state_path(ctx, user)
    state = _load_state(state_path)
    changed = []
    raw = _read(settings_path)
    if raw is not None:
        current = _parse(settings_path, raw)
        stripped = _strip(current, agent)
        known, original = _original(state, settings_path)
        if stripped != current or known:
            before = _parse(settings_path, original)
            if _spec(agent).get("flat") and "version" not in before:
                stripped = {k: v for k, v in stripped.items() if k != "version"}  # install added it
            if known and stripped == before:
                _restore(settings_path, original)
            elif stripped != current:
                _write(settings_path, _dump(stripped, raw))
            changed.append(settings_path)
    md_raw = _read(md_path)
    if md_raw is not None:
        text = md_raw.decode("utf-8", "surrogateescape")
        without = _without_block(text)
        if agent == "cursor" and without == CURSOR_RULE_HEADER.rstrip("\n") + "\n":
            without = ""  # only the header install wrote is left
        known, original = _original(state, md_path)
        if without != text:
            original_text = original.decode("utf-8", "surrogateescape") if original is not None else ""
            if known and without.rstrip("\n") == original_text.rstrip("\n"):
                _restore(md_path, original)
            else:
                _write(md_path, without.encode("utf-8", "surrogateescape"))
            changed.append(md_path)
    for path in (settings_path, md_path):
        state.pop(path, None)
    if os.path.exists(state_path):
        _save_state(state_path, state)
    return {
        "agent": agent,
        "scope": "user" if user else "project",
        "settings": _show(ctx, settings_path),
        "instructions": _show(ctx, md_path),
        "changed": [_show(ctx, p) for p in changed],
        "notice": None,
    }


def _restore(path: str, original: bytes | None) -> None:
    """Put back the bytes from before the install (delete the file, and its directory when
    empty, if there was none)."""
    if original is not None:
        _write(path, original)
        return
    try:
        os.unlink(path)
        folder = os.path.dirname(path)
        os.rmdir(folder)
        # .cursor/rules/x.mdc: the agent's own directory may be left empty too.
        parent = os.path.dirname(folder)
        if os.path.basename(parent) in (".cursor", ".claude", ".codex", ".gemini"):
            os.rmdir(parent)
    except OSError:
        pass  # the directory holds other files: keep it


def _show(ctx: Context, path: str) -> str:
    root = ctx.layout.root
    if os.path.commonpath([path, root]) == root:
        return ctx.layout.relative(path)
    home = _home()
    return "~/" + os.path.relpath(path, home) if path.startswith(home + os.sep) else path
