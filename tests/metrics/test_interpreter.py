"""Zero-config checks run in the project's environment, not session-tracker's.

The setup is what a user has: session-tracker in a virtual environment of its own (as pipx or
`uv tool install` make, without pytest), the project's tools in the project's environment,
and a PATH that holds git and nothing else. Both environments are real venvs (made with
``venv --without-pip``); their packages are links to the test run's own installed copies, so
no network is needed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from conftest import GIT_ENV, git
from session_tracker.metrics.runner import first_error

SITE = Path(sysconfig.get_paths()["purelib"])
SRC = Path(__file__).resolve().parents[2] / "src" / "session_tracker"
TOOL_PACKAGES = ("click", "rich", "markdown_it", "mdurl", "pygments", "defusedxml", "tomli_w")
PYTEST_PACKAGES = ("pytest", "_pytest", "pluggy", "iniconfig", "packaging", "pygments", "py.py")

TESTS = '''import os
import sys


def test_runs_in_the_projects_environment() -> None:
    assert os.path.realpath(sys.prefix) == os.path.realpath(os.environ["EXPECTED_PREFIX"])


def test_adds() -> None:
    assert 1 + 1 == 2


def test_fails() -> None:
    assert 1 + 1 == 3
'''


def _venv(path: Path, packages: tuple[str, ...], extra: dict[str, Path] | None = None) -> Path:
    """A real venv at ``path`` whose site-packages links ``packages`` from this test run's."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True, capture_output=True)
    site = next((path / "lib").glob("python*/site-packages")) if (path / "lib").exists() else path / "Lib" / "site-packages"
    for name in packages:
        (site / name).symlink_to(SITE / name)
    for name, target in (extra or {}).items():
        (site / name).symlink_to(target)
    return path / "bin" / "python"


@pytest.fixture(scope="module")
def tool_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """session-tracker installed on its own: its runtime dependencies, no pytest."""
    python = _venv(tmp_path_factory.mktemp("tool") / "venv", TOOL_PACKAGES, {"session_tracker": SRC})
    probe = subprocess.run([str(python), "-c", "import session_tracker, click; import pytest"], capture_output=True, text=True,
                           check=False)
    assert "No module named 'pytest'" in probe.stderr  # the premise: nothing to test with here
    return python


@pytest.fixture
def bare_path(tmp_path: Path) -> str:
    """A PATH with git and nothing else (no python3, no pytest, ruff or mypy)."""
    bin_dir = tmp_path / "bin-only-git"
    bin_dir.mkdir()
    (bin_dir / "git").symlink_to(subprocess.run(["which", "git"], capture_output=True, text=True, check=True).stdout.strip())
    return str(bin_dir)


