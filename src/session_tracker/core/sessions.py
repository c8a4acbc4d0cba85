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
from session_tracker.core.files import scan, split_stem
from session_tracker.core.model import Session, load_session_file, sessions_numbered
from session_tracker.core.paths import Layout
from session_tracker.core.select import choose, looks_like_sid_prefix
from session_tracker.core.ulid import new_ulid
from session_tracker.errors import TrackerError

#: What releases before issue 11 wrote to ``.sessions/.gitattributes`` (``migrate`` removes it:
#: hosting services ignore ``merge=union``, and with one writer per file nothing needs it).
LEGACY_GITATTRIBUTES = "# written by session-tracker: parallel branches merge event logs without conflicts\n*.jsonl merge=union\n"
GITIGNORE = "# written by session-tracker: per-worktree state and caches are never committed\nlocal/\nindex.sqlite*\n*.lock\n"


def ensure_store(layout: Layout) -> bool:
    """Create ``.sessions/events/`` and ``local/`` if missing, after writing the ignore rules
    (``.sessions/local/`` and the documents) into ``.git/info/exclude``
    (:mod:`session_tracker.core.ignore`): the store adds no file but event files to a branch.
    Outside git, where there is nothing to ignore them, ``.sessions/.gitignore`` keeps
    ``local/`` out of whatever the project does with the directory.

    Returns:
        True when the store was created by this call.
    """
    if layout.exists() and os.path.isdir(layout.open_dir):
        return False
    from session_tracker.core import config, ignore

    created = not os.path.isdir(layout.store)
    from session_tracker.core import safepath

    in_git = ignore.exclude_file(layout.root) is not None
    if in_git:
        ignore.ensure(layout, config.load(layout))
    safepath.makedirs(layout.events_dir)
    safepath.makedirs(layout.open_dir)
    path = os.path.join(layout.store, ".gitignore")
    if not in_git and not os.path.exists(path):
        store.atomic_write(path, GITIGNORE.encode())
    return created


def open_here(layout: Layout) -> dict[str, str]:
    """Sessions open in this worktree: ``{file stem: sid}`` from the marker files (named by
    the session's event file stem, ``00003-<sid>``; a legacy session's by its number)."""
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
    """Record that the session of file stem ``name`` is open in this worktree."""
    store.atomic_write(os.path.join(layout.open_dir, name), sid.encode())


def mark_closed(layout: Layout, name: str) -> None:
    """Forget that session ``name`` is open here (a missing marker is fine)."""
    try:
        os.unlink(os.path.join(layout.open_dir, name))
    except FileNotFoundError:
        pass


def find(ctx: Context, key: str, unknown_hint: str | None = None) -> Session:
    """The session ``key`` names: a number, a file stem, a session id or a unique prefix of
    one (:func:`session_tracker.core.model.choose`). Reads only the files that can match.

    Args:
        unknown_hint: the hint when no session matches (readers say where to look; the
            default says how to start one).
    Raises:
        TrackerError: invalid, unknown or ambiguous key.
    """
    validate.session_name(key)
    listing = scan(ctx.layout)
    stems = listing.numbered(key)
    if listing.has(key):
        stems.append(key)
    if not stems and looks_like_sid_prefix(key):
        stems = [found[0] for sid, found in listing.by_sid.items() if sid.startswith(key.upper())]
        if not stems:  # legacy files know their sessions' ids only inside
            stems = [s for s in listing.stems if not split_stem(s)[1]]
    candidates: list[Session] = []
    if listing.renumbered() and not (len(stems) == 1 and listing.has(key)):
        candidates = sessions_numbered(ctx.layout, listing, key)
    for stem in dict.fromkeys(stems):
        found, _ = load_session_file(ctx.layout, stem, listing)
        candidates += [s for s in found if s.sid not in {c.sid for c in candidates}]
    chosen = choose(candidates, key)
    if chosen is None:
        raise TrackerError(
            f"unknown session {key!r}",
            unknown_hint or f"start it with `session-tracker init --session {key}`, or see `session-tracker list`",
        )
    return chosen


def resolve(ctx: Context, explicit: str | None = None) -> Session:
    """The session a command means, loaded from its events.

    Raises:
        TrackerError: invalid, unknown or ambiguous name; no open session; several open and
            none chosen.
    """
    name = explicit or ctx.env.get(SESSION_ENV) or None
    if name:
        return find(ctx, name)
    markers = open_here(ctx.layout)
    live: list[Session] = []
    listing = scan(ctx.layout) if markers else None
    for marked in sorted(markers):
        sessions, _ = load_session_file(ctx.layout, marked, listing)
        match = [s for s in sessions if s.sid == markers[marked] and s.ended is None]
        if match:
            live.append(match[0])
        else:  # ended elsewhere, or deleted with no journal to bring it back: the marker is stale
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
    append_to_session(ctx, session.file, event, session)
    session.add(event)
    return event


def append_to_session(ctx: Context, stem: str, event: Event, size_known: Session | None = None) -> None:
    """Append ``event`` to the session of file ``stem``: to its journal while it is open here
    (:mod:`session_tracker.core.journal`: the committed file is published at commit and end,
    so git never finds it changed between commits), else to the file itself.

    Raises:
        TrackerError: the line is too long or the file cannot be written.
    """
    from session_tracker.core import journal

    target = journal.path_of(ctx.layout, stem)
    if not os.path.exists(target):
        target = ctx.layout.session_file(stem)
    start, end = store.append(target, event, redact=ctx.redact)
    if size_known is not None:
        size_known.file_size = end if size_known.file_size == start else -1


def start_journal(ctx: Context, stem: str) -> None:
    """Begin the journal of a session now open here with what its events file holds (the
    ``session.started`` line ``init`` wrote)."""
    from session_tracker.core import journal

    with open(ctx.layout.session_file(stem), "rb") as handle:
        store.atomic_write(journal.path_of(ctx.layout, stem), handle.read(), durable=False)
