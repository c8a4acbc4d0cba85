"""`import claude-code|codex`: sessions rebuilt from transcript fixtures written here, with
streamed duplicate usage lines and every kind of bad line, and exact expected counts."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from conftest import Cli
from helpers import events_here
from session_tracker.core.context import Context
from session_tracker.core.paths import Layout
from session_tracker.importers.claude_code import project_dir
from session_tracker.importers.run import import_transcripts


def line(obj: dict[str, Any]) -> bytes:
    return json.dumps(obj).encode() + b"\n"


def claude_transcript(repo: Path, session: str = "cc-sess-1", cwd: str | None = None) -> bytes:
    """A Claude Code transcript: a streamed assistant message written three times (one usage),
    tool calls and results, prompts, and bad lines of every kind."""
    where = cwd or str(repo)
    common = {"sessionId": session, "cwd": where, "gitBranch": "main", "version": "2.0.0"}
    usage1 = {"input_tokens": 100, "output_tokens": 20, "cache_creation_input_tokens": 1000, "cache_read_input_tokens": 5000}
    usage2 = {"input_tokens": 200, "output_tokens": 40, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 6000}

    def assistant(ts: str, mid: str, rid: str, content: list[dict[str, Any]], usage: dict[str, int], model: str = "claude-opus-4-1") -> bytes:
        return line({**common, "type": "assistant", "uuid": f"a-{ts}", "timestamp": f"2026-11-20T{ts}.000Z", "requestId": f"{session}-{rid}",
                     "message": {"id": f"{session}-{mid}", "type": "message", "role": "assistant", "model": model, "content": content, "usage": usage}})

    def user(ts: str, uuid: str, content: Any, **extra: Any) -> bytes:
        return line({**common, "type": "user", "uuid": uuid, "timestamp": f"2026-11-20T{ts}.000Z", "message": {"role": "user", "content": content}, **extra})

    return b"".join([
        line({"type": "summary", "summary": "Add logout", "leafUuid": "u9"}),
        user("09:00:00", "u1", "Add a logout button"),
        assistant("09:00:05", "msg_1", "req_1", [{"type": "text", "text": "I'll edit the app."}], usage1),
        assistant("09:00:05", "msg_1", "req_1", [{"type": "tool_use", "id": "toolu_e1", "name": "Edit", "input": {"file_path": str(repo / "src/app.py"), "old_string": "a", "new_string": "b"}}], usage1),
        assistant("09:00:05", "msg_1", "req_1", [{"type": "tool_use", "id": "toolu_b1", "name": "Bash", "input": {"command": "npm test", "description": "tests"}}], usage1),
        user("09:00:10", "u-r1", [{"type": "tool_result", "tool_use_id": "toolu_e1", "content": "ok"}], toolUseResult={"filePath": str(repo / "src/app.py")}),
        user("09:00:20", "u-r2", [{"type": "tool_result", "tool_use_id": "toolu_b1", "content": "1 failed", "is_error": True}], toolUseResult={"stdout": "", "stderr": "1 failed"}),
        user("09:00:30", "u-r3", [{"type": "tool_result", "tool_use_id": "toolu_w9", "content": "created"}], toolUseResult={"type": "create", "filePath": str(repo / "docs/new.md")}),
        assistant("09:01:00", "msg_2", "req_2", [{"type": "tool_use", "id": "toolu_w2", "name": "Write", "input": {"file_path": "docs/guide.md", "content": "x"}}], usage2),
        user("09:01:30", "u-meta", "<command-name>/clear</command-name>", isMeta=True),
        user("09:02:00", "u2", [{"type": "text", "text": "Now the tests please"}]),
        line({"type": "mystery-record", "timestamp": "2026-11-20T09:02:10.000Z"}),
        b'{"type": "user", "message": \n',  # invalid JSON
        b'{"type":"user","message":{"content":"caf\xe9"}}\n',  # invalid UTF-8
        b'{"type":"user","uuid":"u3","timestamp":"2026-11-20T09:03:00.000Z","sessionId":"' + session.encode() + b'","cwd":'
        + json.dumps(where).encode() + b',"message":{"role":"user","content":"emoji \\ud83d cut"}}\n',  # a split surrogate pair
        assistant("09:03:30", "msg_s", "req_s", [{"type": "text", "text": "No response requested."}], {"input_tokens": 0, "output_tokens": 0}, model="<synthetic>"),
        line({"type": "system", "content": "compacted", "timestamp": "2026-11-20T09:04:00.000Z"}),
        b'{"type":"assistant","message":{"id":"msg_3"',  # truncated last line (no newline)
    ])


def write_claude(repo: Path, name: str, content: bytes) -> Path:
    folder = Path(project_dir(str(repo), os.environ["HOME"]))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content)
    return path


def events(repo: Path, name: str) -> list[dict[str, Any]]:
    """The session's events as this machine knows them (agent text from local/private put back)."""
    return events_here(repo, name)


