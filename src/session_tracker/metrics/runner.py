"""Running checks: argument lists with timeouts, never a shell; reports written to a temp dir.

Zero-config for a Python project (``pyproject.toml``, ``setup.py`` or ``setup.cfg`` at the
root), detected with one probe of the project's interpreter (chosen by
:mod:`session_tracker.metrics.interpreter`: ``[metrics] python``, ``$VIRTUAL_ENV``, ``.venv/``…):

* pytest: ``python -m pytest -q -p no:cacheprovider --junitxml={tmp}/junit.xml``, plus
  ``--cov --cov-report=json:{tmp}/coverage.json`` when pytest-cov is importable, else under
  ``coverage run`` followed by ``coverage json`` when coverage.py is importable;
* ruff: ``python -m ruff check --output-format json .`` (or ``ruff`` on PATH);
* mypy: ``python -m mypy`` (with ``src`` or ``.`` as target unless the project's
  ``[tool.mypy]`` names ``files``).

The checks run with ``PYTHONDONTWRITEBYTECODE=1`` and ``COVERAGE_FILE`` in the temp dir, so
they leave no untracked files in the project. A tool that is missing or times out gives a
``missing``/``timeout`` check, never an exception.

A check that ran and found problems (pytest's exit 1: failing tests; ruff's and mypy's exit 1:
findings) is data. One that could not run — an exit code outside the check's ``exits`` (pytest
2-5: interrupted, internal error, usage error, no tests collected; mypy 2: a crash or bad
config), or a custom check's non-zero exit without its report — is ``failed`` with
``ran: false`` and the tool's own first error line as its message.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
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
    from session_tracker.metrics.interpreter import pyproject_tool

    mypy = pyproject_tool(root).get("mypy")
    if isinstance(mypy, dict) and mypy.get("files"):
        return True
    return os.path.exists(os.path.join(root, "mypy.ini")) or os.path.exists(os.path.join(root, ".mypy.ini"))


def default_checks(root: str, python: str, source: str = "") -> list[dict[str, object]]:
    """The zero-config checks for a Python project (empty for any other project).

    Args:
        python: the project's interpreter; ``source`` where it came from (for messages).
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
    data = [0, 1]  # pytest, ruff, mypy: exit 1 means findings (failing tests, errors), not a failure to run
    pytest = ["{python}", "-m", "pytest", "-q", "-p", "no:cacheprovider", "--junitxml={tmp}/junit.xml"]
    if "pytest" not in found:
        where = f"{python} ({source})" if source else python
        checks.append({"name": "pytest", "missing": f"pytest is not installed in {where}"})
    elif "pytest_cov" in found:
        checks.append({"name": "pytest", "argv": [*pytest, "--cov", "--cov-report=json:{tmp}/coverage.json"], "env": env,
                       "reports": ["junit:{tmp}/junit.xml", "coverage-json:{tmp}/coverage.json"], "exits": data})
    elif "coverage" in found:
        checks.append({"name": "pytest", "argv": ["{python}", "-m", "coverage", "run", "-m", *pytest[2:]], "env": env,
                       "reports": ["junit:{tmp}/junit.xml"], "exits": data})
        checks.append({"name": "coverage", "argv": ["{python}", "-m", "coverage", "json", "-o", "{tmp}/coverage.json"],
                       "env": env, "reports": ["coverage-json:{tmp}/coverage.json"], "exits": [0]})
    else:
        checks.append({"name": "pytest", "argv": pytest, "env": env, "reports": ["junit:{tmp}/junit.xml"], "exits": data})
    ruff = ["{python}", "-m", "ruff"] if "ruff" in found else (["ruff"] if shutil.which("ruff") else None)
    if ruff is None:
        checks.append({"name": "ruff", "missing": "ruff is not installed"})
    else:
        checks.append({"name": "ruff", "argv": [*ruff, "check", "--output-format", "json", "."],
                       "stdout": "{tmp}/ruff.json", "reports": ["ruff-json:{tmp}/ruff.json"], "exits": data})
    mypy = ["{python}", "-m", "mypy"] if "mypy" in found else (["mypy"] if shutil.which("mypy") else None)
    if mypy is None:
        checks.append({"name": "mypy", "missing": "mypy is not installed"})
    else:
        target = [] if _mypy_has_files(root) else (["src"] if os.path.isdir(os.path.join(root, "src")) else ["."])
        checks.append({"name": "mypy", "argv": [*mypy, *target], "stdout": "{tmp}/mypy.txt", "reports": ["mypy:{tmp}/mypy.txt"],
                       "exits": data})
    return checks


