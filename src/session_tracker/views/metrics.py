"""Text views of the metrics commands' results (for people; ``--json`` prints the dicts)."""

from __future__ import annotations

from session_tracker.metrics.latest import fmt_delta
from session_tracker.metrics.values import percent_text

_ROWS = (
    ("tests", None), ("coverage_percent", "coverage"), ("branch_percent", "branches"),
    ("lint_errors", "lint errors"), ("type_errors", "type errors"),
)


def _num(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def _delta(result: dict[str, object], name: str) -> float | None:
    delta = result.get("delta")
    value = delta.get(name) if isinstance(delta, dict) else None
    return value if isinstance(value, (int, float)) else None


def shown(result: dict[str, object]) -> str:
    """``metrics show``/``record``/``run``/``import``: one line per metric, with its delta."""
    lines: list[str] = []
    python = result.get("python")
    if isinstance(python, dict):
        lines.append(f"python: {python.get('path')} ({python.get('source')})")
    for check in result.get("checks") or []:  # type: ignore[attr-defined]
        mark = {"ok": "✓", "failed": "✗", "missing": "?", "timeout": "⏱"}.get(str(check.get("status")), "·")
        message = f" — {check['message']}" if check.get("message") else ""
        status = "could not run" if check.get("ran") is False else check.get("status")
        lines.append(f"{mark} {check.get('name')}: {status} ({check.get('duration_ms')} ms){message}")
    metrics = result.get("metrics")
    if not isinstance(metrics, dict):
        lines.append("No metrics recorded yet: run `session-tracker metrics run` (or `metrics record`).")
        return "\n".join(lines)
    lines.append(f"Session {result.get('session')} ({metrics.get('source')}, {str(metrics.get('recorded_at'))[:16].replace('T', ' ')} UTC)")
    passed, total = metrics.get("tests_passed"), metrics.get("tests_total")
    if total is not None:
        extra = ", ".join(f"{metrics.get(k)} {label}" for k, label in (("tests_failed", "failed"), ("tests_errors", "errors"),
                                                                        ("tests_skipped", "skipped")) if metrics.get(k))
        lines.append(f"  tests       {passed}/{total} passed{fmt_delta(_delta(result, 'tests_passed'))}" + (f" ({extra})" if extra else ""))
    else:
        lines.append("  tests       not measured")
    for name, label in _ROWS[1:]:
        value = metrics.get(name)
        if value is None:
            if name != "branch_percent":
                lines.append(f"  {label:<11} not measured")
            continue
        unit = "%" if name.endswith("percent") else ""
        lines.append(f"  {label:<11} {_num(value)}{unit}{fmt_delta(_delta(result, name), percent=bool(unit))}")
    rules = metrics.get("lint_by_rule")
    if isinstance(rules, dict) and rules:
        top = sorted(rules.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
        lines.append("  lint rules  " + ", ".join(f"{k} {v}" for k, v in top))
    if result.get("written"):
        lines.append("Wrote " + ", ".join(str(p) for p in result["written"]))  # type: ignore[attr-defined]
    return "\n".join(lines)


def history(result: dict[str, object]) -> str:
    """``metrics history``: a table of sessions, then one sparkline per metric."""
    rows = result.get("sessions") or []
    if not rows:
        return "No metrics recorded yet."
    lines = [f"{'session':<10} {'tests':>11} {'coverage':>9} {'lint':>6} {'types':>6}"]
    for row in rows:  # type: ignore[attr-defined]
        tests = f"{row.get('tests_passed')}/{row.get('tests_total')}" if row.get("tests_total") is not None else "—"
        cov = percent_text(row.get("coverage_percent"))
        lint = "—" if row.get("lint_errors") is None else str(row["lint_errors"])
        types = "—" if row.get("type_errors") is None else str(row["type_errors"])
        lines.append(f"{row.get('session')!s:<10} {tests:>11} {cov:>9} {lint:>6} {types:>6}")
    lines.append("")
    for name, spark in (result.get("sparklines") or {}).items():  # type: ignore[attr-defined]
        lines.append(f"{name:<17} {spark}")
    return "\n".join(lines)


def gate(result: dict[str, object]) -> str:
    """``gate``: one line per rule, ✓ or ✗ with its numbers."""
    lines = [f"{'✓' if r['ok'] else '✗'} {r['rule']}: {r['detail']}" for r in result.get("rules") or []]  # type: ignore[attr-defined]
    if not lines:
        lines.append("No gates enabled ([gates] in .sessions/config.toml).")
    lines.append("Gates pass." if result.get("ok") else "Gates fail: " + ", ".join(result.get("failing") or []))  # type: ignore[arg-type]
    return "\n".join(lines)


def session(result: dict[str, object]) -> str:
    """``metrics session``: seed 003's metrics and the score."""
    lines = [f"Session {result.get('session')} — score {result.get('score') if result.get('score') is not None else '—'}/100"]
    for name, value in (result.get("rates") or {}).items():  # type: ignore[attr-defined]
        lines.append(f"  {name.replace('_', ' '):<24} {'—' if value is None else value}")
    for name, value in (result.get("metrics") or {}).items():  # type: ignore[attr-defined]
        lines.append(f"  {name:<24} {'—' if value is None else value}")
    return "\n".join(lines)
