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

TOOLS = {"session_status", "log", "decision", "blocker", "task_update", "handoff", "end", "search"}


def with_client(root: Path, body: Callable[[Client], Awaitable[None]]) -> None:
    async def main() -> None:
        async with Client(build(str(root), actor="claude-code")) as client:
            await body(client)

    anyio.run(main)


def events(root: Path, name: str = "00001") -> list[dict[str, Any]]:
    return [json.loads(line) for line in event_path(root, name).read_text().splitlines()]


def text(result: Any) -> str:
    return "\n".join(block.text for block in result.content)


def test_lists_at_most_eight_typed_tools(repo: Path) -> None:
    async def body(client: Client) -> None:
        listed = (await client.list_tools()).tools
        assert {t.name for t in listed} == TOOLS and len(listed) <= 8
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


@pytest.mark.parametrize(
    "tool, args, expected",
    [
        ("log", {"message": "x"}, "no open session in this worktree\nhint: start one with `session-tracker init`"),
        ("session_status", {"session": "../etc"}, "invalid session name '../etc'\nhint: use 1-64 letters"),
        ("handoff", {}, "no session has ended yet, so there is no handoff\nhint: end the current one"),
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
