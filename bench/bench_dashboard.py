"""Benchmark: the dashboard's server time per page, and the static export, at 10,000 sessions
(issue 17).

Budgets: a dashboard page <= 200 ms server time (warm server); `export --html` <= 60 s.

What it does: a throwaway git repository whose store ``bench/_store.py`` writes in the
documented event format (--sessions sessions of about --events events; the last one open),
then `strack serve --port 0` as a real subprocess on 127.0.0.1. The first request builds the
index (timed, reported, not budgeted). Then --runs rounds over the pages and API bodies, each
answer's server time read from its ``Server-Timing: app;dur=`` header (the time inside the
application, from the request to the first byte), with the stylesheet (a fixed file: the
server's floor) as the baseline measured in the same rounds. Then the same pages once each
after a new `strack log` entry, once ``/api/v1/version`` shows the new stamp (the first request
of a page then computes its data afresh; the wait is what a live page waits for). Last,
`strack export --html` as a cold process, with `python -c pass` as its baseline.

Prints figures and ratios; asserts nothing. With --check it exits 1 if a budget is exceeded.

    .venv/bin/python bench/bench_dashboard.py [--sessions 10000] [--events 100] [--runs 5] [--store DIR] [--check]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import selectors
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from _benchlib import (  # the helper module next to this script (its directory is sys.path[0])
    BenchError,
    bench_env,
    load_now,
    machine_line,
    main_exit,
    run,
    timed,
    venv_tools,
)

PAGE_BUDGET_MS = 200.0
EXPORT_BUDGET_S = 60.0
HERE = Path(__file__).resolve().parent


def pages(sessions: int) -> list[tuple[str, str]]:
    """(label, path) of what is timed; the middle session's page stands for any session."""
    middle = f"{max(1, sessions // 2):05d}"
    return [
        ("sessions list /", "/"),
        (f"session page /sessions/{middle}", f"/sessions/{middle}"),
        ("decision log /decisions", "/decisions"),
        ("blockers & next /work", "/work"),
        ("plan board /plan", "/plan"),
        ("metrics charts /metrics", "/metrics"),
        ("search page /search?q=zephyr42", "/search?q=zephyr42"),
        ("API /api/v1/sessions", "/api/v1/sessions"),
        (f"API /api/v1/sessions/{middle}", f"/api/v1/sessions/{middle}"),
        ("API /api/v1/version (poll)", "/api/v1/version"),
    ]


