"""What the latest quality metrics of a session are: pure, imports nothing heavy.

Other views (the project tracker's Key Metrics History, handoffs, gates) call :func:`latest`
and :func:`previous`; they never read ``metrics.recorded`` events themselves.
"""

from __future__ import annotations

from session_tracker.metrics.values import FIELDS, coverage_label, percent_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from session_tracker.core.model import Project, Session

METRICS_EVENT = "metrics.recorded"


def latest(session: Session) -> dict[str, object] | None:
    """The session's latest metrics, or None when none were recorded.

    Each field is the value of the newest ``metrics.recorded`` event that measured it (a
    manual ``--coverage`` after a ``run`` keeps the run's test counts). Shape: every name in
    :data:`~session_tracker.metrics.values.FIELDS` (None when never measured), plus
    ``lint_by_rule`` {rule: count}, ``coverage_kind`` (of the event that measured coverage),
    ``recorded_at`` (ISO time of the newest event), ``source`` (its source), ``head`` (the
    commit it measured, None when unknown), ``dirty`` (files that differed from it, None when
    unknown) and ``session``.
    """
    events = session.of_type(METRICS_EVENT)
    if not events:
        return None
    out: dict[str, object] = {name: None for name in FIELDS}
    out["lint_by_rule"] = {}
    for event in events:  # oldest first: newer values overwrite older ones
        for name in FIELDS:
            value = event.data.get(name)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                out[name] = value
        if event.data.get("coverage_percent") is not None:
            out["coverage_kind"] = event.data.get("coverage_kind") if isinstance(event.data.get("coverage_kind"), str) else None
        rules = event.data.get("lint_by_rule")
        if isinstance(rules, dict) and event.data.get("lint_errors") is not None:
            out["lint_by_rule"] = {str(k): v for k, v in rules.items() if isinstance(v, int)}
    out.setdefault("coverage_kind", None)
    out["recorded_at"] = events[-1].moment
    out["source"] = events[-1].text("source")
    head, dirty = events[-1].data.get("head"), events[-1].data.get("dirty")
    out["head"] = head if isinstance(head, str) and head else None
    out["dirty"] = dirty if isinstance(dirty, int) and not isinstance(dirty, bool) else None
    out["session"] = session.name
    return out


def previous(session: Session, project: Project) -> dict[str, object] | None:
    """The latest metrics of the newest session that started before ``session`` and has any."""
    return project.memo("metrics.previous", lambda: _previous_by_sid(project)).get(session.sid)


def _previous_by_sid(project: Project) -> dict[str, dict[str, object] | None]:
    """``{sid: previous(session)}`` for every session, in one pass over sessions by start."""
    out: dict[str, dict[str, object] | None] = {}
    before: dict[str, object] | None = None
    for other in project.sessions:  # ordered by start
        out[other.sid] = before
        found = latest(other)
        if found is not None:
            before = found
    return out


def history(project: Project) -> list[dict[str, object]]:
    """The latest metrics of every session that has any, oldest session first."""
    return [found for s in project.sessions if (found := latest(s)) is not None]


def delta(now: dict[str, object] | None, before: dict[str, object] | None, name: str) -> float | None:
    """``now[name] - before[name]`` when both were measured, else None (rounded to 2 places)."""
    if not now or not before:
        return None
    a, b = now.get(name), before.get(name)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return round(a - b, 2)
    return None


def fmt_delta(value: float | None, percent: bool = False) -> str:
    """`` (−2.3)`` / `` (+1)`` / ``""`` (unchanged or unknown), with a real minus sign."""
    if value is None or value == 0:
        return ""
    text = f"{abs(value):.1f}" if percent else f"{abs(value):g}"
    return f" ({'+' if value > 0 else '−'}{text})"


def _pct(value: object) -> str:
    return percent_text(value) if isinstance(value, (int, float)) else "not measured"


