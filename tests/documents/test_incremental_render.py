"""`render` is incremental: only what the new events change is rendered again, and the result
is byte-identical to a full render."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import Cli, snapshot

ARCHIVE = "archive/sessions"


def written(cli: Cli, *args: str) -> list[str]:
    result = cli("render", "--json", *args)
    assert result.code == 0, result
    return sorted(json.loads(result.out)["written"])


def test_only_changed_sessions_are_rendered_and_match_a_full_render(repo: Path, cli: Cli) -> None:
    blockers = []
    for number in ("00001", "00002"):
        assert cli("init", "--session", number).code == 0
        assert cli("log", f"work in {number}").code == 0
        blockers.append(cli("blocker", "-m", f"blocked in {number}").out.split()[1])
        assert cli("end").code == 0
    assert cli("init", "--session", "00003").code == 0
    written(cli)  # the first render settles everything

    assert written(cli) == []  # nothing changed, nothing written
    assert cli("log", "more work").code == 0
    assert cli("blocker", "--resolve", blockers[0], "-m", "credentials arrived").code == 0
    again = written(cli)
    # Ended sessions' documents are untouched: a later resolution does not change their handoff.
    assert not any(p.startswith((f"{ARCHIVE}/SESSION-00001", f"{ARCHIVE}/SESSION-00002")) for p in again), again

    # A document edited by hand is put back, even though its events did not change.
    handoff = repo / ARCHIVE / "SESSION-00001-HANDOFF.md"
    original = handoff.read_bytes()
    handoff.write_bytes(original + b"\nhand edit\n")
    assert f"{ARCHIVE}/SESSION-00001-HANDOFF.md" in written(cli)
    assert handoff.read_bytes() == original

    # Incremental output equals a full render from scratch.
    incremental = snapshot(repo)
    for cache in ("render-manifest.json", "index.sqlite"):  # the caches; local/journal/ holds
        (repo / ".sessions/local" / cache).unlink()                # the open session's events: not a cache
    shutil.rmtree(repo / ARCHIVE)
    written(cli)
    assert snapshot(repo) == incremental


def _full_render_of(repo: Path, cli: Cli) -> dict[str, bytes]:
    """What a render from nothing makes of the same events (on a copy: the caches go)."""
    copy = repo.parent / f"full-{len(list(repo.parent.iterdir()))}"
    shutil.copytree(repo, copy)
    for cache in ("render-manifest.json", "index.sqlite"):
        (copy / ".sessions/local" / cache).unlink(missing_ok=True)
    shutil.rmtree(copy / ARCHIVE)
    assert cli("render", cwd=copy).code == 0
    return snapshot(copy)


def test_the_project_documents_are_rendered_again_only_when_an_event_they_show_came_in(repo: Path, cli: Cli) -> None:
    """A ``log`` in the open session changes nothing the project documents show (an open
    session's entry says "in progress"), so they are left as they are; a blocker, an end, or a
    note that reaches an ended session (a merge brings one) renders them again. Each time the
    result equals a render from nothing (a project document left stale would differ)."""
    (repo / ".sessions").mkdir(exist_ok=True)
    (repo / ".sessions/config.toml").write_text('[documents]\npreset = ["archive", "tracker"]\n')
    assert cli("init", "--session", "00001").code == 0
    assert cli("log", "first session's work").code == 0
    assert cli("end").code == 0
    assert cli("init", "--session", "00002").code == 0
    written(cli)
    tracker = "SESSION_TRACKER.md"

    assert cli("log", "more work in the open session").code == 0
    assert tracker not in written(cli)
    assert snapshot(repo) == _full_render_of(repo, cli)

    assert cli("blocker", "-m", "staging is down").code == 0  # (the command renders them itself)
    written(cli)
    assert "staging is down" in (repo / tracker).read_text()
    assert snapshot(repo) == _full_render_of(repo, cli)

    # A note in the ended session's file, as a merge of another clone's line would put it there.
    (events,) = (repo / ".sessions/events").glob("00001-*.jsonl")
    first = json.loads(events.read_bytes().splitlines()[0])
    late = {"actor": "human", "data": {"category": "implementation", "message": "merged-in note"}, "id": "01J" + "9" * 23,
            "session": "00001", "sid": first["sid"], "ts": first["ts"], "type": "note", "v": 1}
    with events.open("ab") as handle:
        handle.write(json.dumps(late, separators=(",", ":"), sort_keys=True).encode() + b"\n")
    assert tracker in written(cli)
    assert "merged-in note" in (repo / tracker).read_text()
    assert snapshot(repo) == _full_render_of(repo, cli)

    assert cli("log", "the last entry").code == 0
    assert cli("end").code == 0
    written(cli)
    assert "the last entry" in (repo / tracker).read_text()  # ended: its entry lists its work
    assert snapshot(repo) == _full_render_of(repo, cli)


def test_end_beside_another_clones_session_of_the_same_number_keeps_to_its_own_documents(repo: Path, cli: Cli) -> None:
    """Two clones each made a session 00001; a merge brought the other's file. The one whose
    sid sorts first keeps the plain number, the other is labelled ``00001-<sid>`` — also when
    ``end`` renders the handoff from a sparse view that leaves out the other session (it has no
    blocker or metrics event): it must not write over the other's documents."""
    assert cli("init", "--session", "00001").code == 0
    other = "01AAAAAAAAAAAAAAAAAAAAAAAA"  # sorts before any sid made now
    lines = [{"v": 1, "id": other, "ts": "2026-11-30T10:00:00.000+00:00", "session": "00001", "sid": other,
              "type": "session.started", "actor": "human", "data": {"number": "00001", "objectives": ["the other clone's"], "tz": "+00:00"}},
             {"v": 1, "id": other[:-1] + "B", "ts": "2026-11-30T11:00:00.000+00:00", "session": "00001", "sid": other,
              "type": "session.ended", "actor": "human", "data": {"next": []}}]
    (repo / ".sessions/events" / f"00001-{other}.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    written(cli)
    theirs = repo / ARCHIVE / "SESSION-00001-HANDOFF.md"
    before = theirs.read_bytes()
    assert b"the other clone's" in before
    assert cli("log", "our work").code == 0
    assert cli("end").code == 0
    assert theirs.read_bytes() == before
    ours = [p.name for p in (repo / ARCHIVE).glob("SESSION-00001-*-HANDOFF.md")]
    assert len(ours) == 1 and "our work" in (repo / ARCHIVE / ours[0]).read_text()
    assert _full_render_of(repo, cli) == snapshot(repo)  # and every document as a render from nothing makes it
