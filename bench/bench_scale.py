"""Benchmark: every command on stores of many sessions (issue 16), cold and warm.

Budgets (whole-process medians; ratios to ``python -c pass`` measured in the same run):

* per-session commands (log, decision, blocker, next, handoff --item, summary, show, handoff,
  init, end, the agent hooks) at the largest size within 1.5x their cost on a 10-session store;
* ``log`` and the PostToolUse hook <= 2.5x the floor, also with --open-events in the open session;
* the SessionStart hook <= 200 ms warm, <= 1 s cold;
* ``status``, ``list --limit 50``, ``show``, ``handoff`` <= 300 ms warm; ``search`` <= 150 ms warm;
* peak RSS <= 100 MB for every command but ``doctor`` and a full ``render`` (<= 300 MB);
* a cold full ``render`` of 10,000 sessions <= 60 s; the index built from nothing over
  1,000,000 events <= 20 s (timed in-process: ``index.fresh``).

On stores over 200 session files the project documents are rendered by a background process
(documents/background.py); each sample waits for it to finish first, so it is neither charged to the
command nor competing with the next one.

What it does, per size: a throwaway git repository whose store ``bench/_store.py`` writes in
the documented event format (about --events events per session, the last session open and
mapped to a Claude Code session; the others' event files committed before it started, as a
team's are), one untimed ``render``; then each command --runs times warm
(after one untimed run) and --cold-runs times cold (the derived state of ``.sessions/local/``
removed first: the index, the render manifest — a fresh clone; the cold full render also removes
every document, which a fresh clone lacks too), each round also timing
``python -c pass``. No sample starts while a background render or index build runs (a cold
SessionStart starts one), and a command's warm samples start with the index built. ``check``'s
warm samples also follow an untimed ``render`` (the git hooks keep the documents rendered, and
check asks the render manifest which ones it vouches for; the cold samples of the commands
before it removed it); its cold samples have none, as a fresh clone before any render. Peak RSS is the child's ``ru_maxrss`` (``os.wait4``), the most of any sample (a cold one builds the index), and of the warm samples alone. A 10-session store
is always measured first, as the per-session baseline.

Prints figures and the budget each meets; asserts nothing. With --check it exits 1 when a
budget is missed.

    .venv/bin/python bench/bench_scale.py [--sessions 1000] [--events 100] [--open-events 0]
        [--runs 5] [--cold-runs 3] [--check] [--only log,status,…]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _benchlib import GIT_IDENTITY, ROOT, BenchError, bench_env, machine_line, main_exit, run, venv_tools

AGENT = "5b3c1e0a-bench"
PER_SESSION = ("log", "hook PostToolUse", "hook SessionStart resume", "hook SessionStart startup", "decision", "blocker",
               "next", "handoff --item", "summary", "show", "handoff", "init", "end")
HEAVY = ("doctor", "render cold (full)", "render", "render after one log")


def _payload(repo: Path, event: str, **fields: object) -> bytes:
    """A Claude Code hook input (code.claude.com/docs/en/hooks: common fields + the event's)."""
    return json.dumps({"session_id": AGENT, "transcript_path": str(repo / "t.jsonl"), "cwd": str(repo),
                       "permission_mode": "default", "hook_event_name": event, **fields}).encode()


def measure(cmd: list[str], cwd: Path, env: dict[str, str], stdin: bytes | None = None) -> tuple[float, float]:
    """``(wall ms, peak RSS MB)`` of one process; BenchError when it fails."""
    start = time.perf_counter_ns()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stdin is not None and proc.stderr is not None
    if stdin:
        proc.stdin.write(stdin)
    proc.stdin.close()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = (time.perf_counter_ns() - start) / 1e6
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise BenchError(f"`{' '.join(cmd)}` failed (exit {proc.returncode}):\n{err.decode('utf-8', 'replace')}")
    return elapsed, usage.ru_maxrss / 1024


def _builders(repo: Path) -> list[int]:
    """Pids of background index builds of ``repo`` (``index.build_in_background``: a cold
    SessionStart starts one), from ``/proc`` (Linux; elsewhere none are seen)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            argv = entry.read_bytes().split(b"\0")
        except OSError:
            continue
        if any(b"index.fresh" in a for a in argv) and str(repo).encode() in argv:
            found.append(int(entry.parent.name))
    return found


def _wait_builders(repo: Path, timeout_s: float = 900.0) -> None:
    """Wait until no background index build of ``repo`` runs: one a cold sample started must
    neither compete with the next sample nor leave it an index half built."""
    deadline = time.monotonic() + timeout_s
    while _builders(repo) and time.monotonic() < deadline:
        time.sleep(0.2)


def _index_ready(store: Store) -> None:
    """Untimed: the index built and up to date (warm samples are timed with it), after any
    background render or build (which may hold the index's write lock past its busy timeout)."""
    _settle(store.repo)
    code = ("import sys, time, sqlite3\nfrom session_tracker import index\nfrom session_tracker.core.paths import Layout\n"
            "for attempt in range(30):\n"
            "    try:\n"
            "        index.fresh(Layout(sys.argv[1])).close()\n"
            "        break\n"
            "    except sqlite3.OperationalError:\n"
            "        time.sleep(1)\n")
    run([str(store.python), "-c", code, str(store.repo)], store.repo, store.env)


def _cold(repo: Path, documents: bool = False) -> None:
    """Remove what a fresh clone lacks: the index and the render manifest, and with
    ``documents`` every document the last render wrote (the views are never committed)."""
    local = repo / ".sessions" / "local"
    if documents:
        try:
            outputs = json.loads((local / "render-manifest.json").read_text(encoding="utf-8")).get("outputs") or {}
        except (OSError, ValueError):
            outputs = {}
        for path in outputs:
            Path(path).unlink(missing_ok=True)
    for name in ("index.sqlite", "index.sqlite-wal", "index.sqlite-shm", "render-manifest.json"):
        (local / name).unlink(missing_ok=True)


class Store:
    """One synthetic store in a git repository, and the commands to time on it."""

    def __init__(self, base: Path, sessions: int, events: int, open_events: int, python: Path, strack: Path,
                 env: dict[str, str]) -> None:
        self.repo = base / f"store-{sessions}"
        self.python, self.strack, self.env, self.sessions = python, strack, env, sessions
        self.repo.mkdir()
        run(["git", "init", "-q"], self.repo, env)
        # no automatic `git gc`: committing 10,000 new files starts one in the background,
        # which packs objects while the index build and the first samples are timed
        run(["git", "config", "gc.auto", "0"], self.repo, env)
        (self.repo / "README.md").write_text("# bench\n", encoding="utf-8")
        run(["git", "add", "-A"], self.repo, env)
        run(["git", *GIT_IDENTITY, "commit", "-q", "-m", "initial"], self.repo, env)
        out = run([str(python), str(ROOT / "bench" / "_store.py"), "--sessions", str(sessions), "--events", str(events),
                   "--open-events", str(open_events), "--agent-session", AGENT], self.repo, env)
        self.total_events = int(out.decode().strip())
        self.open = f"{sessions:05d}"
        self.counter = 0

    def build_index_s(self) -> float:
        """Seconds to build the index from nothing, in one process (the 1,000,000-event budget).
        The store's own files are flushed to disk first (``os.sync``): writing them back is the
        store's set-up, not the build (it slowed the build by 40% here)."""
        _cold(self.repo)
        os.sync()
        code = ("import sys, time\nfrom session_tracker import index\nfrom session_tracker.core.paths import Layout\n"
                "t = time.perf_counter(); index.fresh(Layout(sys.argv[1])).close(); print(time.perf_counter() - t)")
        return float(run([str(self.python), "-c", code, str(self.repo)], self.repo, self.env).decode().strip())

    def commands(self) -> dict[str, tuple[list[str], bytes | None, list[str] | None]]:
        """``{label: (argv, stdin, argv run untimed after each sample or None)}``."""
        s, o = str(self.strack), self.open
        edit = _payload(self.repo, "PostToolUse", tool_name="Edit", tool_use_id="toolu_1",
                        tool_input={"file_path": str(self.repo / "src" / "app.py"), "old_string": "a", "new_string": "b"},
                        tool_response={"filePath": str(self.repo / "src" / "app.py"), "success": True})
        return {
            "python -c pass": ([str(self.python), "-c", "pass"], None, None),
            "log": ([s, "log", "Wired the retry loop", "--session", o], None, None),
            "hook PostToolUse": ([s, "hook", "claude-code"], edit, None),
            "hook SessionStart resume": ([s, "hook", "claude-code"], _payload(self.repo, "SessionStart", source="resume"), None),
            "decision": ([s, "decision", "Retry with backoff", "--rationale", "the API rate-limits", "--session", o], None, None),
            "blocker": ([s, "blocker", "--message", "Staging is down", "--session", o], None, None),
            "next": ([s, "next", "Write the migration guide"], None, None),
            "handoff --item": ([s, "handoff", "--item", "Check the retry numbers", "--session", o], None, None),
            "summary": ([s, "summary", "--session", o], None, None),
            "show": ([s, "show", "00050" if self.sessions >= 50 else "00001"], None, None),
            "handoff": ([s, "handoff"], None, None),
            "status": ([s, "status"], None, None),
            "list --limit 50": ([s, "list", "--limit", "50"], None, None),
            "list": ([s, "list"], None, None),
            "search": ([s, "search", "zephyr7", "OR", "quokka*"], None, None),
            "metrics history": ([s, "metrics", "history"], None, None),
            "check": ([s, "check"], None, None),
            "init": ([s, "init", "--session", f"BENCH-INIT-{self.counter}"], None, [s, "end", "--session", f"BENCH-INIT-{self.counter}"]),
            "end": ([s, "end", "--session", f"BENCH-END-{self.counter}"], None, None),
            "hook SessionStart startup": ([s, "hook", "claude-code"], _payload(self.repo, "SessionStart", source="startup"), None),
            "render": ([s, "render"], None, None),
            "render after one log": ([s, "render"], None, None),
            "render cold (full)": ([s, "render"], None, None),
            "doctor": ([s, "doctor"], None, None),
        }

    def before(self, label: str) -> None:
        """Untimed set-up a sample needs (a session to end, a fresh name, a log to render)."""
        s = str(self.strack)
        self.counter += 1  # a fresh session name for init / end (numbers are never reused)
        if label == "end":
            run([s, "init", "--session", f"BENCH-END-{self.counter}"], self.repo, self.env)
        elif label == "render after one log":
            run([s, "log", "one more entry", "--session", self.open], self.repo, self.env)
        elif label == "render cold (full)":
            _cold(self.repo, documents=True)  # a fresh clone: no index, no manifest, no documents

    def after(self, label: str) -> None:
        """Untimed clean-up: a session SessionStart startup opened is ended again."""
        if label == "hook SessionStart startup":
            run([str(self.strack), "hook", "claude-code"], self.repo, self.env,
                stdin=_payload(self.repo, "SessionEnd", reason="other"))
            # the next sample resumes the store's own open session again
            run([str(self.python), str(ROOT / "bench" / "_store.py"), "--remap", self.open, "--agent-session", AGENT],
                self.repo, self.env)


def _settle(repo: Path, timeout_s: float = 300.0) -> None:
    """Wait for a background render of the project documents (documents/background.py) to
    finish, so it neither competes with the next sample nor is charged to it."""
    _wait_builders(repo)
    marker = repo / ".sessions" / "local" / "project-render.pending"
    deadline = time.monotonic() + timeout_s
    while marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    lock = repo / ".sessions" / "local" / "project-render.lock"
    if lock.exists():  # held by the background process for as long as it runs
        import fcntl

        with open(lock, "rb") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            fcntl.flock(handle, fcntl.LOCK_UN)


def _sample(store: Store, label: str, cold: bool, floor: list[float]) -> tuple[float, float]:
    _settle(store.repo)
    floor.append(measure([str(store.python), "-c", "pass"], store.repo, store.env)[0])
    store.before(label)
    _settle(store.repo)  # the set-up's own background render (init's) is not the sample's
    argv, stdin, then = store.commands()[label]
    if cold:
        _cold(store.repo)
    ms, rss = measure(argv, store.repo, store.env, stdin)
    if then:
        run(then, store.repo, store.env)
    store.after(label)
    return ms, rss


def bench_store(store: Store, runs: int, cold_runs: int, only: set[str] | None) -> dict[str, dict[str, float]]:
    """``{label: {warm, cold, rss, floor}}`` in ms / MB."""
    results: dict[str, dict[str, float]] = {}
    run([str(store.strack), "render"], store.repo, store.env)
    for label in store.commands():
        if label == "python -c pass" or (only and label not in only):
            continue
        floor: list[float] = []
        row: dict[str, float] = {}
        rss = 0.0
        if label != "render cold (full)":
            _index_ready(store)  # the previous command's cold samples left none
            if label == "check":  # ... nor a render manifest (module doc)
                run([str(store.strack), "render"], store.repo, store.env)
                _settle(store.repo)
            _sample(store, label, False, floor)  # untimed: the index and caches are warm
            warm = [_sample(store, label, False, floor) for _ in range(runs)]
            row["warm"] = statistics.median(m for m, _ in warm)
            rss = max(r for _, r in warm)
            row["rss_warm"] = rss
        if label not in ("render", "render after one log"):
            cold = [_sample(store, label, True, floor) for _ in range(cold_runs if label != "render cold (full)" else 1)]
            row["cold"] = statistics.median(m for m, _ in cold)
            rss = max([rss] + [r for _, r in cold])
        row["rss"] = rss
        row["floor"] = statistics.median(floor)
        results[label] = row
        print(f"  {label:<28} " + "  ".join(f"{k} {v:8.1f}" for k, v in row.items()), file=sys.stderr, flush=True)
    return results


def budgets(label: str, row: dict[str, float], base: dict[str, float] | None, sessions: int) -> list[tuple[str, bool]]:
    """The budgets that apply to ``label`` and whether each is met."""
    out: list[tuple[str, bool]] = []
    warm, cold, floor = row.get("warm"), row.get("cold"), row["floor"]
    if label in ("log", "hook PostToolUse") and warm is not None:
        out.append(("<= 2.5x floor", warm <= 2.5 * floor))
    if label.startswith("hook SessionStart"):
        if warm is not None:
            out.append(("<= 200 ms warm", warm <= 200))
        if cold is not None:
            out.append(("<= 1 s cold", cold <= 1000))
    if label in ("status", "list --limit 50", "show", "handoff") and warm is not None:
        out.append(("<= 300 ms warm", warm <= 300))
    if label == "search" and warm is not None:
        out.append(("<= 150 ms warm", warm <= 150))
    if label in PER_SESSION and base and warm is not None and base.get("warm"):
        # ratios to the floor of each run, so a busier machine during one size does not count
        ratio = (warm / floor) / (base["warm"] / base["floor"])
        out.append((f"{ratio:.2f}x of 10 sessions (<= 1.5x)", ratio <= 1.5))
    if label == "render cold (full)" and sessions >= 10_000 and cold is not None:
        out.append(("<= 60 s", cold <= 60_000))
    limit = 300 if label in HEAVY else 100
    out.append((f"RSS <= {limit} MB", row["rss"] <= limit))
    return out


def report(sessions: int, store: Store, results: dict[str, dict[str, float]], base: dict[str, dict[str, float]] | None,
           build_s: float) -> bool:
    ok = True
    per_million = build_s * 1_000_000 / max(store.total_events, 1)
    big = store.total_events >= 900_000  # the 10,000-session store: 999,071 events
    print(f"\n{sessions:,} sessions, {store.total_events:,} events · index build from nothing {build_s:.2f} s"
          + (f" = {per_million:.2f} s per 1M events ({'meets' if per_million <= 20 else 'MISSES'} <= 20 s)" if big else ""))
    if big:
        ok = ok and per_million <= 20
    print(f"  {'command':<28} {'warm ms':>9} {'x floor':>8} {'cold ms':>9} {'x floor':>8} {'RSS MB':>7} {'warm':>6}  budgets")
    for label, row in results.items():
        checks = budgets(label, row, base.get(label) if base else None, sessions)
        ok = ok and all(met for _, met in checks)
        cells = []
        for key in ("warm", "cold"):
            value = row.get(key)
            cells += [f"{value:9.1f}", f"{value / row['floor']:7.1f}x"] if value is not None else [f"{'—':>9}", f"{'—':>8}"]
        verdict = "; ".join(f"{'ok' if met else 'MISSED'} {text}" for text, met in checks)
        warm_rss = f"{row['rss_warm']:6.1f}" if "rss_warm" in row else f"{'—':>6}"
        print(f"  {label:<28} {' '.join(cells)} {row['rss']:7.1f} {warm_rss}  {verdict}")
    print(f"  floor (python -c pass) median over the run: {statistics.median(r['floor'] for r in results.values()):.1f} ms")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", default="1000", help="comma-separated store sizes (a 10-session store is added)")
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--open-events", type=int, default=0, help="extra events in the open session (30000: the log budget)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated command labels")
    parser.add_argument("--venv")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    python, strack = venv_tools(args.venv)
    env, _ = bench_env()
    sizes = sorted({10, *(int(s) for s in args.sessions.split(","))})
    only = {s.strip() for s in args.only.split(",") if s.strip()} or None
    print(machine_line())
    ok = True
    base: dict[str, dict[str, float]] | None = None
    with tempfile.TemporaryDirectory(prefix="strack-scale-") as tmp:
        for size in sizes:
            print(f"[{size} sessions] building the store …", file=sys.stderr, flush=True)
            store = Store(Path(tmp), size, args.events, args.open_events if size != 10 else 0, python, strack, env)
            build = store.build_index_s()
            results = bench_store(store, args.runs, 1 if size >= 10_000 else args.cold_runs, only)
            ok = report(size, store, results, base, build) and ok
            if size == 10:
                base = results
            shutil.rmtree(store.repo, ignore_errors=True)
    print("\nall budgets met" if ok else "\nsome budgets MISSED (see above)")
    return 1 if (args.check and not ok) else 0


if __name__ == "__main__":
    main_exit(main, "bench_scale")
