"""``import claude-code|codex [PATH…]``: rebuild sessions from agents' transcripts after the fact
(seed 001's retroactive tracking).

Each transcript becomes one COMPLETE session whose ``session.started`` carries ``agent``,
``agent_session_id`` and ``imported`` (the source file), started and ended at the transcript's
first and last timestamps (``data.at``), holding ``file.touched``, ``command.run``, ``usage`` and
the user's prompts as notes (redacted like every event). A transcript whose agent session is
already in the store — imported before, or recorded live by the hooks — is skipped, so a second
import adds nothing. A transcript from another repository is skipped with a note.

Reading never fails on bad lines: a truncated last line, invalid UTF-8 and invalid JSON are
counted as malformed (with ``file:line``) and skipped; a lone surrogate (a split pair) is
replaced with U+FFFD and counted as repaired; an unknown record type is counted and skipped.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone

from session_tracker.errors import TrackerError

MAX_PROMPT = 4000  # characters of one user prompt kept as a note
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass
class Counts:
    """What reading transcripts found: lines read, and the bad ones by kind."""

    lines: int = 0
    malformed: int = 0
    repaired: int = 0
    unknown: int = 0
    duplicate_usage: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass
class Transcript:
    """One agent session rebuilt from its transcript.

    ``entries`` are ``(at, type, actor, data)`` in transcript order; ``usage`` maps a model to
    ``{input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens,
    messages}``.
    """

    agent: str
    source: str
    agent_session_id: str = ""
    cwd: str = ""
    start: str = ""
    end: str = ""
    model: str = ""
    branch: str = ""
    entries: list[tuple[str, str, str, dict[str, object]]] = field(default_factory=list)
    usage: dict[str, dict[str, int]] = field(default_factory=dict)

    def seen(self, moment: str) -> None:
        """Widen ``start``/``end`` to include ``moment`` (normalised ISO, UTC)."""
        if not moment:
            return
        if not self.start or moment < self.start:
            self.start = moment
        if not self.end or moment > self.end:
            self.end = moment


def timestamp(value: object) -> str:
    """An agent's ISO 8601 timestamp (``…Z`` or with offset) as stored in events ('' if not one)."""
    if not isinstance(value, str) or not value:
        return ""
    from session_tracker.core.clock import iso

    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return iso(moment)


def _repair(value: object) -> tuple[object, bool]:
    if isinstance(value, str):
        if _LONE_SURROGATE.search(value):
            return _LONE_SURROGATE.sub("\ufffd", value), True
        return value, False
    if isinstance(value, list):
        out, hit = [], False
        for item in value:
            fixed, bad = _repair(item)
            out.append(fixed)
            hit = hit or bad
        return out, hit
    if isinstance(value, dict):
        new, hit = {}, False
        for key, item in value.items():
            fixed, bad = _repair(item)
            new[key] = fixed
            hit = hit or bad
        return new, hit
    return value, False


def read_lines(path: str, label: str, counts: Counts) -> Iterator[tuple[int, dict[str, object]]]:
    """``(line number, object)`` for each JSON object of a JSONL transcript; bad lines are
    counted in ``counts`` and skipped.

    Raises:
        TrackerError: the file cannot be read at all.
    """
    try:
        with open(path, "rb") as handle:
            blob = handle.read()
    except OSError as exc:
        raise TrackerError(f"cannot read {path}: {exc.strerror}", "check the path and its permissions") from None
    lines = blob.split(b"\n")
    torn = lines[-1] != b""
    for number, raw in enumerate(lines if torn else lines[:-1], start=1):
        if not raw.strip():
            continue
        counts.lines += 1
        where = f"{label}:{number}"
        last = torn and number == len(lines)
        try:
            obj = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            counts.malformed += 1
            counts.problems.append(f"{where}: invalid UTF-8")
            continue
        except (ValueError, RecursionError):
            counts.malformed += 1
            counts.problems.append(f"{where}: " + ("truncated last line" if last else "invalid JSON"))
            continue
        if not isinstance(obj, dict):
            counts.malformed += 1
            counts.problems.append(f"{where}: not a JSON object")
            continue
        fixed, repaired = _repair(obj)
        if repaired:
            counts.repaired += 1
            counts.problems.append(f"{where}: lone surrogate (a split pair) replaced with U+FFFD")
        yield number, fixed  # type: ignore[misc]


def prompt_text(text: str) -> str:
    """A user prompt fit for a note: control characters dropped, redacted, then cut to
    :data:`MAX_PROMPT` (redacting first: a secret straddling the cut must not survive)."""
    from session_tracker.core.redact import clip

    text = clip(_CONTROL.sub("", text).strip(), len(text) + 1)
    return text if len(text) <= MAX_PROMPT else text[: MAX_PROMPT - 1] + "…"


def inside(path: str, root: str) -> bool:
    """True when ``path`` is ``root`` or lies under it."""
    try:
        return os.path.commonpath([os.path.abspath(path), root]) == root
    except ValueError:
        return False


Parser = Callable[[str, str, Counts, dict[str, set[str]]], Transcript]
