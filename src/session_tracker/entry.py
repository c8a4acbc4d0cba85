"""The console scripts ``session-tracker`` and ``strack``: the one place errors become output.

Exit codes: 0 ok, 1 expected error (``error:`` + ``hint:`` on stderr), 2 usage error, 3 an
internal bug (traceback written to a log file whose path is printed), 130 Ctrl-C. ``--debug``
shows tracebacks instead.

The fast path: a well-formed ``log``, ``end``, ``search``, ``status``, ``list``, ``show`` or
``handoff`` (printing) is parsed here by hand and never imports click (~40 ms), which keeps ``strack log
"…"`` within its 35 ms budget, ``end`` near the cost of git itself, and the lookups within their
budgets on a large store. ``hook <agent>`` (run by coding agents on every tool call) is dispatched before
click as well, to :mod:`session_tracker.hooks.agent`. Anything unusual — ``--help``, an unknown option, a repeated flag — falls through
to the click CLI, which owns the interface.
"""

from __future__ import annotations

import os
import sys

from session_tracker.errors import EXIT_BUG, EXIT_ERROR, EXIT_INTERRUPTED, TrackerError, crash_report

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

_SESSION = {"--session": "session", "-s": "session"}
#: Commands the fast path may take: option spellings -> key, the key a positional fills, the
#: keys that may repeat, and the keys that must be present. Kept in step with cli.py by
#: tests/test_fast_path.py, which runs both paths on the same arguments.
FAST_COMMANDS: dict[str, tuple[dict[str, str], str | None, frozenset[str], frozenset[str]]] = {
    "log": (
        {**_SESSION, "--message": "message", "-m": "message", "--category": "category", "-c": "category", "--at": "at"},
        "message", frozenset(), frozenset({"message"}),
    ),
    "end": ({**_SESSION, "--next": "next", "-n": "next"}, None, frozenset({"next"}), frozenset()),
    # An agent's (or a person's) lookup: click's import would be half of its cost.
    "search": (
        {**_SESSION, "--type": "type", "-t": "type", "--since": "since", "--until": "until", "--agent": "agent", "--file": "file",
         "--limit": "limit", "-n": "limit"},
        "query", frozenset({"query", "type"}), frozenset({"query"}),
    ),
    # The glances people (and agents) take most: ``status``, ``show ID``, ``handoff [ID]``.
    "status": ({}, None, frozenset(), frozenset()),
    "show": ({}, "session", frozenset(), frozenset({"session"})),
    "list": ({"--limit": "limit", "-n": "limit", "--since": "since"}, None, frozenset(), frozenset()),
    "handoff": ({**_SESSION}, "session", frozenset(), frozenset()),  # printing only: --item goes to click
}


#: ``hooks run <git hook> [args]`` is dispatched before click (session_tracker.hooks.git).
GIT_HOOKS = ("pre-commit", "commit-msg", "post-commit", "post-checkout", "post-merge", "post-rewrite")
#: ``hook <agent>`` is dispatched before click (session_tracker.hooks.agent).
HOOK_AGENTS = ("claude-code", "codex", "gemini", "cursor")


def parse_fast(command: str, args: list[str]) -> dict[str, list[str]] | None:
    """Parse the arguments of a fast-path command if they are plain, else None (click decides).

    Returns ``{key: [values]}``; ``"json"`` is present when ``--json`` was given.
    """
    spec = FAST_COMMANDS.get(command)
    if spec is None:
        return None
    options, positional, repeatable, required = spec
    found: dict[str, list[str]] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--json":
            key, value = "json", ""
        elif arg.startswith("--") and "=" in arg and arg.split("=", 1)[0] in options:
            name, value = arg.split("=", 1)
            key = options[name]
        elif arg in options and i + 1 < len(args):
            key, value = options[arg], args[i + 1]
            i += 1
        elif positional and not arg.startswith("-"):
            key, value = positional, arg
        else:
            return None
        if key in found and key not in repeatable:
            return None  # a repeated option or a message given twice: click explains
        found.setdefault(key, []).append(value)
        i += 1
    if "limit" in found and not found["limit"][0].isdecimal():
        return None  # not a number: click says so
    return found if required <= found.keys() else None


def _first(options: dict[str, list[str]], key: str) -> str | None:
    return options[key][0] if key in options else None


