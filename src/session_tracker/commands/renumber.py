"""``renumber``: give a session a new number after a merge brought two with one (issue 11).

Session numbers are the label people type, allocated per clone, so two clones working in
parallel both take 00003; after the merge every view shows both, selecting by 00003 is refused
as ambiguous, and ``doctor`` reports the clash. ``renumber <id>`` settles it by an event: a
``session.renumbered`` event (data: ``number``, ``previous``) alone in a new file
``events/<new number>-<sid>.jsonl``. The session's own file is never touched (it has one
writer, the clone that ran the session, and the file may be open there), so renumbering never
conflicts with anything; views apply the newest renumber of a session.
"""

from __future__ import annotations

import os

from session_tracker.core import store, validate
from session_tracker.core.clock import iso, now
from session_tracker.core.context import Context
from session_tracker.core.events import Event
from session_tracker.core.files import scan, session_stem
from session_tracker.core.sessions import find
from session_tracker.core.ulid import new_ulid
from session_tracker.errors import TrackerError


def renumber(ctx: Context, key: str, to: str | None = None, common_dir: str | None = None) -> dict[str, object]:
    """Renumber the session ``key`` names (its id, a unique prefix, or its number when that is
    unique) to ``to`` (default: the next free number).

    Returns ``{"v": 1, "session": new number, "previous": old number, "sid", "file"}``.
    Raises:
        TrackerError: unknown or ambiguous session; ``to`` invalid or taken.
    """
    from session_tracker.commands.init import REGISTRY, next_number

    target = find(ctx, key)
    listing = scan(ctx.layout)
    registry = os.path.join(common_dir, REGISTRY) if common_dir else None
    taken = set(listing.by_number)
    if registry:
        try:
            with open(registry, encoding="utf-8") as handle:
                taken.update(line.strip() for line in handle if line.strip())
        except FileNotFoundError:
            pass
    if to is not None:
        validate.session_name(to)
        if to in taken or to.startswith("project-"):
            raise TrackerError(f"session number {to} is taken", f"choose another, or leave --to out to take {next_number(taken)}")
    number = to or next_number(taken)
    stem = session_stem(number, target.sid)
    event = Event(id=new_ulid(), ts=iso(now()), session=number, sid=target.sid, type="session.renumbered",
                  actor=ctx.actor, data={"number": number, "previous": target.name})
    path = ctx.layout.session_file(stem)
    if os.path.exists(path):
        raise TrackerError(f"{ctx.layout.relative(path)} exists already", "this session already has that number")
    store.append(path, event, redact=False)
    if registry:
        fd = os.open(registry, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)  # the git common dir, as init does
        try:
            os.write(fd, f"{number}\n".encode())
        finally:
            os.close(fd)
    from session_tracker.documents import writer

    writer.write_all(ctx)
    return {"v": 1, "session": number, "previous": target.name, "sid": target.sid, "file": ctx.layout.relative(path)}
