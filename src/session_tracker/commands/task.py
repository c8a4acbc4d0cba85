"""``task.updated``: a minimal task record, until the task model (its own issue) lands.

One event per change: ``{task, status, note?}``. The newest event of a task is its state; the
agent hooks show tasks in progress or blocked in the handoff they inject at SessionStart, and
the MCP server's ``task_update`` tool writes these events.
"""

from __future__ import annotations

from session_tracker import docs, validate
from session_tracker.context import Context
from session_tracker.errors import TrackerError
from session_tracker.sessions import record, require_open, resolve

STATUSES = ("todo", "in_progress", "blocked", "done")


def update(ctx: Context, task: str, status: str, note: str | None = None, session: str | None = None) -> dict[str, object]:
    """Record that ``task`` is now ``status`` (todo, in_progress, blocked, done).

    Returns:
        ``{"session", "id", "task", "status", "note"}``.
    Raises:
        TrackerError: empty task, unknown status, bad note, no open session.
    """
    name = validate.text(task, "task")
    if status not in STATUSES:
        raise TrackerError(f"unknown task status {status!r}", "use one of: " + ", ".join(STATUSES))
    data: dict[str, object] = {"task": name, "status": status}
    if note is not None and note.strip():
        data["note"] = validate.text(note, "note")
    target = require_open(resolve(ctx, session))
    event = record(ctx, target, "task.updated", data)
    docs.write_session(ctx, target.name, target.sid, kinds=("log",))
    return {"session": target.name, "id": event.id, "task": name, "status": status, "note": data.get("note")}
