"""Parsers for the standard report formats of tests, coverage, lint and type checks.

Each ``parse_*`` takes the report's text (or bytes for XML) and its path (for messages) and
returns a :class:`Report`; a truncated or malformed report raises :class:`ReportError` naming
the file and what was expected. XML goes through ``defusedxml`` (no entity expansion, no
external entities: a report is untrusted input).

Kinds (``KINDS``): junit, coverage-json, cobertura, lcov, gocover, ruff-json, ruff, pylint-json,
pylint, flake8-json, flake8, mypy, pyright-json, pyright.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter

from session_tracker.metrics.lint_parsers import (
    parse_flake8,
    parse_flake8_json,
    parse_mypy,
    parse_pylint,
    parse_pylint_json,
    parse_pyright,
    parse_pyright_json,
    parse_ruff,
    parse_ruff_json,
)
from session_tracker.metrics.report import Report, ReportError, bad, load_json, num, xml_root
from session_tracker.metrics.values import Numbers

__all__ = ["KINDS", "Report", "ReportError", "detect", "parse"]


# --- tests ------------------------------------------------------------------------------------


def parse_junit(path: str, data: bytes) -> Report:
    """JUnit XML as written by pytest ``--junitxml``, jest-junit, vitest, go-junit-report and
    cargo-nextest: ``<testsuites>`` or ``<testsuite>``, one ``<testcase>`` per test with an
    optional ``<failure>``, ``<error>`` or ``<skipped>`` child. Source: the de-facto schema of
    Ant's JUnit task (https://github.com/windyroad/JUnit-Schema) as pytest writes it
    (``_pytest/junitxml.py``).

    Counts come from the test cases (a case with a failure and an error counts as failed);
    time is the root's ``time`` attribute, else the sum of the suites'.
    """
    expected = "a JUnit XML report (<testsuites> or <testsuite> with <testcase> elements)"
    root = xml_root(path, data, expected)
    if root.tag not in ("testsuites", "testsuite"):
        raise bad(path, expected, f"root element is <{root.tag}>")
    counts = Counter[str]()
    for case in root.iter("testcase"):
        tags = {child.tag for child in case}
        if "failure" in tags:
            counts["failed"] += 1
        elif "error" in tags:
            counts["errors"] += 1
        elif "skipped" in tags:
            counts["skipped"] += 1
        else:
            counts["passed"] += 1
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    if root.get("time") is not None:
        time_s = num(path, root.get("time"), expected)
    else:
        time_s = sum(num(path, s.get("time"), expected, 0.0) for s in suites)
    stamps = [s.get("timestamp") for s in suites if s.get("timestamp")] or ([root.get("timestamp")] if root.get("timestamp") else [])
    numbers: Numbers = {
        "tests_passed": counts["passed"], "tests_failed": counts["failed"], "tests_errors": counts["errors"],
        "tests_skipped": counts["skipped"], "tests_total": sum(counts.values()), "tests_time_s": round(time_s, 3),
    }
    return Report(numbers, timestamp=min(s for s in stamps if s) if stamps else None)


# --- coverage ---------------------------------------------------------------------------------


def parse_coverage_json(path: str, text: str) -> Report:
    """coverage.py's JSON report (``coverage json``, ``pytest --cov-report=json``): ``totals``
    with ``percent_covered`` (lines, and branches when measured: the figure ``coverage report``
    prints as TOTAL) and ``num_branches``/``covered_branches``; ``files`` keyed by path.
    Source: https://coverage.readthedocs.io/en/latest/commands/cmd_json.html
    """
    expected = "a coverage.py JSON report with \"totals\" and \"files\""
    obj = load_json(path, text, expected)
    if not isinstance(obj, dict) or not isinstance(obj.get("totals"), dict) or not isinstance(obj.get("files"), dict):
        raise bad(path, expected)
    totals = obj["totals"]
    percent = totals.get("percent_covered")
    if not isinstance(percent, (int, float)):
        raise bad(path, expected, "totals.percent_covered missing")
    branches, covered = totals.get("num_branches"), totals.get("covered_branches")
    branch = round(100.0 * covered / branches, 2) if isinstance(branches, int) and branches and isinstance(covered, int) else None
    kind = "combined" if branch is not None else "line"  # percent_covered adds branches in when measured
    return Report({"coverage_percent": round(float(percent), 2), "branch_percent": branch, "coverage_kind": kind}, sources=list(obj["files"]))


def parse_cobertura(path: str, data: bytes) -> Report:
    """Cobertura XML (``coverage xml``, jest/istanbul ``cobertura``, gocover-cobertura): root
    ``<coverage line-rate="0.84" branch-rate="0.5" branches-valid="…">`` with rates in 0–1,
    ``<sources><source>`` directories and ``<class filename="…">`` files.
    Source: https://github.com/cobertura/cobertura/blob/master/cobertura/src/site/htdocs/xml/coverage-04.dtd
    """
    expected = "a Cobertura XML report (<coverage line-rate=…>)"
    root = xml_root(path, data, expected)
    if root.tag != "coverage":
        raise bad(path, expected, f"root element is <{root.tag}>")
    line = num(path, root.get("line-rate"), expected)
    valid = root.get("branches-valid")  # coverage.py writes branch-rate="0" branches-valid="0" without branches
    has_branches = num(path, valid, expected) > 0 if valid is not None else root.get("branch-rate") is not None
    branch = round(100.0 * num(path, root.get("branch-rate"), expected), 2) if has_branches else None
    sources = [c.get("filename", "") for c in root.iter("class")]
    roots = [(s.text or "").strip() for s in root.iter("source") if (s.text or "").strip()]
    return Report({"coverage_percent": round(100.0 * line, 2), "branch_percent": branch, "coverage_kind": "line"}, sources=sources, source_roots=roots)


def parse_lcov(path: str, text: str) -> Report:
    """lcov tracefile (``geninfo``, jest/istanbul ``lcov``, ``cargo llvm-cov --lcov``): records
    ``SF:<file>`` … ``end_of_record`` with ``LF``/``LH`` (lines found/hit) and ``BRF``/``BRH``
    (branches); ``DA:<line>,<hits>`` counted when ``LF``/``LH`` are absent.
    Source: https://github.com/linux-test-project/lcov/blob/master/man/geninfo.1 (TRACEFILE FORMAT)
    """
    expected = "an lcov tracefile (SF: … end_of_record)"
    found = hit = br_found = br_hit = 0
    sources: list[str] = []
    current: str | None = None
    da_found = da_hit = 0
    lf: int | None = None
    lh: int | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("TN:"):
            continue
        key, _, value = line.partition(":")
        try:
            if key == "SF":
                if current is not None:
                    raise bad(path, expected, f"line {number}: SF before end_of_record of {current}")
                current, da_found, da_hit, lf, lh = value, 0, 0, None, None
                sources.append(value)
            elif line == "end_of_record":
                if current is None:
                    raise bad(path, expected, f"line {number}: end_of_record without SF")
                found += lf if lf is not None else da_found
                hit += lh if lh is not None else da_hit
                current = None
            elif current is None:
                raise bad(path, expected, f"line {number}: {key} outside a record")
            elif key == "DA":
                da_found += 1
                da_hit += int(value.split(",")[1]) > 0
            elif key == "LF":
                lf = int(value)
            elif key == "LH":
                lh = int(value)
            elif key == "BRF":
                br_found += int(value)
            elif key == "BRH":
                br_hit += int(value)
        except (ValueError, IndexError):
            raise bad(path, expected, f"line {number}: {line[:60]!r} is malformed") from None
    if current is not None:
        raise bad(path, expected, f"truncated: the record of {current} has no end_of_record")
    if not sources:
        raise bad(path, expected, "no SF: record")
    coverage = round(100.0 * hit / found, 2) if found else 100.0
    branch = round(100.0 * br_hit / br_found, 2) if br_found else None
    return Report({"coverage_percent": coverage, "branch_percent": branch, "coverage_kind": "line"}, sources=sources)


def parse_gocover(path: str, text: str) -> Report:
    """Go's cover profile (``go test -coverprofile``): ``mode: set|count|atomic`` then
    ``file:startLine.col,endLine.col numStatements count``; the percentage is statements
    covered / statements, as ``go tool cover -func`` prints for ``total``.
    Source: https://pkg.go.dev/golang.org/x/tools/cover (ParseProfiles)
    """
    expected = "a Go cover profile (mode: … then file:a.b,c.d n count)"
    lines = text.splitlines()
    if not lines or not lines[0].startswith("mode: "):
        raise bad(path, expected, "first line is not 'mode: …'")
    blocks: dict[tuple[str, str], tuple[int, int]] = {}
    sources: list[str] = []
    pattern = re.compile(r"^(.+):(\d+\.\d+,\d+\.\d+) (\d+) (\d+)$")
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        match = pattern.match(line)
        if not match:
            raise bad(path, expected, f"line {number}: {line[:60]!r} is malformed")
        name, span, stmts, count = match.group(1), match.group(2), int(match.group(3)), int(match.group(4))
        old = blocks.get((name, span), (stmts, 0))
        blocks[(name, span)] = (stmts, max(old[1], count))  # merged profiles repeat blocks
        sources.append(name)
    total = sum(s for s, _ in blocks.values())
    covered = sum(s for s, c in blocks.values() if c > 0)
    return Report({"coverage_percent": round(100.0 * covered / total, 2) if total else 100.0, "coverage_kind": "statement"},
                  sources=sorted(set(sources)))


_BINARY = {"junit": parse_junit, "cobertura": parse_cobertura}
_TEXT = {
    "coverage-json": parse_coverage_json, "lcov": parse_lcov, "gocover": parse_gocover,
    "ruff-json": parse_ruff_json, "ruff": parse_ruff, "pylint-json": parse_pylint_json, "pylint": parse_pylint,
    "flake8-json": parse_flake8_json, "flake8": parse_flake8,
    "mypy": parse_mypy, "pyright-json": parse_pyright_json, "pyright": parse_pyright,
}
KINDS = tuple(sorted((*_BINARY, *_TEXT)))


MAX_REPORT_BYTES = 64 * 1024 * 1024
"""Reports larger than this (64 MiB) are refused: a parsed XML tree costs several times its
size in memory, and no test, coverage or lint report of a real project comes near it."""


def read_report(path: str, shown: str | None = None) -> bytes:
    """The bytes of the report at ``path``, refused past :data:`MAX_REPORT_BYTES`.

    Raises:
        ReportError: unreadable, not a regular file, or too large (``shown`` names it).
    """
    import stat

    name = shown or path
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise ReportError(f"report {name} is not a regular file", "pass the report file itself")
            if info.st_size > MAX_REPORT_BYTES:
                raise ReportError(f"report {name} is {info.st_size / 2**20:.0f} MiB; reports over {MAX_REPORT_BYTES // 2**20} MiB are refused",
                                  "write a smaller report (e.g. one per test suite) and import each")
            data = handle.read(MAX_REPORT_BYTES + 1)
    except OSError as exc:
        raise ReportError(f"cannot read report {name}: {exc.strerror}", "check the path") from None
    if len(data) > MAX_REPORT_BYTES:
        raise ReportError(f"report {name} grew past {MAX_REPORT_BYTES // 2**20} MiB while it was read", "import it once it is complete")
    return data


def parse(kind: str, path: str, data: bytes | None = None) -> Report:
    """Parse the report at ``path`` (or ``data`` when given) as ``kind``.

    Raises:
        ReportError: unknown kind, unreadable, truncated or malformed report.
    """
    if kind not in _BINARY and kind not in _TEXT:
        raise ReportError(f"unknown report kind {kind!r}", "known kinds: " + ", ".join(KINDS))
    if data is None:
        data = read_report(path)
    if kind in _BINARY:
        return _BINARY[kind](path, data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise bad(path, f"a UTF-8 {kind} report", "not UTF-8 text") from None
    return _TEXT[kind](path, text)


def detect(path: str, data: bytes) -> str:
    """Guess the kind of a report from its content (and name for lcov/gocover).

    Raises:
        ReportError: the format is not recognised (the hint says how to name it).
    """
    head = data.lstrip()[:4096]
    name = os.path.basename(path).lower()
    hint = "name the format: metrics import --format KIND FILE (kinds: " + ", ".join(KINDS) + ")"
    if head.startswith(b"<"):
        match = re.search(rb"<(testsuites|testsuite|coverage)[\s>/]", head)
        if match:
            return "cobertura" if match.group(1) == b"coverage" else "junit"
        raise ReportError(f"{path}: an XML file that is neither JUnit (<testsuites>/<testsuite>) nor Cobertura (<coverage>)", hint)
    if head.startswith((b"{", b"[")):
        try:
            obj = json.loads(data)
        except (ValueError, RecursionError):
            raise bad(path, "a complete JSON report", "malformed or truncated JSON") from None
        if isinstance(obj, dict) and "totals" in obj and "files" in obj:
            return "coverage-json"
        if isinstance(obj, dict) and "generalDiagnostics" in obj:
            return "pyright-json"
        if isinstance(obj, list) and obj and isinstance(obj[0], dict):
            return "pylint-json" if "message-id" in obj[0] or "messageId" in obj[0] else "ruff-json"
        if isinstance(obj, dict) and all(isinstance(v, list) for v in obj.values()):
            return "flake8-json"
        raise ReportError(f"{path}: JSON that is not a known report (coverage.py, ruff, pylint, flake8, pyright)", hint)
    if head.startswith((b"TN:", b"SF:")) or name.endswith((".info", ".lcov")):
        return "lcov"
    if head.startswith(b"mode: "):
        return "gocover"
    text = data.decode("utf-8", "replace")
    if re.search(r"^(Found \d+ errors? in \d+ files?|Success: no issues found)", text, re.MULTILINE):
        return "mypy"
    if re.search(r"^(Found \d+ errors?\.|All checks passed!)", text, re.MULTILINE):
        return "ruff"
    if "Your code has been rated" in text or "************* Module" in text:
        return "pylint"
    if re.search(r"^\d+ errors?, \d+ warnings?", text, re.MULTILINE):
        return "pyright"
    raise ReportError(f"{path}: not a recognised report format", hint)
