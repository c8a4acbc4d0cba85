"""Helpers shared by tests in several directories (``tests/`` is on pytest's ``pythonpath``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from conftest import Result


def tables(markdown: str) -> list[list[list[str]]]:
    """Every table in a markdown text as rows of cell texts (header row first)."""
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    found: list[list[list[str]]] = []
    row: list[str] | None = None
    for token in tokens:
        if token.type == "table_open":
            found.append([])
        elif token.type == "tr_open":
            row = []
        elif token.type == "inline" and row is not None:
            row.append(token.content)
        elif token.type == "tr_close" and row is not None:
            found[-1].append(row)
            row = None
    return found


def headings(markdown: str) -> list[str]:
    tokens = MarkdownIt("commonmark").parse(markdown)
    return [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]


def assert_clean_error(result: Result, fragment: str, code: int = 1) -> None:
    assert result.code == code, result
    lines = result.err.strip().splitlines()
    assert len(lines) == 2, result.err
    assert lines[0].startswith("error: ") and fragment in lines[0], result.err
    assert lines[1].startswith("hint: ") and len(lines[1]) > len("hint: "), result.err
    assert "Traceback" not in result.err


def events_here(root: Path, name: str = "00001") -> list[dict[str, Any]]:
    """A session's events as the machine that recorded them knows them: the committed events
    with the agent text kept in ``.sessions/local/private/`` put back (a command line into its
    ``command.run``; a prompt back into a ``note``), so tests can follow what the agent did.
    tests/core/test_private.py checks that the committed file itself holds none of it."""
    import json

    path = root / ".sessions" / "events" / f"{name}.jsonl"
    if not path.exists():
        return []
    kept: dict[str, dict[str, str]] = {}
    private = root / ".sessions" / "local" / "private" / f"{name}.jsonl"
    for line in private.read_text().splitlines() if private.exists() else []:
        record = json.loads(line)
        kept.setdefault(record["event"], {})[record["field"]] = record["text"]
    out = []
    for line in path.read_text().splitlines():
        event = json.loads(line)
        text = kept.get(event["id"], {})
        if "command" in text:
            event["data"].pop("command_local", None)
            event["data"] = {**event["data"], "command": text["command"]}
        if "prompt" in text:
            data = {k: v for k, v in event["data"].items() if k not in ("event", "local")}
            event["type"], event["data"] = "note", {"message": text["prompt"], "category": "planning", "prompt": True, **data}
        out.append(event)
    return out
