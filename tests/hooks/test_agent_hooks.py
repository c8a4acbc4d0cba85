"""Agent hooks end to end: the agents' documented hook JSON on stdin of a real
`session-tracker hook <agent>` process, the JSON it prints, and the events it writes.

Input shapes follow each agent's reference: Claude Code (code.claude.com/docs/en/hooks), Codex
(the JSON schemas in openai/codex codex-rs/hooks/schema/generated/), Gemini CLI
(geminicli.com/docs/hooks/reference)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import GIT_ENV, Cli, git
from helpers import event_path, events_here
from session_tracker.core.paths import Layout
from session_tracker.core.sessions import ensure_store
from session_tracker.index import index_path


@pytest.fixture
def store(repo: Path) -> Path:
    """``repo`` with an (empty) store, as `agent install` or `init` leaves it."""
    ensure_store(Layout(str(repo)))
    return repo


def hook(agent: str, stdin: bytes | str | dict[str, Any], cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run `python -m session_tracker hook AGENT` with ``stdin``; return (code, stdout, stderr)."""
    raw = json.dumps(stdin).encode() if isinstance(stdin, dict) else stdin.encode() if isinstance(stdin, str) else stdin
    proc = subprocess.run(
        [sys.executable, "-m", "session_tracker", "hook", agent],
        cwd=cwd, env={**os.environ, **GIT_ENV, **(env or {})}, input=raw, capture_output=True, timeout=60, check=False,
    )
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def claude(event: str, repo: Path, session_id: str = "3f1c2b7e-claude", **fields: Any) -> dict[str, Any]:
    """Claude Code's common hook input fields plus the event's own."""
    return {
        "session_id": session_id,
        "transcript_path": str(repo / ".." / "transcript.jsonl"),
        "cwd": str(repo),
        "permission_mode": "default",
        "hook_event_name": event,
        **fields,
    }


def codex(event: str, repo: Path, session_id: str = "019a-codex-thread", **fields: Any) -> dict[str, Any]:
    """Codex's hook input (schema: session_id, turn_id, transcript_path, cwd, model, …)."""
    return {
        "session_id": session_id,
        "turn_id": "turn-1",
        "transcript_path": None,
        "cwd": str(repo),
        "hook_event_name": event,
        "model": "gpt-5-codex",
        "permission_mode": "default",
        **fields,
    }


def gemini(event: str, repo: Path, session_id: str = "gemini-session-9", **fields: Any) -> dict[str, Any]:
    """Gemini CLI's base input (session_id, transcript_path, cwd, hook_event_name, timestamp)."""
    return {
        "session_id": session_id,
        "transcript_path": str(repo / ".." / "gemini.json"),
        "cwd": str(repo),
        "hook_event_name": event,
        "timestamp": "2026-11-21T10:00:00.000Z",
        **fields,
    }


def hook_log() -> Path:
    """The hook log in the user's state directory (HOME is a temp dir in every test)."""
    return Path(os.environ["HOME"]) / ".local/state/session-tracker/hook.log"


def events(repo: Path, name: str = "00001") -> list[dict[str, Any]]:
    """The session's events as this machine knows them (agent text from local/private put back)."""
    return events_here(repo, name)


def types(repo: Path, name: str = "00001") -> list[str]:
    return [e["type"] for e in events(repo, name)]


def start_output(stdout: str) -> str:
    out = json.loads(stdout)
    assert out["hookSpecificOutput"]["hookEventName"] == "SessionStart"
    context = out["hookSpecificOutput"]["additionalContext"]
    assert isinstance(context, str)
    return context


