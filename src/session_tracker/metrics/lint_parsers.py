"""Parsers for lint (ruff, pylint, flake8) and type-check (mypy, pyright) reports.

Each takes the report's text and its path (for messages) and returns a
:class:`~session_tracker.metrics.report.Report`, or raises
:class:`~session_tracker.metrics.report.ReportError` naming the file and what was expected.
"""

from __future__ import annotations

import re
from collections import Counter

from session_tracker.metrics.report import Report, bad, load_json

# --- lint ---------------------------------------------------------------------------------------


def _lint(by_rule: Counter[str]) -> Report:
    return Report({"lint_errors": sum(by_rule.values()), "lint_by_rule": dict(sorted(by_rule.items()))})


def parse_ruff_json(path: str, text: str) -> Report:
    """``ruff check --output-format json``: a list of diagnostics with ``code`` (null for syntax
    errors). Source: https://docs.astral.sh/ruff/settings/#output-format"""
    obj = load_json(path, text, "ruff's JSON output (a list of diagnostics)")
    if not isinstance(obj, list) or not all(isinstance(d, dict) and "filename" in d for d in obj):
        raise bad(path, "ruff's JSON output (a list of diagnostics with code and filename)")
    return _lint(Counter(str(d.get("code") or "syntax-error") for d in obj))


_CONCISE = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+):(?:(?P<col>\d+):)? (?P<code>[A-Z]+[0-9]+)\b")


def parse_ruff(path: str, text: str) -> Report:
    """ruff's text output: the summary ``Found N error(s).`` or ``All checks passed!``; rules
    from ``--output-format concise`` lines (``file:line:col: CODE message``) or full-format
    headers (``CODE message`` then ``--> file:line:col``)."""
    rules = Counter(m.group("code") for m in map(_CONCISE.match, text.splitlines()) if m)
    if not rules:
        rules = Counter(m.group(1) for m in re.finditer(r"^([A-Z]+[0-9]+) .*\n\s*-->", text, re.MULTILINE))
    summary = re.search(r"^Found (\d+) errors?\.", text, re.MULTILINE)
    if summary:
        total = int(summary.group(1))
    elif re.search(r"^All checks passed!", text, re.MULTILINE):
        total = 0
    else:
        raise bad(path, "ruff's output ending in 'Found N errors.' or 'All checks passed!'", "no summary line (truncated?)")
    if sum(rules.values()) != total:
        rules = Counter({**rules, "unknown": total - sum(rules.values())}) if total > sum(rules.values()) else Counter({"unknown": total})
    return _lint(rules)


def parse_pylint_json(path: str, text: str) -> Report:
    """``pylint --output-format=json``: a list of messages with ``message-id`` and ``symbol``
    (every message counts, whatever its type). Source: pylint's ``JSONReporter``
    (https://pylint.readthedocs.io/en/stable/user_guide/usage/output.html)"""
    obj = load_json(path, text, "pylint's JSON output (a list of messages)")
    if not isinstance(obj, list) or not all(isinstance(d, dict) and ("message-id" in d or "messageId" in d) for d in obj):
        raise bad(path, "pylint's JSON output (a list of messages with message-id)")
    return _lint(Counter(str(d.get("message-id") or d.get("messageId")) for d in obj))


_PYLINT = re.compile(r"^[^\s:][^:]*:\d+:\d+: (?P<code>[CRWEFI]\d{4}): ")


def parse_pylint(path: str, text: str) -> Report:
    """pylint's default text output: ``file:line:col: C0114: message (symbol)`` lines; the
    report must end with the ``Your code has been rated`` line (else it was truncated).
    Source: https://pylint.readthedocs.io/en/stable/user_guide/usage/output.html"""
    if "Your code has been rated" not in text and "************* Module" not in text and text.strip():
        raise bad(path, "pylint's text output (file:line:col: C0114: … and 'Your code has been rated …')")
    return _lint(Counter(m.group("code") for m in map(_PYLINT.match, text.splitlines()) if m))


def parse_flake8_json(path: str, text: str) -> Report:
    """flake8-json's ``--format=json``: ``{filename: [{"code": …}, …]}``.
    Source: https://github.com/PyCQA/flake8-json"""
    obj = load_json(path, text, "flake8's JSON output ({file: [violations]})")
    if not isinstance(obj, dict) or not all(isinstance(v, list) for v in obj.values()):
        raise bad(path, "flake8's JSON output ({file: [violations]})")
    return _lint(Counter(str(d.get("code")) for v in obj.values() for d in v if isinstance(d, dict)))


def parse_flake8(path: str, text: str) -> Report:
    """flake8's default format ``%(path)s:%(row)d:%(col)d: %(code)s %(text)s``; any other
    non-empty line is refused. Source: https://flake8.pycqa.org/en/latest/user/formatting.html"""
    rules = Counter[str]()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _CONCISE.match(line)
        if not match:
            raise bad(path, "flake8 lines 'file:row:col: CODE text'", f"line {number}: {line[:60]!r}")
        rules[match.group("code")] += 1
    return _lint(rules)


# --- types --------------------------------------------------------------------------------------


def parse_mypy(path: str, text: str) -> Report:
    """mypy's text output: ``Found N errors in M files (checked K source files)`` or
    ``Success: no issues found in K source files``; without a summary (``--no-error-summary``)
    the ``file:line: error:`` lines are counted. Source: mypy/main.py and mypy/util.py
    (``format_error``/``format_success``)."""
    summary = re.search(r"^Found (\d+) errors? in \d+ files?", text, re.MULTILINE)
    if summary:
        return Report({"type_errors": int(summary.group(1))})
    if re.search(r"^Success: no issues found", text, re.MULTILINE):
        return Report({"type_errors": 0})
    errors = len(re.findall(r"^[^\s:][^:]*:\d+(?::\d+)?: error: ", text, re.MULTILINE))
    if errors:
        return Report({"type_errors": errors})
    raise bad(path, "mypy's output with 'Found N errors in M files' or 'Success: no issues found'", "no summary line (truncated?)")


def parse_pyright_json(path: str, text: str) -> Report:
    """``pyright --outputjson``: ``summary.errorCount``.
    Source: https://microsoft.github.io/pyright/#/command-line?id=json-output"""
    obj = load_json(path, text, "pyright's JSON output with summary.errorCount")
    summary = obj.get("summary") if isinstance(obj, dict) else None
    if not isinstance(summary, dict) or not isinstance(summary.get("errorCount"), int):
        raise bad(path, "pyright's JSON output with summary.errorCount")
    return Report({"type_errors": summary["errorCount"]})


def parse_pyright(path: str, text: str) -> Report:
    """pyright's text output ending in ``N errors, M warnings, K informations`` (or ``0 errors``)."""
    match = re.search(r"^(\d+) errors?, \d+ warnings?", text, re.MULTILINE)
    if not match:
        raise bad(path, "pyright's summary line 'N errors, M warnings, K informations'", "no summary line (truncated?)")
    return Report({"type_errors": int(match.group(1))})
