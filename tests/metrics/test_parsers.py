"""Report parsers: every format with a fixture written here, plus truncated and malformed input."""

from __future__ import annotations

from pathlib import Path

import pytest

from session_tracker.errors import TrackerError
from session_tracker.metrics import parsers, values
from session_tracker.metrics.parsers import ReportError, detect, parse

JUNIT = b"""<?xml version="1.0" encoding="utf-8"?>
<testsuites name="pytest tests"><testsuite name="pytest" errors="1" failures="1" skipped="1" tests="5" time="1.250"
 timestamp="2026-11-21T13:00:00.000000+00:00">
<testcase classname="t" name="a" time="0.1"/>
<testcase classname="t" name="b" time="0.1"/>
<testcase classname="t" name="c" time="0.1"><failure message="assert 1 == 2">boom</failure></testcase>
<testcase classname="t" name="d" time="0.1"><error message="fixture">bad</error></testcase>
<testcase classname="t" name="e" time="0.1"><skipped message="later"/></testcase>
</testsuite></testsuites>"""


def test_junit_counts_cases_and_time() -> None:
    report = parse("junit", "junit.xml", JUNIT)
    assert report.numbers == {"tests_passed": 2, "tests_failed": 1, "tests_errors": 1, "tests_skipped": 1,
                              "tests_total": 5, "tests_time_s": 1.25}
    assert report.timestamp == "2026-11-21T13:00:00.000000+00:00"


def test_junit_single_testsuite_root_and_several_suites() -> None:
    single = b'<testsuite tests="1" time="0.5"><testcase name="x"/></testsuite>'
    assert parse("junit", "j.xml", single).numbers["tests_passed"] == 1
    many = b'<testsuites><testsuite time="1"><testcase name="a"/></testsuite><testsuite time="2"><testcase name="b"/></testsuite></testsuites>'
    numbers = parse("junit", "j.xml", many).numbers
    assert numbers["tests_total"] == 2 and numbers["tests_time_s"] == 3.0


