"""Benchmark: ``strack end`` on a large repository (DESIGN.md, "Speed budget").

Budget: ``strack end`` on 20,000 files <= 1.5x (``git status --porcelain=v2`` + ``git diff
--numstat``, run back to back) measured in the same run on the same state. ``end`` has to ask
git the same questions (what changed since the session began, committed or not, untracked
included), then write the session's documents; the ratio is what the tool adds on top of git.

What it does: builds a repository once in a temp dir (--files files over --dirs directories, a
few lines each, one commit). Then each run, untimed: commit whatever the previous run left (so
every run starts from a clean tree and does the same work), ``strack init``, modify --modify
tracked files, add --untracked new files, commit --commit of the modified ones. Timed: ``strack
end`` as a cold process, and the baseline pair on the same state; the order of the two
alternates from run to run so neither always goes first. Both see the same git environment
the tool gives git (``GIT_OPTIONAL_LOCKS=0``, ``LC_ALL=C``: read-only, no index refresh).

Prints figures; asserts nothing. With --check it exits 1 if the budget is exceeded.

    .venv/bin/python bench/bench_end.py [--files 20000] [--runs 7] [--check]
"""

from __future__ import annotations

import argparse
import json
import statistics
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
    timed,
    venv_tools,
)

BUDGET_RATIO = 1.5
BASELINE = (["git", "status", "--porcelain=v2"], ["git", "diff", "--numstat"])


def build_repo(repo: Path, files: int, dirs: int, env: dict[str, str]) -> list[Path]:
    """``files`` small text files spread over ``dirs`` directories, committed once."""
    repo.mkdir()
    run(["git", "init", "-q"], repo, env)
    paths = []
    for i in range(files):
        d = repo / "src" / f"pkg{i % dirs:03d}"
        if i < dirs:
            d.mkdir(parents=True)
        path = d / f"module{i:05d}.py"
        path.write_text(f'"""Module {i}."""\n\nVALUE = {i}\n\n\ndef f{i}(x):\n    return x + VALUE\n',
                        encoding="utf-8")
        paths.append(path)
    (repo / "README.md").write_text("# big bench project\n", encoding="utf-8")
    run(["git", "add", "-A"], repo, env)
    run(["git", *GIT_IDENTITY, "commit", "-q", "-m", "initial import"], repo, env)
    return paths


