"""What of each event is searchable, and under which kind; and which file paths it names.

Folded by event ``type`` (never by the file an event came from), so the same rules hold
whatever the event-file layout. An unknown type (from a newer version) is still searchable:
every string in its ``data``.
"""

from __future__ import annotations

#: Event type -> (search kind, the data keys whose text is searched).
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "note": ("entry", ("message",)),  # imported prompts are notes too
    "decision": ("decision", ("message", "rationale", "alternatives")),
    "blocker.opened": ("blocker", ("blocker", "message", "impact", "plan")),
    "blocker.resolved": ("blocker", ("blocker", "message")),
    "handoff.item": ("handoff", ("message",)),
    "session.started": ("session", ("objectives",)),
    "session.ended": ("next", ("next",)),
    "commit": ("commit", ("sha", "subject")),
    "command.run": ("command", ("command",)),
    "file.touched": ("file", ("path",)),
    "files.changed": ("file", ()),
    "task.added": ("task", ("task", "title", "success")),
    "task.set": ("task", ("task", "title", "success")),
    "task.updated": ("task", ("task", "note")),
    "question.opened": ("question", ("question", "message")),
    "question.answered": ("question", ("question", "message")),
    "next.added": ("next", ("next", "message")),
    "issue.noted": ("issue", ("issue", "message")),
    "issue.fixed": ("issue", ("issue", "message")),
    "memory.added": ("memory", ("message", "rationale", "context", "alternatives")),
    "risk.added": ("risk", ("message", "mitigation")),
    "review.recorded": ("review", ("worked", "failed", "lessons")),
    "gate.overridden": ("gate", ("message",)),
    "milestone.added": ("plan", ("name", "notes")),
    "milestone.set": ("plan", ("name", "notes")),
    "component.added": ("plan", ("name", "notes")),
    "component.set": ("plan", ("name", "notes")),
    "phase.added": ("plan", ("name",)),
    "resource.added": ("plan", ("path", "note")),
    "interface.defined": ("plan", ("text",)),
}
#: Types with nothing a person searches for (numbers, snapshots of state).
SILENT = frozenset({"usage", "agent.activity", "checkpoint", "metrics.recorded", "check.item", "project.set", "phase.set", "plan.removed"})


def _strings(value: object, out: list[str]) -> None:
    if isinstance(value, str):
        if value:
            out.append(value)
    elif isinstance(value, list):
        for item in value:
            _strings(item, out)
    elif isinstance(value, dict):
        for item in value.values():
            _strings(item, out)


def searchable(type: str, data: dict[str, object], paths: list[str] | None = None) -> tuple[str, str] | None:
    """``(kind, text)`` to index for an event, or None when it holds nothing to search.

    File paths an event names (``paths``: :func:`paths_of`, computed here when None) are part
    of its text too (a commit's files, a snapshot's)."""
    if type in SILENT:
        return None
    spec = FIELDS.get(type)
    parts: list[str] = []
    if spec is None:
        kind = "other"
        _strings(data, parts)
    else:
        kind, keys = spec
        for key in keys:
            _strings(data.get(key), parts)
    parts += paths_of(type, data) if paths is None else paths
    text = "\n".join(dict.fromkeys(parts)) if len(parts) > 1 else (parts[0] if parts else "")
    return (kind, text) if text else None


def _file_paths(files: object, out: list[str]) -> None:
    if isinstance(files, list):
        for entry in files:
            if isinstance(entry, str):
                out.append(entry)
            elif isinstance(entry, dict):
                for key in ("path", "old_path"):
                    value = entry.get(key)
                    if isinstance(value, str) and value:
                        out.append(value)


_PATH_TYPES = frozenset({"file.touched", "files.changed", "commit", "session.ended"})


def paths_of(type: str, data: dict[str, object]) -> list[str]:
    """The file paths an event says a session touched (agent edits, snapshots, commits, end)."""
    if type not in _PATH_TYPES:
        return []
    out: list[str] = []
    if type == "file.touched":
        path = data.get("path")
        if isinstance(path, str) and path:
            out.append(path)
    elif type in ("files.changed", "commit"):
        _file_paths(data.get("files"), out)
    elif type == "session.ended":
        git = data.get("git")
        if isinstance(git, dict):
            _file_paths(git.get("files"), out)
    return list(dict.fromkeys(out))
