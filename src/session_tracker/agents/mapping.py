"""Which tracker session an agent's session is recorded in: per-worktree local state.

One small file per agent session in ``.sessions/local/agents/`` (never committed, like the
open-session markers): ``<agent>.<agent session id>`` holding ``<file stem>\\n<sid>\\n`` (the
stem of the session's event file, ``00003-<sid>``: unique, unlike the number). The
``session.started`` event of a session an agent started also carries ``agent`` and
``agent_session_id``, so the mapping can be rebuilt from the events (and imports can tell a
session that hooks already recorded). On the hot path: standard library only.
"""

from __future__ import annotations

import os
import re

from session_tracker.core import store
from session_tracker.core.paths import Layout

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def _path(layout: Layout, agent: str, agent_session: str) -> str:
    safe = _UNSAFE.sub("_", agent_session)[:120] or "unknown"
    return os.path.join(layout.local_dir, "agents", f"{agent}.{safe}")


def lookup(layout: Layout, agent: str, agent_session: str) -> tuple[str, str] | None:
    """``(session name, sid)`` mapped to the agent's session, or None."""
    try:
        with open(_path(layout, agent, agent_session), encoding="utf-8") as handle:
            lines = handle.read().split("\n")
    except OSError:
        return None
    if len(lines) < 2 or not lines[0] or not lines[1]:
        return None
    return lines[0], lines[1]


def save(layout: Layout, agent: str, agent_session: str, name: str, sid: str) -> None:
    """Map the agent's session to tracker session ``name`` (``sid``), replacing any mapping.

    Raises:
        TrackerError: the local state directory cannot be written.
    """
    store.atomic_write(_path(layout, agent, agent_session), f"{name}\n{sid}\n".encode(), durable=False)


def forget(layout: Layout, agent: str, agent_session: str) -> None:
    """Remove the mapping (a missing one is fine)."""
    try:
        os.unlink(_path(layout, agent, agent_session))
    except OSError:
        pass


def is_open_here(layout: Layout, name: str, sid: str) -> bool:
    """True when session ``name`` with ``sid`` is open in this worktree (its marker file says
    so; ``end`` removes it) — one small read, cheaper than loading the session's events."""
    try:
        with open(os.path.join(layout.open_dir, name), encoding="utf-8") as handle:
            return handle.read().strip() == sid
    except OSError:
        return False
