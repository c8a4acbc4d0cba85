"""session-tracker: an append-only event log of development sessions, kept in the repository,
and the documents derived from it (handoff, work log, decisions, files)."""

__version__ = "0.1.0"
