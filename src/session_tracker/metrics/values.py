"""The numbers a ``metrics.recorded`` event holds, and the checks that refuse bad ones.

Data of a ``metrics.recorded`` event (``null`` for what was not measured)::

    {"source": "run"|"import"|"manual"|"end",
     "tests_passed", "tests_failed", "tests_errors", "tests_skipped", "tests_total": int|null,
     "tests_time_s": float|null, "coverage_percent", "branch_percent": float|null (0–100),
     "lint_errors": int|null, "lint_by_rule": {rule: int}, "type_errors": int|null,
     "checks": [{"name", "status" (ok|failed|missing|timeout), "duration_ms", "report", "message"?}],
     "reports": [path, …],
     "coverage_kind": "line"|"combined"|"statement"|absent (what ``coverage_percent`` counts),
     "head": sha|null, "dirty": int (the commit measured, and how many files differed from it)}

``coverage_kind`` comes from the report: coverage.py's ``percent_covered`` counts lines and
branches together when branches were measured ("combined"), Cobertura's ``line-rate`` and
lcov's ``LF``/``LH`` count lines, Go's profile counts statements; a typed ``--coverage`` says
nothing (absent).
"""

from __future__ import annotations

import math

from session_tracker.errors import TrackerError

COUNTS = ("tests_passed", "tests_failed", "tests_errors", "tests_skipped", "tests_total", "lint_errors", "type_errors")
PERCENTS = ("coverage_percent", "branch_percent")
#: Every numeric field, in the order ``--json`` shows them.
FIELDS = ("tests_passed", "tests_failed", "tests_errors", "tests_skipped", "tests_total", "tests_time_s",
          "coverage_percent", "branch_percent", "lint_errors", "type_errors")
SOURCES = ("run", "import", "manual", "end")

Numbers = dict[str, object]

#: What a coverage figure counts, as every view names it.
COVERAGE_LABELS = {"line": "line coverage", "combined": "line+branch coverage (combined)", "statement": "statement coverage"}


def percent_text(value: object) -> str:
    """The one rounding of a percentage in every view: one decimal (``97.2%``); ``—`` if unknown."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:.1f}%"
    return "—"


def coverage_label(kind: object) -> str:
    """``line coverage`` / ``line+branch coverage (combined)`` / ``statement coverage``, or plain
    ``coverage`` when the kind is not known (a number typed by hand)."""
    return COVERAGE_LABELS.get(kind, "coverage") if isinstance(kind, str) else "coverage"


def empty() -> Numbers:
    """A record with nothing measured."""
    out: Numbers = {name: None for name in FIELDS}
    out["lint_by_rule"] = {}
    return out


def check(numbers: Numbers, where: str = "") -> Numbers:
    """Refuse negative counts and percentages outside 0–100; fill ``tests_total``.

    Raises:
        TrackerError: naming the field and its value (prefixed by ``where`` when given).
    """
    prefix = f"{where}: " if where else ""
    for name in COUNTS:
        value = numbers.get(name)
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise TrackerError(f"{prefix}{name} is {value!r}; a count must be a whole number ≥ 0", "counts are never negative")
    for name in (*PERCENTS, "tests_time_s"):
        value = numbers.get(name)
        if value is None:
            continue
        if not isinstance(value, (int, float)) or isinstance(value, bool) or math.isnan(value):
            raise TrackerError(f"{prefix}{name} is {value!r}; expected a number", "give a number such as 84.1")
        if name in PERCENTS and not 0 <= value <= 100:
            raise TrackerError(f"{prefix}{name} is {value}; a percentage must be between 0 and 100", "e.g. --coverage 84.1")
        if name == "tests_time_s" and value < 0:
            raise TrackerError(f"{prefix}tests_time_s is {value}; a duration is never negative", "")
    parts = [numbers.get(k) for k in ("tests_passed", "tests_failed", "tests_errors", "tests_skipped")]
    if numbers.get("tests_total") is None and any(isinstance(p, int) for p in parts):
        numbers["tests_total"] = sum(p for p in parts if isinstance(p, int))
    return numbers


def merge(into: Numbers, more: Numbers) -> Numbers:
    """Add ``more`` into ``into``: counts and times add up (several JUnit files, several linters),
    percentages and anything else are replaced, ``lint_by_rule`` counts are summed."""
    for key, value in more.items():
        if value is None:
            continue
        if key == "lint_by_rule" and isinstance(value, dict):
            rules = into.setdefault("lint_by_rule", {})
            assert isinstance(rules, dict)
            for rule, count in value.items():
                rules[rule] = rules.get(rule, 0) + count
        elif key in (*COUNTS, "tests_time_s") and isinstance(into.get(key), (int, float)):
            into[key] = into[key] + value  # type: ignore[operator]
        else:
            into[key] = value
    time_s = into.get("tests_time_s")
    if isinstance(time_s, float):
        into["tests_time_s"] = round(time_s, 3)
    return into
