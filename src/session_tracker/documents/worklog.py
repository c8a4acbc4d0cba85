"""``log`` on a long session: append the entry's row to LOG.md instead of re-rendering it.

A session an agent drives holds tens of thousands of events; reading them all to add one line
to the work log would make ``log`` cost what the session costs. So each full render of LOG.md
leaves a small note in ``.sessions/local/worklog/<file stem>.json``: how many bytes of the
session's source it covered (its journal while it is open here: :mod:`session_tracker.core.journal`),
LOG.md's path, size and mtime, the session's start and the order key (time, id) of the last
row. ``log`` then reads only the bytes appended since (agent activity, usually), and when

* LOG.md is the one the note describes (not edited or re-rendered since),
* nothing since is a work-log entry, an end, or earlier than the session's start,
* the new entry sorts after the last row,

it appends one row — exactly the row a full render would put last, so the document is the one
a full render gives (``tests/documents/test_worklog.py`` compares them). Anything else, or any
doubt, takes the ordinary path: read the session, render LOG.md in full. The note is derived
and per-machine; deleting it costs one full render. Imports stay light: this is the hot path.
"""

from __future__ import annotations

import json
import os

from session_tracker.core import store
from session_tracker.core.clock import iso, now, parse_iso
from session_tracker.core.events import ACTIVITY_TYPES, BadLine, Event, decode
from session_tracker.core.ulid import new_ulid

TYPE_CHECKING = False
if TYPE_CHECKING:
    from session_tracker.core.context import Context
    from session_tracker.core.model import Session

NOTE_VERSION = 2  # 2: keyed by file stem, offsets in the journal
#: Types outside the work log's timeline (model.Session.timeline): appending them leaves LOG.md as it is.
OUTSIDE = ACTIVITY_TYPES | {"files.changed"}


def _note_path(ctx: Context, name: str) -> str:
    return os.path.join(ctx.layout.local_dir, "worklog", f"{name}.json")


def _stamp(path: str) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def _instant(moment: str) -> float:
    try:
        return parse_iso(moment).timestamp()
    except ValueError:
        return 0.0


def _source(ctx: Context, stem: str) -> str:
    """Where the session's events are appended: its journal while open here, else its file."""
    from session_tracker.core import journal

    path = journal.path_of(ctx.layout, stem)
    return path if os.path.exists(path) else ctx.layout.session_file(stem)


def remember(ctx: Context, session: Session, log_path: str) -> None:
    """After a full render of ``session``'s LOG.md from a view of ``session.file_size`` bytes
    (of its journal, or its file): write the note the fast path needs, or remove it when the
    view may be incomplete."""
    note = _note_path(ctx, session.file)
    entries = session.timeline()
    stamp = _stamp(log_path)
    if session.file_size < 0 or session.ended is not None or not entries or stamp is None:
        try:
            os.unlink(note)
        except FileNotFoundError:
            pass
        return
    last = entries[-1]
    blob = {"v": NOTE_VERSION, "sid": session.sid, "name": session.name, "events": session.file_size, "doc": stamp,
            "path": log_path, "template": str(ctx.config["documents"].get("log") or ""), "source": _source(ctx, session.file),
            "start": _instant(session.start_moment), "last": [_instant(last.moment), last.id], "tz": session.tz}
    from session_tracker.errors import TrackerError

    try:
        store.atomic_write(note, json.dumps(blob).encode(), durable=False)
    except TrackerError:
        return  # a note that cannot be written only costs speed


def _num(note: dict[str, object], key: str) -> int:
    value = note.get(key)
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def _real(note: dict[str, object], key: str) -> float:
    value = note.get(key)
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


def _target(ctx: Context, session: str | None) -> tuple[str, str] | None:
    """``(file stem, sid)`` of the session ``log`` means when that is plain: named (by number
    or file stem, or ``CURRENT_SESSION``) and open here, or the only one open here. None: let
    :func:`sessions.resolve` decide (and explain)."""
    from session_tracker.core.context import SESSION_ENV
    from session_tracker.core.sessions import open_here

    here = open_here(ctx.layout)
    key = session or ctx.env.get(SESSION_ENV) or None
    if key is None:
        return next(iter(here.items())) if len(here) == 1 else None
    if key in here:
        return key, here[key]
    named = [(stem, sid) for stem, sid in here.items() if stem.rsplit("-", 1)[0] == key]
    return named[0] if len(named) == 1 else None


