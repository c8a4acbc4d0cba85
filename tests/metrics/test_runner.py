"""The issue's "done when": a real Python project with a failing test, partial coverage, a lint
error and a type error; `metrics run` with no configuration records exactly what pytest's
summary line, coverage's report TOTAL, ruff and mypy print for the same code."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import git, run_cli, snapshot
from helpers import event_path
from session_tracker.commands.init import init
from session_tracker.commands.metrics import run
from session_tracker.core.context import Context

CALC = '''import os


def add(a: int, b: int) -> int:
    return a + b


def half(a: int) -> int:
    return a / 2


def sign(x: int) -> int:
    if x > 0:
        return 1
    if x < 0:
        return -1
    return 0
'''

TESTS = '''from calc import add, half


def test_add() -> None:
    assert add(1, 2) == 3


def test_half() -> None:
    assert half(4) == 3


def test_zero() -> None:
    assert add(0, 0) == 0


def test_negative() -> None:
    assert add(-1, -1) == -2
'''


def _tool(repo: Path, tmp: Path, *args: str) -> str:
    env = {**os.environ, "COVERAGE_FILE": str(tmp / ".coverage"), "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run([sys.executable, *args], cwd=repo, env=env, capture_output=True, text=True, timeout=300, check=False)
    return proc.stdout + proc.stderr


@pytest.fixture
def project(repo: Path) -> Path:
    (repo / "pyproject.toml").write_text('[project]\nname = "calc"\nversion = "0.1"\n')
    (repo / "calc.py").write_text(CALC)
    (repo / "test_calc.py").write_text(TESTS)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "calc")
    return repo


def test_zero_config_run_matches_the_tools_own_output(project: Path, tmp_path: Path) -> None:
    ctx = Context(env={"VIRTUAL_ENV": sys.prefix})  # the project's environment is this test run's
    init(ctx, objectives=("measure",))
    result = run(ctx)

    # What the tools print for the same code, run by hand.
    summary = _tool(project, tmp_path, "-m", "pytest", "-q", "-p", "no:cacheprovider").strip().splitlines()[-1]
    counts = {word: int(n) for n, word in re.findall(r"(\d+) (passed|failed|errors?|skipped)", summary)}
    _tool(project, tmp_path, "-m", "coverage", "run", "-m", "pytest", "-q", "-p", "no:cacheprovider")
    total_line = next(line for line in _tool(project, tmp_path, "-m", "coverage", "report", "--precision=2").splitlines()
                      if line.startswith("TOTAL"))
    ruff_out = _tool(project, tmp_path, "-m", "ruff", "check", "--no-cache", ".")
    mypy_out = _tool(project, tmp_path, "-m", "mypy", ".")

    assert counts == {"passed": 3, "failed": 1}, summary
    assert result["tests_passed"] == counts["passed"]
    assert result["tests_failed"] == counts["failed"]
    assert result["tests_errors"] == counts.get("error", counts.get("errors", 0))
    assert result["tests_skipped"] == counts.get("skipped", 0)
    assert result["tests_total"] == 4
    assert f"{result['coverage_percent']:.2f}%" == total_line.split()[-1]
    assert 0 < float(str(result["coverage_percent"])) < 100
    ruff_found = re.search(r"Found (\d+) errors?", ruff_out)
    assert ruff_found and result["lint_errors"] == int(ruff_found.group(1)) == 1
    metrics = result["metrics"]
    assert isinstance(metrics, dict) and metrics["lint_by_rule"] == {"F401": 1}
    mypy_found = re.search(r"Found (\d+) errors? in", mypy_out)
    assert mypy_found and result["type_errors"] == int(mypy_found.group(1)) == 1
    statuses = {c["name"]: c["status"] for c in result["checks"]}  # type: ignore[attr-defined]
    assert statuses == {"pytest": "failed", "ruff": "failed", "mypy": "failed"}

    # One event of the session, with the checks, and nothing left behind in the project.
    events = [json.loads(line) for line in event_path(project, "00001").read_text().splitlines()]
    recorded = [e for e in events if e["type"] == "metrics.recorded"]
    assert len(recorded) == 1 and recorded[0]["data"]["source"] == "run"
    assert recorded[0]["data"]["checks"][0]["report"] == "junit+coverage-json"
    untracked = git(project, "status", "--porcelain", "--untracked-files=all")
    assert ".coverage" not in untracked and "__pycache__" not in untracked and "junit" not in untracked


def test_run_from_the_cli_reports_missing_tools_without_failing(project: Path) -> None:
    (project / ".sessions").mkdir(exist_ok=True)
    (project / ".sessions" / "config.toml").write_text(
        '[metrics]\nchecks = [\n'
        '  { name = "ghost", argv = ["definitely-not-a-tool-xyz"], reports = ["junit:{tmp}/j.xml"] },\n'
        '  { name = "slow", argv = ["{python}", "-c", "import time; time.sleep(30)"], timeout = 1 },\n'
        '  { name = "tests", argv = ["{python}", "-c", "import os, sys; open(os.environ[\'OUT\'], \'w\').write(sys.argv[1])",'
        ' "<testsuite><testcase name=\'a\'/></testsuite>"], env = { OUT = "{tmp}/j.xml" }, reports = ["junit:{tmp}/j.xml"] },\n'
        '  { name = "types", argv = ["{python}", "-c", "print(\'Found 2 errors in 1 file (checked 1 source file)\')"],'
        ' stdout = "{tmp}/mypy.txt", reports = ["mypy:{tmp}/mypy.txt"] },\n'
        '  { name = "cut", argv = ["{python}", "-c", "print(\'<testsuites><testsuite>\')"],'
        ' stdout = "{tmp}/cut.xml", reports = ["junit:{tmp}/cut.xml"] },\n'
        ']\n'
    )
    assert run_cli(project, "init").code == 0
    result = run_cli(project, "metrics", "run", "--json")
    assert result.code == 0, result
    data = json.loads(result.out)
    statuses = {c["name"]: c["status"] for c in data["checks"]}
    assert statuses == {"ghost": "missing", "slow": "timeout", "tests": "ok", "types": "ok", "cut": "failed"}
    cut = next(c for c in data["checks"] if c["name"] == "cut")
    assert "cut.xml" in cut["message"] and "expected a JUnit XML report" in cut["message"]
    assert data["tests_passed"] == 1 and data["type_errors"] == 2 and data["coverage_percent"] is None
    text = run_cli(project, "metrics", "show")
    assert "tests       1/1 passed" in text.out and "coverage    not measured" in text.out


def test_run_without_checks_or_python_project_says_how(repo: Path) -> None:
    assert run_cli(repo, "init").code == 0
    before = snapshot(repo)
    result = run_cli(repo, "metrics", "run")
    assert result.code == 1 and "no checks configured" in result.err and "Quality metrics" in result.err
    assert snapshot(repo) == before
