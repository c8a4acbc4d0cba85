"""Upgrading a store written by the release before issue 11, losing nothing.

The store is built the way that release left it in a repository: ``.sessions/events/<number>.jsonl``
per session (00002 holding two sessions, as its ``merge=union`` joined two clones' 00002),
``.sessions/project.jsonl`` with sequential plan ids, ``.sessions/.gitattributes`` asking for
``merge=union``, and the documents committed. Lines are encoded by the same encoder (the event
format did not change; only where events live did).
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import git, run_cli
from session_tracker.core.events import Event, encode
from session_tracker.core.sessions import LEGACY_GITATTRIBUTES
from session_tracker.core.ulid import new_ulid

T0 = 1_790_000_000_000  # ms: fixed times keep the ULIDs in order


def _event(ms: int, number: str, sid: str, type: str, data: dict[str, object], ident: str | None = None) -> bytes:
    stamp = f"2026-09-21T14:{(ms // 60000) % 60:02d}:{(ms // 1000) % 60:02d}.000+00:00"
    return encode(Event(id=ident or new_ulid(ms), ts=stamp, session=number, sid=sid, type=type, actor="human", data=data))


def _legacy_store(root: Path) -> dict[str, str]:
    events = root / ".sessions" / "events"
    events.mkdir(parents=True)
    (root / ".sessions" / ".gitattributes").write_text(LEGACY_GITATTRIBUTES)
    (root / ".sessions" / ".gitignore").write_text("local/\nindex.sqlite*\n*.lock\n")
    head = git(root, "rev-parse", "HEAD").strip()
    git_start = {"branch": "main", "head": head, "dirty": []}
    one, two_a, two_b = new_ulid(T0), new_ulid(T0 + 1000), new_ulid(T0 + 2000)
    (events / "00001.jsonl").write_bytes(b"".join([
        _event(T0, "00001", one, "session.started", {"number": "00001", "objectives": ["first"], "tz": "+00:00", "git": git_start}, one),
        _event(T0 + 10, "00001", one, "note", {"message": "legacy note one", "category": "implementation"}),
        _event(T0 + 20, "00001", one, "decision", {"message": "legacy decision", "rationale": "it was simple", "alternatives": []}),
        _event(T0 + 30, "00001", one, "blocker.opened", {"blocker": "00001-1", "message": "legacy blocker"}),
        _event(T0 + 40, "00001", one, "session.ended", {"status": "COMPLETE", "next": ["carry on"], "git": None}),
    ]))
    (events / "00002.jsonl").write_bytes(b"".join([  # two clones' 00002, joined by merge=union
        _event(T0 + 1000, "00002", two_a, "session.started", {"number": "00002", "objectives": ["clone a"], "tz": "+00:00", "git": git_start}, two_a),
        _event(T0 + 2000, "00002", two_b, "session.started", {"number": "00002", "objectives": ["clone b"], "tz": "+00:00", "git": git_start}, two_b),
        _event(T0 + 1010, "00002", two_a, "note", {"message": "legacy note from a", "category": "implementation"}),
        _event(T0 + 2010, "00002", two_b, "note", {"message": "legacy note from b", "category": "implementation"}),
        _event(T0 + 1020, "00002", two_a, "session.ended", {"status": "COMPLETE", "next": [], "git": None}),
    ]))
    (root / ".sessions" / "project.jsonl").write_bytes(b"".join([
        _event(T0 + 5, "00001", one, "task.added", {"task": "task-1", "title": "legacy task", "phase": "", "component": "", "estimate": None,
                                                  "assignee": "", "files": [], "tests": [], "depends_on": []}),
        _event(T0 + 6, "00001", one, "question.opened", {"question": "q-1", "message": "legacy question?"}),
        _event(T0 + 7, "00001", one, "next.added", {"next": "n-1", "message": "legacy next step", "priority": 1}),
    ]))
    # b's 00002 is open in this worktree, as that release marked it.
    (root / ".sessions" / "local" / "open").mkdir(parents=True)
    (root / ".sessions" / "local" / "open" / "00002").write_text(two_b)
    return {"one": one, "two_a": two_a, "two_b": two_b}


def test_a_store_of_the_previous_release_is_upgraded_losing_nothing(repo: Path) -> None:
    sids = _legacy_store(repo)
    assert run_cli(repo, "render").code == 0  # that release committed its documents
    committed = [".sessions/events", ".sessions/project.jsonl", ".sessions/.gitattributes", ".sessions/.gitignore",
                 "archive", "SESSION_TRACKER.md", "progress.txt", "IMPLEMENTATION.md", ".claude"]
    git(repo, "add", "-f", *[p for p in committed if (repo / p).exists()])
    git(repo, "commit", "-q", "-m", "sessions as the previous release committed them")
    before = {p.name: p.read_bytes() for p in (repo / ".sessions/events").iterdir()}

    doctor = json.loads(run_cli(repo, "doctor", "--json").out)
    legacy = [f for f in doctor["findings"] if f["check"] == "legacy-store"]
    assert any("merge=union" in f["message"] for f in legacy) and any("committed" in f["message"] for f in legacy)

    migrated = run_cli(repo, "migrate", "--json")
    assert migrated.code == 0, migrated.err
    changes = json.loads(migrated.out)["changes"]
    assert any("merge=union" in c for c in changes) and any("untracked" in c for c in changes)
    assert not (repo / ".sessions/.gitattributes").exists()
    staged = git(repo, "diff", "--cached", "--name-status").split("\n")
    assert "D\tarchive/sessions/SESSION-00001-HANDOFF.md" in staged
    assert (repo / "archive/sessions/SESSION-00001-HANDOFF.md").exists()  # still on disk, as a view git now ignores
    git(repo, "commit", "-q", "-m", "session-tracker: documents are views")
    assert git(repo, "status", "--porcelain") == ""
    assert json.loads(run_cli(repo, "migrate", "--json").out)["changes"] == []  # a second run changes nothing

    # Nothing lost: every session (both 00002s), every entry, every plan item with its old id.
    listed = json.loads(run_cli(repo, "list", "--json").out)["sessions"]
    assert sorted(s["sid"] for s in listed) == sorted(sids.values())
    refused = run_cli(repo, "show", "00002")
    assert refused.code == 1 and sids["two_a"] in refused.err and sids["two_b"] in refused.err
    shown = json.loads(run_cli(repo, "show", sids["two_a"], "--json").out)
    assert [e["data"]["message"] for e in shown["timeline"]] == ["legacy note from a"]
    status = json.dumps(json.loads(run_cli(repo, "status", "--json").out))
    for old_id in ("task-1", "q-1", "n-1", "00001-1"):
        assert old_id in status
    assert run_cli(repo, "task", "done", "task-1").code == 0
    # The open legacy session goes on, now through its journal: its tracked file stays as committed.
    logged = run_cli(repo, "log", "after the upgrade")
    assert logged.code == 0, logged.err
    assert "00002" in logged.out
    assert git(repo, "status", "--porcelain") == ""
    resolved = run_cli(repo, "blocker", "--resolve", "00001-1", "--message", "got the key")
    assert resolved.code == 0, resolved.err
    new_task = run_cli(repo, "task", "add", "a task after the upgrade").out.strip().split()[-1]
    assert new_task.startswith("task-") and not new_task.removeprefix("task-").isdigit()
    after = {p.name: p.read_bytes() for p in (repo / ".sessions/events").iterdir() if p.name in before}
    assert after == before  # legacy files are never rewritten
    ended = run_cli(repo, "end", "--session", sids["two_b"])
    assert ended.code == 0, ended.err
    events = (repo / ".sessions/events/00002.jsonl").read_text()
    assert "after the upgrade" in events and "legacy note from a" in events  # published into its own file
    assert json.loads(run_cli(repo, "doctor", "--json").out)["ok"] is True