def try_append(ctx: Context, data: dict[str, object], session: str | None) -> tuple[Event, str, str, list[str] | None] | None:
    """Record the note ``data`` and append its row to LOG.md, if the fast path applies.

    Returns ``(event, session name, file stem, documents written)``, the documents None when
    the row could not be appended after all (the caller renders LOG.md in full); or None when
    the caller must take the ordinary path (nothing was written then).
    Raises:
        TrackerError: the event cannot be written.
    """
    target = _target(ctx, session)
    if target is None:
        return None
    stem, sid = target
    try:
        with open(_note_path(ctx, stem), encoding="utf-8") as handle:
            note = json.load(handle)
    except (OSError, ValueError):
        return None
    if not isinstance(note, dict) or note.get("v") != NOTE_VERSION or note.get("sid") != sid or not sid:
        return None
    path = _source(ctx, stem)
    covered = note.get("events")
    if path != note.get("source") or not isinstance(covered, int) or not _quiet_since(path, covered, sid, _real(note, "start")):
        return None
    name = str(note.get("name") or "")
    event = Event(id=new_ulid(), ts=iso(now()), session=name, sid=sid, type="note", actor=ctx.actor, data=data)
    last = note.get("last")
    if not isinstance(last, list) or len(last) != 2 or (_instant(event.moment), event.id) <= (float(last[0]), str(last[1])):
        return None
    log_path = note.get("path")
    if not isinstance(log_path, str) or not name or note.get("template") != str(ctx.config["documents"].get("log") or ""):
        return None
    start, end = store.append(path, event, redact=ctx.redact)
    return event, name, stem, _append_row(ctx, stem, event, note, log_path, path, start, end)


def _quiet_since(path: str, offset: int, sid: str, start: float, upto: int | None = None) -> bool:
    """True when every line from ``offset`` (to ``upto``, else the end) is of this session,
    outside the work log, and not earlier than its start (so LOG.md's header and rows hold)."""
    if upto is not None and upto < offset:
        return False
    try:
        with open(path, "rb") as handle:
            handle.seek(offset)
            tail = handle.read() if upto is None else handle.read(upto - offset)
    except OSError:
        return False
    if tail and not tail.endswith(b"\n"):
        return False  # a torn line: let the full reader report it
    for raw in tail.split(b"\n")[:-1]:
        if not raw.strip():
            continue
        try:
            event = decode(raw, "")
        except BadLine:
            return False
        if event.sid != sid or event.type not in OUTSIDE or _instant(event.moment) < start:
            return False
    return True


def _append_row(ctx: Context, stem: str, event: Event, note: dict[str, object], log_path: str, source: str,
                start: int, end: int) -> list[str] | None:
    """Under the render lock: append the row when LOG.md is still the one the note describes
    (returns ``[log_path]``); None when someone else rendered or edited it meanwhile."""
    with store.Lock(ctx.layout.lock_file("render")):
        current = _stamp(log_path)
        if current == note.get("doc") and _quiet_since(source, _num(note, "events"), event.sid, _real(note, "start"), upto=start):
            from session_tracker.documents.md import document_bytes
            from session_tracker.documents.session import log_row

            line = document_bytes(log_row(event, str(note.get("tz") or "+00:00")))  # as a full render writes it
            # One write of one line: a reader sees the old or the new document; a crash in
            # between is caught by the stamp check of the next `log`, which then renders anew.
            fd = os.open(log_path, os.O_WRONLY | os.O_APPEND)
            try:
                os.write(fd, line)
            finally:
                os.close(fd)
            note.update({"events": end, "doc": _stamp(log_path), "last": [_instant(event.moment), event.id]})
            store.atomic_write(_note_path(ctx, stem), json.dumps(note).encode(), durable=False)
            return [log_path]
    return None
