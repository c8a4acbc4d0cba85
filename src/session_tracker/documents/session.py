"""Seed 001's four per-session documents (``archive/sessions/SESSION-<id>-*``).

* LOG.md — the living work log, re-rendered after every entry (on the hot path: keep it light);
* FILES.txt — every file created, modified, deleted or renamed, with +/- lines;
* DECISIONS.md — each decision with rationale, alternatives and time;
* HANDOFF.md — written at end: what was done, decisions, open blockers, files, commits,
  duration, next steps.

Each function takes folded views and returns the document's text; none reads the clock.
"""

from __future__ import annotations

from session_tracker.core.clock import display, format_duration, instant
from session_tracker.core.events import CATEGORIES, Event
from session_tracker.core.model import Project, Session
from session_tracker.core.words import plural
from session_tracker.documents import md

HOW = "add entries with `session-tracker log|decision|blocker`, then `session-tracker render`"


def _source(session: Session) -> str:
    return f".sessions/events/{session.name}.jsonl"


def _when(session: Session, moment: str) -> str:
    return display(moment, session.tz)


def _entry_kind(event: Event) -> str:
    if event.type == "note":
        return event.text("category", "note")
    return {
        "decision": "decision",
        "blocker.opened": "blocker",
        "blocker.resolved": "resolved",
        "handoff.item": "handoff",
        "commit": "commit",
        "task.updated": "task",
        "metrics.recorded": "metrics",
        "gate.overridden": "gates",
        "risk.added": "risk",
        "check.item": "checklist",
        "review.recorded": "review",
    }.get(event.type, event.type)


def _entry_text(event: Event) -> str:
    """One entry as markdown text (already escaped)."""
    message = md.text(event.text("message"))
    if event.type == "decision":
        out = f"{message} — *rationale:* {md.text(event.text('rationale'))}"
        alternatives = event.texts("alternatives")
        if alternatives:
            out += " — *alternatives:* " + "; ".join(md.text(a) for a in alternatives)
        return out
    if event.type in ("blocker.opened", "blocker.resolved"):
        return f"[{md.text(event.text('blocker'))}] {message}"
    if event.type == "commit":
        return f"{md.code(event.text('sha')[:7])} {md.text(event.text('subject'))}"
    if event.type in ("note", "handoff.item"):
        return message
    if event.type == "task.updated":
        note = event.text("note")
        return f"{md.text(event.text('task'))} → {md.text(event.text('status'))}" + (f" — {md.text(note)}" if note else "")
    if event.type == "metrics.recorded":
        from session_tracker.metrics.latest import summary_line

        return md.text(summary_line(event.data))
    if event.type == "gate.overridden":
        return message
    if event.type == "risk.added":
        return f"{message} — *mitigation:* {md.text(event.text('mitigation'))}"
    if event.type == "check.item":
        return ("✅ " if event.data.get("done") is True else "⬜ ") + md.text(event.text("item"))
    if event.type == "review.recorded":
        parts = [f"*{label}:* " + "; ".join(md.text(x) for x in event.texts(key))
                 for key, label in (("worked", "worked"), ("failed", "failed"), ("lessons", "lessons")) if event.texts(key)]
        return " — ".join(parts)
    # An event type this version does not know: shown raw, never dropped.
    import json

    return md.text(json.dumps(event.data, ensure_ascii=False, sort_keys=True))


def _header(session: Session, title: str) -> list[str]:
    git = session.git_start or {}
    branch = git.get("branch")
    facts = [f"**Status:** {session.status}", f"**Started:** {_when(session, session.start_moment)} ({session.tz})"]
    if session.ended:
        facts.append(f"**Ended:** {_when(session, session.end_moment)}")
        facts.append(f"**Duration:** {format_duration(session.duration_s())}")
    if isinstance(branch, str):
        facts.append(f"**Branch:** {md.code(branch)}")
    return [md.notice(_source(session), HOW), "", f"# Session {session.name} — {title}", "", " · ".join(facts), ""]


def _objectives(session: Session) -> list[str]:
    if not session.objectives:
        return []
    return ["## Objectives", ""] + [f"- {md.text(o)}" for o in session.objectives] + [""]


def _retro(session: Session, event: Event) -> str:
    """`` (retroactive, recorded HH:MM)`` for an entry whose ``--at`` lies before its recording."""
    from session_tracker.core.retro import is_retroactive

    if "at" in event.data and is_retroactive(event.ts, event.moment):
        return f" (retroactive, recorded {_when(session, event.ts)})"
    return ""
