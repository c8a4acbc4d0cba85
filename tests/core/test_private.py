"""Agent text (prompts, command lines) stays in `.sessions/local/private/` by default: the
committed event file holds outcomes only, whether written by a live hook or by `import`;
`[privacy] share_agent_text = true` keeps the text in the committed events; redaction applies
either way."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import Cli
from helpers import event_path, events_file
from session_tracker.core.paths import Layout
from session_tracker.core.sessions import ensure_store
from session_tracker.importers.claude_code import project_dir

SECRET = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"  # a GitHub token's shape


def transcript(repo: Path) -> bytes:
    common = {"sessionId": "priv-1", "cwd": str(repo), "gitBranch": "main", "isSidechain": False}
    lines = [
        {**common, "type": "user", "uuid": "u1", "timestamp": "2026-11-20T09:00:00.000Z",
         "message": {"role": "user", "content": f"Deploy with the token {SECRET} to the staging host"}},
        {**common, "type": "assistant", "uuid": "a1", "timestamp": "2026-11-20T09:00:05.000Z", "requestId": "r1",
         "message": {"id": "m1", "role": "assistant", "model": "claude-sonnet-4-5-20250929",
                     "usage": {"input_tokens": 5, "output_tokens": 7, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0},
                     "content": [{"type": "tool_use", "id": "t1", "name": "Bash", "input": {"command": f"GITHUB_TOKEN={SECRET} ./deploy.sh staging"}}]}},
        {**common, "type": "user", "uuid": "u2", "timestamp": "2026-11-20T09:00:09.000Z",
         "message": {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "Exit code 3\nno route", "is_error": True}]}},
    ]
    return b"".join(json.dumps(line).encode() + b"\n" for line in lines)


def write(repo: Path) -> None:
    folder = Path(project_dir(str(repo), os.environ["HOME"]))
    folder.mkdir(parents=True)
    (folder / "priv-1.jsonl").write_bytes(transcript(repo))


def test_by_default_prompts_and_command_lines_stay_on_this_machine(repo: Path, cli: Cli) -> None:
    write(repo)
    assert cli("import", "claude-code").code == 0
    committed = events_file(repo, "00001").read_text()
    assert "deploy" not in committed.lower() and "staging" not in committed and "ghp_" not in committed
    events = [json.loads(line) for line in committed.splitlines()]
    [run] = [e["data"] for e in events if e["type"] == "command.run"]
    assert (run["command_local"], run["failed"], run["exit"], run["tool"], run["ref"]) == (True, True, 3, "Bash", "t1") and "command" not in run
    [prompt] = [e["data"] for e in events if e["type"] == "agent.activity"]
    assert (prompt["event"], prompt["local"], prompt["ref"], prompt["at"]) == ("prompt", True, "u1", "2026-11-20T09:00:00.000+00:00")
    kept = repo / ".sessions/local/private" / f"{events_file(repo, '00001').stem}.jsonl"  # keyed by the file stem
    private = [json.loads(line) for line in kept.read_text().splitlines()]
    assert [(r["field"], r["text"]) for r in private] == [
        ("prompt", "Prompt: Deploy with the token [REDACTED:github-token] to the staging host"),
        ("command", "GITHUB_TOKEN=[REDACTED:github-token] ./deploy.sh staging"),
    ]
    assert {r["event"] for r in private} == {e["id"] for e in events if e["type"] in ("command.run", "agent.activity")}
    assert oct(kept.stat().st_mode & 0o777) == "0o600"
    untracked = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=repo, capture_output=True, text=True, check=True).stdout
    assert "private" not in untracked  # .git/info/exclude keeps local/ out of git


def test_share_agent_text_keeps_it_in_the_committed_events(repo: Path, cli: Cli) -> None:
    ensure_store(Layout(str(repo)))
    (repo / ".sessions/config.toml").write_text("[privacy]\nshare_agent_text = true\n")
    write(repo)
    assert cli("import", "claude-code").code == 0
    committed = events_file(repo, "00001").read_text()
    assert "GITHUB_TOKEN=[REDACTED:github-token] ./deploy.sh staging" in committed and "ghp_" not in committed
    assert "Prompt: Deploy with the token [REDACTED:github-token] to the staging host" in committed
    assert not (repo / ".sessions/local/private").exists()
    handoff = (repo / "archive/sessions/SESSION-00001-HANDOFF.md").read_text()
    assert "- Commands: 1 run, 1 failed\n  - `GITHUB_TOKEN=[REDACTED:github-token] ./deploy.sh staging` (exit 3)" in handoff


def test_live_hooks_keep_command_lines_local_too(repo: Path) -> None:
    ensure_store(Layout(str(repo)))

    def hook(event: str, **fields: object) -> None:
        payload = {"session_id": "live-1", "cwd": str(repo), "hook_event_name": event, "transcript_path": None, **fields}
        subprocess.run([sys.executable, "-m", "session_tracker", "hook", "claude-code"], cwd=repo, input=json.dumps(payload).encode(), check=True, capture_output=True)

    hook("SessionStart", source="startup")
    hook("PostToolUse", tool_name="Bash", tool_use_id="toolu_5", tool_input={"command": f"curl -H 'Authorization: token {SECRET}' https://api.github.com"},
         tool_response={"stdout": "{}", "stderr": "", "interrupted": False})
    # While the session is open its events wait in the journal, which is what gets published.
    journal = event_path(repo, "00001")
    assert journal.parent.name == "journal"
    committed = journal.read_text()
    assert "toolu_5" in committed and "curl" not in committed and "ghp_" not in committed
    [record] = [json.loads(line) for line in (repo / ".sessions/local/private" / f"{journal.stem}.jsonl").read_text().splitlines()]
    assert record["field"] == "command" and record["text"].startswith("curl -H 'Authorization: token [REDACTED")
