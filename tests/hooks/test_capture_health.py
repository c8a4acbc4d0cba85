"""Capture health: `doctor` notices edits and commands in an agent's transcript that no hook
recorded, `import` adds exactly those, and Claude Code's transcript retention
(cleanupPeriodDays) is a warning before transcripts that were never imported are deleted."""

from __future__ import annotations

import json
import os
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from test_agent_hooks import claude, events, hook

from conftest import Cli
from helpers import event_path
from session_tracker.core.paths import Layout
from session_tracker.core.sessions import ensure_store
from session_tracker.importers.claude_code import project_dir

SID = "3f1c2b7e-claude"


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def transcript(repo: Path, start: datetime) -> bytes:
    common = {"sessionId": SID, "cwd": str(repo), "gitBranch": "main", "version": "2.1.7", "isSidechain": False}

    def assistant(at: datetime, mid: str, block: dict[str, Any]) -> dict[str, Any]:
        return {**common, "type": "assistant", "uuid": mid + "-u", "timestamp": stamp(at), "requestId": "req-" + mid,
                "message": {"id": mid, "role": "assistant", "model": "claude-sonnet-4-5-20250929", "content": [block],
                            "usage": {"input_tokens": 5, "output_tokens": 50, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}}}

    lines = [
        {**common, "type": "user", "uuid": "p1", "timestamp": stamp(start), "message": {"role": "user", "content": "Fix the login"}},
        assistant(start + timedelta(seconds=5), "m1", {"type": "tool_use", "id": "toolu_1", "name": "Edit", "input": {"file_path": str(repo / "src/login.py"), "old_string": "a", "new_string": "b"}}),
        # The hooks stopped here (a settings change, a crash): these two no hook saw.
        assistant(start + timedelta(minutes=5), "m2", {"type": "tool_use", "id": "toolu_2", "name": "Bash", "input": {"command": "pytest -q"}}),
        assistant(start + timedelta(minutes=6), "m3", {"type": "tool_use", "id": "toolu_3", "name": "Write", "input": {"file_path": str(repo / "docs/login.md"), "content": "x"}}),
    ]
    return b"".join(json.dumps(line).encode() + b"\n" for line in lines)


def doctor(cli: Cli) -> list[dict[str, str]]:
    return json.loads(cli("doctor", "--json").out)["findings"]  # type: ignore[no-any-return]


def test_activity_no_hook_recorded_is_found_and_filled(repo: Path, cli: Cli) -> None:
    ensure_store(Layout(str(repo)))
    path = Path(project_dir(str(repo), os.environ["HOME"])) / f"{SID}.jsonl"
    path.parent.mkdir(parents=True)
    hook("claude-code", claude("SessionStart", repo, source="startup", transcript_path=str(path)), repo)
    start = datetime.now(timezone.utc)
    hook("claude-code", claude("PostToolUse", repo, tool_name="Edit", tool_use_id="toolu_1",
                               tool_input={"file_path": str(repo / "src/login.py"), "old_string": "a", "new_string": "b"}, tool_response={}), repo)
    path.write_bytes(transcript(repo, start))
    [gap] = [f for f in doctor(cli) if f["check"] == "hooks-missed"]
    assert gap["where"] == f".sessions/events/{event_path(repo, '00001').stem}.jsonl"
    assert "the claude-code transcript shows 2 edits or commands no hook recorded" in gap["message"]
    assert f"`session-tracker import claude-code {path}` adds what is missing" in gap["message"]

    done = json.loads(cli("import", "claude-code", "--json").out)
    assert [(i["session"], i["files_touched"], i["commands"], i["completed"]) for i in done["imported"]] == [("00001", 1, 1, True)]
    recorded = [(e["data"].get("path") or e["data"].get("command"), e["data"].get("source")) for e in events(repo) if e["type"] in ("file.touched", "command.run")]
    assert recorded == [("src/login.py", None), ("pytest -q", "transcript"), ("docs/login.md", "transcript")]
    usage = [e["data"] for e in events(repo) if e["type"] == "usage"]
    assert [(u["model"], u["input_tokens"], u["output_tokens"], u["messages"]) for u in usage] == [("claude-sonnet-4-5-20250929", 15, 150, 3)]
    assert [f for f in doctor(cli) if f["check"] == "hooks-missed"] == []
    again = json.loads(cli("import", "claude-code", "--json").out)
    assert again["imported"] == [] and again["skipped"] == [{"source": f"{SID}.jsonl", "reason": f"agent session {SID} is already in the store (recorded by hooks)"}]


def test_transcripts_about_to_be_deleted_are_a_warning(repo: Path, cli: Cli) -> None:
    ensure_store(Layout(str(repo)))
    folder = Path(project_dir(str(repo), os.environ["HOME"]))
    folder.mkdir(parents=True)
    for name, days in (("old-1", 26), ("old-2", 40), ("fresh", 2)):
        (folder / f"{name}.jsonl").write_text("{}\n")
        when = time.time() - days * 86400
        os.utime(folder / f"{name}.jsonl", (when, when))
    [warning] = [f for f in doctor(cli) if f["check"] == "transcript-retention"]
    assert warning["level"] == "warning" and warning["where"] == str(folder)
    assert warning["message"].startswith("2 Claude Code transcripts of this project are in no session and Claude Code deletes transcripts after 30 days (its default); the oldest is 40 days old")
    settings = Path(os.environ["HOME"]) / ".claude/settings.json"
    settings.write_text(json.dumps({"cleanupPeriodDays": 90}))
    assert [f for f in doctor(cli) if f["check"] == "transcript-retention"] == []
    settings.write_text(json.dumps({"cleanupPeriodDays": 20}))
    [warning] = [f for f in doctor(cli) if f["check"] == "transcript-retention"]
    assert f"after 20 days (cleanupPeriodDays in {settings})" in warning["message"]
