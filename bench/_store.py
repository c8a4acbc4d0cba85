"""Write a synthetic store in the documented event format (docs/architecture.md, "The event").

Run with the venv's python inside a git repository (the benchmarks do it)::

    python bench/_store.py --sessions 1000 [--events 100] [--open-events 0]

Shape of each session (about --events events, in time order, five-digit names 00001 …):
``session.started`` (objectives, tz, git {branch, head, dirty}); 40% notes in the six
categories; two decisions with rationale and alternatives; a blocker opened in one session of
five and resolved in the next; 25% ``file.touched`` and 25% ``command.run`` (one in ten
failed) from an agent; a ``commit``; a ``files.changed`` snapshot; ``metrics.recorded`` in
every other session; a ``handoff.item``; two ``usage`` events; ``session.ended`` (next steps,
git commits and files). Files are laid out as a team's store is (docs/storage.md):
``.sessions/events/<number>-<sid>.jsonl``, the plan in one clone's
``.sessions/events/project-<clone>-main.jsonl``; in a git repository those files are committed
before the last session starts, which stays open here (its marker
in ``.sessions/local/open/``, its events in its journal ``.sessions/local/journal/``) and gets
--open-events extra notes and tool calls, so per-session commands have a target; with
--agent-session it is mapped to that Claude Code session (the agent hooks' target). The plan:
three phases over all sessions, 60 tasks, questions, next steps.

Rare words for search: the decision of session N has the rationale word ``zephyrN``, its
blocker the word ``quokkaN``.
"""

from __future__ import annotations

import argparse
import datetime
import os

from session_tracker.core.events import CATEGORIES, Event, encode

_count = 0
_EPOCH = datetime.datetime(2025, 1, 1)


def _ev(name: str, sid: str, type: str, data: dict[str, object], minute: int, actor: str = "human") -> bytes:
    global _count
    _count += 1
    at = _EPOCH + datetime.timedelta(minutes=minute, seconds=_count % 60)
    ts = at.strftime("%Y-%m-%dT%H:%M:%S.000+00:00")
    return encode(Event(id=f"01J{_count:023d}", ts=ts, session=name, sid=sid, type=type, actor=actor, data=data))


