"""Benchmark: ``strack status`` and ``strack render`` over 2,000 sessions and 200,000 events
(DESIGN.md, "Speed budget"; issue 3).

Budget: median <= 1 s each, cold process.

What it does: a throwaway git repository in a temp dir whose store is generated directly
(faster than 200,000 commands): --sessions ended sessions of --events events each (start,
notes, a decision, a blocker opened and resolved, files, end) and a plan (3 phases covering
every session, 60 tasks, components, milestones, questions), then ``strack render`` once
untimed (writes every document). Then --runs rounds of ``strack status`` / ``strack render``
(nothing changed: every document compared and left alone) / ``python -c pass``, interleaved.

Prints figures; asserts nothing. With --check it exits 1 if a budget is exceeded.

    .venv/bin/python bench/bench_status.py [--sessions 2000] [--events 100] [--runs 5] [--check]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from _benchlib import (  # the helper module next to this script (its directory is sys.path[0])
    GIT_IDENTITY,
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

BUDGET_MS = 1000.0

# Runs inside the venv's python, in the temp repository: writes the store directly.
_GENERATE = r"""
import os, sys
from session_tracker.core.events import Event, encode
sessions, per = int(sys.argv[1]), int(sys.argv[2])
os.makedirs(".sessions/events", exist_ok=True)
n = 0
def ev(name, sid, type, data, minute):
    global n
    n += 1
    day, rest = divmod(minute, 1440)
    ts = f"2026-{1 + day // 28 % 12:02d}-{1 + day % 28:02d}T{rest // 60:02d}:{rest % 60:02d}:00.000+00:00"
    return encode(Event(id=f"01J{n:023d}", ts=ts, session=name, sid=sid, type=type, actor="human", data=data))
total = 0
for s in range(1, sessions + 1):
    name, sid = f"{s:05d}", f"01S{s:023d}"
    base = s * 90
    lines = [ev(name, sid, "session.started", {"number": name, "objectives": [f"Objective {s}"], "tz": "+00:00",
                 "git": {"branch": "main", "head": None, "dirty": []}}, base)]
    for i in range(per - 6):
        lines.append(ev(name, sid, "note", {"message": f"entry {i} of session {s}: refactor | tests `x`", "category": "implementation"}, base + 1))
    lines.append(ev(name, sid, "decision", {"message": f"Decision {s}", "rationale": "because", "alternatives": []}, base + 2))
    lines.append(ev(name, sid, "blocker.opened", {"blocker": f"{name}-1", "message": f"Blocker {s}", "impact": "Low", "plan": "wait"}, base + 3))
    lines.append(ev(name, sid, "blocker.resolved", {"blocker": f"{name}-1", "message": "done"}, base + 4))
    lines.append(ev(name, sid, "metrics.recorded", {"tests_passed": s, "tests_failed": 0, "tests_total": s, "coverage_percent": 80.0,
                 "lint_errors": 0, "type_errors": 0}, base + 5))
    lines.append(ev(name, sid, "session.ended", {"status": "COMPLETE", "next": [f"Continue {s}"], "git": {"branch": "main", "head": None,
                 "commits": [], "files": [{"path": f"src/m{s % 50}.py", "status": "modified", "old_path": None, "added": 3,
                 "removed": 1, "binary": False}]}}, base + 60))
    total += len(lines)
    with open(f".sessions/events/{name}.jsonl", "wb") as handle:
        handle.write(b"".join(lines))
plan = []
third = sessions // 3
for i, (first, last) in enumerate(((1, third), (third + 1, 2 * third), (2 * third + 1, sessions))):
    plan.append(ev("project", "project", "phase.added", {"name": f"Phase {i}", "first": first, "last": last}, 0))
for c in range(8):
    plan.append(ev("project", "project", "component.added", {"name": f"Component {c}", "status": "in-progress", "progress": 10 * c,
                "notes": "", "owner": f"Member {c}"}, 0))
    plan.append(ev("project", "project", "milestone.added", {"name": f"Milestone {c}", "target": "2026-06-10", "status": "complete", "notes": ""}, 0))
for t in range(1, 61):
    plan.append(ev("project", "project", "task.added", {"task": f"task-{t}", "title": f"Task {t}", "phase": f"Phase {t % 3}",
                "component": "", "estimate": 30, "assignee": "", "files": [f"src/t{t}.py"], "tests": [], "depends_on": []}, 0))
    if t % 2:
        plan.append(ev(f"{t:05d}", f"01S{t:023d}", "task.updated", {"task": f"task-{t}", "status": "done", "actual": 20}, t * 90 + 10))
