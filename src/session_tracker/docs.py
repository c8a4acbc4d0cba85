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
PROJECT_KINDS = ("tracker", "progress", "implementation")  # SESSION_TRACKER.md, progress.txt, IMPLEMENTATION.md


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
    out.update(expected_project(ctx, project))
    return out


def expected_project(ctx: Context, project: Project) -> dict[str, str]:
    """The project documents (seed 000, 002, 004) the events call for: ``{absolute path: text}``.

    Reads the plan (``.sessions/project.jsonl``); nothing is called for until there is a
    session or a plan event. The display name is the plan's (``plan set --name``), else
    "Project" (not the directory's name: the same events must give the same bytes anywhere).
    """
    paths = {kind: ctx.document(kind, "") for kind in PROJECT_KINDS}
    if not any(paths.values()):
        return {}
    from session_tracker.plan.derive import State
    from session_tracker.plan.model import load_plan
    from session_tracker.render import tracker_docs

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
    return {path: renderers[kind]() for kind, path in paths.items() if path}


def write_project(ctx: Context) -> list[str]:
    """Re-render the project documents under the render lock, from a read made inside it.

    Returns the paths written (unchanged documents are not rewritten).
    """
    from session_tracker.plan.summary_cache import load_summary_project

    with store.Lock(ctx.layout.lock_file("render")):
        # The project documents need few events per session: read through the summary cache.
        wanted = expected_project(ctx, load_summary_project(ctx.layout))
        return [path for path, text in sorted(wanted.items()) if store.atomic_write(path, text.encode("utf-8"))]


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
    """Re-render every document of every session. Returns ``(paths written, documents total)``.

    Make-style shortcut: documents are a pure function of the event files, the configuration
    and the code, so when none of those changed since the last full render (same sizes and
    mtimes, recorded in ``local/render-manifest.json``) and every document is still as that
    render left it, nothing is read or written. Any difference means a full render.
    """
    with store.Lock(ctx.layout.lock_file("render")):
        inputs = _render_inputs(ctx)
        manifest = _read_manifest(ctx)
        if manifest is not None and manifest.get("inputs") == inputs:
            outputs = manifest.get("outputs")
            if isinstance(outputs, dict) and all(_stamp(path) == stamp for path, stamp in outputs.items()):
                return [], len(outputs)
        project = load_project(ctx.layout)
        wanted = expected(ctx, project)
        written = [path for path, text in sorted(wanted.items()) if store.atomic_write(path, text.encode("utf-8"))]
        _write_manifest(ctx, inputs, {path: _stamp(path) for path in wanted})
    return written, len(wanted)


def _stamp(path: str) -> list[int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns]


def _render_inputs(ctx: Context) -> dict[str, object]:
    """What every document depends on: the event files, the config, the code that renders."""
    import json

    layout = ctx.layout
    try:
        names = sorted(os.listdir(layout.events_dir))
    except FileNotFoundError:
        names = []
    package = os.path.dirname(os.path.abspath(__file__))
    code = [_stamp(os.path.join(folder, f)) for folder, _, files in sorted(os.walk(package)) for f in sorted(files) if f.endswith(".py")]
    return {
        "events": {n: _stamp(os.path.join(layout.events_dir, n)) for n in names},
        "project": _stamp(layout.project_file),
        "config": json.dumps(ctx.config, sort_keys=True, default=str),
        "code": code,
    }


def _manifest_path(ctx: Context) -> str:
    return os.path.join(ctx.layout.local_dir, "render-manifest.json")


def _read_manifest(ctx: Context) -> dict[str, object] | None:
    import json

    try:
        with open(_manifest_path(ctx), encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write_manifest(ctx: Context, inputs: dict[str, object], outputs: dict[str, list[int] | None]) -> None:
    import json

    from session_tracker.errors import TrackerError

    try:
        store.atomic_write(_manifest_path(ctx), json.dumps({"inputs": inputs, "outputs": outputs}).encode(), durable=False)
    except TrackerError:
        return  # a manifest that cannot be written only costs speed
