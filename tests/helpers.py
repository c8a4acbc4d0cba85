"""Helpers shared by tests in several directories (``tests/`` is on pytest's ``pythonpath``)."""

from __future__ import annotations

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


def assert_clean_error(result: Result, fragment: str) -> None:
    assert result.code == 1, result
    lines = result.err.strip().splitlines()
    assert len(lines) == 2, result.err
    assert lines[0].startswith("error: ") and fragment in lines[0], result.err
    assert lines[1].startswith("hint: ") and len(lines[1]) > len("hint: "), result.err
    assert "Traceback" not in result.err
