"""The one list of next steps, as every reader shows it.

Three commands add a next step: ``next "X" [--priority N]`` (a ``next.added`` project event,
id ``n-N``), ``end --next "X"`` (``session.ended``'s ``next``) and ``handoff --item "X"`` (a
``handoff.item`` session event). A step stays on the list, session after session, until
``next --done ID`` records ``next.done`` for its id. The steps a session itself left stay in
that session's own documents (HANDOFF.md is a record of its end); this list is what is open
*now*, read by ``init``'s printed handoff, the agents' SessionStart context, ``status``,
SESSION_TRACKER.md, progress.txt, IMPLEMENTATION.md and the MCP server.

Ids of steps recorded in a session come from the recording event's id (``s-`` and its last six
characters, lower case; ``end --next`` adds the item's position), so they need no counter
and stay the same on every clone.
"""

from __future__ import annotations

from session_tracker.core.clock import parse_iso
from session_tracker.core.model import Project
from session_tracker.plan.model import Plan

DEFAULT_PRIORITY = 100


class Step:
    """One open next step.

    Attributes:
        id: ``n-N`` (``next``) or ``s-xxxxxx`` / ``s-xxxxxx.K`` (recorded in a session).
        message: the text.
        priority: 1 is the most urgent; :data:`DEFAULT_PRIORITY` when none was given.
        session: the session it was recorded in (``""`` for a plan step with no session open).
        added: ISO time it was recorded.
        source: ``next``, ``end`` or ``handoff``.
    """

    __slots__ = ("added", "id", "message", "priority", "session", "source")

    def __init__(self, id: str, message: str, priority: int, session: str, added: str, source: str) -> None:
        self.id = id
        self.message = message
        self.priority = priority
        self.session = session
        self.added = added
        self.source = source

    def to_dict(self) -> dict[str, object]:
        """``{"id", "message", "priority", "session", "added", "source"}`` (``--json`` shape)."""
        return {"id": self.id, "message": self.message, "priority": self.priority, "session": self.session or None,
                "added": self.added, "source": self.source}


def session_step_id(event_id: str, position: int = 0) -> str:
    """The id of a step recorded by event ``event_id`` (``position`` ≥ 1 for ``end --next``)."""
    base = "s-" + event_id[-6:].lower()
    return f"{base}.{position}" if position else base


def _instant(moment: str) -> float:
    try:
        return parse_iso(moment).timestamp()
    except ValueError:
        return 0.0


def _priority(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else DEFAULT_PRIORITY


def all_steps(project: Project, plan: Plan) -> list[Step]:
    """Every next step ever added (open or done), in the order they were recorded."""
    found: list[Step] = []
    for item in plan.events:
        if item.type == "next.added" and item.text("next"):
            found.append(Step(item.text("next"), item.text("message"), _priority(item.data.get("priority")),
                              "" if item.session == "project" else item.session, item.ts, "next"))
    for session in project.sessions:
        for event in session.events:
            if event.type == "handoff.item" and event.text("message"):
                found.append(Step(session_step_id(event.id), event.text("message"), _priority(event.data.get("priority")),
                                  session.name, event.ts, "handoff"))
        if session.ended is not None:
            for position, text in enumerate(session.ended.texts("next"), start=1):
                if text:
                    found.append(Step(session_step_id(session.ended.id, position), text, DEFAULT_PRIORITY, session.name,
                                      session.ended.ts, "end"))
    found.sort(key=lambda s: (_instant(s.added), s.id))
    return found


def done_ids(plan: Plan) -> set[str]:
    """Ids closed by ``next --done``."""
    return {e.text("next") for e in plan.events if e.type == "next.done"}


def open_steps(project: Project, plan: Plan) -> list[Step]:
    """The open next steps, most urgent first (priority, then when added). A text a session
    gave twice (``end --next`` repeating its own ``handoff --item``) is listed once, under its
    first id, and closing that id closes both."""
    closed = done_ids(plan)
    seen: set[tuple[str, str]] = set()
    out: list[Step] = []
    for step in all_steps(project, plan):
        key = (step.session, " ".join(step.message.split()).casefold())
        if key in seen:
            continue
        seen.add(key)
        if step.id not in closed:
            out.append(step)
    out.sort(key=lambda s: (s.priority, _instant(s.added), s.id))
    return out


def find(project: Project, plan: Plan, ident: str) -> Step | None:
    """The open step ``ident`` (exact id, or a unique prefix of an ``s-`` id), else None."""
    steps = open_steps(project, plan)
    exact = [s for s in steps if s.id == ident]
    if exact:
        return exact[0]
    if not ident.startswith("s-") or len(ident) < 4:  # n-4 must never close n-40
        return None
    prefixed = [s for s in steps if s.id.startswith(ident)]
    return prefixed[0] if len(prefixed) == 1 else None
