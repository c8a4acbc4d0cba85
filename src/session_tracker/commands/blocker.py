"""``blocker``: open a blocker, or resolve one (seed 001's manually tracked blockers).

Blocker ids are ``<session>-<n>`` (``00003-1``), given under the store lock so two concurrent
blockers never share one. A blocker stays open across sessions until it is resolved.
"""

from __future__ import annotations

from session_tracker.core import store, validate
from session_tracker.core.context import Context
from session_tracker.core.model import load_session_file
from session_tracker.core.sessions import record, require_open, resolve
from session_tracker.documents import writer
from session_tracker.errors import TrackerError

IMPACTS = ("Low", "Medium", "High")
BLOCKER_TYPES = frozenset({"blocker.opened", "blocker.resolved", "session.renumbered"})


def open_blocker(ctx: Context, message: str, session: str | None = None, impact: str | None = None, plan: str | None = None) -> dict[str, object]:
    """Record ``blocker.opened``. Returns ``{"session", "blocker", "message", "impact", "plan"}``.

    Args:
        impact: Low, Medium or High; plan: the resolution plan (seed 004's Blockers and Issues).
    Raises:
        TrackerError: empty message or plan, unknown impact, no open session.
    """
    text = validate.text(message)
    if impact is not None and impact not in IMPACTS:
        raise TrackerError(f"unknown impact {impact!r}", "use one of: " + ", ".join(IMPACTS))
    how = validate.text(plan, "plan") if plan is not None else None
    target = require_open(resolve(ctx, session))
    data: dict[str, object] = {"message": text}
    if impact:
        data["impact"] = impact
    if how:
        data["plan"] = how
    from session_tracker.core.ids import short_id

    with store.Lock(ctx.layout.lock_file("store")):
        current, _ = load_session_file(ctx.layout, target.file)
        taken = {e.text("blocker") for s in current for e in s.events if e.type == "blocker.opened"}
        blocker_id = short_id("b", taken)  # unique without coordination (core/ids.py)
        record(ctx, target, "blocker.opened", {"blocker": blocker_id, **data})
    writer.write_session(ctx, target.file, target.sid, kinds=("log",))
    writer.write_project(ctx)
    return {"session": target.name, "blocker": blocker_id, "message": text, "impact": impact, "plan": how}


def resolve_blocker(ctx: Context, blocker_id: str, message: str, session: str | None = None) -> dict[str, object]:
    """Record ``blocker.resolved`` for an open blocker of any session.

    Returns ``{"session", "blocker", "message"}``.

    Raises:
        TrackerError: unknown or already resolved blocker (the hint lists the open ones),
        empty message, no open session.
    """
    how = validate.text(message)
    from session_tracker.index import project_view

    target = require_open(resolve(ctx, session))
    # every session's blockers from the index, no work log decoded
    project, _ = project_view(ctx.layout, types=BLOCKER_TYPES, sparse=True)
    pairs = project.blockers()
    matching = [(o, r) for o, r in pairs if o.text("blocker") == blocker_id]
    if not matching and len(blocker_id) >= 6:  # by the opening event's id (or a unique prefix)
        matching = [(o, r) for o, r in pairs if o.id.startswith(blocker_id.upper())]
    open_ids = ", ".join(e.text("blocker") for e in project.open_blockers()) or "none"
    if not matching:
        raise TrackerError(f"unknown blocker {blocker_id!r}", f"open blockers: {open_ids}")
    if len(matching) > 1:  # ids of older releases (<session>-N) collide after a merge
        listed = ", ".join(f"{o.id} (session {o.session}, {o.text('message')[:40]!r})" for o, _ in matching)
        raise TrackerError(f"blocker id {blocker_id} is ambiguous: {listed}", f"resolve one by its event id: --resolve {matching[-1][0].id}")
    opened, resolution = matching[0]
    if resolution is not None:
        raise TrackerError(f"blocker {blocker_id} is already resolved", f"open blockers: {open_ids}")
    blocker_id = opened.text("blocker")
    record(ctx, target, "blocker.resolved", {"blocker": blocker_id, "opened": opened.id, "message": how})
    writer.write_session(ctx, target.file, target.sid, kinds=("log",))
    writer.write_project(ctx)
    return {"session": target.name, "blocker": blocker_id, "message": how}
