"""The one registry of documents: every kind the tool can render, with its scope, its group and
its default path. Config (``[documents]``), the writer, ``render``, ``doctor`` and ``check``
read the lists from here, so adding a document is one row here and one renderer.

Scopes: ``session`` (one file per session; the path holds ``{session}``) and ``project`` (one
file for the whole project). Groups are the ways of working a user switches on together:
``archive`` (the per-session work log, file list, decisions and handoff), ``tracker`` (the
project tracker, progress file and implementation status page), ``lifecycle`` (the per-session
context, plan, tasks, tests, completed and review documents) and ``memory`` (the project's
architecture, patterns, decisions and errors files).
"""

from __future__ import annotations


class Kind:
    """One document kind: ``name`` (the ``[documents]`` key), ``scope`` (session | project),
    ``group`` (archive | tracker | lifecycle | memory) and ``path`` (default, relative to the
    project root, ``/``-separated; ``{session}`` stands for the session's name)."""

    __slots__ = ("group", "name", "path", "scope")

    def __init__(self, name: str, scope: str, group: str, path: str) -> None:
        self.name, self.scope, self.group, self.path = name, scope, group, path


KINDS: tuple[Kind, ...] = (
    Kind("log", "session", "archive", "archive/sessions/SESSION-{session}-LOG.md"),
    Kind("files", "session", "archive", "archive/sessions/SESSION-{session}-FILES.txt"),
    Kind("decisions", "session", "archive", "archive/sessions/SESSION-{session}-DECISIONS.md"),
    Kind("handoff", "session", "archive", "archive/sessions/SESSION-{session}-HANDOFF.md"),
    Kind("tracker", "project", "tracker", "SESSION_TRACKER.md"),
    Kind("progress", "project", "tracker", "progress.txt"),
    Kind("implementation", "project", "tracker", "IMPLEMENTATION.md"),
    Kind("context", "session", "lifecycle", ".claude/sessions/session-{session}-context.md"),
    Kind("plan", "session", "lifecycle", ".claude/sessions/session-{session}-plan.md"),
    Kind("tasks", "session", "lifecycle", ".claude/sessions/session-{session}-tasks.json"),
    Kind("tests", "session", "lifecycle", ".claude/sessions/session-{session}-tests.md"),
    Kind("completed", "session", "lifecycle", ".claude/sessions/session-{session}-completed.md"),
    Kind("review", "session", "lifecycle", ".claude/sessions/session-{session}-review.md"),
    Kind("memory_architecture", "project", "memory", ".claude/memory/architecture.md"),
    Kind("memory_patterns", "project", "memory", ".claude/memory/patterns.md"),
    Kind("memory_decisions", "project", "memory", ".claude/memory/decisions.md"),
    Kind("memory_errors", "project", "memory", ".claude/memory/errors.md"),
)


def names(group: str | None = None, scope: str | None = None) -> tuple[str, ...]:
    """The kind names of ``group`` and/or ``scope`` (all when both are None), in registry order."""
    return tuple(k.name for k in KINDS if (group is None or k.group == group) and (scope is None or k.scope == scope))


#: The per-session work log, file list, decisions and handoff (``archive/sessions/``).
ARCHIVE = names("archive")
#: SESSION_TRACKER.md, progress.txt, IMPLEMENTATION.md.
TRACKER = names("tracker")
#: The per-session lifecycle documents under ``.claude/sessions/``.
LIFECYCLE = names("lifecycle")
#: The project memory files under ``.claude/memory/``.
MEMORY = names("memory")
#: Every project-scope kind (one path each, no ``{session}``).
PROJECT = names(scope="project")
