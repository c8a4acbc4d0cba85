"""Writing the derived documents: under the render lock, from a fresh read of the events.

Reading inside the lock is what keeps documents complete under concurrency: whichever process
renders last read the file after every append that preceded its lock, and any later append is
followed by its own render.
"""

from __future__ import annotations

import os

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


def _current(ctx: Context, name: str, known: Session | None) -> bool:
    """True when ``known`` has seen every byte of its session file (nobody appended since)."""
    if known is None or known.file_size < 0 or known.name != name:
        return False
    try:
        return os.stat(ctx.layout.session_file(name)).st_size == known.file_size
    except OSError:
        return False


def write_session(
    ctx: Context,
    name: str,
    sid: str,
    kinds: tuple[str, ...] = SESSION_KINDS,
    known: Session | None = None,
    durable: bool = True,
) -> list[str]:
    """Re-render documents of one session; returns the paths written.

    Args:
        known: the caller's view of the session; used instead of a re-read when the file's
            size shows nobody appended since the view was made (the common case of ``log``).
        durable: fsync each document (``log`` skips it for the work log it rewrites on every
            entry: the file is derived, and ``render`` rebuilds it).
    """
    return write_session_full(ctx, name, sid, kinds, known, durable)[0]


def write_session_full(
    ctx: Context,
    name: str,
    sid: str,
    kinds: tuple[str, ...] = SESSION_KINDS,
    known: Session | None = None,
    durable: bool = True,
) -> tuple[list[str], Session | None, Project | None]:
    """As :func:`write_session`, also returning the session and project views it rendered
    from (the project only when the handoff was among ``kinds``), so callers need not read
    the store again."""
    written: list[str] = []
    with store.Lock(ctx.layout.lock_file("render")):
        project: Project | None = None
        if "handoff" in kinds:
            project = load_project(ctx.layout)
            sessions = project.named(name)
        elif known is not None and _current(ctx, name, known):
            sessions = [known]
        else:
            sessions, _ = load_session_file(ctx.layout, name)
        chosen = [s for s in sessions if s.sid == sid] or sessions[-1:]
        if not chosen:
            return written, None, project
        for kind in kinds:
            path = ctx.document(kind, name)
            text = render_kind(kind, chosen[0], project) if path else None
            if path and text is not None and store.atomic_write(path, text.encode("utf-8"), durable=durable):
                written.append(path)
    return written, chosen[0], project


def write_all(ctx: Context) -> tuple[list[str], int]:
    """Re-render every document of every session. Returns ``(paths written, documents total)``."""
    with store.Lock(ctx.layout.lock_file("render")):
        project = load_project(ctx.layout)
        wanted = expected(ctx, project)
        written = [path for path, text in sorted(wanted.items()) if store.atomic_write(path, text.encode("utf-8"))]
    return written, len(wanted)
