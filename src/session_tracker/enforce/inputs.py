"""What the rules read, gathered once per mode.

* ``plain`` (a person running ``check``): the working tree — every session, every document on
  disk, the commits made since the open session began.
* ``staged`` (the pre-commit hook): what the commit will contain — the index's version of each
  session whose events or documents are staged, compared with the index's documents; the open
  session from the working tree. Sessions not touched by the commit are not read, which keeps
  the hook within its budget.
* ``range`` (CI, ``--range A..B``): commit ``B`` — every session at ``B``, the documents of the
  sessions changed since the merge base, and the commits in ``A..B``. Nothing is read from the
  working tree, so ``B`` need not be checked out.
"""

from __future__ import annotations

import os
import re
from collections.abc import MutableMapping

from session_tracker.core import kinds, store
from session_tracker.core.events import BadLine, Event, decode
from session_tracker.core.model import Project, Session, group, load_project, load_session_file
from session_tracker.core.sessions import require_open, resolve
from session_tracker.errors import TrackerError
from session_tracker.git import plumbing

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from session_tracker.core.context import Context

EVENTS_DIR = ".sessions/events"
KINDS = kinds.ARCHIVE  # rendered by documents.writer.render_kind
_NAME = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}"


class Inputs:
    """Everything the rules look at; built by :func:`plain`, :func:`staged` or :func:`commit_range`.

    Attributes:
        mode: ``plain``, ``staged`` or ``range``.
        ctx: the command context.
        git: True inside a git work tree.
        open: the session open here (plain and staged), else None.
        open_error: why there is none (the error ``resolve`` raised), else None.
        head: the HEAD commit (plain and staged; None on an unborn branch).
        targets: ``{name: [sessions]}`` whose decisions and documents are checked.
        committed_ids: ids of events already committed before (HEAD for staged, the merge base
            for range); decisions among them are not checked again. Empty in plain mode.
        documents: ``{relative path: bytes or None}`` — the documents as they are (on disk,
            in the index, at ``B``) for the targets.
        project_documents: the same for the project documents judged (plain: all of them;
            staged and range: those the commit or the range changes).
        touched: (staged, range) the paths the commit or the range changes; None in plain mode,
            where everything counts.
        ignored: which of some paths git ignores (a document a project does not commit
            need not be staged or committed); asks git only when called.
        starting: sessions whose start ``previous-ended`` judges.
        commits: the commits ``tracked-commits`` and ``session-trailer`` judge (None: not
            applicable in this mode or without an open session).
        range: the range as given (range mode).
        tracker_only: (staged) the commit holds only session-tracker's own files — committing
            the record itself needs no open session and no new entry.
        own: tells session-tracker's own paths from the project's.
        known: (plain) the documents the render manifest vouches for, relative paths
            (:func:`session_tracker.documents.current.known_current`); None: ask when judged.
    """

    __slots__ = ("_light", "_light_loader", "_project", "_project_loader", "commits", "committed_ids", "ctx", "documents", "git", "head",
                 "ignored", "known", "mode", "open", "open_error", "own", "project_documents", "range", "starting",
                 "targets", "touched", "tracker_only")

    def __init__(self, mode: str, ctx: Context) -> None:
        self.mode = mode
        self.ctx = ctx
        self.git = False
        self.open: Session | None = None
        self.open_error: TrackerError | None = None
        self.head: plumbing.CommitInfo | None = None
        self.targets: dict[str, list[Session]] = {}
        self.committed_ids: set[str] = set()
        self.documents: MutableMapping[str, bytes | None] = {}
        self.project_documents: dict[str, bytes | None] = {}
        self.touched: set[str] | None = None
        self.ignored: Callable[[list[str]], set[str]] = lambda paths: set()
        self.starting: list[Session] = []
        self.commits: list[plumbing.CommitInfo] | None = None
        self.range: str | None = None
        self.tracker_only = False
        self.own = Ownership(ctx)
        self._project: Project | None = None
        # every session in full (range mode; plain reads the index's view, staged: see staged())
        self._project_loader: Callable[[], Project] = lambda: load_project(ctx.layout)
        self._light: Project | None = None
        self._light_loader: Callable[[], Project] | None = None  # plain: the index's starts, ends, commits
        # plain: the documents the render manifest vouches for (relative paths), asked before
        # the light view is read, so the manifest and that view are never in memory at once
        self.known: set[str] | None = None

    def project(self) -> Project:
        """Every session as this mode sees it (read on first use)."""
        if self._project is None:
            self._project = self._project_loader()
        return self._project

    def sessions(self) -> Project:
        """Every session with at least its start, end, decisions and commits (what the rules but
        ``documents-current`` read): in plain mode a light view of the index
        (:data:`LIGHT_TYPES`), else :meth:`project`."""
        if self._light_loader is None:
            return self.project()
        if self._light is None:
            self._light = self._light_loader()
        return self._light

    def document_path(self, kind: str, name: str) -> str | None:
        """Relative path of a session's document, or None when switched off."""
        path = self.ctx.document(kind, name)
        return None if path is None else self.ctx.layout.relative(path)