def log_row(event: Event, tz: str) -> str:
    """One row of LOG.md's table, with its newline: what :func:`render_log` writes for ``event``
    in a session shown at offset ``tz`` (``log`` appends it instead of rendering anew)."""
    return md.table(["", "", "", ""], [[display(event.moment, tz), _entry_kind(event), _entry_text(event), md.text(event.actor)]])[2] + "\n"


def render_log(session: Session) -> str:
    """SESSION-<id>-LOG.md: the living work log, entries ordered by the time they describe."""
    lines = _header(session, "Work Log") + _objectives(session)
    entries = session.timeline()
    lines += ["## Log", ""]
    if entries:
        rows = [[_when(session, e.moment) + _retro(session, e), _entry_kind(e), _entry_text(e), md.text(e.actor)] for e in entries]
        lines += md.table(["Time", "Category", "Entry", "By"], rows)
    else:
        lines.append("*No entries yet: add one with `session-tracker log \"…\"`.*")
    return "\n".join(lines) + "\n"


def render_decisions(session: Session) -> str:
    """SESSION-<id>-DECISIONS.md: each decision with its rationale, alternatives and time."""
    lines = _header(session, "Decisions")
    decisions = session.of_type("decision")
    if not decisions:
        lines.append("*No decisions recorded: add one with `session-tracker decision --message … --rationale …`.*")
    for number, event in enumerate(decisions, start=1):
        lines += [f"## {number}. {md.text(event.text('message'))}", ""]
        lines.append(f"- **When:** {_when(session, event.moment)} ({session.tz})")
        lines.append(f"- **By:** {md.text(event.actor)}")
        lines.append(f"- **Rationale:** {md.text(event.text('rationale'))}")
        alternatives = event.texts("alternatives")
        if alternatives:
            lines.append("- **Alternatives considered:** " + "; ".join(md.text(a) for a in alternatives))
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


_STATUS_LETTER = {"added": "A", "modified": "M", "deleted": "D", "renamed": "R", "copied": "C", "type-changed": "T", "untracked": "?"}


def _plain_path(path: str) -> str:
    # A path with control characters (git allows newlines) is quoted so each file stays one line.
    if any(ord(c) < 32 or c == '"' for c in path):
        import json

        return json.dumps(path)
    return path


def file_line(change: dict[str, object], dirty_at_start: frozenset[str] = frozenset()) -> str:
    """One FILES.txt line: status letter, path (``old -> new`` for renames), +added -removed,
    and a note when the file already had uncommitted changes when the session began."""
    status = str(change.get("status", "modified"))
    path = _plain_path(str(change.get("path", "")))
    old = change.get("old_path")
    if isinstance(old, str) and old:
        path = f"{_plain_path(old)} -> {path}"
    if change.get("binary"):
        lines = "binary"
    else:
        lines = f"+{change.get('added') or 0} -{change.get('removed') or 0}"
    suffix = "  (untracked)" if status == "untracked" else ""
    if change.get("path") in dirty_at_start:
        suffix += "  (already dirty at start)"
    return f"{_STATUS_LETTER.get(status, '?')}  {path}  {lines}{suffix}"


def totals(files: list[dict[str, object]]) -> tuple[int, int]:
    """Lines added and removed over all non-binary files."""
    added = sum(int(f.get("added") or 0) for f in files if not f.get("binary"))  # type: ignore[call-overload]
    removed = sum(int(f.get("removed") or 0) for f in files if not f.get("binary"))  # type: ignore[call-overload]
    return added, removed


def _from_transcript(session: Session) -> bool:
    """True for a session imported from a transcript: git saw none of its files (only the
    transcript's branch is known), so its files are the ones the agent edited."""
    git = session.git_start
    return session.started is not None and isinstance(session.started.data.get("imported"), dict) and (git is None or git.get("source") == "transcript")


def render_files(session: Session) -> str:
    """SESSION-<id>-FILES.txt: every file touched in the session (from git), with +/- lines."""
    files = session.files()
    lines = [
        f"# generated by session-tracker from {_source(session)}; do not edit: run `session-tracker render`",
        f"# Session {session.name} — files changed ({session.status})",
        "# A added, M modified, D deleted, R renamed, C copied, T type changed, ? untracked",
    ]
    if _from_transcript(session):
        lines.append("# imported from the agent's transcript: git did not capture these files; the agent edited:")
        from session_tracker.documents.activity import activity

        lines += [f"E {f['path']}" for f in activity(session)["files"]]  # type: ignore[attr-defined]
    elif session.git_start is None:
        lines.append("# file tracking was off for this session (no git repository)")
    elif not files and not session.ended and not any(e.type == "files.changed" for e in session.events):
        lines.append("# captured at `session-tracker end` and `session-tracker render`")
    dirty = (session.git_start or {}).get("dirty")
    dirty_at_start = frozenset(d for d in dirty if isinstance(d, str)) if isinstance(dirty, list) else frozenset()
    lines += [file_line(f, dirty_at_start) for f in files]
    added, removed = totals(files)
    lines.append(f"# total: {len(files)} files, +{added} -{removed}")
    return "\n".join(lines) + "\n"


