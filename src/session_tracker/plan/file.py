"""``plan export`` / ``plan import``: the whole plan as a readable TOML file
(``.sessions/plan.toml``), so a person can write a plan at once.

Export writes every item in plan order; import compares the file with the current plan and
records the differences as ordinary plan events (who, when, in which session), all in one
write or none: a syntax error, a bad value or an inconsistent result (overlapping phases,
unknown references, a dependency cycle) is reported with ``file:line`` and nothing is applied.
Exporting and importing again records nothing: the round trip is exact.

File shape (every key but the names optional)::

    [project]      name, complexity
    [[phase]]      name, sessions = "1-3", status (not-started|in-progress|complete; absent: derived)
    [[milestone]]  name, target = "YYYY-MM-DD", status, notes
    [[component]]  name, status, progress, notes, owner
    [[task]]       id, title, status, phase, component, estimate, actual, assignee, files, tests, depends_on, note,
                   agent, success (seed 003's micro-task fields)
    [[question]]   id, message, answer
    [[next]]       id, message, priority
    [[resource]]   path, note
    [[interface]]  text
    [[issue]]      id, message, resolution
"""

from __future__ import annotations

import os
import re

from session_tracker.core import validate
from session_tracker.core.context import Context
from session_tracker.errors import TrackerError
from session_tracker.plan import validate as cmd
from session_tracker.plan.model import COMPLEXITIES, STATUSES, TASK_STATUSES, Item, Plan
from session_tracker.plan.record import Change

HEADER = "# The plan of this project, written by `session-tracker plan export`.\n# Edit it, then `session-tracker plan import` records the changes as events (all or nothing).\n\n"
SECTIONS = ("phase", "milestone", "component", "task", "question", "next", "resource", "interface", "issue")
# Ids: the sequential form of older releases (task-4) or the random one (task-7kq2mz, core/ids.py).
_ID = {"task": re.compile(r"task-[0-9a-z]{1,12}\Z"), "question": re.compile(r"q-[0-9a-z]{1,12}\Z"), "issue": re.compile(r"i-[0-9a-z]{1,12}\Z"), "next": re.compile(r"n-[0-9a-z]{1,12}\Z")}


def default_path(ctx: Context) -> str:
    return os.path.join(ctx.layout.store, "plan.toml")


def _opt(entry: dict[str, object], item: Item, *names: str) -> None:
    for name in names:
        value = item.fields.get(name)
        if value not in (None, "", []):
            entry[name] = value


def plan_document(plan: Plan) -> dict[str, object]:
    """The plan as the TOML document's data (see the module docstring for the shape)."""
    doc: dict[str, object] = {}
    project = {k: v for k, v in (("name", plan.name), ("complexity", plan.complexity)) if v}
    if project:
        doc["project"] = project
    phases = []
    for p in plan.phases.values():
        first, last = p.n("first"), p.n("last")
        entry: dict[str, object] = {"name": p.key, "sessions": f"{first}" if first == last else f"{first}-{last}"}
        if p.s("status") in STATUSES:
            entry["status"] = p.s("status")
        phases.append(entry)
    doc["phase"] = phases
    milestones = []
    for m in plan.milestones.values():
        entry = {"name": m.key, "target": m.s("target"), "status": m.s("status", "not-started")}
        _opt(entry, m, "notes")
        milestones.append(entry)
    doc["milestone"] = milestones
    components = []
    for c in plan.components.values():
        entry = {"name": c.key, "status": c.s("status", "not-started"), "progress": c.n("progress") or 0}
        _opt(entry, c, "notes", "owner")
        components.append(entry)
    doc["component"] = components
    tasks = []
    for t in plan.tasks.values():
        entry = {"id": t.key, "title": t.s("title"), "status": t.s("status", "todo")}
        _opt(entry, t, "phase", "component", "estimate", "actual", "assignee", "files", "tests", "depends_on", "note", "agent", "success")
        tasks.append(entry)
    doc["task"] = tasks
    doc["question"] = [{"id": q.key, "message": q.s("message"), **({"answer": q.s("answer")} if q.s("answer") else {})} for q in plan.questions.values()]
    doc["next"] = [{"id": n.key, "message": n.s("message"), "priority": n.n("priority") or 100} for n in plan.next.values()]
    doc["resource"] = [{"path": r.key, "note": r.s("note")} for r in plan.resources.values()]
    doc["interface"] = [{"text": i.key} for i in plan.interfaces.values()]
    doc["issue"] = [{"id": i.key, "message": i.s("message"), **({"resolution": i.s("resolution")} if i.s("resolution") else {})} for i in plan.issues.values()]
    return {k: v for k, v in doc.items() if v != []}