def summary_line(data: dict[str, object]) -> str:
    """One plain-text line for a ``metrics.recorded`` event's data (work log entries):
    ``tests 41/42 passed, coverage 84.1%, lint 3, types 0 (run)``."""
    parts = []
    if data.get("tests_total") is not None:
        parts.append(f"tests {data.get('tests_passed')}/{data.get('tests_total')} passed")
    if data.get("coverage_percent") is not None:
        parts.append(f"coverage {_pct(data.get('coverage_percent'))}")
    if data.get("lint_errors") is not None:
        parts.append(f"lint {data.get('lint_errors')}")
    if data.get("type_errors") is not None:
        parts.append(f"types {data.get('type_errors')}")
    checks = data.get("checks")
    problems = [f"{c.get('name')} {c.get('status')}" for c in checks if isinstance(c, dict) and c.get("status") in ("missing", "timeout")] \
        if isinstance(checks, list) else []
    return ", ".join(parts + problems) + f" ({data.get('source') or 'recorded'})"


def provenance_line(session: Session, now: dict[str, object]) -> str:
    """When and at which commit the figures were measured, and whether the code changed after
    (then they are stale): plain text, from the events alone (no clock, no git)."""
    from session_tracker.core.clock import display, parse_iso

    when = display(str(now.get("recorded_at") or ""), session.tz)
    head = now.get("head")
    at = f"at commit {str(head)[:7]}" if isinstance(head, str) else "at an unknown commit (recorded without git)"
    dirty = now.get("dirty")
    line = f"- Measured {at}, {when} ({session.tz}), {now.get('source') or 'recorded'}"
    if isinstance(dirty, int) and dirty:
        line += f", with {dirty} uncommitted file{'s' if dirty != 1 else ''}"
    try:
        measured = parse_iso(str(now.get("recorded_at")))
    except ValueError:
        return line
    later = []
    for commit in session.commits():
        stamp, sha = commit.get("timestamp"), commit.get("sha")
        if isinstance(sha, str) and sha != head and isinstance(stamp, str):
            try:
                if parse_iso(stamp) >= measured.replace(microsecond=0):  # git times have whole seconds
                    later.append(sha)
            except ValueError:
                continue
    end_head = (session.git_end or {}).get("head")
    moved = isinstance(head, str) and isinstance(end_head, str) and end_head != head
    if later or moved:
        since = f"{len(later)} commit{'s' if len(later) != 1 else ''} since" if later else "HEAD moved since"
        at_end = f", HEAD {end_head[:7]} at end" if isinstance(end_head, str) and end_head else ""
        return line + f". Stale: the code changed after it ({since}{at_end})."
    return line + "."


def quality_lines(session: Session, project: Project) -> list[str]:
    """The handoff's "Quality" lines (plain text, no user input): tests, coverage (named for what
    it counts), lint and type errors with the change since the previous session, then the commit
    and time they were measured at (stale when the code changed after), or "not measured"."""
    now, before = latest(session), previous(session, project)
    if now is None:
        return ["- Not measured: run `session-tracker metrics run` during the session."]
    tests = (f"{now['tests_passed']}/{now['tests_total']} passed" + fmt_delta(delta(now, before, "tests_passed"))
             + (f", {now['tests_failed']} failed" if now.get("tests_failed") else "")
             + (f", {now['tests_errors']} errors" if now.get("tests_errors") else "")) if now.get("tests_total") is not None else "not measured"
    coverage = _pct(now.get("coverage_percent")) + fmt_delta(delta(now, before, "coverage_percent"), percent=True)
    label = coverage_label(now.get("coverage_kind")) if now.get("coverage_percent") is not None else "coverage"
    lint = "not measured" if now.get("lint_errors") is None else f"{now['lint_errors']}{fmt_delta(delta(now, before, 'lint_errors'))}"
    types = "not measured" if now.get("type_errors") is None else f"{now['type_errors']}{fmt_delta(delta(now, before, 'type_errors'))}"
    return [f"- Tests: {tests}", f"- {label[0].upper()}{label[1:]}: {coverage}", f"- Lint errors: {lint}", f"- Type errors: {types}",
            provenance_line(session, now)]
