"""Sessions in the store: creating the store, which session a command means, recording events.

Which session a command means (DESIGN.md, "Session identity"): ``--session`` >
``CURRENT_SESSION`` > the only session open in this worktree > an error naming the open ones.
"Open in this worktree" is a marker file per session in ``.sessions/local/open/`` (never
committed), written by ``init`` and removed by ``end``.
"""

from __future__ import annotations

import os

from session_tracker.core import store, validate
from session_tracker.core.clock import iso, now
from session_tracker.core.context import SESSION_ENV, Context
from session_tracker.core.events import Event
from session_tracker.core.model import Session, load_session_file
from session_tracker.core.paths import Layout
from session_tracker.core.ulid import new_ulid
from session_tracker.errors import TrackerError

GITATTRIBUTES = "# written by session-tracker: parallel branches merge event logs without conflicts\n*.jsonl merge=union\n"
GITIGNORE = "# written by session-tracker: per-worktree state and caches are never committed\nlocal/\nindex.sqlite*\n*.lock\n"


def ensure_store(layout: Layout) -> bool:
    """Create ``.sessions/`` with its ``.gitattributes`` and ``.gitignore`` if missing.

    Returns:
        True when the store was created by this call.
    """
    if layout.exists() and os.path.isdir(layout.open_dir):
        return False
    created = not os.path.isdir(layout.store)
    from session_tracker.core import safepath

    safepath.makedirs(layout.events_dir)
    safepath.makedirs(layout.open_dir)
    for name, content in ((".gitattributes", GITATTRIBUTES), (".gitignore", GITIGNORE)):
        path = os.path.join(layout.store, name)
        if not os.path.exists(path):
            store.atomic_write(path, content.encode())
    return created


def open_here(layout: Layout) -> dict[str, str]:
    """Sessions open in this worktree: ``{name: sid}`` from the marker files."""
    try:
        names = os.listdir(layout.open_dir)
    except FileNotFoundError:
        return {}
    found: dict[str, str] = {}
    for name in names:
        if not name[:1].isalnum() or name.endswith(".tmp"):
            continue  # a writer's temp file (".<name>.<pid>.<rand>.tmp"), never a marker
        try:
            with open(os.path.join(layout.open_dir, name), encoding="utf-8") as handle:
                found[name] = handle.read().strip()
        except OSError:
            continue
    return found


def mark_open(layout: Layout, name: str, sid: str) -> None:
    """Record that session ``name`` is open in this worktree."""
    store.atomic_write(os.path.join(layout.open_dir, name), sid.encode())


def mark_closed(layout: Layout, name: str) -> None:
    """Forget that session ``name`` is open here (a missing marker is fine)."""
    try:
        os.unlink(os.path.join(layout.open_dir, name))
    except FileNotFoundError:
        pass


def _pick(layout: Layout, name: str, sessions: list[Session]) -> Session:
    marked = open_here(layout).get(name)
    for session in sessions:
        if session.sid == marked:
            return session
    started = [s for s in sessions if s.started is not None]
    return (started or sessions)[-1]


def resolve(ctx: Context, explicit: str | None = None) -> Session:
    """The session a command means, loaded from its events.

    Raises:
        TrackerError: invalid or unknown name; no open session; several open and none chosen.
    """
    name = explicit or ctx.env.get(SESSION_ENV) or None
    if name:
        validate.session_name(name)
        sessions, _ = load_session_file(ctx.layout, name)
        if not sessions:
            raise TrackerError(
                f"unknown session {name!r}",
                f"start it with `session-tracker init --session {name}`, or see `session-tracker list`",
            )
        return _pick(ctx.layout, name, sessions)
    markers = open_here(ctx.layout)
    live: list[Session] = []
    for marked in sorted(markers):
        sessions, _ = load_session_file(ctx.layout, marked)
        match = [s for s in sessions if s.sid == markers[marked] and s.ended is None]
        if match:
            live.append(match[0])
        else:  # ended elsewhere or deleted: the marker is stale
            mark_closed(ctx.layout, marked)
    if len(live) == 1:
        return live[0]
    if not live:
        raise TrackerError(
            "no open session in this worktree",
            "start one with `session-tracker init`, or name one with --session or CURRENT_SESSION",
        )
    names = ", ".join(s.name for s in live)
    raise TrackerError(
        f"{len(live)} sessions are open here: {names}",
        f"choose one with --session {live[0].name} or `export CURRENT_SESSION={live[0].name}`",
    )


def require_open(session: Session) -> Session:
    """Return ``session`` if it is still open.

    Raises:
        TrackerError: the session has ended (events are never added to a COMPLETE session).
    """
    if session.ended is not None:
        raise TrackerError(
            f"session {session.name} is COMPLETE (ended {session.end_moment[:16].replace('T', ' ')} UTC)",
            "start the next one with `session-tracker init`",
        )
    return session


def record(ctx: Context, session: Session, type: str, data: dict[str, object], at: str | None = None) -> Event:
    """Append one event of ``type`` to ``session`` and fold it into the view.

    Args:
        at: ISO time the event describes when it differs from now (retroactive ``--at``).
    Raises:
        TrackerError: the line is too long or the file cannot be written.
    """
    if at is not None:
        data = {**data, "at": at}
    event = Event(
        id=new_ulid(),
        ts=iso(now()),
        session=session.name,
        sid=session.sid,
        type=type,
        actor=ctx.actor,
        data=data,
    )
    start, end = store.append(ctx.layout.session_file(session.name), event, redact=ctx.redact)
    session.file_size = end if session.file_size == start else -1
    session.add(event)
    return event
