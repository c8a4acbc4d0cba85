"""Reproduce the figures of ../shared/fixtures/transcripts/README.md with the importers.

Reads the real transcripts there (never copies them) and compares, for each Claude Code
session, the input / output / cache-creation / cache-read tokens (main session, then with its
subagents) and, for each Codex rollout of ``codex/sanitized/``, the tokens, the start and end
times and the number of user messages its authors' ``expected-codex-sessions.json`` gives.
Codex's ``input`` there includes the cached tokens (Codex's own meaning); the importer stores
non-cached input, so the comparison adds ``cache_read`` back.

Exit 0 when every figure matches, 1 otherwise; skips (exit 0) when ../shared is absent.
Usage: ``python bench/transcript_figures.py [FIXTURES_DIR]``.
"""

from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "src"))

from session_tracker.importers import Counts, Transcript, claude_code, codex

DEFAULT = os.path.join(HERE, "..", "..", "shared", "fixtures", "transcripts")

#: README table: transcript -> (in, out, cache create, cache read, with subagents (in, out, cache create) or None)
CLAUDE = {
    "claude-code/session-196820da.jsonl": (6_711, 65_263, 1_473_882, 2_560_506, None),
    "claude-code/session-3fe1b6bc.jsonl": (15_377, 34_781, 1_707_033, 5_157_884, None),
    "claude-code/session-624a4a58.jsonl": (642, 69_127, 1_629_516, 4_277_174, None),
    "claude-code/session-9eda1058.jsonl": (47, 4_509, 147_267, 22_912, None),
    "claude-code/old-sibling-subagents/4c2ddfdc-b619-4525-8d03-1950fb1b0257.jsonl": (33, 806, 37_172, 214_627, (16_914, 1_046, 54_148)),
    "claude-code/subagents-dir/turn-2.jsonl": (537, 10_099, 157_962, 223_343, (5_770, 11_944, 273_493)),
}
KEYS = ("input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")


def _fresh() -> dict[str, set[str]]:
    return {"usage": set(), "tools": set(), "prompts": set()}


def _totals(transcript: Transcript, main_only: bool) -> dict[str, int]:
    out = dict.fromkeys(KEYS, 0)
    for (_, subagent), usage in transcript.usage_by.items():
        if main_only and subagent:
            continue
        for key in KEYS:
            out[key] += usage.get(key, 0)
    return out


def check(label: str, got: object, want: object, failures: list[str]) -> None:
    ok = got == want
    print(f"  {'ok  ' if ok else 'FAIL'} {label}: {got!r}" + ("" if ok else f" (README: {want!r})"))
    if not ok:
        failures.append(label)


def claude(base: str, failures: list[str]) -> None:
    print("Claude Code (usage per (message.id, requestId), the largest copy)")
    for rel, (i, o, cc, cr, subs) in CLAUDE.items():
        path = os.path.join(base, rel)
        transcript = claude_code.parse(path, "/nonexistent-root", Counts(), _fresh())
        main = _totals(transcript, main_only=True)
        print(f"{rel}")
        check("in / out / cache create / cache read", (main[KEYS[0]], main[KEYS[1]], main[KEYS[2]], main[KEYS[3]]), (i, o, cc, cr), failures)
        if subs is not None:
            every = _totals(transcript, main_only=False)
            check(f"with subagents {transcript.subagents}: in / out / cache create", (every[KEYS[0]], every[KEYS[1]], every[KEYS[2]]), subs, failures)


