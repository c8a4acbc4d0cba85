"""A session's own page: its timeline, agent activity, swimlanes and what the agent was given,
from the session read in full (pure functions of its events, plus the receipts folder)."""

from __future__ import annotations

from session_tracker.core.events import Event
from session_tracker.core.model import Session
from session_tracker.metrics import latest as latest_mod
from session_tracker.web.data import Store
from session_tracker.web.links import Links
from session_tracker.web.when import when


def entry_text(event: Event) -> str:
    """A one-line reading of a timeline event for people."""
    kind, d = event.type, event.data
    if kind == "note":
        return f"{event.text('message')} [{event.text('category')}]"
    if kind == "decision":
        return event.text("message")
    if kind == "blocker.opened":
        impact = f" (impact {event.text('impact')})" if event.text("impact") else ""
        return f"{event.text('blocker')}: {event.text('message')}{impact}"
    if kind == "blocker.resolved":
        return f"{event.text('blocker')} resolved: {event.text('message')}"
    if kind == "commit":
        return f"{event.text('sha')[:10]} {event.text('subject')}"
    if kind == "task.updated":
        return f"{event.text('task')} → {event.text('status')}"
    if kind in ("handoff.item", "risk.added", "gate.overridden"):
        return event.text("message")
    if kind == "metrics.recorded":
        return latest_mod.summary_line(d) or "metrics recorded"
    if kind == "check.item":
        return f"{event.text('item')}: {'done' if d.get('done') else 'not done'}"
    import json

    return json.dumps(d, ensure_ascii=False, sort_keys=True)[:400]  # an unknown type: shown raw, never dropped


def timeline(session: Session, links: Links) -> list[dict[str, object]]:
    """The timeline as the page lists it: [{id, type, when, actor, text, rationale,
    alternatives, href}] (href: the decision's page)."""
    rows: list[dict[str, object]] = []
    for e in session.timeline():
        rows.append({"id": e.id, "type": e.type, "when": when(e.moment, session.tz), "actor": e.actor, "text": entry_text(e),
                     "rationale": e.text("rationale"), "alternatives": e.texts("alternatives"),
                     "href": links.decision(e.id) if e.type == "decision" else ""})
    return rows


def activity(session: Session) -> dict[str, object]:
    """The agent's activity: commands [{when, command, exit, failed}], files_touched [{when,
    path, tool}], usage {model: {input_tokens, output_tokens, cache_read_input_tokens,
    messages}}, tokens (input + output), checkpoints."""
    commands: list[dict[str, object]] = []
    touched: list[dict[str, object]] = []
    usage: dict[str, dict[str, int]] = {}
    checkpoints = 0
    for e in sorted(session.events, key=lambda e: (e.moment, e.id)):
        if e.type == "command.run":
            code = e.data.get("exit")
            failed = e.data.get("failed") is True or (isinstance(code, int) and code != 0)
            commands.append({"when": when(e.moment, session.tz), "command": e.text("command"), "exit": code, "failed": failed})
        elif e.type == "file.touched":
            touched.append({"when": when(e.moment, session.tz), "path": e.text("path"), "tool": e.text("tool")})
        elif e.type == "usage":
            model = usage.setdefault(e.text("model") or "unknown", {"input_tokens": 0, "output_tokens": 0, "cache_read_input_tokens": 0, "messages": 0})
            for key in model:
                value = e.data.get(key)
                if isinstance(value, int) and not isinstance(value, bool):
                    model[key] += value
        elif e.type == "checkpoint":
            checkpoints += 1
    tokens = sum(m["input_tokens"] + m["output_tokens"] for m in usage.values())
    return {"commands": commands, "files_touched": touched, "usage": usage, "tokens": tokens, "checkpoints": checkpoints}


