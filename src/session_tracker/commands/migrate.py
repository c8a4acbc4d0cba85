"""``migrate``: upgrade a store written by a release before issue 11, losing nothing.

What an older release wrote, and what becomes of it:

* ``.sessions/events/<number>.jsonl`` — kept and read as they are (a legacy file may hold two
  sessions after a ``merge=union``: views keep them apart by id). Never renamed: a clone still
  on the older release may be appending to it, and a rename would then conflict.
* ``.sessions/project.jsonl`` — kept and read (merged in time order with the new
  ``events/project-<clone>-<branch>.jsonl`` files); nothing is appended to it any more.
* ``.sessions/.gitattributes`` with ``*.jsonl merge=union`` — removed (hosting services ignore
  it; with one writer per file nothing needs a merge driver); other lines there are kept.
* committed documents — untracked with ``git rm --cached`` (the files stay on disk, as views
  git ignores through ``.git/info/exclude``), unless ``[git] commit_documents`` is set. Commit
  the result: ``git commit -m "session-tracker: documents are views"``.
* a legacy session open here — gets its journal (``local/journal/``), so from now on its
  events wait there for the next commit instead of dirtying a tracked file.

Running it again changes nothing.
"""

from __future__ import annotations

import os

from session_tracker.core import ignore, journal, store
from session_tracker.core.context import Context
from session_tracker.core.files import scan, split_stem
from session_tracker.core.sessions import LEGACY_GITATTRIBUTES, open_here


def legacy_findings(ctx: Context) -> list[str]:
    """What ``migrate`` would change, one sentence each (``doctor`` reports them)."""
    found = []
    attributes = os.path.join(ctx.layout.store, ".gitattributes")
    try:
        with open(attributes, encoding="utf-8") as handle:
            if "merge=union" in handle.read():
                found.append(".sessions/.gitattributes asks for merge=union, which hosting services ignore")
    except OSError:
        pass
    tracked = _tracked_documents(ctx)
    if tracked:
        found.append(f"{len(tracked)} document(s) are committed (e.g. {tracked[0]}); they are views and make merges conflict")
    return found


def _tracked_documents(ctx: Context) -> list[str]:
    """Documents (by the ignore patterns) that git tracks, relative paths; [] outside git or
    when documents are meant to be committed."""
    if ignore.commit_documents(ctx.config):
        return []
    from session_tracker.core.files import git_dir_of

    if git_dir_of(ctx.layout.root) is None:
        return []
    from session_tracker.git.proc import run

    specs = [":(glob)" + p.lstrip("/") for p in ignore.patterns(ctx.config)]
    done = run(["ls-files", "-z", "--", *specs], ctx.layout.root, check=False)
    if done.returncode != 0:
        return []
    return sorted(p for p in done.stdout.decode("utf-8", "replace").split("\0") if p)


def migrate(ctx: Context) -> dict[str, object]:
    """Upgrade the store (see the module docstring). Returns ``{"v": 1, "changes": [text]}``.

    Raises:
        TrackerError: a file cannot be written, or git fails to untrack a document.
    """
    changes: list[str] = []
    attributes = os.path.join(ctx.layout.store, ".gitattributes")
    try:
        with open(attributes, encoding="utf-8") as handle:
            text = handle.read()
    except OSError:
        text = ""
    if "merge=union" in text:
        if text == LEGACY_GITATTRIBUTES:
            os.unlink(attributes)
        else:
            kept = "".join(line for line in text.splitlines(keepends=True) if "merge=union" not in line)
            store.atomic_write(attributes, kept.encode("utf-8"))
        from session_tracker.core.files import git_dir_of

        if git_dir_of(ctx.layout.root) is not None:  # staged, like the documents below: one commit to make
            from session_tracker.git.proc import run

            run(["add", "-A", "--", ".sessions/.gitattributes"], ctx.layout.root, check=False)
        changes.append("removed merge=union from .sessions/.gitattributes")
    if ignore.ensure(ctx.layout, ctx.config):
        changes.append("documents are ignored through .git/info/exclude")
    tracked = _tracked_documents(ctx)
    if tracked:
        from session_tracker.git.proc import run

        run(["rm", "--cached", "-q", "--", *tracked], ctx.layout.root)
        changes.append(f"untracked {len(tracked)} document(s) (they stay on disk as views; commit the removal)")
    listing = scan(ctx.layout)
    for stem in sorted(open_here(ctx.layout)):
        if stem in listing.stems and not split_stem(stem)[1] and not journal.exists(ctx.layout, stem):
            with open(ctx.layout.session_file(stem), "rb") as handle:
                store.atomic_write(journal.path_of(ctx.layout, stem), handle.read(), durable=False)
            changes.append(f"session {stem} (open here) now records into its journal until the next commit")
    return {"v": 1, "changes": changes}
