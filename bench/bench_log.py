"""Benchmark: ``strack log "…"`` as a cold process (DESIGN.md, "Speed budget").

Budget: median <= 35 ms, and <= 3.5x ``python -c pass`` measured in the same run with the
same interpreter (the venv's python). It is the command agent hooks run on every tool call.

What it does: a throwaway git repository in a temp dir, ``strack init``, the session pre-filled
with --entries notes (written in-process through ``session_tracker.commands.log.log``, which is
faster than as many processes), then --runs rounds of ``python -c pass`` / ``strack log`` /
``python -c "import click"`` / ``strack --version``, interleaved so machine noise hits all of
them alike. Each figure is the wall time of one cold process, stdout to /dev/null.

Prints figures; asserts nothing. With --check it exits 1 if the budget is exceeded.

    .venv/bin/python bench/bench_log.py [--runs 40] [--entries 50] [--check]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from _benchlib import (  # the helper module next to this script (its directory is sys.path[0])
    GIT_IDENTITY,
    BenchError,
    bench_env,
    load_now,
    machine_line,
    main_exit,
    run,
    stored_events,
    summary,
    table,
    timed,
    venv_tools,
)

BUDGET_MS = 35.0
BUDGET_RATIO = 3.5
MESSAGE = "Ran the unit tests after refactoring the connector; 3 failures left in test_sync.py"

# Runs inside the venv's python, in the temp repository: pre-fills the open session.
_PREFILL = """
import sys
from session_tracker.commands.log import log
from session_tracker.core.context import Context
from session_tracker.core.events import CATEGORIES
for i in range(int(sys.argv[1])):
    words = " ".join(["refactor", "connector", "tests", "schema", "retry"][: 1 + i % 5])
    log(Context(), f"entry {i}: {words} - " + "detail " * (i % 7), CATEGORIES[i % len(CATEGORIES)])
"""


def notes_in(repo: Path) -> int:
    """How many ``note`` events the session holds (checks the pre-fill and the timed logs)."""
    return sum(1 for event in stored_events(repo) if event.get("type") == "note")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=40, help="timed rounds (default 40)")
    parser.add_argument("--entries", type=int, default=50, help="notes in the session before timing (default 50)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed rounds first (default 3)")
    parser.add_argument("--venv", help="the venv to measure (default: <project>/.venv)")
    parser.add_argument("--check", action="store_true", help="exit 1 if the budget is exceeded")
    args = parser.parse_args()
    if args.runs < 1 or args.entries < 0 or args.warmup < 0:
        parser.error("--runs must be >= 1, --entries and --warmup >= 0")

    python, strack = venv_tools(args.venv)
    env, removed = bench_env()
    package = run([str(python), "-c", "import os, session_tracker; print(os.path.dirname(session_tracker.__file__))"],
                  ".", env).decode().strip()
    # An installed package carries its .pyc files; a checkout may not have them yet, and without
    # them every run would time the compiler. Compile once, and let the timed processes read them.
    run([str(python), "-m", "compileall", "-q", package], ".", env)

    print("bench_log: `strack log \"…\"` as a cold process")
    print(f"  {machine_line()}")
    print(f"  interpreter: {python}")
    print(f"  package:     {package}")
    print("  bytecode:    compiled first (`python -m compileall -q <package>`) and subprocesses run without")
    print("               PYTHONDONTWRITEBYTECODE, because an installed package has its .pyc files")
    if removed:
        print(f"  environment: removed {', '.join(removed)} for the timed processes")

    with tempfile.TemporaryDirectory(prefix="strack-bench-log-") as tmp:
        repo = Path(tmp) / "project"
        repo.mkdir()
        run(["git", "init", "-q"], repo, env)
        (repo / "README.md").write_text("# bench project\n", encoding="utf-8")
        run(["git", "add", "-A"], repo, env)
        run(["git", *GIT_IDENTITY, "commit", "-q", "-m", "initial"], repo, env)
        run([str(strack), "init"], repo, env)
        run([str(python), "-c", _PREFILL, str(args.entries)], repo, env)
        before = notes_in(repo)
        if before != args.entries:
            raise BenchError(f"pre-fill wrote {before} notes, expected {args.entries}")

        commands = {
            "python -c pass": [str(python), "-c", "pass"],
            "strack log": [str(strack), "log", MESSAGE],
            "python -c 'import click'": [str(python), "-c", "import click"],
            "strack --version": [str(strack), "--version"],
        }
        samples: dict[str, list[int]] = {name: [] for name in commands}
        print(f"  session:     {args.entries} notes before timing; {args.warmup} warm-up + {args.runs} timed rounds, "
              f"interleaved ({' / '.join(commands)})")
        print(f"  load before: {load_now()}", flush=True)
        for i in range(args.warmup + args.runs):
            for name, cmd in commands.items():
                elapsed = timed(cmd, repo, env)
                if i >= args.warmup:
                    samples[name].append(elapsed)
        after = notes_in(repo)
        print(f"  load after:  {load_now()}")
        print(f"  session:     {after} notes after timing (each timed log appends one and re-renders the LOG.md)")
        if after != before + args.warmup + args.runs:
            raise BenchError(f"expected {before + args.warmup + args.runs} notes after timing, found {after}")

    stats = {name: summary(s) for name, s in samples.items()}
    print()
    print(table(list(stats.items())))
    log_med, pass_med = stats["strack log"]["median"], stats["python -c pass"]["median"]
    ratio = log_med / pass_med
    ratios = [lg / ps for lg, ps in zip(samples["strack log"], samples["python -c pass"])]
    print()
    print(f"  strack log / python -c pass: {ratio:.2f}x of medians (median of per-round ratios {statistics.median(ratios):.2f}x)")
    print(f"  strack log above the interpreter floor: {log_med - pass_med:.1f} ms")
    print(f"  fast path saves {stats['strack --version']['median'] - log_med:.1f} ms against the click path "
          f"(`strack --version`), and does a real log besides")
    ok_ms, ok_ratio = log_med <= BUDGET_MS, ratio <= BUDGET_RATIO
    print()
    print(f"  budget: median <= {BUDGET_MS:.0f} ms: {log_med:.1f} ms -> {'ok' if ok_ms else 'EXCEEDED'}")
    print(f"  budget: <= {BUDGET_RATIO}x python -c pass: {ratio:.2f}x -> {'ok' if ok_ratio else 'EXCEEDED'}")
    verdict = ok_ms and ok_ratio
    print(f"  verdict: {'WITHIN BUDGET' if verdict else 'OVER BUDGET'}")
    if args.check and not verdict:
        print(f"bench_log: budget exceeded: strack log median {log_med:.1f} ms (budget {BUDGET_MS:.0f} ms), "
              f"{ratio:.2f}x python -c pass (budget {BUDGET_RATIO}x)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    main_exit(main, "bench_log")
