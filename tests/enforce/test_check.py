"""`check`: each rule in each mode (plain, --staged, --range), the JSON shape, the exit codes and
the config switch. Command functions are called directly where that is enough; `--range` and
the exit codes go through the CLI as a real process."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import Cli
from enforce_helpers import change, commit, git_run, head, stage_all
from session_tracker.commands.check import check
from session_tracker.commands.init import init
from session_tracker.commands.log import log
from session_tracker.core.context import Context
from session_tracker.core.paths import Layout
from session_tracker.core.sessions import record, resolve
from session_tracker.enforce import RULE_IDS
from session_tracker.enforce.range import parse_range
from session_tracker.errors import TrackerError


def statuses(result: dict[str, object]) -> dict[str, str]:
    return {str(r["id"]): str(r["status"]) for r in result["rules"]}  # type: ignore[attr-defined]


def rule(result: dict[str, object], rule_id: str) -> dict[str, object]:
    return next(r for r in result["rules"] if r["id"] == rule_id)  # type: ignore[attr-defined]


def fresh(repo: Path, **env: str) -> Context:
    """A new context (as each CLI process builds one)."""
    return Context(layout=Layout(str(repo)), env=dict(env))


def test_the_json_shape(ctx: Context) -> None:
    init(ctx, session="00001")
    result = check(ctx)
    assert set(result) == {"v", "ok", "mode", "range", "session", "failed", "rules"}
    assert result["v"] == 1 and result["mode"] == "plain" and result["session"] == "00001"
    assert [r["id"] for r in result["rules"]] == list(RULE_IDS)  # type: ignore[attr-defined]
    for outcome in result["rules"]:  # type: ignore[attr-defined]
        assert set(outcome) == {"id", "title", "status", "message", "hint", "details"}
        assert outcome["status"] in ("pass", "fail", "skip", "disabled") and outcome["message"]
        if outcome["status"] == "fail":
            assert outcome["hint"]
    assert result["failed"] == [r["id"] for r in result["rules"] if r["status"] == "fail"]  # type: ignore[attr-defined]
    assert result["ok"] is (not result["failed"])


def test_plain_check_for_a_person(ctx: Context, repo: Path) -> None:
    result = check(ctx)
    assert statuses(result)["open-session"] == "fail" and not result["ok"]
    init(ctx, session="00001")
    result = check(fresh(repo))
    assert statuses(result)["log-updated"] == "fail"  # nothing logged since the last commit
    log(fresh(repo), "did something")
    result = check(fresh(repo))
    assert result["ok"], result
    assert statuses(result) == {
        "open-session": "pass", "log-updated": "pass", "decision-rationale": "skip", "documents-current": "pass",
        "previous-ended": "pass", "tracked-commits": "skip", "session-trailer": "skip",
    }


def test_a_decision_without_rationale_fails_until_it_is_committed(ctx: Context, repo: Path) -> None:
    init(ctx, session="00001")
    log(fresh(repo), "x")
    session = resolve(fresh(repo))
    bad = record(fresh(repo), session, "decision", {"message": "Use tabs", "rationale": " ", "alternatives": []})
    result = check(fresh(repo))
    failed = rule(result, "decision-rationale")
    assert failed["status"] == "fail" and "1 decision has no rationale" == failed["message"]
    assert failed["details"] == [f"session 00001: decision 'Use tabs' (event {bad.id}) has no rationale"]
    assert statuses(check(fresh(repo), staged=True))["decision-rationale"] == "skip"  # not staged: not in the commit
    stage_all(repo)
    assert statuses(check(fresh(repo), staged=True))["decision-rationale"] == "fail"
    assert commit(repo, "committed anyway", "--no-verify").returncode == 0
    log(fresh(repo), "y")
    stage_all(repo)
    assert statuses(check(fresh(repo), staged=True))["decision-rationale"] == "skip"  # judged once, when new


def test_documents_edited_by_hand_or_left_unstaged(ctx: Context, repo: Path) -> None:
    """Documents are views git ignores (issue 11): a hand edit fails the plain check, and a
    commit carries no document to judge, whatever is on disk."""
    init(ctx, session="00001")
    log(fresh(repo), "first")
    stage_all(repo)
    assert rule(check(fresh(repo), staged=True), "documents-current")["status"] == "skip"
    log_md = repo / "archive/sessions/SESSION-00001-LOG.md"
    original = log_md.read_text()
    log_md.write_text(original + "\nedited by hand\n")
    plain = rule(check(fresh(repo)), "documents-current")
    assert plain["status"] == "fail" and plain["details"] == [
        "archive/sessions/SESSION-00001-LOG.md: differs from what the events say"]
    stage_all(repo)
    assert git_run(repo, "diff", "--cached", "--name-only", "--", "archive").stdout == ""  # ignored: never staged
    assert rule(check(fresh(repo), staged=True), "documents-current")["status"] == "skip"
    log_md.write_text(original)
    assert rule(check(fresh(repo)), "documents-current")["status"] == "pass"


def test_documents_a_project_does_not_commit_are_not_required(ctx: Context, repo: Path) -> None:
    (repo / ".gitignore").write_text("archive/\n")
    init(ctx, session="00001")
    log(fresh(repo), "x")
    stage_all(repo)
    result = rule(check(fresh(repo), staged=True), "documents-current")
    assert result["status"] != "fail" and result["details"] == [], result


def test_previous_ended_on_the_same_branch_only(ctx: Context, repo: Path) -> None:
    init(ctx, session="00001")
    init(fresh(repo), session="00002")  # 00001 still open
    result = rule(check(fresh(repo, CURRENT_SESSION="00002")), "previous-ended")
    assert result["status"] == "fail"
    assert result["message"] == "session 00001 is still open; session 00002 started without its handoff"
    staged = rule(check(fresh(repo, CURRENT_SESSION="00002"), staged=True), "previous-ended")
    assert staged["status"] == "fail"  # the hook's cheap path agrees
    from session_tracker.commands.end import end

    end(fresh(repo), session="00001")
    late = rule(check(fresh(repo, CURRENT_SESSION="00002")), "previous-ended")
    assert late["status"] == "fail" and "ended after session 00002 had started" in str(late["message"])
    end(fresh(repo), session="00002")
    init(fresh(repo), session="00003")
    assert rule(check(fresh(repo)), "previous-ended")["status"] == "pass"
    git_run(repo, "checkout", "-q", "-b", "parallel")
    init(fresh(repo), session="00004")  # 00003 is open, but on main: a parallel line of work
    assert rule(check(fresh(repo, CURRENT_SESSION="00004")), "previous-ended")["status"] == "pass"
    assert rule(check(fresh(repo, CURRENT_SESSION="00004"), staged=True), "previous-ended")["status"] == "pass"


def test_disabled_rules_are_reported_as_such(ctx: Context, repo: Path) -> None:
    (repo / ".sessions").mkdir()
    (repo / ".sessions" / "config.toml").write_text('[check]\ndisable = ["open-session", "previous-ended"]\n')
    result = check(fresh(repo))
    assert statuses(result)["open-session"] == "disabled" and statuses(result)["previous-ended"] == "disabled"
    assert result["ok"]


@pytest.mark.parametrize("value", ['["open-sesion"]', '"open-session"', "[1]"])
def test_a_bad_check_config_is_refused_with_the_known_rules(ctx: Context, repo: Path, value: str) -> None:
    (repo / ".sessions").mkdir()
    (repo / ".sessions" / "config.toml").write_text(f"[check]\ndisable = {value}\n")
    with pytest.raises(TrackerError) as caught:
        check(fresh(repo))
    assert "config.toml: check.disable" in caught.value.message
    assert "open-session, log-updated, decision-rationale" in caught.value.hint
    (repo / ".sessions" / "config.toml").write_text("[check]\nenable = []\n")
    with pytest.raises(TrackerError, match="unknown key check.enable"):
        check(fresh(repo))


def test_the_config_cache_keeps_the_check_section(ctx: Context, repo: Path) -> None:
    (repo / ".sessions").mkdir(parents=True)
    (repo / ".sessions" / "config.toml").write_text('[check]\ndisable = ["session-trailer"]\n')
    assert fresh(repo).config["check"]["disable"] == ["session-trailer"]
    assert (repo / ".sessions" / "local" / "config.json").exists()
    assert fresh(repo).config["check"]["disable"] == ["session-trailer"]  # from the cache


@pytest.mark.parametrize(("spec", "expected"), [
    ("origin/main..HEAD", ("origin/main", "HEAD")), ("a...b", ("a", "b")), ("main", ("main", "HEAD")), ("main..", ("main", "HEAD")),
])
def test_parse_range(spec: str, expected: tuple[str, str]) -> None:
    assert parse_range(spec) == expected


# --- --range through the CLI ---------------------------------------------------------------


@pytest.fixture
def feature(repo: Path, cli: Cli) -> Path:
    """Hooks installed, the store committed on main; a `feature` branch with two tracked commits."""
    assert cli("hooks", "install").code == 0
    assert cli("init", "--session", "00001").code == 0
    assert cli("log", "setup").code == 0
    stage_all(repo)
    assert commit(repo, "Start the store").returncode == 0
    git_run(repo, "checkout", "-q", "-b", "feature")
    for name in ("a.py", "b.py"):
        assert cli("log", f"add {name}").code == 0
        change(repo, name)
        stage_all(repo)
        assert commit(repo, f"Add {name}").returncode == 0
    return repo


def test_range_passes_when_every_commit_is_tracked(feature: Path, cli: Cli) -> None:
    result = cli("check", "--range", "main..HEAD")
    assert result.code == 0, result
    assert "✓ tracked-commits" in result.out and "2 commits in main..HEAD, each in a tracked session" in result.out  # "Record…": the record
    report = json.loads(cli("check", "--range", "main..HEAD", "--json").out)
    assert report["mode"] == "range" and report["range"] == "main..HEAD" and report["ok"]
    assert statuses(report)["open-session"] == "skip" and statuses(report)["documents-current"] == "skip"  # no documents committed


def test_range_fails_on_an_untracked_commit(feature: Path, cli: Cli) -> None:
    change(feature, "c.py")
    assert commit(feature, "Sneak c in", env={"SESSION_TRACKER_SKIP": "1"}).returncode == 0
    sneaked = head(feature)
    result = cli("check", "--range", "main..HEAD")
    assert result.code == 1
    assert f"{sneaked[:7]} Sneak c in: no session recorded it" in result.out
    assert f"{sneaked[:7]} Sneak c in: no `Session:` trailer" in result.out
    assert "2 rules failed: tracked-commits, session-trailer" in result.out
    assert cli("check", "--range", "main..HEAD~1").code == 0  # the range without it


def test_range_accepts_a_recorded_commit_without_trailer_only_when_the_trailer_rule_is_off(feature: Path, cli: Cli) -> None:
    change(feature, "d.py")
    assert commit(feature, "No trailer, but recorded", "--no-verify").returncode == 0
    assert cli("log", "and record it").code == 0
    stage_all(feature)
    done = commit(feature, "Commit the record")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(cli("check", "--range", "main..HEAD", "--json").out)
    assert statuses(report)["tracked-commits"] == "pass" and statuses(report)["session-trailer"] == "fail"
    (feature / ".sessions" / "config.toml").write_text('[check]\ndisable = ["session-trailer"]\n')
    assert cli("check", "--range", "main..HEAD").code == 0


def test_range_exempts_merges_and_commits_of_the_record(feature: Path, cli: Cli) -> None:
    git_run(feature, "checkout", "-q", "main")
    change(feature, "hotfix.py")
    assert commit(feature, "Hotfix on main", env={"SESSION_TRACKER_SKIP": "1"}).returncode == 0
    git_run(feature, "checkout", "-q", "feature")
    merged = git_run(feature, "merge", "--no-edit", "main", env={"SESSION_TRACKER_SKIP": "1"})
    assert merged.returncode == 0, merged.stderr
    assert cli("check", "--range", "main..HEAD").code == 0  # the merge is exempt; the hotfix is not in the range


def test_range_that_does_not_resolve(repo: Path, cli: Cli) -> None:
    result = cli("check", "--range", "origin/main..HEAD")
    assert result.code == 1
    assert "'origin/main' does not name a commit" in result.err and "fetch-depth: 0" in result.err


def test_staged_and_range_together_is_a_usage_error(repo: Path, cli: Cli) -> None:
    result = cli("check", "--staged", "--range", "main..HEAD")
    assert result.code == 2
    assert "cannot be combined" in result.err


def test_check_exits_1_and_lists_each_failing_rule(repo: Path, cli: Cli) -> None:
    result = cli("check")
    assert result.code == 1
    assert "✗ open-session" in result.out and "hint: start one with `session-tracker init`" in result.out
    assert "❌ 2 rules failed: open-session" not in result.out or "log-updated" in result.out


def test_other_documents_are_compared_by_a_person_and_in_ci_not_by_the_hook(ctx: Context, repo: Path) -> None:
    from session_tracker.enforce.inputs import KINDS, project_documents, session_kinds

    init(ctx, session="00001")
    log(fresh(repo), "x")
    others = [k for k in session_kinds(ctx) if k not in KINDS]
    written = [p for k in others if (p := ctx.document(k, "00001")) and Path(p).exists()]
    project = [repo / p for p in project_documents(ctx) if (repo / p).exists()]
    if not written and not project:
        pytest.skip("no other documents are written by this version")
    target = Path(written[0]) if written else project[0]
    stage_all(repo)
    target.write_text(target.read_text() + "\nedited by hand\n")
    relative = target.relative_to(repo).as_posix()
    plain = rule(check(fresh(repo)), "documents-current")
    assert plain["status"] == "fail" and f"{relative}: differs from what the events say" in plain["details"]  # type: ignore[operator]
    stage_all(repo)
    staged = rule(check(fresh(repo), staged=True), "documents-current")
    assert not any(relative in d for d in staged["details"])  # type: ignore[attr-defined]


def _documents_verdict(repo: Path) -> tuple[str, str, list[str]]:
    result = rule(check(fresh(repo)), "documents-current")
    return str(result["status"]), str(result["message"]), sorted(result["details"])  # type: ignore[call-overload]


@pytest.mark.parametrize("preset", ["all", "default"])
def test_documents_the_render_manifest_vouches_for_are_judged_as_a_fresh_render_would(repo: Path, preset: str) -> None:
    """After ``render`` the plain check renders again only what its manifest cannot vouch for
    (documents/current.py); its verdict equals the one without a manifest, whatever changed.
    Every document (the lifecycle ones read the summary view), or the session archive only
    (a few sessions' handoffs are rendered from the others' blockers and metrics)."""
    from session_tracker.commands.blocker import open_blocker
    from session_tracker.commands.end import end
    from session_tracker.commands.plan import phase_add
    from session_tracker.commands.render import render
    from session_tracker.documents.manifest import manifest_path

    if preset == "all":
        (repo / ".sessions").mkdir(exist_ok=True)
        (repo / ".sessions/config.toml").write_text('[documents]\npreset = "all"\n')
    phase_add(fresh(repo), "Phase 0", "1-4")  # a plan: with every document, the project's are written
    for name in ("00001", "00002", "00003"):
        init(fresh(repo), session=name)
        log(fresh(repo), f"work of {name}")
        if name == "00001":
            open_blocker(fresh(repo), "Waiting for the vendor")  # shown in every later handoff
        end(fresh(repo))
    init(fresh(repo), session="00004")
    log(fresh(repo), "open work")
    manifest = Path(manifest_path(fresh(repo)))

    def both() -> tuple[str, str, list[str]]:
        render(fresh(repo))
        with_manifest = _documents_verdict(repo)
        kept = manifest.read_bytes()
        manifest.unlink()
        without = _documents_verdict(repo)
        manifest.write_bytes(kept)
        assert with_manifest == without
        return with_manifest

    status, message, details = both()
    assert status == "pass" and details == [] and message.endswith("documents match the events")
    # a note reaches an ended session's file, as a merge brings one, and nothing renders
    render(fresh(repo))
    path = next(p for p in (repo / ".sessions/events").iterdir() if p.name.startswith("00001-"))
    line = json.loads(path.read_text().splitlines()[1])
    line.update(id="01J" + "9" * 23, data={"category": "implementation", "message": "late note from a merge"})
    with path.open("a") as handle:
        handle.write(json.dumps(line) + "\n")
    status, message, details = _documents_verdict(repo)
    assert status == "fail" and "archive/sessions/SESSION-00001-LOG.md: differs from what the events say" in details
    assert ("SESSION_TRACKER.md: differs from what the events say" in details) is (preset == "all")
    kept = manifest.read_bytes()
    manifest.unlink()
    assert _documents_verdict(repo) == (status, message, details)
    manifest.write_bytes(kept)
    # a hand edit of an ended session's handoff
    assert both()[0] == "pass"
    handoff = next((repo / "archive/sessions").glob("*00002*HANDOFF*"))
    handoff.write_text(handoff.read_text() + "\nedited\n")
    status, _, details = _documents_verdict(repo)
    assert status == "fail" and details == [f"{handoff.relative_to(repo).as_posix()}: differs from what the events say"]
    # what render trusts, check trusts: a same-size edit with its stamp put back is not rendered again
    render(fresh(repo))
    stamp = handoff.stat()
    text = handoff.read_text()
    handoff.write_text(text.replace("0", "9", 1) if "0" in text else text.upper())
    os.utime(handoff, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert _documents_verdict(repo)[0] == "pass"
    manifest.unlink()
    assert _documents_verdict(repo)[0] == "fail"


def test_sessions_sharing_a_number_are_each_judged_by_their_own_documents(repo: Path) -> None:
    """Two clones each made a session 00001 and a merge brought the other's file: after a
    render, plain check compares each session's documents (``00001`` and ``00001-<sid>``),
    with the render manifest and without it."""
    from session_tracker.commands.end import end
    from session_tracker.commands.render import render
    from session_tracker.documents.manifest import manifest_path

    init(fresh(repo), session="00001")
    log(fresh(repo), "ours")
    end(fresh(repo))
    other = "01AAAAAAAAAAAAAAAAAAAAAAAA"  # sorts first: it keeps the plain number
    lines = [{"v": 1, "id": other, "ts": "2026-11-30T10:00:00.000+00:00", "session": "00001", "sid": other,
              "type": "session.started", "actor": "human", "data": {"number": "00001", "objectives": ["theirs"], "tz": "+00:00"}},
             {"v": 1, "id": other[:-1] + "B", "ts": "2026-11-30T11:00:00.000+00:00", "session": "00001", "sid": other,
              "type": "session.ended", "actor": "human", "data": {"next": []}}]
    (repo / ".sessions/events" / f"00001-{other}.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    init(fresh(repo), session="00002")
    log(fresh(repo), "open work")
    render(fresh(repo))
    labelled = sorted(p.name for p in (repo / "archive/sessions").glob("SESSION-00001-*HANDOFF.md"))
    assert len(labelled) == 2  # SESSION-00001-HANDOFF.md and SESSION-00001-<sid>-HANDOFF.md
    with_manifest = _documents_verdict(repo)
    Path(manifest_path(fresh(repo))).unlink()
    without = _documents_verdict(repo)
    assert with_manifest == without
    assert without[0] == "pass" and without[2] == []
    assert without[1] == f"{len(list((repo / 'archive/sessions').iterdir()))} documents match the events"
