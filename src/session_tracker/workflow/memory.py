"""Seed 003's ``memory/``: architecture, patterns, decisions and errors, folded from events.

* ``memory.added`` (in ``project.jsonl``): ``kind`` (architecture|patterns|decisions|errors),
  ``message``; decisions also ``rationale``, ``context``, ``alternatives[]`` and ``supersedes``
  (the event id of the decision record it replaces).
* Every ``decision`` of every session is a decision record too; records are numbered in time
  order (``at`` else ``ts``, then id), so the same events always give the same numbers.
* Known issues (``issue.noted``/``issue.fixed``) are the errors' log.
"""

from __future__ import annotations

from session_tracker.core.events import Event
from session_tracker.core.model import Project
from session_tracker.plan.model import Plan

KINDS = ("architecture", "patterns", "decisions", "errors")


def _order(event: Event) -> tuple[float, str]:
    from session_tracker.core.clock import parse_iso

    try:
        return (parse_iso(event.moment).timestamp(), event.id)
    except (ValueError, TypeError):  # pragma: no cover - moments are written by us
        return (0.0, event.id)


def decision_records(project: Project, plan: Plan) -> list[dict[str, object]]:
    """Numbered decision records: ``[{number, id, status, superseded_by, title, context,
    decision, rationale, alternatives, session, moment}]`` oldest first."""
    sources: list[tuple[Event, str]] = []
    for session in project.sessions:
        context = f"Session {session.name}" + (": " + "; ".join(session.objectives) if session.objectives else "")
        sources += [(e, context) for e in session.of_type("decision")]
    sources += [(e, e.text("context")) for e in plan.events if e.type == "memory.added" and e.text("kind") == "decisions"]
    sources.sort(key=lambda pair: _order(pair[0]))
    numbers = {event.id: n for n, (event, _) in enumerate(sources, 1)}
    superseded: dict[str, int] = {}
    for event, _ in sources:
        target = event.text("supersedes")
        if target in numbers:
            superseded[target] = numbers[event.id]
    records: list[dict[str, object]] = []
    for event, context in sources:
        by = superseded.get(event.id)
        records.append({
            "number": numbers[event.id], "id": event.id,
            "status": f"Superseded by ADR-{by:03d}" if by else "Accepted",
            "supersedes": numbers.get(event.text("supersedes")),
            "title": event.text("message"), "context": context, "decision": event.text("message"),
            "rationale": event.text("rationale"), "alternatives": event.texts("alternatives"),
            "session": event.session if event.session != "project" else None, "moment": event.moment,
        })
    return records


def notes(plan: Plan, kind: str) -> list[Event]:
    """``memory add KIND`` entries, oldest first."""
    return [e for e in plan.events if e.type == "memory.added" and e.text("kind") == kind]