@pytest.mark.parametrize("data", [JUNIT[: len(JUNIT) // 2], b"", b"<testsuites><testsuite>", b"not xml at all"])
def test_junit_truncated_or_malformed_names_file_and_expectation(data: bytes) -> None:
    with pytest.raises(ReportError) as info:
        parse("junit", "reports/junit.xml", data)
    assert "reports/junit.xml" in info.value.message and "expected a JUnit XML report" in info.value.message


def test_junit_wrong_root_is_refused() -> None:
    with pytest.raises(ReportError, match="root element is <coverage>"):
        parse("junit", "j.xml", b'<coverage line-rate="1"/>')


def test_entity_expansion_is_refused() -> None:
    bomb = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<testsuites><testsuite><testcase name="&lol2;"/></testsuite></testsuites>"""
    with pytest.raises(ReportError, match="unsafe XML refused"):
        parse("junit", "bomb.xml", bomb)


COVERAGE_JSON = """{"meta": {"version": "7.6.0", "branch_coverage": true}, "files": {"pkg/a.py": {}},
"totals": {"covered_lines": 30, "num_statements": 40, "percent_covered": 71.66666, "num_branches": 20, "covered_branches": 13}}"""


def test_coverage_json() -> None:
    report = parse("coverage-json", "coverage.json", COVERAGE_JSON.encode())
    assert report.numbers == {"coverage_percent": 71.67, "branch_percent": 65.0, "coverage_kind": "combined"}
    assert report.sources == ["pkg/a.py"]


@pytest.mark.parametrize("text", [COVERAGE_JSON[:60], '{"files": {}}', "[]", '{"files": {}, "totals": {}}'])
def test_coverage_json_malformed(text: str) -> None:
    with pytest.raises(ReportError, match="coverage.json.*expected a coverage.py JSON report"):
        parse("coverage-json", "coverage.json", text.encode())


COBERTURA = b"""<?xml version="1.0" ?>
<coverage version="7.6" line-rate="0.8412" branch-rate="0.5" lines-covered="1" lines-valid="1" branches-covered="1" branches-valid="2">
<sources><source>/abs/src</source></sources>
<packages><package name="p"><classes><class name="a.py" filename="pkg/a.py" line-rate="1"/></classes></package></packages>
</coverage>"""


def test_cobertura() -> None:
    report = parse("cobertura", "coverage.xml", COBERTURA)
    assert report.numbers == {"coverage_percent": 84.12, "branch_percent": 50.0, "coverage_kind": "line"}
    assert report.sources == ["pkg/a.py"] and report.source_roots == ["/abs/src"]


def test_cobertura_without_branches_and_missing_rate() -> None:
    no_branches = b'<coverage line-rate="0.5" branch-rate="0" branches-valid="0"></coverage>'
    assert parse("cobertura", "c.xml", no_branches).numbers == {"coverage_percent": 50.0, "branch_percent": None, "coverage_kind": "line"}
    with pytest.raises(ReportError, match="attribute missing"):
        parse("cobertura", "c.xml", b"<coverage></coverage>")


LCOV = """TN:
SF:src/a.js
DA:1,1
DA:2,0
LF:4
LH:3
BRF:4
BRH:1
end_of_record
SF:src/b.js
DA:1,1
DA:2,0
end_of_record
"""


def test_lcov_sums_records_and_counts_da_without_lf() -> None:
    report = parse("lcov", "lcov.info", LCOV.encode())
    assert report.numbers == {"coverage_percent": round(100 * 4 / 6, 2), "branch_percent": 25.0, "coverage_kind": "line"}
    assert report.sources == ["src/a.js", "src/b.js"]


def test_lcov_truncated_and_malformed() -> None:
    with pytest.raises(ReportError, match="truncated: the record of src/b.js has no end_of_record"):
        parse("lcov", "lcov.info", LCOV[: LCOV.rindex("end_of_record")].encode())
    with pytest.raises(ReportError, match="line 2"):
        parse("lcov", "lcov.info", b"SF:a\nLF:many\nend_of_record\n")
    with pytest.raises(ReportError, match="no SF"):
        parse("lcov", "lcov.info", b"TN:\n")


def test_gocover() -> None:
    text = "mode: set\nex.com/m/a.go:3.10,5.2 2 1\nex.com/m/a.go:6.10,8.2 3 0\nex.com/m/a.go:3.10,5.2 2 0\n"
    assert parse("gocover", "cover.out", text.encode()).numbers == {"coverage_percent": 40.0, "coverage_kind": "statement"}
    with pytest.raises(ReportError, match="line 2"):
        parse("gocover", "cover.out", b"mode: set\ngarbage\n")
    with pytest.raises(ReportError, match="mode"):
        parse("gocover", "cover.out", b"")


def test_ruff_json_and_text() -> None:
    text = '[{"code": "F401", "filename": "/r/a.py"}, {"code": "F401", "filename": "/r/b.py"}, {"code": "E501", "filename": "/r/a.py"}, {"code": null, "filename": "/r/c.py"}]'
    report = parse("ruff-json", "ruff.json", text.encode())
    assert report.numbers == {"lint_errors": 4, "lint_by_rule": {"E501": 1, "F401": 2, "syntax-error": 1}}
    concise = "a.py:1:8: F401 [*] `os` imported but unused\nb.py:2:1: E711 Comparison\nFound 2 errors.\n[*] 1 fixable\n"
    assert parse("ruff", "ruff.txt", concise.encode()).numbers == {"lint_errors": 2, "lint_by_rule": {"E711": 1, "F401": 1}}
    full = "F401 [*] `os` imported but unused\n --> a.py:1:8\n  |\nFound 1 error.\n"
    assert parse("ruff", "ruff.txt", full.encode()).numbers["lint_by_rule"] == {"F401": 1}
    assert parse("ruff", "ruff.txt", b"All checks passed!\n").numbers["lint_errors"] == 0
    with pytest.raises(ReportError, match="no summary line"):
        parse("ruff", "ruff.txt", b"a.py:1:8: F401 unused\n")
    with pytest.raises(ReportError, match="malformed JSON"):
        parse("ruff-json", "ruff.json", text[:30].encode())


def test_pylint_and_flake8() -> None:
    pj = '[{"type": "convention", "message-id": "C0114", "symbol": "missing-module-docstring"}, {"type": "error", "message-id": "E1101"}]'
    assert parse("pylint-json", "p.json", pj.encode()).numbers == {"lint_errors": 2, "lint_by_rule": {"C0114": 1, "E1101": 1}}
    pt = "************* Module a\na.py:1:0: C0114: Missing module docstring (missing-module-docstring)\n\nYour code has been rated at 5.00/10\n"
    assert parse("pylint", "p.txt", pt.encode()).numbers["lint_errors"] == 1
    with pytest.raises(ReportError):
        parse("pylint", "p.txt", b"something else\n")
    f8 = "./a.py:1:1: F401 'os' imported but unused\n./a.py:3:80: E501 line too long (90 > 79 characters)\n"
    assert parse("flake8", "f.txt", f8.encode()).numbers == {"lint_errors": 2, "lint_by_rule": {"E501": 1, "F401": 1}}
    assert parse("flake8", "f.txt", b"").numbers["lint_errors"] == 0
    with pytest.raises(ReportError, match="line 2"):
        parse("flake8", "f.txt", b"./a.py:1:1: F401 x\nTraceback (most recent call last):\n")
    fj = '{"a.py": [{"code": "F401"}], "b.py": []}'
    assert parse("flake8-json", "f.json", fj.encode()).numbers["lint_errors"] == 1


def test_mypy_and_pyright() -> None:
    out = "a.py:3: error: Incompatible return value  [return-value]\nb.py:1: error: x  [misc]\nFound 2 errors in 2 files (checked 3 source files)\n"
    assert parse("mypy", "mypy.txt", out.encode()).numbers == {"type_errors": 2}
    assert parse("mypy", "mypy.txt", b"Success: no issues found in 3 source files\n").numbers == {"type_errors": 0}
    assert parse("mypy", "mypy.txt", b"a.py:3: error: x  [misc]\n").numbers == {"type_errors": 1}
    with pytest.raises(ReportError, match="mypy.txt.*expected mypy's output"):
        parse("mypy", "mypy.txt", b"a.py:3: note: only a note\n")
    assert parse("pyright-json", "p.json", b'{"generalDiagnostics": [], "summary": {"errorCount": 3}}').numbers == {"type_errors": 3}
    with pytest.raises(ReportError):
        parse("pyright-json", "p.json", b'{"summary": {}}')
    assert parse("pyright", "p.txt", b"/a.py:1:1 - error: x\n1 error, 0 warnings, 0 informations \n").numbers == {"type_errors": 1}


def test_detect_each_format(tmp_path: Path) -> None:
    cases = {
        "junit": JUNIT, "cobertura": COBERTURA, "coverage-json": COVERAGE_JSON.encode(), "lcov": LCOV.encode(),
        "gocover": b"mode: set\n", "ruff-json": b'[{"code": "F401", "filename": "a.py"}]',
        "pylint-json": b'[{"message-id": "C0114"}]', "pyright-json": b'{"generalDiagnostics": [], "summary": {"errorCount": 0}}',
        "mypy": b"Success: no issues found in 1 source file\n", "ruff": b"All checks passed!\n",
        "pylint": b"Your code has been rated at 10.00/10\n", "pyright": b"0 errors, 0 warnings, 0 informations\n",
    }
    for kind, data in cases.items():
        assert detect("report", data) == kind, kind
    with pytest.raises(ReportError, match="not a recognised report format"):
        detect("notes.txt", b"hello\n")
    with pytest.raises(ReportError, match="malformed or truncated JSON"):
        detect("x.json", b'{"totals": ')


def test_unknown_kind_and_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="unknown report kind"):
        parse("nope", "x")
    with pytest.raises(ReportError, match="cannot read report"):
        parse("junit", str(tmp_path / "missing.xml"))
    with pytest.raises(ReportError, match="not UTF-8"):
        parse("mypy", "m.txt", b"\xff\xfe\x00")
    assert "junit" in parsers.KINDS


@pytest.mark.parametrize(("field", "value"), [("tests_passed", -1), ("coverage_percent", 100.5), ("coverage_percent", -0.1),
                                              ("lint_errors", 1.5), ("branch_percent", float("nan"))])
def test_values_refuse_out_of_range(field: str, value: float) -> None:
    with pytest.raises(TrackerError, match=field):
        values.check({field: value})


def test_values_merge_adds_counts_and_replaces_percentages() -> None:
    a = values.check({"tests_passed": 2, "tests_failed": 1, "lint_errors": 1, "lint_by_rule": {"F401": 1}})
    merged = values.merge(values.empty(), a)
    values.merge(merged, {"tests_passed": 3, "tests_total": 3, "lint_errors": 2, "lint_by_rule": {"F401": 1, "E501": 1}})
    values.merge(merged, {"coverage_percent": 50.0})
    values.merge(merged, {"coverage_percent": 60.0})
    assert merged["tests_passed"] == 5 and merged["tests_total"] == 6 and merged["lint_errors"] == 3
    assert merged["lint_by_rule"] == {"F401": 2, "E501": 1} and merged["coverage_percent"] == 60.0
