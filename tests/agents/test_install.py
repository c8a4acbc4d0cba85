"""`agent install|uninstall`: merged into settings that already hold the user's own hooks,
idempotent, and byte-identical after uninstall."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from conftest import Cli
from session_tracker.agents import install
from session_tracker.core.context import Context
from session_tracker.core.paths import Layout
from session_tracker.errors import TrackerError

USER_SETTINGS = {
    "claude-code": (
        ".claude/settings.json",
        "CLAUDE.md",
        {
            "permissions": {"allow": ["Bash(npm run lint)"], "deny": ["Read(./.env)"]},
            "hooks": {
                "PostToolUse": [{"matcher": "Write|Edit", "hooks": [{"type": "command", "command": "npx prettier --write \"$FILE\""}]}],
                "Notification": [{"hooks": [{"type": "command", "command": "notify-send 'Claude needs you'"}]}],
            },
            "model": "claude-sonnet-4-5",
        },
    ),
    "codex": (
        ".codex/hooks.json",
        "AGENTS.md",
        {"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "python3 ~/.codex/guard.py", "timeout": 5}]}]}},
    ),
    "gemini": (
        ".gemini/settings.json",
        "GEMINI.md",
        {
            "hooksConfig": {"enabled": True},
            "hooks": {"BeforeTool": [{"matcher": "run_shell_command", "hooks": [{"name": "guard", "type": "command", "command": "./guard.sh", "timeout": 5000}]}]},
            "ui": {"theme": "GitHub"},
        },
    ),
    "cursor": (  # Cursor's own flat format (cursor.com/docs/hooks)
        ".cursor/hooks.json",
        ".cursor/rules/session-tracker.mdc",
        {"version": 1, "hooks": {"afterFileEdit": [{"command": "./hooks/format.sh"}], "beforeShellExecution": [{"command": "./hooks/guard.sh", "timeout": 5}]}},
    ),
}
OURS = {"claude-code": 8, "codex": 5, "gemini": 5, "cursor": 8}


def handlers(hooks: dict[str, list[dict[str, object]]], agent: str) -> list[dict[str, object]]:
    """Every hook handler in ``hooks`` (Cursor's are the entries themselves)."""
    if agent == "cursor":
        return [h for entries in hooks.values() for h in entries]
    return [h for groups in hooks.values() for g in groups for h in g["hooks"]]  # type: ignore[attr-defined]
MARKDOWN = "# Project rules\n\n- Use type hints — always.\n- Run `make test` before committing.\n"


def ctx_for(root: Path) -> Context:
    return Context(layout=Layout(str(root)), env=dict(os.environ))


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and ".git/" not in p.as_posix() and ".sessions" not in p.parts}


@pytest.mark.parametrize("agent", sorted(USER_SETTINGS))
@pytest.mark.parametrize("style", ["two-space", "four-space-no-newline", "tabs"])
def test_install_keeps_user_hooks_and_uninstall_restores_the_bytes(repo: Path, agent: str, style: str) -> None:
    settings_rel, md_rel, user = USER_SETTINGS[agent]
    settings: dict[str, Any] = user  # type: ignore[assignment]
    text = {
        "two-space": json.dumps(settings, indent=2) + "\n",
        "four-space-no-newline": json.dumps(settings, indent=4, ensure_ascii=False),
        "tabs": json.dumps(settings, indent="\t") + "\n",
    }[style]
    (repo / settings_rel).parent.mkdir()
    (repo / settings_rel).write_text(text)
    (repo / md_rel).parent.mkdir(parents=True, exist_ok=True)
    (repo / md_rel).write_text(MARKDOWN if style != "four-space-no-newline" else MARKDOWN.rstrip("\n"))
    before = snapshot(repo)

    result = install.install(ctx_for(repo), agent)
    assert result["changed"] == [settings_rel, md_rel]
    merged = json.loads((repo / settings_rel).read_text())
    for key, value in settings.items():
        if key != "hooks":
            assert merged[key] == value  # the user's settings are untouched
    hooks: dict[str, list[object]] = settings["hooks"]
    for event, groups in hooks.items():
        assert merged["hooks"][event][: len(groups)] == groups  # the user's hooks come first, as they were
    ours = [h for h in handlers(merged["hooks"], agent) if h["command"] == f"session-tracker hook {agent}"]
    assert len(ours) == OURS[agent]
    assert "<!-- session-tracker:begin" in (repo / md_rel).read_text()
    assert (repo / md_rel).read_text().startswith(MARKDOWN.rstrip("\n"))

    once = snapshot(repo)
    again = install.install(ctx_for(repo), agent)
    assert again["changed"] == [] and snapshot(repo) == once  # idempotent

    gone = install.uninstall(ctx_for(repo), agent)
    assert gone["changed"] == [settings_rel, md_rel]
    assert snapshot(repo) == before  # byte-identical
    assert install.uninstall(ctx_for(repo), agent)["changed"] == []