def codex_figures(base: str, failures: list[str]) -> None:
    folder = os.path.join(base, "codex", "sanitized")
    with open(os.path.join(folder, "expected-codex-sessions.json"), encoding="utf-8") as handle:
        expected = {s["id"]: s for s in json.load(handle)["sessions"]}
    print("Codex (last_token_usage per token_count, repeats skipped; start at session_meta.timestamp)")
    for name in sorted(os.listdir(folder)):
        if not name.startswith("rollout-"):
            continue
        transcript = codex.parse(os.path.join(folder, name), "/nonexistent-root", Counts(), _fresh())
        want = expected[transcript.agent_session_id]
        usage: dict[str, int] = {}
        for totals in transcript.usage.values():
            for key, value in totals.items():
                usage[key] = usage.get(key, 0) + value
        tokens = want["tokens"]
        print(f"codex/sanitized/{name} ({transcript.agent_session_id})")
        got = (
            usage.get("input_tokens", 0) + usage.get("cache_read_input_tokens", 0),
            usage.get("cache_read_input_tokens", 0),
            usage.get("output_tokens", 0),
            usage.get("reasoning_output_tokens", 0),
            usage.get("cache_creation_input_tokens", 0),
        )
        check("input (cached included) / cached / output / reasoning / cache creation", got,
              (tokens["input"], tokens["cache_read"], tokens["output"], tokens["reasoning_output"], tokens["cache_creation"]), failures)
        check("start / end", (transcript.start, transcript.end), (want["start_time"], want["end_time"]), failures)
        prompts = sum(1 for e in transcript.entries if e[1] == "note")
        check("user messages", prompts, want["message_count"], failures)
        check("branch", transcript.branch, want["git_branch"], failures)


def shapes(base: str, failures: list[str]) -> None:
    """The issue's own observations on these transcripts (what the person did, what failed)."""
    print("Shapes (prompts, edits, failures, subagents, compaction)")

    def kinds(transcript: Transcript, kind: str, **match: object) -> int:
        return sum(1 for e in transcript.entries if e[1] == kind and all(e[3].get(k) == v for k, v in match.items()))

    def cc(rel: str) -> Transcript:
        return claude_code.parse(os.path.join(base, rel), "/nonexistent-root", Counts(), _fresh())

    t = cc("claude-code/session-3fe1b6bc.jsonl")
    check("session-3fe1b6bc: failed Bash / Bash", (kinds(t, "command.run", failed=True), kinds(t, "command.run")), (4, 38), failures)
    t = cc("claude-code/session-624a4a58.jsonl")
    check("session-624a4a58: prompts (18 user texts - 3 interrupt markers - 1 compaction summary) / edits / compactions",
          (kinds(t, "note"), kinds(t, "file.touched"), kinds(t, "checkpoint")), (14, 25, 1), failures)
    t = cc("claude-code/session-9eda1058.jsonl")
    check("session-9eda1058: file edits (its one Write was rejected)", kinds(t, "file.touched"), 0, failures)
    t = cc("claude-code/subagents-dir/turn-2.jsonl")
    check("turn-2: Bash calls of subagent a485154", kinds(t, "command.run", subagent="a485154"), 3, failures)
    t = cc("claude-code/edge_cases.jsonl")
    check("edge_cases: slash command with arguments kept", [e[3]["message"] for e in t.entries if str(e[3].get("message", "")).startswith("Prompt: /")],
          ["Prompt: /test-command --verbose --output /tmp/test.log"], failures)
    t = codex.parse(os.path.join(base, "codex", "rollout-2026-05-11T13-28-45-019e1695-0522-7c83-8b39-0dd379793f80.jsonl"),
                    "/nonexistent-root", Counts(), _fresh())
    check("codex 0.128 rollout without exec_command_end: commands with an exit code / failed",
          (sum(1 for e in t.entries if e[1] == "command.run" and "exit" in e[3]), kinds(t, "command.run"), kinds(t, "command.run", failed=True)), (35, 35, 1), failures)


def main(argv: list[str]) -> int:
    base = os.path.abspath(argv[1] if len(argv) > 1 else DEFAULT)
    if not os.path.isdir(base):
        print(f"skipped: no fixtures at {base}")
        return 0
    failures: list[str] = []
    claude(base, failures)
    codex_figures(base, failures)
    shapes(base, failures)
    print(f"\n{'all figures reproduced' if not failures else f'{len(failures)} figures differ'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
