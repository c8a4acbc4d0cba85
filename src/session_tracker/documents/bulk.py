"""Every document the events call for, one session at a time: the full ``render`` and ``doctor``
in one pass over the event files, in memory bounded by the largest session, not the store.

The other sessions come from the index (:func:`session_tracker.index.summary_project`: start,
end, decisions, blockers, handoff items, file snapshots, commits, metrics — what their
documents take from one another); the project documents are rendered from that view, as the
incremental render always did. Each session is then read in full, its documents rendered and
handed to the caller, and its events dropped before the next one is read. The project-wide facts
every session's documents ask for (blockers, previous metrics) are computed once: the view is
frozen (:meth:`session_tracker.core.model.Project.freeze`), since swapping one session's summary for
its full events changes none of them.

A progress bar (rich, on stderr, only on a terminal) appears once a pass has taken a second.
"""

from __future__ import annotations

import sys
import time

from session_tracker.core.context import Context
from session_tracker.core.model import Project, Session
from session_tracker.documents import expected as docs

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

    from session_tracker.core.store import Problem

SHOW_AFTER_S = 1.0
FAST_AFTER = 100  # a pass over more session files than this decodes with orjson (events.use_fast_decoder)


class Progress:
    """A progress bar that shows itself only after :data:`SHOW_AFTER_S` and only on a terminal."""

    def __init__(self, total: int, label: str) -> None:
        self.total, self.label, self.done = total, label, 0
        self.start = time.monotonic()
        self._bar: object | None = None
        self._task: object | None = None

    def advance(self) -> None:
        """One more item done."""
        self.done += 1
        if self._bar is None and time.monotonic() - self.start > SHOW_AFTER_S and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import Progress as Bar

            bar = Bar(console=Console(stderr=True), transient=True)
            bar.start()
            self._task = bar.add_task(self.label, total=self.total, completed=self.done)
            self._bar = bar
        if self._bar is not None:
            self._bar.update(self._task, completed=self.done)  # type: ignore[attr-defined]

    def close(self) -> None:
        """Remove the bar (it is transient)."""
        if self._bar is not None:
            self._bar.stop()  # type: ignore[attr-defined]


def documents(ctx: Context, problems: list[Problem] | None = None, label: str = "rendering",
              summary: Project | None = None) -> Iterator[tuple[str, str, str]]:
    """``(absolute path, text, owner: the session's file stem, or "" for a project document)``
    of every document, project documents first, then each session's in start order. Two
    sessions sharing a number (a merge collision) each yield their own (``model.label_clashes``).

    Args:
        problems: receives every unreadable line of the session files (``file:line``, the
            journal's own lines for a session open here), read as each file is read in full.
        summary: the index's summary view when the caller has it
            (:func:`session_tracker.index.summary_project`).
    Raises:
        NewerSchema: an event file holds an event of a newer schema version.
    """
    from session_tracker.index import summary_project
    from session_tracker.plan.model import load_plan

    summary = summary if summary is not None else summary_project(ctx.layout)
    for path, text in sorted(docs.expected_project(ctx, summary).items()):
        yield path, text, ""
    lifecycle = any(ctx.document(kind, "x") for kind in docs.LIFECYCLE_KINDS)
    plan = load_plan(ctx.layout) if lifecycle else None
    for full, project in each_full(ctx, summary, problems, label):
        yield from _session_documents(ctx, full, project, plan)


def each_full(ctx: Context, summary: Project, problems: list[Problem] | None = None,
              label: str = "reading", only: set[str] | None = None) -> Iterator[tuple[Session, Project]]:
    """Every session read in full, one at a time, in start order, each with ``summary`` (frozen
    first: :meth:`Project.freeze`) holding it in its own place while it is handed out; its
    events are dropped again before the next file is read. ``problems`` receives every
    unreadable line, as each file is read. ``only``: read just the files of these stems. A
    progress bar shows after a second.

    Raises:
        NewerSchema: an event file holds an event of a newer schema version.
    """
    from session_tracker.core.files import scan
    from session_tracker.core.model import load_session_file

    summary.freeze()
    position = {s.sid: i for i, s in enumerate(summary.sessions)}
    stems = list(dict.fromkeys(s.file for s in summary.sessions if only is None or s.file in only))
    listing = scan(ctx.layout)  # once: a listing per session read would be quadratic in the store
    if len(stems) > FAST_AFTER:
        from session_tracker.core.events import use_fast_decoder

        use_fast_decoder()
    bar = Progress(len(stems), label)
    try:
        for stem in stems:
            found, bad = load_session_file(ctx.layout, stem, listing)
            if problems is not None:
                problems.extend(bad)
            for full in found:
                at = position.get(full.sid)
                if at is None:
                    continue  # appended after the summary was made: the next pass has it
                kept = summary.sessions[at]
                full.doc = kept.doc  # the label the whole store gives it (clashes across files)
                summary.sessions[at] = full
                try:
                    yield full, summary
                finally:
                    summary.sessions[at] = kept  # drop the full events before the next file
            bar.advance()
    finally:
        bar.close()


def _session_documents(ctx: Context, session: Session, project: Project, plan: object) -> Iterator[tuple[str, str, str]]:
    for kind in docs.SESSION_KINDS:
        path = docs.session_path(ctx, kind, session)
        text = docs.render_kind(kind, session, project) if path else None
        if path and text is not None:
            yield path, text, session.file
    if plan is None or session.started is None:
        return
    from session_tracker.documents.workflow import render_session

    for kind in docs.LIFECYCLE_KINDS:
        path = docs.session_path(ctx, kind, session)
        text = render_session(kind, session, project, plan) if path else None  # type: ignore[arg-type]
        if path and text is not None:
            yield path, text, session.file
