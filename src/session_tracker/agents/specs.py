"""What ``agent install`` writes for each agent: where its settings and instructions live, its
hook events with matchers and timeouts, the notice shown after install, and the instructions
block (data only; :mod:`session_tracker.agents.install` applies it and names the formats' sources)."""

from __future__ import annotations

BEGIN = "<!-- session-tracker:begin (written by `session-tracker agent install`; `agent uninstall` removes it) -->"
END = "<!-- session-tracker:end -->"
STATE_NAME = "agents-installed.json"
PROGRAM = "session-tracker"

#: Per agent: project settings path, user settings path (under ~), instructions file (project),
#: instructions file (user, under ~), timeout unit multiplier (1 = seconds, 1000 = ms), and the
#: events as (event name, matcher or None, timeout in seconds).
SPECS: dict[str, dict[str, object]] = {
    "claude-code": {
        "settings": ".claude/settings.json",
        "user_settings": ".claude/settings.json",
        "instructions": "CLAUDE.md",
        "user_instructions": ".claude/CLAUDE.md",
        "unit": 1,
        "events": [
            ("SessionStart", "startup|resume|clear|compact", 30),
            ("PostToolUse", "Edit|Write|MultiEdit|NotebookEdit|Bash", 10),
            # A failed call goes to PostToolUseFailure, never to PostToolUse.
            ("PostToolUseFailure", "Bash", 10),
            ("SubagentStop", None, 10),
            ("PreCompact", None, 30),
            ("PostCompact", None, 10),
            ("Stop", None, 10),
            # Claude Code runs all SessionEnd hooks within 1.5 s unless the environment variable
            # CLAUDE_CODE_SESSIONEND_HOOKS_TIMEOUT_MS raises it; this timeout applies within that.
            ("SessionEnd", None, 10),
        ],
    },
    "codex": {
        "settings": ".codex/hooks.json",
        "user_settings": ".codex/hooks.json",
        "instructions": "AGENTS.md",
        "user_instructions": ".codex/AGENTS.md",
        "unit": 1,
        "events": [
            ("SessionStart", None, 30),
            ("PostToolUse", "Bash|apply_patch|Edit|Write", 10),
            ("PreCompact", None, 30),
            ("Stop", None, 10),
            ("SessionEnd", None, 3),  # Codex caps SessionEnd hooks at 3 s
        ],
    },
    "gemini": {
        "settings": ".gemini/settings.json",
        "user_settings": ".gemini/settings.json",
        "instructions": "GEMINI.md",
        "user_instructions": ".gemini/GEMINI.md",
        "unit": 1000,
        "events": [
            ("SessionStart", None, 30),
            ("AfterTool", "write_file|replace|run_shell_command", 10),
            ("PreCompress", None, 30),
            ("AfterAgent", None, 10),
            ("SessionEnd", None, 10),  # best effort: Gemini CLI does not wait for SessionEnd
        ],
    },
    "cursor": {
        "settings": ".cursor/hooks.json",
        "user_settings": ".cursor/hooks.json",
        "instructions": ".cursor/rules/session-tracker.mdc",
        "user_instructions": ".cursor/rules/session-tracker.mdc",
        "unit": 1,
        "flat": True,
        "events": [
            ("sessionStart", None, 30),
            ("afterFileEdit", None, 10),
            ("afterShellExecution", None, 10),
            ("postToolUseFailure", None, 10),
            ("subagentStop", None, 10),
            ("preCompact", None, 30),
            ("stop", None, 10),
            ("sessionEnd", None, 10),
        ],
    },
}
#: What a new Cursor rule file starts with, so Cursor applies the rule to every conversation.
CURSOR_RULE_HEADER = "---\ndescription: session-tracker records this session\nalwaysApply: true\n---\n\n"

NOTICES = {
    "claude-code": "Claude Code gives SessionEnd hooks 1.5 s in total by default; on a large repository set "
    "CLAUDE_CODE_SESSIONEND_HOOKS_TIMEOUT_MS=10000 so the end-of-session git capture always completes",
    "codex": "Codex runs hooks only with `[features] codex_hooks = true` in ~/.codex/config.toml; "
    "review and trust the new hooks with /hooks in Codex",
    "gemini": "Gemini CLI runs hooks only when they are enabled in settings.json "
    '(stable releases: "hooksConfig": {"enabled": true}); SessionEnd is best effort (the CLI does not wait)',
    "cursor": "Cursor reloads .cursor/hooks.json when it changes (check Settings → Hooks); the handoff reaches "
    "the conversation through sessionStart's additional_context where your Cursor version supports it",
}

INSTRUCTIONS = """## Session tracking (session-tracker)

This repository records each working session with session-tracker. Hooks record the files you
edit and the commands you run; record what they cannot see, when it happens:

- a decision and why: `session-tracker decision --message "…" --rationale "…" [--alternative "…"]`
- a blocker or open question: `session-tracker blocker --message "…"`; when it is solved:
  `session-tracker blocker --resolve <ID> --message "how"`
- a next step (one list, kept until done): `session-tracker next "…" [--priority 1]`, then `session-tracker next --done <ID>`
- progress worth a line in the work log: `session-tracker log "…" --category implementation`
- where the session stands: `session-tracker summary`

The previous session's handoff (open blockers, next steps, decisions) is given to you when the
session starts: read it before you begin.
"""
