"""Every location session-tracker reads or writes, decided once.

The project root is found without running git (this is on the hot path): the nearest directory
at or above the working directory that holds ``.sessions/`` or ``.git``; else the working
directory itself. ``SESSION_TRACKER_ROOT`` overrides the search, so tests and scripts can point
anywhere. Paths are plain ``str`` because ``pathlib`` costs ~10 ms to import.
"""

from __future__ import annotations

import os
import posixpath

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping


STORE_DIRNAME = ".sessions"
ROOT_ENV = "SESSION_TRACKER_ROOT"


class Layout:
    """The resolved locations of one project's store.

    Attributes (absolute paths):
        root: the project root (the git work tree's top level when inside git).
        store: ``<root>/.sessions``.
        events_dir: ``<store>/events``, one ``<session>.jsonl`` per session.
        project_file: ``<store>/project.jsonl``, project-level events.
        config_file: ``<store>/config.toml`` (optional).
        local_dir: ``<store>/local``, per-worktree state, never committed.
        open_dir: ``<local_dir>/open``, one marker file per session open in this worktree.
    """

    __slots__ = ("config_file", "events_dir", "local_dir", "open_dir", "project_file", "root", "store")

    def __init__(self, root: str) -> None:
        self.root = os.path.abspath(root)
        from session_tracker.core import safepath

        safepath.add_root(self.root)
        self.store = os.path.join(self.root, STORE_DIRNAME)
        self.events_dir = os.path.join(self.store, "events")
        self.project_file = os.path.join(self.store, "project.jsonl")
        self.config_file = os.path.join(self.store, "config.toml")
        self.local_dir = os.path.join(self.store, "local")
        self.open_dir = os.path.join(self.local_dir, "open")

    def session_file(self, name: str) -> str:
        """The event file of session ``name`` (the name must already be validated)."""
        return os.path.join(self.events_dir, f"{name}.jsonl")

    def lock_file(self, purpose: str) -> str:
        """A lock file in ``local/`` for one purpose (``render``, ``store``)."""
        return os.path.join(self.local_dir, f"{purpose}.lock")

    def relative(self, path: str) -> str:
        """``path`` relative to the root, '/'-separated, for documents and messages."""
        prefix = os.path.join(self.root, "")
        if path.startswith(prefix) and os.path.normpath(path) == path:  # the common case, without relpath's work
            return path[len(prefix):].replace(os.sep, "/")
        return os.path.relpath(path, self.root).replace(os.sep, "/")

    def exists(self) -> bool:
        """True once the store has been created (by the first command that writes)."""
        return os.path.isdir(self.events_dir)


def state_dir(env: Mapping[str, str] | None = None) -> str:
    """The user's state directory: ``$XDG_STATE_HOME/session-tracker`` (default
    ``~/.local/state/session-tracker``): the hook log and crash logs, where no repository can
    plant a link."""
    environ = os.environ if env is None else env
    base = environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return os.path.join(base, "session-tracker")


def find_root(cwd: str | None = None) -> str:
    """The project root for ``cwd`` (see the module docstring for the rule)."""
    override = os.environ.get(ROOT_ENV)
    if override:
        return os.path.abspath(override)
    start = os.path.abspath(cwd or os.getcwd())
    current = start
    while True:
        if os.path.isdir(os.path.join(current, STORE_DIRNAME)) or os.path.exists(
            os.path.join(current, ".git")
        ):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return start
        current = parent


def locate(cwd: str | None = None) -> Layout:
    """The :class:`Layout` of the project containing ``cwd`` (default: the working directory)."""
    return Layout(find_root(cwd))


def chart_path(config: dict[str, dict[str, object]]) -> str | None:
    """The chart's path relative to the project root, '/'-separated, or None when switched off.

    ``[metrics] chart`` is relative to the directory of ``[documents] tracker``
    (SESSION_TRACKER.md, at the root by default), so the tracker links it by its bare name.
    """
    chart = config.get("metrics", {}).get("chart")
    if not isinstance(chart, str) or not chart:
        return None
    tracker = config.get("documents", {}).get("tracker")
    base = posixpath.dirname(tracker) if isinstance(tracker, str) else ""
    return posixpath.normpath(posixpath.join(base, chart))
