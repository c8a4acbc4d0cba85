"""Which importer reads which agent's transcripts."""

from __future__ import annotations

from collections.abc import Callable

from session_tracker.errors import TrackerError
from session_tracker.importers import Parser


def parser(agent: str) -> tuple[Callable[[list[str], str], list[str]], Parser]:
    """``(find, parse)`` of ``agent``'s importer (its module's functions).

    Raises:
        TrackerError: an agent without an importer.
    """
    if agent == "claude-code":
        from session_tracker.importers import claude_code as mod
    elif agent == "codex":
        from session_tracker.importers import codex as mod  # type: ignore[no-redef]
    else:
        raise TrackerError(f"cannot import transcripts of {agent!r}", "use claude-code or codex")
    return mod.find, mod.parse
