"""``task.updated`` for agents: a task of the project plan (``task-N``) moves there, like
``task start|done|block``; any other name is a free-form task recorded in the open session.

One event per change: ``{task, status, note?}``. The newest event of a task is its state; the
agent hooks show tasks in progress or blocked in the handoff they inject at SessionStart, and
the MCP server's ``task_update`` tool calls :func:`update`.
"""

from __future__ import annotations

from session_tracker.core import validate
from session_tracker.core.context import Context
from session_tracker.core.sessions import record, require_open, resolve
from session_tracker.documents import writer
from session_tracker.errors import TrackerError

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
    reason = validate.text(note, "note") if note is not None and note.strip() else None
    data: dict[str, object] = {"task": name, "status": status}
    if reason is not None:
        data["note"] = reason
    from session_tracker.plan.model import load_plan

    if name in load_plan(ctx.layout).tasks:  # a task of the project plan (task-N): move it there
        from session_tracker.commands.plan import task_move
        from session_tracker.plan.record import recording_session

        verb = {"in_progress": "start", "done": "done", "blocked": "block", "todo": "reopen"}[status]
        task_move(ctx, verb, name, reason=reason, session=session)
        return {"session": recording_session(ctx, session)[0], "id": None, "task": name, "status": status, "note": reason, "plan": True}
    target = require_open(resolve(ctx, session))
    event = record(ctx, target, "task.updated", data)
    writer.write_session(ctx, target.file, target.sid, kinds=("log",))
    return {"session": target.name, "id": event.id, "task": name, "status": status, "note": data.get("note")}
