"""When the project-wide documents are rendered: now, or by a background process.

SESSION_TRACKER.md, progress.txt, IMPLEMENTATION.md, the memory files and seed 003's documents
of the open sessions are views of the whole history: rendering them costs what the history
costs. On a small store (at most :data:`SYNC_LIMIT` session files) a command renders them before
it returns, as always. On a larger one a per-session command (``decision``, ``blocker``,
``init``, ``end``, the agent hooks …) must cost only its own session, so it asks for a render
instead: it starts one detached background process (``render_pending``) unless one is
already pending, and returns. The background process takes the project documents' lock
(``writer.PROJECT_LOCK``, not the session documents' ``render`` lock: a per-session command
never waits for it), removes the
pending marker, and only then reads the events, so every append made before the marker went
is in what it renders, and any later one schedules the next render
(:func:`session_tracker.commands.render.render_pending`). ``render``, ``doctor`` and the git
hooks' render stay synchronous.

``SESSION_TRACKER_SYNC_LIMIT`` overrides the limit (0: always in the background; a big number:
never).
"""

from __future__ import annotations

import os
import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from session_tracker.core.context import Context
    from session_tracker.core.paths import Layout

SYNC_LIMIT = 200
LIMIT_ENV = "SESSION_TRACKER_SYNC_LIMIT"
STALE_AFTER_S = 120.0  # a marker older than this belongs to a background render that died
LOCK_WAIT_S = 600.0  # the background render waits this long for a foreground render to finish


def marker(layout: Layout) -> str:
    return os.path.join(layout.local_dir, "project-render.pending")


def sync_limit(env: dict[str, str]) -> int:
    """The number of session files up to which project documents are rendered in the foreground."""
    value = env.get(LIMIT_ENV, "")
    return int(value) if value.strip().isdecimal() else SYNC_LIMIT


def too_big(ctx: Context) -> bool:
    """True when the store holds more session files than the limit (counted from the listing
    ``files.scan`` keeps, without reading them)."""
    from session_tracker.core.files import scan

    listing = scan(ctx.layout)
    return len(listing.stems) + len(listing.project) > sync_limit(ctx.env)


def schedule(ctx: Context, sessions: tuple[str, ...] = ()) -> bool:
    """Start a background render of the project documents (and of seed 003's documents of
    ``sessions``, besides those open here) unless one is pending; a pending one is told the
    names (one per line, appended to its marker).

    Returns True when a render is pending (started now, or earlier and not yet begun); False
    when none could be started (then the caller renders now). Never raises.
    """
    pending = marker(ctx.layout)
    line = "".join(f"{name}\n" for name in sessions).encode()
    try:
        os.makedirs(ctx.layout.local_dir, exist_ok=True)
        try:
            young = time.time() - os.stat(pending).st_mtime < STALE_AFTER_S
        except FileNotFoundError:
            young = False
        if young:
            try:
                fd = os.open(pending, os.O_WRONLY | os.O_APPEND)  # no O_CREAT: gone means taken
                try:
                    os.write(fd, line)
                finally:
                    os.close(fd)
                return True  # the pending render reads this command's events and names
            except FileNotFoundError:
                pass
        fd = os.open(pending, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
    except OSError:
        return False
    env = {**ctx.env, "SESSION_TRACKER_ROOT": ctx.layout.root}
    code = "from session_tracker.commands.render import render_pending; render_pending()"
    try:
        devnull = os.open(os.devnull, os.O_RDWR)
        try:
            actions = [(os.POSIX_SPAWN_DUP2, devnull, 0), (os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)]
            os.posix_spawn(sys.executable, [sys.executable, "-c", code], env, file_actions=actions, setsid=True)
        finally:
            os.close(devnull)
    except (OSError, AttributeError):  # no posix_spawn (Windows): render now instead
        take(ctx.layout)
        return False
    return True


def take(layout: Layout) -> list[str]:
    """Remove the pending marker; the session names it held."""
    taken = f"{marker(layout)}.{os.getpid()}"
    try:
        os.replace(marker(layout), taken)
    except FileNotFoundError:
        return []
    try:
        with open(taken, encoding="utf-8") as handle:
            return [line.strip() for line in handle if line.strip()]
    finally:
        os.unlink(taken)
