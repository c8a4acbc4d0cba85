"""The two promises of the core issue, tested with real concurrent processes:

* never lose a line: many processes logging into one session at once leave every event,
  whole, and the work log shows all of them;
* session numbers are unique: simultaneous ``init`` without ``--session`` get distinct,
  consecutive numbers, also across git worktrees.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import multiprocessing.context
import multiprocessing.synchronize
import os
import subprocess
import sys
import time
import traceback
from pathlib import Path

from markdown_it import MarkdownIt

from conftest import GIT_ENV, git
from helpers import event_path, events_file
from session_tracker.commands.init import init
from session_tracker.commands.log import log
from session_tracker.core import store
from session_tracker.core.context import Context
from session_tracker.core.paths import Layout

PROCESSES = 8
EACH = 200
SESSION = "00001"


def _log_worker(root: str, index: int, barrier: multiprocessing.synchronize.Barrier, errors: str) -> None:
    """One writer: wait for every peer, then log EACH entries through the core ``log``."""
    try:
        ctx = Context(layout=Layout(root), env={})
        barrier.wait(timeout=60)
        for j in range(EACH):
            log(ctx, f"p{index} m{j}", session=SESSION)
    except BaseException:  # noqa: BLE001 - reported to the parent through a file
        Path(errors, f"p{index}.txt").write_text(traceback.format_exc())
        os._exit(1)
    os._exit(0)


def _mp_context() -> multiprocessing.context.SpawnContext:
    # spawn: a clean interpreter per writer, like separate `strack log` processes, and safe
    # under pytest-xdist, whose workers run threads (forking those is unsafe).
    return multiprocessing.get_context("spawn")


def _table_rows(markdown: str) -> list[list[str]]:
    rows: list[list[str]] = []
    row: list[str] | None = None
    for token in MarkdownIt("commonmark").enable("table").parse(markdown):
        if token.type == "tr_open":
            row = []
        elif token.type == "inline" and row is not None:
            row.append(token.content)
        elif token.type == "tr_close" and row is not None:
            rows.append(row)
            row = None
    return rows


def test_eight_processes_logging_into_one_session_lose_nothing(repo: Path, ctx: Context, tmp_path: Path) -> None:
    init(ctx, session=SESSION)
    errors = tmp_path / "errors"
    errors.mkdir()
    mp = _mp_context()
    barrier = mp.Barrier(PROCESSES)
    workers = [mp.Process(target=_log_worker, args=(str(repo), i, barrier, str(errors))) for i in range(PROCESSES)]
    began = time.monotonic()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
    elapsed = time.monotonic() - began
    failures = {p.name: p.read_text() for p in errors.iterdir()}
    assert failures == {}, failures
    assert [w.exitcode for w in workers] == [0] * PROCESSES

    path = event_path(repo, SESSION)  # the open session's journal (core/journal.py)
    raw = path.read_bytes()
    assert raw.endswith(b"\n")
    lines = raw.split(b"\n")[:-1]
    assert len(lines) == 1 + PROCESSES * EACH  # session.started + every note, nothing torn
    decoded = [json.loads(line) for line in lines]  # every line is whole JSON
    notes = [e for e in decoded if e["type"] == "note"]
    assert len(notes) == PROCESSES * EACH
    assert len({e["id"] for e in decoded}) == len(decoded)

    events, problems = store.read(str(path))
    assert problems == []
    assert len(events) == 1 + PROCESSES * EACH
    messages = {e.text("message") for e in events if e.type == "note"}
    for i in range(PROCESSES):
        mine = {m for m in messages if m.startswith(f"p{i} ")}
        assert mine == {f"p{i} m{j}" for j in range(EACH)}, f"process {i} lost {EACH - len(mine)}"
    # the writers really ran at once: their lines interleave (run one after another: 7 switches)
    owners = [e["data"]["message"].split()[0] for e in notes]
    assert sum(1 for a, b in itertools.pairwise(owners) if a != b) > 10 * PROCESSES
    # each writer's own entries keep their order in the file (one O_APPEND write each)
    for i in range(PROCESSES):
        order = [int(e["data"]["message"].split("m")[1]) for e in notes if e["data"]["message"].startswith(f"p{i} ")]
        assert order == list(range(EACH))

    # the last render read the file after every append: the log shows all 1,600 entries
    log_md = (repo / "archive/sessions" / f"SESSION-{SESSION}-LOG.md").read_text(encoding="utf-8")
    rows = _table_rows(log_md)
    assert rows[0] == ["Time", "Category", "Entry", "By"]
    assert len(rows) - 1 == PROCESSES * EACH
    assert {r[2] for r in rows[1:]} == messages
    print(f"\n{PROCESSES}x{EACH} concurrent logs with rendering: {elapsed:.1f} s")


# --- numbers -------------------------------------------------------------------------------

# A real CLI process that imports everything first, then waits at the starting line until the
# "go" file appears, so every process calls `init` at (nearly) the same instant.
_AT_THE_LINE = """
import os, sys, time
from session_tracker import entry
from session_tracker import cli
from session_tracker.commands import init
go, ready = sys.argv[1], sys.argv[2]
open(ready, "w").close()
deadline = time.monotonic() + 60
while not os.path.exists(go) and time.monotonic() < deadline:
    time.sleep(0.0005)