def test_claude_code_whole_session(store: Path) -> None:
    code, out, _ = hook("claude-code", claude("SessionStart", store, source="startup", model="claude-sonnet-4-5"), store)
    assert code == 0
    context = start_output(out)
    assert "session 00001 (started)" in context
    assert 'session-tracker decision --message "WHAT" --rationale "WHY"' in context
    started = events(store)[0]
    assert started["type"] == "session.started" and started["actor"] == "claude-code"
    assert started["data"]["agent"] == "claude-code"
    assert started["data"]["agent_session_id"] == "3f1c2b7e-claude"
    assert started["data"]["agent_source"] == "startup" and started["data"]["model"] == "claude-sonnet-4-5"
    assert [p.name[:6] for p in (store / ".sessions/local/open").iterdir()] == ["00001-"]

    (store / "src").mkdir()
    (store / "src/app.py").write_text("print('hi')\n")
    tools = [
        ("Write", {"file_path": str(store / "src/app.py"), "content": "print('hi')\n"}, {"filePath": str(store / "src/app.py"), "success": True}),
        ("Edit", {"file_path": str(store / "README.md"), "old_string": "a", "new_string": "b"}, {"filePath": str(store / "README.md")}),
        ("MultiEdit", {"file_path": "src/app.py", "edits": [{"old_string": "a", "new_string": "b"}]}, {}),
        ("NotebookEdit", {"notebook_path": str(store / "nb.ipynb"), "new_source": "x"}, {}),
        ("Bash", {"command": "pytest -q", "description": "Run the tests"}, {"stdout": "3 passed", "stderr": "", "interrupted": False}),
        ("Read", {"file_path": str(store / "README.md")}, {}),  # not recorded: reads change nothing
    ]
    for name, tool_input, response in tools:
        code, out, _ = hook("claude-code", claude("PostToolUse", store, tool_name=name, tool_input=tool_input, tool_response=response, tool_use_id="toolu_1"), store)
        assert (code, out) == (0, "")
    touched = [(e["data"]["path"], e["data"]["tool"]) for e in events(store) if e["type"] == "file.touched"]
    assert touched == [("src/app.py", "Write"), ("README.md", "Edit"), ("src/app.py", "MultiEdit"), ("nb.ipynb", "NotebookEdit")]
    commands = [e["data"] for e in events(store) if e["type"] == "command.run"]
    assert commands == [{"command": "pytest -q", "tool": "Bash", "agent_session": "3f1c2b7e-claude", "ref": "toolu_1"}]

    assert hook("claude-code", claude("Stop", store, stop_hook_active=False), store)[:2] == (0, "")
    assert events(store)[-1]["type"] == "agent.activity" and events(store)[-1]["data"]["event"] == "stop"

    assert hook("claude-code", claude("PreCompact", store, trigger="auto", custom_instructions=""), store)[:2] == (0, "")
    assert types(store)[-2:] == ["checkpoint", "files.changed"]
    assert events(store)[-2]["data"] == {"trigger": "auto", "agent_session": "3f1c2b7e-claude"}
    assert "src/app.py" in (store / "archive/sessions/SESSION-00001-FILES.txt").read_text()

    code, out, _ = hook("claude-code", claude("SessionStart", store, source="compact"), store)
    assert "session 00001 (continued)" in start_output(out)
    assert types(store).count("session.started") == 1

    git(store, "add", "src/app.py")
    git(store, "commit", "-q", "-m", "Add app")
    assert hook("claude-code", claude("SessionEnd", store, reason="prompt_input_exit"), store)[:2] == (0, "")
    last = events(store)[-1]
    assert last["type"] == "session.ended" and last["actor"] == "claude-code"
    assert [f["path"] for f in last["data"]["git"]["files"]] == ["src/app.py"]
    assert [c["subject"] for c in last["data"]["git"]["commits"]] == ["Add app"]
    assert events(store)[-2]["data"] == {"event": "end", "reason": "prompt_input_exit", "agent_session": "3f1c2b7e-claude"}
    assert not list((store / ".sessions/local/open").glob("00001*"))
    assert not list((store / ".sessions/local/agents").iterdir())
    assert (store / "archive/sessions/SESSION-00001-HANDOFF.md").exists()
    # The work log lists what people read, not every tool call.
    log = (store / "archive/sessions/SESSION-00001-LOG.md").read_text()
    assert "pytest -q" not in log and "file.touched" not in log

    # After the end, tool calls of that agent session are noted, not recorded.
    before = len(events(store))
    assert hook("claude-code", claude("PostToolUse", store, tool_name="Bash", tool_input={"command": "ls"}, tool_response={}), store)[0] == 0
    assert len(events(store)) == before
    assert "has no open tracker session" in hook_log().read_text()


