"""``import claude-code|codex [PATH…]``: rebuild sessions from agents' transcripts after the fact
(seed 001's retroactive tracking).

Each transcript becomes one COMPLETE session whose ``session.started`` carries ``agent``,
``agent_session_id`` and ``imported`` (the source file and branch), started and ended at the
agent's own times (``data.at``), holding ``file.touched``, ``command.run``, ``checkpoint`` (a
compaction), ``usage`` and the user's own prompts as notes (redacted like every event). Every
imported entry carries ``ref``, the transcript's own key for it (tool call id, message uuid), so
importing again adds nothing and a transcript imported while it was still being written is
completed by the next import (only the entries and the usage not yet recorded are appended).
A transcript from another repository is skipped with a note, unless ``--map-cwd OLD`` says that
the repository lived at ``OLD`` when the transcript was written.

**Tokens mean the same for every agent** (the :data:`USAGE_KEYS` of a ``usage`` event):
``input_tokens`` — input that was neither read from nor written to the prompt cache;
``cache_read_input_tokens`` — input read from the cache; ``cache_creation_input_tokens`` —
input written to the cache; ``output_tokens`` — everything generated, reasoning included
(``reasoning_output_tokens``, where the agent reports it, is the reasoning part of it). Claude
Code reports them this way already. Codex's ``input_tokens`` *includes* its
``cached_input_tokens``, so the importer stores ``input - cached`` as ``input_tokens``.

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

TYPE_CHECKING = False
if TYPE_CHECKING:
    from session_tracker.core.model import Session
    from session_tracker.core.paths import Layout

MAX_PROMPT = 4000  # characters of one user prompt kept as a note
USAGE_KEYS = ("input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
Entry = tuple[str, str, str, dict[str, object]]
"""``(at, event type, actor, data)``; ``data["ref"]`` is the transcript's key for the entry."""
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
    """One agent session rebuilt from its transcript (and its subagents' transcripts).

    ``entries`` are :data:`Entry` tuples in transcript order; ``usage_by`` maps ``(model,
    subagent id or '')`` to ``{input_tokens, output_tokens, cache_creation_input_tokens,
    cache_read_input_tokens, messages}`` (+ ``reasoning_output_tokens`` for Codex), in the
    meaning documented in this module; ``subagents`` lists the subagent ids folded in.
    """

    agent: str
    source: str
    agent_session_id: str = ""
    cwd: str = ""
    start: str = ""
    end: str = ""
    model: str = ""
    branch: str = ""
    entries: list[Entry] = field(default_factory=list)
    usage_by: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)
    subagents: list[str] = field(default_factory=list)
    usage_log: list[tuple[str, str, str, dict[str, int], int]] = field(default_factory=list)

    def seen(self, moment: str) -> None:
        """Widen ``start``/``end`` to include ``moment`` (normalised ISO, UTC)."""
        if not moment:
            return
        if not self.start or moment < self.start:
            self.start = moment
        if not self.end or moment > self.end:
            self.end = moment

    @property
    def usage(self) -> dict[str, dict[str, int]]:
        """Usage per model, subagents included: ``{model: {key: tokens}}``."""
        out: dict[str, dict[str, int]] = {}
        for (model, _), totals in sorted(self.usage_by.items()):
            into = out.setdefault(model, {})
            for key, value in totals.items():
                into[key] = into.get(key, 0) + value
        return out

    def add_usage(self, model: str, subagent: str, tokens: dict[str, int], messages: int = 1, at: str = "") -> None:
        """Add one message's (or turn's) ``tokens``, written at ``at``, to
        ``usage_by[(model, subagent)]``."""
        _add(self.usage_by, model, subagent, tokens, messages)
        self.usage_log.append((at, model, subagent, tokens, messages))

    def usage_since(self, moment: float) -> dict[tuple[str, str], dict[str, int]]:
        """:attr:`usage_by` counting only what was written at or after ``moment`` (epoch
        seconds; an entry without a time counts)."""
        out: dict[tuple[str, str], dict[str, int]] = {}
        for at, model, subagent, tokens, messages in self.usage_log:
            if not at or datetime.fromisoformat(at).timestamp() >= moment:
                _add(out, model, subagent, tokens, messages)
        return out


def _add(into: dict[tuple[str, str], dict[str, int]], model: str, subagent: str, tokens: dict[str, int], messages: int) -> None:
    totals = into.setdefault((model, subagent), {k: 0 for k in (*USAGE_KEYS, "messages")})
    for key, value in tokens.items():
        totals[key] = totals.get(key, 0) + value
    totals["messages"] += messages


def tokens_of(usage: dict[str, object], keys: tuple[str, ...] = USAGE_KEYS) -> dict[str, int]:
    """The integer token counts of ``usage`` for ``keys`` (missing or non-integer: 0)."""
    out: dict[str, int] = {}
    for key in keys:
        value = usage.get(key)
        out[key] = value if isinstance(value, int) and not isinstance(value, bool) else 0
    return out


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
    """True when ``path`` is an absolute POSIX-style path that is ``root`` or lies under it.

    A relative path or a Windows path (``e:\\Workspace\\…``) is never inside: it says nothing
    about where this repository is, so it must not let a transcript in.
    """
    if not path.startswith("/") or "\\" in path:
        return False
    try:
        return os.path.commonpath([os.path.normpath(path), root]) == root
    except ValueError:
        return False


def normalise_cwd(path: str) -> str:
    """A recorded working directory in one comparable form: ``/``-separated, without a trailing
    separator; a Windows drive letter lower-cased (``E:\\Work`` → ``e:/Work``)."""
    text = path.replace("\\", "/")
    if re.match(r"^[A-Za-z]:", text):
        text = text[0].lower() + text[1:]
    return text.rstrip("/") or "/"


class CwdMap:
    """Where the repository lived when a transcript was written (``--map-cwd OLD``): paths under
    ``OLD`` (POSIX or Windows, compared after :func:`normalise_cwd`) are read as paths under
    this repository's ``root``."""

    def __init__(self, old: str, root: str) -> None:
        self.old = normalise_cwd(old)
        self.root = root

    def covers(self, cwd: str) -> bool:
        """True when ``cwd`` is ``OLD`` or lies under it."""
        cwd = normalise_cwd(cwd)
        return cwd == self.old or cwd.startswith(self.old.rstrip("/") + "/")

    def translate(self, path: str) -> str:
        """``path`` under ``OLD`` as the same path under ``root``; others unchanged."""
        norm = normalise_cwd(path)
        if norm == self.old:
            return self.root
        prefix = self.old.rstrip("/") + "/"
        if norm.startswith(prefix):
            return os.path.join(self.root, *norm[len(prefix):].split("/"))
        return path


Parser = Callable[[str, str, Counts, dict[str, set[str]], "CwdMap | None"], Transcript]


def written_here(layout: Layout, session: Session) -> bool:
    """True when this worktree may append to ``session``'s event file: the session is open here
    (it has a journal), or it was started by a hook or an import in this worktree (its
    ``session.started`` names this clone id: ``clone``, or ``imported.clone``), or it predates
    that field. Every file has one writer: a session another clone or worktree recorded is
    theirs to complete (appending here would edit a file their branch adds too)."""
    from session_tracker.core import journal
    from session_tracker.core.files import clone_id

    if journal.exists(layout, session.file):
        return True
    started = session.started.data if session.started is not None else {}
    imported = started.get("imported")
    owner = started.get("clone") or (imported.get("clone") if isinstance(imported, dict) else None)
    return not owner or owner == clone_id(layout)
