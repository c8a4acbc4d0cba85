"""An event file's complete lines as index rows: pure, with no connection and no layout, so a
build from nothing can run it in worker processes while the main process writes what they
return (:mod:`.pool`, :mod:`.ingest`).

Rows are numbered within the file (``0 …``); the writer gives them their ``events.rowid``.
"""

from __future__ import annotations

import zlib
from datetime import datetime
from json import JSONDecoder

from session_tracker.core.clock import instant
from session_tracker.core.events import MAX_DEPTH, SCHEMA_VERSION, BadLine, decode, encode
from session_tracker.index.fold import NO_SESSION, PLAN_TYPES, is_project_source
from session_tracker.index.text import paths_of, searchable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

#: Types whose line is not copied into the index (90% of a store: work-log notes and agent
#: activity); their text is in the full-text table, the full event is read from the file at ``pos``.
BULKY = frozenset({"note", "file.touched", "command.run", "agent.activity", "checkpoint"})
_decode = JSONDecoder().decode
_REQUIRED = ("id", "ts", "session", "sid", "type", "actor")


def fast_loads() -> Callable[[bytes], Any]:
    """orjson's ``loads``: four times the standard decoder's speed, for reads of many lines (a
    build, a pull), whose import (~30 ms) would cost a command that reads a few more than it
    saves. What it refuses (NaN, overflowing floats, lone surrogates) :func:`quick` gives to
    the standard decoder; an integer past 64 bits it reads as a float, but no number reaches a
    row (the line's own text does), so the rows are the same either way."""
    import orjson

    return orjson.loads


def quick(raw: bytes, loads: Callable[[bytes], Any] | None = None) -> tuple[dict[str, Any], float] | None:
    """The line's object and its moment in epoch seconds when it is a well-formed
    current-version event, else None (then :func:`events.decode` decides: a problem with its
    reason, or an upgrade). The same checks as ``decode`` (times with an offset, nesting; a
    line that may nest too deep goes to it), without building an :class:`Event`: a full build
    reads a million lines. ``loads``: :func:`fast_loads`, else the standard decoder."""
    try:
        obj = loads(raw) if loads is not None else _decode(raw.decode("utf-8"))
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError; a line nested too deep for json
        if loads is None:
            return None
        return quick(raw)  # what orjson refuses, the standard decoder may take (a lone surrogate)
    if type(obj) is not dict or type(obj.get("v")) is not int or obj["v"] != SCHEMA_VERSION or type(obj.get("data", {})) is not dict:
        return None
    for key in _REQUIRED:
        value = obj.get(key)
        if type(value) is not str or not value:
            return None
    at = obj.setdefault("data", {}).get("at")
    try:
        ts = datetime.fromisoformat(obj["ts"])
        moment = datetime.fromisoformat(at) if isinstance(at, str) else ts
    except ValueError:
        return None
    if ts.tzinfo is None or moment.tzinfo is None or raw.count(b"{") + raw.count(b"[") > MAX_DEPTH:
        return None
    if b"\\ud" in raw or b"\\uD" in raw:  # perhaps a lone surrogate: decode says (a problem, never a row SQLite refuses)
        return None
    return obj, moment.timestamp()


class Parsed:
    """What :func:`parse` found in a file's new lines.

    Attributes:
        events: ``(line, pos, id, ts, moment, t, session, sid, type, actor, raw, kind)``
            per event (the columns of ``event_rows`` after ``rowid`` and ``src``; ``moment``
            None when it is ``ts``), in file order (``line`` 1-based, ``pos`` its byte offset, ``t`` epoch
            seconds, ``raw`` None for the :data:`BULKY` types of a plain file).
        fts: ``(event number, searchable text)``; paths: ``(sid, path, event number)``.
        problems: ``(source, line, reason)`` of each undecodable line.
        touched: sids of sessions whose events came in; project: a plan file's events did.
        end: bytes consumed (up to the last newline); lines: complete lines consumed in all;
        crc: CRC-32 of every byte consumed so far.
    """

    __slots__ = ("crc", "end", "events", "fts", "lines", "paths", "problems", "project", "touched")

    def __init__(self) -> None:
        self.events: list[tuple[Any, ...]] = []
        self.fts: list[tuple[int, str]] = []
        self.paths: list[tuple[str, str, int]] = []
        self.problems: list[tuple[str, int, str]] = []
        self.touched: set[str] = set()
        self.project = False
        self.end = self.lines = self.crc = 0


def parse(rel: str, blob: bytes, offset: int = 0, lines: int = 0, crc: int = 0, journal: bool = False,
          loads: Callable[[bytes], Any] | None = None) -> Parsed:
    """Parse the complete lines of ``blob``: the bytes of event file ``rel`` (path relative to
    ``.sessions/``) from byte ``offset``, after ``lines`` lines whose CRC-32 is ``crc``. A torn
    last line is left for the next read. ``journal``: the bytes are what the file will hold once
    published (journal.published), whose positions are not the file's: every line is kept.
    ``loads``: the JSON decoder for :func:`quick`.
    """
    out = Parsed()
    end = blob.rfind(b"\n") + 1
    project_file = is_project_source(rel)
    label = f".sessions/{rel}"
    names: dict[str, str] = {}  # one object per repeated string: smaller rows, smaller pickles
    intern = names.setdefault
    events, fts, paths, touched = out.events, out.fts, out.paths, out.touched
    pos = offset
    for raw in blob[:end].split(b"\n")[:-1]:
        lines += 1
        here, pos = pos, pos + len(raw) + 1
        if not raw.strip():
            continue
        found_quick = quick(raw, loads)
        if found_quick is None:  # not the common well-formed v1 line: the full decoder says why (or upgrades it)
            try:
                event = decode(raw, f"{label}:{lines}")
            except BadLine as bad:
                out.problems.append((rel, lines, bad.reason))
                continue
            obj: dict[str, Any] = dict(event.to_dict())
            text: str | None = encode(event).decode("utf-8").rstrip("\n")  # upgraded to the current version
            t = instant(event.moment)
        else:
            obj, t = found_quick
            text = None
        data = obj["data"]
        type_, sid, session = intern(obj["type"], obj["type"]), intern(obj["sid"], obj["sid"]), intern(obj["session"], obj["session"])
        if text is None and (journal or type_ not in BULKY):
            text = raw.decode("utf-8")
        number = len(events)
        at = data.get("at")
        moment = at if isinstance(at, str) and at != obj["ts"] else None  # None: the ts (schema m005)
        if project_file:
            out.project = True
        elif type_ not in PLAN_TYPES and sid != NO_SESSION:
            touched.add(sid)
        named = paths_of(type_, data)
        found = searchable(type_, data, named)
        if found is not None:
            fts.append((number, found[1]))
        events.append((lines, here, obj["id"], obj["ts"], moment, t, session, sid, type_, intern(obj["actor"], obj["actor"]),
                       text, found[0] if found else None))
        for one in named:
            paths.append((sid, one, number))
    out.end, out.lines, out.crc = offset + end, lines, zlib.crc32(blob[:end], crc)
    return out