def test_codex_hooks(store: Path) -> None:
    code, out, _ = hook("codex", codex("SessionStart", store, source="startup"), store)
    assert code == 0 and "session 00001 (started)" in start_output(out)
    patch = (
        "*** Begin Patch\n*** Add File: src/new.py\n+x = 1\n*** Update File: README.md\n@@\n-# project\n+# Project\n"
        "*** Delete File: old.txt\n*** Update File: a.py\n*** Move to: b.py\n*** End Patch\n"
    )
    calls = [
        ("apply_patch", {"command": patch}, "Success. Updated the following files"),
        ("Bash", {"command": "cargo test"}, {"exit_code": 101, "stdout": "", "stderr": "failed"}),
        ("Bash", {"command": ["bash", "-lc", "ls -la"]}, {"exit_code": 0}),
    ]
    for name, tool_input, response in calls:
        code, out, _ = hook("codex", codex("PostToolUse", store, tool_name=name, tool_input=tool_input, tool_response=response, tool_use_id="call_1"), store)
        assert (code, out) == (0, "")
    assert [e["data"]["path"] for e in events(store) if e["type"] == "file.touched"] == ["src/new.py", "README.md", "old.txt", "a.py", "b.py"]
    runs = [e["data"] for e in events(store) if e["type"] == "command.run"]
    assert [(r["command"], r.get("exit"), r.get("failed")) for r in runs] == [("cargo test", 101, True), ("ls -la", 0, False)]
    assert hook("codex", codex("PreCompact", store, trigger="manual"), store)[:2] == (0, "")
    assert hook("codex", codex("Stop", store, stop_hook_active=False, last_assistant_message="done"), store)[:2] == (0, "")
    assert hook("codex", codex("SessionEnd", store, reason="other"), store)[:2] == (0, "")
    assert types(store)[-5:] == ["checkpoint", "files.changed", "agent.activity", "agent.activity", "session.ended"]
    assert {e["actor"] for e in events(store)} == {"codex"}


def test_gemini_hooks_print_only_json(store: Path) -> None:
    code, out, _ = hook("gemini", gemini("SessionStart", store, source="startup"), store)
    assert code == 0 and "session 00001" in start_output(out)
    calls = [
        ("write_file", {"file_path": str(store / "notes.md"), "content": "x"}),
        ("replace", {"file_path": str(store / "README.md"), "old_string": "a", "new_string": "b"}),
        ("run_shell_command", {"command": "npm test", "description": "tests"}),
        ("read_file", {"absolute_path": str(store / "README.md")}),
    ]
    for name, tool_input in calls:
        response = {"llmContent": "ok", "returnDisplay": "ok"} if name != "run_shell_command" else {"llmContent": "", "error": "exit 1"}
        code, out, _ = hook("gemini", gemini("AfterTool", store, tool_name=name, tool_input=tool_input, tool_response=response), store)
        assert code == 0 and json.loads(out) == {}
    for event, fields in (("PreCompress", {"trigger": "auto"}), ("AfterAgent", {"prompt": "p", "prompt_response": "r", "stop_hook_active": False}), ("SessionEnd", {"reason": "exit"})):
        code, out, _ = hook("gemini", gemini(event, store, **fields), store)
        assert code == 0 and json.loads(out) == {}
    assert [e["data"]["path"] for e in events(store) if e["type"] == "file.touched"] == ["notes.md", "README.md"]
    assert [(e["data"]["command"], e["data"].get("failed")) for e in events(store) if e["type"] == "command.run"] == [("npm test", True)]
    assert "checkpoint" in types(store) and types(store)[-1] == "session.ended"


