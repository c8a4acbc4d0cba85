"""Bad input: a one-line ``error:`` plus ``hint:`` on stderr, a non-zero exit, no traceback,
and nothing written or lost (the store and documents are byte-identical afterwards)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import Cli, snapshot
from helpers import assert_clean_error, event_path


@pytest.fixture
def open_session(repo: Path, cli: Cli) -> Path:
    assert cli("init", "--session", "00003").code == 0
    assert cli("log", "first entry").code == 0
    return repo


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("init", "--session", "../../etc"), "invalid session name"),
        (("init", "--session", "a/b"), "invalid session name"),
        (("init", "--session", "-x"), "invalid session name"),
        (("init", "--session", "00003"), "already exists"),
        (("log", "--session", "00042", "x"), "unknown session"),
        (("log", "--session", "../x", "x"), "invalid session name"),
        (("log", "--message", ""), "is empty"),
        (("log", "   "), "is empty"),
        (("log", "bell \x07 here"), "control character"),
        (("log", "x" * (64 * 1024 + 1)), "bytes; at most"),
        (("log", "x", "--category", "coffee"), "unknown category"),
        (("log", "x", "--at", "yesterday-ish"), "cannot read the time"),
        (("decision", "--message", "Use SHA-256"), "needs a rationale"),
        (("decision", "--message", "Use SHA-256", "--rationale", " "), "needs a rationale"),
        (("blocker", "--resolve", "00003-9", "--message", "fixed"), "unknown blocker"),
        (("handoff", "00003"), "still open"),
        (("show", "nope"), "unknown session"),
        (("end", "--next", ""), "is empty"),
    ],
)
def test_refused_without_writing(open_session: Path, cli: Cli, args: tuple[str, ...], fragment: str) -> None:
    before = snapshot(open_session)
    result = cli(*args)
    usage = fragment == "unknown category"  # what the user typed is not a valid command line: exit 2
    assert_clean_error(result, fragment, 2 if usage else 1)
    assert snapshot(open_session) == before


def test_unknown_category_lists_the_valid_ones(open_session: Path, cli: Cli) -> None:
    result = cli("log", "x", "-c", "coffee")
    assert "implementation, testing, planning, bugfix, refactor, documentation" in result.err


def test_no_open_session(repo: Path, cli: Cli) -> None:
    assert_clean_error(cli("log", "x"), "no open session")
    assert cli("init").code == 0
    assert cli("end").code == 0
    assert_clean_error(cli("log", "x"), "no open session")
    assert_clean_error(cli("log", "--session", "00001", "x"), "COMPLETE")


def test_two_open_sessions_and_none_chosen(repo: Path, cli: Cli) -> None:
    cli("init")
    cli("init")
    before = snapshot(repo)
    result = cli("decision", "-m", "x", "-r", "y")
    assert_clean_error(result, "00001, 00002")
    assert snapshot(repo) == before


def test_tables_stay_valid_with_hostile_text(open_session: Path, cli: Cli) -> None:
    from helpers import tables

    hostile = "a | b `c` <script>alert(1)</script>\nsecond line | with pipe"
    assert cli("log", hostile).code == 0
    assert cli("decision", "-m", "# heading?", "-r", "- list? | pipe").code == 0
    log_md = (open_session / "archive/sessions/SESSION-00003-LOG.md").read_text()
    assert "<script>" not in log_md
    rows = tables(log_md)[0]
    assert all(len(row) == 4 for row in rows), rows
    # the table parser hands back "|" for "\|": the pipe stayed inside its cell
    assert rows[2][2] == "a | b \\`c\\` &lt;script&gt;alert(1)&lt;/script&gt;<br>second line | with pipe"
    assert rows[3][2].startswith("\\# heading?")


def test_corrupt_line_is_reported_and_reading_goes_on(open_session: Path, cli: Cli) -> None:
    events = event_path(open_session, "00003")  # the open session's journal: where its lines are read from
    with events.open("ab") as handle:
        handle.write(b"{not json\n")
    assert cli("log", "after the corruption").code == 0
    listed = json.loads(cli("list", "--json").out)
    where = f"{events.relative_to(open_session).as_posix()}:3"
    assert listed["problems"] == [f"{where}: not valid JSON (Expecting property name enclosed in double quotes)"]
    doctor = cli("doctor")
    assert doctor.code == 1
    assert where in doctor.out
    shown = json.loads(cli("show", "00003", "--json").out)
    assert [t["data"]["message"] for t in shown["timeline"]] == ["first entry", "after the corruption"]


def test_newer_schema_version_is_refused_with_upgrade_hint(open_session: Path, cli: Cli) -> None:
    events = event_path(open_session, "00003")
    line = json.loads(events.read_text().splitlines()[-1])
    line.update(v=2, id="01ZZZZZZZZZZZZZZZZZZZZZZZZ")
    with events.open("a") as handle:
        handle.write(json.dumps(line) + "\n")
    before = snapshot(open_session)
    result = cli("log", "x")
    assert result.code == 1
    assert "schema v2" in result.err and "hint: upgrade" in result.err
    assert snapshot(open_session) == before


def test_usage_error_exits_2_without_traceback(open_session: Path, cli: Cli) -> None:
    result = cli("log", "--no-such-flag")
    assert result.code == 2
    assert "Traceback" not in result.err


def test_debug_shows_the_traceback(open_session: Path, cli: Cli) -> None:
    result = cli("--debug", "log", "--category", "coffee", "x")
    assert result.code != 0
    assert "Traceback" in result.err and "TrackerError" in result.err


def test_secrets_never_reach_disk(open_session: Path, cli: Cli) -> None:
    key = "AKIA" + "ABCDEFGHIJKLMNOP"
    token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    assert cli("log", f"deployed with {key} and {token}").code == 0
    assert cli("decision", "-m", "use postgres://app:hunter2pass@db:5432/x", "-r", "ok").code == 0
    # everything on disk, the open session's journal in .sessions/local/ included
    on_disk = b"".join(p.read_bytes() for p in sorted(open_session.rglob("*"))
                       if p.is_file() and ".git" not in p.relative_to(open_session).parts)
    for secret in (key, token, "hunter2pass"):
        assert secret.encode() not in on_disk
    assert b"[REDACTED:aws-access-key]" in on_disk and b"[REDACTED:github-token]" in on_disk
    assert b"postgres://app:[REDACTED:url-password]@db:5432/x" in on_disk