def lanes(session: Session, links: Links) -> str:
    """The session's swimlanes as inline SVG: session (start, end, the agent's stops and
    compactions), entries, decisions, blockers, commits, files, commands (failed in red),
    tokens (bars by output tokens). Commits and files known only from the end capture are
    placed at the end."""
    from session_tracker.web.charts import Mark, swimlanes

    names = ("session", "entries", "decisions", "blockers", "commits", "files", "commands", "tokens")
    marks: dict[str, list[Mark]] = {n: [] for n in names}
    sizes = [e.data.get("output_tokens") for e in session.events if e.type == "usage"]
    biggest = max([v for v in sizes if isinstance(v, int)] or [1]) or 1
    seen_commits: set[str] = set()
    for e in session.events:
        t, at = e.type, e.moment
        if t == "note":
            marks["entries"].append(Mark(at, entry_text(e), "note", href=f"#e-{e.id}"))
        elif t == "decision":
            marks["decisions"].append(Mark(at, e.text("message"), "decision", href=links.decision(e.id)))
        elif t in ("blocker.opened", "blocker.resolved"):
            marks["blockers"].append(Mark(at, entry_text(e), "open" if t == "blocker.opened" else "resolved", href=f"#e-{e.id}"))
        elif t == "commit":
            seen_commits.add(e.text("sha"))
            marks["commits"].append(Mark(at, entry_text(e), "commit"))
        elif t == "file.touched":
            marks["files"].append(Mark(at, f"{e.text('path')} ({e.text('tool')})", "file"))
        elif t == "files.changed":
            files = e.data.get("files")
            marks["files"].append(Mark(at, f"snapshot: {len(files) if isinstance(files, list) else 0} files changed", "file"))
        elif t == "command.run":
            code = e.data.get("exit")
            failed = e.data.get("failed") is True or (isinstance(code, int) and code != 0)
            marks["commands"].append(Mark(at, f"{e.text('command')} (exit {code})", "failed" if failed else "ok"))
        elif t in ("agent.activity", "checkpoint", "session.started", "session.ended"):
            what = {"session.started": "started", "session.ended": "ended"}.get(t, t)
            detail = e.text("event") or e.text("trigger") or e.text("agent_source") or e.text("agent")
            marks["session"].append(Mark(at, f"{what} {detail}".strip(), "agent"))
        elif t == "usage":
            out = e.data.get("output_tokens")
            marks["tokens"].append(Mark(at, f"{e.text('model')}: {out} output tokens", "tokens", size=min(0.99, (out if isinstance(out, int) else 0) / biggest)))
    if session.ended is not None:
        end_at = session.ended.moment
        for commit in session.commits():
            sha = str(commit.get("sha") or "")
            if sha and sha not in seen_commits:
                marks["commits"].append(Mark(end_at, f"{sha[:10]} {commit.get('subject') or ''} (captured at end)", "commit"))
        files = session.files()
        if files:
            marks["files"].append(Mark(end_at, f"at end: {len(files)} files changed", "file"))
    moments = [e.moment for e in session.events]
    start = session.start_moment or (min(moments) if moments else "")
    end = session.end_moment or (max(moments) if moments else start)
    return swimlanes([(n, marks[n]) for n in names], start, end)


def receipts(session: Session, store: Store) -> list[dict[str, object]]:
    """What an agent was given at each SessionStart: the start event's agent fields, and each
    receipt recorded for the session — a ``context.injected`` event (the handoff's characters,
    estimated tokens, budget, parts kept or cut, what was left out and why) or any event whose
    type names a receipt, or a JSON file under ``.sessions/local/receipts/`` named after the
    session. ``[{what, when, data, parts, summary}]`` (parts/summary only for an injection)."""
    import json
    import os

    out: list[dict[str, object]] = []
    for e in sorted(session.events, key=lambda e: (e.moment, e.id)):
        if e.type == "session.started" and e.text("agent"):
            fields = {k: e.data.get(k) for k in ("agent", "agent_session_id", "agent_source", "model", "imported") if k in e.data}
            out.append({"what": "agent session start", "when": when(e.moment, session.tz), "data": fields, "parts": [], "summary": ""})
        elif e.type == "context.injected" or "receipt" in e.type:
            listed = e.data.get("parts")
            parts = [p for p in listed if isinstance(p, dict)] if isinstance(listed, list) else []
            summary = ""
            if isinstance(e.data.get("chars"), int):
                summary = (f"{e.data['chars']:,} characters (~{e.data.get('tokens_est', '?')} tokens) of a {e.data.get('budget', '?')} budget"
                           f" — {e.text('reason')}")
            out.append({"what": "context given to the agent" if e.type == "context.injected" else e.type, "when": when(e.moment, session.tz),
                        "data": e.data, "parts": parts, "summary": summary})
    folder = os.path.join(store.layout.local_dir, "receipts")
    try:
        names = sorted(n for n in os.listdir(folder) if n.endswith(".json") and (session.name in n or session.sid in n))
    except OSError:
        names = []
    for name in names[:50]:
        try:
            with open(os.path.join(folder, name), encoding="utf-8") as handle:
                out.append({"what": f"receipt {name}", "when": "", "data": json.load(handle), "parts": [], "summary": ""})
        except (OSError, ValueError):
            continue
    return out
