"""``metrics run|import|record|show|history|session``: quality numbers as events of the session.

Every recording is one ``metrics.recorded`` event of the current session (see
:mod:`session_tracker.metrics.values` for its data); views read them through
:mod:`session_tracker.metrics.latest`.
"""

from __future__ import annotations

import os

from session_tracker.core.context import Context
from session_tracker.core.model import Session
from session_tracker.core.sessions import record, require_open, resolve
from session_tracker.documents import writer
from session_tracker.errors import TrackerError
from session_tracker.metrics import latest as latest_mod
from session_tracker.metrics import values
from session_tracker.metrics.latest import METRICS_EVENT

TYPE_CHECKING = False
if TYPE_CHECKING:
    from session_tracker.metrics.interpreter import Interpreter

JSON_VERSION = 1


#: What metrics views need of every session.
METRICS_TYPES = frozenset({"metrics.recorded"})

def _record(ctx: Context, target: Session, source: str, numbers: values.Numbers, checks: list[dict[str, object]] | None = None,
            reports: list[str] | None = None) -> dict[str, object]:
    data: dict[str, object] = {"source": source, **values.empty(), **numbers, "checks": checks or []}
    if reports:
        data["reports"] = reports
    data.update(_measured_commit(ctx))
    record(ctx, target, METRICS_EVENT, data)
    # The work log shows the entry; the tracker's Key Metrics History and the chart the numbers.
    documents = writer.write_session(ctx, target.file, target.sid, kinds=("log",)) + writer.write_project(ctx)
    written = [ctx.layout.relative(p) for p in documents] + write_chart(ctx)
    result = show(ctx, session=target.name, _session=target)
    result["checks"] = checks or []
    result["source"] = source
    result["written"] = written
    return result


def _measured_commit(ctx: Context) -> dict[str, object]:
    """``{"head", "dirty"}``: the commit the figures describe and how many files differed from
    it (the tracker's own files left out), so every view can say what was measured and when the
    code changed after. Nothing without git."""
    from session_tracker.core import capture
    from session_tracker.git import repo as git

    found, _ = capture.repo_for(ctx)
    if found is None:
        return {}
    return {"head": git.head_sha(found), "dirty": len(git.dirty_files(found, exclude=capture.own_files(ctx)))}


def write_chart(ctx: Context) -> list[str]:
    """Rewrite the SVG chart (``[metrics] chart``) from a fresh read, under the render lock;
    nothing while no session has metrics. Returns the path written (relative), if any."""
    from session_tracker.core import store
    from session_tracker.core.paths import chart_path
    from session_tracker.metrics.chart import render_svg

    path = chart_path(ctx.config)
    if path is None or not ctx.layout.exists():
        return []

    from session_tracker.index import project_view

    target = os.path.join(ctx.layout.root, path)
    with store.Lock(ctx.layout.lock_file("render")):
        # Only the sessions with metrics, only their metrics events, from the index.
        history = latest_mod.history(project_view(ctx.layout, types=frozenset({"metrics.recorded"}), sparse=True)[0])
        if not history:
            return []
        changed = store.atomic_write(target, render_svg(history).encode("utf-8"))
    return [ctx.layout.relative(target)] if changed else []


def record_manual(ctx: Context, session: str | None = None, **numbers: float | None) -> dict[str, object]:
    """``metrics record --tests-passed N …``: numbers typed by hand (``source: manual``).

    Raises:
        TrackerError: nothing given, a negative count or a percentage outside 0–100.
    """
    given = {k: v for k, v in numbers.items() if v is not None}
    unknown = set(given) - set(values.FIELDS)
    if unknown:  # pragma: no cover - the CLI only passes known names
        raise TrackerError(f"unknown metric {min(unknown)}", "")
    if not given:
        raise TrackerError("no numbers given", "e.g. metrics record --tests-passed 41 --tests-failed 1 --coverage 84.1")
    target = require_open(resolve(ctx, session))
    return _record(ctx, target, "manual", values.check(dict(given)))


