"""Issue 13: a handoff the next session can trust, end to end through real CLI and hook processes
in temporary git repositories.

- one list of next steps: `next`, `end --next` and `handoff --item` all reach `init`'s printed
  handoff, the agents' SessionStart context and `status --json`, until `next --done`;
- a hard context budget: 30 long blockers and 20 steps fit 8,000 characters, each named, with a
  closing "left out" line and a `context.injected` receipt shown by `receipts`;
- stable history: a back-dated `log --at` neither reorders sessions nor upsets `doctor`.

Nothing here depends on event file names or id formats (the storage layout may change): ids are
read from `--json` output.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from conftest import GIT_ENV, git, run_cli
from helpers import assert_clean_error
from session_tracker.commands.blocker import open_blocker
from session_tracker.commands.plan import next_step
from session_tracker.core.context import Context
from session_tracker.core.paths import Layout


def _json(result: Any) -> dict[str, Any]:
    assert result.code == 0, result
    return json.loads(result.out)  # type: ignore[no-any-return]


def _session_start(repo: Path, agent_session: str = "agent-1", source: str = "startup") -> str:
    payload = {"session_id": agent_session, "transcript_path": str(repo.parent / "t.jsonl"), "cwd": str(repo),
               "permission_mode": "default", "hook_event_name": "SessionStart", "source": source}
    proc = subprocess.run([sys.executable, "-m", "session_tracker", "hook", "claude-code"], cwd=repo,
                          env={**os.environ, **GIT_ENV}, input=json.dumps(payload).encode(), capture_output=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    text = out["hookSpecificOutput"]["additionalContext"]
    assert isinstance(text, str)
    return text


def test_a_step_from_each_of_the_three_commands_reaches_every_reader(repo: Path, cli: Any) -> None:
    _json(cli("init", "--preset", "all", "--json"))  # every document: the project ones read the list too
    by_next = _json(cli("next", "Write the migration guide", "--priority", "1", "--json"))["key"]
    by_item = _json(cli("handoff", "--item", "Benchmark the importer", "--json"))["step"]
    ended = _json(cli("end", "--next", "Review the redaction patterns", "--json"))
    assert ended["status"] == "COMPLETE"

    started = cli("init")  # what a person reads first
    assert started.code == 0, started
    printed = started.out
    steps = _json(cli("status", "--json"))["next"]
    ids = [s["id"] for s in steps]
    assert [s["message"] for s in steps] == ["Write the migration guide", "Benchmark the importer", "Review the redaction patterns"]
    assert ids[0] == by_next and ids[1] == by_item and len(set(ids)) == 3
    assert steps[0]["priority"] == 1 and {s["source"] for s in steps} == {"next", "handoff", "end"}
    for step in steps:
        assert f"[{step['id']}] {step['message']}" in printed, printed

    cli("end")
    context = _session_start(repo)
    for step in steps:
        assert f"[{step['id']}] {step['message']}" in context, context

    # Done means gone from every reader; the others are carried on.
    assert cli("next", "--done", ids[2]).code == 0
    left = _json(cli("status", "--json"))["next"]
    assert [s["id"] for s in left] == ids[:2]
    assert "Review the redaction patterns" not in _session_start(repo, agent_session="agent-2")
    tracker = (repo / "SESSION_TRACKER.md").read_text()
    open_part = tracker.split("## Next Steps (open)", 1)[1].split("---", 1)[0]
    assert f"`{ids[0]}` Write the migration guide" in open_part and "Review the redaction patterns" not in open_part
    assert f"`{ids[1]}` Benchmark the importer" in (repo / "IMPLEMENTATION.md").read_text()
    assert "Next session should: [" in (repo / "progress.txt").read_text()
    assert_clean_error(cli("next", "--done", "n-999"), "no open next step")


def test_thirty_long_blockers_and_twenty_steps_fit_the_budget_each_named(repo: Path, cli: Any) -> None:
    _json(cli("init", "--json"))
    ctx = Context(layout=Layout(str(repo)), env={})
    blocker_ids = []
    for i in range(30):
        text = f"Blocker {i}: the staging database refuses connections from the CI runners " + "because of the firewall rule " * 11
        assert len(text) > 350
        blocker_ids.append(str(open_blocker(ctx, text)["blocker"]))
    for i in range(20):
        next_step(ctx, f"Step {i}: port the parser for format {i} and add its tests " + "with real fixtures " * 8)
    cli("end", "--next", "Step from end: tidy the changelog")
    steps = _json(cli("status", "--json"))["next"]
    assert len(steps) == 21

    context = _session_start(repo)
    assert len(context) <= 8000, len(context)
    for ident in blocker_ids:
        assert f"[{ident}] Blocker " in context, ident  # every blocker named, shortened if need be
    for step in steps:
        assert f"[{step['id']}] Step " in context, step
    last = context.rstrip("\n").splitlines()[-1]
    assert last.startswith("Left out to fit 8,000 characters:") and "session-tracker status" in last, last

    receipts = _json(cli("receipts", "--json"))["receipts"]
    assert len(receipts) == 1
    receipt = receipts[0]
    assert receipt["chars"] == len(context) and receipt["budget"] == 8000 and receipt["inline_limit"] == 10000
    assert receipt["tokens_est"] == -(-len(context) // 4)
    kept = {p["part"]: p for p in receipt["parts"]}
    assert kept["blockers"]["items"] == 30 and kept["next_steps"]["items"] == 21
    assert kept["blockers"]["kept"].startswith("shortened to")
    assert receipt["left_out"] and receipt["reason"]
    shown = cli("receipts")
    assert shown.code == 0 and f"{len(context):,} characters" in shown.out and "left out:" in shown.out


def test_a_per_agent_budget_is_honoured_and_a_tiny_one_still_names_every_item(repo: Path, cli: Any) -> None:
    _json(cli("init", "--json"))
    ctx = Context(layout=Layout(str(repo)), env={})
    ids = [str(open_blocker(ctx, f"Blocker {i} " + "x" * 300)["blocker"]) for i in range(12)]
    cli("end")
    (repo / ".sessions" / "config.toml").write_text("[agents]\ncontext_budget = 9000\nbudget_claude_code = 900\n")
    context = _session_start(repo)
    assert len(context) <= 900
    assert all(ident in context for ident in ids), context
    assert "Left out to fit 900 characters" in context


def test_a_back_dated_entry_keeps_history_in_start_order(repo: Path, cli: Any) -> None:
    first = _json(cli("init", "--json"))["session"]
    cli("log", "first session work")
    cli("end")
    second = _json(cli("init", "--json"))["session"]
    refused = cli("log", "old work", "--at", "2020-01-01 10:00")
    assert_clean_error(refused, "before the previous session ended")
    assert "--force" in refused.err
    assert_clean_error(cli("log", "tomorrow", "--at", "2999-01-01 10:00"), "in the future")
    assert cli("log", "old work", "--at", "2020-01-01 10:00", "--force").code == 0
    ended = _json(cli("end", "--json"))
    assert ended["duration_s"] < 3600  # not "60623h": the session began when it was started

    listed = _json(cli("list", "--json"))
    names = [s["session"] for s in listed["sessions"]]
    assert names == [first, second]
    doctor = cli("doctor")
    assert doctor.code == 0, doctor
    assert "edited by hand" not in doctor.out + doctor.err
    log_doc = next(repo.glob(f"archive/sessions/*{second}*LOG.md")).read_text()
    assert "2020-01-01 10:00 (retroactive, recorded" in log_doc
    git(repo, "status")  # the repository is untouched by all of it
    assert run_cli(repo, "render").code == 0
    assert cli("doctor").code == 0


def _session_documents(repo: Path, name: str) -> dict[str, bytes]:
    """Every rendered document of session ``name`` (found by its name in the path, whatever
    the layout), with its bytes."""
    found = {}
    for path in repo.rglob("*"):
        rel = path.relative_to(repo).as_posix()
        if path.is_file() and name in path.name and not rel.startswith((".git/", ".sessions/")):
            found[rel] = path.read_bytes()
    return found


def test_an_ended_session_is_a_record_with_true_summaries_and_evidence(repo: Path, cli: Any) -> None:
    first = _json(cli("init", "--preset", "all", "--objective", "Parse the config", "--json"))["session"]
    cli("log", "Wrote the TOML loader")
    cli("log", "Covered the bad-input cases", "--category", "testing")
    cli("decision", "--message", "Use tomllib", "--rationale", "In the standard library")
    blocker = _json(cli("blocker", "--message", "Spec for includes unclear", "--json"))["blocker"]
    assert cli("metrics", "record", "--tests-passed", "3", "--coverage", "97.24").code == 0
    measured = git(repo, "rev-parse", "HEAD").strip()
    (repo / "loader.py").write_text("def load():\n    return {}\n")
    git(repo, "add", "loader.py")
    git(repo, "commit", "-q", "-m", "Add the loader")
    committed = git(repo, "rev-parse", "HEAD").strip()
    _json(cli("end", "--next", "Support includes", "--json"))
    record = _session_documents(repo, first)
    assert len(record) >= 6, sorted(record)  # seed 001's four and seed 003's lifecycle documents

    # True summaries: the work log, decisions and commits count as done.
    tracker = (repo / "SESSION_TRACKER.md").read_text()
    entry = tracker.split(f"### Session {first}", 1)[1].split("#### Issues Encountered:", 1)[0]
    assert "- Wrote the TOML loader" in entry and "- Covered the bad-input cases" in entry
    assert f"- Commit `{committed[:7]}` Add the loader" in entry
    handoff_name = next(p for p in record if p.endswith("HANDOFF.md"))
    handoff = record[handoff_name].decode()
    quality = handoff.split("## Quality", 1)[1].split("## Files changed", 1)[0]
    # Evidence: the commit and time measured at, stale once the code changed after it.
    assert f"- Measured at commit {measured[:7]}, " in quality, quality
    assert f"Stale: the code changed after it (1 commit since, HEAD {committed[:7]} at end)" in quality
    assert "- Coverage: 97.2%" in quality  # one rounding, and a typed figure is plain "coverage"
    completed = next(v.decode() for p, v in record.items() if p.endswith("-completed.md"))
    assert "- Wrote the TOML loader" in completed and f"Commit `{committed[:7]}` Add the loader" in completed
    assert "none were planned for this session" in completed
    review = next(v.decode() for p, v in record.items() if p.endswith("-review.md"))
    assert "- **Score**: — (nothing was planned to score against)" in review

    # No plan: no completion percentage anywhere.
    status = _json(cli("status", "--json"))
    assert status["progress"]["percent"] is None
    implementation = (repo / "IMPLEMENTATION.md").read_text()
    assert "% Complete" not in implementation and "nothing planned" in implementation

    # Later events in another session, then a full render: the record does not move.
    second = _json(cli("init", "--json"))["session"]
    cli("blocker", "--message", "CI runner out of disk")
    cli("blocker", "--resolve", blocker, "--message", "Includes dropped from the spec")
    cli("next", "Document the loader", "--priority", "1")
    cli("handoff", "--item", "Release 0.2")
    cli("metrics", "record", "--tests-passed", "5", "--coverage", "98")
    cli("log", "Old work found later", "--at", "2020-01-01 09:00", "--force")
    _json(cli("end", "--json"))
    assert _session_documents(repo, first) == record
    shutil.rmtree(repo / ".sessions" / "local")  # every cache gone: the next render is a full one
    assert cli("render").code == 0
    assert _session_documents(repo, first) == record
    doctor = cli("doctor", "--json")
    assert doctor.code == 0, doctor.out
    assert second in {s["session"] for s in _json(cli("list", "--json"))["sessions"]}
