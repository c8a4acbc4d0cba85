"""Bad input never crashes (exit 3): wrong-typed events, absurd nesting, ASCII-only terminals,
huge reports; `doctor` names the bad line as file:line. And the small ones: `blocker
--resolve ""`, invisible characters in documents, errors that stay on one line."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import Cli, run_cli
from helpers import event_path

COMMANDS = [("list",), ("show", "00001"), ("status",), ("render",), ("doctor",), ("log", "more"),
            ("decision", "-m", "d", "-r", "r"), ("blocker", "stuck"), ("handoff", "00001"), ("end",)]


@pytest.fixture
def started(repo: Path, cli: Cli) -> Path:
    assert cli("init").code == 0
    assert cli("log", "first").code == 0
    return repo


def _append(repo: Path, line: bytes) -> None:
    with open(event_path(repo, "00001"), "ab") as handle:
        handle.write(line + b"\n")


def _event(repo: Path, **changes: object) -> bytes:
    first = json.loads((event_path(repo, "00001")).read_text().splitlines()[-1])
    first.update(id="01JZZZZZZZZZZZZZZZZZZZZZZZ", type="note")
    data = changes.pop("data", None)
    first.update(changes)
    if isinstance(data, dict):
        first["data"] = {**first["data"], **data}
    return json.dumps(first).encode()


@pytest.mark.parametrize("bad", [{"data": {"at": "yesterday"}}, {"ts": "not a time"}, {"ts": "2026-11-21T13:05:16"},
                                 {"data": {"at": "2026-13-45T99:00:00+00:00"}},
                                 {"data": {"message": "half a pair \ud800 written by another tool"}}])
def test_a_wrong_typed_event_is_skipped_and_named(started: Path, bad: dict[str, object]) -> None:
    _append(started, _event(started, **bad))
    line = len((event_path(started, "00001")).read_text().splitlines())
    for args in COMMANDS:
        result = run_cli(started, *args)
        assert result.code != 3 and "Traceback" not in result.err and "internal error" not in result.err, (args, result)
    doctor = json.loads(run_cli(started, "doctor", "--json").out)
    wheres = [f["where"] for f in doctor["findings"] if f["check"] == "bad-line"]
    assert f"{event_path(started, '00001').relative_to(started).as_posix()}:{line}" in wheres


def test_a_surrogate_pair_escaped_by_another_tool_is_text(started: Path) -> None:
    _append(started, _event(started, data={"message": "shipped \U0001f680 today"}))  # json.dumps writes \ud83d\ude80
    assert b"\\ud83d\\ude80" in event_path(started, "00001").read_bytes()
    shown = json.loads(run_cli(started, "show", "00001", "--json").out)
    assert "shipped \U0001f680 today" in json.dumps(shown, ensure_ascii=False)
    found = run_cli(started, "search", "shipped", "--json")
    assert found.code == 0 and "today" in found.out


def test_a_line_nested_100k_deep_crashes_nothing(started: Path) -> None:
    _append(started, b'{"v":1,"data":' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    for args in COMMANDS:
        result = run_cli(started, *args)
        assert result.code != 3 and "Traceback" not in result.err, (args, result)
    doctor = json.loads(run_cli(started, "doctor", "--json").out)
    assert any(f["where"] == f"{event_path(started, '00001').relative_to(started).as_posix()}:3" for f in doctor["findings"])


def test_data_nested_deeper_than_the_limit_is_a_bad_line(started: Path) -> None:
    deep: object = "x"
    for _ in range(200):
        deep = [deep]
    _append(started, _event(started, data={"deep": deep}))
    assert run_cli(started, "show", "00001", "--json").code == 0
    findings = json.loads(run_cli(started, "doctor", "--json").out)["findings"]
    assert any("nested deeper" in f["message"] for f in findings)


@pytest.mark.parametrize("args", [("doctor",), ("list",), ("handoff",), ("status",), ("show", "00001")])
def test_an_ascii_only_terminal_gets_escapes_not_a_crash(repo: Path, cli: Cli, args: tuple[str, ...]) -> None:
    assert cli("init").code == 0
    assert cli("log", "café ✅ naïve — done").code == 0
    assert cli("end", "--next", "ship it ✅").code == 0
    result = cli(*args, env={"PYTHONIOENCODING": "ascii", "LC_ALL": "C"})
    assert result.code in (0, 1), result
    assert "Traceback" not in result.err and "internal error" not in result.err
    state = Path(os.environ["HOME"]) / ".local/state/session-tracker"
    assert not list(state.glob("crash-*")) if state.exists() else True


def test_a_report_past_the_size_limit_is_refused(started: Path, cli: Cli) -> None:
    from session_tracker.metrics.parsers import MAX_REPORT_BYTES

    report = started / "junit.xml"
    with open(report, "wb") as handle:  # sparse: no disk used
        handle.write(b'<?xml version="1.0"?><testsuites>')
        handle.truncate(MAX_REPORT_BYTES + 1)
    result = cli("metrics", "import", str(report))
    assert result.code == 1, result
    assert "MiB are refused" in result.err and "Traceback" not in result.err


def test_resolving_an_empty_blocker_id_opens_nothing(started: Path, cli: Cli) -> None:
    before = (event_path(started, "00001")).read_bytes()
    result = cli("blocker", "--resolve", "", "-m", "X")
    assert result.code == 1 and "unknown blocker" in result.err, result
    assert (event_path(started, "00001")).read_bytes() == before


def test_invisible_characters_are_shown_escaped_in_documents(started: Path, cli: Cli) -> None:
    assert cli("decision", "-m", "approve \u202eexe.txt", "-r", "zero\u200bwidth").code == 0
    assert cli("render").code == 0
    shown = b"".join(p.read_bytes() for p in started.rglob("*.md") if ".git" not in p.parts)
    assert "\u202e".encode() not in shown and "\u200b".encode() not in shown
    assert b"\\u202e" in shown and b"\\u200b" in shown
    assert run_cli(started, "doctor").code == 0  # what render wrote is what doctor expects


def test_errors_never_echo_raw_newlines(started: Path, cli: Cli) -> None:
    result = cli("show", "no\nsuch\x1b[31m")
    assert result.code != 0 and len(result.err.strip().splitlines()) <= 2, result
    assert "\x1b" not in result.err


def test_a_writers_temp_file_is_never_taken_for_a_marker(started: Path, cli: Cli) -> None:
    """A temp file of a marker being written (as `init` does while others read) is neither
    a session open here nor a stale marker to remove."""
    temp = started / ".sessions/local/open/.00002.4242.0a1b2c3d.tmp"
    temp.write_text("01JD8Z3K4M5N6P7Q8R9S0T1V2W")
    result = cli("log", "still the one open session")
    assert result.code == 0, result
    assert temp.exists()
    status = cli("status", "--json")
    assert status.code == 0 and ".00002" not in status.out, status


def test_doctor_lists_stray_temp_files(started: Path, cli: Cli) -> None:
    stray = [started / "archive/sessions/.SESSION-00001-LOG.md.999.deadbeef.tmp", started / ".sessions/local/.config.json.7.0badf00d.tmp"]
    for path in stray:
        path.write_text("half")
        os.utime(path, (1_700_000_000, 1_700_000_000))
    fresh = started / "archive/sessions/.SESSION-00001-FILES.txt.5.12345678.tmp"
    fresh.write_text("in progress")
    findings = json.loads(cli("doctor", "--json").out)["findings"]
    wheres = {f["where"] for f in findings if f["check"] == "temp-file"}
    assert wheres == {"archive/sessions/.SESSION-00001-LOG.md.999.deadbeef.tmp", ".sessions/local/.config.json.7.0badf00d.tmp"}
