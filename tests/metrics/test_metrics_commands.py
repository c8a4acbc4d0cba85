"""metrics record/import/show/history/session, gates, end --require-gates, the chart."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from defusedxml import ElementTree

from conftest import run_cli, snapshot
from helpers import event_path
from session_tracker.commands import gate as gate_cmd
from session_tracker.commands import metrics
from session_tracker.commands.end import end
from session_tracker.commands.init import init
from session_tracker.commands.log import log
from session_tracker.core.context import Context
from session_tracker.core.model import load_project
from session_tracker.errors import TrackerError
from session_tracker.metrics.chart import SERIES, render_svg, sparkline

JUNIT = '<testsuites><testsuite time="2.5"><testcase name="a"/><testcase name="b"><failure/></testcase></testsuite></testsuites>'


def _ctx() -> Context:
    return Context(env={})


def _config(repo: Path, text: str) -> None:
    (repo / ".sessions").mkdir(exist_ok=True)
    (repo / ".sessions" / "config.toml").write_text(text)


def _events(repo: Path, name: str = "00001") -> list[dict[str, object]]:
    lines = event_path(repo, name).read_text().splitlines()
    return [json.loads(line) for line in lines]


def test_record_by_hand_and_delta_to_previous_session(repo: Path) -> None:
    ctx = _ctx()
    init(ctx)
    metrics.record_manual(ctx, tests_passed=40, tests_failed=0, coverage_percent=86.4, lint_errors=3, type_errors=0)
    end(ctx)
    init(_ctx())
    result = metrics.record_manual(_ctx(), tests_passed=41, tests_failed=1, coverage_percent=84.1, lint_errors=3)
    assert result["coverage_percent"] == 84.1 and result["tests_total"] == 42
    assert result["delta"] == {**result["delta"], "coverage_percent": -2.3, "tests_passed": 1, "lint_errors": 0}  # type: ignore[dict-item]
    text = run_cli(repo, "metrics", "show")
    assert "coverage    84.1% (−2.3)" in text.out and "tests       41/42 passed (+1)" in text.out
    assert "type errors not measured" in text.out
    shown = json.loads(run_cli(repo, "metrics", "show", "--json").out)
    for key in ("tests_passed", "tests_failed", "tests_errors", "tests_skipped", "tests_total", "coverage_percent", "lint_errors", "type_errors"):
        assert key in shown
    assert shown["previous"]["session"] == "00001"


def test_latest_combines_partial_recordings(repo: Path) -> None:
    from session_tracker.metrics.latest import latest

    ctx = _ctx()
    init(ctx)
    metrics.record_manual(ctx, tests_passed=5, lint_errors=2)
    metrics.record_manual(ctx, coverage_percent=70.0)
    metrics.record_manual(ctx, lint_errors=1)
    found = latest(load_project(ctx.layout).sessions[0])
    assert found is not None
    assert (found["tests_passed"], found["coverage_percent"], found["lint_errors"], found["source"]) == (5, 70.0, 1, "manual")


@pytest.mark.parametrize(("args", "message"), [
    (("--coverage", "101"), "between 0 and 100"),
    (("--coverage", "-1"), "between 0 and 100"),
    (("--tests-passed", "-3"), "whole number ≥ 0"),
    ((), "no numbers given"),
])
def test_record_refuses_bad_numbers(repo: Path, args: tuple[str, ...], message: str) -> None:
    assert run_cli(repo, "init").code == 0
    before = snapshot(repo)
    result = run_cli(repo, "metrics", "record", *args)
    assert result.code == 1 and message in result.err
    assert snapshot(repo) == before


def test_import_reports_merges_into_one_event(repo: Path) -> None:
    ctx = _ctx()
    init(ctx)
    (repo / "app.py").write_text("x = 1\n")
    (repo / "junit.xml").write_text(JUNIT)
    (repo / "coverage.json").write_text(json.dumps({"files": {"app.py": {}}, "totals": {"percent_covered": 75.0}}))
    (repo / "mypy.txt").write_text("Found 3 errors in 1 file (checked 1 source file)\n")
    result = metrics.import_reports(ctx, ("junit.xml", "coverage.json", "mypy.txt"))
    assert (result["tests_passed"], result["tests_failed"], result["coverage_percent"], result["type_errors"]) == (1, 1, 75.0, 3)
    recorded = [e for e in _events(repo) if e["type"] == "metrics.recorded"]
    assert len(recorded) == 1
    data = recorded[0]["data"]
    assert isinstance(data, dict) and data["source"] == "import" and data["reports"] == ["junit.xml", "coverage.json", "mypy.txt"]
    assert data["tests_time_s"] == 2.5 and data["lint_errors"] is None


def test_import_refuses_report_older_than_session(repo: Path) -> None:
    (repo / "junit.xml").write_text(JUNIT)
    old = time.time() - 3600
    os.utime(repo / "junit.xml", (old, old))
    assert run_cli(repo, "init").code == 0
    before = snapshot(repo)
    result = run_cli(repo, "metrics", "import", "junit.xml")
    assert result.code == 1 and "before this session started" in result.err and "junit.xml" in result.err
    assert snapshot(repo) == before


def test_import_refuses_junit_timestamp_before_session(repo: Path) -> None:
    assert run_cli(repo, "init").code == 0
    (repo / "junit.xml").write_text(JUNIT.replace("<testsuite ", '<testsuite timestamp="2020-01-01T00:00:00+00:00" '))
    result = run_cli(repo, "metrics", "import", "junit.xml")
    assert result.code == 1 and "says its tests ran at 2020-01-01" in result.err


def test_import_refuses_report_from_another_repository(repo: Path, tmp_path: Path) -> None:
    ctx = _ctx()
    init(ctx)
    elsewhere = tmp_path / "other"
    elsewhere.mkdir()
    (elsewhere / "lib.py").write_text("")
    report = repo / "coverage.json"
    report.write_text(json.dumps({"files": {str(elsewhere / "lib.py"): {}}, "totals": {"percent_covered": 99.0}}))
    with pytest.raises(TrackerError, match="from another repository"):
        metrics.import_reports(ctx, (str(report),))
    report.write_text(json.dumps({"files": {"not/here.py": {}}, "totals": {"percent_covered": 99.0}}))
    with pytest.raises(TrackerError, match="from another repository"):
        metrics.import_reports(ctx, (str(report),))
    lcov = repo / "lcov.info"
    lcov.write_text("SF:README.md\nLF:1\nLH:1\nend_of_record\n")
    assert metrics.import_reports(ctx, (str(lcov),))["coverage_percent"] == 100.0


def test_import_one_bad_file_records_nothing(repo: Path) -> None:
    assert run_cli(repo, "init").code == 0
    (repo / "junit.xml").write_text(JUNIT)
    (repo / "broken.xml").write_text(JUNIT[:40])
    before = snapshot(repo)
    result = run_cli(repo, "metrics", "import", "junit.xml", "broken.xml")
    assert result.code == 1 and "broken.xml" in result.err and "expected a JUnit XML report" in result.err
    assert snapshot(repo) == before
    result = run_cli(repo, "metrics", "import", "--format", "mypy", "junit.xml")
    assert result.code == 1 and "expected mypy's output" in result.err


def test_history_with_sparklines(repo: Path) -> None:
    for coverage in (50.0, 75.0, 100.0):
        ctx = _ctx()
        init(ctx)
        metrics.record_manual(ctx, coverage_percent=coverage, tests_passed=int(coverage))
        end(ctx)
    result = json.loads(run_cli(repo, "metrics", "history", "--json").out)
    assert [r["coverage_percent"] for r in result["sessions"]] == [50.0, 75.0, 100.0]
    assert result["sparklines"]["coverage_percent"] == "▁▅█"
    text = run_cli(repo, "metrics", "history").out
    assert "00003" in text and "▁▅█" in text
    assert sparkline([1, None, 1]) == "▄ ▄" and sparkline([]) == ""


def test_gates_fail_and_pass_as_configured(repo: Path) -> None:
    _config(repo, "[gates]\ncoverage_min = 80\ncoverage_max_drop = 1.0\n")
    ctx = _ctx()
    init(ctx)
    metrics.record_manual(ctx, tests_passed=10, tests_failed=0, coverage_percent=86.0, lint_errors=2, type_errors=1)
    assert gate_cmd.gate(ctx)["ok"] is True
    end(ctx)
    ctx = _ctx()
    init(ctx)
    metrics.record_manual(ctx, tests_passed=9, tests_failed=1, coverage_percent=79.5, lint_errors=3, type_errors=1)
    result = gate_cmd.gate(ctx)
    assert result["failing"] == ["tests_pass", "coverage_min", "coverage_max_drop", "lint_not_increasing"]
    cli = run_cli(repo, "gate")
    assert cli.code == 1
    assert "✗ coverage_max_drop: coverage 86.0% → 79.5% (-6.5 points; may drop 1)" in cli.out
    assert "✗ lint_not_increasing: lint errors 2 → 3" in cli.out and "✓ types_not_increasing" in cli.out
    metrics.record_manual(ctx, tests_failed=0, tests_passed=10, coverage_percent=85.5, lint_errors=2)
    assert gate_cmd.gate(ctx)["ok"] is True
    assert run_cli(repo, "gate", "--json").code == 0
    _config(repo, "[gates]\ntests_pass = false\nlint_not_increasing = false\ntypes_not_increasing = false\n")
    assert gate_cmd.gate(_ctx())["rules"] == []


def test_gates_fail_when_nothing_was_measured(repo: Path) -> None:
    ctx = _ctx()
    init(ctx)
    result = gate_cmd.gate(ctx)
    assert result["failing"] == ["tests_pass"]


def test_end_require_gates_refuses_then_force_leaves_a_trace(repo: Path) -> None:
    assert run_cli(repo, "init").code == 0
    assert run_cli(repo, "metrics", "record", "--tests-passed", "3", "--tests-failed", "1").code == 0
    refused = run_cli(repo, "end", "--require-gates")
    assert refused.code == 1 and "tests_pass: 1 failed, 0 errors of 4 tests" in refused.err
    assert not any(e["type"] == "session.ended" for e in _events(repo))
    forced = run_cli(repo, "end", "--require-gates", "--force")
    assert forced.code == 0, forced
    types = [e["type"] for e in _events(repo)]
    assert types[-2:] == ["gate.overridden", "session.ended"]
    handoff = (repo / "archive" / "sessions" / "SESSION-00001-HANDOFF.md").read_text()
    assert "## Quality" in handoff and "- Tests: 3/4 passed, 1 failed" in handoff and "- Coverage: not measured" in handoff
    work_log = (repo / "archive" / "sessions" / "SESSION-00001-LOG.md").read_text()
    assert "| gates | ended with failing gates: tests_pass: 1 failed" in work_log
    assert "| metrics | tests 3/4 passed (manual) |" in work_log


def test_end_takes_a_snapshot_when_configured(repo: Path) -> None:
    _config(repo, '[metrics]\non_end = true\nchecks = [{ name = "t", argv = ["{python}", "-c", "print(\'All checks passed!\')"],'
                  ' stdout = "{tmp}/r.txt", reports = ["ruff:{tmp}/r.txt"] }]\n')
    ctx = _ctx()
    init(ctx)
    end(ctx)
    recorded = [e for e in _events(repo) if e["type"] == "metrics.recorded"]
    assert len(recorded) == 1 and recorded[0]["data"]["source"] == "end" and recorded[0]["data"]["lint_errors"] == 0  # type: ignore[index]
    handoff = (repo / "archive" / "sessions" / "SESSION-00001-HANDOFF.md").read_text()
    assert "- Lint errors: 0" in handoff


def test_handoff_says_not_measured(repo: Path) -> None:
    ctx = _ctx()
    init(ctx)
    result = end(ctx)
    assert "## Quality\n\n- Not measured" in str(result["handoff"])


def test_session_metrics_in_seed_003_shape(repo: Path) -> None:
    ctx = _ctx()
    init(ctx, objectives=("one", "two"))
    for message, category in (("a", "implementation"), ("b", "implementation"), ("c", "bugfix"), ("d", "documentation")):
        log(ctx, message, category=category)
    metrics.record_manual(ctx, tests_passed=8, tests_failed=2)
    (repo / "app.py").write_text("x = 1\n")
    (repo / "README.md").write_text("# project\n\nmore\n")
    end(ctx)
    result = json.loads(run_cli(repo, "metrics", "session", "--json").out)
    assert result["session"] == "00001"
    assert set(result["metrics"]) == {"tasksPlanned", "tasksCompleted", "testsWritten", "testsPassed", "bugsFixed", "bugsIntroduced",
                                      "linesAdded", "linesRemoved", "timeSpent", "timeEstimated"}
    assert result["metrics"]["tasksPlanned"] == 2 and result["metrics"]["testsPassed"] == 8 and result["metrics"]["bugsFixed"] == 1
    assert result["metrics"]["linesAdded"] == 3
    rates = result["rates"]
    assert rates == {"completion_rate": None, "quality_score": 0.8, "time_efficiency": None, "bug_rate": 0.5, "documentation_coverage": 1.0}
    # quality 0.8 (weight 30), bugs 1 - 0.5 (10), docs 1.0 (15): (24 + 5 + 15) / 55
    assert result["score"] == round(100 * 44 / 55)


def test_chart_is_valid_svg_with_one_series_per_metric(all_documents: Path, repo: Path) -> None:
    for numbers in ({"tests_passed": 3, "coverage_percent": 50.0, "lint_errors": 4, "type_errors": 2},
                    {"tests_passed": 5, "coverage_percent": 60.5, "lint_errors": 1},
                    {"tests_passed": 6, "coverage_percent": 70.0, "lint_errors": 0, "type_errors": 0}):
        ctx = _ctx()
        init(ctx)
        metrics.record_manual(ctx, **numbers)  # type: ignore[arg-type]
        end(ctx)
    chart = repo / "session-metrics.svg"
    content = chart.read_bytes()
    root = ElementTree.fromstring(content)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    lines = root.findall(f".//{ns}polyline")
    assert [p.get("data-metric") for p in lines] == [name for name, _, _ in SERIES]
    points = {p.get("data-metric"): (p.get("points") or "").split() for p in lines}
    assert len(points["tests_passed"]) == 3 and len(points["type_errors"]) == 2
    assert len(root.findall(f".//{ns}g[@class='legend']/{ns}text")) == 4
    history = metrics.history(_ctx())["sessions"]
    assert render_svg(history).encode() == content  # type: ignore[arg-type]
    assert render_svg([]).startswith("<svg")
    # The chart is the tracker's own file: never listed as a change of the session.
    files = (repo / "archive" / "sessions" / "SESSION-00003-FILES.txt").read_text()
    assert "session-metrics.svg" not in files
    chart.unlink()
    rendered = run_cli(repo, "render", "--json")
    assert "session-metrics.svg" in json.loads(rendered.out)["written"] and chart.read_bytes() == content


def test_chart_can_be_switched_off_and_config_is_validated(repo: Path) -> None:
    _config(repo, "[metrics]\nchart = false\n")
    assert run_cli(repo, "init").code == 0
    assert run_cli(repo, "metrics", "record", "--coverage", "50").code == 0
    assert not (repo / "session-metrics.svg").exists()
    for bad, message in (("[gates]\ncoverage_min = 120\n", "percentage from 0 to 100"),
                         ("[metrics]\nchecks = [{ name = \"x\", argv = \"pytest\" }]\n", "argv must be a non-empty list"),
                         ("[metrics]\nchecks = [{ name = \"x\", argv = [\"a\"], reports = [\"xml:a\"] }]\n", "is not kind:path"),
                         ("[metrics]\nchart = \"../out.svg\"\n", "inside the project")):
        _config(repo, bad)
        result = run_cli(repo, "gate")
        assert result.code == 1 and message in result.err, (bad, result)


def test_chart_goes_beside_the_tracker(repo: Path) -> None:
    _config(repo, '[documents]\ntracker = "docs/SESSION_TRACKER.md"\n')
    ctx = _ctx()
    init(ctx)
    result = metrics.record_manual(ctx, coverage_percent=10.0)
    assert "docs/session-metrics.svg" in result["written"]  # type: ignore[operator]
    assert (repo / "docs" / "session-metrics.svg").exists()

