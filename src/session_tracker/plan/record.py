"""Recording project events: checked as a whole, written in one go, then the documents.

A plan change is built from the current plan under the store lock (so ids like ``task-4``
are never handed out twice), folded onto that plan in memory, checked
(:meth:`Plan.problems`), and only then written — every line of the change in a single
``os.write`` on an ``O_APPEND`` descriptor, so a change (``plan import`` included) is applied
whole or not at all. The project documents are re-rendered afterwards under the render lock.
"""

from __future__ import annotations

import os

from session_tracker.core import store
from session_tracker.core.clock import iso, now
from session_tracker.core.context import SESSION_ENV, Context
from session_tracker.core.events import Event, encode
from session_tracker.core.sessions import ensure_store, require_open, resolve
from session_tracker.core.ulid import new_ulid
from session_tracker.errors import TrackerError
from session_tracker.plan.model import NO_SESSION, Plan, load_plan

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

Change = list[tuple[str, dict[str, object]]]


def recording_session(ctx: Context, session: str | None) -> tuple[str, str]:
    """``(name, sid)`` of the session a plan change is recorded against.

    ``--session``/``CURRENT_SESSION`` must name an open session; otherwise the one open
    session here, or the sentinel ``("project", "project")`` when none (or several) are open.
    """
    if session or ctx.env.get(SESSION_ENV):
        target = require_open(resolve(ctx, session))
        return target.name, target.sid
    try:
        target = resolve(ctx)
    except TrackerError:
        return NO_SESSION, NO_SESSION
    return target.name, target.sid


def append_all(path: str, events: list[Event], redact: bool = True) -> None:
    """Append ``events`` to ``path`` with one ``os.write`` (all lines or none).

    Raises:
        TrackerError: a line is over 64 KiB, or the file cannot be written.
    """
    if redact:
        from session_tracker.core.redact import redact_value

        for event in events:
            event.data = redact_value(event.data)  # type: ignore[assignment]
    blob = b"".join(encode(e) for e in events)
    from session_tracker.core import safepath

    fd = safepath.open_append(path)
    try:
        written = os.write(fd, blob)
    except OSError as exc:
        raise TrackerError(f"cannot write {path}: {exc.strerror}", "check free disk space") from None
    finally:
        os.close(fd)
        store.appended_in_place(path)
    if written != len(blob):
        raise TrackerError(f"short write to {path}", "check free disk space; then run `session-tracker doctor`")


def change(ctx: Context, build: Callable[[Plan], Change], session: str | None = None, where: str = "") -> tuple[list[Event], Plan]:
    """Apply one plan change (documents are rendered by the caller): ``build(plan)`` returns ``[(type, data)]`` (and raises
    TrackerError on bad input); the events are folded and checked before anything is written.

    Args:
        where: prefix for problem messages (``plan.toml``), so errors name the file.
    Returns:
        ``(events written, the plan after the change)``.
    Raises:
        TrackerError: bad input, or a plan the change would leave inconsistent (nothing written).
    """
    name, sid = recording_session(ctx, session)
    with store.Lock(ctx.layout.lock_file("store")):
        plan = load_plan(ctx.layout)
        before = set(plan.problems())
        specs = build(plan)
        stamp = iso(now())
        events = [Event(id=new_ulid(), ts=stamp, session=name, sid=sid, type=t, actor=ctx.actor, data=d) for t, d in specs]
        for event in events:
            plan.apply(event)
        new = [p for p in plan.problems() if p not in before]
        if new:
            prefix = f"{where}: " if where else ""
            raise TrackerError(prefix + new[0], "nothing was changed; fix it and run the command again" + (f" ({len(new) - 1} more problem(s))" if len(new) > 1 else ""))
        if events:
            ensure_store(ctx.layout)  # only now: a refused change leaves no trace
            from session_tracker.core import journal
            from session_tracker.core.files import project_file

            # This clone's own file on this branch (no other clone or branch appends to it),
            # through its journal like an open session's: published at commit and at end.
            stem = os.path.basename(project_file(ctx.layout))[:-6]
            path = journal.path_of(ctx.layout, stem)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            if not os.path.exists(path) and os.path.exists(ctx.layout.session_file(stem)):
                journal.start_from_file(ctx.layout, stem)
            append_all(path, events, redact=ctx.redact)
    return events, plan
