"""What ``check --range A..B`` reads: the commits in the range and the store as it is at ``B`` (CI)."""

from __future__ import annotations

from session_tracker.core import kinds
from session_tracker.core.model import Project, Session, group
from session_tracker.enforce.inputs import (
    Inputs,
    _events_path,
    _require_toplevel,
    _scope,
    parse_events,
    project_documents,
    session_kinds,
)
from session_tracker.errors import EXIT_USAGE, TrackerError
from session_tracker.git import plumbing

TYPE_CHECKING = False
if TYPE_CHECKING:

    from session_tracker.core.context import Context

EVENTS_DIR = ".sessions/events"
KINDS = kinds.ARCHIVE  # rendered by documents.writer.render_kind
_NAME = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}"


def parse_range(spec: str) -> tuple[str, str]:
    """``A..B`` (or ``A...B``, the same here) → ``(A, B)``; ``A`` alone or ``A..`` means up to HEAD.

    Raises:
        TrackerError: an empty start (exit 2, a usage error).
    """
    if "..." in spec:
        start, _, end = spec.partition("...")
    else:
        start, _, end = spec.partition("..")
    start, end = start.strip(), end.strip() or "HEAD"
    if not start:
        raise TrackerError(f"--range {spec!r} has no start", "give it as BASE..HEAD, e.g. origin/main..HEAD",
                           exit_code=EXIT_USAGE)
    return start, end


def commit_range(ctx: Context, spec: str) -> Inputs:
    """Inputs for ``check --range A..B`` (CI): commit ``B`` and the commits in ``A..B``.

    Raises:
        TrackerError: a revision that does not resolve (with a hint about shallow clones),
        no common history, not inside git.
    """
    inputs = Inputs("range", ctx)
    inputs.range = spec
    start, end = parse_range(spec)
    root = ctx.layout.root
    _require_toplevel(ctx)
    inputs.git = True
    resolved: dict[str, str] = {}
    for rev in (start, end):
        sha = plumbing.resolve(root, rev)
        if sha is None:
            raise TrackerError(
                f"{rev!r} does not name a commit in this repository",
                "fetch it first (git fetch origin <branch>); in GitHub Actions use actions/checkout with fetch-depth: 0",
            )
        resolved[rev] = sha
    tip = resolved[end]
    base = plumbing.merge_base(root, resolved[start], tip)
    if base is None:
        raise TrackerError(f"{start} and {end} share no history", "is the clone shallow? fetch with --unshallow or fetch-depth: 0")
    inputs.commits = plumbing.commits(root, resolved[start], tip, with_files=True)
    all_names = [p[len(EVENTS_DIR) + 1:-6] for p in plumbing.tree_files(root, tip, EVENTS_DIR) if p.endswith(".jsonl")]
    changes = plumbing.changed(root, base, tip, _scope(ctx, lambda: all_names))
    names = sorted({n for _, p in changes if (n := inputs.own.session_of(p)) is not None} & set(all_names))
    added = {p for status, p in changes if status == "A"}
    project_docs = [p for p in project_documents(ctx) if any(p == path for _, path in changes)]
    specs = [f"{tip}:{p}" for p in project_docs] + [f"{tip}:{_events_path(n)}" for n in all_names] + [f"{base}:{_events_path(n)}" for n in names]
    inputs.touched = {path for _, path in changes}
    kinds = session_kinds(ctx)
    specs += [f"{tip}:{p}" for n in names for kind in kinds if (p := inputs.document_path(kind, n))]
    blobs = plumbing.blobs(root, specs)
    sessions: list[Session] = []
    for name in all_names:
        path = _events_path(name)
        found = group(parse_events(blobs.get(f"{tip}:{path}") or b"", path), name)
        sessions += found
        if name in names and found:
            inputs.targets[name] = found
        if path in added:
            inputs.starting += found
        before = blobs.get(f"{base}:{path}")
        if before:
            inputs.committed_ids.update(e.id for e in parse_events(before, path))
    for name in names:
        for kind in kinds:
            doc = inputs.document_path(kind, name)
            if doc is not None:
                inputs.documents[doc] = blobs.get(f"{tip}:{doc}")
    for doc in project_docs:
        inputs.project_documents[doc] = blobs.get(f"{tip}:{doc}")
    inputs.ignored = lambda wanted: plumbing.ignored(root, wanted)
    project = Project(sessions, [])
    inputs._project_loader = lambda: project
    return inputs
