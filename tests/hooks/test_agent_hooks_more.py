"""Live hooks for what goes wrong and what happens aside: Claude Code's PostToolUseFailure,
SubagentStop and PostCompact, Codex's bare-string tool responses, and Cursor as a fourth agent
(its own hook names and input: cursor.com/docs/hooks). Real `session-tracker hook` processes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_agent_hooks import claude, codex, events, hook, hook_log, types

from helpers import event_path
from session_tracker.core.paths import Layout
from session_tracker.core.sessions import ensure_store


@pytest.fixture
def store(repo: Path) -> Path:
    ensure_store(Layout(str(repo)))
    return repo


def test_claude_code_failures_subagents_and_compaction(store: Path) -> None:
    hook("claude-code", claude("SessionStart", store, source="startup"), store)
    failure = claude("PostToolUseFailure", store, tool_name="Bash", tool_input={"command": "npm test", "description": "tests"}, tool_use_id="toolu_9",
                     error="Exit code 1\nnpm ERR! Test failed.", is_interrupt=False)
    assert hook("claude-code", failure, store)[:2] == (0, "")
    interrupted = claude("PostToolUseFailure", store, tool_name="Bash", tool_input={"command": "sleep 60"}, tool_use_id="toolu_10",
                         error="Interrupted by user", is_interrupt=True)
    assert hook("claude-code", interrupted, store)[:2] == (0, "")
    rejected = claude("PostToolUseFailure", store, tool_name="Write", tool_input={"file_path": str(store / "x.py"), "content": "x"}, tool_use_id="toolu_11",
                      error="The user doesn't want to proceed with this tool use.", is_interrupt=False)
    assert hook("claude-code", rejected, store)[:2] == (0, "")
    assert [e["data"] for e in events(store) if e["type"] in ("command.run", "file.touched")] == [
        {"command": "npm test", "tool": "Bash", "agent_session": "3f1c2b7e-claude", "ref": "toolu_9", "failed": True, "exit": 1},
        {"command": "sleep 60", "tool": "Bash", "agent_session": "3f1c2b7e-claude", "ref": "toolu_10", "failed": True, "interrupted": True},
    ]  # the rejected Write wrote nothing
    stop = claude("SubagentStop", store, stop_hook_active=False, agent_id="a485154", agent_type="Explore", agent_transcript_path="/x/agent-a485154.jsonl")
    assert hook("claude-code", stop, store)[:2] == (0, "")
    assert events(store)[-1]["data"] == {"event": "subagent_stop", "agent_session": "3f1c2b7e-claude", "subagent": "a485154", "subagent_type": "Explore"}
    assert hook("claude-code", claude("PreCompact", store, trigger="auto", custom_instructions=""), store)[:2] == (0, "")
    post = claude("PostCompact", store, trigger="auto", compact_summary="The user asked for a logout button; the secret is hunter2.")
    assert hook("claude-code", post, store)[:2] == (0, "")
    assert events(store)[-1]["type"] == "checkpoint"
    assert events(store)[-1]["data"] == {"trigger": "auto", "phase": "post", "agent_session": "3f1c2b7e-claude"}
    assert "hunter2" not in event_path(store, "00001").read_text()  # the journal: what will be committed
    log = hook_log()
    assert not log.exists() or "unhandled" not in log.read_text()  # every event was handled


@pytest.mark.parametrize(("response", "exit", "failed"), [
    ("Exit code: 1\nWall time: 0.4 seconds\nOutput:\nFAILED tests/test_x.py::test_y", 1, True),
    ("Chunk ID: 1a\nWall time: 0.1 seconds\nProcess exited with code 0\nOutput:\nok", 0, False),
    (json.dumps({"output": "boom", "metadata": {"exit_code": 2, "duration_seconds": 0.2}}), 2, True),
    ({"exit_code": 0, "stdout": "", "stderr": ""}, 0, False),
])
def test_codex_string_responses_mark_failures(store: Path, response: Any, exit: int, failed: bool) -> None:
    hook("codex", codex("SessionStart", store, source="startup"), store)
    call = codex("PostToolUse", store, tool_name="Bash", tool_input={"command": "pytest"}, tool_response=response, tool_use_id="call_7")
    assert hook("codex", call, store)[:2] == (0, "")
    [run] = [e["data"] for e in events(store) if e["type"] == "command.run"]
    assert (run["exit"], run["failed"], run["ref"]) == (exit, failed, "call_7")


def cursor(event: str, repo: Path, **fields: Any) -> dict[str, Any]:
    """Cursor's common hook input: conversation and generation ids, model, version, roots."""
    return {
        "conversation_id": "c0nv-1", "generation_id": "gen-1", "model": "claude-4.5-sonnet", "hook_event_name": event,
        "cursor_version": "2.1.0", "workspace_roots": [str(repo)], "user_email": None, "transcript_path": None, **fields,
    }


