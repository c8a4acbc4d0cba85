"""The options every command spells the same way, shared by the modules of :mod:`session_tracker.cli`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from session_tracker.errors import EXIT_USAGE, TrackerError

SESSION_HELP = "Session name (default: $CURRENT_SESSION, else the one open session here)."

F = TypeVar("F", bound=Callable[..., Any])
def session_option(f: F) -> F:
    """``--session ID`` as every session command spells it."""
    from session_tracker.cli.complete import sessions

    return click.option("--session", "-s", metavar="ID", help=SESSION_HELP, shell_complete=sessions)(f)


def json_option(f: F) -> F:
    """``--json`` on every command that reports something."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON (stable, versioned shape).")(f)


def one_message(positional: str | None, option: str | None, what: str = "message") -> str:
    """The message given as the argument or as ``--message``.

    Raises:
        TrackerError: given twice, or not at all: usage errors (exit 2).
    """
    if positional and option:
        raise TrackerError(f"the {what} was given twice", f"use either \"…\" or --{what} \"…\", not both", EXIT_USAGE)
    value = option if option is not None else positional
    if value is None:
        raise TrackerError(f"no {what} given", f'add it: --{what} "…"', EXIT_USAGE)
    return value