def ctx_for(repo: Path) -> Context:
    return Context(layout=Layout(str(repo)), env={})


def test_claude_code_import_with_exact_counts(repo: Path) -> None:
    write_claude(repo, "cc-sess-1.jsonl", claude_transcript(repo))
    write_claude(repo, "cc-other.jsonl", claude_transcript(repo, "cc-other", cwd="/somewhere/else"))
    result = import_transcripts(ctx_for(repo), "claude-code")
    assert result["files"] == 2
    assert result["lines"] == 36
    assert (result["malformed"], result["repaired"], result["unknown"]) == (6, 2, 2)
    assert result["duplicate_usage"] == 4  # two repeated copies of msg_1 in each file
    assert result["skipped"] == [{"source": "cc-other.jsonl", "reason": "from another repository (/somewhere/else); if it is this repository at another path, give --map-cwd /somewhere/else"}]
    problems = [p for p in result["problems"] if p.startswith("cc-sess-1.jsonl")]  # type: ignore[attr-defined]
    assert problems == [
        "cc-sess-1.jsonl:12: unknown record type 'mystery-record' skipped",
        "cc-sess-1.jsonl:13: invalid JSON",
        "cc-sess-1.jsonl:14: invalid UTF-8",
        "cc-sess-1.jsonl:15: lone surrogate (a split pair) replaced with U+FFFD",
        "cc-sess-1.jsonl:18: truncated last line",
    ]
    item: dict[str, object]
    [item] = result["imported"]  # type: ignore[misc]
    assert item == {
        "session": "00001",
        "agent_session_id": "cc-sess-1",
        "source": "cc-sess-1.jsonl",
        "start": "2026-11-20T09:00:00.000+00:00",
        "end": "2026-11-20T09:04:00.000+00:00",  # the system line is the last record with a time
        "files_touched": 3,
        "commands": 1,
        "failed_commands": 1,
        "prompts": 3,
        "subagents": [],
        "usage": {"claude-opus-4-1": {"input_tokens": 300, "output_tokens": 60, "cache_creation_input_tokens": 1000, "cache_read_input_tokens": 11000, "messages": 2}},
        "completed": False,
    }
    written = events(repo, "00001")
    assert [e["type"] for e in written] == [
        "session.started", "note", "file.touched", "command.run", "file.touched", "file.touched", "note", "note", "usage", "session.ended",
    ]
    started = written[0]["data"]
    assert (started["agent"], started["agent_session_id"], started["at"], started["model"]) == ("claude-code", "cc-sess-1", item["start"], "claude-opus-4-1")
    assert [e["data"]["path"] for e in written if e["type"] == "file.touched"] == ["src/app.py", "docs/new.md", "docs/guide.md"]
    assert next(e["data"] for e in written if e["type"] == "command.run") == {
        "command": "npm test", "tool": "Bash", "agent_session": "cc-sess-1", "ref": "toolu_b1", "failed": True, "at": "2026-11-20T09:00:05.000+00:00",
    }
    notes = [(e["actor"], e["data"]["message"]) for e in written if e["type"] == "note"]
    assert notes == [("human", "Prompt: Add a logout button"), ("human", "Prompt: Now the tests please"), ("human", "Prompt: emoji \ufffd cut")]
    assert written[-1]["data"]["at"] == item["end"] and written[-1]["actor"] == "claude-code"
    handoff = (repo / "archive/sessions/SESSION-00001-HANDOFF.md").read_text()
    assert "**Started** | 2026-11-20 09:00 (+00:00)" in handoff and "**Duration** | 4m" in handoff

    again = import_transcripts(ctx_for(repo), "claude-code")
    assert again["imported"] == []
    assert {s["source"]: s["reason"] for s in again["skipped"]}["cc-sess-1.jsonl"] == "agent session cc-sess-1 is already in the store"  # type: ignore[attr-defined]
    assert len(events(repo, "00001")) == len(written)
    assert [p.name[:6] for p in (repo / ".sessions/events").iterdir()] == ["00001-"]