class Source:
    """The plan file's text, to name the line of each ``[[section]]`` in messages."""

    def __init__(self, label: str, text: str) -> None:
        self.label = label
        self.lines = text.splitlines()

    def where(self, section: str, index: int) -> str:
        seen = -1
        for number, line in enumerate(self.lines, start=1):
            if line.strip().replace(" ", "") == f"[[{section}]]":
                seen += 1
                if seen == index:
                    return f"{self.label}:{number}"
        return self.label


def parse(path: str, label: str) -> tuple[dict[str, object], Source]:
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except FileNotFoundError:
        raise TrackerError(f"no plan file at {label}", "write one with `session-tracker plan export`, or give --file PATH") from None
    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        raise TrackerError(f"{label}: not valid UTF-8", "save the file as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        where = f"{label}:{match.group(1)}" if match else label
        raise TrackerError(f"{where}: {exc}", "fix the TOML syntax at that line; nothing was changed") from None
    return data, Source(label, text)


def _entries(data: dict[str, object], section: str, src: Source) -> list[tuple[str, dict[str, object]]]:
    value = data.get(section, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise TrackerError(f"{src.label}: {section} must be written as [[{section}]] tables", "see `session-tracker plan export` for the shape")
    return [(src.where(section, i), v) for i, v in enumerate(value)]


def _s(entry: dict[str, object], key: str, where: str, required: bool = False) -> str:
    value = entry.get(key, "")
    if not isinstance(value, str):
        raise TrackerError(f"{where}: {key} must be a string", f'write {key} = "…"')
    if required and not value.strip():
        raise TrackerError(f"{where}: {key} is missing or empty", f'write {key} = "…"')
    return value.strip()


def _int(entry: dict[str, object], key: str, where: str) -> int | None:
    value = entry.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise TrackerError(f"{where}: {key} must be a whole number ≥ 0", f"write {key} = 30")
    return value


def _strs(entry: dict[str, object], key: str, where: str) -> list[str]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TrackerError(f"{where}: {key} must be a list of strings", f'write {key} = ["…"]')
    return [v for v in value if isinstance(v, str)]


def _checked(where: str, check: object, *args: object) -> object:
    try:
        return check(*args)  # type: ignore[operator]
    except TrackerError as exc:
        raise TrackerError(f"{where}: {exc.message}", exc.hint) from None


def _unknown_keys(section: str, entry: dict[str, object], where: str, allowed: tuple[str, ...]) -> None:
    for key in entry:
        if key not in allowed:
            raise TrackerError(f"{where}: unknown key {key!r} in [[{section}]]", "known keys: " + ", ".join(allowed))


def build_changes(plan: Plan, data: dict[str, object], src: Source) -> Change:
    """The events that turn ``plan`` into what the file says.

    Raises:
        TrackerError: ``file:line: …`` for the first bad value.
    """
    out: Change = []
    for key in data:
        if key not in (*SECTIONS, "project"):
            raise TrackerError(f"{src.label}: unknown section {key!r}", "known sections: project, " + ", ".join(SECTIONS))
    project = data.get("project", {})
    if not isinstance(project, dict):
        raise TrackerError(f"{src.label}: [project] must be a table", "write it as [project]")
    _unknown_keys("project", project, src.label, ("name", "complexity"))
    name, complexity = _s(project, "name", src.label), _s(project, "complexity", src.label)
    if complexity and complexity not in COMPLEXITIES:
        raise TrackerError(f"{src.label}: unknown complexity {complexity!r}", "use one of: " + ", ".join(COMPLEXITIES))
    changes: dict[str, object] = {k: v for k, v in (("name", name), ("complexity", complexity)) if v != getattr(plan, k)}
    if changes:
        out.append(("project.set", changes))

    seen: set[str] = set()
    for where, e in _entries(data, "phase", src):
        _unknown_keys("phase", e, where, ("name", "sessions", "status"))
        pname = _s(e, "name", where, required=True)
        try:
            first, last = cmd.check_range(_s(e, "sessions", where, required=True))
        except TrackerError as exc:
            raise TrackerError(f"{where}: {exc.message}", exc.hint) from None
        status = _s(e, "status", where)
        if status:
            _checked(where, cmd.check_status, status)
        _dupe(seen, pname, where, "phase")
        current = plan.phases.get(pname)
        if current is None:
            out.append(("phase.added", {"name": pname, "first": first, "last": last}))
            if status:
                out.append(("phase.set", {"name": pname, "status": status}))
        else:
            diff: dict[str, object] = {}
            if (current.n("first"), current.n("last")) != (first, last):
                diff.update(first=first, last=last)
            had = current.s("status") if current.s("status") in STATUSES else ""
            if had != status:
                diff["status"] = status or "auto"
            if diff:
                out.append(("phase.set", {"name": pname, **diff}))
    out += [("plan.removed", {"kind": "phase", "key": k}) for k in plan.phases if k not in seen]

    seen = set()
    for where, e in _entries(data, "milestone", src):
        _unknown_keys("milestone", e, where, ("name", "target", "status", "notes"))
        mname = _s(e, "name", where, required=True)
        fields = {"target": _checked(where, cmd.check_date, _s(e, "target", where, required=True)),
                  "status": _checked(where, cmd.check_status, _s(e, "status", where) or "not-started"), "notes": _s(e, "notes", where)}
        _dupe(seen, mname, where, "milestone")
        out += _add_or_set("milestone", mname, fields, plan.milestones.get(mname))
    out += [("plan.removed", {"kind": "milestone", "key": k}) for k in plan.milestones if k not in seen]

    seen = set()
    for where, e in _entries(data, "component", src):
        _unknown_keys("component", e, where, ("name", "status", "progress", "notes", "owner"))
        cname = _s(e, "name", where, required=True)
        progress = _int(e, "progress", where) or 0
        fields = {"status": _checked(where, cmd.check_status, _s(e, "status", where) or "not-started"),
                  "progress": _checked(where, cmd.check_progress, progress), "notes": _s(e, "notes", where), "owner": _s(e, "owner", where)}
        _dupe(seen, cname, where, "component")
        out += _add_or_set("component", cname, fields, plan.components.get(cname))
    out += [("plan.removed", {"kind": "component", "key": k}) for k in plan.components if k not in seen]

    out += _tasks(plan, data, src)
    out += _notes("question", plan, data, src, "answer", "question.opened", "question.answered")
    out += _notes("issue", plan, data, src, "resolution", "issue.noted", "issue.fixed")

    seen = set()
    for where, e in _entries(data, "next", src):
        _unknown_keys("next", e, where, ("id", "message", "priority"))
        ident, message = _s(e, "id", where), validate.text(_s(e, "message", where, required=True))
        priority = _int(e, "priority", where) or 100
        current = plan.next.get(ident) if ident else None
        if current is not None and current.s("message") == message and current.n("priority") == priority:
            seen.add(ident)
            continue
        ident = plan.next_id("n", taken=seen | {i for t, d in out if t == "next.added" for i in [str(d["next"])]})
        out.append(("next.added", {"next": ident, "message": message, "priority": priority}))
    out += [("next.done", {"next": k}) for k in plan.next if k not in seen]

    seen = set()
    for where, e in _entries(data, "resource", src):
        _unknown_keys("resource", e, where, ("path", "note"))
        path, note = _s(e, "path", where, required=True), _s(e, "note", where, required=True)
        _dupe(seen, path, where, "resource")
        if path not in plan.resources or plan.resources[path].s("note") != note:
            out.append(("resource.added", {"path": path, "note": note}))
    out += [("plan.removed", {"kind": "resource", "key": k}) for k in plan.resources if k not in seen]

    seen = set()
    for where, e in _entries(data, "interface", src):
        _unknown_keys("interface", e, where, ("text",))
        text = _s(e, "text", where, required=True)
        _dupe(seen, text, where, "interface")
        if text not in plan.interfaces:
            out.append(("interface.defined", {"text": text}))
    out += [("plan.removed", {"kind": "interface", "key": k}) for k in plan.interfaces if k not in seen]
    return out


def _dupe(seen: set[str], key: str, where: str, kind: str) -> None:
    if key in seen:
        raise TrackerError(f"{where}: {kind} {key!r} appears twice", f"keep one [[{kind}]] named {key!r}")
    seen.add(key)


def _add_or_set(kind: str, name: str, fields: dict[str, object], current: Item | None) -> Change:
    if current is None:
        return [(f"{kind}.added", {"name": name, **fields})]
    diff = {k: v for k, v in fields.items() if current.fields.get(k, "" if k != "progress" else 0) != v}
    return [(f"{kind}.set", {"name": name, **diff})] if diff else []


_TASK_KEYS = ("id", "title", "status", "phase", "component", "estimate", "actual", "assignee", "files", "tests", "depends_on", "note", "agent", "success")


def _tasks(plan: Plan, data: dict[str, object], src: Source) -> Change:
    out: Change = []
    seen: set[str] = set()
    entries = _entries(data, "task", src)
    given = {str(e.get("id")) for _, e in entries if isinstance(e.get("id"), str)}  # ids the file gives are taken
    for where, e in entries:
        _unknown_keys("task", e, where, _TASK_KEYS)
        ident = _s(e, "id", where)
        if ident and not _ID["task"].match(ident):
            raise TrackerError(f"{where}: task id {ident!r} is not of the form task-N or task-xxxxxx", "leave id out to get a new one")
        if not ident:
            ident = plan.next_id("task", taken=given | seen)
        _dupe(seen, ident, where, "task")
        status = _checked(where, cmd.check_status, _s(e, "status", where) or "todo", TASK_STATUSES)
        fields: dict[str, object] = {
            "title": _s(e, "title", where, required=True), "phase": _s(e, "phase", where), "component": _s(e, "component", where),
            "estimate": _int(e, "estimate", where), "assignee": _s(e, "assignee", where), "files": _strs(e, "files", where),
            "tests": _strs(e, "tests", where), "depends_on": _strs(e, "depends_on", where),
        }
        for optional in ("agent", "success"):  # seed 003's fields: absent stays absent (older plans)
            value = _s(e, optional, where)
            if value or (plan.tasks.get(ident) is not None and plan.tasks[ident].s(optional)):
                fields[optional] = value
        note, actual = _s(e, "note", where), _int(e, "actual", where)
        current = plan.tasks.get(ident)
        if current is None:
            out.append(("task.added", {"task": ident, **fields}))
            old_status, old_note, old_actual = "todo", "", None
        else:
            diff = {k: v for k, v in fields.items() if current.fields.get(k, None if k == "estimate" else [] if k in ("files", "tests", "depends_on") else "") != v}
            if diff:
                out.append(("task.set", {"task": ident, **diff}))
            old_status, old_note, old_actual = current.s("status", "todo"), current.s("note"), current.n("actual")
        if (status, note, actual) != (old_status, old_note, old_actual):
            update: dict[str, object] = {"task": ident, "status": status}
            if note != old_note:
                update["note"] = note
            if actual is not None and actual != old_actual:
                update["actual"] = actual
            out.append(("task.updated", update))
        if status == "blocked" and not note:
            raise TrackerError(f"{where}: a blocked task needs a note saying why", 'add note = "…"')
    out += [("plan.removed", {"kind": "task", "key": k}) for k in plan.tasks if k not in seen]
    return out


def _notes(kind: str, plan: Plan, data: dict[str, object], src: Source, closing: str, opened_type: str, closed_type: str) -> Change:
    """Questions and known issues: opened once, closed once, never edited or removed."""
    out: Change = []
    items = plan.table(kind)
    prefix = "q" if kind == "question" else "i"
    seen: set[str] = set()
    for where, e in _entries(data, kind, src):
        _unknown_keys(kind, e, where, ("id", "message", closing))
        ident, message, close = _s(e, "id", where), _s(e, "message", where, required=True), _s(e, closing, where)
        current = items.get(ident) if ident else None
        if ident and current is None:
            raise TrackerError(f"{where}: unknown {kind} {ident!r}", f"leave id out to open a new {kind}")
        if current is None:
            ident = plan.next_id(prefix, taken=seen)
            out.append((opened_type, {kind: ident, "message": validate.text(message)}))
            if close:
                out.append((closed_type, {kind: ident, "message": close}))
            seen.add(ident)
            continue
        _dupe(seen, ident, where, kind)
        if current.s("message") != message:
            raise TrackerError(f"{where}: {kind} {ident} cannot be edited (it is part of the record)", f"open a new {kind} without an id")
        if current.s(closing) and current.s(closing) != close:
            raise TrackerError(f"{where}: {kind} {ident} is already closed; its {closing} cannot change", f"open a new {kind} without an id")
        if close and not current.s(closing):
            out.append((closed_type, {kind: ident, "message": close}))
    missing = [k for k in items if k not in seen]
    if missing:
        raise TrackerError(f"{src.label}: {kind} {missing[0]} is missing from the file", f"{kind}s are part of the record and cannot be removed; keep its [[{kind}]]")
    return out
