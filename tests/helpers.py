"""Helpers shared by tests in several directories (``tests/`` is on pytest's ``pythonpath``)."""

from __future__ import annotations

import re
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


def event_path(root: Path, name: str) -> Path:
    """Where session ``name``'s events can be read whole: its journal while it is open here
    (``.sessions/local/journal/``), else its file ``.sessions/events/<name>-<sid>.jsonl`` (issue 11's
    layout), else a legacy ``<name>.jsonl``. Fails when two sessions share the number."""
    for folder in (root / ".sessions/local/journal", root / ".sessions/events"):
        found = sorted(p for p in folder.glob(f"{name}-*.jsonl") if len(p.stem) == len(name) + 27)
        assert len(found) <= 1, found
        if found:
            return found[0]
    return root / ".sessions/events" / f"{name}.jsonl"


def events_file(root: Path, name: str) -> Path:
    """The committed events file of session ``name`` (``.sessions/events/<name>-<sid>.jsonl``)."""
    found = sorted(p for p in (root / ".sessions/events").glob(f"{name}-*.jsonl") if len(p.stem) == len(name) + 27)
    assert len(found) == 1, found
    return found[0]


class Ids:
    """The tracker's ids are random (``task-7kq2mz``, ``b-4r5wzg``: unique without coordination);
    a scripted test names them as it expects to read them (``task-1``, ``00001-1``). ``learn``
    maps each new id in a command's output to the next alias of its kind; ``args`` turns aliases
    in a command line into the real ids; ``norm`` writes a text back with the aliases, so documents
    are compared as the script sees them."""

    _ID = re.compile(r"\b(task|q|n|i|b)-[0-9a-hjkmnp-tv-z]{6}\b")

    def __init__(self, blockers: list[str] | None = None) -> None:
        self.real: dict[str, str] = {}
        self.alias: dict[str, str] = {}
        self.blockers = list(blockers or [])  # the aliases of the blockers, in the order opened

    def learn(self, text: str) -> str:
        for match in self._ID.finditer(text):
            real, kind = match.group(0), match.group(1)
            if real in self.alias:
                continue
            if kind == "b":
                alias = self.blockers.pop(0) if self.blockers else f"b-{len([a for a in self.alias if a.startswith('b-')]) + 1}"
            else:
                alias = f"{kind}-{sum(1 for r in self.alias if r.startswith(kind + '-')) + 1}"
            self.alias[real], self.real[alias] = alias, real
        return text

    def args(self, args: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(self.real.get(a, a) for a in args)

    def __getitem__(self, alias: str) -> str:
        return self.real[alias]

    def norm(self, text: str) -> str:
        return self._ID.sub(lambda m: self.alias.get(m.group(0), m.group(0)), text)


def events_here(root: Path, name: str = "00001") -> list[dict[str, Any]]:
    """A session's events as the machine that recorded them knows them: the committed events
    with the agent text kept in ``.sessions/local/private/`` put back (a command line into its
    ``command.run``; a prompt back into a ``note``), so tests can follow what the agent did.
    tests/core/test_private.py checks that the committed file itself holds none of it."""
    import json

    path = event_path(root, name)
    if not path.exists():
        return []
    kept: dict[str, dict[str, str]] = {}
    private = root / ".sessions" / "local" / "private" / f"{path.stem}.jsonl"
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