@pytest.fixture
def project(repo: Path) -> Path:
    (repo / "pyproject.toml").write_text('[project]\nname = "calc"\nversion = "0.1"\n')
    (repo / "test_calc.py").write_text(TESTS)
    (repo / ".gitignore").write_text(".venv/\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "calc")
    return repo


def _cli(python: Path, cwd: Path, path: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    full = {**base, **GIT_ENV, "PATH": path, **env}
    return subprocess.run([str(python), "-m", "session_tracker", *args], cwd=cwd, env=full,
                          capture_output=True, text=True, timeout=300, check=False)


def test_project_venv_runs_the_tests_with_nothing_on_path(tool_python: Path, project: Path, bare_path: str) -> None:
    _venv(project / ".venv", PYTEST_PACKAGES)
    env = {"EXPECTED_PREFIX": str(project / ".venv")}
    assert _cli(tool_python, project, bare_path, "init").returncode == 0
    result = _cli(tool_python, project, bare_path, "metrics", "run", "--json", **env)
    assert result.returncode == 0, result.stderr  # a failing test is data, not a failure
    data = json.loads(result.stdout)
    assert data["python"] == {"path": str(project / ".venv" / "bin" / "python"), "source": ".venv/"}
    assert (data["tests_passed"], data["tests_failed"], data["tests_total"]) == (2, 1, 3)
    statuses = {c["name"]: c["status"] for c in data["checks"]}
    assert statuses == {"pytest": "failed", "ruff": "missing", "mypy": "missing"}

    text = _cli(tool_python, project, bare_path, "metrics", "run", **env)
    assert text.returncode == 0 and f"python: {project / '.venv' / 'bin' / 'python'} (.venv/)" in text.stdout


def test_active_virtual_env_wins_over_nothing(tool_python: Path, project: Path, bare_path: str, tmp_path: Path) -> None:
    env_dir = tmp_path / "envs" / "calc"
    _venv(env_dir, PYTEST_PACKAGES)
    env = {"VIRTUAL_ENV": str(env_dir), "EXPECTED_PREFIX": str(env_dir)}
    assert _cli(tool_python, project, bare_path, "init").returncode == 0
    result = _cli(tool_python, project, bare_path, "metrics", "run", "--json", **env)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["python"]["source"] == "$VIRTUAL_ENV"
    assert (data["tests_passed"], data["tests_failed"]) == (2, 1)


def test_missing_configured_interpreter_is_named_with_its_key(tool_python: Path, project: Path, bare_path: str) -> None:
    (project / ".sessions").mkdir()
    (project / ".sessions" / "config.toml").write_text('[metrics]\npython = "env/bin/python"\n')
    assert _cli(tool_python, project, bare_path, "init").returncode == 0
    result = _cli(tool_python, project, bare_path, "metrics", "run")
    assert result.returncode == 1
    assert "error: [metrics] python = 'env/bin/python' (in .sessions/config.toml) does not exist" in result.stderr
    assert "Traceback" not in result.stderr

    # The per-machine override (never committed) wins, and names its own file when wrong.
    local = project / ".sessions" / "local" / "config.toml"
    local.write_text('[metrics]\npython = "/nowhere/python3"\n')
    result = _cli(tool_python, project, bare_path, "metrics", "run")
    assert result.returncode == 1 and "'/nowhere/python3' (in .sessions/local/config.toml)" in result.stderr
    _venv(project / ".venv", PYTEST_PACKAGES)
    local.write_text(f'[metrics]\npython = "{project / ".venv" / "bin" / "python"}"\n')
    result = _cli(tool_python, project, bare_path, "metrics", "run", "--json", EXPECTED_PREFIX=str(project / ".venv"))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["python"]["source"] == "[metrics] python in .sessions/local/config.toml" and data["tests_passed"] == 2
    # the per-machine file is never committed: git ignores it (through .git/info/exclude)
    assert "local" in git(project, "check-ignore", str(local))


def test_pytest_that_cannot_run_fails_the_command_with_its_own_error(tool_python: Path, project: Path, bare_path: str) -> None:
    _venv(project / ".venv", PYTEST_PACKAGES)
    with (project / "pyproject.toml").open("a") as handle:
        handle.write('\n[tool.pytest.ini_options]\naddopts = "--no-such-option"\n')
    assert _cli(tool_python, project, bare_path, "init").returncode == 0
    result = _cli(tool_python, project, bare_path, "metrics", "run", "--json", EXPECTED_PREFIX=str(project / ".venv"))
    assert result.returncode == 1
    data = json.loads(result.stdout)
    pytest_check = data["checks"][0]
    assert pytest_check["status"] == "failed" and pytest_check["ran"] is False
    assert pytest_check["message"].startswith("exit 4: ") and "unrecognized arguments: --no-such-option" in pytest_check["message"]
    error = json.loads(result.stderr)
    assert error["v"] == 1 and "pytest could not run" in error["error"] and "unrecognized arguments" in error["error"]


def test_mypy_message_quotes_the_error_not_a_config_warning(repo: Path) -> None:
    stderr = "pyproject.toml: [mypy]: Unrecognized option: colour_output = True\nwarning: unused section(s) in pyproject.toml\n"
    stdout = "calc.py:9: error: Incompatible return value type (got \"float\", expected \"int\")  [return-value]\nFound 1 error in 1 file\n"
    assert first_error(stderr, stdout).startswith("calc.py:9: error: Incompatible return value type")
    crash = "Traceback (most recent call last):\n  File \"x\", line 1\nRuntimeError: boom\n"
    assert first_error(crash, "") == "RuntimeError: boom"
    assert first_error("", "no tests ran in 0.01s\n") == "no tests ran in 0.01s"
