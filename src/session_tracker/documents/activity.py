"""What an AI coding agent did in a session, folded from its events (hooks or an import): the
files it edited, the commands it ran and which failed, its tokens by model, its subagents and
compactions. Pure: the same events give the same view, for the handoff, ``show`` and ``summary``.
"""

from __future__ import annotations

from session_tracker.core.model import Session

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

TOKEN_KEYS = ("input_tokens", "cache_read_input_tokens", "cache_creation_input_tokens", "output_tokens")
MAX_LISTED = 30  # files or failed commands listed by name; the rest are counted


def activity(session: Session, private: dict[str, dict[str, str]] | None = None) -> dict[str, object]:
    """The agent's activity in ``session``; ``private`` (:func:`session_tracker.core.private.load`)
    fills in the command lines kept on this machine — documents never pass it.

    Returns:
        ``{"files": [{path, edits}], "commands": int, "failed": [{command, exit?}],
        "tokens": {model: {input_tokens, cache_read_input_tokens, cache_creation_input_tokens,
        output_tokens, total}}, "tokens_total": int, "subagents": [id], "compactions": int,
        "prompts_local": int}`` (``command`` is '' for a command line kept on another machine);
        token meanings as in :mod:`session_tracker.importers`. Empty lists and zeros when the
        session has no agent activity.
    """
    files: dict[str, int] = {}
    commands = 0
    failed: list[dict[str, object]] = []
    tokens: dict[str, dict[str, int]] = {}
    subagents: list[str] = list(session.started.texts("subagents")) if session.started else []
    compactions = 0
    prompts_local = 0
    for event in session.of_type("file.touched", "command.run", "usage", "checkpoint", "agent.activity"):
        sub = event.text("subagent")
        if sub and sub not in subagents:
            subagents.append(sub)
        if event.type == "file.touched":
            path = event.text("path")
            if path:
                files[path] = files.get(path, 0) + 1
        elif event.type == "command.run":
            commands += 1
            if event.data.get("failed") is True:
                command = event.text("command") or (private or {}).get(event.id, {}).get("command", "")
                item: dict[str, object] = {"command": command}
                if isinstance(event.data.get("exit"), int):
                    item["exit"] = event.data["exit"]
                failed.append(item)
        elif event.type == "usage":
            into = tokens.setdefault(event.text("model") or "unknown", dict.fromkeys((*TOKEN_KEYS, "total"), 0))
            for key in TOKEN_KEYS:
                value = event.data.get(key)
                if isinstance(value, int) and not isinstance(value, bool):
                    into[key] += value
                    into["total"] += value
        elif event.type == "checkpoint" and event.text("phase") != "post":
            compactions += 1  # PreCompact and PostCompact describe one compaction
        elif event.type == "agent.activity" and event.text("event") == "prompt":
            prompts_local += 1
    return {
        "files": [{"path": p, "edits": n} for p, n in files.items()],
        "commands": commands,
        "failed": failed,
        "tokens": tokens,
        "tokens_total": sum(t["total"] for t in tokens.values()),
        "subagents": subagents,
        "compactions": compactions,
        "prompts_local": prompts_local,
    }


def has_activity(view: dict[str, object]) -> bool:
    """True when :func:`activity` found anything to show."""
    return bool(view["files"] or view["commands"] or view["tokens"] or view["compactions"] or view["subagents"] or view.get("prompts_local"))


def text_lines(view: dict[str, object], code: Callable[[str], str] | None = None, escape: Callable[[str], str] | None = None) -> list[str]:
    """Markdown-ish lines for people. ``code``/``escape``: functions that make a path or a
    command inline code and escape text (the handoff passes ``render.md``'s); plain text
    without them."""

    def as_code(value: str) -> str:
        return code(value) if code is not None else value

    def as_text(value: str) -> str:
        return escape(value) if escape is not None else value

    lines: list[str] = []
    files: list[dict[str, object]] = view["files"]  # type: ignore[assignment]
    if files:
        shown = ", ".join(as_code(str(f["path"])) for f in files[:MAX_LISTED])
        more = f" and {len(files) - MAX_LISTED} more" if len(files) > MAX_LISTED else ""
        lines.append(f"- Files edited by the agent ({len(files)}): {shown}{more}")
    failed: list[dict[str, object]] = view["failed"]  # type: ignore[assignment]
    if view["commands"]:
        lines.append(f"- Commands: {view['commands']} run, {len(failed)} failed")
        for item in failed[:MAX_LISTED]:
            exit_code = f" (exit {item['exit']})" if "exit" in item else ""
            command = str(item["command"])[:200]
            shown_command = as_code(command) if command else "(command line kept on the machine that recorded it)"
            lines.append(f"  - {shown_command}{exit_code}")
    tokens: dict[str, dict[str, int]] = view["tokens"]  # type: ignore[assignment]
    for model, t in tokens.items():
        lines.append(
            f"- Tokens, {as_text(model)}: {t['total']:,} (input {t['input_tokens']:,}, cache read {t['cache_read_input_tokens']:,}, "
            f"cache write {t['cache_creation_input_tokens']:,}, output {t['output_tokens']:,})"
        )
    subagents: list[str] = view["subagents"]  # type: ignore[assignment]
    if subagents:
        lines.append("- Subagents: " + ", ".join(as_code(s) for s in subagents))
    if view["compactions"]:
        lines.append(f"- Context compactions: {view['compactions']}")
    if view.get("prompts_local"):
        lines.append(f"- Prompts: {view['prompts_local']} (their text is kept on the machine that recorded them)")
    return lines
