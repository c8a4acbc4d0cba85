"""``search``: a decision found by a word of its rationale and a blocker by a word of its text,
ranked first, as text and ``--json``, also after the index was deleted; filters, phrases,
prefixes, bad input, redaction. Real subprocesses of the CLI in a real git repository."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Result


def _json(result: Result) -> dict[str, object]:
    assert result.code == 0, result
    data = json.loads(result.out)
    assert isinstance(data, dict) and data["v"] == 1
    return data


def _story(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("init", "-o", "Wire the payment connector").code == 0
    assert cli("log", "Read the gateway documentation").code == 0
    assert cli("log", "Decision pending on the retry policy").code == 0  # "retry" also in an entry, ranked below
    assert cli("decision", "Retry with exponential backoff", "--rationale", "the gateway throttles bursts above forty requests",
               "--alternative", "fixed delay").code == 0
    assert cli("blocker", "--message", "Sandbox credentials expired overnight", "--impact", "High").code == 0
    assert cli("end", "--next", "Rotate the sandbox credentials").code == 0
    assert cli("init", "-o", "Second session").code == 0
    assert cli("log", "Throttling tests pass against the sandbox").code == 0


def test_a_decision_by_a_word_of_its_rationale_and_a_blocker_by_a_word_of_its_text(cli, repo: Path) -> None:  # type: ignore[no-untyped-def]
    _story(cli)
    for attempt in ("first", "after the index was deleted"):
        found = _json(cli("search", "throttles", "--json"))
        results = found["results"]
        assert isinstance(results, list) and results, attempt
        assert results[0]["kind"] == "decision" and results[0]["session"] == "00001", attempt
        assert "throttles" in results[0]["snippet"]
        start, end = results[0]["highlights"][0]
        assert results[0]["snippet"][start:end] == "throttles"
        blocker = _json(cli("search", "overnight", "--json"))["results"]
        assert isinstance(blocker, list) and blocker[0]["kind"] == "blocker" and blocker[0]["type"] == "blocker.opened"
        text = cli("search", "overnight")
        assert text.code == 0 and text.out.splitlines()[0].startswith(" 1. [blocker] session 00001")
        assert "**overnight**" in text.out  # not a terminal: the match between ** **
        for name in ("index.sqlite", "index.sqlite-wal", "index.sqlite-shm"):
            (repo / ".sessions/local" / name).unlink(missing_ok=True)


def test_ranked_by_bm25_in_rank_order(cli) -> None:  # type: ignore[no-untyped-def]
    _story(cli)
    assert cli("log", "Retry budget: retry twice, retry never more").code == 0  # three times in as many words
    results = _json(cli("search", "retry", "--json"))["results"]
    assert isinstance(results, list) and len(results) == 3
    scores = [r["score"] for r in results]
    assert scores == sorted(scores)  # bm25: lower is better, best first
    assert results[0]["snippet"].startswith("Retry budget")


def test_phrases_prefixes_and_filters(cli) -> None:  # type: ignore[no-untyped-def]
    _story(cli)
    phrase = _json(cli("search", '"sandbox credentials"', "--json"))["results"]
    assert isinstance(phrase, list) and {r["kind"] for r in phrase} == {"blocker", "next"}
    prefix = _json(cli("search", "thrott*", "--json"))["results"]
    assert isinstance(prefix, list) and {r["session"] for r in prefix} == {"00001", "00002"}
    only_two = _json(cli("search", "thrott*", "--session", "00002", "--json"))["results"]
    assert isinstance(only_two, list) and [r["session"] for r in only_two] == ["00002"]
    entries = _json(cli("search", "thrott*", "--type", "entry", "--json"))["results"]
    assert isinstance(entries, list) and {r["kind"] for r in entries} == {"entry"}
    assert _json(cli("search", "thrott*", "--until", "2000-01-01", "--json"))["results"] == []
    assert _json(cli("search", "thrott*", "--since", "2000-01-01", "--json"))["count"] == len(prefix)
    assert _json(cli("search", "thrott*", "--agent", "claude-code", "--json"))["results"] == []
    objectives = _json(cli("search", "connector", "--json"))["results"]
    assert isinstance(objectives, list) and objectives[0]["kind"] == "session"
    punctuation = cli("search", "gateway's", "(bursts)", "--json")  # never an FTS5 syntax error
    assert punctuation.code == 0


def test_commands_and_file_paths_of_agents_are_searchable(cli, repo: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("init").code == 0
    payload = {"session_id": "agent-1", "transcript_path": str(repo / "t.jsonl"), "cwd": str(repo), "hook_event_name": "SessionStart",
               "source": "startup"}
    from conftest import run_cli

    assert run_cli(repo, "hook", "claude-code", stdin=json.dumps(payload)).code == 0
    for tool, tool_input in (("Edit", {"file_path": str(repo / "src/payments/refund.py")}), ("Bash", {"command": "pytest -q tests/test_refund.py"})):
        call = {**payload, "hook_event_name": "PostToolUse", "tool_name": tool, "tool_input": tool_input, "tool_response": {}}
        assert run_cli(repo, "hook", "claude-code", stdin=json.dumps(call)).code == 0
    files = _json(cli("search", "refund", "--type", "file", "--json"))["results"]
    assert isinstance(files, list) and files and "refund" in files[0]["snippet"]
    commands = _json(cli("search", "pytest", "--json"))["results"]
    assert isinstance(commands, list) and commands[0]["kind"] == "command"
    by_file = _json(cli("search", "pytest", "--file", "src/payments/refund.py", "--json"))["results"]
    assert isinstance(by_file, list) and len(by_file) == len(commands)
    assert _json(cli("search", "pytest", "--file", "src/other.py", "--json"))["results"] == []
    assert _json(cli("search", "pytest", "--agent", "claude-code", "--json"))["count"] == len(commands)


def test_redacted_text_stays_redacted(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("init").code == 0
    secret = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    assert cli("log", f"Configured the token {secret} for the deploy").code == 0
    assert _json(cli("search", secret, "--json"))["results"] == []
    found = _json(cli("search", "deploy", "--json"))["results"]
    assert isinstance(found, list) and found and secret not in json.dumps(found) and "REDACTED" in found[0]["snippet"]


def test_bad_input_is_one_line_and_exit_1_or_2(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("init").code == 0
    for args, fragment in ((["   "], "nothing to search for"), (["x", "--type", "nonsense"], "unknown --type"),
                           (["x", "--since", "yesterday-ish"], "--since"), (["x", "--limit", "0"], "--limit")):
        result = cli("search", *args)
        assert result.code == 1, result
        lines = result.err.strip().splitlines()
        assert lines[0].startswith("error: ") and fragment in lines[0] and lines[1].startswith("hint: ") and "Traceback" not in result.err
    assert cli("search").code == 2  # usage: no query
