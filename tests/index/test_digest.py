"""Values kept in the index until an event type they read changes (index/digest.py), and the
fingerprint that lets a refresh skip comparing every file's stamp (index/stamps.py).

Each test proves both halves: the kept value is really used (a value planted under the current
key is what the command prints), and it is never used once its inputs changed (the planted
value is gone after an event of a type it reads, the answer equals one folded from nothing).
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

from conftest import GIT_ENV, Cli
from session_tracker import index
from session_tracker.core.paths import Layout
from session_tracker.index import ingest, sources


def _db(repo: Path) -> sqlite3.Connection:
    return sqlite3.connect(index.index_path(Layout(str(repo))))


def _digest(repo: Path, name: str) -> tuple[str, str] | None:
    conn = _db(repo)
    try:
        row = conn.execute("SELECT key, value FROM digests WHERE name = ?", (name,)).fetchone()
    finally:
        conn.close()
    return (str(row[0]), str(row[1])) if row else None


def _plant(repo: Path, name: str, change: dict[str, object]) -> None:
    """Rewrite the kept value (not its key): what the command prints shows whether it read it."""
    conn = _db(repo)
    try:
        value = json.loads(conn.execute("SELECT value FROM digests WHERE name = ?", (name,)).fetchone()[0])
        value.update(change)
        conn.execute("UPDATE digests SET value = ? WHERE name = ?", (json.dumps(value), name))
        conn.commit()
    finally:
        conn.close()


def _forget(repo: Path) -> None:
    conn = _db(repo)
    try:
        conn.execute("DELETE FROM digests")
        conn.commit()
    finally:
        conn.close()


def test_status_is_read_back_until_a_type_it_reads_changes(repo: Path, cli: Cli) -> None:
    assert cli("init", "--session", "00001").code == 0
    assert cli("blocker", "--message", "Staging is down").code == 0
    first = cli("status", "--json")
    assert first.code == 0 and "Staging is down" in first.out
    kept = _digest(repo, "status")
    assert kept is not None
    # A note, a decision and an agent's edit are not what status reads: the key stays.
    assert cli("log", "Wired the retry loop").code == 0
    assert cli("decision", "Retry with backoff", "--rationale", "the API rate-limits").code == 0
    assert cli("status", "--json").out == first.out
    assert _digest(repo, "status") is not None and _digest(repo, "status")[0] == kept[0]  # type: ignore[index]
    _plant(repo, "status", {"project": "Planted"})
    assert json.loads(cli("status", "--json").out)["project"] == "Planted"  # read back, not folded again
    # A blocker is: the planted value is never shown again, and the answer is the folded one.
    assert cli("blocker", "--message", "The vendor's key expired").code == 0
    after = cli("status", "--json")
    assert json.loads(after.out)["project"] != "Planted"
    assert [b["message"] for b in json.loads(after.out)["blockers"]] == ["Staging is down", "The vendor's key expired"]
    _forget(repo)
    assert cli("status", "--json").out == after.out  # folded from nothing: the same answer


def test_status_follows_the_plan_and_a_resolution(repo: Path, cli: Cli) -> None:
    assert cli("init", "--session", "00001").code == 0
    assert cli("blocker", "--message", "Staging is down").code == 0
    blocker = json.loads(cli("status", "--json").out)["blockers"][0]["id"]
    assert cli("next", "Write the migration guide").code == 0
    assert "Write the migration guide" in cli("status").out
    assert cli("blocker", "--resolve", blocker, "--message", "restarted").code == 0
    assert json.loads(cli("status", "--json").out)["blockers"] == []
    assert cli("plan", "set", "--name", "Atlas").code == 0
    assert json.loads(cli("status", "--json").out)["project"] == "Atlas"


def _start(repo: Path, agent_session: str, source: str) -> str:
    import subprocess
    import sys

    payload = {"session_id": agent_session, "transcript_path": str(repo / ".." / "t.jsonl"), "cwd": str(repo),
               "hook_event_name": "SessionStart", "source": source}
    proc = subprocess.run([sys.executable, "-m", "session_tracker", "hook", "claude-code"], cwd=repo, input=json.dumps(payload).encode(),
                          env={**os.environ, **GIT_ENV}, capture_output=True, timeout=60, check=True)
    return str(json.loads(proc.stdout)["hookSpecificOutput"]["additionalContext"])


def test_a_new_session_reads_the_context_of_the_others_back(repo: Path, cli: Cli) -> None:
    assert cli("init", "--session", "00001").code == 0
    assert cli("blocker", "--message", "Staging is down").code == 0
    assert cli("decision", "Retry with backoff", "--rationale", "the API rate-limits").code == 0
    assert cli("end", "--next", "Write the migration guide").code == 0
    first = _start(repo, "agent-one", "startup")
    assert "Staging is down" in first and "Write the migration guide" in first and "Handoff of session 00001" in first
    assert _digest(repo, "context") is not None
    _plant(repo, "context", {"steps": [["s-planted", "Planted step", ""]]})
    # A second agent session starts a new session: its start changes nothing the lists are made of.
    second = _start(repo, "agent-two", "startup")
    assert "Planted step" in second and "session 00003" in second
    # Nor does an end that left no next steps; its handoff is the one `end` kept.
    assert cli("end", "--session", "00003").code == 0
    kept = _digest(repo, "handoff")
    assert kept is not None and '"session":"00003"' in kept[1]
    _plant(repo, "handoff", {"handoff": "# Planted handoff\n"})
    third = _start(repo, "agent-three", "startup")
    assert "Planted step" in third and "Planted handoff" in third and "Handoff of session 00003" in third
    # An end with next steps changes the list: folded again, and the new handoff is its own.
    assert cli("end", "--session", "00004", "--next", "Ship the retry loop").code == 0
    fourth = _start(repo, "agent-four", "startup")
    assert "Planted step" not in fourth and "Planted handoff" not in fourth
    assert "Ship the retry loop" in fourth and "Write the migration guide" in fourth and "Handoff of session 00004" in fourth
    _forget(repo)
    again = _start(repo, "agent-five", "startup")
    # folded from nothing: the same text, but for the session it is tracked as
    assert again.replace("00006", "00005") == fourth


def test_a_file_put_back_with_its_old_size_and_mtime_is_read_again(repo: Path, cli: Cli) -> None:
    assert cli("init", "--session", "00001").code == 0
    assert cli("log", "first note").code == 0
    assert cli("end").code == 0
    layout = Layout(str(repo))
    path = next(Path(p) for rel, p in sources.event_files(layout).items() if not rel.startswith("events/project"))
    old = path.read_bytes()
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - 10_000_000_000))  # out of the racy window
    st = os.stat(path)
    for _ in range(2):  # the second refresh finds everything in step and stores the fingerprint
        index.fresh(layout).close()
    conn = _db(repo)
    assert conn.execute("SELECT value FROM meta WHERE name = 'stamps'").fetchone() is not None
    conn.close()
    extra = old.replace(b"first note", b"other note")
    path.write_bytes(extra + extra.splitlines(keepends=True)[-1])  # a different file: read
    index.fresh(layout).close()
    path.write_bytes(old)  # put back byte for byte, with its old mtime: the fingerprint matches the old one
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    conn = index.fresh(layout)
    try:
        notes = [r[0] for r in conn.execute("SELECT count(*) FROM events WHERE type = 'note'")]
        texts = {r[0] for r in conn.execute("SELECT body FROM fts")}
    finally:
        conn.close()
    assert notes == [1] and any("first note" in t for t in texts) and not any("other note" in t for t in texts)


def test_which_ends_move_the_list_of_steps() -> None:
    # an end without next steps leaves the list alone; one with steps, one amending an earlier
    # end (it may take the earlier one's steps back) or one that cannot be read moves it
    assert not ingest._left_steps('{"data": {"status": "COMPLETE", "next": []}}')
    assert ingest._left_steps('{"data": {"next": ["Ship it"]}}')
    assert ingest._left_steps('{"data": {"next": [], "amends": "01J0000000000000000000000"}}')
    assert ingest._left_steps("not json") and ingest._left_steps(None)


def test_the_handoff_end_kept_is_read_back_once_its_file_is_stamped_again(repo: Path, cli: Cli) -> None:
    """``end`` keeps the handoff it rendered for the next session's start. Its key names the
    bytes the index read of the session's file, not the file's size and mtime: those are stamped
    again later (a file changed in the last seconds is checked again; a journal is published),
    and the next ``init`` must still read the handoff back rather than render it again."""
    assert cli("init", "--session", "00001").code == 0
    assert cli("log", "Wired the retry loop").code == 0
    assert cli("end").code == 0
    assert _digest(repo, "handoff") is not None
    _plant(repo, "handoff", {"handoff": "# Planted handoff\n"})
    (events,) = (repo / ".sessions/events").glob("00001-*.jsonl")
    stat = events.stat()
    os.utime(events, ns=(stat.st_atime_ns, stat.st_mtime_ns - 10_000_000_000))  # as if written 10 s ago
    assert cli("status").code == 0  # a refresh: the file is stamped again, its bytes unchanged
    assert "Planted handoff" in cli("handoff").out
    with events.open("ab") as handle:  # a line more: what was kept no longer holds
        first = json.loads(events.read_bytes().splitlines()[0])
        late = {**first, "id": "01J" + "9" * 23, "type": "note", "data": {"category": "implementation", "message": "late"}}
        handle.write(json.dumps(late, separators=(",", ":"), sort_keys=True).encode() + b"\n")
    assert "Planted handoff" not in cli("handoff").out


def test_the_status_screen_reads_a_glance_of_long_lists_and_counts_them_all(repo: Path, cli: Cli) -> None:
    """The text view shows the first 20 of each list and counts the rest; it reads a kept
    glance (the first 20 and each list's length), never the whole list, which ``--json`` gives."""
    assert cli("init", "--session", "00001").code == 0
    steps = [f"Step number {i}" for i in range(1, 26)]
    assert cli("end", *[arg for step in steps for arg in ("--next", step)]).code == 0
    full = json.loads(cli("status", "--json").out)
    assert sorted(n["message"] for n in full["next"]) == sorted(steps) and "next_total" not in full
    screen = cli("status")
    assert screen.code == 0
    assert "Next steps (25)" in screen.out and "… and 5 more" in screen.out
    shown = [n["message"] for n in full["next"][:20]]
    assert all(f"{step}  (" in screen.out for step in shown)
    assert not any(f"{n['message']}  (" in screen.out for n in full["next"][20:])
    glance = _digest(repo, "status-glance-20")
    assert glance is not None and glance[0] == _digest(repo, "status")[0]  # type: ignore[index]
    assert json.loads(glance[1])["next_total"] == 25 and len(json.loads(glance[1])["next"]) == 20
    _plant(repo, "status-glance-20", {"next_total": 99})
    assert "Next steps (99)" in cli("status").out  # read back
    assert cli("next", "One more step").code == 0  # a handoff item: both are made again
    again = cli("status").out
    assert "Next steps (26)" in again and "… and 6 more" in again


def _ended_blockers(repo: Path, number: str) -> list[str]:
    (events,) = (repo / ".sessions/events").glob(f"{number}-*.jsonl")
    ended = [json.loads(line) for line in events.read_bytes().splitlines() if b'"session.ended"' in line]
    return list(ended[-1]["data"]["blockers_open"])


def test_end_records_the_open_blockers_kept_until_a_blocker_changes(repo: Path, cli: Cli) -> None:
    assert cli("init", "--session", "00001").code == 0
    opened = json.loads(cli("blocker", "--message", "Staging is down", "--json").out)
    assert cli("end").code == 0
    (events,) = (repo / ".sessions/events").glob("00001-*.jsonl")
    opening = [json.loads(line)["id"] for line in events.read_bytes().splitlines() if b'"blocker.opened"' in line]
    assert _ended_blockers(repo, "00001") == opening  # the opening event's id
    conn = _db(repo)
    try:
        conn.execute("UPDATE digests SET value = ? WHERE name = 'open_blocker_ids'", (json.dumps(["planted"]),))
        conn.commit()
    finally:
        conn.close()
    assert cli("init", "--session", "00002").code == 0
    assert cli("log", "no blocker moved").code == 0
    assert cli("end").code == 0
    assert _ended_blockers(repo, "00002") == ["planted"]  # read back: nothing it is folded from changed
    assert cli("init", "--session", "00003").code == 0
    assert cli("blocker", "--resolve", opened["blocker"], "--message", "restarted").code == 0
    assert cli("end").code == 0
    assert _ended_blockers(repo, "00003") == []  # a resolution: folded again
