"""Writing the derived documents: under the render lock, from a fresh read of the events.

Reading inside the lock is what keeps documents complete under concurrency: whichever process
renders last read the file after every append that preceded its lock, and any later append is
followed by its own render.
"""

from __future__ import annotations

from session_tracker.core import store
from session_tracker.core.context import Context
from session_tracker.core.deferred import after_event, no_paths
from session_tracker.core.model import Project, Session, load_session_file
from session_tracker.documents.expected import (
    LIFECYCLE_KINDS,
    MEMORY_KINDS,
    PROJECT_KINDS,
    SESSION_KINDS,
    expected,
    expected_lifecycle,
    expected_project,
    render_kind,
    session_path,
)
from session_tracker.documents.md import document_bytes

__all__ = ["LIFECYCLE_KINDS", "MEMORY_KINDS", "PROJECT_KINDS", "SESSION_KINDS", "expected", "expected_lifecycle",
           "expected_project", "render_kind", "session_path"]  # what to render lives in expected.py

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable

#: The lock of the project documents (SESSION_TRACKER.md, progress.txt …); the session
#: documents are written under ``render``. A full render takes both, ``render`` first.
PROJECT_LOCK = "project-docs"


def _nothing_rendered() -> tuple[list[str], Session | None, Project | None]:
    return [], None, None


@after_event(no_paths)
def write_lifecycle(ctx: Context, names: list[str] | None = None) -> list[str]:
    """Re-render seed 003's documents of the sessions whose file stems are ``names`` (default: those open here)
    under the render lock, from a read made inside it. Returns the paths written."""
    from session_tracker.core.sessions import open_here

    if not any(ctx.document(kind, "x") for kind in LIFECYCLE_KINDS):
        return []
    from session_tracker.index import summary_project as load_summary_project

    with store.Lock(ctx.layout.lock_file("render")):
        wanted_names = names if names is not None else sorted(open_here(ctx.layout))
        if not wanted_names:
            return []
        summary = load_summary_project(ctx.layout)
        full: dict[str, Session] = {}
        for name in wanted_names:
            found, _ = load_session_file(ctx.layout, name)
            full.update({s.sid: s for s in found})
        # Their own events in full; the other sessions' summaries (start, end, metrics …).
        project = Project([full.get(s.sid, s) for s in summary.sessions], [])
        chosen = [s for s in project.sessions if s.sid in full]
        wanted = expected_lifecycle(ctx, project, chosen)
        return [path for path, text in sorted(wanted.items()) if store.atomic_write(path, document_bytes(text))]


@after_event(no_paths)
def write_project(ctx: Context, now: bool = False, on_locked: Callable[[], None] | None = None,
                  sessions: tuple[str, ...] = (), lock_timeout: float = store.LOCK_TIMEOUT_S) -> list[str]:
    """Re-render the project documents under the render lock, from a read made inside it.

    On a store too big to render them within a per-session command's budget, a background
    process does it instead (:mod:`session_tracker.documents.background`) unless ``now``.

    Args:
        on_locked: called once the lock is held, before the events are read.
        sessions: sessions whose seed 003 documents are rendered too (besides those open here).
    Returns the paths written (unchanged documents are not rewritten; none when deferred).
    """
    from session_tracker.documents import background

    if not now and background.too_big(ctx) and background.schedule(ctx, sessions):
        return []

    # The project documents' own lock: a per-session command writing its session's documents
    # (under the render lock) never waits for a background render of the whole history.
    with store.Lock(ctx.layout.lock_file(PROJECT_LOCK), timeout=lock_timeout):
        if on_locked is not None:
            on_locked()
        from session_tracker.documents import project_key
        from session_tracker.index import connect_fresh, query

        conn = connect_fresh(ctx.layout)
        try:
            pkey = project_key.key(conn, ctx.config)  # before the view is read: a later event moves it
            # The project documents need few events per session: the index's summary view.
            wanted = expected_project(ctx, query.project(conn, ctx.layout, notes=query.NOTES_KEPT)[0])
            written = [path for path, text in sorted(wanted.items()) if store.atomic_write(path, document_bytes(text))]
            project_key.remember(conn, pkey, wanted)
        finally:
            conn.close()
    written += write_lifecycle(ctx)  # seed 003's documents of the sessions open here follow the plan
    return written + (write_lifecycle(ctx, list(sessions)) if sessions else [])


