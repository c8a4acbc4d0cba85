"""Every malformed config gives a one-line error naming the file (and the key), exit 1, and
nothing is written; a document path into .sessions/ or .git/ or outside the repository is
refused, so the event log can never be overwritten by a rendered document."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import Cli, snapshot
from helpers import event_path


def _clean_error(result, *fragments: str) -> None:  # type: ignore[no-untyped-def]
    assert result.code == 1, result
    lines = result.err.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("error: ") and lines[1].startswith("hint: "), result.err
    assert "Traceback" not in result.err
    for fragment in fragments:
        assert fragment in lines[0], result.err


@pytest.fixture
def started(repo: Path, cli: Cli) -> Path:
    assert cli("init").code == 0
    assert cli("log", "first").code == 0
    return repo


BAD_TOML = [
    (b"[documents]\nlog = '.sessions/events/{session}.jsonl'\n", "documents.log"),
    (b"[documents]\nlog = '.sessions/{session}.md'\n", "documents.log"),
    (b"[documents]\nhandoff = './.git/{session}-handoff.md'\n", "documents.handoff"),
    (b"[documents]\ntracker = '.git/hooks/pre-commit'\n", "documents.tracker"),
    (b"[documents]\nlog = 'docs/../../{session}.md'\n", "documents.log"),
    (b"[documents]\nlog = '/etc/{session}.md'\n", "documents.log"),
    (b"[documents]\nprogress = 'x/../.sessions/events/00001.jsonl'\n", "documents.progress"),
    (b"[documents]\nlog = 'a\\u0000b{session}'\n", "documents.log"),
    (b"[documents]\nlog = 5\n", "documents.log"),
    (b"[documents]\nlog = ['a']\n", "documents.log"),
    (b"[redact]\nenabled = 'yes'\n", "redact.enabled"),
    (b"[redact]\npatterns = 'x'\n", "redact.patterns"),
    (b"[redact]\npatterns = ['(']\n", "redact.patterns"),
    (b"[agents]\ncontext_budget = 'big'\n", "agents.context_budget"),
    (b"[log]\ndefault_category = 3\n", "log.default_category"),
    (b"[check]\ndisable = 'all'\n", "check.disable"),
    (b"documents = 3\n", "documents"),
    (b"[nonsense]\nx = 1\n", "[nonsense]"),
    (b"[documents]\nnope = 'x'\n", "documents.nope"),
    (b"\xff\xfe[documents]\n", "not UTF-8"),
    (b"[documents\n", "config.toml"),
    (b"x = " + b"[" * 100_000 + b"]" * 100_000 + b"\n", "config.toml"),
    (b"[gates]\ncoverage_min = 'high'\n", "gates.coverage_min"),
]


@pytest.mark.parametrize(("content", "fragment"), BAD_TOML)
def test_malformed_config_is_one_line_error_naming_file_and_key(started: Path, cli: Cli, content: bytes, fragment: str) -> None:
    (started / ".sessions/config.toml").write_bytes(content)
    before = snapshot(started)
    result = cli("log", "second")
    _clean_error(result, "config.toml", fragment)
    assert snapshot(started) == before


def test_the_event_log_survives_a_document_path_pointing_at_it(started: Path, cli: Cli) -> None:
    events = event_path(started, "00001")
    before = events.read_bytes()
    (started / ".sessions/config.toml").write_text('[documents]\nlog = ".sessions/events/{session}.jsonl"\n')
    for args in (("log", "x"), ("render",), ("end",)):
        _clean_error(cli(*args), "documents.log")
    assert events.read_bytes() == before


def test_a_config_that_is_a_directory(started: Path, cli: Cli) -> None:
    (started / ".sessions/config.toml").mkdir()
    _clean_error(cli("log", "x"), "config.toml", "directory")
    _clean_error(cli("doctor"), "config.toml", "directory")


def test_a_config_that_is_a_fifo_does_not_hang(started: Path, cli: Cli) -> None:
    os.mkfifo(started / ".sessions/config.toml")
    _clean_error(cli("log", "x"), "config.toml", "not a regular file")