def _open_blockers_at_end(session: Session, project: Project) -> list[Event]:
    """Blockers open when ``session`` ended (all open ones while it is still open).

    A handoff is a snapshot of its session's end: blockers opened or resolved by later sessions
    must not change it, or every committed HANDOFF.md would go stale (and `doctor` would call it
    edited by hand) whenever a later session touches a blocker.
    """
    if session.ended is None:
        return project.open_blockers()
    known = session.ended.data.get("blockers_open")
    if isinstance(known, list):  # what this session saw open at its end (issue 11): a blocker
        ids = {str(k) for k in known}  # from a parallel branch, merged later, is not among them
        return [opened for opened, _ in project.blockers() if opened.id in ids]
    end = instant(session.end_moment)
    # Once per project, for every end at once (a full render asks for each session: a scan of
    # every blocker per handoff was sessions × blockers).
    found = project.memo("blockers.open_at_end", lambda: _open_at(project)).get(end)
    if found is not None:
        return found
    spans = _spans(project)
    return [opened for start, stop, opened in spans if start <= end and (stop is None or stop > end)]


def _spans(project: Project) -> list[tuple[float, float | None, Event]]:
    """``(opened, resolved or None, the opening event)`` instants of every blocker, oldest first."""
    return [(instant(opened.moment), instant(resolution.moment) if resolution is not None else None, opened)
            for opened, resolution in project.blockers()]


def _open_at(project: Project) -> dict[float, list[Event]]:
    """``{end instant: blockers open then}`` for every ended session's end: opened at or before
    it and not resolved by then, oldest first. One sweep over the ends in time order."""
    spans = _spans(project)
    ends = sorted({instant(s.end_moment) for s in project.sessions if s.ended is not None})
    starts = sorted(range(len(spans)), key=lambda i: spans[i][0])
    stops = sorted((i for i in range(len(spans)) if spans[i][1] is not None), key=lambda i: spans[i][1] or 0.0)
    out: dict[float, list[Event]] = {}
    opened: set[int] = set()
    gone: set[int] = set()
    a = b = 0
    for end in ends:
        while a < len(starts) and spans[starts[a]][0] <= end:
            if starts[a] not in gone:
                opened.add(starts[a])
            a += 1
        while b < len(stops) and (spans[stops[b]][1] or 0.0) <= end:
            gone.add(stops[b])
            opened.discard(stops[b])
            b += 1
        out[end] = [spans[i][2] for i in sorted(opened)]
    return out


def _open_tasks_by_agent(session: Session) -> list[str]:
    """Seed 003's agent handoffs: which agent holds each open task (``session.ended``'s
    ``open_tasks``, a snapshot taken at end); nothing when there were none."""
    held = session.ended.data.get("open_tasks") if session.ended else None
    if not isinstance(held, list) or not held:
        return []
    groups: dict[str, list[str]] = {}
    for task in held:
        if isinstance(task, dict):
            line = f"- {md.text(str(task.get('task', '')))} {md.text(str(task.get('title', '')))} ({md.text(str(task.get('status', '')))})"
            groups.setdefault(str(task.get("agent") or "unassigned"), []).append(line)
    lines = ["## Open tasks by agent", ""]
    for agent, items in groups.items():
        lines += [f"### {md.text(agent)}", "", *items, ""]
    return lines


