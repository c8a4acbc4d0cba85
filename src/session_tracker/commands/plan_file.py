"""``plan export`` and ``plan import``: the plan as ``.sessions/plan.toml`` and back
(the file's format and its diff against the plan live in :mod:`session_tracker.plan.file`)."""

from __future__ import annotations

import os

from session_tracker.commands.plan import change
from session_tracker.core import store
from session_tracker.core.context import Context
from session_tracker.plan.file import HEADER, build_changes, default_path, parse, plan_document
from session_tracker.plan.model import load_plan


def export_plan(ctx: Context, path: str | None = None) -> dict[str, object]:
    """Write the plan to ``path`` (default ``.sessions/plan.toml``; ``-``: return it only).

    Returns ``{"v": 1, "path", "toml"}``.
    """
    import tomli_w

    text = HEADER + tomli_w.dumps(plan_document(load_plan(ctx.layout)))
    target = default_path(ctx) if path is None else path
    if target != "-":
        if path is not None and not os.path.abspath(target).startswith(ctx.layout.root + os.sep):
            from session_tracker.core import safepath

            safepath.allow(os.path.dirname(os.path.abspath(target)))  # a file the user named
        store.atomic_write(os.path.abspath(target), text.encode("utf-8"))
    shown = target if target == "-" else ctx.layout.relative(os.path.abspath(target))
    return {"v": 1, "path": shown, "toml": text}



def import_plan(ctx: Context, path: str | None = None, session: str | None = None) -> dict[str, object]:
    """Apply a plan file (default ``.sessions/plan.toml``) as events, all or nothing.

    Returns ``{"v": 1, "path", "events": N, "types": [event types]}``.

    Raises:
        TrackerError: ``file:line`` of a syntax error or a bad value, or the first problem of
        the resulting plan; nothing is written.
    """
    target = os.path.abspath(path) if path else default_path(ctx)
    label = ctx.layout.relative(target) if target.startswith(ctx.layout.root + os.sep) else target
    data, src = parse(target, label)
    events, _ = change(ctx, lambda plan: build_changes(plan, data, src), session, where=label)
    return {"v": 1, "path": label, "events": len(events), "types": [e.type for e in events]}
