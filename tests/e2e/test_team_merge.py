"""A team on branches, as a hosting service merges them (issue 11).

A bare remote and three clones, each with its own HOME (so its own git identity and no shared
state): Alice and Bob each work on a branch, two sessions each with every kind of entry and a
code commit, committing as the README says (the hooks stage the events with each commit, the
session's file is committed after ``end``). The lead merges both branches into main with
``* merge=text`` in ``.git/info/attributes``: a plain three-way merge, all a hosting service
runs (no ``merge=union``, no merge driver). Then: no conflict; each branch only added event
files besides its code; every session, task, question, next step and blocker of both sides is
there, once; a shared session number is refused by number and reached by id.

The second test keeps a session open through ``pull --rebase``, ``switch``, ``stash -u`` /
``stash pop`` and checks the handoff lists the rebased commit, not the one it replaced, and a
teammate's commit as merged in.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from conftest import Cli


class Clone:
    """One teammate's clone: its own HOME, identity and working directory."""

    def __init__(self, root: Path, home: Path, name: str) -> None:
        self.root = root
        self.home = home
        self.name = name
        email = f"{name.lower()}@example.com"
        home.mkdir(parents=True, exist_ok=True)
        (home / ".gitconfig").write_text(f"[user]\n\tname = {name}\n\temail = {email}\n[init]\n\tdefaultBranch = main\n")
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("GIT_") and k not in ("CURRENT_SESSION", "SESSION_TRACKER_ROOT")},
            "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"), "XDG_STATE_HOME": str(home / ".state"),
            "GIT_CONFIG_NOSYSTEM": "1", "GIT_EDITOR": "true", "GIT_SEQUENCE_EDITOR": "true",
        }

    def git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(["git", *args], cwd=self.root, env=self.env, capture_output=True, text=True, timeout=120, check=False)
        if check and proc.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed in {self.name}'s clone:\n{proc.stdout}\n{proc.stderr}")
        return proc

    def st(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run([sys.executable, "-m", "session_tracker", *args], cwd=self.root, env=self.env,
                              capture_output=True, text=True, timeout=120, check=False)
        if check and proc.returncode != 0:
            raise AssertionError(f"session-tracker {' '.join(args)} failed in {self.name}'s clone:\n{proc.stdout}\n{proc.stderr}")
        return proc

    def json(self, *args: str) -> Any:
        return json.loads(self.st(*args, "--json").stdout)


def _team(tmp_path: Path) -> tuple[Path, Clone, Clone, Clone]:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True, capture_output=True)
    lead = Clone(tmp_path / "lead", tmp_path / "home-lead", "Lead")
    subprocess.run(["git", "clone", "-q", str(remote), str(lead.root)], env=lead.env, check=True, capture_output=True)
    (lead.root / "README.md").write_text("# shop\n")
    lead.git("add", "README.md")
    lead.git("commit", "-q", "-m", "initial commit")
    lead.git("push", "-q", "origin", "main")
    clones = []
    for name in ("Alice", "Bob"):
        clone = Clone(tmp_path / name.lower(), tmp_path / f"home-{name.lower()}", name)
        subprocess.run(["git", "clone", "-q", str(remote), str(clone.root)], env=clone.env, check=True, capture_output=True)
        clones.append(clone)
    return remote, lead, clones[0], clones[1]


def _session(clone: Clone, tag: str) -> dict[str, str]:
    """One session with every kind of entry and a code commit, ended and committed."""
    started = clone.json("init", "-o", f"{tag}: build it")
    clone.st("log", f"{tag}: wrote the parser")
    clone.st("decision", f"{tag}: use a state machine", "--rationale", "the grammar is regular")
    blocker = clone.json("blocker", f"{tag}: waiting for the API key")
    task = clone.st("task", "add", f"{tag}: write the tests").stdout.strip().split()[-1]
    question = clone.json("question", "-m", f"{tag}: which locale?")
    step = clone.json("next", "-m", f"{tag}: ship it")
    code = clone.root / "src" / f"{tag}.py"
    code.parent.mkdir(exist_ok=True)
    code.write_text(f"print({tag!r})\n")
    clone.git("add", str(code))
    clone.git("commit", "-q", "-m", f"{tag}: the parser")  # the pre-commit hook stages the events so far
    clone.st("end", "--next", f"{tag}: review")
    clone.git("add", ".sessions")
    clone.git("commit", "-q", "-m", f"session-tracker: session {started['session']} ({tag})")
    return {"tag": tag, "sid": str(started["sid"]), "number": str(started["session"]), "blocker": str(blocker["blocker"]),
            "task": task, "question": str(question["key"]), "next": str(step["key"])}