def test_resume_finds_the_session_from_its_events_when_local_state_is_gone(store: Path) -> None:
    hook("claude-code", claude("SessionStart", store, source="startup"), store)
    for path in (store / ".sessions/local/agents").iterdir():
        path.unlink()
    _code, out, _ = hook("claude-code", claude("SessionStart", store, source="resume"), store)
    assert "session 00001 (continued)" in start_output(out)
    assert not list((store / ".sessions/events").glob("00002-*.jsonl"))
    hook("claude-code", claude("PostToolUse", store, tool_name="Bash", tool_input={"command": "make"}, tool_response={}), store)
    assert types(store)[-1] == "command.run"


def test_clear_ends_one_session_and_starts_the_next(store: Path) -> None:
    hook("claude-code", claude("SessionStart", store, source="startup"), store)
    hook("claude-code", claude("SessionEnd", store, reason="clear"), store)
    _code, out, _ = hook("claude-code", claude("SessionStart", store, session_id="second-id", source="clear"), store)
    assert "session 00002 (started)" in start_output(out)
    assert types(store, "00001")[-1] == "session.ended"
    assert events(store, "00002")[0]["data"]["agent_session_id"] == "second-id"


def test_resume_of_an_ended_session_starts_a_new_one(store: Path) -> None:
    hook("claude-code", claude("SessionStart", store, source="startup"), store)
    hook("claude-code", claude("SessionEnd", store, reason="other"), store)
    _code, out, _ = hook("claude-code", claude("SessionStart", store, source="resume"), store)
    assert "session 00002" in start_output(out)
    assert "started 00002" in hook_log().read_text()


def test_start_hands_over_blockers_next_steps_tasks_and_decisions(store: Path, cli: Cli) -> None:
    assert cli("init").code == 0
    cli("decision", "--message", "Use SQLite for the index", "--rationale", "No server to run")
    cli("blocker", "--message", "Need the staging DB password")
    cli("end", "--next", "Wire the importer into the CLI", "--next", "Write the docs")
    from session_tracker.commands.task import update
    from session_tracker.core.context import Context

    cli("init")
    update(Context(layout=Layout(str(store)), env={}), "Port the parser", "in_progress", "half done")
    cli("end")
    _code, out, _ = hook("claude-code", claude("SessionStart", store, source="startup"), store)
    context = start_output(out)
    assert "session 00003 (started)" in context
    assert re.search(r"\[b-[0-9a-z]{6}\] Need the staging DB password \(session 00001\)", context)
    assert "## Next steps (2, one list kept until done)" in context  # carried on: session 00002 left none
    assert re.search(r"1\. \[s-[0-9a-z]{6}\.1\] Wire the importer into the CLI", context), context
    assert "- Port the parser: in_progress — half done" in context
    assert "Use SQLite for the index — why: No server to run (session 00001)" in context
    assert "## Handoff of session 00002" in context


def test_context_budget_drops_the_least_important_first(store: Path, cli: Cli) -> None:
    cli("init")
    for i in range(40):
        cli("decision", "--message", f"Decision {i} " + "x" * 150, "--rationale", "because " + "y" * 150)
    for i in range(3):
        cli("blocker", "--message", f"Blocker {i}")
    cli("end", "--next", "Step one", "--next", "Step two")
    (store / ".sessions/config.toml").write_text("[agents]\ncontext_budget = 3000\n")
    _code, out, _ = hook("claude-code", claude("SessionStart", store, source="startup"), store)
    context = start_output(out)
    assert len(context) <= 3000
    assert all(f"Blocker {i}" in context for i in range(3)), context
    assert re.search(r"1\. \[s-\w+\.1\] Step one", context) and re.search(r"2\. \[s-\w+\.2\] Step two", context)
    assert "## Latest decisions (40)" in context and "Left out to fit 3,000 characters: the rest of decisions" in context
    assert "## Handoff of session 00001" not in context  # the least important part goes first