for q in range(1, 11):
    plan.append(ev("project", "project", "question.opened", {"question": f"q-{q}", "message": f"Question {q}?"}, q))
with open(".sessions/project.jsonl", "wb") as handle:
    handle.write(b"".join(plan))
print(total + len(plan))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=2000, help="sessions in the store (default 2000)")
    parser.add_argument("--events", type=int, default=100, help="events per session (default 100, at least 7)")
    parser.add_argument("--runs", type=int, default=5, help="timed rounds (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed rounds first (default 1)")
    parser.add_argument("--venv", help="the venv to measure (default: <project>/.venv)")
    parser.add_argument("--check", action="store_true", help="exit 1 if a budget is exceeded")
    args = parser.parse_args()
    if args.runs < 1 or args.sessions < 3 or args.events < 7 or args.warmup < 0:
        parser.error("--runs >= 1, --sessions >= 3, --events >= 7, --warmup >= 0")

    python, strack = venv_tools(args.venv)
    env, removed = bench_env()
    package = run([str(python), "-c", "import os, session_tracker; print(os.path.dirname(session_tracker.__file__))"], ".", env).decode().strip()
    run([str(python), "-m", "compileall", "-q", package], ".", env)

    print("bench_status: `strack status` and `strack render` over a large store, cold processes")
    print(f"  {machine_line()}")
    print(f"  interpreter: {python}")
    if removed:
        print(f"  environment: removed {', '.join(removed)} for the timed processes")

    with tempfile.TemporaryDirectory(prefix="strack-bench-status-") as tmp:
        repo = Path(tmp) / "project"
        repo.mkdir()
        run(["git", "init", "-q"], repo, env)
        (repo / "README.md").write_text("# bench project\n", encoding="utf-8")
        run(["git", "add", "-A"], repo, env)
        run(["git", *GIT_IDENTITY, "commit", "-q", "-m", "initial"], repo, env)
        events = int(run([str(python), "-c", _GENERATE, str(args.sessions), str(args.events)], repo, env).decode().strip())
        size = sum(p.stat().st_size for p in (repo / ".sessions").rglob("*.jsonl"))
        print(f"  store:       {args.sessions} sessions, {events:,} events, {size / 1e6:.1f} MB of JSONL")
        first = timed([str(strack), "render"], repo, env)
        documents = sum(1 for _ in (repo / "archive").rglob("*")) + 3
        print(f"  first render (untimed in the table): {first / 1e6:.0f} ms, {documents} documents written")
        run([str(strack), "init"], repo, env)  # an open session that gets a new entry each round
        commands = {
            "python -c pass": [str(python), "-c", "pass"],
            "strack status": [str(strack), "status"],
            "strack status --json": [str(strack), "status", "--json"],
            "strack render": [str(strack), "render"],
            "strack render, after a log": [str(strack), "render"],
        }
        # Untimed, just before the timed command: one new event, so render has real work.
        before = {"strack render, after a log": [str(strack), "log", "one more entry | with `code`"]}
        samples: dict[str, list[int]] = {name: [] for name in commands}
        print(f"  rounds:      {args.warmup} warm-up + {args.runs} timed, interleaved; load before: {load_now()}", flush=True)
        for i in range(args.warmup + args.runs):
            for name, cmd in commands.items():
                if name in before:
                    run(before[name], repo, env)
                elapsed = timed(cmd, repo, env)
                if i >= args.warmup:
                    samples[name].append(elapsed)
        print(f"  load after:  {load_now()}")

    stats = {name: summary(s) for name, s in samples.items()}
    print()
    print(table(list(stats.items())))
    verdict = True
    print()
    for name in ("strack status", "strack render", "strack render, after a log"):
        med = stats[name]["median"]
        ok = med <= BUDGET_MS
        verdict = verdict and ok
        print(f"  budget: {name} median <= {BUDGET_MS:.0f} ms: {med:.0f} ms -> {'ok' if ok else 'EXCEEDED'}")
    print(f"  verdict: {'WITHIN BUDGET' if verdict else 'OVER BUDGET'}")
    if args.check and not verdict:
        print("bench_status: budget exceeded", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    main_exit(main, "bench_status")
