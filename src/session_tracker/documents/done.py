"""What a session did, as every summary says it: its work log, commits and finished tasks.

A session that logged work and made commits did something, even with no plan task marked done;
summaries built from tasks alone read such sessions as empty ("Completed: —"). Pure: the same
session gives the same items whether it was read in full or through the summary cache (which
keeps the newest notes and counts the rest, ``Session.omitted_notes``).
"""

from __future__ import annotations

from session_tracker.core.model import Session

NOTES_SHOWN = 10  # newest work-log entries listed (the summary cache keeps more than this)
COMMITS_SHOWN = 10


class Done:
    """What ``session`` did: ``notes`` (newest :data:`NOTES_SHOWN` work-log texts, oldest first),
    ``more_notes`` (entries beyond those), ``commits`` [(short sha, subject)], ``more_commits``,
    ``decisions`` (how many)."""

    __slots__ = ("commits", "decisions", "more_commits", "more_notes", "notes")

    def __init__(self, session: Session) -> None:
        notes = session.of_type("note")
        self.notes = [e.text("message") for e in notes[-NOTES_SHOWN:]]
        self.more_notes = max(0, len(notes) - NOTES_SHOWN) + session.omitted_notes
        commits = [(str(c.get("sha", ""))[:7], str(c.get("subject", ""))) for c in session.commits()]
        self.commits = commits[:COMMITS_SHOWN]
        self.more_commits = max(0, len(commits) - COMMITS_SHOWN)
        self.decisions = len(session.of_type("decision"))

    def empty(self) -> bool:
        """Nothing logged, committed or decided."""
        return not self.notes and not self.commits and not self.decisions and not self.more_notes
