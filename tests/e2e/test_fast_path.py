"""The hand-parsed fast path for `log` must record exactly what the click CLI records, and must
hand anything unusual to click."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import Cli
from helpers import event_path
from session_tracker.entry import parse_fast

CASES = [
    ["plain message"],
    ["--message", "with option", "--category", "testing"],
    ["-m", "short flags", "-c", "bugfix", "-s", "00001"],
    ["--message=equals form", "--category=refactor"],
    ["positional", "--at", "2020-01-02 10:30", "--category", "documentation"],
]


@pytest.mark.parametrize("args", CASES)
def test_fast_and_click_paths_record_the_same_event(repo: Path, cli: Cli, args: list[str]) -> None:
    assert parse_fast("log", args) is not None  # the fast path takes it
    assert cli("init", "--session", "00001").code == 0
    fast = cli("log", *args)
    slow = cli("--debug", "log", *args)  # a global option first: click parses it
    assert fast.code == slow.code == 0, (fast, slow)
    assert fast.out == slow.out
    lines = event_path(repo, "00001").read_text().splitlines()
    a, b = (json.loads(line) for line in lines[-2:])
    assert a["type"] == b["type"] == "note"
    assert a["data"] == b["data"]


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["-m", "x", "--unknown"],
        ["-m", "x", "-m", "y"],
        ["one", "two"],
        ["one", "--message", "two"],
        ["--category", "testing"],
        ["-m"],
        [],
    ],
)
def test_unusual_arguments_go_to_click(args: list[str]) -> None:
    assert parse_fast("log", args) is None


def test_json_output_on_the_fast_path(repo: Path, cli: Cli) -> None:
    cli("init")
    result = json.loads(cli("log", "x", "--json").out)
    assert result["session"] == "00001" and result["category"] == "implementation"
    assert result["documents"] == ["archive/sessions/SESSION-00001-LOG.md"]


def test_fast_path_imports_no_heavy_module(repo: Path, cli: Cli) -> None:
    import subprocess
    import sys

    cli("init")
    code = (
        "import sys\n"
        "from session_tracker.entry import main\n"
        "main(['log', 'x'])\n"
        "heavy = sorted(m for m in ('click', 'rich', 'jinja2', 'dataclasses', 'pathlib', 'subprocess', 'tomllib', 'typing') if m in sys.modules)\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=repo, capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("args", [[], ["--next", "a", "-n", "b"], ["-s", "00001", "--json"], ["--next=a"]])
def test_end_takes_the_fast_path_and_matches_click(repo: Path, cli: Cli, args: list[str]) -> None:
    assert parse_fast("end", args) is not None
    results = []
    for prefix in ([], ["--debug"]):
        cli("init", "--session", "00001")
        (repo / "a.txt").write_text("a\n")
        done = cli(*prefix, "end", *args)
        assert done.code == 0, done
        event = json.loads(event_path(repo, "00001").read_text().splitlines()[-1])
        results.append((event["type"], event["data"]["next"], [f["path"] for f in event["data"]["git"]["files"]]))
        shutil.rmtree(repo / ".sessions")
        shutil.rmtree(repo / "archive")
        (repo / ".git/session-tracker-numbers").unlink()
    assert results[0] == results[1]
    assert results[0][0] == "session.ended"
    assert results[0][2] == ["a.txt"]


def test_end_with_unusual_arguments_goes_to_click() -> None:
    assert parse_fast("end", ["--help"]) is None
    assert parse_fast("end", ["positional"]) is None
    assert parse_fast("end", ["-s", "1", "-s", "2"]) is None
    assert parse_fast("summary", []) is None


SEARCH_CASES = [
    ["vendor"],
    ["vendor", "OR", "retry*", "--limit", "5"],
    ["--type", "decision", "-t", "blocker", "vendor"],
    ["vendor", "--session", "00001", "--json"],
    ["vendor", "--since", "2020-01-01"],
]


@pytest.mark.parametrize("args", SEARCH_CASES)
def test_search_answers_the_same_on_both_paths(repo: Path, cli: Cli, args: list[str]) -> None:
    assert parse_fast("search", args) is not None  # the fast path takes it
    assert cli("init", "--session", "00001").code == 0
    assert cli("decision", "Retry the vendor API", "--rationale", "the vendor rate-limits").code == 0
    assert cli("blocker", "--message", "Waiting for the vendor's key").code == 0
    fast = cli("search", *args)
    slow = cli("--debug", "search", *args)  # a global option first: click parses it
    assert fast.code == slow.code == 0, (fast, slow)
    assert fast.out == slow.out and "vendor" in fast.out.lower()


@pytest.mark.parametrize("args", [["--limit", "many", "x"], ["x", "--unknown"], ["--help"], []])
def test_unusual_search_arguments_go_to_click(args: list[str]) -> None:
    assert parse_fast("search", args) is None



@pytest.mark.parametrize("args", [[], ["--json"]])
def test_status_answers_the_same_on_both_paths(repo: Path, cli: Cli, args: list[str]) -> None:
    assert parse_fast("status", args) is not None
    assert cli("init", "--session", "00001").code == 0
    assert cli("blocker", "--message", "Waiting for the vendor's key").code == 0
    assert cli("next", "Ship the retry loop").code == 0
    fast = cli("status", *args)
    slow = cli("--debug", "status", *args)
    assert fast.code == slow.code == 0, (fast, slow)
    assert fast.out == slow.out and "vendor" in fast.out and "Ship the retry loop" in fast.out


@pytest.mark.parametrize("args", [["--help"], ["--verbose"], ["extra"]])
def test_unusual_status_arguments_go_to_click(args: list[str]) -> None:
    assert parse_fast("status", args) is None


@pytest.mark.parametrize(("command", "args"), [("show", ["00001"]), ("show", ["00001", "--json"]), ("handoff", []),
                                               ("handoff", ["00001"]), ("handoff", ["--session", "00001", "--json"]),
                                               ("show", ["00009"]), ("handoff", ["00009"]), ("list", []),
                                               ("list", ["--limit", "1", "--json"]), ("list", ["--since", "2020-01-01"])])
def test_show_and_handoff_answer_the_same_on_both_paths(repo: Path, cli: Cli, command: str, args: list[str]) -> None:
    assert parse_fast(command, args) is not None
    assert cli("init", "--session", "00001").code == 0
    assert cli("decision", "Retry the vendor API", "--rationale", "the vendor rate-limits").code == 0
    assert cli("end", "--next", "Ship the retry loop").code == 0
    fast = cli(command, *args)
    slow = cli("--debug", command, *args)
    assert fast.code == slow.code, (fast, slow)
    assert fast.out == slow.out
    if args[:1] == ["00009"]:  # an unknown session: the one-line error and its hint (--debug: the traceback)
        assert fast.code == 1 and fast.err.startswith("error: unknown session '00009'\nhint: ")
        assert "Traceback" not in fast.err and "unknown session '00009'" in slow.err
    else:
        assert fast.code == 0 and ("00001" if command == "list" else "Retry the vendor API") in fast.out


@pytest.mark.parametrize(("command", "args"), [("show", []), ("show", ["1", "2"]), ("handoff", ["--item", "x"]),
                                               ("handoff", ["1", "--session", "1"]), ("show", ["--help"]), ("list", ["-n", "x"]),
                                               ("list", ["00001"])])
def test_unusual_show_and_handoff_arguments_go_to_click(command: str, args: list[str]) -> None:
    assert parse_fast(command, args) is None
