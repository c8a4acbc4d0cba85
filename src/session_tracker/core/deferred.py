"""Warnings that do not fail a command: its event was written, something after it was not.

A command that recorded its event must exit 0 (a retry would record it twice). When the
documents it re-renders afterwards cannot be written (the render lock is held too long, a
symbolic link is refused, the disk is full) the failure becomes a warning, printed by the entry
point as ``warning: …`` and ``hint: …`` on stderr after the command's own output.
"""

from __future__ import annotations

from session_tracker.errors import TrackerError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import ParamSpec, TypeVar

    P = ParamSpec("P")
    T = TypeVar("T")

WARNINGS: list[tuple[str, str]] = []


def warn(message: str, hint: str = "") -> None:
    """Queue a warning for the entry point to print (once per distinct message)."""
    if (message, hint) not in WARNINGS:
        WARNINGS.append((message, hint))


def no_paths() -> list[str]:
    """The default of a renderer that wrote nothing."""
    return []


def after_event(default: Callable[[], T]) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """Decorate a function that re-renders documents after an event was recorded: a
    :class:`TrackerError` it raises becomes a warning and ``default()`` is returned."""

    def decorate(function: Callable[P, T]) -> Callable[P, T]:
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
            try:
                return function(*args, **kwargs)
            except TrackerError as exc:
                warn(f"recorded, but the documents were not updated: {exc.message}",
                     "nothing was lost; run `session-tracker render` once the cause is gone" + (f" ({exc.hint})" if exc.hint else ""))
                return default()

        wrapper.__name__ = function.__name__
        wrapper.__doc__ = function.__doc__
        wrapper.__wrapped__ = function  # type: ignore[attr-defined]
        return wrapper

    return decorate