def session_lines(s: int, per: int, last: bool, extra: int, head: str | None = None) -> list[bytes]:
    """The event lines of session number ``s`` (``head``: the repository's HEAD, which the
    open session's capture diffs against)."""
    name, sid = f"{s:05d}", f"01S{s:023d}"
    # One session every 90 minutes, in order, as one team's history grows: 10,000 sessions are
    # about 21 months. (Times that wrapped round put the open session before most ends, so every
    # handoff looked touched by its blocker: no real store is shaped so.)
    base = s * 90
    git = {"branch": f"feature/{s % 7}", "head": head or f"{s:040x}", "dirty": []}
    out = [_ev(name, sid, "session.started", {"number": name, "objectives": [f"Objective {s}: ship part {s % 13}"],
                                                "tz": "+00:00", "git": git}, base)]
    notes, tools = int(per * 0.4), int(per * 0.25)
    for i in range(notes):
        out.append(_ev(name, sid, "note", {"message": f"entry {i} of session {s}: refactored module m{i % 50} and ran the tests",
                                           "category": CATEGORIES[i % len(CATEGORIES)]}, base + 1 + i % 50))
    out.append(_ev(name, sid, "decision", {"message": f"Use store layout {s % 5}", "rationale": f"keeps merges clean zephyr{s}",
                                           "alternatives": ["one shared file", "a server"]}, base + 10))
    out.append(_ev(name, sid, "decision", {"message": f"Cache module m{s % 50}", "rationale": "profile showed the hot loop",
                                           "alternatives": []}, base + 20))
    if s % 5 == 0:
        out.append(_ev(name, sid, "blocker.opened", {"blocker": f"{name}-1", "message": f"Waiting on the quokka{s} credentials",
                                                     "impact": "High", "plan": "ask ops"}, base + 30))
    if s % 5 == 1 and s > 1:
        out.append(_ev(name, sid, "blocker.resolved", {"blocker": f"{s - 1:05d}-1", "message": "ops sent them"}, base + 31))
    for i in range(tools):
        out.append(_ev(name, sid, "file.touched", {"path": f"src/pkg{i % 9}/m{i % 50}.py", "tool": "Edit",
                                                   "agent_session": f"agent-{s}"}, base + 40, "claude-code"))
        out.append(_ev(name, sid, "command.run", {"command": f"pytest -q tests/test_m{i % 50}.py", "tool": "Bash",
                                                  "agent_session": f"agent-{s}", "exit": 1 if i % 10 == 0 else 0,
                                                  "failed": i % 10 == 0}, base + 41, "claude-code"))
    files = [{"path": f"src/pkg{i}/m{(s + i) % 50}.py", "status": "modified", "old_path": None, "added": 3 + i, "removed": 1,
              "binary": False} for i in range(4)]
    commit = {"sha": f"{s:040x}", "subject": f"Part {s % 13}: refactor m{s % 50}", "files": [f["path"] for f in files]}
    out.append(_ev(name, sid, "commit", commit, base + 50, "git-hook"))
    out.append(_ev(name, sid, "files.changed", {"base": git["head"], "files": files}, base + 51))
    if s % 2 == 0:
        out.append(_ev(name, sid, "metrics.recorded", {"source": "run", "tests_passed": 400 + s % 50, "tests_failed": s % 3,
                                                       "tests_errors": 0, "tests_skipped": 1, "tests_total": 401 + s % 50 + s % 3,
                                                       "coverage_percent": 80.0 + s % 10, "lint_errors": s % 4, "type_errors": 0,
                                                       "lint_by_rule": {}, "checks": []}, base + 52))
    out.append(_ev(name, sid, "handoff.item", {"message": f"Review part {s % 13} before merging"}, base + 53))
    for i in range(2):
        out.append(_ev(name, sid, "usage", {"model": "claude-sonnet", "input_tokens": 1000 + i, "output_tokens": 300,
                                            "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0, "messages": 3},
                       base + 54, "claude-code"))
    for i in range(extra):
        out.append(_ev(name, sid, "note" if i % 3 == 0 else "file.touched",
                       {"message": f"extra entry {i}", "category": "implementation"} if i % 3 == 0 else
                       {"path": f"src/x{i % 100}.py", "tool": "Edit", "agent_session": f"agent-{s}"}, base + 60))
    if not last:
        out.append(_ev(name, sid, "session.ended", {"status": "COMPLETE", "next": [f"Continue part {s % 13}"],
                                                    "git": {**git, "commits": [{"sha": commit["sha"], "subject": commit["subject"]}],
                                                            "files": files}}, base + 80))
    return out


def plan_lines(sessions: int) -> list[bytes]:
    """A plan in ``project.jsonl``: phases over every session, tasks, questions, next steps."""
    out = []
    third = max(1, sessions // 3)
    for i, (first, last) in enumerate(((1, third), (third + 1, 2 * third), (2 * third + 1, max(sessions, 2 * third + 1)))):
        out.append(_ev("project", "project", "phase.added", {"name": f"Phase {i}", "first": first, "last": last}, 0))
    for t in range(1, 61):
        out.append(_ev("project", "project", "task.added", {"task": f"task-{t}", "title": f"Task {t}", "phase": f"Phase {t % 3}",
                                                          "component": None, "estimate": 30, "assignee": None, "files": [],
                                                          "tests": [], "depends_on": []}, 0))
    for q in range(1, 6):
        out.append(_ev("project", "project", "question.opened", {"question": f"q-{q}", "message": f"Which backend {q}?"}, 0))
        out.append(_ev("project", "project", "next.added", {"next": f"n-{q}", "message": f"Next step {q}", "priority": q}, 0))
    return out


CLONE = "bench00000"  # the clone id of the clone that "wrote" the plan


def _stem(number: int) -> str:
    return f"{number:05d}-01S{number:023d}"


def _map(name: str, agent_session: str) -> None:
    """Map the Claude Code session to the open session ``name`` (agents/mapping.py's format:
    the session's file stem and its sid)."""
    os.makedirs(".sessions/local/agents", exist_ok=True)
    with open(f".sessions/local/agents/claude-code.{agent_session}", "w", encoding="utf-8") as handle:
        handle.write(f"{_stem(int(name))}\n01S{int(name):023d}\n")


def _commit_events() -> str | None:
    """Commit ``.sessions/events/`` in the repository here; its new HEAD (None outside git)."""
    import subprocess

    identity = ["-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "-c", "commit.gpgsign=false"]
    if subprocess.run(["git", "add", ".sessions/events"], capture_output=True, check=False).returncode != 0:
        return None
    subprocess.run(["git", *identity, "commit", "-q", "--no-verify", "-m", "sessions"], capture_output=True, check=False)
    found = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=False)
    return found.stdout.strip() if found.returncode == 0 else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=0)
    parser.add_argument("--remap", metavar="NAME", help="only map --agent-session to the open session NAME again")
    parser.add_argument("--events", type=int, default=100, help="events per session (about)")
    parser.add_argument("--open-events", type=int, default=0, help="extra events in the open (last) session")
    parser.add_argument("--agent-session", default="", help="map this Claude Code session id to the open session")
    args = parser.parse_args()
    if args.remap:
        _map(args.remap, args.agent_session)
        return 0
    for folder in (".sessions/events", ".sessions/local/open", ".sessions/local/journal"):
        os.makedirs(folder, exist_ok=True)
    total = 0
    for s in range(1, args.sessions):  # the ended ones
        lines = session_lines(s, args.events, False, 0)
        total += len(lines)
        with open(f".sessions/events/{_stem(s)}.jsonl", "wb") as handle:
            handle.write(b"".join(lines))
    plan = plan_lines(args.sessions)
    with open(f".sessions/events/project-{CLONE}-main.jsonl", "wb") as handle:
        handle.write(b"".join(plan))
    # Committed, as a team's are, before the open session started: its capture diffs against
    # that commit (as a session started after the last pull does), not against 10,000 files.
    head = _commit_events()
    if args.sessions:
        lines = session_lines(args.sessions, args.events, True, args.open_events, head)
        total += len(lines)
        with open(f".sessions/events/{_stem(args.sessions)}.jsonl", "wb") as handle:
            handle.write(b"".join(lines))
    if args.sessions:  # the open one: its journal holds its events (what `init` leaves)
        with open(f".sessions/events/{_stem(args.sessions)}.jsonl", "rb") as handle:
            blob = handle.read()
        with open(f".sessions/local/journal/{_stem(args.sessions)}.jsonl", "wb") as handle:
            handle.write(blob)
        with open(f".sessions/local/open/{_stem(args.sessions)}", "w", encoding="utf-8") as handle:
            handle.write(f"01S{args.sessions:023d}")
    if args.agent_session:
        _map(f"{args.sessions:05d}", args.agent_session)
    from session_tracker.core import ignore
    from session_tracker.core.context import Context

    ctx = Context()
    ignore.ensure(ctx.layout, ctx.config)  # local/ and the documents ignored, as `init` leaves them
    print(total + len(plan))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
