"""Validation of the ``[metrics]``, ``[gates]`` and ``[check]`` sections of ``config.toml``, and
the names those sections may use (report kinds, rule ids): config files name them, so they are
fixed here, below the packages that implement them (a test holds the two lists equal).

``[[metrics.checks]]`` (each one replaces the zero-config Python checks)::

    name = "jest"                                   # shown in reports
    argv = ["npx", "jest", "--ci"]                  # an argument list, never a shell
    reports = ["junit:{tmp}/junit.xml", "lcov:coverage/lcov.info"]   # kind:path, relative to the root
    timeout = 600                                   # seconds (default [metrics] timeout)
    env = { JEST_JUNIT_OUTPUT_FILE = "{tmp}/junit.xml" }
    stdout = "{tmp}/out.txt"                        # save the check's stdout to this file

``{tmp}`` is a temporary directory shared by the checks of one run, ``{python}`` the
interpreter (``[metrics] python``), ``{root}`` the project root.
"""

from __future__ import annotations

import os

from session_tracker.errors import TrackerError

#: Report formats ``metrics import`` and ``[[metrics.checks]] reports`` accept
#: (:data:`session_tracker.metrics.parsers.KINDS` implements exactly these).
KINDS = ("cobertura", "coverage-json", "flake8", "flake8-json", "gocover", "junit", "lcov", "mypy", "pylint",
         "pylint-json", "pyright", "pyright-json", "ruff", "ruff-json")

#: Every rule id of ``check``, in the order it reports them. Stable: ``[check] disable`` names them.
RULE_IDS = (
    "open-session",
    "log-updated",
    "decision-rationale",
    "documents-current",
    "previous-ended",
    "tracked-commits",
    "session-trailer",
)

_BOOLS = {"on_end", "tests_pass", "lint_not_increasing", "types_not_increasing"}


def check_setting(where: str, section: str, key: str, value: object) -> object:
    """Validate one key of ``[metrics]``/``[gates]``; return the value to keep.

    Raises:
        TrackerError: the value has the wrong type or range (message names ``where``).
    """
    if key in _BOOLS:
        if not isinstance(value, bool):
            raise TrackerError(f"{where} must be true or false", f"write {key} = true")
        return value
    if key in ("coverage_min", "coverage_max_drop"):
        if value is False:
            return False
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 100:
            raise TrackerError(f"{where} must be a percentage from 0 to 100, or false", f"e.g. {key} = 80")
        return float(value)
    if key == "python":
        if not isinstance(value, str):
            raise TrackerError(f"{where} must be a path to a Python interpreter", 'e.g. python = ".venv/bin/python"')
        return value
    if key == "timeout":
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 86_400:
            raise TrackerError(f"{where} must be a number of seconds from 1 to 86400", "e.g. timeout = 600")
        return value
    if key == "chart":
        if value is False:
            return False
        if not isinstance(value, str) or not value or os.path.isabs(value) or os.path.normpath(value).startswith(".."):
            raise TrackerError(f"{where} must be a path inside the project, or false", 'e.g. chart = "session-metrics.svg"')
        return value
    if key == "checks":
        if not isinstance(value, list):
            raise TrackerError(f"{where} must be a list of tables", "write each check as [[metrics.checks]]")
        return [_check_one(f"{where}[{i}]", item) for i, item in enumerate(value)]
    raise TrackerError(f"{where} is not a known setting", "")  # pragma: no cover - config.py checks keys first


def _check_one(where: str, item: object) -> dict[str, object]:
    example = 'name = "pytest", argv = ["python", "-m", "pytest"], reports = ["junit:{tmp}/junit.xml"]'
    if not isinstance(item, dict):
        raise TrackerError(f"{where} must be a table", example)
    unknown = set(item) - {"name", "argv", "reports", "timeout", "env", "stdout"}
    if unknown:
        raise TrackerError(f"{where}: unknown key {min(unknown)}", "keys: name, argv, reports, timeout, env, stdout")
    name, argv, reports = item.get("name"), item.get("argv"), item.get("reports", [])
    if not isinstance(name, str) or not name:
        raise TrackerError(f"{where}.name must be a non-empty string", example)
    if not isinstance(argv, list) or not argv or not all(isinstance(a, str) for a in argv):
        raise TrackerError(f"{where}.argv must be a non-empty list of strings (no shell)", example)
    if not isinstance(reports, list) or not all(isinstance(r, str) for r in reports):
        raise TrackerError(f"{where}.reports must be a list of \"kind:path\" strings", example)
    for report in reports:
        kind, _, path = report.partition(":")
        if kind not in KINDS or not path:
            raise TrackerError(f"{where}.reports: {report!r} is not kind:path", "kinds: " + ", ".join(KINDS))
    timeout = item.get("timeout")
    if timeout is not None and (not isinstance(timeout, int) or isinstance(timeout, bool) or timeout < 1):
        raise TrackerError(f"{where}.timeout must be a whole number of seconds", "e.g. timeout = 600")
    env = item.get("env", {})
    if not isinstance(env, dict) or not all(isinstance(v, str) for v in env.values()):
        raise TrackerError(f"{where}.env must be a table of strings", 'e.g. env = { CI = "1" }')
    stdout = item.get("stdout")
    if stdout is not None and not isinstance(stdout, str):
        raise TrackerError(f"{where}.stdout must be a path", 'e.g. stdout = "{tmp}/out.txt"')
    return {"name": name, "argv": argv, "reports": reports, "timeout": timeout, "env": env, "stdout": stdout}
