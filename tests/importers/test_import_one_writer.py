"""Every file has one writer, imports included: a session imported (or recorded by hooks) in one
clone is completed by a later import there, never by a teammate's clone that pulled its file —
that clone skips the transcript with a note. Real git: a bare remote and two clones."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from test_importer_shapes import SID, main_transcript, write_project

from conftest import git
from helpers import events_file


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "session_tracker", *args], cwd=cwd, capture_output=True, text=True, check=False)


def test_only_the_clone_that_imported_a_session_completes_it(repo: Path, tmp_path: Path) -> None:
    lines = main_transcript(repo).splitlines(keepends=True)
    folder = write_project(repo, {f"{SID}.jsonl": b"".join(lines[:7])})  # still being written
    first = json.loads(run(repo, "import", "claude-code", "--json").stdout)
    assert [i["session"] for i in first["imported"]] == ["00001"]
    git(repo, "add", ".sessions")
    git(repo, "commit", "-q", "-m", "imported session")
    remote = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(remote))
    teammate = tmp_path / "teammate"
    git(tmp_path, "clone", "-q", str(remote), str(teammate))
    ours = events_file(repo, "00001")
    theirs = teammate / ".sessions/events" / ours.name
    assert theirs.read_bytes() == ours.read_bytes()

    (folder / f"{SID}.jsonl").write_bytes(b"".join(lines))  # the transcript grew
    # The teammate imports the same transcript (copied over, the repository at another path).
    skipped = json.loads(run(teammate, "import", "claude-code", str(folder / f"{SID}.jsonl"), "--map-cwd", str(repo), "--json").stdout)
    assert skipped["imported"] == [] and skipped["skipped"] == [{
        "source": f"{SID}.jsonl",
        "reason": f"agent session {SID} is in session 00001, recorded in another clone or worktree: import it there",
    }]
    assert theirs.read_bytes() == ours.read_bytes()  # their copy of our file is untouched
    assert git(teammate, "status", "--porcelain") == ""

    done = json.loads(run(repo, "import", "claude-code", "--json").stdout)
    assert [(i["session"], i["completed"]) for i in done["imported"]] == [("00001", True)]
    assert len(ours.read_bytes()) > len(theirs.read_bytes())  # completed where it was written
