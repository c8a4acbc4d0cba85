"""Shell completion of values (click's protocol: ``_SESSION_TRACKER_COMPLETE=bash_source``…):
session ids, task ids, categories and presets.

Each callback reads as little as it can — a directory listing for sessions, one pass over
``project.jsonl`` for tasks — and never raises: a completion that fails offers nothing.
"""

from __future__ import annotations

import json
import os

import click
from click.shell_completion import CompletionItem

from session_tracker.core.events import CATEGORIES
from session_tracker.core.paths import locate


def _matching(values: list[tuple[str, str]], incomplete: str) -> list[CompletionItem]:
    return [CompletionItem(value, help=text or None) for value, text in values if value.startswith(incomplete)]


def sessions(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Session numbers from the event file names (``<number>-<sid>.jsonl``), newest (highest)
    first; a number two sessions share is offered once (selecting it then asks for an id)."""
    from session_tracker.core.files import scan

    try:
        names = sorted(scan(locate()).by_number, reverse=True)
    except OSError:
        return []
    return _matching([(n, "") for n in names], incomplete)


def tasks(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Task ids of the plan with their titles, from every project file (and its journal)."""
    from session_tracker.core.files import project_files

    found: dict[str, str] = {}
    layout = locate()
    paths = project_files(layout)
    paths += [os.path.join(layout.local_dir, "journal", os.path.basename(p)) for p in paths]
    for path in paths:
        try:
            handle = open(path, "rb")  # noqa: SIM115 - closed below
        except OSError:
            continue
        with handle:
            for raw in handle:
                if b'"task.added"' not in raw:
                    continue  # most lines: no decoding
                try:
                    data = json.loads(raw).get("data", {})
                except ValueError:
                    continue
                if isinstance(data, dict) and isinstance(data.get("task"), str):
                    found[data["task"]] = str(data.get("title") or "")
    return _matching(sorted(found.items(), key=lambda kv: (len(kv[0]), kv[0])), incomplete)


def categories(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The work log's categories."""
    return _matching([(c, "") for c in CATEGORIES], incomplete)


def presets(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The document presets, with what each writes."""
    from session_tracker.core.presets import DESCRIPTIONS

    return _matching(list(DESCRIPTIONS.items()), incomplete)





SHELLS = ("bash", "zsh", "fish")


@click.command("completion")
@click.argument("shell", type=click.Choice(SHELLS))
@click.option("--prog", default="session-tracker", show_default=True, type=click.Choice(("session-tracker", "strack")),
              help="The command name to complete.")
def completion(shell: str, prog: str) -> None:
    """Print the shell completion script (commands, options, session ids, task ids, categories).

    \b
    bash:  eval "$(session-tracker completion bash)"        in ~/.bashrc
    zsh:   eval "$(session-tracker completion zsh)"         in ~/.zshrc
    fish:  session-tracker completion fish > ~/.config/fish/completions/session-tracker.fish
    Add --prog strack for the short name.
    """
    from click.shell_completion import get_completion_class

    from session_tracker import output

    root = click.get_current_context().find_root().command
    cls = get_completion_class(shell)
    assert cls is not None  # the choice allows only shells click knows
    var = "_" + prog.replace("-", "_").upper() + "_COMPLETE"
    output.echo(cls(root, {}, prog, var).source().rstrip("\n"))
__all__ = ["SHELLS", "categories", "completion", "presets", "sessions", "tasks"]
