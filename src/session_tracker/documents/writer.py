"""Writing the derived documents: under the render lock, from a fresh read of the events.

Reading inside the lock is what keeps documents complete under concurrency: whichever process
renders last read the file after every append that preceded its lock, and any later append is
followed by its own render.
"""

from __future__ import annotations

import os

from session_tracker.core import kinds, store
from session_tracker.core.context import Context
from session_tracker.core.deferred import after_event, no_paths
from session_tracker.core.model import Project, Session, load_project, load_session_file
from session_tracker.documents.md import document_bytes

SESSION_KINDS = kinds.ARCHIVE  # the per-session work log, files, decisions, handoff
PROJECT_KINDS = kinds.TRACKER  # SESSION_TRACKER.md, progress.txt, IMPLEMENTATION.md
#: Seed 003's six session documents and its memory files (render/seed003_docs.py).
LIFECYCLE_KINDS = kinds.LIFECYCLE
MEMORY_KINDS = kinds.MEMORY


def _path(ctx: Context, kind: str, session: Session) -> str | None:
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
            path = _path(ctx, kind, session)
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
            path = _path(ctx, kind, session)
            text = render_session(kind, session, project, plan) if path else None
            if path and text is not None:
                out[path] = text
    return out


def _nothing_rendered() -> tuple[list[str], Session | None, Project | None]:
    return [], None, None


@after_event(no_paths)
def write_lifecycle(ctx: Context, names: list[str] | None = None) -> list[str]:
    """Re-render seed 003's documents of the sessions whose file stems are ``names`` (default: those open here)
    under the render lock, from a read made inside it. Returns the paths written."""
    from session_tracker.core.sessions import open_here

    if not any(ctx.document(kind, "x") for kind in LIFECYCLE_KINDS):
        return []
    from session_tracker.core.summaries import load_summary_project

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


@after_event(no_paths)
def write_project(ctx: Context) -> list[str]:
    """Re-render the project documents under the render lock, from a read made inside it.

    Returns the paths written (unchanged documents are not rewritten).
    """
    from session_tracker.core.summaries import load_summary_project

    with store.Lock(ctx.layout.lock_file("render")):
        # The project documents need few events per session: read through the summary cache.
        wanted = expected_project(ctx, load_summary_project(ctx.layout))
        written = [path for path, text in sorted(wanted.items()) if store.atomic_write(path, document_bytes(text))]
    return written + write_lifecycle(ctx)  # seed 003's documents of the sessions open here follow the plan


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
    written: list[str] = []
    with store.Lock(ctx.layout.lock_file("render")):
        project: Project | None = None
        if "handoff" in kinds:
            project, _ = mixed_project(ctx, {name})
            sessions = [s for s in project.sessions if s.sid == sid]
        elif known is not None and _current(ctx, name, known):
            sessions = [known]
        else:
            sessions, _ = load_session_file(ctx.layout, name)
        chosen = [s for s in sessions if s.sid == sid] or sessions[-1:]
        if not chosen:
            return written, None, project
        for kind in kinds:
            path = _path(ctx, kind, chosen[0])
            text = render_kind(kind, chosen[0], project) if path else None
            if path and text is not None and store.atomic_write(path, document_bytes(text), durable=durable):
                written.append(path)
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
    * the project documents, when any event file or the plan changed (they read the summary
      cache).

    Nothing changed means nothing is read. Other sessions are read through the summary cache,
    never decoded in full. Anything else (new code, new config, no manifest, a removed event
    file) means a full render.
    """
    with store.Lock(ctx.layout.lock_file("render")):
        from session_tracker.documents import manifest as manifests

        inputs = manifests.render_inputs(ctx)
        manifest = manifests.read_manifest(ctx)
        decided = manifests.sessions_to_redo(ctx, inputs, manifest)
        if decided is None:
            project = load_project(ctx.layout)
            wanted = expected(ctx, project)
        else:
            redo, summary, inputs_changed = decided
            if not redo and not inputs_changed:
                previous = manifest.get("outputs") if manifest else None
                return [], len(previous) if isinstance(previous, dict) else 0
            project, full = mixed_project(ctx, redo, summary)
            wanted = _expected_for(ctx, project, full)
            if inputs_changed:
                wanted.update(expected_project(ctx, summary))
        # No fsync per document here: a render can write thousands, each is derived, and the
        # manifest below is written last, so a crash mid-way means the next render redoes it.
        written = [path for path, text in sorted(wanted.items()) if store.atomic_write(path, document_bytes(text), durable=False)]
        kept = manifest.get("outputs") if decided is not None and manifest else None
        outputs: dict[str, object] = dict(kept) if isinstance(kept, dict) else {}
        owners = _owners(ctx, project)
        outputs.update({path: [manifests.file_stamp(path), owners.get(path, "")] for path in wanted})
        manifests.write_manifest(ctx, inputs, outputs)
    return written, len(outputs)


def mixed_project(ctx: Context, names: set[str], summary: Project | None = None) -> tuple[Project, list[Session]]:
    """The project with the sessions of file stems ``names`` read in full and every other session from the
    summary cache (start, end, decisions, blockers, metrics …): what one session's documents
    need, without decoding the whole store. Returns ``(project, the full sessions)``."""
    from session_tracker.core.summaries import load_summary_project

    summary = summary or load_summary_project(ctx.layout)
    full: dict[str, Session] = {}
    for name in sorted(names):
        found, _ = load_session_file(ctx.layout, name)
        full.update({s.sid: s for s in found})
    project = Project([full.get(s.sid, s) for s in summary.sessions], summary.problems)
    return project, [s for s in project.sessions if s.sid in full]


def _expected_for(ctx: Context, project: Project, sessions: list[Session]) -> dict[str, str]:
    """The per-session documents (seed 001's and seed 003's) of ``sessions`` only."""
    out: dict[str, str] = {}
    for session in sessions:
        for kind in SESSION_KINDS:
            path = _path(ctx, kind, session)
            text = render_kind(kind, session, project) if path else None
            if path and text is not None:
                out[path] = text
    out.update(expected_lifecycle(ctx, project, sessions))
    return out


def _owners(ctx: Context, project: Project) -> dict[str, str]:
    """``{document path: session file stem}`` for every per-session document path."""
    return {
        path: session.file
        for session in project.sessions
        for kind in SESSION_KINDS + LIFECYCLE_KINDS
        if (path := ctx.session_document(kind, session))
    }