def test_two_branches_of_two_sessions_merge_like_a_hosting_service_without_conflict(tmp_path: Path) -> None:
    _, lead, alice, bob = _team(tmp_path)
    sessions = []
    for clone, branch in ((alice, "feature-a"), (bob, "feature-b")):
        clone.git("switch", "-q", "-c", branch)
        clone.st("hooks", "install")
        sessions += [_session(clone, f"{clone.name.lower()}1"), _session(clone, f"{clone.name.lower()}2")]
        assert clone.git("status", "--porcelain").stdout == ""  # nothing left behind: views are ignored
        clone.git("push", "-q", "origin", branch)
    # Both clones counted on their own: both have 00001 and 00002.
    assert [s["number"] for s in sessions] == ["00001", "00002", "00001", "00002"]

    lead.git("fetch", "-q", "origin")
    for branch, tags in (("feature-a", ("alice1", "alice2")), ("feature-b", ("bob1", "bob2"))):
        changes = lead.git("diff", "--name-status", "--no-renames", f"main...origin/{branch}").stdout.split("\n")
        entries = [line.split("\t") for line in changes if line]
        code = {f"src/{tag}.py" for tag in tags}
        for status, path in entries:
            assert status == "A", (branch, status, path)  # a branch modifies nothing: it adds
            assert path in code or (path.startswith(".sessions/events/") and path.endswith(".jsonl")), path
        assert code <= {path for _, path in entries}

    lead.st("hooks", "install")  # post-merge renders the documents after each merge
    info = lead.root / ".git" / "info"
    info.mkdir(exist_ok=True)
    (info / "attributes").write_text("* merge=text\n")  # as a hosting service: no union, no driver
    for branch in ("feature-a", "feature-b"):
        merged = lead.git("merge", "--no-ff", "-q", "-m", f"Merge {branch}", f"origin/{branch}", check=False)
        assert merged.returncode == 0, merged.stdout + merged.stderr
    assert lead.git("diff", "--name-only", "--diff-filter=U").stdout == ""
    assert lead.git("status", "--porcelain").stdout == ""

    doctor = lead.json("doctor")
    assert doctor["ok"] is True, doctor
    clashes = [f for f in doctor["findings"] if f["check"] == "duplicate-number"]
    assert len(clashes) == 2  # 00001 and 00002 are each held by two sessions: reported
    listed = lead.json("list")["sessions"]
    assert sorted(str(s["sid"]) for s in listed) == sorted(s["sid"] for s in sessions)

    status = json.dumps(lead.json("status"))
    for session in sessions:
        for key in ("task", "question", "next", "blocker"):
            assert session[key] in status, (key, session[key])
    handoffs = sorted((lead.root / "archive" / "sessions").glob("SESSION-*-HANDOFF.md"))
    assert len(handoffs) == 4
    texts = [h.read_text() for h in handoffs]
    for session in sessions:
        own = [t for t in texts if f"{session['tag']}: wrote the parser" in t]
        assert len(own) == 1, session  # each session has its own handoff
        other_side = "bob" if session["tag"].startswith("alice") else "alice"
        assert other_side not in own[0]  # nothing of the parallel branch leaks into it

    for session in sessions:
        shown = lead.json("show", session["sid"])
        assert shown["sid"] == session["sid"]
        assert lead.json("show", session["sid"][:12])["sid"] == session["sid"]
    refused = lead.st("show", "00001", check=False)
    assert refused.returncode == 1
    first_ones = [s["sid"] for s in sessions if s["number"] == "00001"]
    assert "ambiguous" in refused.stderr and all(sid in refused.stderr for sid in first_ones)

    # One command gives the later session its own number, by an event; the clash is gone.
    later = max(first_ones)
    renumbered = lead.json("renumber", later)
    assert renumbered["session"] == "00003"
    assert lead.json("show", "00003")["sid"] == later
    assert lead.json("show", "00001")["sid"] == min(first_ones)
    assert lead.git("status", "--porcelain").stdout.strip().startswith("?? .sessions/events/00003-")


