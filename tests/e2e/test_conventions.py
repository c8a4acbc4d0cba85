"""The CLI follows its ecosystem's conventions: JSON errors under --json, a "v" on every JSON
result, usage errors exit 2, help in the user's terms and in sections, click's shell
completion (bash, zsh, fish) completing session ids, task ids and categories; terminal text
for people (rendered handoff, one table row per line when piped, plurals). Real subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click

from conftest import GIT_ENV, Cli, run_cli
from session_tracker.cli import main
from session_tracker.cli.group import SECTIONS


def _complete(cwd: Path, words: str, shell: str = "bash") -> list[str]:
    """What click's completion protocol answers for ``words`` (the last word is being typed)."""
    parts = words.split(" ")
    env = {**os.environ, **GIT_ENV, "_SESSION_TRACKER_COMPLETE": f"{shell}_complete",
           "COMP_WORDS": words, "COMP_CWORD": str(len(parts) - 1)}
    proc = subprocess.run([sys.executable, "-m", "session_tracker"], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    return [line.split(",", 1)[1] for line in proc.stdout.splitlines() if line.startswith("plain,")]


def test_errors_are_json_under_json_with_the_same_exit_codes(repo: Path, cli: Cli) -> None:
    result = cli("show", "99999", "--json")
    assert result.code == 1 and result.out == ""
    error = json.loads(result.err)
    assert error == {"v": 1, "error": "unknown session '99999'", "hint": error["hint"]} and error["hint"]
    plain = cli("show", "99999")
    assert plain.code == 1 and plain.err.startswith("error: unknown session '99999'\nhint: ")
    usage = cli("list", "--no-such-option", "--json")
    assert usage.code == 2 and "No such option" in json.loads(usage.err)["error"]


def test_usage_errors_exit_2(repo: Path, cli: Cli) -> None:
    assert cli("init").code == 0
    for args in (("log", "x", "--category", "coffee"), ("log", "--category", "coffee", "--message", "x")):
        result = cli(*args)  # the first takes the fast path, the second click
        assert result.code == 2 and "unknown category 'coffee'" in result.err, (args, result)
    assert json.loads(cli("log", "x", "-c", "coffee", "--json").err)["error"] == "unknown category 'coffee'"
    missing = cli("log")
    assert missing.code == 2 and "no message given" in missing.err
    assert cli("decision", "--rationale", "why").code == 2


def test_every_json_result_carries_v(repo: Path, cli: Cli) -> None:
    calls = [("init", "--json"), ("log", "x", "--json"), ("log", "--message", "y", "--json"),
             ("decision", "Use TOML", "--rationale", "stdlib", "--json"), ("blocker", "CI down", "--json"),
             ("blocker", "--resolve", "BLOCKER", "--message", "back", "--json"), ("task", "add", "Parser", "--json"),
             ("handoff", "--item", "read the parser", "--json"), ("end", "--json"), ("handoff", "--json"),
             ("list", "--json"), ("show", "00001", "--json")]
    blocker = ""
    for args in calls:
        result = cli(*(blocker if a == "BLOCKER" else a for a in args))  # ids are random (core/ids.py)
        assert result.code == 0, (args, result)
        if args[:2] == ("blocker", "CI down"):
            blocker = json.loads(result.out)["blocker"]
        assert json.loads(result.out)["v"] == 1, args


def _helps(command: click.Command, path: list[str]) -> list[tuple[str, str]]:
    ctx = click.Context(command, info_name=path[-1])
    found = [(" ".join(path), command.get_help(ctx))]
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None
            found += _helps(sub, [*path, name])
    return found


def test_no_help_text_says_seed_and_the_top_level_is_grouped(repo: Path) -> None:
    helps = _helps(main, ["session-tracker"])
    assert len(helps) > 60
    assert [path for path, text in helps if "seed" in text.lower()] == []
    top = run_cli(repo, "--help")
    assert top.code == 0 and "seed" not in top.out.lower()
    headers = [line[:-1] for line in top.out.splitlines() if line.endswith(":") and not line.startswith(" ")]
    assert headers == ["Options", *SECTIONS]  # no "Other": every command has its section
    assert not any(line.rstrip().endswith("...") for line in top.out.splitlines()[1:])  # whole, not cut
    assert "seed" not in run_cli(repo, "init", "--help").out.lower()


def test_completion_lists_session_ids_task_ids_and_categories(repo: Path, cli: Cli) -> None:
    for _ in range(3):
        assert cli("init").code == 0 and cli("end").code == 0
    task = cli("task", "add", "Write the parser").out.strip().split()[-1]
    assert _complete(repo, "session-tracker show ") == ["00003", "00002", "00001"]
    assert _complete(repo, "session-tracker show 0000") == ["00003", "00002", "00001"]
    assert _complete(repo, "session-tracker summary --session 00002") == ["00002"]
    assert _complete(repo, "session-tracker task start ") == [task]
    assert _complete(repo, "session-tracker log --category te") == ["testing"]
    assert "archive" in _complete(repo, "session-tracker init --preset ")
    for shell in ("bash", "zsh", "fish"):
        script = run_cli(repo, "completion", shell)
        assert script.code == 0 and "_SESSION_TRACKER_COMPLETE" in script.out, shell


def test_terminal_text_for_people(repo: Path, cli: Cli) -> None:
    (repo / "pkg.py").write_text('__version__ = "1.0"\n')
    assert cli("init").code == 0
    assert cli("log", "Bumped __version__ and requires-python >=3.8").code == 0
    assert cli("end").code == 0
    started = cli("init")  # piped: plain text
    assert started.code == 0
    assert "__version__ and requires-python >=3.8" in started.out
    assert "<!--" not in started.out and "\\_" not in started.out and "&gt;" not in started.out
    assert "1 file already dirty" in started.out or "0 files already dirty" in started.out
    listing = cli("list")
    rows = [line for line in listing.out.splitlines() if line.lstrip().startswith("0000")]
    assert len(rows) == 2  # one line per session when piped, however long
    handoff = cli("handoff", "00001")
    assert handoff.out.startswith("<!-- generated")  # piped `handoff` stays the markdown document