def parse_events(blob: bytes, label: str) -> list[Event]:
    """The events in the bytes of one JSONL file (as :func:`store.read`, minus the reporting:
    unreadable lines are skipped here — ``doctor`` reports them).

    Raises:
        NewerSchema: a line was written by a newer session-tracker.
    """
    events: list[Event] = []
    seen: set[str] = set()
    for number, raw in enumerate(blob.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            event = decode(raw, f"{label}:{number}")
        except BadLine:
            continue
        if event.id not in seen:
            seen.add(event.id)
            events.append(event)
    return events


def _events_path(name: str) -> str:
    return f"{EVENTS_DIR}/{name}.jsonl"


def find_open(inputs: Inputs) -> None:
    try:
        inputs.open = require_open(resolve(inputs.ctx))
    except TrackerError as exc:
        inputs.open_error = exc


def session_kinds(ctx: Context) -> list[str]:
    """Every per-session document that is switched on (a ``[documents]`` template with
    ``{session}``): seed 001's four, and any other the configuration knows (seed 003's …)."""
    return [kind for kind, t in ctx.config["documents"].items() if isinstance(t, str) and "{session}" in t]


def _templates(ctx: Context) -> list[str]:
    """The path templates of the per-session documents that are switched on."""
    return [str(ctx.config["documents"][kind]) for kind in session_kinds(ctx)]


def project_documents(ctx: Context) -> list[str]:
    """Relative paths of the project-wide files the tracker writes (SESSION_TRACKER.md,
    progress.txt, memory files, the metrics chart …): every ``[documents]`` path without
    ``{session}``, as ``capture.own_files`` counts them."""
    paths = [os.path.normpath(t).replace(os.sep, "/") for t in ctx.config["documents"].values()
             if isinstance(t, str) and "{session}" not in t]
    from session_tracker.core.paths import chart_path

    chart = chart_path(ctx.config)
    return list(dict.fromkeys(paths + ([chart] if chart else [])))


def _scope(ctx: Context, names: Callable[[], list[str]]) -> list[str]:
    """Pathspecs covering the event files and every document: each template's directory, or
    the exact paths of a template that has none."""
    scope = [EVENTS_DIR + "/"]
    for template in _templates(ctx):
        directory = os.path.dirname(os.path.normpath(template).replace(os.sep, "/").split("{session}")[0])
        if directory:
            scope.append(directory + "/")
        else:
            scope += [template.replace("{session}", n) for n in names()]
    return list(dict.fromkeys(scope + project_documents(ctx)))


class Ownership:
    """Which paths are session-tracker's own: ``.sessions/``, the documents of any session
    (matched by their templates) and the project documents."""

    __slots__ = ("_patterns", "_project")

    def __init__(self, ctx: Context) -> None:
        self._patterns = [re.compile(re.escape(EVENTS_DIR + "/") + f"({_NAME})" + re.escape(".jsonl"))]
        for template in _templates(ctx):
            before, _, after = os.path.normpath(template).replace(os.sep, "/").partition("{session}")
            # A template may name the session twice ("{session}/{session}.md"): any name there.
            self._patterns.append(re.compile(re.escape(before) + f"({_NAME})"
                                             + re.escape(after).replace(re.escape("{session}"), _NAME)))
        self._project = set(project_documents(ctx))

    def session_of(self, path: str) -> str | None:
        """The session whose event file or document ``path`` is, else None."""
        for pattern in self._patterns:
            match = pattern.fullmatch(path)
            if match:
                return match.group(1)
        return None

    def owns(self, path: str) -> bool:
        """True for any path the tracker writes."""
        return path.startswith(".sessions/") or path in self._project or self.session_of(path) is not None


def _local_names(ctx: Context) -> list[str]:
    try:
        return sorted(f[:-6] for f in os.listdir(ctx.layout.events_dir) if f.endswith(".jsonl"))
    except FileNotFoundError:
        return []


def _require_toplevel(ctx: Context) -> None:
    """Staged and plain checks compare paths git reports (relative to the top level) with the
    store's: the store must sit at the top of the work tree."""
    if plumbing.git_dir(ctx.layout.root) is not None:
        return
    from session_tracker.git.repo import find_repo

    repo = find_repo(ctx.layout.root)
    if repo is None:
        raise TrackerError("this check needs a git repository", "run it inside a git work tree")
    if os.path.realpath(repo.root) != os.path.realpath(ctx.layout.root):
        raise TrackerError(
            f"the store is in {ctx.layout.root}, not at the top of the git work tree ({repo.root})",
            "keep .sessions/ at the repository's top level (hooks run there), or set SESSION_TRACKER_ROOT")


def read_file(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def staged(ctx: Context, index_file: str | None = None, started: plumbing.StagedQuery | None = None) -> Inputs:
    """Inputs for ``check --staged``: what ``git commit`` is about to record.

    Args:
        index_file: the index being committed (``GIT_INDEX_FILE`` as git gave it to the hook;
            None: the repository's own index).
        started: the git processes, if the caller started them already (the hook does, before
            importing this module).
    Raises:
        TrackerError: not inside git, the store not at the top level, or git failing.
    """
    inputs = Inputs("staged", ctx)
    _require_toplevel(ctx)
    inputs.git = True
    root = ctx.layout.root
    query = started or plumbing.StagedQuery(root, index_file)
    batch = query.batch
    find_open(inputs)  # reads the store while git works
    staged_files = query.staged()
    own = inputs.own
    inputs.tracker_only = bool(staged_files) and all(own.owns(p) for p in staged_files)
    names = sorted({name for p in staged_files if (name := own.session_of(p)) is not None})
    # Project-wide documents and other features' session documents are left to plain and
    # range mode (and doctor): rendering them needs every session, too slow for every commit.
    project_docs: list[str] = []
    if inputs.open is not None:
        inputs.starting = [inputs.open]

    def in_index(path: str) -> str:
        # The object name of a path's staged content: its blob when staged, else HEAD's.
        if path in staged_files:
            return staged_files[path][1] or "(deleted)"
        return "HEAD:" + path

    def in_head(path: str) -> str:
        return (staged_files[path][0] or "(added)") if path in staged_files else "HEAD:" + path

    inputs.touched = set(staged_files)
    kinds = list(KINDS)
    wanted: list[str] = [in_index(p) for p in project_docs]
    for name in names:
        path = _events_path(name)
        wanted += [in_index(path), in_head(path)]
        wanted += [in_index(p) for kind in kinds if (p := inputs.document_path(kind, name))]
    batch.ask(wanted)
    found = batch.answers()
    head = found.get("HEAD")
    inputs.head = plumbing.parse_commit(head[0], head[2]) if head and head[1] == "commit" else None

    def content(name: str) -> bytes | None:
        answer = found.get(name)
        return answer[2] if answer and answer[1] == "blob" else None

    for name in names:
        path = _events_path(name)
        sessions = group(parse_events(content(in_index(path)) or b"", path), name)
        if sessions:
            inputs.targets[name] = sessions
        before = content(in_head(path))
        if before:
            inputs.committed_ids.update(e.id for e in parse_events(before, path))
        for kind in kinds:
            doc = inputs.document_path(kind, name)
            if doc is not None:
                inputs.documents[doc] = content(in_index(doc))
    for doc in project_docs:
        inputs.project_documents[doc] = content(in_index(doc))
    inputs.ignored = lambda paths: plumbing.ignored(root, paths)

    def project() -> Project:
        # The working tree's sessions, with the staged version of the sessions being committed.
        from session_tracker.index import summary_project

        # the others, from the index: the rules need only their start, end, blockers, commits, metrics
        everything = summary_project(ctx.layout)
        others = [s for s in everything.sessions if s.name not in inputs.targets]
        return Project(others + [s for group_ in inputs.targets.values() for s in group_], everything.problems)

    inputs._project_loader = project
    return inputs


def session_starts(ctx: Context) -> list[tuple[str, str, str]]:
    """``(started ts, name, sid)`` of every session in the working tree, read from the first
    line of each event file only (the ``session.started`` event), so ``previous-ended`` does
    not read every log on every commit. A file whose first line is not a start is read whole.
    """
    out: list[tuple[str, str, str]] = []
    for name in _local_names(ctx):
        path = ctx.layout.session_file(name)
        first = _first_line(path)
        event: Event | None = None
        if first:
            try:
                event = decode(first, path)
            except BadLine:
                event = None
        if event is not None and event.type == "session.started":
            out.append((event.ts, name, event.sid))
            continue
        sessions, _ = load_session_file(ctx.layout, name)
        out += [(s.started.ts, name, s.sid) for s in sessions if s.started is not None]
    return out


def _first_line(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.readline().rstrip(b"\n")
    except OSError:
        return b""


def read_store_file(ctx: Context, name: str) -> list[Session]:
    """The sessions of one event file in the working tree."""
    events, _ = store.read(ctx.layout.session_file(name))
    return group(events, name)
