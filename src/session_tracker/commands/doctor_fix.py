"""``doctor --fix``: move unreadable lines out of the event files, into a quarantine.

A line that cannot be decoded (a torn write, a hand edit gone wrong, a bad merge) is removed
from its file and appended to ``.sessions/quarantine/<clone id>.jsonl`` as
``{"file", "line", "reason", "text", "at"}`` (the text as it was, undecodable bytes replaced), so
nothing is lost and the record says where it came from. The quarantine file has one writer
(this clone), and the event file's change is an ordinary deletion, so a merge cannot bring the
line back (a ``merge=union`` did, which is why it is gone). The quarantine sits outside
``events/``, so no reader takes its records for events.
"""

from __future__ import annotations

import json
import os

from session_tracker.core import store
from session_tracker.core.clock import iso, now
from session_tracker.core.context import Context
from session_tracker.core.files import clone_id


def quarantine_file(ctx: Context) -> str:
    """This clone's quarantine file."""
    return os.path.join(ctx.layout.store, "quarantine", f"{clone_id(ctx.layout)}.jsonl")


def fix(ctx: Context, problems: list[tuple[str, str]]) -> list[str]:
    """Quarantine each unreadable line ``(where "file:line", reason)``; returns the places
    fixed. Takes the store lock; each file is rewritten atomically."""
    by_file: dict[str, dict[int, str]] = {}
    for where, reason in problems:
        name, _, line_no = where.rpartition(":")
        if line_no.isdecimal():
            by_file.setdefault(name, {})[int(line_no)] = reason
    fixed: list[str] = []
    target = quarantine_file(ctx)
    with store.Lock(ctx.layout.lock_file("store")):
        for name, lines in sorted(by_file.items()):
            path = os.path.join(ctx.layout.root, name)
            try:
                with open(path, "rb") as handle:
                    blob = handle.read()
            except OSError:
                continue
            raw_lines = blob.split(b"\n")
            if raw_lines and raw_lines[-1] == b"":
                raw_lines = raw_lines[:-1]
            kept: list[bytes] = []
            records: list[bytes] = []
            for number, raw in enumerate(raw_lines, start=1):
                if number in lines:
                    record = {"file": name, "line": number, "reason": lines[number], "text": raw.decode("utf-8", "replace"), "at": iso(now())}
                    records.append((json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8"))
                    fixed.append(f"{name}:{number}")
                else:
                    kept.append(raw)
            if not records:
                continue
            os.makedirs(os.path.dirname(target), exist_ok=True)
            store.append_bytes(target, b"".join(records))  # first the copy, then the removal
            store.atomic_write(path, b"".join(line + b"\n" for line in kept))
    return fixed