def last_event(repo: Path) -> dict[str, object]:
    """The newest session's last event (``end`` must have written ``session.ended``)."""
    newest = max((repo / ".sessions" / "events").glob("*.jsonl"), key=lambda p: p.name)
    line = newest.read_text(encoding="utf-8").splitlines()[-1]
    event: dict[str, object] = json.loads(line)
    return event


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=20000, help="tracked files (default 20000)")
    parser.add_argument("--dirs", type=int, default=200, help="directories they spread over (default 200)")
    parser.add_argument("--runs", type=int, default=7, help="timed runs (default 7)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs first (default 1)")
    parser.add_argument("--modify", type=int, default=50, help="files modified per run (default 50)")
    parser.add_argument("--untracked", type=int, default=10, help="new untracked files per run (default 10)")
    parser.add_argument("--commit", type=int, default=5, help="modified files committed per run (default 5)")
    parser.add_argument("--venv", help="the venv to measure (default: <project>/.venv)")
    parser.add_argument("--check", action="store_true", help="exit 1 if the budget is exceeded")
    args = parser.parse_args()
    if args.runs < 1 or args.warmup < 0 or not 0 < args.dirs <= args.files:
        parser.error("--runs must be >= 1, --warmup >= 0, 0 < --dirs <= --files")
    if not 0 < args.commit <= args.modify <= args.files or args.untracked < 0:
        parser.error("need 0 < --commit <= --modify <= --files and --untracked >= 0")

    python, strack = venv_tools(args.venv)
    env, removed = bench_env()
    git_env = dict(env, GIT_OPTIONAL_LOCKS="0", LC_ALL="C")  # what session_tracker.git.repo gives git
    package = run([str(python), "-c", "import os, session_tracker; print(os.path.dirname(session_tracker.__file__))"],
                  ".", env).decode().strip()
    run([str(python), "-m", "compileall", "-q", package], ".", env)  # as installed: with .pyc files

    print("bench_end: `strack end` on a large repository")
    print(f"  {machine_line()}")
    print(f"  interpreter: {python}  (package bytecode compiled first, as when installed)")
    if removed:
        print(f"  environment: removed {', '.join(removed)} for the timed processes")
    print("  git:         " + run(["git", "--version"], ".", env).decode().strip())

    samples: dict[str, list[int]] = {"strack end": [], "git status --porcelain=v2": [], "git diff --numstat": [],
                                     "baseline (status + diff)": []}
    captured: list[tuple[int, int]] = []
    with tempfile.TemporaryDirectory(prefix="strack-bench-end-") as tmp:
        repo = Path(tmp) / "project"
        start = time.perf_counter_ns()
        paths = build_repo(repo, args.files, args.dirs, env)
        print(f"  repository:  {args.files:,} files in {args.dirs} directories, one commit "
              f"(built in {(time.perf_counter_ns() - start) / 1e9:.1f} s)")
        print(f"  each run:    strack init; modify {args.modify}, add {args.untracked} untracked, "
              f"commit {args.commit} of the modified (untimed); then time `strack end` and the baseline")
        print(f"  runs:        {args.warmup} warm-up + {args.runs} timed; load before: {load_now()}", flush=True)
        stride = max(1, args.files // args.modify)
        for k in range(args.warmup + args.runs):
            if k:  # start clean: the previous run's changes, events and documents get committed
                run(["git", "add", "-A"], repo, env)
                run(["git", *GIT_IDENTITY, "commit", "-q", "-m", f"bench: state after run {k - 1}"], repo, env)
            run([str(strack), "init"], repo, env)
            chosen = [paths[(j * stride + k * 7) % len(paths)] for j in range(args.modify)]
            for path in chosen:
                with path.open("a", encoding="utf-8") as handle:
                    handle.write(f"\n\ndef changed_in_run_{k}():\n    return {k}\n")
            for j in range(args.untracked):
                new = repo / "src" / f"pkg{(k * 13 + j * 17) % args.dirs:03d}" / f"new_{k}_{j}.py"
                new.write_text(f"# added in run {k}\nNEW = {j}\n", encoding="utf-8")
            run(["git", "add", "--", *(str(p.relative_to(repo)) for p in chosen[:args.commit])], repo, env)
            run(["git", *GIT_IDENTITY, "commit", "-q", "--no-verify", "-m", f"bench: run {k}"], repo, env)

            def time_end() -> int:
                return timed([str(strack), "end"], repo, env)

            def time_baseline() -> tuple[int, int]:
                return timed(BASELINE[0], repo, git_env), timed(BASELINE[1], repo, git_env)

            if k % 2 == 0:
                end_ns = time_end()
                status_ns, diff_ns = time_baseline()
            else:
                status_ns, diff_ns = time_baseline()
                end_ns = time_end()
            event = last_event(repo)
            data = event.get("data")
            git = data.get("git") if isinstance(data, dict) else None
            if event.get("type") != "session.ended" or not isinstance(git, dict):
                raise BenchError(f"run {k}: `strack end` did not record a git capture (last event: {event})")
            captured.append((len(git.get("files") or ()), len(git.get("commits") or ())))
            if k >= args.warmup:
                samples["strack end"].append(end_ns)
                samples["git status --porcelain=v2"].append(status_ns)
                samples["git diff --numstat"].append(diff_ns)
                samples["baseline (status + diff)"].append(status_ns + diff_ns)
        print(f"  load after:  {load_now()}")

    expected_files = args.modify + args.untracked
    files_seen = sorted({f for f, _ in captured})
    commits_seen = sorted({c for _, c in captured})
    print(f"  captured:    {'/'.join(map(str, files_seen))} files and {'/'.join(map(str, commits_seen))} commit(s) "
          f"per session (expected {expected_files} and 1)")
    if files_seen != [expected_files] or commits_seen != [1]:
        print("  WARNING: the capture differs from what the run changed; the timing may not be comparable")

    stats = {name: summary(s) for name, s in samples.items()}
    print()
    print(table(list(stats.items())))
    print("  per run (ms), end / baseline: " + ", ".join(
        f"{e / 1e6:.0f}/{b / 1e6:.0f}" for e, b in zip(samples["strack end"], samples["baseline (status + diff)"])))
    end_med, base_med = stats["strack end"]["median"], stats["baseline (status + diff)"]["median"]
    ratio = end_med / base_med
    ratios = [e / b for e, b in zip(samples["strack end"], samples["baseline (status + diff)"])]
    print()
    print(f"  strack end / baseline: {ratio:.2f}x of medians (median of per-run ratios {statistics.median(ratios):.2f}x); "
          f"end costs {end_med - base_med:+.1f} ms over git")
    ok = ratio <= BUDGET_RATIO
    print(f"  budget: <= {BUDGET_RATIO}x baseline: {ratio:.2f}x -> {'ok' if ok else 'EXCEEDED'}")
    print(f"  verdict: {'WITHIN BUDGET' if ok else 'OVER BUDGET'}")
    if args.check and not ok:
        print(f"bench_end: budget exceeded: strack end median {end_med:.1f} ms is {ratio:.2f}x the git baseline "
              f"{base_med:.1f} ms (budget {BUDGET_RATIO}x)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    main_exit(main, "bench_end")
