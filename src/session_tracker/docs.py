"""Writing the derived documents: under the render lock, from a fresh read of the events.

Reading inside the lock is what keeps documents complete under concurrency: whichever process
renders last read the file after every append that preceded its lock, and any later append is
followed by its own render.
"""

from __future__ import annotations

from session_tracker import store
from session_tracker.context import Context
from session_tracker.model import Project, Session, load_project, load_session_file

SESSION_KINDS = ("log", "files", "decisions", "handoff")


def render_kind(kind: str, session: Session, project: Project | None) -> str | None:
    """The text of one per-session document, or None when it does not apply (no handoff
    before the session ends)."""
    from session_tracker.render import session_docs as docs

    if kind == "log":
        return docs.render_log(session)
    if kind == "files":
        return docs.render_files(session)
    if kind == "decisions":
        return docs.render_decisions(session)
    if kind == "handoff":
        if session.ended is None or project is None:
            return None
        return docs.render_handoff(session, project)
    raise ValueError(f"unknown document kind {kind!r}")


def expected(ctx: Context, project: Project) -> dict[str, str]:
    """Every document the events call for: ``{absolute path: text}``.

    When two sessions share a number (a merge collision) the later one's documents win;
    ``doctor`` reports the collision.
    """
    out: dict[str, str] = {}
    for session in project.sessions:
        for kind in SESSION_KINDS:
            path = ctx.document(kind, session.name)
            if path is None:
                continue
            text = render_kind(kind, session, project)
            if text is not None:
                out[path] = text
    return out


def write_session(ctx: Context, name: str, sid: str, kinds: tuple[str, ...] = SESSION_KINDS) -> list[str]:
    """Re-render documents of one session from a fresh read; returns the paths written."""
    written: list[str] = []
    with store.Lock(ctx.layout.lock_file("render")):
        if "handoff" in kinds:
            project: Project | None = load_project(ctx.layout)
            sessions = project.named(name) if project else []
        else:
            project = None
            sessions, _ = load_session_file(ctx.layout, name)
        chosen = [s for s in sessions if s.sid == sid] or sessions[-1:]
        if not chosen:
            return written
        for kind in kinds:
            path = ctx.document(kind, name)
            text = render_kind(kind, chosen[0], project) if path else None
            if path and text is not None and store.atomic_write(path, text.encode("utf-8")):
                written.append(path)
    return written


def write_all(ctx: Context) -> tuple[list[str], int]:
    """Re-render every document of every session. Returns ``(paths written, documents total)``."""
    with store.Lock(ctx.layout.lock_file("render")):
        project = load_project(ctx.layout)
        wanted = expected(ctx, project)
        written = [path for path, text in sorted(wanted.items()) if store.atomic_write(path, text.encode("utf-8"))]
    return written, len(wanted)