def _current(ctx: Context, name: str, known: Session | None) -> bool:
    """True when ``known`` has seen every byte of its session file (nobody appended since)."""
    if known is None or known.file_size < 0 or known.file != name:
        return False
    from session_tracker.core.reading import source_size

    return source_size(ctx.layout, name) == known.file_size


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
        name: the stem of the session's event file (``Session.file``); sid: its id.
        known: the caller's view of the session; used instead of a re-read when the file's
            size shows nobody appended since the view was made (the common case of ``log``).
        durable: fsync each document (``log`` skips it for the work log it rewrites on every
            entry: the file is derived, and ``render`` rebuilds it).
    """
    return write_session_full(ctx, name, sid, kinds, known, durable)[0]


@after_event(_nothing_rendered)
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
    from session_tracker.documents import handoff_view

    written: list[str] = []
    with store.Lock(ctx.layout.lock_file("render")):
        project: Project | None = None
        conn = None
        if "handoff" in kinds:
            from session_tracker.index import connect_fresh

            conn = connect_fresh(ctx.layout)
            # a handoff needs of the other sessions only the blockers open at its end and the metrics before it
            project, sessions = handoff_view.project_for(conn, ctx.layout, name)
        elif known is not None and _current(ctx, name, known):
            sessions = [known]
        else:
            sessions, _ = load_session_file(ctx.layout, name)
        try:
            chosen = [s for s in sessions if s.sid == sid] or sessions[-1:]
            if not chosen:
                return written, None, project
            for kind in kinds:
                path = session_path(ctx, kind, chosen[0])
                text = render_kind(kind, chosen[0], project) if path else None
                if kind == "handoff" and text is not None and conn is not None:
                    handoff_view.remember(ctx, conn, chosen[0], text)  # the next session's start reads it back
                if path and text is not None and store.atomic_write(path, document_bytes(text), durable=durable):
                    written.append(path)
                if kind == "log" and path and text is not None:
                    from session_tracker.documents.worklog import remember

                    remember(ctx, chosen[0], path)  # lets the next `log` append its row (documents/worklog.py)
        finally:
            if conn is not None:
                conn.close()
    return written, chosen[0], project


def write_all(ctx: Context) -> tuple[list[str], int]:
    """Re-render every document the events call for. Returns ``(paths written, total)``.

    Incremental, make-style: documents are a pure function of the event files, the
    configuration and the code. ``local/render-manifest.json`` records what the last render
    saw; when the configuration and code are unchanged, only these are rendered again:

    * the documents of sessions whose event file changed;
    * the documents of sessions that ended after the earliest blocker or metrics event in a
      changed file (a handoff shows the blockers open at its end and the metrics delta);
    * any document whose file was edited or deleted since;
    * the project documents, when an event they read came in, the plan changed or one of them
      was edited (:mod:`session_tracker.documents.project_key`).

    Nothing changed means nothing is read; a ``log`` in the open session reads that session and
    the others' blockers and metrics from the index, never every session's summary. Anything
    else (new code, new config, no manifest, a removed event file) means a full render.
    """
    from session_tracker.documents import manifest as manifests
    from session_tracker.index import connect_fresh

    # every document: the session documents' lock, then the project documents' (that order only)
    with store.Lock(ctx.layout.lock_file("render")), store.Lock(ctx.layout.lock_file(PROJECT_LOCK)):
        # The files' stamps before the index reads them: a line appended in between makes the
        # next render see the file changed, never a manifest newer than what was rendered.
        inputs = manifests.render_inputs(ctx)
        manifest = manifests.read_manifest(ctx)
        if manifests.unchanged(inputs, manifest):  # nothing to read, not even the index
            previous = manifest.get("outputs") if manifest else None
            return [], len(previous) if isinstance(previous, dict) else 0
        conn = connect_fresh(ctx.layout)
        try:
            return _write_all(ctx, conn, inputs, manifest)
        finally:
            conn.close()


def _write_all(ctx: Context, conn: sqlite3.Connection, inputs: dict[str, object],
               manifest: dict[str, object] | None) -> tuple[list[str], int]:
    from session_tracker.documents import manifest as manifests
    from session_tracker.documents import project_key
    from session_tracker.index import query

    decided = manifests.sessions_to_redo(conn, inputs, manifest)
    pkey = project_key.key(conn, ctx.config)  # before anything is read: a later event moves it
    if decided is None:  # everything, one session at a time (bulk.py): bounded memory
        from session_tracker.documents.bulk import documents

        outputs_full: dict[str, object] = {}
        written_full: set[str] = set()  # (a list's `in` made 40,000 documents 27 s of a full render)
        project_paths: list[str] = []
        summary = query.project(conn, ctx.layout, notes=query.NOTES_KEPT)[0]
        for path, text, owner in documents(ctx, summary=summary):
            if store.atomic_write(path, document_bytes(text), durable=False):
                written_full.add(path)
            outputs_full[path] = [manifests.file_stamp(path), owner]
            if not owner:
                project_paths.append(path)
        project_key.remember(conn, pkey, project_paths)
        manifests.write_manifest(ctx, inputs, outputs_full)
        return sorted(written_full), len(outputs_full)
    redo, inputs_changed, forced = decided
    if not redo and not inputs_changed:
        previous = manifest.get("outputs") if manifest else None
        return [], len(previous) if isinstance(previous, dict) else 0
    project_docs = project_key.due(conn, pkey, inputs_changed, forced)
    made: dict[str, str] = {}
    lifecycle = any(ctx.document(kind, "x") for kind in LIFECYCLE_KINDS)
    if project_docs or lifecycle:
        summary = query.project(conn, ctx.layout, notes=query.NOTES_KEPT)[0]
        project, full = mixed_project(ctx, redo, summary)
        wanted = _expected_for(ctx, project, full)
        if project_docs:
            made = expected_project(ctx, summary)
            wanted.update(made)
    else:  # their handoffs need of the other sessions only their blockers and metrics
        from session_tracker.documents.handoff_view import OTHERS

        project, full = query.project(conn, ctx.layout, redo, OTHERS, sparse=True)
        wanted = _expected_for(ctx, project, full)
    # No fsync per document here: a render can write thousands, each is derived, and the
    # manifest below is written last, so a crash mid-way means the next render redoes it.
    written = [path for path, text in sorted(wanted.items()) if store.atomic_write(path, document_bytes(text), durable=False)]
    if project_docs:
        project_key.remember(conn, pkey, made)
    kept = manifest.get("outputs") if manifest else None
    outputs: dict[str, object] = dict(kept) if isinstance(kept, dict) else {}
    owners = _owners(ctx, full)
    outputs.update({path: [manifests.file_stamp(path), owners.get(path, "")] for path in wanted})
    manifests.write_manifest(ctx, inputs, outputs)
    return written, len(outputs)


def mixed_project(ctx: Context, names: set[str], summary: Project) -> tuple[Project, list[Session]]:
    """The project with the sessions of file stems ``names`` read in full and every other session
    as ``summary``, the index's summary view, holds it (start, end, decisions, blockers, metrics,
    the newest notes …): what the project and lifecycle documents need, without decoding the
    whole store. Returns ``(project, the full sessions)``."""
    full: dict[str, Session] = {}
    from session_tracker.core.files import scan

    listing = scan(ctx.layout) if names else None  # one directory listing for every session read
    for name in sorted(names):
        found, _ = load_session_file(ctx.layout, name, listing)
        full.update({s.sid: s for s in found})
    project = Project([full.get(s.sid, s) for s in summary.sessions], summary.problems)
    return project, [s for s in project.sessions if s.sid in full]


def _expected_for(ctx: Context, project: Project, sessions: list[Session]) -> dict[str, str]:
    """The per-session documents (seed 001's and seed 003's) of ``sessions`` only."""
    out: dict[str, str] = {}
    for session in sessions:
        for kind in SESSION_KINDS:
            path = session_path(ctx, kind, session)
            text = render_kind(kind, session, project) if path else None
            if path and text is not None:
                out[path] = text
    out.update(expected_lifecycle(ctx, project, sessions))
    return out


def _owners(ctx: Context, sessions: list[Session]) -> dict[str, str]:
    """``{document path: session file stem}`` for every per-session document path of ``sessions``."""
    return {
        path: session.file
        for session in sessions
        for kind in SESSION_KINDS + LIFECYCLE_KINDS
        if (path := ctx.session_document(kind, session))
    }
