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
    for cache in ("render-manifest.json", "summary-cache.json"):  # the caches; local/journal/ holds
        (repo / ".sessions/local" / cache).unlink()                # the open session's events: not a cache
    shutil.rmtree(repo / ARCHIVE)
    written(cli)
    assert snapshot(repo) == incremental
