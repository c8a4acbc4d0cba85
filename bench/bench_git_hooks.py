"""Benchmark: what the git hooks add to ``git commit`` (DESIGN.md, "Speed budget", issue #6).

Budget: the pre-commit hook (``check --staged``) adds <= 50 ms to the median ``git commit`` on a
repository of 20,000 files, against the same kind of commit with no hook, measured in the same
run.

What it does: builds a repository once in a temp dir (--files files over --dirs directories,
one commit), ``strack init``, ``strack hooks install`` (into ``.git/hooks``), then copies the
scripts into hooks directories: none (empty), pre-commit only, and all three hooks
(pre-commit, commit-msg, post-commit), plus an empty ``exit 0`` pre-commit script, which shows
what git itself pays for running any hook. Each run, untimed: modify one tracked file, ``strack log``
an entry (the pre-commit hook requires one since the last commit), ``git add -A`` (so the
session's events and documents are staged too and the hook compares them, the expensive case).
Timed: ``git -c core.hooksPath=<dir> commit -q -m …`` as a cold process, for each directory in
a rotating order so that no variant always goes first; also the CPU time (user + system) of
the commit and everything it ran, which a busy machine disturbs less than wall time.

Prints figures; asserts nothing. With --check it exits 1 if the budget is exceeded.

    .venv/bin/python bench/bench_git_hooks.py [--files 20000] [--runs 15] [--check]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _benchlib import (  # the helper module next to this script (its directory is sys.path[0])
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
from bench_end import build_repo

try:
    import resource
except ImportError:  # pragma: no cover - not POSIX
    resource = None  # type: ignore[assignment]

BUDGET_MS = 50.0
IDENTITY = ["-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "-c", "commit.gpgsign=false"]
VARIANTS = ("no hooks", "empty pre-commit", "pre-commit hook", "all three hooks")


def children_cpu_ns() -> int:
    """CPU time (user + system) of every child process waited for so far, in ns."""
    if resource is None:
        return 0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return int((usage.ru_utime + usage.ru_stime) * 1e9)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=20000, help="tracked files (default 20000)")
    parser.add_argument("--dirs", type=int, default=200, help="directories they spread over (default 200)")
    parser.add_argument("--runs", type=int, default=15, help="timed rounds (default 15)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed rounds first (default 2)")
    parser.add_argument("--venv", help="the venv to measure (default: <project>/.venv)")
    parser.add_argument("--check", action="store_true", help="exit 1 if the budget is exceeded")
    args = parser.parse_args()
    if args.runs < 1 or args.warmup < 0 or not 0 < args.dirs <= args.files:
        parser.error("--runs must be >= 1, --warmup >= 0, 0 < --dirs <= --files")

    python, strack = venv_tools(args.venv)
    env, removed = bench_env()
    package = run([str(python), "-c", "import os, session_tracker; print(os.path.dirname(session_tracker.__file__))"],
                  ".", env).decode().strip()
    run([str(python), "-m", "compileall", "-q", package], ".", env)  # as installed: with .pyc files

    print("bench_git_hooks: what the git hooks add to `git commit`")
    print(f"  {machine_line()}")
    print(f"  interpreter: {python}  (package bytecode compiled first, as when installed)")
    if removed:
        print(f"  environment: removed {', '.join(removed)} for the timed processes")
    print("  git:         " + run(["git", "--version"], ".", env).decode().strip())

    samples: dict[str, list[int]] = {v: [] for v in VARIANTS}
    cpu: dict[str, list[int]] = {v: [] for v in VARIANTS}
    with tempfile.TemporaryDirectory(prefix="strack-bench-hooks-") as tmp:
        repo = Path(tmp) / "project"
        start = time.perf_counter_ns()
        paths = build_repo(repo, args.files, args.dirs, env)
        print(f"  repository:  {args.files:,} files in {args.dirs} directories "
              f"(built in {(time.perf_counter_ns() - start) / 1e9:.1f} s)")
        run([str(strack), "init", "--objective", "bench the hooks"], repo, env)
        run([str(strack), "hooks", "install", "--force"], repo, env)
        installed = repo / ".git" / "hooks"
        dirs = {v: Path(tmp) / f"hooks-{n}" for n, v in enumerate(VARIANTS)}
        for variant, directory in dirs.items():
            directory.mkdir()
            chosen = {"no hooks": (), "pre-commit hook": ("pre-commit",)}.get(
                variant, ("pre-commit", "commit-msg", "post-commit"))
            if variant == "empty pre-commit":  # what git itself pays for running any hook
                (directory / "pre-commit").write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
                (directory / "pre-commit").chmod(0o755)
                continue
            for hook in chosen:
                shutil.copy2(installed / hook, directory / hook)
        run(["git", "add", "-A"], repo, env)
        run(["git", *IDENTITY, "-c", f"core.hooksPath={dirs['no hooks']}", "commit", "-q", "-m", "start"], repo, env)
        print("  each commit: one modified file, `strack log`, `git add -A` (untimed); then `git commit` "
              "with core.hooksPath set to each variant's directory, order rotating")
        print(f"  rounds:      {args.warmup} warm-up + {args.runs} timed; load before: {load_now()}", flush=True)
        k = 0
        for rnd in range(args.warmup + args.runs):
            order = VARIANTS[rnd % len(VARIANTS):] + VARIANTS[:rnd % len(VARIANTS)]
            for variant in order:
                path = paths[(k * 7919) % len(paths)]
                with path.open("a", encoding="utf-8") as handle:
                    handle.write(f"\n# changed in commit {k}\n")
                run([str(strack), "log", f"commit {k}: {variant}"], repo, env)
                run(["git", "add", "-A"], repo, env)
                cmd = ["git", *IDENTITY, "-c", f"core.hooksPath={dirs[variant]}", "commit", "-q", "-m", f"commit {k}"]
                before = children_cpu_ns()
                elapsed = timed(cmd, repo, env)
                if rnd >= args.warmup:
                    samples[variant].append(elapsed)
                    cpu[variant].append(children_cpu_ns() - before)
                k += 1
        trailers = run(["git", "log", "-3", "--format=%(trailers:key=Session,valueonly)"], repo, env).decode()
        events = sum(1 for event in stored_events(repo, "00001") if event.get("type") == "commit")
        print(f"  load after:  {load_now()}")
        print(f"  sanity:      {events} commit events recorded by post-commit; "
              f"last commits' trailers: {' '.join(trailers.split()) or 'none'}")

    stats = {name: summary(s) for name, s in samples.items()}
    print()
    print(table(list(stats.items())))
    base = stats["no hooks"]["median"]
    pre = stats["pre-commit hook"]["median"] - base
    every = stats["all three hooks"]["median"] - base
    paired = [p - n for p, n in zip(samples["pre-commit hook"], samples["no hooks"])]
    print()
    print(f"  pre-commit hook adds {pre:+.1f} ms to the median commit ({stats['pre-commit hook']['median'] / base:.2f}x; "
          f"median of per-round differences {statistics.median(paired) / 1e6:+.1f} ms)")
    empty = stats["empty pre-commit"]["median"] - base
    print(f"  of which git's own cost of running a hook (an empty `exit 0` script): {empty:+.1f} ms")
    print(f"  all three hooks add {every:+.1f} ms (commit-msg adds the trailer, post-commit records the commit)")
    if resource is not None:
        cpu_med = {v: statistics.median(c) / 1e6 for v, c in cpu.items()}
        print(f"  CPU time (user+sys of git and every hook process, median): no hooks {cpu_med['no hooks']:.1f} ms, "
              f"empty hook {cpu_med['empty pre-commit']:.1f} ms ({cpu_med['empty pre-commit'] - cpu_med['no hooks']:+.1f}), "
              f"pre-commit {cpu_med['pre-commit hook']:.1f} ms ({cpu_med['pre-commit hook'] - cpu_med['no hooks']:+.1f}), "
              f"all three {cpu_med['all three hooks']:.1f} ms ({cpu_med['all three hooks'] - cpu_med['no hooks']:+.1f}); "
              "on a busy machine this moves less than wall time")
    ok = pre <= BUDGET_MS
    print(f"  budget: pre-commit overhead <= {BUDGET_MS:.0f} ms: {pre:.1f} ms -> {'ok' if ok else 'EXCEEDED'}")
    print(f"  verdict: {'WITHIN BUDGET' if ok else 'OVER BUDGET'}")
    if args.check and not ok:
        print(f"bench_git_hooks: budget exceeded: the pre-commit hook adds {pre:.1f} ms (budget {BUDGET_MS:.0f} ms)",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    main_exit(main, "bench_git_hooks")
