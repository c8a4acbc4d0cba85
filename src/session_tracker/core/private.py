"""What agents said, kept on the machine that recorded it.

Prompts and command lines are the most sensitive text the tool keeps (committed transcripts
have set off secret scanners by the dozen). By default (``[privacy] share_agent_text =
false``) the two writers of agent text — the agent hooks and ``import`` — keep that text in
``.sessions/local/private/<stem>.jsonl`` (the stem of the session's event file,
``00003-<sid>``: unique, and unchanged by ``renumber``; never committed, like all of
``local/``), and the committed event carries only what a teammate needs:

* ``command.run`` — everything but ``command`` (tool, ``exit``, ``failed``, ``ref`` …), with
  ``command_local: true``;
* a prompt (a ``note`` with ``prompt: true``) — becomes ``agent.activity`` ``{"event":
  "prompt", "ref", "at", "local": true}``: when it was said, not what.

Each private line is ``{"v": 1, "event": <committed event id>, "sid", "field": "command" |
"prompt", "text"}``, redacted like every event. Compaction summaries are never kept at all.
With ``share_agent_text = true`` the text stays in the committed events (redacted). Documents
never read the private file (they must be the same on every machine); ``show`` and ``summary``
on the recording machine do.
"""

from __future__ import annotations

import json
import os

from session_tracker.core.events import Event

DIRNAME = "private"


def path_for(local_dir: str, name: str) -> str:
    """``<local_dir>/private/<name>.jsonl``."""
    return os.path.join(local_dir, DIRNAME, f"{name}.jsonl")


def split(event: Event) -> dict[str, object] | None:
    """Take the agent text out of ``event`` (changed in place) and return the private record,
    or None when the event holds none."""
    data = event.data
    if event.type == "command.run" and isinstance(data.get("command"), str):
        text = data.pop("command")
        data["command_local"] = True
        return {"v": 1, "event": event.id, "sid": event.sid, "field": "command", "text": text}
    if event.type == "note" and data.get("prompt") is True and isinstance(data.get("message"), str):
        text = str(data["message"])
        event.type = "agent.activity"
        event.data = {"event": "prompt", "local": True, **{k: data[k] for k in ("ref", "at", "agent_session") if k in data}}
        return {"v": 1, "event": event.id, "sid": event.sid, "field": "prompt", "text": text}
    return None


def keep(path: str, record: dict[str, object], redact: bool = True) -> None:
    """Append ``record`` to the private file at ``path`` (one ``os.write``; created with its
    directory, readable by the user only).

    Raises:
        TrackerError: the path is refused (a symbolic link, outside the repository) or cannot be
            written; OSError on a failed write (the hook notes either and never breaks).
    """
    if redact:
        from session_tracker.core.redact import redact_value

        record = redact_value(record)  # type: ignore[assignment]
    from session_tracker.core import safepath

    safepath.makedirs(os.path.dirname(path))  # inside the repository, no link on the way
    fd = safepath.open_append(path)
    try:
        os.fchmod(fd, 0o600)  # the user's own text: readable by the user only
        os.write(fd, (json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8", "replace"))
    finally:
        os.close(fd)


def load(path: str) -> dict[str, dict[str, str]]:
    """``{event id: {field: text}}`` from a private file (missing file, bad lines: skipped)."""
    out: dict[str, dict[str, str]] = {}
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return out
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and isinstance(record.get("event"), str) and isinstance(record.get("text"), str):
            out.setdefault(record["event"], {})[str(record.get("field"))] = record["text"]
    return out
