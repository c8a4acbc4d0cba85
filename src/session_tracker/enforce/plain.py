"""What plain ``check`` (no options: the working tree as it is now) judges, from the index.

Every session's start, end, decisions and commits come from a light view of the index
(:data:`LIGHT_TYPES`); the summary view of every session only when ``documents-current``
renders documents the render manifest cannot vouch for; the documents themselves are read
from disk only when judged (:class:`OnDisk`).
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

from session_tracker.core.model import Project
from session_tracker.enforce.inputs import Inputs, find_open, project_documents, read_file, session_kinds
from session_tracker.git import plumbing

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

    from session_tracker.core.context import Context


def plain(ctx: Context) -> Inputs:
    """Inputs for ``check`` without options: the working tree as it is now."""
    inputs = Inputs("plain", ctx)
    # Every session's start, end, decisions, blockers, commits … from the index; each session
    # in full only while its own documents are judged (documents_rule.documents_current).
    inputs._project_loader = lambda: _summary(ctx)
    inputs._light_loader = lambda: _light(ctx)
    find_open(inputs)
    inputs.git = plumbing.git_dir(ctx.layout.root) is not None
    from session_tracker.documents.current import known_current

    # First: the manifest (28 MB at 10,000 sessions) is let go before the view (50 MB) is read.
    inputs.known = {ctx.layout.relative(p) for p in known_current(ctx)}
    project = inputs.sessions()
    for session in project.sessions:
        inputs.targets.setdefault(session.doc, []).append(session)  # its label: sessions sharing a number have their own documents
    kinds = session_kinds(ctx)
    documents = OnDisk(ctx.layout.root)
    for name in inputs.targets:
        for kind in kinds:
            path = inputs.document_path(kind, name)
            if path is not None:
                documents[path] = None
    inputs.documents = documents
    if project.sessions:
        for path in project_documents(ctx):
            content = read_file(os.path.join(ctx.layout.root, path))
            if content is not None:  # not rendered yet (no plan): nothing to judge
                inputs.project_documents[path] = content
    if inputs.open is not None:
        inputs.starting = [inputs.open]
    if inputs.git:
        root = ctx.layout.root
        inputs.head = plumbing.commit(root)
        if inputs.open is not None and inputs.open.git_start is not None:
            base = inputs.open.git_start.get("head")
            inputs.commits = (plumbing.commits(root, base if isinstance(base, str) else None, "HEAD", with_files=True)
                              if inputs.head else [])
    return inputs


class OnDisk(MutableMapping[str, "bytes | None"]):
    """Plain mode's documents: ``{relative path: its bytes, None when missing}``, read from
    the working tree each time one is asked for and never held (10,000 sessions have 40,000,
    most of which the render manifest vouches for unread). A path set to bytes keeps them."""

    def __init__(self, root: str) -> None:
        self._root = root
        self._paths: dict[str, bytes | None] = {}

    def __getitem__(self, path: str) -> bytes | None:
        if path not in self._paths:
            raise KeyError(path)
        held = self._paths[path]
        return held if held is not None else read_file(os.path.join(self._root, path))

    def __setitem__(self, path: str, content: bytes | None) -> None:
        self._paths[path] = content

    def __delitem__(self, path: str) -> None:
        del self._paths[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)


def _summary(ctx: Context) -> Project:
    from session_tracker.index import summary_project

    return summary_project(ctx.layout)


#: What plain ``check``'s rules read of every session, but ``documents-current`` (which reads
#: the summary view only for the documents the render manifest cannot vouch for): the start
#: (its branch), the end (its time), the decisions (their rationale) and the commits.
LIGHT_TYPES = frozenset({"session.started", "session.ended", "decision", "commit"})


def _light(ctx: Context) -> Project:
    from session_tracker.index import project_view

    return project_view(ctx.layout, types=LIGHT_TYPES, slim_ended=True)[0]