sys.argv = ["session-tracker", *sys.argv[3:]]
entry.main()
"""


def _simultaneous(cwds: list[Path], args: tuple[str, ...], gate: Path) -> list[subprocess.CompletedProcess[str]]:
    """Start one CLI process per entry of ``cwds``, release them together, and wait."""
    gate.mkdir()
    go = gate / "go"
    env = {**os.environ, **GIT_ENV}
    procs = []
    for n, cwd in enumerate(cwds):
        ready = gate / f"ready{n}"
        procs.append(
            subprocess.Popen(
                [sys.executable, "-c", _AT_THE_LINE, str(go), str(ready), *args],
                cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )
        )
    deadline = time.monotonic() + 60
    while not all((gate / f"ready{n}").exists() for n in range(len(cwds))):
        assert time.monotonic() < deadline, "processes did not reach the starting line"
        time.sleep(0.005)
    go.touch()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        results.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return results


def _numbers(results: list[subprocess.CompletedProcess[str]]) -> list[str]:
    for result in results:
        assert result.returncode == 0, result.stderr
    return [json.loads(r.stdout)["session"] for r in results]


def _one_start_each(root: Path, numbers: list[str]) -> None:
    for number in numbers:
        events, problems = store.read(str(events_file(root, number)))
        assert problems == []
        assert [e.type for e in events] == ["session.started"], number
        assert events[0].session == number and events[0].data["number"] == number


SIMULTANEOUS = 6


def test_simultaneous_inits_get_distinct_consecutive_numbers(repo: Path, tmp_path: Path) -> None:
    results = _simultaneous([repo] * SIMULTANEOUS, ("init", "--json"), tmp_path / "gate")
    numbers = _numbers(results)
    assert sorted(numbers) == [f"{n:05d}" for n in range(1, SIMULTANEOUS + 1)]
    sids = [json.loads(r.stdout)["sid"] for r in results]
    assert len(set(sids)) == SIMULTANEOUS
    files = sorted(p.name[:5] for p in (repo / ".sessions/events").iterdir())
    assert files == [f"{n:05d}" for n in range(1, SIMULTANEOUS + 1)]
    _one_start_each(repo, numbers)
    # every one of them is open in this worktree
    assert sorted(p.name[:5] for p in (repo / ".sessions/local/open").iterdir()) == sorted(numbers)


def test_numbers_stay_unique_across_worktrees(repo: Path, tmp_path: Path) -> None:
    second = repo.parent / "wt2"
    git(repo, "worktree", "add", "-q", str(second))
    env = {**os.environ, **GIT_ENV}

    def init_in(where: Path) -> str:
        proc = subprocess.run([sys.executable, "-m", "session_tracker", "init", "--json"], cwd=where, env=env, capture_output=True, text=True, timeout=120, check=False)
        assert proc.returncode == 0, proc.stderr
        return str(json.loads(proc.stdout)["session"])

    first_number = init_in(repo)
    second_number = init_in(second)
    assert (first_number, second_number) == ("00001", "00002")
    # each worktree is its own checkout with its own .sessions/
    assert [p.name[:6] for p in (repo / ".sessions/events").iterdir()] == ["00001-"]
    assert [p.name[:6] for p in (second / ".sessions/events").iterdir()] == ["00002-"]
    _one_start_each(repo, [first_number])
    _one_start_each(second, [second_number])

    # and at the same instant from both worktrees
    results = _simultaneous([repo, second] * 3, ("init", "--json"), tmp_path / "gate")
    numbers = _numbers(results)
    assert sorted(numbers) == [f"{n:05d}" for n in range(3, 9)]
    _one_start_each(repo, numbers[0::2])
    _one_start_each(second, numbers[1::2])


def test_an_explicit_number_taken_in_another_worktree_is_refused(repo: Path) -> None:
    explicit = "00001"
    second = repo.parent / "wt2"
    git(repo, "worktree", "add", "-q", str(second))
    env = {**os.environ, **GIT_ENV}
    run = [sys.executable, "-m", "session_tracker", "init", "--session", explicit]
    assert subprocess.run(run, cwd=repo, env=env, capture_output=True, text=True, timeout=120, check=False).returncode == 0
    other = subprocess.run(run, cwd=second, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert other.returncode == 1
    assert f"session {explicit} already exists" in other.stderr
    assert not list((second / ".sessions/events").glob(f"{explicit}-*.jsonl"))