def test_default_budget_stays_under_claude_codes_inline_limit(store: Path, cli: Cli) -> None:
    cli("init")
    for i in range(60):
        cli("log", f"Entry {i} " + "z" * 200)
    cli("end", "--next", "Keep going")
    _code, out, _ = hook("claude-code", claude("SessionStart", store, source="startup"), store)
    context = start_output(out)
    assert len(context) <= 8000  # under Claude Code's 10,000-character inline limit
    assert "] Keep going" in context and "archive/sessions/SESSION-00001-HANDOFF.md" in context


def test_session_start_exports_current_session_to_the_agents_env_file(store: Path, tmp_path: Path) -> None:
    env_file = tmp_path / "claude-env.sh"
    hook("claude-code", claude("SessionStart", store, source="startup"), store, env={"CLAUDE_ENV_FILE": str(env_file)})
    # the session's file stem (00001-<sid>): unique even after a merge brings another 00001
    assert re.fullmatch(r"export CURRENT_SESSION=00001-[0-9A-Z]{26}\n", env_file.read_text())


@pytest.mark.parametrize(
    "stdin, why",
    [
        (b"{not json", "malformed JSON"),
        (b"\xff\xfe garbage", "malformed JSON"),
        (b"", "malformed JSON"),
        (b"[1, 2]", "not a JSON object"),
        (json.dumps({"session_id": "s", "cwd": "{cwd}", "hook_event_name": "Notification", "message": "hi"}).encode(), "unhandled event"),
        (json.dumps({"cwd": "{cwd}", "hook_event_name": "PostToolUse"}).encode(), "no session_id"),
    ],
)
@pytest.mark.parametrize("agent", ["claude-code", "codex", "gemini"])
def test_bad_input_never_breaks_the_agent(store: Path, agent: str, stdin: bytes, why: str) -> None:
    stdin = stdin.replace(b"{cwd}", str(store).encode())
    before = sorted(p.name for p in (store / ".sessions/events").iterdir())
    code, out, err = hook(agent, stdin, store)
    assert code == 0 and err == ""
    assert out.strip() == ("{}" if agent == "gemini" else "")
    assert why in hook_log().read_text()
    assert sorted(p.name for p in (store / ".sessions/events").iterdir()) == before


@pytest.mark.parametrize("agent", ["claude-code", "codex", "gemini"])
def test_a_repository_without_a_store_is_left_alone(repo: Path, agent: str) -> None:
    event = "AfterTool" if agent == "gemini" else "PostToolUse"
    for payload in (claude("SessionStart", repo, source="startup"), claude(event, repo, tool_name="Bash", tool_input={"command": "ls"})):
        code, out, err = hook(agent, payload, repo)
        assert code == 0 and err == "" and out.strip() == ("{}" if agent == "gemini" else "")
    assert not (repo / ".sessions").exists()
    log = Path(os.environ["HOME"]) / ".local/state/session-tracker/hook.log"
    assert "no .sessions/ in" in log.read_text()


def test_an_internal_error_is_logged_not_raised(store: Path) -> None:
    hook("claude-code", claude("SessionStart", store, source="startup"), store)
    event_path(store, "00001").chmod(0o444)
    try:
        code, out, err = hook("claude-code", claude("PostToolUse", store, tool_name="Bash", tool_input={"command": "ls"}), store)
    finally:
        event_path(store, "00001").chmod(0o644)
    if os.geteuid() == 0:
        pytest.skip("root writes read-only files")
    assert (code, out, err) == (0, "", "")
    assert "error: TrackerError" in hook_log().read_text()


