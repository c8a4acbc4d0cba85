"""The console scripts ``session-tracker`` and ``strack``: the one place errors become output.

Exit codes: 0 ok, 1 expected error (``error:`` + ``hint:`` on stderr), 2 usage error, 3 an
internal bug (traceback written to a log file whose path is printed), 130 Ctrl-C. ``--debug``
shows tracebacks instead.

The fast path: a well-formed ``log`` is parsed here by hand and never imports click (~40 ms),
which keeps ``strack log "…"`` within its 35 ms budget. Anything unusual — ``--help``, an
unknown option, a repeated flag — falls through to the click CLI, which owns the interface.
"""

from __future__ import annotations

import os
import sys

from session_tracker.errors import EXIT_BUG, EXIT_ERROR, EXIT_INTERRUPTED, TrackerError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

_LOG_OPTIONS = {
    "--session": "session", "-s": "session",
    "--message": "message", "-m": "message",
    "--category": "category", "-c": "category",
    "--at": "at",
}


def parse_fast_log(args: list[str]) -> dict[str, str] | None:
    """Parse the arguments after ``log`` if they are plain, else None (click decides).

    Returns ``{"message", "category"?, "at"?, "session"?, "json"?}``.
    """
    found: dict[str, str] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--json":
            key, value = "json", "1"
        elif arg.startswith("--") and "=" in arg and arg.split("=", 1)[0] in _LOG_OPTIONS:
            name, value = arg.split("=", 1)
            key = _LOG_OPTIONS[name]
        elif arg in _LOG_OPTIONS and i + 1 < len(args):
            key, value = _LOG_OPTIONS[arg], args[i + 1]
            i += 1
        elif not arg.startswith("-"):
            key, value = "text", arg
        else:
            return None
        if key in found:
            return None
        found[key] = value
        i += 1
    if "text" in found:
        if "message" in found:
            return None
        found["message"] = found.pop("text")
    return found if "message" in found else None


def _fast_log(options: dict[str, str]) -> None:
    from session_tracker import output
    from session_tracker.commands.log import log
    from session_tracker.context import Context

    result = log(Context(), options["message"], options.get("category"), options.get("at"), options.get("session"))
    if "json" in options:
        import json

        output.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        output.echo(f"logged to session {result['session']} ({result['category']})")


def _bug_report(exc: BaseException) -> str:
    import tempfile
    import traceback

    fd, path = tempfile.mkstemp(prefix="session-tracker-crash-", suffix=".log")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("".join(traceback.format_exception(exc)))
    return path


def run(action: Callable[[], int | None], debug: bool) -> int:
    """Run ``action`` and turn what it raises into output and an exit code."""
    from session_tracker import output

    try:
        return action() or 0
    except TrackerError as exc:
        if debug:
            raise
        output.error(exc.message, exc.hint)
        return exc.exit_code
    except KeyboardInterrupt:
        output.echo("interrupted", err=True)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as exc:
        if debug:
            raise
        path = _bug_report(exc)
        output.error(f"internal error: {type(exc).__name__}: {exc}", f"this is a bug; the traceback is in {path}")
        return EXIT_BUG


def _click(argv: list[str]) -> int:
    import click

    from session_tracker.cli import main as cli

    try:
        # Without standalone mode click returns the code of a ctx.exit()/Exit instead of exiting.
        code = cli.main(args=argv, prog_name=os.path.basename(sys.argv[0]) or "session-tracker", standalone_mode=False)
        return code if isinstance(code, int) else 0
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        return EXIT_INTERRUPTED
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code


def main(argv: list[str] | None = None) -> int:
    """Entry point of both console scripts; returns the exit code (also via ``SystemExit``)."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    if args and args[0] == "log":
        options = parse_fast_log(args[1:])
        if options is not None:
            code = run(lambda: _fast_log(options), debug)
            if argv is None:
                sys.exit(code)
            return code
    code = run(lambda: _click(args), debug)
    if argv is None:
        sys.exit(code)
    return code