def test_git_is_never_blocked_by_an_open_session(tmp_path: Path) -> None:
    _, _lead, alice, bob = _team(tmp_path)
    alice.st("hooks", "install")
    started = alice.json("init", "-o", "work while others push")
    alice.st("log", "before the first commit")
    (alice.root / "app.py").write_text("print('v1')\n")
    alice.git("add", "app.py")
    alice.git("commit", "-q", "-m", "app: first version")
    original = alice.git("rev-parse", "HEAD").stdout.strip()
    alice.git("commit", "-q", "--amend", "-m", "app: first version, amended")  # nothing new logged: still allowed
    replaced = alice.git("rev-parse", "HEAD").stdout.strip()
    alice.st("log", "after the commit")  # into the journal: the tree stays clean
    assert alice.git("status", "--porcelain").stdout == ""

    (bob.root / "lib.py").write_text("print('lib')\n")
    bob.git("add", "lib.py")
    bob.git("commit", "-q", "-m", "lib: Bob's work")
    bob.git("push", "-q", "origin", "main")
    theirs = bob.git("rev-parse", "HEAD").stdout.strip()

    alice.git("pull", "-q", "--rebase", "origin", "main")  # not refused: nothing of ours is modified
    rebased = alice.git("rev-parse", "HEAD").stdout.strip()
    assert rebased != replaced
    assert alice.json("summary")["session"] == started["session"]
    alice.git("switch", "-q", "-c", "elsewhere")
    alice.st("log", "a fix on the side")  # the enforcement hooks want an entry per commit
    (alice.root / "side.py").write_text("print('side')\n")
    alice.git("add", "side.py")
    alice.git("commit", "-q", "-m", "side: a fix made elsewhere")
    alice.git("switch", "-q", "main")
    alice.git("cherry-pick", "elsewhere")
    alice.git("merge", "-q", "--no-edit", "elsewhere")
    (alice.root / "scratch.txt").write_text("untracked work\n")
    alice.git("stash", "-u")
    assert alice.json("summary")["session"] == started["session"]  # still open, still whole
    alice.st("log", "while stashed")
    alice.git("stash", "pop")
    assert (alice.root / "scratch.txt").exists()
    ended = alice.json("end")
    assert ended["session"] == started["session"]
    handoff = (alice.root / "archive" / "sessions" / f"SESSION-{started['session']}-HANDOFF.md").read_text()
    files = (alice.root / "archive" / "sessions" / f"SESSION-{started['session']}-FILES.txt").read_text()
    text = handoff + files
    assert rebased[:7] in text and replaced[:7] not in text and original[:7] not in text
    assert "Merged in" in handoff and theirs[:7] in handoff.split("Merged in")[1]  # Bob's, as merged
    shown = alice.json("show", started["sid"])
    timeline = [e["data"].get("message") for e in shown["timeline"]]
    assert {"before the first commit", "after the commit", "while stashed"} <= set(timeline)


def test_a_commit_by_the_identity_git_is_given_in_the_environment_is_the_sessions_own(repo: Path, cli: Cli) -> None:
    """Scripts and CI set GIT_COMMITTER_EMAIL instead of the config: git commits with it, so a
    commit made so during the session is the session's own, not "merged in"."""
    subprocess.run(["git", "config", "user.email", "configured@example.com"], cwd=repo, check=True)
    who = {"GIT_COMMITTER_EMAIL": "ci-bot@example.com", "GIT_AUTHOR_EMAIL": "ci-bot@example.com"}
    assert cli("init", env=who).code == 0
    (repo / "feature.py").write_text("x = 1\n")
    subprocess.run(["git", "add", "feature.py"], cwd=repo, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "Add the feature"], cwd=repo, check=True, env={**os.environ, **who})
    ended = cli("end", "--json", env=who)
    assert ended.code == 0, ended.err
    handoff = cli("handoff").out
    assert "Add the feature" in handoff.split("## Commits")[1].split("##")[0]  # own, not merged in
    assert "Merged in" not in handoff
