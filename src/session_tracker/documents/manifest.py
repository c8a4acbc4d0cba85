"""The render manifest (``local/render-manifest.json``): what the last render saw, so the next
one renders only what changed (see :func:`session_tracker.documents.writer.write_all`)."""

from __future__ import annotations

import os

from session_tracker.core import store
from session_tracker.core.context import Context

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3

MANIFEST_VERSION = 2  # local/render-manifest.json: {v, inputs, outputs {path: [stamp, session]}}


def unchanged(inputs: dict[str, object], manifest: dict[str, object] | None) -> bool:
    """True when the last render saw these very inputs and every document it wrote is as it
    left it: then there is nothing to render (and nothing to read)."""
    if manifest is None or manifest.get("v") != MANIFEST_VERSION or manifest.get("inputs") != inputs:
        return False
    outputs = manifest.get("outputs")
    return isinstance(outputs, dict) and all(
        isinstance(entry, list) and len(entry) == 2 and file_stamp(path) == entry[0] for path, entry in outputs.items())


def sessions_to_redo(
    conn: sqlite3.Connection, inputs: dict[str, object], manifest: dict[str, object] | None
) -> tuple[set[str], bool, bool] | None:
    """``(file stems of the sessions to render again, whether any event file or the plan
    changed, whether the project documents must be rendered whatever the index says: one was
    edited or removed, or the plan changed)``, or None for a full render. Asks the index
    (``conn``, fresh), never the events themselves."""
    if manifest is None or manifest.get("v") != MANIFEST_VERSION:
        return None
    before = manifest.get("inputs")
    if not isinstance(before, dict) or any(before.get(k) != inputs[k] for k in ("root", "config", "code")):
        return None
    old_events, new_events = before.get("events"), inputs["events"]
    if not isinstance(old_events, dict) or not isinstance(new_events, dict) or not set(old_events) <= set(new_events):
        return None  # an event file disappeared: documents may have to go
    changed = {name[:-6] for name, stamp in new_events.items() if old_events.get(name) != stamp and name.endswith(".jsonl")}
    redo = {stem for stem in changed if not stem.startswith("project-")}
    plan_changed = len(redo) != len(changed) or before.get("project") != inputs["project"]
    outputs = manifest.get("outputs")
    if not isinstance(outputs, dict):
        return None
    edited = False
    for path, entry in outputs.items():
        if not isinstance(entry, list) or len(entry) != 2:
            return None
        stamp, owner = entry
        if file_stamp(path) != stamp:
            if not isinstance(owner, str) or not owner:
                edited = True  # a project document was edited or removed: render those again
            else:
                redo.add(owner)
    inputs_changed = bool(changed) or edited or plan_changed
    if redo:
        redo = _with_affected(conn, redo)
    return redo, inputs_changed, edited or plan_changed


def _with_affected(conn: sqlite3.Connection, stems: set[str]) -> set[str]:
    """``stems`` (their sessions' file stems), with every session whose documents their events
    reach: a handoff shows the blockers open at its session's end and the metrics delta, so a
    blocker or metrics event in a changed file redoes the sessions ended at or after it; the
    session that began next shows the previous one in its context document; and a merge that
    brings a second session with a number moves the labels of both."""
    from session_tracker.index.query import stem_of

    rows = conn.execute("SELECT sid, number, source, end_t, ended_rowid, start_t FROM sessions").fetchall()
    sids = set()
    for stem in stems:
        sid = split_stem_safe(stem)[1]
        if sid:
            sids.add(sid)
    touched = [row for row in rows if stem_of(row[2]) in stems or row[0] in sids]
    out = {stem_of(row[2]) for row in touched} | {stem for stem in stems if not split_stem_safe(stem)[1]}
    # the session that began next shows this one in its context document (workflow.render_context:
    # the previous session's work, next steps and blockers), in the project's order of sessions
    order = sorted(rows, key=lambda row: (row[5], row[1], row[0]))
    place = {row[0]: n for n, row in enumerate(order)}
    out |= {stem_of(order[place[row[0]] + 1][2]) for row in touched if place[row[0]] + 1 < len(order)}
    found = []
    for at in range(0, len(touched), 500):  # in chunks: a pull may bring thousands of sessions
        chunk = [row[0] for row in touched[at:at + 500]]
        found.append(conn.execute(
            "SELECT min(t) FROM events WHERE type IN ('blocker.opened', 'blocker.resolved', 'metrics.recorded') "
            f"AND sid IN ({', '.join('?' * len(chunk))})", chunk).fetchone()[0])
    if any(t is not None for t in found):
        earliest = min(t for t in found if t is not None)
        out |= {stem_of(row[2]) for row in rows if row[4] is not None and row[3] is not None and row[3] >= earliest}
    names = {row[1] for row in rows if stem_of(row[2]) in out}
    out |= {stem_of(row[2]) for row in rows if row[1] in names}
    return out


def split_stem_safe(stem: str) -> tuple[str, str]:
    """``files.split_stem``, with ``(stem, "")`` for a name it does not know."""
    from session_tracker.core.files import split_stem

    try:
        return split_stem(stem)
    except ValueError:
        return stem, ""


def file_stamp(path: str) -> list[int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns]


def render_inputs(ctx: Context) -> dict[str, object]:
    """What every document depends on: the event files, the config, the code that renders."""
    import json

    layout = ctx.layout
    journals = os.path.join(layout.local_dir, "journal")
    found: set[str] = set()
    for folder in (layout.events_dir, journals):
        try:
            found.update(os.listdir(folder))
        except FileNotFoundError:
            continue
    names = sorted(found)
    package = os.path.dirname(os.path.abspath(__file__))
    code = [file_stamp(os.path.join(folder, f)) for folder, _, files in sorted(os.walk(package)) for f in sorted(files) if f.endswith(".py")]
    return {
        "root": layout.root,  # a store copied elsewhere renders everything anew
        # An open session's events wait in its journal (core/journal.py): both count.
        "events": {n: [file_stamp(os.path.join(layout.events_dir, n)), file_stamp(os.path.join(journals, n))] for n in names},
        "project": file_stamp(layout.project_file),
        "config": json.dumps(ctx.config, sort_keys=True, default=str),
        "code": code,
    }


def manifest_path(ctx: Context) -> str:
    return os.path.join(ctx.layout.local_dir, "render-manifest.json")


def read_manifest(ctx: Context) -> dict[str, object] | None:
    import json

    try:
        with open(manifest_path(ctx), encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def write_manifest(ctx: Context, inputs: dict[str, object], outputs: dict[str, object]) -> None:
    import json

    from session_tracker.errors import TrackerError

    try:
        blob = {"v": MANIFEST_VERSION, "inputs": inputs, "outputs": outputs}
        store.atomic_write(manifest_path(ctx), json.dumps(blob).encode(), durable=False)
    except TrackerError:
        return  # a manifest that cannot be written only costs speed
