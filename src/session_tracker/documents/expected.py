"""What each document should say: the pure functions from a project view to document texts.

No file is written here (:mod:`session_tracker.documents.writer` writes them under the render
lock; :mod:`session_tracker.documents.bulk` streams them one session at a time), so every
writer and checker (``render``, ``doctor``, ``check``) derives the same bytes.
"""

from __future__ import annotations

import os

from session_tracker.core import kinds
from session_tracker.core.context import Context
from session_tracker.core.model import Project, Session

SESSION_KINDS = kinds.ARCHIVE  # the per-session work log, files, decisions, handoff
PROJECT_KINDS = kinds.TRACKER  # SESSION_TRACKER.md, progress.txt, IMPLEMENTATION.md
#: Seed 003's six session documents and its memory files (render/seed003_docs.py).
LIFECYCLE_KINDS = kinds.LIFECYCLE
MEMORY_KINDS = kinds.MEMORY


def session_path(ctx: Context, kind: str, session: Session) -> str | None:
    """Where ``session``'s document ``kind`` goes, or None when it is not written now: switched
    off; or, with ``[git] commit_documents``, while the session is open or once the file exists
    (committed documents are written at the session's end and never change afterwards, so two
    branches never touch one path)."""
    path = ctx.session_document(kind, session)
    if path is None or ctx.config.get("git", {}).get("commit_documents") is not True:
        return path
    return None if session.ended is None or os.path.exists(path) else path


def render_kind(kind: str, session: Session, project: Project | None) -> str | None:
    """The text of one per-session document, or None when it does not apply (no handoff
    before the session ends)."""
    from session_tracker.documents import session as docs

    if kind == "handoff":
        return None if session.ended is None or project is None else docs.render_handoff(session, project)
    renderers = {"log": docs.render_log, "files": docs.render_files, "decisions": docs.render_decisions}
    if kind not in renderers:
        raise ValueError(f"unknown document kind {kind!r}")
    return renderers[kind](session)


def expected(ctx: Context, project: Project) -> dict[str, str]:
    """Every document the events call for: ``{absolute path: text}``.

    When two sessions share a number (a merge brought both) each has its own documents: the
    first keeps the number, the others are labelled ``<number>-<sid>`` (``model.label_clashes``);
    ``doctor`` reports the clash.
    """
    out: dict[str, str] = {}
    for session in project.sessions:
        for kind in SESSION_KINDS:
            path = session_path(ctx, kind, session)
            if path is None:
                continue
            text = render_kind(kind, session, project)
            if text is not None:
                out[path] = text
    out.update(expected_lifecycle(ctx, project, project.sessions))
    out.update(expected_project(ctx, project))
    return out


def expected_lifecycle(ctx: Context, project: Project, sessions: list[Session]) -> dict[str, str]:
    """Seed 003's session documents of ``sessions`` (views from ``project``): ``{path: text}``."""
    if not sessions or not any(ctx.document(kind, "x") for kind in LIFECYCLE_KINDS):
        return {}
    from session_tracker.documents.workflow import render_session
    from session_tracker.plan.model import load_plan

    plan = load_plan(ctx.layout)
    out: dict[str, str] = {}
    for session in sessions:
        if session.started is None:
            continue
        for kind in LIFECYCLE_KINDS:
            path = session_path(ctx, kind, session)
            text = render_session(kind, session, project, plan) if path else None
            if path and text is not None:
                out[path] = text
    return out


def expected_project(ctx: Context, project: Project) -> dict[str, str]:
    """The project documents (seed 000, 002, 004) the events call for: ``{absolute path: text}``.

    Reads the plan (``.sessions/project.jsonl``); nothing is called for until there is a
    session or a plan event. The display name is the plan's (``plan set --name``), else
    "Project" (not the directory's name: the same events must give the same bytes anywhere).
    """
    paths = {kind: ctx.document(kind, "") for kind in PROJECT_KINDS}
    if not any(paths.values()) and not any(ctx.document(kind, "") for kind in MEMORY_KINDS):
        return {}
    from session_tracker.documents import tracker as tracker_docs
    from session_tracker.plan.derive import State
    from session_tracker.plan.model import load_plan

    plan = load_plan(ctx.layout)
    if not plan.events and not project.sessions:
        return {}
    state = State(project, plan)
    name = plan.name or "Project"
    renderers = {
        "tracker": lambda: tracker_docs.render_tracker(state, name),
        "progress": lambda: tracker_docs.render_progress(state),
        "implementation": lambda: tracker_docs.render_implementation(state, name),
    }
    out = {path: renderers[kind]() for kind, path in paths.items() if path}
    from session_tracker.documents.workflow import render_memory

    for kind in MEMORY_KINDS:
        path = ctx.document(kind, "")
        if path:
            out[path] = render_memory(kind.removeprefix("memory_"), project, plan)
    return out
