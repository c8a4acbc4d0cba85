"""Running checks: argument lists with timeouts, never a shell; reports written to a temp dir.

Zero-config for a Python project (``pyproject.toml``, ``setup.py`` or ``setup.cfg`` at the
root), detected with one probe of the project's interpreter (``[metrics] python``, default the
interpreter running session-tracker):

* pytest: ``python -m pytest -q -p no:cacheprovider --junitxml={tmp}/junit.xml``, plus
  ``--cov --cov-report=json:{tmp}/coverage.json`` when pytest-cov is importable, else under
  ``coverage run`` followed by ``coverage json`` when coverage.py is importable;
* ruff: ``python -m ruff check --output-format json .`` (or ``ruff`` on PATH);
* mypy: ``python -m mypy`` (with ``src`` or ``.`` as target unless the project's
  ``[tool.mypy]`` names ``files``).

The checks run with ``PYTHONDONTWRITEBYTECODE=1`` and ``COVERAGE_FILE`` in the temp dir, so
they leave no untracked files in the project. A tool that is missing or times out gives a
``missing``/``timeout`` check, never an exception.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from session_tracker.errors import TrackerError
from session_tracker.metrics import parsers, values
from session_tracker.metrics.values import Numbers

_PROBE = (
    "import importlib.util as u\n"
    "print(' '.join(m for m in ('pytest', 'pytest_cov', 'coverage', 'ruff', 'mypy') if u.find_spec(m)))\n"
)


def is_python_project(root: str) -> bool:
    """True when the root holds ``pyproject.toml``, ``setup.py`` or ``setup.cfg``."""
    return any(os.path.exists(os.path.join(root, f)) for f in ("pyproject.toml", "setup.py", "setup.cfg"))


def _mypy_has_files(root: str) -> bool:
    path = os.path.join(root, "pyproject.toml")
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
    try:
        with open(path, "rb") as handle:
            tool = tomllib.load(handle).get("tool", {})
    except (OSError, ValueError):
        tool = {}
    mypy = tool.get("mypy") if isinstance(tool, dict) else None
    if isinstance(mypy, dict) and mypy.get("files"):
        return True
    return os.path.exists(os.path.join(root, "mypy.ini")) or os.path.exists(os.path.join(root, ".mypy.ini"))


def default_checks(root: str, python: str) -> list[dict[str, object]]:
    """The zero-config checks for a Python project (empty for any other project).

    Returns:
        checks in the ``[[metrics.checks]]`` shape; a tool found neither in the interpreter nor
        on PATH becomes a check with ``missing`` set (reported, never run).
    """
    if not is_python_project(root):
        return []
    try:
        probe = subprocess.run([python, "-c", _PROBE], cwd=root, capture_output=True, text=True, timeout=60, check=False)
        found = set(probe.stdout.split()) if probe.returncode == 0 else set()
    except (OSError, subprocess.TimeoutExpired):
        found = set()
    env = {"COVERAGE_FILE": "{tmp}/.coverage"}
    checks: list[dict[str, object]] = []
    pytest = ["{python}", "-m", "pytest", "-q", "-p", "no:cacheprovider", "--junitxml={tmp}/junit.xml"]
    if "pytest" not in found:
        checks.append({"name": "pytest", "missing": "pytest is not installed in " + python})
    elif "pytest_cov" in found:
        checks.append({"name": "pytest", "argv": [*pytest, "--cov", "--cov-report=json:{tmp}/coverage.json"], "env": env,
                       "reports": ["junit:{tmp}/junit.xml", "coverage-json:{tmp}/coverage.json"]})
    elif "coverage" in found:
        checks.append({"name": "pytest", "argv": ["{python}", "-m", "coverage", "run", "-m", *pytest[2:]], "env": env,
                       "reports": ["junit:{tmp}/junit.xml"]})
        checks.append({"name": "coverage", "argv": ["{python}", "-m", "coverage", "json", "-o", "{tmp}/coverage.json"],
                       "env": env, "reports": ["coverage-json:{tmp}/coverage.json"]})
    else:
        checks.append({"name": "pytest", "argv": pytest, "env": env, "reports": ["junit:{tmp}/junit.xml"]})
    ruff = ["{python}", "-m", "ruff"] if "ruff" in found else (["ruff"] if shutil.which("ruff") else None)
    if ruff is None:
        checks.append({"name": "ruff", "missing": "ruff is not installed"})
    else:
        checks.append({"name": "ruff", "argv": [*ruff, "check", "--output-format", "json", "."],
                       "stdout": "{tmp}/ruff.json", "reports": ["ruff-json:{tmp}/ruff.json"]})
    mypy = ["{python}", "-m", "mypy"] if "mypy" in found else (["mypy"] if shutil.which("mypy") else None)
    if mypy is None:
        checks.append({"name": "mypy", "missing": "mypy is not installed"})
    else:
        target = [] if _mypy_has_files(root) else (["src"] if os.path.isdir(os.path.join(root, "src")) else ["."])
        checks.append({"name": "mypy", "argv": [*mypy, *target], "stdout": "{tmp}/mypy.txt", "reports": ["mypy:{tmp}/mypy.txt"]})
    return checks


def _fill(text: str, subs: dict[str, str]) -> str:
    for key, value in subs.items():
        text = text.replace("{" + key + "}", value)
    return text


def _execute(argv: list[str], cwd: str, env: dict[str, str], timeout: float, stdout_path: str | None) -> tuple[str, str]:
    """Run one process in its own process group. Returns (status, message)."""
    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL  # noqa: SIM115 - closed below
    try:
        try:
            proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                    stderr=subprocess.PIPE, start_new_session=True)
        except FileNotFoundError:
            return "missing", f"{argv[0]} not found"
        except OSError as exc:
            return "missing", f"{argv[0]}: {exc.strerror}"
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            try:
                if hasattr(os, "killpg"):
                    os.killpg(proc.pid, signal.SIGKILL)  # the whole group: pytest-xdist workers too
                else:  # pragma: no cover - Windows
                    proc.kill()
            except OSError:
                pass
            proc.communicate()
            return "timeout", f"killed after {timeout:g} s"
        tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] if err else []
        if proc.returncode == 0:
            return "ok", ""
        if b"No module named" in (err or b"") and argv[1:2] == ["-m"]:
            return "missing", tail[0] if tail else "module not found"
        return "failed", f"exit {proc.returncode}" + (f": {tail[0][:200]}" if tail else "")
    finally:
        if stdout_path and not isinstance(out, int):
            out.close()


def run_checks(root: str, checks: list[dict[str, object]], python: str, default_timeout: int,
               since: float | None = None) -> tuple[Numbers, list[dict[str, object]]]:
    """Run ``checks`` in order in ``root`` and parse their reports.

    Args:
        since: a report path outside the temp dir older than this (epoch seconds) is stale: refused.
    Returns:
        (numbers merged from every report, one result per check:
        ``{name, status (ok|failed|missing|timeout), duration_ms, report, message}``).
    """
    numbers = values.empty()
    results: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="strack-metrics-") as tmp:
        subs = {"tmp": tmp, "python": python, "root": root}
        base_env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        for check in checks:
            name = str(check.get("name"))
            if check.get("missing"):
                results.append({"name": name, "status": "missing", "duration_ms": 0, "report": None, "message": check["missing"]})
                continue
            argv = [_fill(str(a), subs) for a in check.get("argv", [])]  # type: ignore[attr-defined]
            env_extra = check.get("env") or {}
            env = {**base_env, **{str(k): _fill(str(v), subs) for k, v in env_extra.items()}}  # type: ignore[attr-defined]
            stdout = check.get("stdout")
            timeout = check.get("timeout") or default_timeout
            started = time.monotonic()
            status, message = _execute(argv, root, env, float(timeout),  # type: ignore[arg-type]
                                       _fill(stdout, subs) if isinstance(stdout, str) else None)
            duration = round((time.monotonic() - started) * 1000)
            kinds: list[str] = []
            if status in ("ok", "failed"):
                for spec in check.get("reports", []):  # type: ignore[attr-defined]
                    kind, _, path = str(spec).partition(":")
                    path = os.path.join(root, _fill(path, subs))
                    kinds.append(kind)
                    try:
                        if not os.path.exists(path):
                            raise TrackerError(f"{name} wrote no report at {path}")
                        if since is not None and not path.startswith(tmp) and os.stat(path).st_mtime < since:
                            raise TrackerError(f"{path} is older than the session")
                        report = parsers.parse(kind, path)
                        values.merge(numbers, values.check(report.numbers, path))
                    except TrackerError as exc:
                        status, message = "failed", (message + "; " if message else "") + exc.message
            results.append({"name": name, "status": status, "duration_ms": duration,
                            "report": "+".join(kinds) or None, "message": message or None})
    return numbers, results


def python_for(configured: object) -> str:
    """The interpreter for the Python checks: ``[metrics] python`` or this one."""
    return configured if isinstance(configured, str) and configured else sys.executable


__all__ = ["default_checks", "is_python_project", "python_for", "run_checks"]