def import_reports(ctx: Context, files: tuple[str, ...], kind: str | None = None, session: str | None = None) -> dict[str, object]:
    """``metrics import FILE…``: reports made elsewhere (CI artefacts), merged into one event.

    Every file is read, checked (:mod:`session_tracker.metrics.provenance`) and parsed before
    anything is recorded: one bad file records nothing.

    Raises:
        TrackerError: no files, unreadable/malformed/truncated report, a report older than the
        session or from another repository, out-of-range numbers.
    """
    from session_tracker.metrics import parsers, provenance

    if not files:
        raise TrackerError("no report files given", "e.g. metrics import junit.xml coverage.json")
    target = require_open(resolve(ctx, session))
    numbers = values.empty()
    names: list[str] = []
    for name in files:
        path = os.path.abspath(name)
        data = parsers.read_report(path, name)
        report = parsers.parse(kind or parsers.detect(name, data), name, data)
        provenance.check(path, report, ctx.layout.root, target.start_moment)
        values.merge(numbers, values.check(report.numbers, name))
        names.append(ctx.layout.relative(path) if path.startswith(ctx.layout.root) else name)
    return _record(ctx, target, "import", numbers, reports=names)


def interpreter(ctx: Context) -> Interpreter:
    """The project's interpreter for the zero-config checks (:mod:`..metrics.interpreter`).

    Raises:
        TrackerError: ``[metrics] python`` names an interpreter that does not exist.
    """
    from session_tracker.metrics.interpreter import find

    origin = ctx.config.get("origin", {}).get("metrics.python")
    return find(ctx.layout.root, ctx.env, ctx.config["metrics"].get("python"),
                str(origin) if origin else ".sessions/config.toml")


def _checks(ctx: Context) -> tuple[list[dict[str, object]], Interpreter]:
    from session_tracker.metrics import runner

    python = interpreter(ctx)
    checks = ctx.config["metrics"].get("checks")
    if isinstance(checks, list) and checks:
        return checks, python
    return runner.default_checks(ctx.layout.root, python.path, python.source), python


def measure(ctx: Context, target: Session) -> tuple[values.Numbers, list[dict[str, object]], Interpreter]:
    """Run the configured (or zero-config) checks for ``target`` without recording.

    Returns:
        (numbers, one result per check, the interpreter ``{python}`` stood for).
    Raises:
        TrackerError: no checks configured and no Python project to detect; a configured
        interpreter that does not exist.
    """
    from session_tracker.core.clock import parse_iso
    from session_tracker.metrics import runner

    checks, python = _checks(ctx)
    if not checks:
        raise TrackerError(
            "no checks configured and no Python project found (pyproject.toml, setup.py, setup.cfg)",
            "add [[metrics.checks]] to .sessions/config.toml (README: Quality metrics has recipes for JS, Go, Rust)",
        )
    timeout = ctx.config["metrics"].get("timeout")
    since = parse_iso(target.start_moment).timestamp() if target.start_moment else None
    numbers, results = runner.run_checks(ctx.layout.root, checks, python.path, timeout if isinstance(timeout, int) else 600,
                                         since=since)
    return numbers, results, python


def run(ctx: Context, session: str | None = None, source: str = "run", _session: Session | None = None) -> dict[str, object]:
    """``metrics run``: run the checks, parse their reports, record one event.

    Returns:
        :func:`show`'s shape plus ``checks`` (name, status, duration_ms, report, message,
        ``ran``: false when the tool could not run, e.g. pytest's exit 2-5 or a crash) and
        ``python`` {path, source}: the interpreter used. A check that could not run is
        recorded like the others; the CLI then exits 1 (:func:`not_run`).
    Raises:
        TrackerError: no open session; no checks configured and no Python project; a
        configured interpreter that does not exist.
    """
    target = require_open(_session or resolve(ctx, session))
    numbers, checks, python = measure(ctx, target)
    result = _record(ctx, target, source, numbers, checks)
    result["python"] = {"path": python.path, "source": python.source}
    return result


