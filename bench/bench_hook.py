"""Benchmark: the agent PostToolUse hook as a cold process (DESIGN.md, "Speed budget").

Budget: median <= 35 ms, and <= 3.5x ``python -c pass`` measured in the same run with the
same interpreter. Claude Code, Codex and Gemini CLI run ``session-tracker hook <agent>`` after
every file edit and shell command, so this is the cost an agent pays per tool call.

What it does: a throwaway git repository in a temp dir with a store, a Claude Code session
started through the hook itself (``SessionStart``), the session pre-filled with --entries
``file.touched`` events, then --runs rounds of ``python -c pass`` / ``strack hook claude-code``
with a PostToolUse ``Edit`` payload on stdin / the same with a ``Bash`` payload /
``strack --version``, interleaved so machine noise hits all of them alike. Each figure is the
wall time of one cold process, stdout to /dev/null.

Prints figures; asserts nothing. With --check it exits 1 if the budget is exceeded.

    .venv/bin/python bench/bench_hook.py [--runs 40] [--entries 200] [--check]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _benchlib import (  # the helper module next to this script (its directory is sys.path[0])
    GIT_IDENTITY,
    BenchError,
    bench_env,
    load_now,
    machine_line,
    main_exit,
    run,
    summary,
    table,
    venv_tools,
)

BUDGET_MS = 35.0
BUDGET_RATIO = 3.5
AGENT_SESSION = "5b3c1e0a-bench"


def payload(repo: Path, event: str, **fields: object) -> bytes:
    """A Claude Code hook input (code.claude.com/docs/en/hooks: common fields + the event's)."""
    return json.dumps({
        "session_id": AGENT_SESSION, "transcript_path": str(repo / "transcript.jsonl"), "cwd": str(repo),
        "permission_mode": "default", "hook_event_name": event, **fields,
    }).encode()


def timed_stdin(cmd: list[str], cwd: Path, env: dict[str, str], stdin: bytes | None) -> int:
    """Wall time in ns of one cold process fed ``stdin``; BenchError if it fails."""
    start = time.perf_counter_ns()
    proc = subprocess.run(cmd, cwd=cwd, env=env, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter_ns() - start
    if proc.returncode != 0:
        raise BenchError(f"`{' '.join(cmd)}` failed (exit {proc.returncode}):\n{proc.stderr.decode('utf-8', 'replace')}")
    return elapsed


def count(repo: Path, kind: str) -> int:
    """Events of ``kind``: the open session's wait in its journal (``local/journal/``) until
    published, so both places are read, each event id counted once."""
    seen: set[str] = set()
    for folder in (repo / ".sessions" / "events", repo / ".sessions" / "local" / "journal"):
        for path in folder.glob("*.jsonl"):
            for line in path.read_text(encoding="utf-8").splitlines():
                event = json.loads(line) if line.strip() else None
                if event and event["type"] == kind:
                    seen.add(event["id"])
    return len(seen)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=40, help="timed rounds (default 40)")
    parser.add_argument("--entries", type=int, default=200, help="file.touched events in the session before timing (default 200)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed rounds first (default 3)")
    parser.add_argument("--venv", help="the venv to measure (default: <project>/.venv)")
    parser.add_argument("--check", action="store_true", help="exit 1 if the budget is exceeded")
    args = parser.parse_args()
    if args.runs < 1 or args.entries < 0 or args.warmup < 0:
        parser.error("--runs must be >= 1, --entries and --warmup >= 0")

    python, strack = venv_tools(args.venv)
    env, removed = bench_env()
    package = run([str(python), "-c", "import os, session_tracker; print(os.path.dirname(session_tracker.__file__))"], ".", env).decode().strip()
    run([str(python), "-m", "compileall", "-q", package], ".", env)  # as installed: .pyc present

    print("bench_hook: `strack hook claude-code` (PostToolUse) as a cold process")
    print(f"  {machine_line()}")
    print(f"  interpreter: {python}")
    print(f"  package:     {package}")
    print("  bytecode:    compiled first (`python -m compileall -q <package>`), as an installed package has it")
    if removed:
        print(f"  environment: removed {', '.join(removed)} for the timed processes")

    with tempfile.TemporaryDirectory(prefix="strack-bench-hook-") as tmp:
        repo = Path(tmp) / "project"
        repo.mkdir()
        env["XDG_STATE_HOME"] = str(Path(tmp) / "state")  # where the hook log goes
        run(["git", "init", "-q"], repo, env)
        (repo / "README.md").write_text("# bench project\n", encoding="utf-8")
        run(["git", "add", "-A"], repo, env)
        run(["git", *GIT_IDENTITY, "commit", "-q", "-m", "initial"], repo, env)
        setup = "from session_tracker.agents.install import install\nfrom session_tracker.core.context import Context\ninstall(Context(), 'claude-code')"
        run([str(python), "-c", setup], repo, env)
        run([str(strack), "hook", "claude-code"], repo, env, stdin=payload(repo, "SessionStart", source="startup"))
        edit = payload(repo, "PostToolUse", tool_name="Edit", tool_use_id="toolu_1",
                       tool_input={"file_path": str(repo / "src" / "app.py"), "old_string": "a", "new_string": "b"},
                       tool_response={"filePath": str(repo / "src" / "app.py"), "success": True})
        bash = payload(repo, "PostToolUse", tool_name="Bash", tool_use_id="toolu_2",
                       tool_input={"command": "pytest -q tests/test_sync.py", "description": "Run the tests"},
                       tool_response={"stdout": "3 passed", "stderr": "", "interrupted": False})
        # Pre-fill in one process (as many hook processes would take minutes).
        prefill = (
            "import sys\nfrom session_tracker.hooks.agent import run\n"
            f"data = open(sys.argv[1], 'rb').read()\nfor _ in range({args.entries}): run('claude-code', data)\n"
        )
        (Path(tmp) / "edit.json").write_bytes(edit)
        run([str(python), "-c", prefill, str(Path(tmp) / "edit.json")], repo, env)
        before = count(repo, "file.touched")
        if before != args.entries:
            raise BenchError(f"pre-fill wrote {before} file.touched events, expected {args.entries}")

        commands: dict[str, tuple[list[str], bytes | None]] = {
            "python -c pass": ([str(python), "-c", "pass"], None),
            "hook PostToolUse Edit": ([str(strack), "hook", "claude-code"], edit),
            "hook PostToolUse Bash": ([str(strack), "hook", "claude-code"], bash),
            "strack --version": ([str(strack), "--version"], None),
        }
        samples: dict[str, list[int]] = {name: [] for name in commands}
        print(f"  session:     {args.entries} file.touched events before timing; {args.warmup} warm-up + {args.runs} timed rounds, "
              f"interleaved ({' / '.join(commands)})")
        print(f"  load before: {load_now()}", flush=True)
        for i in range(args.warmup + args.runs):
            for name, (cmd, stdin) in commands.items():
                elapsed = timed_stdin(cmd, repo, env, stdin)
                if i >= args.warmup:
                    samples[name].append(elapsed)
        print(f"  load after:  {load_now()}")
        touched, ran = count(repo, "file.touched"), count(repo, "command.run")
        rounds = args.warmup + args.runs
        print(f"  session:     {touched} file.touched and {ran} command.run events after timing (each timed hook appends one)")
        if touched != before + rounds or ran != rounds:
            raise BenchError(f"expected {before + rounds} file.touched and {rounds} command.run events, found {touched} and {ran}")
        log = Path(tmp) / "state" / "session-tracker" / "hook.log"
        if log.exists():
            raise BenchError(f"the hook noted problems: {log.read_text()[:500]}")

    stats = {name: summary(s) for name, s in samples.items()}
    print()
    print(table(list(stats.items())))
    hook_med = max(stats["hook PostToolUse Edit"]["median"], stats["hook PostToolUse Bash"]["median"])
    pass_med = stats["python -c pass"]["median"]
    ratio = hook_med / pass_med
    ratios = [h / p for h, p in zip(samples["hook PostToolUse Edit"], samples["python -c pass"])]
    print()
    print(f"  hook / python -c pass: {ratio:.2f}x of medians (slower of Edit and Bash; median of per-round ratios "
          f"for Edit {statistics.median(ratios):.2f}x)")
    print(f"  hook above the interpreter floor: {hook_med - pass_med:.1f} ms")
    ok_ms, ok_ratio = hook_med <= BUDGET_MS, ratio <= BUDGET_RATIO
    print()
    print(f"  budget: median <= {BUDGET_MS:.0f} ms: {hook_med:.1f} ms -> {'ok' if ok_ms else 'EXCEEDED'}")
    print(f"  budget: <= {BUDGET_RATIO}x python -c pass: {ratio:.2f}x -> {'ok' if ok_ratio else 'EXCEEDED'}")
    verdict = ok_ms and ok_ratio
    print(f"  verdict: {'WITHIN BUDGET' if verdict else 'OVER BUDGET'}")
    if args.check and not verdict:
        print(f"bench_hook: budget exceeded: hook median {hook_med:.1f} ms (budget {BUDGET_MS:.0f} ms), "
              f"{ratio:.2f}x python -c pass (budget {BUDGET_RATIO}x)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    main_exit(main, "bench_hook")