def request(port: int, path: str) -> tuple[float, float, int]:
    """(server ms from Server-Timing, client wall ms, body bytes) of one GET."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=3600)
    start = time.perf_counter()
    try:
        conn.request("GET", path, headers={"Host": f"127.0.0.1:{port}"})
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    wall = (time.perf_counter() - start) * 1000
    if response.status != 200:
        raise BenchError(f"GET {path} answered {response.status}: {body[:200]!r}")
    timing = response.getheader("server-timing") or ""
    if not timing.startswith("app;dur="):
        raise BenchError(f"GET {path}: no Server-Timing header")
    return float(timing.split("=", 1)[1]), wall, len(body)


def get_body(port: int, path: str) -> bytes:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        conn.request("GET", path, headers={"Host": f"127.0.0.1:{port}"})
        return conn.getresponse().read()
    finally:
        conn.close()


def start_server(strack: Path, repo: Path, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    proc = subprocess.Popen([str(strack), "serve", "--port", "0"], cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    line = b""
    deadline = time.monotonic() + 120
    while b"\n" not in line and time.monotonic() < deadline and selector.select(timeout=5):
        chunk = os.read(proc.stdout.fileno(), 4096)
        if not chunk:
            break
        line += chunk
    text = line.decode(errors="replace")
    if not text.startswith("serving http://127.0.0.1:"):
        proc.kill()
        raise BenchError(f"serve did not start: {text!r}")
    return proc, int(text.split("127.0.0.1:", 1)[1].split("/", 1)[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=10000)
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--venv", help="virtual environment with strack (default: .venv)")
    parser.add_argument("--check", action="store_true", help="exit 1 if a budget is exceeded")
    parser.add_argument("--no-export", action="store_true", help="time the server only")
    parser.add_argument("--store", metavar="DIR", help="build the repository here and keep it (reused when it already holds a store)")
    args = parser.parse_args()
    python, strack = venv_tools(args.venv)
    env, removed = bench_env()
    print(f"bench_dashboard: {args.sessions:,} sessions x ~{args.events} events, {args.runs} rounds")
    print(machine_line())
    if removed:
        print(f"(dropped from the environment: {', '.join(removed)})")
    over = False
    with tempfile.TemporaryDirectory(prefix="strack-bench-dash-") as tmp:
        repo = Path(args.store) if args.store else Path(tmp) / "repo"
        if (repo / ".sessions" / "events").is_dir():
            print(f"store reused: {repo}")
        else:
            repo.mkdir(parents=True, exist_ok=True)
            run(["git", "init", "-q", "-b", "main"], repo, env)
            t0 = time.perf_counter()
            events = run([str(python), str(HERE / "_store.py"), "--sessions", str(args.sessions), "--events", str(args.events)], repo, env)
            print(f"store written: {int(events):,} events in {time.perf_counter() - t0:.1f} s")
        proc, port = start_server(strack, repo, env)
        try:
            server_ms, wall_ms, size = request(port, "/")
            print(f"first request (builds the index unless it exists): server {server_ms / 1000:.2f} s, wall {wall_ms / 1000:.2f} s")
            labels = pages(args.sessions)
            for _, path in labels:  # warm every page once (the project-wide fold is built once per store state)
                request(port, path)
            samples: dict[str, list[float]] = {label: [] for label, _ in labels}
            sizes: dict[str, int] = {}
            floor: list[float] = []
            for _ in range(args.runs):
                floor.append(request(port, "/static/app.css")[0])
                for label, path in labels:
                    server_ms, _, size = request(port, path)
                    samples[label].append(server_ms)
                    sizes[label] = size
            base = statistics.median(floor)
            print(f"\nwarm server, server time (median of {args.runs}; baseline: the stylesheet, {base:.2f} ms); budget {PAGE_BUDGET_MS:.0f} ms")
            width = max(len(label) for label, _ in labels)
            for label, _ in labels:
                med = statistics.median(samples[label])
                flag = "" if med <= PAGE_BUDGET_MS or "api" in label.lower() else "  OVER BUDGET"
                over = over or bool(flag)
                print(f"  {label:<{width}}  {med:8.1f} ms  max {max(samples[label]):8.1f} ms  {med / base:7.0f}x  {sizes[label] / 1024:8.0f} KiB{flag}")
            print("\nthe first request after a new entry (`strack log`, then waiting until /api/v1/version shows the new stamp:"
                  " the page's data is computed afresh), one each:")
            for label, path in labels[:7]:
                before = json.loads(get_body(port, "/api/v1/version"))["stamp"]
                run([str(strack), "log", "bench entry while the dashboard is open"], repo, env)
                start = time.perf_counter()
                while json.loads(get_body(port, "/api/v1/version"))["stamp"] == before and time.perf_counter() - start < 300:
                    time.sleep(0.05)
                seen = time.perf_counter() - start
                server_ms, _, _ = request(port, path)
                print(f"  {label:<{width}}  {server_ms:8.1f} ms   (the new stamp showed after {seen:.2f} s)")
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        print(f"\nload now: {load_now()}")
        if args.no_export:
            return 1 if (over and args.check) else 0
        floor_ns = statistics.median(timed([str(python), "-c", "pass"], repo, env) for _ in range(5))
        target = Path(tmp) / "site"
        elapsed = timed([str(strack), "export", "--html", str(target)], repo, env) / 1e9
        files = sum(len(f) for _, _, f in os.walk(target))
        size_mb = sum(p.stat().st_size for p in target.rglob("*") if p.is_file()) / 2**20
        flag = "" if elapsed <= EXPORT_BUDGET_S else "  OVER BUDGET"
        over = over or bool(flag)
        print(f"export --html (warm index): {elapsed:.1f} s for {files:,} files, {size_mb:.0f} MiB "
              f"({elapsed * 1e9 / floor_ns:.0f}x python -c pass at {floor_ns / 1e6:.1f} ms); budget {EXPORT_BUDGET_S:.0f} s{flag}")
    return 1 if (over and args.check) else 0


if __name__ == "__main__":
    main_exit(main, "bench_dashboard")