def test_the_hook_path_imports_nothing_heavy(store: Path) -> None:
    hook("claude-code", claude("SessionStart", store, source="startup"), store)
    payload = json.dumps(claude("PostToolUse", store, tool_name="Write", tool_input={"file_path": "x.py"}))
    code = (
        "import io, sys\n"
        f"sys.stdin = io.TextIOWrapper(io.BytesIO({payload.encode()!r}))\n"
        "from session_tracker.entry import main\n"
        "main(['hook', 'claude-code'])\n"
        "heavy = ('click', 'rich', 'mcp', 'pydantic', 'dataclasses', 'pathlib', 'typing', 'subprocess', 'tomllib')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=store, capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"
    assert types(store)[-1] == "file.touched"


def test_hook_through_click_behaves_the_same(store: Path) -> None:
    """`--debug hook …` goes through click (not the fast path) to the same handler."""
    payload = json.dumps(claude("SessionStart", store, source="startup")).encode()
    proc = subprocess.run([sys.executable, "-m", "session_tracker", "--debug", "hook", "claude-code"], cwd=store,
                          input=payload, capture_output=True, check=False)
    assert proc.returncode == 0
    assert "session 00001" in start_output(proc.stdout.decode())


def test_tasks_recorded_in_the_project_file_are_handed_over_too(store: Path) -> None:
    """The project plan keeps tasks in project.jsonl with the same task.updated shape."""
    from session_tracker.core import store as event_store
    from session_tracker.core.events import Event

    event = Event(id="01K0000000000000000000TASK", ts="2026-11-20T10:00:00.000+00:00", session="project", sid="project",
                  type="task.updated", actor="human", data={"task": "task-3", "status": "blocked", "note": "waiting for review"})
    event_store.append(str(store / ".sessions/project.jsonl"), event)
    _, out, _ = hook("claude-code", claude("SessionStart", store, source="startup"), store)
    assert "- task-3: blocked — waiting for review" in start_output(out)


# SessionStart on a fresh clone of a big store: no index yet, and building it would outlast the
# agent's wait. The hook answers at once from the previous session's own file, says what it left
# out, and the index is built in the background.
BIG = {"SESSION_TRACKER_SYNC_LIMIT": "0"}  # every store counts as big


def _drop_index(repo: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(index_path(Layout(str(repo))) + suffix).unlink(missing_ok=True)


def test_a_cold_start_answers_from_the_previous_session_and_builds_the_index_behind(repo: Path, cli: Cli) -> None:
    assert cli("init").code == 0
    cli("blocker", "--message", "Need the staging DB password")
    cli("end", "--next", "Wire the importer into the CLI")
    _drop_index(repo)  # a fresh clone: the event files, no local state
    code, out, _ = hook("claude-code", claude("SessionStart", repo, source="startup"), repo, env=BIG)
    assert code == 0
    context = start_output(out)
    assert context.startswith("(The project index of this clone is being built in the background")
    assert "## Handoff of session 00001" in context and "Wire the importer into the CLI" in context
    receipt = [json.loads(line) for line in (repo / ".sessions/local/journal").glob("00002-*.jsonl").__next__().read_text().splitlines()]
    given = [e for e in receipt if e["type"] == "context.injected"][-1]["data"]
    assert given["chars"] == len(context) and "no index yet" in given["reason"]
    deadline = time.monotonic() + 30
    while not Path(index_path(Layout(str(repo)))).exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert Path(index_path(Layout(str(repo)))).exists()  # built behind the agent's back
    # Once it is there, the next start has everything again (the open blocker, by the index).
    time.sleep(0.5)
    _code, out, _ = hook("claude-code", claude("SessionStart", repo, session_id="next-agent", source="startup"), repo, env=BIG)
    warm = start_output(out)
    assert "being built" not in warm and "Need the staging DB password" in warm


def test_a_small_store_builds_its_index_at_once(repo: Path, cli: Cli) -> None:
    assert cli("init").code == 0
    cli("blocker", "--message", "Need the staging DB password")
    cli("end")
    _drop_index(repo)
    _code, out, _ = hook("claude-code", claude("SessionStart", repo, source="startup"), repo)
    context = start_output(out)
    assert "being built" not in context and "Need the staging DB password" in context