def render_handoff(session: Session, project: Project) -> str:
    """SESSION-<id>-HANDOFF.md: what the next session starts from (seed 001, seeds 000/002)."""
    git_end = session.git_end or {}
    git_start = session.git_start or {}
    lines = [md.notice(_source(session), HOW), "", f"# Session {session.name} — Handoff", ""]
    facts = [
        ["Status", session.status],
        ["Started", f"{_when(session, session.start_moment)} ({session.tz})"],
        ["Ended", _when(session, session.end_moment) if session.ended else "—"],
        ["Duration", format_duration(session.duration_s()) if session.ended else "—"],
    ]
    branch = git_end.get("branch") or git_start.get("branch")
    if isinstance(branch, str):
        head_from, head_to = str(git_start.get("head") or "")[:7], str(git_end.get("head") or "")[:7]
        span = f" ({head_from or 'empty'} → {head_to})" if head_to and head_to != head_from else ""
        facts.append(["Branch", md.code(branch) + span])
    elif session.git_start is None:
        facts.append(["Files", "not tracked (no git repository)"])
    lines += md.table(["", ""], [[f"**{k}**", v] for k, v in facts]) + [""]
    lines += _objectives(session)

    lines += ["## What was done", ""]
    notes = session.of_type("note")
    if not notes:
        n_commits, decided = len(session.commits()), len(session.of_type("decision"))
        made = [f"{n_commits} commit{'s' if n_commits != 1 else ''}" if n_commits else "", f"{decided} decision{'s' if decided != 1 else ''}" if decided else ""]
        made = [m for m in made if m]
        lines += [("*No work-log entries; " + " and ".join(made) + " (below).*") if made else "*Nothing logged, decided or committed.*", ""]
    by_category: dict[str, list[Event]] = {}
    for e in notes:
        by_category.setdefault(e.text("category"), []).append(e)
    for category in CATEGORIES:
        picked = by_category.get(category)
        if picked:
            lines += [f"### {category.capitalize()}", ""]
            lines += [f"- {display(e.moment, session.tz, with_date=False)} {md.text(e.text('message'))}" for e in picked]
            lines.append("")

    from session_tracker.documents.activity import activity, has_activity, text_lines

    agent_view = activity(session)
    if has_activity(agent_view):
        lines += ["## Agent activity", "", *text_lines(agent_view, md.code, md.text), ""]

    lines += ["## Decisions", ""]
    decisions = session.of_type("decision")
    lines += [f"- **{md.text(e.text('message'))}** — {md.text(e.text('rationale'))}" + (
        " (alternatives: " + "; ".join(md.text(a) for a in e.texts("alternatives")) + ")" if e.texts("alternatives") else ""
    ) for e in decisions] or ["*None.*"]
    lines.append("")

    lines += ["## Open blockers", ""]
    open_blockers = _open_blockers_at_end(session, project)
    lines += [f"- [{md.text(e.text('blocker'))}] {md.text(e.text('message'))} (opened in session {md.text(e.session)})" for e in open_blockers] or ["*None.*"]
    lines.append("")
    resolved = session.of_type("blocker.resolved")
    if resolved:
        lines += ["## Blockers resolved", ""]
        lines += [f"- [{md.text(e.text('blocker'))}] {md.text(e.text('message'))}" for e in resolved] + [""]

    lines += ["## Next steps", ""]
    lines += [f"{i}. {md.text(step)}" for i, step in enumerate(session.next_steps(), start=1)] or ["*None recorded.*"]
    lines.append("")
    lines += _open_tasks_by_agent(session)

    from session_tracker.metrics.latest import quality_lines

    lines += ["## Quality", ""] + quality_lines(session, project) + [""]  # our own text: no escaping

    files = session.files()
    added, removed = totals(files)
    lines += [f"## Files changed ({plural(len(files), 'file')}, +{added} −{removed})", ""]
    if files:
        rows = []
        for f in files:
            old = f.get("old_path")
            name = md.code(str(f.get("path")))
            if isinstance(old, str) and old:
                name = f"{md.code(old)} → {name}"
            change = "binary" if f.get("binary") else f"+{f.get('added') or 0} −{f.get('removed') or 0}"
            rows.append([name, str(f.get("status")), change])
        lines += md.table(["File", "Change", "Lines"], rows)
    else:
        if _from_transcript(session):
            lines.append("*Not captured by git: the session was imported from its transcript (see Agent activity).*")
        else:
            lines.append("*None.*" if session.git_start is not None else "*Not tracked: no git repository.*")
    lines.append("")

    commits = session.commits()
    lines += [f"## Commits ({len(commits)})", ""]
    lines += [f"- {md.code(str(c.get('sha', ''))[:7])} {md.text(str(c.get('subject', '')))}" for c in commits] or ["*None.*"]
    merged = session.merged_commits()
    if merged:  # others' work that reached the branch meanwhile (pull --rebase, a merge)
        lines += ["", f"## Merged in ({len(merged)})", ""]
        lines += [f"- {md.code(str(c.get('sha', ''))[:7])} {md.text(str(c.get('subject', '')))} ({md.text(str(c.get('author', '')))})" for c in merged]
    skipped = session.ended.data.get("untracked_commits") if session.ended is not None else None
    if isinstance(skipped, list) and skipped:
        # Escape hatches (SESSION_TRACKER_SKIP=1, --no-verify) leave a trace that outlives `end`.
        lines += ["", f"## Untracked commits ({len(skipped)})", "",
                  "Made while this session was open, recorded by no session (the hooks were skipped):", ""]
        lines += [f"- {md.code(str(c.get('sha', ''))[:7])} {md.text(str(c.get('subject', '')))}"
                  for c in skipped if isinstance(c, dict)]
    return "\n".join(lines) + "\n"