def _fast(command: str, options: dict[str, list[str]]) -> None:
    from session_tracker import output
    from session_tracker.core.context import Context
    from session_tracker.views import session as textviews

    if command == "log":
        from session_tracker.commands.log import log

        result = log(Context(), options["message"][0], _first(options, "category"), _first(options, "at"), _first(options, "session"))
        view = textviews.logged
    elif command == "search":
        from session_tracker.commands.search import search

        limit = _first(options, "limit")
        result = search(Context(), " ".join(options["query"]), session=_first(options, "session"), kinds=tuple(options.get("type", ())),
                        since=_first(options, "since"), until=_first(options, "until"), agent=_first(options, "agent"),
                        path=_first(options, "file"), limit=int(limit) if limit else 20)
        view = textviews.search_results
    elif command == "status":
        from session_tracker.commands.status import status
        from session_tracker.views import plan as planviews

        as_json = "json" in options
        output.emit(status(Context(), None if as_json else planviews.STATUS_ITEMS), as_json, planviews.status)
        return
    elif command == "list":
        from session_tracker.commands.listing import list_sessions

        limit = _first(options, "limit")
        result = list_sessions(Context(), limit=int(limit) if limit else None, since=_first(options, "since"))
        view = textviews.sessions
    elif command == "show":
        from session_tracker.commands.listing import show

        result = show(Context(), options["session"][0])
        view = textviews.show
    elif command == "handoff":
        from session_tracker.commands.handoff import show as handoff

        result = handoff(Context(), _first(options, "session"))
        view = textviews.handoff
    else:
        from session_tracker.commands.end import end

        result = end(Context(), next_steps=tuple(options.get("next", ())), session=_first(options, "session"))
        view = textviews.ended
    output.emit(result, "json" in options, view)


def _warnings(output: object) -> None:
    from session_tracker.core.deferred import WARNINGS

    for message, hint in WARNINGS:
        output.warning(message, hint)  # type: ignore[attr-defined]
    WARNINGS.clear()


def run(action: Callable[[], int | None], debug: bool, as_json: bool = False) -> int:
    """Run ``action`` and turn what it raises into output and an exit code (errors as JSON
    on stderr with ``as_json``, same exit codes)."""
    from session_tracker import output

    try:
        code = action() or 0
        _warnings(output)
        return code
    except TrackerError as exc:
        if debug:
            raise
        output.error(exc.message, exc.hint, as_json)
        return exc.exit_code
    except KeyboardInterrupt:
        output.echo("interrupted", err=True)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as exc:
        if debug:
            raise
        from session_tracker.core.redact import redact

        path = crash_report(exc, redact)
        output.error(f"internal error: {type(exc).__name__}: {exc}", f"this is a bug; the traceback is in {path}", as_json)
        return EXIT_BUG


def _prog_name() -> str:
    name = os.path.basename(sys.argv[0])
    return "session-tracker" if not name or name.endswith(".py") else name  # `python -m session_tracker`


def _click(argv: list[str], as_json: bool = False) -> int:
    import click

    from session_tracker.cli import main as cli

    try:
        # Without standalone mode click returns the code of a ctx.exit()/Exit instead of exiting.
        code = cli.main(args=argv, prog_name=_prog_name(), standalone_mode=False)
        return code if isinstance(code, int) else 0
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        return EXIT_INTERRUPTED
    except click.ClickException as exc:
        if as_json:
            from session_tracker import output

            usage = exc.ctx.command_path if isinstance(exc, click.UsageError) and exc.ctx else ""
            output.error(exc.format_message(), f"see `{usage} --help`" if usage else "", True)
        else:
            exc.show()
        return exc.exit_code


def main(argv: list[str] | None = None) -> int:
    """Entry point of both console scripts; returns the exit code (also via ``SystemExit``)."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    as_json = "--json" in args
    options = parse_fast(args[0], args[1:]) if args else None
    if len(args) == 2 and args[0] == "hook" and args[1] in HOOK_AGENTS:
        # Agents run this on every tool call: no click, and it never fails (it logs instead).
        from session_tracker.hooks.agent import main as hook

        code = hook(args[1])
    elif len(args) >= 3 and args[:2] == ["hooks", "run"] and args[2] in GIT_HOOKS:
        # Git runs this on every commit (pre-commit's 50 ms budget): no click; never raises.
        from session_tracker.hooks.git import main as git_hook

        code = git_hook(args[2:])
    elif options is not None:
        fast = options
        code = run(lambda: _fast(args[0], fast), debug, as_json)
    else:
        code = run(lambda: _click(args, as_json), debug, as_json)
    if argv is None:
        sys.exit(code)
    return code