def test_cursor_whole_session(store: Path, tmp_path: Path) -> None:
    code, out, err = hook("cursor", cursor("sessionStart", store, session_id="c0nv-1", is_background_agent=False, composer_mode="agent"), tmp_path)
    assert code == 0, err
    answer = json.loads(out)
    assert answer["env"] == {"CURRENT_SESSION": event_path(store, "00001").stem}  # the file stem: unique after a merge
    assert "session 00001 (started)" in answer["additional_context"]
    assert events(store)[0]["data"]["agent"] == "cursor" and events(store)[0]["data"]["agent_session_id"] == "c0nv-1"
    steps = [
        cursor("afterFileEdit", store, file_path=str(store / "src/main.ts"), edits=[{"old_string": "const a = 1", "new_string": "const a = 2"}]),
        cursor("afterShellExecution", store, command="npm run build", output="built", duration=1520, sandbox=False),
        cursor("postToolUseFailure", store, tool_name="Shell", tool_input={"command": "npm test"}, tool_use_id="tu-3", cwd=str(store),
               error_message="Command failed with exit code 1", failure_type="error", duration=900, is_interrupt=False),
        cursor("postToolUseFailure", store, tool_name="Write", tool_input={"file_path": "x.ts"}, tool_use_id="tu-4", error_message="denied", failure_type="permission_denied"),
        cursor("subagentStop", store, subagent_type="explore", status="completed", result="found it", duration=4000),
        cursor("preCompact", store, trigger="auto", context_usage_percent=91, context_tokens=180000, context_window_size=200000, message_count=40),
        cursor("stop", store, status="completed", loop_count=0),
        cursor("beforeReadFile", store, file_path="README.md", content="…"),  # not registered: noted, answered with {}
    ]
    for step in steps:
        code, out, err = hook("cursor", step, tmp_path)
        assert (code, out.strip()) == (0, "{}"), (step["hook_event_name"], err)
    assert [(e["data"]["path"], e["data"]["tool"]) for e in events(store) if e["type"] == "file.touched"] == [("src/main.ts", "Edit")]
    assert [(e["data"]["command"], e["data"].get("failed")) for e in events(store) if e["type"] == "command.run"] == [("npm run build", None), ("npm test", True)]
    activity = [e["data"] for e in events(store) if e["type"] == "agent.activity"]
    assert activity == [{"event": "subagent_stop", "agent_session": "c0nv-1", "subagent_type": "explore", "status": "completed"},
                        {"event": "stop", "agent_session": "c0nv-1"}]
    assert "unhandled event 'beforeReadFile'" in hook_log().read_text()
    code, out, _ = hook("cursor", cursor("sessionEnd", store, session_id="c0nv-1", reason="completed", duration_ms=60000), tmp_path)
    assert (code, out.strip()) == (0, "{}")
    assert types(store)[-1] == "session.ended" and {e["actor"] for e in events(store)} == {"cursor"}