def not_run(result: dict[str, object]) -> TrackerError | None:
    """The error to exit with when a check of ``result`` could not run, else None.

    Failing tests, lint and type errors are data (exit 0); a tool that could not run means
    the numbers are not the project's, so a script or CI must notice.
    """
    broken = [c for c in result.get("checks") or [] if isinstance(c, dict) and c.get("ran") is False]  # type: ignore[attr-defined]
    if not broken:
        return None
    first = broken[0]
    names = ", ".join(str(c.get("name")) for c in broken)
    return TrackerError(f"{names} could not run: {first.get('message')}",
                        "the other checks' numbers were recorded; fix the check and run `metrics run` again")


def show(ctx: Context, session: str | None = None, _session: Session | None = None) -> dict[str, object]:
    """``metrics show``: the session's latest values and their change since the previous session.

    Returns:
        ``{"v", "session", "metrics": {FIELDS…, lint_by_rule, recorded_at, source} | null,
        "previous": {…} | null, "delta": {field: number|null}}``. The session is the open one,
        else the newest session with metrics.
    """
    from session_tracker.index import project_view

    project, _ = project_view(ctx.layout, types=METRICS_TYPES, sparse=True)  # every session's metrics, from the index
    target: Session | None = None
    if _session is not None or session is not None:
        wanted = _session or resolve(ctx, session)
        target = next((s for s in project.sessions if s.sid == wanted.sid), wanted)
    else:
        try:
            target = resolve(ctx, None)
        except TrackerError:
            with_metrics = [s for s in project.sessions if latest_mod.latest(s) is not None]
            target = with_metrics[-1] if with_metrics else None
        if target is not None:
            target = next((s for s in project.sessions if s.sid == target.sid), target)
    now = latest_mod.latest(target) if target else None
    before = latest_mod.previous(target, project) if target else None
    flat = {name: (now or {}).get(name) for name in values.FIELDS}
    return {
        "v": JSON_VERSION,
        "session": target.name if target else None,
        **flat,
        "metrics": now,
        "previous": before,
        "delta": {name: latest_mod.delta(now, before, name) for name in values.FIELDS},
    }


def history(ctx: Context) -> dict[str, object]:
    """``metrics history``: every session's latest metrics, oldest first.

    Returns:
        ``{"v", "sessions": [{session, FIELDS…, lint_by_rule, recorded_at, source}],
        "sparklines": {field: "▁▃█"}}``.
    """
    from session_tracker.index import project_view
    from session_tracker.metrics.chart import sparkline

    rows = latest_mod.history(project_view(ctx.layout, types=METRICS_TYPES, sparse=True)[0])  # no work log decoded
    series = ("tests_passed", "tests_failed", "coverage_percent", "lint_errors", "type_errors")
    return {
        "v": JSON_VERSION,
        "sessions": rows,
        "sparklines": {name: sparkline([r.get(name) for r in rows]) for name in series},  # type: ignore[misc]
    }


def session_metrics(ctx: Context, session: str | None = None) -> dict[str, object]:
    """``metrics session``: seed 003's session metrics and score (see :mod:`..metrics.score`)."""
    from session_tracker import index
    from session_tracker.index import project_view, query
    from session_tracker.metrics.score import session_metrics as compute

    if session is None:
        try:
            target = resolve(ctx, None)
        except TrackerError:
            conn = index.connect_fresh(ctx.layout)
            try:
                newest = query.newest_ended(conn)
            finally:
                conn.close()
            if newest is None:
                raise
            stem, sid = newest
        else:
            stem, sid = target.file, target.sid
    else:
        target = resolve(ctx, session)
        stem, sid = target.file, target.sid
    # The session in full; of the others only their metrics (the "previous" figures).
    project, full = project_view(ctx.layout, {stem}, METRICS_TYPES | frozenset({"session.started"}))
    chosen = next(s for s in full if s.sid == sid)
    return compute(chosen, project)
