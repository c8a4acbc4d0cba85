"""The ``documents-current`` rule of ``check`` (see :mod:`session_tracker.enforce.rules`): each
document equals a fresh render of its events, as found on disk (plain), as staged, or at the
end of a range. Plain mode first asks the render manifest which documents it vouches for
(:mod:`session_tracker.documents.current`) and renders only the rest.
"""

from __future__ import annotations

import os

from session_tracker.core.clock import instant
from session_tracker.core.model import Project, Session
from session_tracker.enforce.inputs import KINDS, Inputs, session_kinds
from session_tracker.enforce.verdicts import FAIL, PASS, PLAIN, RANGE, SKIP, STAGED

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping


def _latest(sessions: list[Session]) -> Session:
    return max(sessions, key=lambda s: instant(s.start_moment))


def _project_texts(i: Inputs) -> dict[str, str]:
    """``{relative path: text}`` of the project documents the events call for (only when some
    are there to judge)."""
    if not i.project_documents:
        return {}
    from session_tracker.documents.writer import expected_project

    return {i.ctx.layout.relative(p): t for p, t in expected_project(i.ctx, i.project()).items()}


FEW = 200  # sessions whose documents plain check renders from a sparse view, all read in full at once


def _judged(i: Inputs, name: str, session: Session) -> list[tuple[str, str]]:
    """``[(kind, relative path)]`` of the session documents judged for ``session`` (named
    ``name``): each kind switched on, the handoff once it has ended."""
    out = []
    for kind in KINDS:
        path = i.document_path(kind, name)
        if path is not None and not (kind == "handoff" and session.ended is None):
            out.append((kind, path))
    return out


def _judged_paths(i: Inputs, name: str, session: Session) -> list[str]:
    return [path for _, path in _judged(i, name, session)]


def documents_current(i: Inputs) -> tuple[str, str, str, list[str]]:
    """Pass when each document of the target sessions equals a fresh render of their events
    (what ``render`` would write), as found on disk, in the index or at the range's end."""
    from session_tracker.documents.writer import expected_lifecycle, render_kind

    stale: list[str] = []
    missing: list[str] = []
    compared = 0
    # The session documents a target session has on disk (or staged, or at the range's end).
    extra_kinds = [k for k in session_kinds(i.ctx) if k not in KINDS]
    present: dict[str, list[str]] = {}
    for name in i.targets if extra_kinds else ():
        paths = [p for k in extra_kinds if (p := i.document_path(k, name)) and i.documents.get(p) is not None
                 and (i.touched is None or p in i.touched)]
        if paths:
            present[name] = paths

    def judge(path: str, text: str | None, found: Mapping[str, bytes | None] = i.documents) -> None:
        nonlocal compared
        if text is None:
            return
        actual = found.get(path)
        if actual is None:
            missing.append(path)
        elif actual != text.encode("utf-8"):
            stale.append(path)
        else:
            compared += 1

    def session_documents(name: str, session: Session, project: Project | None) -> None:
        for kind, path in _judged(i, name, session):
            judge(path, render_kind(kind, session, project if kind == "handoff" else None))

    def lifecycle_documents(project: Project, sessions: list[Session], paths: list[str]) -> None:
        rendered = {i.ctx.layout.relative(p): t for p, t in expected_lifecycle(i.ctx, project, sessions).items()}
        for path in paths:
            judge(path, rendered.get(path))

    if i.mode == PLAIN:
        # Every session of the store: read one at a time, the others from the index's summary
        # view (documents/bulk.py), so memory stays that of the largest session. A document the
        # render manifest vouches for (documents/current.py) is not rendered again.
        from session_tracker.documents.bulk import each_full
        from session_tracker.documents.current import known_current

        known = i.known if i.known is not None else {i.ctx.layout.relative(p) for p in known_current(i.ctx)}
        latest: dict[str, str] = {}
        unknown: set[str] = set()
        for name, sessions in i.targets.items():
            session = _latest(sessions)
            paths = _judged_paths(i, name, session) + present.get(name, [])
            if all(p in known for p in paths):  # (a missing document is never known: it is judged)
                compared += len(paths)
            else:
                latest[session.sid] = name
                unknown.add(session.file)
        if i.project_documents and all(p in known for p in i.project_documents):
            compared += len(i.project_documents)
            wanted_project = {}
            project_documents: dict[str, bytes | None] = {}
        else:
            wanted_project = _project_texts(i)  # from the summary view, as render writes them
            project_documents = i.project_documents
        if unknown and len(unknown) <= FEW and not any(name in present for name in latest.values()):
            # as render does for a few sessions: their handoffs need of the others only their
            # blockers and metrics (documents/handoff_view.py), not the summary of every session
            from session_tracker.documents.handoff_view import OTHERS
            from session_tracker.index import project_view

            sparse, full = project_view(i.ctx.layout, unknown, OTHERS, sparse=True)
            for session in full:
                if session.sid in latest:
                    session_documents(latest[session.sid], session, sparse)
        elif unknown:
            for session, project in each_full(i.ctx, i.project(), label="checking", only=unknown):
                target = latest.get(session.sid)
                if target is None:
                    continue
                session_documents(target, session, project)
                if target in present:
                    lifecycle_documents(project, [session], present[target])
    else:
        for name, sessions in sorted(i.targets.items()):
            session_documents(name, _latest(sessions), i.project())
        # Other features' session documents (seed 003's …): those present, as docs renders them.
        if present:
            chosen = [_latest(i.targets[name]) for name in sorted(present)]
            lifecycle_documents(i.project(), chosen, [p for paths in present.values() for p in paths])
        wanted_project = _project_texts(i)
        project_documents = i.project_documents
    for path in sorted(project_documents):
        judge(path, wanted_project.get(path), project_documents)
    if missing and i.mode == STAGED:  # only what exists and should have been staged
        missing = [m for m in missing if os.path.lexists(os.path.join(i.ctx.layout.root, m))]
    if missing and i.mode != PLAIN:
        fine = i.ignored(missing)  # a project may choose not to commit its documents
        missing = [m for m in missing if m not in fine]
    where = {PLAIN: "", STAGED: " (as staged)", RANGE: f" (at the end of {i.range})"}[i.mode]
    details = [f"{p}: differs from what the events say{where}" for p in stale]
    details += [f"{p}: {'missing' if i.mode == PLAIN else 'not staged' if i.mode == STAGED else 'not committed'}" for p in missing]
    if details:
        hint = {
            PLAIN: "record changes as events, then `session-tracker render` rewrites the documents",
            STAGED: "run `session-tracker render`, then `git add` the documents with the events",
            RANGE: "run `session-tracker render` and commit the documents",
        }[i.mode]
        noun = "document is" if len(details) == 1 else "documents are"
        return FAIL, f"{len(details)} {noun} not current{where}", hint, details
    if not compared:
        return SKIP, "no session documents to compare" + ("" if i.mode != STAGED else " in this commit"), "", []
    noun = "document matches" if compared == 1 else "documents match"
    return PASS, f"{compared} {noun} the events", "", []
