"""Secrets stay out of every file: through `log`, `decision`, agent hooks (paths and commands,
redacted before they are cut or normalised), and the user's own patterns from config."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import GIT_ENV, Cli, snapshot
from helpers import event_path
from secret_corpus import CORPUS, p, random_parts, rnd
from session_tracker.core.paths import Layout
from session_tracker.core.sessions import ensure_store


def _all_bytes(root: Path) -> bytes:
    return b"\n".join(snapshot(root).values())


def test_corpus_through_log_and_decision_reaches_no_file(repo: Path, cli: Cli) -> None:
    """Every corpus secret, logged and decided, is absent from the events and every document."""
    assert cli("init").code == 0
    half = len(CORPUS) // 2
    note = "\n".join(text for _, text in CORPUS[:half])
    assert cli("log", note).code == 0
    decision = "\n".join(text for _, text in CORPUS[half:])
    assert cli("decision", "-m", "rotate the keys", "-r", decision).code == 0
    assert cli("render").code == 0
    on_disk = _all_bytes(repo)
    assert b"[REDACTED:" in on_disk
    for family, text in CORPUS:
        for fragment in random_parts(text):
            assert fragment.encode() not in on_disk, family


def _hook(stdin: dict[str, object], cwd: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "session_tracker", "hook", "claude-code"], cwd=cwd,
        env={**os.environ, **GIT_ENV}, input=json.dumps(stdin).encode(), capture_output=True, timeout=60, check=False,
    )
    assert proc.returncode == 0, proc.stderr


def _claude(event: str, repo: Path, **fields: object) -> dict[str, object]:
    return {"session_id": "s-1", "transcript_path": "", "cwd": str(repo), "hook_event_name": event, **fields}


def test_hook_paths_and_long_commands_are_redacted_before_they_are_cut(repo: Path) -> None:
    """An Edit whose file_path holds a URL password (normpath would collapse its '//'), and a
    command whose token straddles the 4,000-character cut, leave no trace of either secret."""
    ensure_store(Layout(str(repo)))
    _hook(_claude("SessionStart", repo, source="startup"), repo)
    password = rnd(14)
    url_path = p("https://deploy:", password, "@git.example.com/org/repo/file.py")
    _hook(_claude("PostToolUse", repo, tool_name="Edit", tool_input={"file_path": url_path, "old_string": "a", "new_string": "b"}, tool_response={}), repo)
    token = p("ghp", "_", rnd(36))
    command = "echo " + "x" * (4000 - 5 - 10) + " " + token
    _hook(_claude("PostToolUse", repo, tool_name="Bash", tool_input={"command": command}, tool_response={}), repo)
    events = event_path(repo, "00001").read_text()
    assert "[REDACTED:url-password]" in events
    assert password not in events
    for cut in range(8, len(token)):
        assert token[:cut] not in events
    assert password.encode() not in _all_bytes(repo)


def test_user_patterns_from_config(repo: Path, cli: Cli) -> None:
    """`[redact] patterns` replaces the user's own shapes with [REDACTED:custom]."""
    assert cli("init").code == 0
    (repo / ".sessions/config.toml").write_text('[redact]\npatterns = ["ACME-[0-9]{8}"]\n')
    assert cli("log", "licence ACME-12345678 installed").code == 0
    events = event_path(repo, "00001").read_text()
    assert "ACME-12345678" not in events and "licence [REDACTED:custom] installed" in events


def test_a_bad_user_pattern_is_refused_with_its_key(repo: Path, cli: Cli) -> None:
    assert cli("init").code == 0
    (repo / ".sessions/config.toml").write_text('[redact]\npatterns = ["ACME-[0-9"]\n')
    before = snapshot(repo)
    result = cli("log", "x")
    assert result.code == 1
    assert "redact.patterns" in result.err and "config.toml" in result.err and "Traceback" not in result.err
    assert snapshot(repo) == before


def test_doctor_secrets_names_event_and_document_lines(repo: Path, cli: Cli) -> None:
    """A store written with redaction off holds a secret; `doctor --secrets` names the event
    line and the document lines, the kinds and a way out, never the secret itself."""
    assert cli("init").code == 0
    (repo / ".sessions/config.toml").write_text("[redact]\nenabled = false\n")
    token = p("ghp", "_", rnd(36))
    assert cli("log", "pushed with " + token).code == 0
    plain = json.loads(cli("doctor", "--json").out)["findings"]
    assert not [f for f in plain if f["check"] == "secret"]  # only --secrets scans
    result = cli("doctor", "--secrets", "--json")
    assert result.code == 1
    findings = [f for f in json.loads(result.out)["findings"] if f["check"] == "secret"]
    wheres = {f["where"] for f in findings}
    assert f"{event_path(repo, '00001').relative_to(repo).as_posix()}:2" in wheres
    assert any(w.startswith("archive/sessions/SESSION-00001-LOG.md:") for w in wheres)
    assert all("github-token" in f["message"] and "rotate" in f["message"] for f in findings)
    assert token not in result.out
