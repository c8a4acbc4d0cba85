"""The event: one JSON object per line, the only truth session-tracker keeps.

Shape (DESIGN.md, "The event")::

    {"v":1,"id":"01JD8Z…","ts":"2026-11-21T13:05:16.123+00:00","session":"00003",
     "sid":"01JD8Y…","type":"decision","actor":"human","data":{…}}

``sid`` is the ULID of the session (its ``session.started`` event id): numbers can collide
after merges, ULIDs cannot, so every view keys on ``sid``. Types are a closed set
(:data:`TYPES`); an unknown type from a newer version is kept and shown raw, never dropped.
"""

from __future__ import annotations

import json

from session_tracker.errors import TrackerError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import re
    from collections.abc import Callable
    from typing import Any

SCHEMA_VERSION = 1
MAX_LINE_BYTES = 64 * 1024  # one os.write of at most this size is never split (DESIGN.md)

#: The documented event types; see docs/architecture.md for each one's ``data``.
TYPES = frozenset(
    {
        "session.started",  # data: number, objectives[], tz, git{branch, head, dirty[]}|null
        "note",  # data: message, category, at?
        "decision",  # data: message, rationale, alternatives[], at?
        "blocker.opened",  # data: blocker (id), message, at?
        "blocker.resolved",  # data: blocker (id), message
        "handoff.item",  # data: message
        "files.changed",  # data: base, files[] (git capture snapshot)
        "commit",  # data: sha, subject, files[]
        "session.ended",  # data: status, next[], git{branch, head, commits[], merged[], files[]}|null, at?, amends? (the end it replaces: re-import)
        "session.renumbered",  # data: number, previous — alone in its own file <number>-<sid>.jsonl (`renumber`)
        "commits.rewritten",  # data: map {old sha: new sha}, command (amend|rebase) — from post-rewrite
        # Written by agent hooks and transcript imports (session_tracker.agents, .importers):
        # ref? = the agent's own key (tool call id, message uuid); subagent? = the subagent's id
        "file.touched",  # data: path (relative to the root), tool, agent_session, ref?, subagent?, at?
        "command.run",  # data: command, tool, agent_session, exit? (int), failed? (bool), interrupted?, ref?, subagent?, at?
        "agent.activity",  # data: event (stop|end|prompt|subagent_stop), agent_session, subagent?, at?
        "usage",  # data: model, input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens, reasoning_output_tokens?, messages, subagent? (meaning: importers/__init__.py)
        "checkpoint",  # data: trigger (manual|auto), phase? (pre|post), pre_tokens?, agent_session, ref?
        "context.injected",  # data: agent, agent_session, source, inline_limit, chars, tokens_est, budget, parts[{part, items, kept, chars}], left_out[], reason
        "task.updated",  # data: task, status (todo|in_progress|blocked|done), note?
        # Quality metrics (session_tracker.metrics; data documented in metrics/values.py):
        "metrics.recorded",  # data: source (run|import|manual|end), tests_*, coverage_percent, branch_percent, lint_errors, lint_by_rule{}, type_errors, checks[]
        "gate.overridden",  # data: rules[{rule, ok, detail}], message — `end --require-gates --force` with failing gates
        # Seed 003's lifecycle (session_tracker.workflow), in the session file:
        "risk.added",  # data: message, mitigation
        "check.item",  # data: item, done (bool) — a validation checklist item confirmed (or not) by the user
        "review.recorded",  # data: worked[], failed[], lessons[]
        # ... and in .sessions/project.jsonl:
        "memory.added",  # data: kind (architecture|patterns|decisions|errors), message, rationale?, context?, alternatives[]?, supersedes? (event id)
        # The project plan, in .sessions/project.jsonl (session_tracker.plan; data in plan/model.PLAN_TYPES):
        "project.set",
        "phase.added",
        "phase.set",
        "milestone.added",
        "milestone.set",
        "component.added",
        "component.set",
        "task.added",
        "task.set",
        "question.opened",
        "question.answered",
        "next.added",
        "next.done",
        "resource.added",
        "interface.defined",
        "issue.noted",
        "issue.fixed",
        "plan.removed",
    }
)

#: Machine-captured agent activity: kept in the log, summarised in views, not listed entry by
#: entry in the work log (an agent touches hundreds of files a session).
ACTIVITY_TYPES = frozenset({"file.touched", "command.run", "agent.activity", "usage", "checkpoint", "context.injected"})

CATEGORIES = ("implementation", "testing", "planning", "bugfix", "refactor", "documentation")