def test_a_session_recorded_by_hooks_is_not_imported_again(repo: Path, cli: Cli) -> None:
    import subprocess
    import sys

    from session_tracker.core.sessions import ensure_store

    ensure_store(Layout(str(repo)))
    payload = {"session_id": "cc-sess-1", "cwd": str(repo), "hook_event_name": "SessionStart", "source": "startup"}
    subprocess.run([sys.executable, "-m", "session_tracker", "hook", "claude-code"], cwd=repo, input=json.dumps(payload).encode(), check=True, capture_output=True)
    write_claude(repo, "cc-sess-1.jsonl", claude_transcript(repo))
    result = import_transcripts(ctx_for(repo), "claude-code")
    assert result["imported"] == [] and result["skipped"][0]["reason"] == "agent session cc-sess-1 is already in the store (recorded by hooks)"  # type: ignore[index]


def codex_rollout(repo: Path, session: str = "cx-1", cwd: str | None = None) -> bytes:
    where = cwd or str(repo)

    def rec(ts: str, kind: str, payload: dict[str, Any]) -> bytes:
        return line({"timestamp": f"2026-11-20T{ts}.000Z", "type": kind, "payload": payload})

    patch = "*** Begin Patch\n*** Update File: tests/test_x.py\n@@\n-flaky\n+fixed\n*** End Patch"
    return b"".join([
        rec("10:00:00", "session_meta", {"id": session, "timestamp": "2026-11-20T10:00:00.000Z", "cwd": where, "cli_version": "0.60.0", "git": {"branch": "main", "commit_hash": "abc"}}),
        rec("10:00:00", "turn_context", {"cwd": where, "model": "gpt-5-codex", "approval_policy": "on-request"}),
        rec("10:00:01", "response_item", {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "<environment_context>cwd</environment_context>"}]}),
        rec("10:00:01", "response_item", {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Fix the flaky test"}]}),
        rec("10:00:01", "event_msg", {"type": "user_message", "message": "Fix the flaky test", "images": []}),
        rec("10:00:05", "response_item", {"type": "function_call", "name": "shell", "arguments": json.dumps({"command": ["bash", "-lc", "pytest -x"]}), "call_id": "c1"}),
        rec("10:00:09", "event_msg", {"type": "exec_command_end", "call_id": "c1", "exit_code": 1, "aggregated_output": "1 failed"}),
        rec("10:00:10", "event_msg", {"type": "token_count", "info": {"total_token_usage": {"input_tokens": 1000, "cached_input_tokens": 400, "output_tokens": 200, "reasoning_output_tokens": 50, "total_tokens": 1200}}}),
        rec("10:00:10", "event_msg", {"type": "token_count", "info": {"total_token_usage": {"input_tokens": 1000, "cached_input_tokens": 400, "output_tokens": 200, "reasoning_output_tokens": 50, "total_tokens": 1200}}}),
        rec("10:01:00", "response_item", {"type": "custom_tool_call", "name": "apply_patch", "input": patch, "call_id": "c2"}),
        rec("10:01:01", "response_item", {"type": "function_call_output", "call_id": "c1", "output": "1 failed"}),
        rec("10:02:00", "event_msg", {"type": "token_count", "info": {"total_token_usage": {"input_tokens": 2500, "cached_input_tokens": 1000, "output_tokens": 600, "reasoning_output_tokens": 90, "total_tokens": 3100}}}),
        line({"timestamp": "2026-11-20T10:02:01.000Z", "type": "mystery", "payload": {}}),
        b"not json at all\n",
    ])


