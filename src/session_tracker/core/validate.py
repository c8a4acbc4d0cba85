"""Checks on user input, made before anything touches a path or the store."""

from __future__ import annotations

import re

from session_tracker.core.events import CATEGORIES, MAX_LINE_BYTES
from session_tracker.errors import EXIT_USAGE, TrackerError

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}\Z")
# C0 and C1 control characters except tab and newline, plus DEL: they corrupt terminals and
# documents, and no one types them on purpose.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Room left in a 64 KiB line for the event's own keys.
MAX_TEXT_BYTES = MAX_LINE_BYTES - 1024


def session_name(name: str) -> str:
    """Return ``name`` if it is a valid session name (``[A-Za-z0-9][A-Za-z0-9._-]{0,63}``).

    Raises:
        TrackerError: anything else, e.g. ``../../etc``, is refused before it becomes a path.
    """
    if not _NAME.match(name):
        raise TrackerError(
            f"invalid session name {name!r}",
            "use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit, e.g. 00003",
        )
    return name


def text(value: str, what: str = "message") -> str:
    """Return ``value`` stripped, if it is fit to store.

    Raises:
        TrackerError: empty or blank; over 63 KiB of UTF-8; contains a control character
        other than tab and newline.
    """
    value = value.strip()
    if not value:
        raise TrackerError(f"the {what} is empty", f"say what happened, e.g. --{what} \"Created connector.py\"")
    match = _CONTROL.search(value)
    if match:
        raise TrackerError(
            f"the {what} contains a control character (U+{ord(match.group()):04X})",
            "remove it; only tabs and newlines are kept",
        )
    size = len(value.encode("utf-8", "surrogatepass"))
    if size > MAX_TEXT_BYTES:
        raise TrackerError(
            f"the {what} is {size:,} bytes; at most {MAX_TEXT_BYTES:,} fit in one event",
            "shorten it, or put the detail in a file and log its path",
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise TrackerError(f"the {what} is not valid Unicode (a lone surrogate)", "retype it") from None
    return value


def category(value: str) -> str:
    """Return ``value`` if it is one of the work log's categories.

    Raises:
        TrackerError: unknown category, a usage error (exit 2); the hint lists the valid ones.
    """
    if value not in CATEGORIES:
        raise TrackerError(f"unknown category {value!r}", "use one of: " + ", ".join(CATEGORIES), EXIT_USAGE)
    return value