class Event:
    """One decoded event. Attributes mirror the JSON keys; ``data`` is a dict.

    ``where`` is ``"<file>:<line>"`` when the event was read from disk (for messages).
    """

    __slots__ = ("actor", "data", "id", "line", "session", "sid", "ts", "type", "v", "where")

    def __init__(
        self,
        id: str,
        ts: str,
        session: str,
        sid: str,
        type: str,
        actor: str,
        data: dict[str, object],
        v: int = SCHEMA_VERSION,
        where: str = "",
    ) -> None:
        self.v = v
        self.id = id
        self.ts = ts
        self.session = session
        self.sid = sid
        self.type = type
        self.actor = actor
        self.data = data
        self.where = where
        self.line: bytes = b""  # the encoded line, once store.append wrote it (for the journal)

    def to_dict(self) -> dict[str, object]:
        """The JSON object as stored (without ``where``)."""
        return {
            "v": self.v,
            "id": self.id,
            "ts": self.ts,
            "session": self.session,
            "sid": self.sid,
            "type": self.type,
            "actor": self.actor,
            "data": self.data,
        }

    @property
    def moment(self) -> str:
        """The time the event describes: ``data.at`` for retroactive entries, else ``ts``."""
        at = self.data.get("at")
        return at if isinstance(at, str) else self.ts

    def text(self, key: str, default: str = "") -> str:
        """``data[key]`` when it is a string, else ``default``."""
        value = self.data.get(key)
        return value if isinstance(value, str) else default

    def texts(self, key: str) -> list[str]:
        """``data[key]`` when it is a list, keeping only its strings; else ``[]``."""
        value = self.data.get(key)
        return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def encode(event: Event) -> bytes:
    """Encode an event as one UTF-8 JSON line ending in ``\\n`` (keys sorted: stable diffs).

    Raises:
        TrackerError: the line would exceed :data:`MAX_LINE_BYTES` (64 KiB).
    """
    line = (
        json.dumps(event.to_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        + "\n"
    ).encode("utf-8")
    if len(line) > MAX_LINE_BYTES:
        raise TrackerError(
            f"this entry is {len(line):,} bytes; one event holds at most {MAX_LINE_BYTES:,}",
            "shorten the message, or put the detail in a file and log its path",
        )
    return line


class BadLine(Exception):
    """A line that is not a valid event; ``where`` is ``file:line``, ``reason`` says why."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason


class NewerSchema(TrackerError):
    """An event written by a newer session-tracker: refused, never guessed at."""


_REQUIRED = ("id", "ts", "session", "sid", "type", "actor")
MAX_DEPTH = 32  # levels of nesting in an event's data (our own events use 4 at most)


def _is_time(text: str) -> bool:
    """Whether ``text`` is an ISO 8601 time with an offset (what every reader parses)."""
    from datetime import datetime

    try:
        return datetime.fromisoformat(text).tzinfo is not None
    except ValueError:
        return False


def _depth(value: object) -> int:
    """How deeply lists and dicts nest in ``value`` (iterative: any depth is safe)."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in item.values())
        elif isinstance(item, list):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in item)
    return deepest


def _lone_surrogate(obj: object) -> bool:
    """True when a string in ``obj`` holds a lone surrogate: valid JSON, but no text a file,
    SQLite or a terminal can hold (json decodes ``"\\ud800"`` to one)."""
    try:
        json.dumps(obj, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


_fast_loads: Callable[[bytes], Any] | None = None


def use_fast_decoder() -> None:
    """From now on :func:`decode` parses with orjson (four times the standard decoder's speed):
    for passes that decode every line of the store (a full render, ``doctor``); its import
    (~30 ms) would cost a command that reads one session more than it saves. The events are
    the same either way: a line orjson refuses goes to the standard decoder, and so does one
    with an integer of 19 digits or more (orjson reads one past 64 bits as a float)."""
    global _fast_loads
    import orjson

    _fast_loads = orjson.loads


_BIG_INT: re.Pattern[bytes] | None = None


def _parse(raw: bytes) -> object:
    """The JSON value of ``raw`` (see :func:`use_fast_decoder`); the standard decoder's errors."""
    global _BIG_INT
    if _fast_loads is not None:
        if _BIG_INT is None:
            import re

            _BIG_INT = re.compile(rb"[:,\[]\s*-?\d{19}")
        if _BIG_INT.search(raw) is None:
            try:
                return _fast_loads(raw)
            except ValueError:  # the standard decoder takes it, or says why not
                pass
    return json.loads(raw.decode("utf-8"))


def decode(raw: bytes, where: str) -> Event:
    """Decode one line (without its ``\\n``) into an :class:`Event`, upgrading old versions.

    Raises:
        BadLine: not UTF-8, not a JSON object, a required key missing or mistyped, or a
            lone surrogate in a string.
        NewerSchema: ``v`` is greater than :data:`SCHEMA_VERSION`.
    """
    try:
        obj = _parse(raw)
    except UnicodeDecodeError:
        raise BadLine(where, "not valid UTF-8") from None
    except ValueError as exc:
        raise BadLine(where, f"not valid JSON ({exc.args[0].split(':')[0]})") from None
    except RecursionError:
        raise BadLine(where, "JSON nested too deeply") from None
    if not isinstance(obj, dict):
        raise BadLine(where, "not a JSON object")
    version = obj.get("v")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise BadLine(where, "missing or invalid schema version 'v'")
    if version > SCHEMA_VERSION:
        raise NewerSchema(
            f"{where}: event written by a newer session-tracker (schema v{version}; "
            f"this one reads up to v{SCHEMA_VERSION})",
            "upgrade: pip install --upgrade session-tracker",
        )
    for key in _REQUIRED:
        if not isinstance(obj.get(key), str) or not obj[key]:
            raise BadLine(where, f"missing or invalid {key!r}")
    data = obj.get("data", {})
    if not isinstance(data, dict):
        raise BadLine(where, "'data' is not an object")
    if not _is_time(obj["ts"]):
        raise BadLine(where, f"'ts' is not an ISO 8601 time with an offset ({obj['ts'][:40]!r})")
    at = data.get("at")
    if isinstance(at, str) and not _is_time(at):
        raise BadLine(where, f"'data.at' is not an ISO 8601 time with an offset ({at[:40]!r})")
    if raw.count(b"{") + raw.count(b"[") > MAX_DEPTH and _depth(data) > MAX_DEPTH:
        raise BadLine(where, f"'data' is nested deeper than {MAX_DEPTH} levels")
    if (b"\\ud" in raw or b"\\uD" in raw) and _lone_surrogate(obj):
        raise BadLine(where, "holds a lone surrogate (a \\uD800-\\uDFFF escape that is half of no pair): not text")
    return Event(
        id=obj["id"],
        ts=obj["ts"],
        session=obj["session"],
        sid=obj["sid"],
        type=obj["type"],
        actor=obj["actor"],
        data=data,
        v=version,
        where=where,
    )