def test_codex_import_with_exact_counts(repo: Path) -> None:
    folder = Path(os.environ["HOME"]) / ".codex/sessions/2026/11/20"
    folder.mkdir(parents=True)
    (folder / "rollout-2026-11-20T10-00-00-cx-1.jsonl").write_bytes(codex_rollout(repo))
    (folder / "rollout-2026-11-20T11-00-00-cx-2.jsonl").write_bytes(codex_rollout(repo, "cx-2", cwd="/elsewhere"))
    (folder / "notes.txt").write_text("not a rollout")
    result = import_transcripts(ctx_for(repo), "codex")
    assert (result["files"], result["lines"], result["malformed"], result["unknown"], result["duplicate_usage"]) == (2, 28, 2, 2, 2)
    assert result["skipped"] == [{"source": "rollout-2026-11-20T11-00-00-cx-2.jsonl", "reason": "from another repository (/elsewhere); if it is this repository at another path, give --map-cwd /elsewhere"}]
    item: dict[str, object]
    [item] = result["imported"]  # type: ignore[misc]
    assert (item["session"], item["agent_session_id"], item["start"], item["end"]) == ("00001", "cx-1", "2026-11-20T10:00:00.000+00:00", "2026-11-20T10:02:00.000+00:00")
    assert (item["files_touched"], item["commands"], item["prompts"]) == (1, 1, 1)
    # No last_token_usage here: each turn is the growth of the totals (1000 then 1500 input, of
    # which 400 then 600 cached); input_tokens is stored without the cached part.
    assert item["usage"] == {"gpt-5-codex": {
        "input_tokens": 1500, "output_tokens": 600, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 1000, "reasoning_output_tokens": 90, "messages": 2,
    }}
    written = events(repo, "00001")
    assert [e["type"] for e in written] == ["session.started", "note", "command.run", "file.touched", "usage", "session.ended"]
    assert written[2]["data"]["command"] == "pytest -x" and written[2]["data"]["exit"] == 1
    assert written[3]["data"]["path"] == "tests/test_x.py"
    assert import_transcripts(ctx_for(repo), "codex")["imported"] == []


def test_import_through_the_cli(repo: Path, cli: Cli) -> None:
    path = write_claude(repo, "cc-sess-1.jsonl", claude_transcript(repo))
    done = cli("import", "claude-code", str(path))
    assert done.code == 0, done
    assert "claude-code: 1 session imported from 1 file (18 lines)" in done.out
    # Every token counts in the total (input, cache read, cache write, output), not input + output.
    assert ("session 00001 ← cc-sess-1.jsonl: 3 file edits, 1 command (1 failed), 3 prompts, 12,360 tokens "
            "(input 300, cache read 11,000, cache write 1,000, output 60)") in done.out
    assert "lines: 3 malformed, 1 repaired, 1 unknown, 2 duplicate usage" in done.out
    again = json.loads(cli("import", "claude-code", str(path), "--json").out)
    assert again["imported"] == [] and len(again["skipped"]) == 1
    assert "00001" in cli("list").out
    missing = cli("import", "codex", "/no/such/dir")
    assert missing.code == 1 and "no such file or directory" in missing.err


@pytest.mark.parametrize("agent", ["claude-code", "codex"])
def test_nothing_to_import_is_not_an_error(repo: Path, agent: str) -> None:
    result = import_transcripts(ctx_for(repo), agent)
    assert (result["files"], result["imported"], result["skipped"]) == (0, [], [])