def _fill(text: str, subs: dict[str, str]) -> str:
    for key, value in subs.items():
        text = text.replace("{" + key + "}", value)
    return text


_ERROR = re.compile(r"(?i)\berror\b|INTERNALERROR|^E\s|not found|no such file|can't|cannot|no tests ran|interrupted")
_NOISE = re.compile(r"(?i)\bwarning\b|\bnote:|deprecat")


def first_error(stderr: str, stdout: str) -> str:
    """The line that says why a tool failed: a Python traceback's last line, else the first
    ``file:line: error:`` line, else the first line that reads as an error (not a warning or note: mypy prints config warnings before
    its error), else the last line; stderr before stdout; at most 200 characters."""
    err = [line.strip() for line in stderr.splitlines() if line.strip()]
    out = [line.strip() for line in stdout.splitlines() if line.strip()]
    if err and any(line.startswith("Traceback") for line in err):
        return err[-1][:200]
    for line in err + out:
        if ": error:" in line:  # mypy, pyright, compilers: "file:line: error: …"
            return line[:200]
    for lines in (err, out):
        for line in lines:
            if _ERROR.search(line) and not _NOISE.search(line):
                return line[:200]
    for lines in (err, out):
        quiet = [line for line in lines if not _NOISE.search(line)]
        if quiet:
            return quiet[-1][:200]
    return (err or out or [""])[-1][:200]


def _read(path: str, limit: int = 1 << 20) -> str:
    try:
        with open(path, "rb") as handle:
            return handle.read(limit).decode("utf-8", "replace")
    except OSError:
        return ""


def _execute(argv: list[str], cwd: str, env: dict[str, str], timeout: float, stdout_path: str) -> tuple[str, str, int | None]:
    """Run one process in its own process group, stdout to ``stdout_path``.

    Returns:
        (status ``ok``/``failed``/``missing``/``timeout``, message, exit code or None).
    """
    with open(stdout_path, "wb") as out:
        try:
            proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                    stderr=subprocess.PIPE, start_new_session=True)
        except FileNotFoundError:
            return "missing", f"{argv[0]} not found", None
        except OSError as exc:
            return "missing", f"{argv[0]}: {exc.strerror}", None
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
            return "timeout", f"killed after {timeout:g} s", None
    if proc.returncode == 0:
        return "ok", "", 0
    stderr = (err or b"").decode("utf-8", "replace")
    if "No module named" in stderr and argv[1:2] == ["-m"]:
        return "missing", first_error(stderr, ""), proc.returncode
    line = first_error(stderr, _read(stdout_path))
    return "failed", f"exit {proc.returncode}" + (f": {line}" if line else ""), proc.returncode


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
            stdout_path = _fill(stdout, subs) if isinstance(stdout, str) else os.path.join(tmp, f"stdout-{len(results)}.txt")
            timeout = check.get("timeout") or default_timeout
            started = time.monotonic()
            status, message, code = _execute(argv, root, env, float(timeout), stdout_path)  # type: ignore[arg-type]
            duration = round((time.monotonic() - started) * 1000)
            exits = check.get("exits")
            ran = not (status == "failed" and isinstance(exits, list) and code not in exits)
            kinds: list[str] = []
            if status in ("ok", "failed") and ran:
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
                        if code and not os.path.exists(path):
                            ran = False  # exited non-zero without its report: it never got going
                        status, message = "failed", (message + "; " if message else "") + exc.message
            result: dict[str, object] = {"name": name, "status": status, "duration_ms": duration,
                                         "report": "+".join(kinds) or None, "message": message or None}
            if not ran:
                result["ran"] = False
            results.append(result)
    return numbers, results


__all__ = ["default_checks", "first_error", "is_python_project", "run_checks"]
