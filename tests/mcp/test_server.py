"""The MCP server through the SDK's own client: in memory for every tool and error, and once
over stdio against `python -m session_tracker mcp`."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import pytest

from conftest import Cli

pytest.importorskip("mcp")

from mcp.client.stdio import StdioServerParameters

from helpers import event_path
from mcp import Client
from session_tracker.mcp.server import build

TOOLS = {"session_start", "session_status", "log", "decision", "blocker", "task_update", "handoff", "end", "search"}


def with_client(root: Path, body: Callable[[Client], Awaitable[None]]) -> None:
    async def main() -> None:
        async with Client(build(str(root), actor="claude-code")) as client:
            await body(client)

    anyio.run(main)


def events(root: Path, name: str = "00001") -> list[dict[str, Any]]:
    return [json.loads(line) for line in event_path(root, name).read_text().splitlines()]


def text(result: Any) -> str:
    return "\n".join(block.text for block in result.content)


def test_lists_at_most_nine_typed_tools(repo: Path) -> None:
    async def body(client: Client) -> None:
        listed = (await client.list_tools()).tools
        assert {t.name for t in listed} == TOOLS and len(listed) <= 9
        schemas = {t.name: t.input_schema for t in listed}
        assert schemas["decision"]["required"] == ["message", "rationale"]
        assert schemas["blocker"]["properties"]["action"]["enum"] == ["open", "resolve"]
        assert schemas["task_update"]["properties"]["status"]["enum"] == ["todo", "in_progress", "blocked", "done"]
        assert "testing" in schemas["log"]["properties"]["category"]["enum"]
        assert all(t.description for t in listed)

    with_client(repo, body)


def test_search_gives_refs_and_snippets_first_then_one_item_in_full(repo: Path, cli: Cli) -> None:
    assert cli("init").code == 0
    assert cli("log", "Parsed the manifest").code == 0
    assert cli("decision", "Use TOML", "--rationale", "the stdlib ships a tomllib parser", "--alternative", "YAML").code == 0

    async def body(client: Client) -> None:
        found = await client.call_tool("search", {"query": "tomllib", "limit": 5})
        assert not found.is_error, text(found)
        brief = found.structured_content
        assert isinstance(brief, dict) and brief["v"] == 1 and brief["count"] == 1
        first = brief["results"][0]
        assert set(first) == {"ref", "kind", "session", "at", "snippet"}  # no data until asked
        assert first["kind"] == "decision" and "tomllib" in first["snippet"]
        full = await client.call_tool("search", {"ref": first["ref"]})
        assert not full.is_error, text(full)
        item = full.structured_content["item"]
        assert item["type"] == "decision" and item["data"]["alternatives"] == ["YAML"]
        bad = await client.call_tool("search", {"query": "   "})
        assert bad.is_error and "nothing to search for" in text(bad)

    with_client(repo, body)


def test_every_tool_writes_through_the_core(repo: Path, cli: Cli) -> None:
    assert cli("init").code == 0

    async def body(client: Client) -> None:
        async def ok(name: str, args: dict[str, Any]) -> dict[str, Any]:
            result = await client.call_tool(name, args)
            assert not result.is_error, text(result)
            assert isinstance(result.structured_content, dict)
            return result.structured_content

        assert (await ok("session_status", {}))["session"] == "00001"
        await ok("log", {"message": "Parsed the config", "category": "implementation"})
        await ok("decision", {"message": "Use TOML", "rationale": "stdlib parser", "alternatives": ["YAML"]})
        opened = await ok("blocker", {"action": "open", "message": "Need API key"})
        assert str(opened["blocker"]).startswith("b-")
        await ok("blocker", {"action": "resolve", "blocker_id": opened["blocker"], "message": "Got it from ops"})
        await ok("task_update", {"task": "Config loader", "status": "in_progress", "note": "TOML only"})
        await ok("handoff", {"item": "Add YAML support"})
        status = await ok("session_status", {})
        assert status["blockers_open"] == [] and status["entries_total"] == 1
        assert [(s["message"], s["source"]) for s in status["next_open"]] == [("Add YAML support", "handoff")]  # the one list
        ended = await ok("end", {"next_steps": ["Ship it"]})
        assert ended["status"] == "COMPLETE"
        shown = await ok("handoff", {})
        assert "Ship it" in shown["handoff"] and "Add YAML support" in shown["handoff"]

    with_client(repo, body)
    written = [(e["type"], e["actor"]) for e in events(repo)][1:]
    assert written == [
        ("note", "claude-code"), ("decision", "claude-code"), ("blocker.opened", "claude-code"),
        ("blocker.resolved", "claude-code"), ("task.updated", "claude-code"), ("handoff.item", "claude-code"),
        ("session.ended", "claude-code"),
    ]
    assert events(repo)[5]["data"] == {"task": "Config loader", "status": "in_progress", "note": "TOML only"}


def test_the_tool_list_stays_small(repo: Path) -> None:
    async def body(client: Client) -> None:
        listed = (await client.list_tools()).tools
        shown = json.dumps([{"name": t.name, "description": t.description, "inputSchema": t.input_schema} for t in listed])
        # What a client puts in the model's context; ~4 characters a token for English and JSON.
        assert len(listed) <= 9 and len(shown) / 4 <= 1500, (len(listed), len(shown) / 4)

    with_client(repo, body)


def test_session_start_starts_then_resumes_with_the_handoff(repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    contexts: list[str] = []

    async def body(client: Client) -> None:
        first = await client.call_tool("session_start", {"objective": "Add logout"})
        assert not first.is_error, text(first)
        started = json.loads(text(first))
        contexts.append(started["context"])
        assert (started["session"], started["resumed"]) == ("00001", False)
        assert "session 00001 (started)" in started["context"]
        assert not (await client.call_tool("handoff", {"item": "Write the docs"})).is_error
        again = json.loads(text(await client.call_tool("session_start", {})))
        assert (again["session"], again["resumed"]) == ("00001", True) and "session 00001 (continued)" in again["context"]
        assert not (await client.call_tool("end", {})).is_error
        ended = await client.call_tool("session_start", {"session": "00001"})
        assert ended.is_error and "session 00001 has ended\nhint: call session_start without session" in text(ended)
        after = json.loads(text(await client.call_tool("session_start", {})))
        assert (after["session"], after["resumed"]) == ("00002", False) and "Write the docs" in after["context"]

    with_client(repo, body)
    assert events(repo)[0]["data"]["objectives"] == ["Add logout"]
    # Each context given out is on record, as the SessionStart hook's is (`session-tracker receipts`).
    receipts = json.loads(cli("receipts", "--all", "--json").out)["receipts"]
    assert [(r["session"], r["agent"], r["source"]) for r in receipts] == [("00001", "mcp", "startup"), ("00001", "mcp", "resume"), ("00002", "mcp", "startup")]
    assert receipts[0]["chars"] == len(contexts[0]) and all(r["chars"] <= r["budget"] for r in receipts)


def test_hints_name_mcp_tools_and_arguments() -> None:
    from session_tracker.mcp.server import mcp_hint

    assert mcp_hint("choose one with --session 00002 or `export CURRENT_SESSION=00002`") == 'choose one with session="00002"'
    assert mcp_hint('say what happened, e.g. --message "Created connector.py"') == 'say what happened, e.g. message="Created connector.py"'
    assert mcp_hint("see its progress with `session-tracker summary --session 00003`") == "see its progress with the session_status tool"


@pytest.mark.parametrize(
    "tool, args, expected",
    [
        ("log", {"message": "x"}, "no open session in this worktree\nhint: start one with the session_start tool, or name one with the session argument"),
        ("session_status", {"session": "../etc"}, "invalid session name '../etc'\nhint: use 1-64 letters"),
        ("handoff", {}, "no session has ended yet, so there is no handoff\nhint: end the current one with the end tool"),
    ],
)
def test_tracker_errors_come_back_as_tool_errors(repo: Path, tool: str, args: dict[str, Any], expected: str) -> None:
    async def body(client: Client) -> None:
        result = await client.call_tool(tool, args)
        assert result.is_error
        assert expected in text(result)

    with_client(repo, body)


def test_bad_arguments_are_tool_errors_not_crashes(repo: Path, cli: Cli) -> None:
    cli("init")

    async def body(client: Client) -> None:
        cases = [
            ("decision", {"message": "x", "rationale": " "}, "a decision needs a rationale"),
            ("blocker", {"action": "resolve", "message": "done"}, "resolving needs blocker_id"),
            ("blocker", {"action": "resolve", "blocker_id": "00001-9", "message": "done"}, "unknown blocker '00001-9'\nhint: open blockers: none"),
            ("log", {"message": "x", "category": "chores"}, "category"),
            ("task_update", {"task": "t", "status": "finished"}, "status"),
            ("log", {}, "message"),
        ]
        for tool, args, expected in cases:
            result = await client.call_tool(tool, args)
            assert result.is_error, (tool, args)
            assert expected in text(result)
        # The server is still serving.
        assert not (await client.call_tool("log", {"message": "still here"})).is_error

    with_client(repo, body)


def test_stdio_server_through_the_sdk_client(repo: Path, cli: Cli) -> None:
    cli("init")
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "session_tracker", "mcp", "--actor", "codex"], cwd=str(repo),
        env={"HOME": os.environ["HOME"], "PATH": os.environ.get("PATH", "")},
    )

    async def main() -> None:
        async with Client(params) as client:
            assert {t.name for t in (await client.list_tools()).tools} == TOOLS
            result = await client.call_tool("log", {"message": "over stdio", "category": "testing"})
            assert not result.is_error, text(result)
            failed = await client.call_tool("blocker", {"action": "resolve", "blocker_id": "nope", "message": "x"})
            assert failed.is_error and "unknown blocker 'nope'" in text(failed)

    anyio.run(main)
    last = events(repo)[-1]
    assert (last["type"], last["actor"], last["data"]["message"]) == ("note", "codex", "over stdio")
