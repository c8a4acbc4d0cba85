"""Which files git ignores: the documents are views, only events are committed (issue 11).

Every document (seed 001's four per session, SESSION_TRACKER.md, progress.txt,
IMPLEMENTATION.md, seed 003's session files and memory files, the metrics chart) is rendered by
each machine from the events, so committing them would only make every merge of parallel work
conflict. They are ignored through a block in ``.git/info/exclude`` (in the git *common* dir,
so every worktree of the clone shares it) rather than a ``.gitignore``: writing it modifies no
tracked file, so ``init`` and ``render`` never leave the tree dirty, a project's own
``.gitignore`` stays the project's, and a branch's diff holds nothing but event files. The
block also holds ``/.sessions/local/`` (per-worktree state); the tool writes the block before
it creates anything there. (Older releases wrote ``.sessions/.gitignore``; it is left alone.)

The block sits between :data:`BEGIN` and :data:`END` and is rewritten when the configured
paths change. With ``[git] commit_documents = true`` it lists only ``local/``: documents are
then committed, under names unique to each session (see docs/architecture.md).
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from session_tracker.core.config import Config
    from session_tracker.core.paths import Layout

BEGIN = "# session-tracker:begin — documents are views of .sessions/events (`session-tracker render`); never committed"
END = "# session-tracker:end"


def commit_documents(config: Config) -> bool:
    """True when ``[git] commit_documents`` asks for documents in git."""
    return config.get("git", {}).get("commit_documents") is True


def patterns(config: Config) -> list[str]:
    """The ignore patterns of every configured document (``{session}`` → ``*``), anchored at the
    root, plus the metrics chart."""
    from session_tracker.core.paths import chart_path

    found = []
    for template in config.get("documents", {}).values():
        if isinstance(template, str):
            found.append("/" + template.replace("{session}", "*").lstrip("/"))
    chart = chart_path(config)
    if chart:
        found.append("/" + chart)
    return list(dict.fromkeys(found))


def exclude_file(root: str) -> str | None:
    """``<common dir>/info/exclude`` of the repository at ``root``, or None outside git."""
    from session_tracker.core.files import common_dir_of, git_dir_of

    git_dir = git_dir_of(root)
    return os.path.join(common_dir_of(git_dir), "info", "exclude") if git_dir else None


def block(config: Config) -> str:
    """The block written to the exclude file: the per-worktree state (``.sessions/local/``)
    and, unless documents are committed, every document."""
    documents = [] if commit_documents(config) else patterns(config)
    return "\n".join([BEGIN, "/.sessions/local/", *documents, END]) + "\n"


def ensure(layout: Layout, config: Config) -> bool:
    """Make the exclude file's block match the configuration. Returns True when it changed.
    Outside git, or when the file cannot be written, does nothing (the documents then show as
    untracked files: nothing is lost)."""
    path = exclude_file(layout.root)
    if path is None:
        return False
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        text = ""
    except OSError:
        return False
    wanted = block(config)
    start, end = text.find(BEGIN), text.find(END)
    if start >= 0 and end > start:
        current = text[start : end + len(END)] + "\n"
        rest = text[:start] + text[end + len(END) :].lstrip("\n")
    else:
        current, rest = "", text
    if current == wanted:
        return False
    if rest and not rest.endswith("\n"):
        rest += "\n"
    from session_tracker.core.store import atomic_write
    from session_tracker.errors import TrackerError

    try:
        return atomic_write(path, (rest + wanted).encode("utf-8"), durable=False)
    except TrackerError:
        return False
