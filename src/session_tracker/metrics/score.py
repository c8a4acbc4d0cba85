"""Seed 003's session metrics ("Success Indicators") and a 0–100 score.

Formulas (each ``null`` when its inputs were not recorded):

* **completion rate** = tasks done / tasks planned — the tasks this session touched
  (``task.updated`` events; done = last status ``done``); without task events, the session's
  objectives count as planned and nothing can be said about done;
* **quality score** = tests passed / tests total (latest metrics of the session);
* **time efficiency** = actual minutes / estimated minutes (estimate: the sum of
  ``estimated_minutes`` on the session's ``task.updated`` events);
* **bug rate** = ``bugfix`` entries / ``implementation`` entries;
* **documentation coverage** = documentation files changed / code files changed (documentation:
  ``.md .rst .txt .adoc`` or under ``docs/``; code: the usual source extensions);
* **score** = 100 × the weighted mean of the known components: completion (30, capped at 1),
  quality (30), time (15: 1 when on or under estimate, else estimate / actual), bugs (10:
  1 − min(1, bug rate)), documentation (15, capped at 1); rounded to a whole number.
"""

from __future__ import annotations

import os

from session_tracker.core.model import Project, Session
from session_tracker.metrics.latest import latest, previous

DOC_EXT = (".md", ".rst", ".txt", ".adoc")
CODE_EXT = (".py", ".pyi", ".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".go", ".rs", ".java", ".kt", ".c", ".h", ".cc", ".cpp",
            ".hpp", ".cs", ".rb", ".php", ".swift", ".scala", ".sh", ".vue", ".svelte", ".sql")
WEIGHTS = {"completion_rate": 30, "quality_score": 30, "time_efficiency": 15, "bug_rate": 10, "documentation_coverage": 15}


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b else None


def _is_doc(path: str) -> bool:
    return path.lower().endswith(DOC_EXT) or path.startswith("docs/") or "/docs/" in path


def session_metrics(session: Session, project: Project) -> dict[str, object]:
    """Seed 003's "Performance Tracking" object for ``session``.

    Returns:
        ``{"v": 1, "session", "metrics": {tasksPlanned, tasksCompleted, testsWritten, testsPassed,
        bugsFixed, bugsIntroduced, linesAdded, linesRemoved, timeSpent, timeEstimated},
        "rates": {completion_rate, quality_score, time_efficiency, bug_rate,
        documentation_coverage}, "score"}``; times in minutes; unknown values are null.
    """
    tasks: dict[str, dict[str, object]] = {}
    for event in session.of_type("task.updated"):
        tasks[event.text("task")] = event.data
    planned: int | None = len(tasks) if tasks else (len(session.objectives) or None)
    done = sum(1 for t in tasks.values() if t.get("status") == "done") if tasks else None
    estimates = [t.get("estimated_minutes") for t in tasks.values()]
    estimated = sum(e for e in estimates if isinstance(e, (int, float))) or None
    spent = round(session.duration_s() / 60) if session.ended else round(session.duration_s(session.events[-1].ts) / 60) if session.events else 0
    now, before = latest(session), previous(session, project)
    total, passed = (now or {}).get("tests_total"), (now or {}).get("tests_passed")
    old_total = (before or {}).get("tests_total")
    written = max(0, total - old_total) if isinstance(total, int) and isinstance(old_total, int) else None
    notes = session.of_type("note")
    bugfixes = sum(1 for e in notes if e.text("category") == "bugfix")
    implementations = sum(1 for e in notes if e.text("category") == "implementation")
    files = [str(f.get("path", "")) for f in session.files()]
    docs_changed = sum(1 for f in files if _is_doc(f))
    code_changed = sum(1 for f in files if not _is_doc(f) and os.path.splitext(f)[1].lower() in CODE_EXT)
    added = sum(v for f in session.files() if isinstance(v := f.get("added"), int))
    removed = sum(v for f in session.files() if isinstance(v := f.get("removed"), int))
    rates = {
        "completion_rate": _ratio(done, planned),
        "quality_score": _ratio(passed if isinstance(passed, int) else None, total if isinstance(total, int) else None),
        "time_efficiency": _ratio(spent, estimated),
        "bug_rate": _ratio(bugfixes, implementations),
        "documentation_coverage": _ratio(docs_changed, code_changed),
    }
    score = score_of(rates)
    return {
        "v": 1,
        "session": session.name,
        "metrics": {
            "tasksPlanned": planned, "tasksCompleted": done, "testsWritten": written,
            "testsPassed": passed if isinstance(passed, int) else None,
            "bugsFixed": bugfixes, "bugsIntroduced": None,
            "linesAdded": added, "linesRemoved": removed, "timeSpent": spent, "timeEstimated": estimated,
        },
        "rates": rates,
        "score": score,
    }


def score_of(rates: dict[str, float | None]) -> int | None:
    """The 0-100 score: each known rate mapped to 0-1 (completion and documentation capped
    at 1, time efficiency 1 when on or under estimate else estimate/actual, bug rate
    inverted), weighted by :data:`WEIGHTS` over the rates that are known; None if none is."""
    components: dict[str, float] = {}
    for name, value in rates.items():
        if not isinstance(value, (int, float)):
            continue
        if name in ("completion_rate", "documentation_coverage"):
            components[name] = min(1.0, value)
        elif name == "time_efficiency":
            components[name] = 1.0 if value <= 1 else 1 / value
        elif name == "bug_rate":
            components[name] = 1.0 - min(1.0, value)
        else:
            components[name] = value
    weight = sum(WEIGHTS[n] for n in components)
    return round(100 * sum(WEIGHTS[n] * c for n, c in components.items()) / weight) if weight else None
