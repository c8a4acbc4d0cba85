"""The one user-facing error type and the exit codes of every entry point.

Only the entry point (``session_tracker.entry``) turns a :class:`TrackerError` into output;
core functions raise and never print or exit.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

EXIT_OK = 0
EXIT_ERROR = 1  # expected failure: bad input, unknown session, failing check
EXIT_USAGE = 2  # the command line itself is wrong (click's convention)
EXIT_BUG = 3  # an internal error; traceback goes to a log file
EXIT_INTERRUPTED = 130  # Ctrl-C


class TrackerError(Exception):
    """An expected failure with a one-line message and a one-line hint for the user.

    Attributes:
        message: what went wrong, one line, no trailing period needed.
        hint: how to fix it, one line; may be empty.
        exit_code: the process exit code the entry point uses (default 1).
    """

    def __init__(self, message: str, hint: str = "", exit_code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message


def crash_report(exc: BaseException, scrub: Callable[[str], str] | None = None) -> str:
    """Write the traceback of an internal error to a new log file; return its path.

    The file is ``crash-*.log`` (0600) in the user's state directory
    (``$XDG_STATE_HOME/session-tracker``, as ``core.paths.state_dir``), not /tmp where every
    user can read it; ``scrub`` (the caller passes ``core.redact.redact``) cleans the text, as a
    message may quote user input."""
    import os
    import tempfile
    import traceback

    text = "".join(traceback.format_exception(exc))
    if scrub is not None:
        try:
            text = scrub(text)
        except Exception:  # noqa: BLE001, S110 - a crash report must still be written
            pass
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    directory = os.path.join(base, "session-tracker")
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        fd, path = tempfile.mkstemp(prefix="crash-", suffix=".log", dir=directory)
    except OSError:
        fd, path = tempfile.mkstemp(prefix="session-tracker-crash-", suffix=".log")
    with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as handle:
        handle.write(text)
    return path
