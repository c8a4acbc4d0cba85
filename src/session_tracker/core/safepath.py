"""No write outside the repository: every path the tracker writes is checked here first.

A cloned repository can carry symbolic links: ``.sessions``, ``.sessions/events``,
``.sessions/local``, ``archive`` or ``.claude`` pointing anywhere on the machine. Writing
through one would let a repository make the tracker create or truncate files outside it. So:

* every path written must lie inside a *root*: a repository whose :class:`~session_tracker.core.paths.Layout`
  was built in this process (and its git common dir, where session numbers are registered),
  or a directory a command chose explicitly outside any repository (:func:`allow`: the user's
  agent settings, the user state directory, an export target the user named);
* below a repository root, no directory on the way to the file may be a symbolic link
  (the root itself may be one: ``/tmp`` on macOS is);
* files are opened with ``O_NOFOLLOW`` (appends, locks) or replaced with ``os.replace``
  (documents), so a symbolic link planted as the file itself is never written through.

A refusal is a :class:`~session_tracker.errors.TrackerError` naming the path and the link.
Plain ``str`` paths and ``os`` only: this module is on the hot path.
"""

from __future__ import annotations

import os
import stat

from session_tracker.errors import TrackerError

NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_ROOTS: list[str] = []
_ALLOWED: list[str] = []
_CHECKED: set[str] = set()  # directories already found free of links in this process


def reset() -> None:
    """Forget every root and allowed directory (for a long-lived process or a test that
    moves between repositories)."""
    _ROOTS.clear()
    _ALLOWED.clear()
    _CHECKED.clear()


def add_root(root: str) -> None:
    """Register a repository root (or git common dir): writes may go below it, never through
    a symbolic link. Called by ``Layout``."""
    root = os.path.abspath(root)
    if root not in _ROOTS:
        _ROOTS.append(root)


def allow(directory: str) -> None:
    """Let this process write below ``directory``, outside any repository (links allowed:
    a user's ``~/.claude`` may well be one)."""
    directory = os.path.abspath(directory)
    if directory not in _ALLOWED:
        _ALLOWED.append(directory)


def _inside(path: str, base: str) -> bool:
    return path == base or path.startswith(base.rstrip(os.sep) + os.sep)


def _display(path: str) -> str:
    for root in _ROOTS:
        if _inside(path, root):
            return os.path.relpath(path, root).replace(os.sep, "/")
    return path


def check(path: str, directory: bool = False) -> str:
    """Refuse a write to ``path`` (a file, or with ``directory`` a directory to create).

    Returns:
        The absolute path.
    Raises:
        TrackerError: the path lies outside every root, or a directory between its root and
            it is a symbolic link.
    """
    full = os.path.abspath(path)
    parent = full if directory else os.path.dirname(full)
    if parent in _CHECKED:
        return full
    base = ""
    for root in _ROOTS:
        if _inside(full, root) and len(root) > len(base):
            base = root
    if not base:
        if any(_inside(full, allowed) for allowed in _ALLOWED) or not _ROOTS:
            return full
        raise TrackerError(
            f"refusing to write {full}: it is outside the repository ({_ROOTS[0]})",
            "check the paths in .sessions/config.toml; the tracker writes only inside the repository",
        )
    current = base
    for part in os.path.relpath(parent, base).split(os.sep):
        if part in ("", "."):
            continue
        current = os.path.join(current, part)
        try:
            mode = os.lstat(current).st_mode
        except FileNotFoundError:
            break  # the rest will be created as real directories
        except OSError as exc:
            raise TrackerError(f"cannot check {_display(current)}: {exc.strerror}", "check the permissions of that directory") from None
        if stat.S_ISLNK(mode):
            raise TrackerError(
                f"refusing to write {_display(full)}: {_display(current)} is a symbolic link (to {os.readlink(current)})",
                "a repository must not redirect the tracker's files; replace the link with a real directory",
            )
        if not stat.S_ISDIR(mode):
            raise TrackerError(f"cannot write {_display(full)}: {_display(current)} is not a directory", "move that file out of the way")
    else:
        _CHECKED.add(parent)
    return full


def makedirs(directory: str) -> None:
    """``os.makedirs(directory, exist_ok=True)`` after :func:`check` (no link on the way).

    Raises:
        TrackerError: refused by :func:`check`, or the directory cannot be created.
    """
    check(directory, directory=True)
    try:
        os.makedirs(directory, exist_ok=True)
    except OSError as exc:
        raise TrackerError(f"cannot create {_display(os.path.abspath(directory))}: {exc.strerror}", "check the permissions and free space") from None
    check(directory, directory=True)  # a link raced in while the directories were made


def open_append(path: str) -> int:
    """An ``O_APPEND`` descriptor of ``path`` (created 0o644), never through a symbolic link.

    Raises:
        TrackerError: refused by :func:`check`, ``path`` is a symbolic link, or cannot be opened.
    """
    full = check(path)
    try:
        return os.open(full, os.O_RDWR | os.O_APPEND | os.O_CREAT | NOFOLLOW, 0o644)  # RDWR: store.append_bytes reads the last byte
    except OSError as exc:
        if os.path.islink(full):
            raise TrackerError(f"refusing to write {_display(full)}: it is a symbolic link", "replace the link with the real file") from None
        raise TrackerError(f"cannot open {_display(full)}: {exc.strerror}", "check the permissions of .sessions/") from None
