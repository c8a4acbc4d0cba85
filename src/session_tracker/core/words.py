"""Counted nouns for people: "1 file", "2 files" — every view and document says it one way."""

from __future__ import annotations

_IRREGULAR = {"entry": "entries", "is": "are", "has": "have", "this": "these"}


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``count`` and ``noun``, the noun in the plural unless ``count`` is 1.

    Args:
        many: the plural when it is not ``noun + "s"`` (``entry`` → ``entries`` is known).
    """
    if count == 1:
        return f"{count} {noun}"
    return f"{count} {many or _IRREGULAR.get(noun) or noun + 's'}"


__all__ = ["plural"]
