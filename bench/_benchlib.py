"""Helpers shared by the speed benchmarks. Standard library only.

The benchmarks time cold processes (``subprocess.run`` from start to exit, measured with
``time.perf_counter_ns``) and compare them with a baseline measured in the same run, so that
a slow or busy machine moves both sides alike and the ratio stays meaningful.
"""

from __future__ import annotations

import datetime
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parent.parent

# Variables that would change what is measured: debugging switches of the interpreter, the
# bytecode switch (see bench_log.py), and session-tracker's own overrides (which session, which
# root, which actor) that a developer's shell may have set.
_DROPPED_ENV = (
    "PYTHONDONTWRITEBYTECODE", "PYTHONPROFILEIMPORTTIME", "PYTHONDEVMODE", "PYTHONTRACEMALLOC",
    "PYTHONVERBOSE", "PYTHONMALLOC", "PYTHONASYNCIODEBUG", "PYTHONWARNINGS", "PYTHONINSPECT",
    "PYTHONSTARTUP", "SESSION_TRACKER_ROOT", "CURRENT_SESSION", "SESSION_TRACKER_ACTOR",
)
GIT_IDENTITY = ["-c", "user.name=bench", "-c", "user.email=bench@example.invalid",
                "-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null"]


class BenchError(Exception):
    """A benchmark could not run (missing venv, a command failed)."""


def bench_env() -> tuple[dict[str, str], list[str]]:
    """The environment every timed process gets, and the names that were removed from ours.

    ``GIT_*`` variables are dropped too (a hook's ``GIT_DIR`` would redirect our git commands).
    """
    env = dict(os.environ)
    removed = [k for k in env if k.startswith("GIT_") or k in _DROPPED_ENV]
    for key in removed:
        del env[key]
    return env, sorted(removed)


def venv_tools(venv: str | None) -> tuple[Path, Path]:
    """(python, strack) of the venv: ``--venv``, else ``<project>/.venv``, else the running one."""
    candidates = [Path(venv)] if venv else [ROOT / ".venv", Path(sys.prefix)]
    for base in candidates:
        python, strack = base / "bin" / "python", base / "bin" / "strack"
        if python.exists() and strack.exists():
            return python, strack
    where = ", ".join(str(c) for c in candidates)
    raise BenchError(f"no venv with bin/python and bin/strack found (looked in {where}); run `make demo` first")


def run(cmd: list[str], cwd: str | Path, env: dict[str, str], stdin: bytes | None = None) -> bytes:
    """Run an untimed setup command; return stdout, raise BenchError on failure."""
    proc = subprocess.run(cmd, cwd=cwd, env=env, input=stdin, capture_output=True, check=False)
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip()
        raise BenchError(f"`{' '.join(map(str, cmd))}` failed (exit {proc.returncode}) in {cwd}:\n{err}")
    return proc.stdout


def timed(cmd: list[str], cwd: str | Path, env: dict[str, str]) -> int:
    """Wall time in ns of one cold process, stdout to DEVNULL; BenchError if it fails."""
    start = time.perf_counter_ns()
    proc = subprocess.run(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter_ns() - start
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip()
        raise BenchError(f"`{' '.join(map(str, cmd))}` failed (exit {proc.returncode}):\n{err}")
    return elapsed


def ms(ns: float) -> float:
    return ns / 1e6


def p90(samples: list[int]) -> int:
    """90th percentile, nearest-rank (an observed value, not an interpolation)."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def summary(samples: list[int]) -> dict[str, float]:
    """median / p90 / min in milliseconds."""
    return {"median": ms(statistics.median(samples)), "p90": ms(p90(samples)), "min": ms(min(samples))}


def machine_line() -> str:
    """When and where: date, interpreter, OS, CPU count, load average."""
    load = os.getloadavg() if hasattr(os, "getloadavg") else (math.nan,) * 3
    return (f"{datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} · Python {platform.python_version()} · "
            f"{platform.system()} {platform.release()} · {os.cpu_count()} CPUs · "
            f"load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


def load_now() -> str:
    if not hasattr(os, "getloadavg"):
        return "n/a"
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def table(rows: list[tuple[str, dict[str, float]]]) -> str:
    """Rows of ``summary()`` results as an aligned text table."""
    width = max(len(label) for label, _ in rows)
    lines = [f"  {'':<{width}}  {'median':>8}  {'p90':>8}  {'min':>8}"]
    for label, s in rows:
        lines.append(f"  {label:<{width}}  {s['median']:>6.1f}ms  {s['p90']:>6.1f}ms  {s['min']:>6.1f}ms")
    return "\n".join(lines)


def main_exit(main: Callable[[], int], name: str) -> NoReturn:
    """Run a benchmark's ``main`` and exit: its code, 2 on a setup failure, 130 on Ctrl-C."""
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"{name}: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)


def stored_events(repo: Path, prefix: str = "") -> list[dict[str, object]]:
    """Every event of the session files whose name starts with ``prefix``, each once: the
    committed files under ``.sessions/events/`` and the journals of the sessions open here
    (``.sessions/local/journal/``, where an open session's events live until published)."""
    import json

    seen: set[object] = set()
    found: list[dict[str, object]] = []
    for folder in (repo / ".sessions" / "events", repo / ".sessions" / "local" / "journal"):
        for path in sorted(folder.glob(f"{prefix}*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    event = json.loads(line)
                    if event.get("id") not in seen:
                        seen.add(event.get("id"))
                        found.append(event)
    return found

