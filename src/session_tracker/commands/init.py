"""``init``: start a session (seed 001) and show the last handoff (the seeds' first rule)."""

from __future__ import annotations

import os

from session_tracker.core import capture, store, validate
from session_tracker.core.clock import iso, local_offset, now
from session_tracker.core.context import Context
from session_tracker.core.events import Event
from session_tracker.core.files import session_stem
from session_tracker.core.sessions import ensure_store, mark_open, start_journal
from session_tracker.core.ulid import new_ulid
from session_tracker.documents import writer
from session_tracker.errors import TrackerError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

REGISTRY = "session-tracker-numbers"  # in the git common dir: numbers taken by any worktree


def _registry(common_dir: str | None) -> str | None:
    if not common_dir:
        return None
    from session_tracker.core import safepath

    safepath.add_root(common_dir)  # numbers are registered in the git common dir
    return os.path.join(common_dir, REGISTRY)


def _taken(ctx: Context, registry: str | None) -> tuple[Callable[[str], bool], Callable[[], set[str]]]:
    """``(is_taken(name), every_name())``: a number of a session file here or in the registry
    of every worktree. One name is looked up in the listing; all of them (10,000 at 10,000
    sessions) are gathered only when the next free number is wanted."""
    from session_tracker.core.files import scan

    listing = scan(ctx.layout)
    registered: set[str] = set()
    if registry:
        try:
            with open(registry, encoding="utf-8") as handle:
                registered = {line.strip() for line in handle if line.strip()}
        except FileNotFoundError:
            pass
    return (lambda name: name in registered or bool(listing.numbered(name))), (lambda: set(listing.by_number) | registered)


def next_number(taken: set[str]) -> str:
    """The next free five-digit session number after the highest numeric name taken."""
    highest = max((int(n) for n in taken if n.isdecimal()), default=0)
    return f"{highest + 1:05d}"


def previous_work(ctx: Context) -> tuple[str | None, str | None, list[dict[str, object]], list[dict[str, object]]]:
    """``(session name, handoff text)`` of the newest ended session (``(None, None)`` when none
    has ended), then the open steps and blockers (:func:`~session_tracker.commands.open_work.open_work`).

    Reads that session in full and of the others only their blockers, metrics and steps, from
    the index (one connection, one refresh), so starting a session costs the same on a store of
    any size.
    """
    from session_tracker import index
    from session_tracker.commands.handoff import newest
    from session_tracker.commands.open_work import open_work

    conn = index.connect_fresh(ctx.layout)
    try:
        shown = newest(ctx, conn)
        steps, blockers = open_work(ctx, conn)
    finally:
        conn.close()
    if shown is None:
        return None, None, steps, blockers
    return str(shown["session"]), str(shown["handoff"]), steps, blockers


def start_session(
    ctx: Context,
    data: dict[str, object],
    session: str | None = None,
    common_dir: str | None = None,
    actor: str | None = None,
) -> tuple[str, str]:
    """Allocate the session's name and append its ``session.started`` event (no git capture).

    Shared by ``init`` and the agent integrations (hooks, transcript imports), which bring
    their own ``data`` (``number`` is filled in here).

    Args:
        data: the ``session.started`` data (objectives, tz, git, agent fields, ``at`` …).
        session: the name to use; None takes the next free five-digit number.
        common_dir: the git common dir, where numbers are registered across worktrees.
        actor: who starts it (default: the context's actor).
    The session's events go to ``events/<name>-<sid>.jsonl`` (:mod:`session_tracker.core.files`):
    two clones that both take number 00003 still write two files.

    Returns:
        ``(name, sid)``; the file stem is ``f"{name}-{sid}"``.
    Raises:
        TrackerError: the name is taken (here: numbers are unique per clone, not per team).
    """
    ensure_store(ctx.layout)
    registry = _registry(common_dir)
    lock_path = registry + ".lock" if registry else ctx.layout.lock_file("numbers")
    with store.Lock(lock_path):
        is_taken, every_name = _taken(ctx, registry)
        if session is None:
            name = next_number(every_name())
        else:
            name = session
            if is_taken(name) or name.startswith("project-"):
                raise TrackerError(
                    f"session {name} already exists",
                    f"continue it with --session {name}, or start the next free number: "
                    f"session-tracker init --session {next_number(every_name())}",
                )
        sid = new_ulid()
        event = Event(
            id=sid,
            ts=iso(now()),
            session=name,
            sid=sid,
            type="session.started",
            actor=actor or ctx.actor,
            data={"number": name, **data},
        )
        store.append(ctx.layout.session_file(session_stem(name, sid)), event, redact=ctx.redact)
        if registry:
            from session_tracker.core import safepath

            fd = safepath.open_append(registry)
            try:
                os.write(fd, f"{name}\n".encode())
            finally:
                os.close(fd)
    return name, sid


def init(
    ctx: Context,
    session: str | None = None,
    objectives: tuple[str, ...] = (),
    extra: dict[str, object] | None = None,
    context: bool = True,
) -> dict[str, object]:
    """Start a session: allocate or check its name, capture git, write ``session.started``.

    Args:
        session: the name to use (seed 001's ``--session 00003``); None takes the next free
            five-digit number, unique across this repository's worktrees.
        objectives: what the session sets out to do (``--objective``, repeatable).
        extra: more ``session.started`` data (the agent hooks add ``agent`` and
            ``agent_session_id``).
        context: look up the previous handoff and the open work (the SessionStart hook composes
            its own context, so it passes False and ``previous_*``, ``next_steps`` and
            ``blockers_open`` come back empty).
    Returns:
        ``{"session", "sid", "objectives", "git", "notice", "previous_session",
        "previous_handoff", "documents", "next_steps" [{id, message, priority, session, added,
        source}], "blockers_open" [{id, message, session}]}``.
    Raises:
        TrackerError: invalid or taken name, empty objective.
    """
    from session_tracker.index.stamps import trust_directories

    trust_directories()  # one session's command: the directories tell what changed (index/stamps.py)
    from session_tracker.index import look_before_writing

    look_before_writing(ctx.layout)
    if session is not None:
        validate.session_name(session)
    goals = [validate.text(o, "objective") for o in objectives]
    ensure_store(ctx.layout)
    from session_tracker.core import ignore

    ignore.ensure(ctx.layout, ctx.config)  # documents are views: git ignores them (core/ignore.py)
    repo, notice = capture.repo_for(ctx)
    git_start = capture.at_start(ctx, repo) if repo else None
    data: dict[str, object] = {"objectives": goals, "tz": local_offset(), "git": git_start, **(extra or {})}
    name, sid = start_session(ctx, data, session, repo.common_dir if repo else None)
    start_journal(ctx, session_stem(name, sid))  # its events live there until published (core/journal.py)
    mark_open(ctx.layout, session_stem(name, sid), sid)
    written = writer.write_session(ctx, session_stem(name, sid), sid, kinds=("log", "decisions", "files"))
    written += writer.write_project(ctx)  # SESSION_TRACKER.md shows the new current session
    prev_name, prev_text, steps, blockers = previous_work(ctx) if context else (None, None, [], [])
    return {
        "session": name,
        "sid": sid,
        "objectives": goals,
        "git": git_start,
        "notice": notice or None,
        "previous_session": prev_name,
        "previous_handoff": prev_text,
        "documents": [ctx.layout.relative(p) for p in written],
        "next_steps": steps,
        "blockers_open": blockers,
    }


