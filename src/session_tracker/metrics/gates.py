"""Seed 003's quality gates, configurable in ``[gates]``.

Rules (each switched off by ``false``):

* ``tests_pass``: tests were measured, none failed or errored;
* ``coverage_min = X``: coverage was measured and is ≥ X %;
* ``coverage_max_drop = Y``: coverage fell by at most Y points from the previous session's;
* ``lint_not_increasing`` / ``types_not_increasing``: lint / type errors are not above the
  previous session's (passes when either side was not measured, as there is nothing to compare).

A rule that needs a number nobody measured fails (``tests_pass``, ``coverage_min``): a gate
that passes because nothing ran would be a lie.
"""

from __future__ import annotations

from session_tracker.metrics.latest import delta
from session_tracker.metrics.values import percent_text


def _num(values: dict[str, object] | None, name: str) -> float | None:
    value = values.get(name) if values else None
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def evaluate(settings: dict[str, object], now: dict[str, object] | None, before: dict[str, object] | None) -> list[dict[str, object]]:
    """Every enabled rule with its outcome.

    Returns:
        ``[{"rule", "ok" (bool), "detail" (the numbers, one line)}]`` in a fixed order.
    """
    out: list[dict[str, object]] = []

    def add(rule: str, ok: bool, detail: str) -> None:
        out.append({"rule": rule, "ok": ok, "detail": detail})

    if settings.get("tests_pass") is True:
        total, failed, errors = _num(now, "tests_total"), _num(now, "tests_failed") or 0, _num(now, "tests_errors") or 0
        if total is None:
            add("tests_pass", False, "no test results recorded in this session")
        else:
            add("tests_pass", failed == 0 and errors == 0, f"{failed:g} failed, {errors:g} errors of {total:g} tests")
    minimum = settings.get("coverage_min")
    coverage = _num(now, "coverage_percent")
    if isinstance(minimum, (int, float)) and not isinstance(minimum, bool):
        if coverage is None:
            add("coverage_min", False, f"coverage not measured (minimum {minimum:g}%)")
        else:
            add("coverage_min", coverage >= minimum, f"coverage {percent_text(coverage)} (minimum {minimum:g}%)")
    drop = settings.get("coverage_max_drop")
    if isinstance(drop, (int, float)) and not isinstance(drop, bool):
        change = delta(now, before, "coverage_percent")
        if change is None:
            add("coverage_max_drop", True, "nothing to compare (coverage not measured in this or the previous session)")
        else:
            add("coverage_max_drop", -change <= drop,
                f"coverage {percent_text(_num(before, 'coverage_percent'))} → {percent_text(coverage)} ({change:+.1f} points; may drop {drop:g})")
    for rule, name, label in (("lint_not_increasing", "lint_errors", "lint errors"), ("types_not_increasing", "type_errors", "type errors")):
        if settings.get(rule) is not True:
            continue
        change = delta(now, before, name)
        if change is None:
            add(rule, True, f"nothing to compare ({label} not measured in this or the previous session)")
        else:
            add(rule, change <= 0, f"{label} {_num(before, name):g} → {_num(now, name):g}")
    return out