@pytest.mark.parametrize("agent", sorted(USER_SETTINGS))
def test_install_into_a_project_without_settings_and_back(repo: Path, agent: str) -> None:
    settings_rel, md_rel, _ = USER_SETTINGS[agent]
    before = snapshot(repo)
    install.install(ctx_for(repo), agent)
    written = json.loads((repo / settings_rel).read_text())
    events = set(written["hooks"])
    expected = {"claude-code": {"SessionStart", "PostToolUse", "PostToolUseFailure", "SubagentStop", "PreCompact", "PostCompact", "Stop", "SessionEnd"},
                "codex": {"SessionStart", "PostToolUse", "PreCompact", "Stop", "SessionEnd"},
                "gemini": {"SessionStart", "AfterTool", "PreCompress", "AfterAgent", "SessionEnd"},
                "cursor": {"sessionStart", "afterFileEdit", "afterShellExecution", "postToolUseFailure", "subagentStop", "preCompact", "stop", "sessionEnd"}}[agent]
    assert events == expected
    if agent == "cursor":
        assert written["version"] == 1 and written["hooks"]["sessionEnd"] == [{"command": "session-tracker hook cursor", "timeout": 10}]
        assert (repo / ".cursor/rules/session-tracker.mdc").read_text().startswith("---\ndescription: session-tracker records this session\nalwaysApply: true\n---\n")
    else:
        timeouts = {event: groups[0]["hooks"][0]["timeout"] for event, groups in written["hooks"].items()}
        assert timeouts["SessionEnd"] == {"claude-code": 10, "codex": 3, "gemini": 10_000}[agent]
    if agent == "claude-code":
        assert written["hooks"]["PostToolUseFailure"] == [{"matcher": "Bash", "hooks": [{"type": "command", "command": "session-tracker hook claude-code", "timeout": 10}]}]
    assert (repo / ".sessions/events").is_dir()  # project install creates the store
    install.uninstall(ctx_for(repo), agent)
    assert snapshot(repo) == before
    assert not (repo / settings_rel).parent.exists()
    assert not (repo / md_rel).exists()


def test_uninstall_without_local_state_removes_only_ours(repo: Path) -> None:
    settings_rel, md_rel, settings = USER_SETTINGS["claude-code"]
    (repo / ".claude").mkdir()
    original = json.dumps(settings, indent=2) + "\n"
    (repo / settings_rel).write_text(original)
    (repo / md_rel).write_text(MARKDOWN)
    install.install(ctx_for(repo), "claude-code")
    (repo / ".sessions/local/agents-installed.json").unlink()  # e.g. a teammate's clone
    install.uninstall(ctx_for(repo), "claude-code")
    assert (repo / settings_rel).read_text() == original
    assert (repo / md_rel).read_text() == MARKDOWN


def test_uninstall_keeps_hooks_the_user_added_after_install(repo: Path) -> None:
    install.install(ctx_for(repo), "claude-code")
    path = repo / ".claude/settings.json"
    data = json.loads(path.read_text())
    data["hooks"]["Stop"].append({"hooks": [{"type": "command", "command": "say done"}]})
    path.write_text(json.dumps(data, indent=2) + "\n")
    install.uninstall(ctx_for(repo), "claude-code")
    assert json.loads(path.read_text()) == {"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "say done"}]}]}}


def test_invalid_settings_are_refused_and_left_alone(repo: Path) -> None:
    (repo / ".claude").mkdir()
    (repo / ".claude/settings.json").write_text('{"hooks": {,}')
    with pytest.raises(TrackerError, match="not valid JSON"):
        install.install(ctx_for(repo), "claude-code")
    assert (repo / ".claude/settings.json").read_text() == '{"hooks": {,}'


def test_user_scope_writes_under_home(repo: Path) -> None:
    home = Path(os.environ["HOME"])
    (home / ".gemini").mkdir()
    (home / ".gemini/settings.json").write_text('{"ui": {"theme": "Dracula"}}\n')
    result = install.install(ctx_for(repo), "gemini", user=True)
    assert result["settings"] == "~/.gemini/settings.json" and result["instructions"] == "~/.gemini/GEMINI.md"
    assert "AfterTool" in json.loads((home / ".gemini/settings.json").read_text())["hooks"]
    assert not (repo / ".gemini").exists() and not (repo / ".sessions").exists()
    install.uninstall(ctx_for(repo), "gemini", user=True)
    assert (home / ".gemini/settings.json").read_text() == '{"ui": {"theme": "Dracula"}}\n'
    assert not (home / ".gemini/GEMINI.md").exists()


def test_install_and_uninstall_through_the_cli(repo: Path, cli: Cli) -> None:
    (repo / "AGENTS.md").write_text(MARKDOWN)
    done = cli("agent", "install", "codex")
    assert done.code == 0, done
    assert "codex hooks installed (project): .codex/hooks.json" in done.out
    assert "codex_hooks = true" in done.out
    assert "already installed" in cli("agent", "install", "codex").out
    result = json.loads(cli("agent", "uninstall", "codex", "--json").out)
    assert result["changed"] == [".codex/hooks.json", "AGENTS.md"]
    assert (repo / "AGENTS.md").read_text() == MARKDOWN
    assert cli("agent", "install", "cline").code == 2  # not an agent we know
    before = snapshot(repo)
    done = cli("agent", "install", "cursor")
    assert done.code == 0 and "cursor hooks installed (project): .cursor/hooks.json" in done.out, done
    assert cli("agent", "uninstall", "cursor").code == 0
    assert snapshot(repo) == before and not (repo / ".cursor").exists()
