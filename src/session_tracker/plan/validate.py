"""Checks of plan input shared by the plan commands and ``plan import``: names, statuses,
dates, progress, session ranges and references to known items. Each raises TrackerError with a hint."""

from __future__ import annotations

import re

from session_tracker.core import validate
from session_tracker.errors import TrackerError
from session_tracker.plan.model import COMPLEXITIES, STATUSES, Item, parse_range

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def _name(value: str, what: str) -> str:
    text = validate.text(value, what)
    if "\n" in text:
        raise TrackerError(f"the {what} spans several lines", f"give the {what} on one line")
    return text


_AGENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\Z")


def _agent(value: str) -> str:
    """An agent's name (seed 003: ``backend-specialist``).

    Raises:
        TrackerError: empty, or not letters, digits, ``-``, ``_`` and ``.``.
    """
    if not _AGENT.match(value):
        raise TrackerError(f"invalid agent name {value!r}", "use letters, digits and '-', e.g. --agent backend-specialist")
    return value


def check_status(value: str, choices: tuple[str, ...] = STATUSES) -> str:
    """Return ``value`` if it is one of ``choices``.

    Raises:
        TrackerError: anything else; the hint lists the choices.
    """
    if value not in choices:
        raise TrackerError(f"unknown status {value!r}", "use one of: " + ", ".join(choices))
    return value


def check_complexity(value: str) -> str:
    """Return ``value`` if it is one of seed 002's complexity levels.

    Raises:
        TrackerError: anything else; the hint lists the levels.
    """
    if value not in COMPLEXITIES:
        raise TrackerError(f"unknown complexity {value!r}", "use one of: " + ", ".join(COMPLEXITIES))
    return value


def check_date(value: str) -> str:
    """Return ``value`` if it is a real ``YYYY-MM-DD`` date.

    Raises:
        TrackerError: malformed or impossible (2025-02-30) dates.
    """
    from datetime import date

    try:
        if not _DATE.match(value.strip()):
            raise ValueError
        date.fromisoformat(value.strip())
    except ValueError:
        raise TrackerError(f"cannot read the date {value!r}", "write it as YYYY-MM-DD, e.g. 2026-06-30") from None
    return value.strip()


def check_progress(value: int) -> int:
    """Return ``value`` if it is a percentage 0-100.

    Raises:
        TrackerError: out of range.
    """
    if not 0 <= value <= 100:
        raise TrackerError(f"progress {value} is not a percentage", "give a number from 0 to 100")
    return value


def check_range(text: str) -> tuple[int, int]:
    """``--sessions 1-3`` → ``(1, 3)``.

    Raises:
        TrackerError: malformed or backwards ranges.
    """
    try:
        return parse_range(text)
    except ValueError as exc:
        raise TrackerError(str(exc), 'write it as FIRST-LAST session numbers, e.g. --sessions 1-3 (or one number: --sessions 4)') from None


def known(items: dict[str, Item], key: str, what: str, command: str) -> Item:
    """The item ``key`` of ``items``.

    Raises:
        TrackerError: unknown key; the hint lists the known ones (or how to add one).
    """
    if key in items:
        return items[key]
    names = ", ".join(repr(k) for k in items) if items else "none yet"
    raise TrackerError(f"unknown {what} {key!r}", f"known {what}s: {names}; add one with `session-tracker {command}`")
