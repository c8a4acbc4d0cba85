"""Text views of command results for people. Tables use rich, imported only here."""

from __future__ import annotations

from session_tracker.core.clock import format_duration
from session_tracker.core.words import plural
from session_tracker.views.plan import STATUS_ITEMS, more_line


def _count(value: object, noun: str) -> str:
    return plural(int(value), noun)  # type: ignore[call-overload]


def init(result: dict[str, object]) -> str:
    """After ``init``: the session started, git facts, then the previous handoff."""
    git = result.get("git")
    lines = [f"✅ Session {result['session']} started."]
    if isinstance(git, dict):
        head = str(git.get("head") or "")[:7] or "no commits yet"
        dirty = git.get("dirty")
        count = len(dirty) if isinstance(dirty, list) else 0
        lines.append(f"   branch {git.get('branch') or '(detached)'} @ {head}; {plural(count, 'file')} already dirty")
    if result.get("notice"):
        lines.append(f"note: {result['notice']}")
    lines.append("")
    if result.get("previous_handoff"):
        from session_tracker.views.console import markdown

        lines.append(f"──── Handoff from session {result['previous_session']} (read this first) ────")
        lines.append(markdown(str(result["previous_handoff"])))
    else:
        lines.append("No earlier handoff: this is the first session here.")
    lines += open_work_lines(result)
    return "\n".join(lines)


#: Open next steps ``init`` prints, the most urgent first, as many as ``status`` shows; its
#: ``--json`` and ``status --json`` hold every one. A team that never closes its steps has
#: thousands, and an agent reads all it is shown.
SHOWN_STEPS = STATUS_ITEMS


def open_work_lines(result: dict[str, object]) -> list[str]:
    """The live lists under the previous handoff: the open next steps (with id and priority;
    the first :data:`SHOWN_STEPS`) and every open blocker, whichever session left them."""
    steps = result.get("next_steps")
    blockers = result.get("blockers_open")
    lines: list[str] = []
    if isinstance(steps, list):
        lines += ["", f"──── Open next steps ({len(steps)}; close one with `session-tracker next --done ID`) ────"]
        for i, step in enumerate(steps[:SHOWN_STEPS], 1):
            if isinstance(step, dict):
                priority = step.get("priority")
                urgency = f" (priority {priority})" if isinstance(priority, int) and priority != 100 else ""
                origin = f" — from session {step['session']}" if step.get("session") else ""
                lines.append(f"{i}. [{step.get('id')}] {step.get('message')}{urgency}{origin}")
        if len(steps) > SHOWN_STEPS:
            lines.append(more_line(len(steps)))
        if not steps:
            lines.append("None.")
    if isinstance(blockers, list) and blockers:
        lines += ["", f"──── Open blockers ({len(blockers)}) ────"]
        lines += [f"- [{b.get('id')}] {b.get('message')} (session {b.get('session')})" for b in blockers if isinstance(b, dict)]
    return lines


def logged(result: dict[str, object]) -> str:
    """After ``log``: one short line."""
    return f"logged to session {result['session']} ({result['category']})"


def decided(result: dict[str, object]) -> str:
    """After ``decision``."""
    return f"decision recorded in session {result['session']}"


def blocker_opened(result: dict[str, object]) -> str:
    """After ``blocker --message``."""
    return f"blocker {result['blocker']} opened in session {result['session']}"


def blocker_resolved(result: dict[str, object]) -> str:
    """After ``blocker --resolve``."""
    return f"blocker {result['blocker']} resolved in session {result['session']}"


def handoff_item(result: dict[str, object]) -> str:
    """After ``handoff --item``."""
    return f"next step {result.get('step')} added (session {result['session']}); close it with `session-tracker next --done {result.get('step')}`"


def handoff(result: dict[str, object]) -> str:
    """``handoff``: rendered on a terminal; the markdown itself when piped (``> HANDOFF.md``)."""
    from session_tracker.views.console import is_terminal, markdown

    return markdown(str(result["handoff"])) if is_terminal() else str(result["handoff"])


def summary(result: dict[str, object]) -> str:
    """``summary`` and ``show``: a compact report."""
    lines = [f"Session {result['session']} · {result['status']} · {result['duration']}" + (" so far" if result["status"] == "OPEN" else "")]
    if result.get("branch"):
        lines.append(f"Branch: {result['branch']}")
    for objective in result.get("objectives") or []:  # type: ignore[attr-defined]
        lines.append(f"Objective: {objective}")
    entries: dict[str, int] = result["entries"]  # type: ignore[assignment]
    used = ", ".join(f"{k} {v}" for k, v in entries.items() if v)
    lines.append(f"Entries: {result['entries_total']}" + (f" ({used})" if used else ""))
    decisions: list[dict[str, object]] = result["decisions"]  # type: ignore[assignment]
    lines.append(f"Decisions: {len(decisions)}")
    lines += [f"  - {d['message']} — {d['rationale']}" for d in decisions]
    blockers: list[dict[str, object]] = result["blockers_open"]  # type: ignore[assignment]
    lines.append(f"Open blockers: {len(blockers)}")
    lines += [f"  {b['blocker']}  {b['message']}" for b in blockers]
    agent = result.get("agent")
    if isinstance(agent, dict):
        from session_tracker.documents.activity import has_activity, text_lines

        if has_activity(agent):
            lines.append("Agent activity:")
            lines += ["  " + line for line in text_lines(agent)]
    if result["tracking"] == "transcript":
        lines.append("Files: not captured by git (imported from the transcript; see Agent activity)")
    elif result["tracking"] == "off":
        lines.append("Files: not tracked (no git repository)")
    else:
        files: list[dict[str, object]] = result["files"]  # type: ignore[assignment]
        lines.append(f"Files changed: {len(files)} (+{result['lines_added']} −{result['lines_removed']})")
        from session_tracker.documents.session import file_line

        lines += [f"  {file_line(f)}" for f in files]
    commits: list[dict[str, object]] = result["commits"]  # type: ignore[assignment]
    lines.append(f"Commits: {len(commits)}")
    lines += [f"  {str(c['sha'])[:7]} {c['subject']}" for c in commits]
    untracked = result.get("untracked_commits")
    if isinstance(untracked, list) and untracked:
        lines.append(f"Untracked commits: {len(untracked)} (made while the session was open; the hooks did not record them)")
        lines += [f"  {str(c['sha'])[:7]} {c['subject']}" for c in untracked]
    steps = result.get("next_steps")
    if isinstance(steps, list) and steps:
        lines.append("Next steps:")
        lines += [f"  {i}. {step}" for i, step in enumerate(steps, start=1)]
    timeline = result.get("timeline")
    if isinstance(timeline, list) and timeline:
        lines.append("Timeline:")
        for item in timeline:
            data = item["data"]
            what = data.get("message") or data.get("subject") or ""
            label = data.get("category") or item["type"]
            lines.append(f"  {item['at'][:16].replace('T', ' ')}Z  {label:<14} {what}")
    return "\n".join(lines)


def ended(result: dict[str, object]) -> str:
    """After ``end``: status line, the handoff, the documents."""
    duration = format_duration(float(result["duration_s"]))  # type: ignore[arg-type]
    files, commits = _count(result["files"], "file"), _count(result["commits"], "commit")
    lines = [f"✅ Session {result['session']} COMPLETE · {duration} · {files} · {commits}"]
    if result.get("notice"):
        lines.append(f"note: {result['notice']}")
    from session_tracker.views.console import markdown

    lines += ["", markdown(str(result["handoff"])), "", "Documents:"]
    lines += [f"  {p}" for p in result["documents"]]  # type: ignore[attr-defined]
    return "\n".join(lines)


#: Above this many rows ``list`` prints plain columns instead of a rich table (always when piped).
RICH_ROWS = 500


def sessions(result: dict[str, object]) -> str:
    """``list``: a table of sessions."""
    rows: list[dict[str, object]] = result["sessions"]  # type: ignore[assignment]
    problems: list[str] = result["problems"]  # type: ignore[assignment]
    if not rows:
        text = "No sessions yet: start one with `session-tracker init`."
    else:
        header = ("Session", "Status", "Started (UTC)", "Duration", "Branch", "Entries", "Decisions", "Objective")
        cells = [
            (str(r["session"]), str(r["status"]) + (" (here)" if r["open_here"] else ""), str(r["started"])[:16].replace("T", " "),
             format_duration(float(r["duration_s"])), str(r["branch"] or "—"),  # type: ignore[arg-type]
             str(r["entries"]), str(r["decisions"]), str(r["objective"]))
            for r in rows
        ]
        from session_tracker.views.console import is_terminal

        # rich measures every cell (10,000 rows took 15 s, 50 rows 0.1 s); plain columns take
        # milliseconds and read the same through a pipe, where no colour or box is drawn anyway
        if len(cells) > RICH_ROWS or not is_terminal():
            widths = [max(len(c[i]) for c in [header, *cells]) for i in range(len(header))]
            lines = ["  ".join(c[i].ljust(widths[i]) for i in range(len(header))).rstrip() for c in [header, *cells]]
            text = "\n".join([lines[0], "  ".join("─" * w for w in widths), *lines[1:]])
        else:
            from rich import box
            from rich.table import Table

            table = Table(box=box.SIMPLE_HEAD)
            for column in header:
                table.add_column(column)
            for row in cells:
                table.add_row(*row)
            from session_tracker.views.console import to_text  # rich: only for the views that draw tables

            text = to_text(table).rstrip("\n")
        total = result.get("total")
        if isinstance(total, int) and total > len(rows):
            text += f"\n{len(rows)} of {total} sessions shown (--limit, --since)"
    for problem in problems:
        text += f"\nwarning: unreadable line {problem}"
    return text


def search_results(result: dict[str, object]) -> str:
    """``search``: one block per match, best first: kind, session, time, the snippet with the
    matched words in bold on a terminal (between ``**`` otherwise)."""
    import sys

    rows: list[dict[str, object]] = result["results"]  # type: ignore[assignment]
    if not rows:
        return f"No match for {result['query']!r}."
    bold, plain = ("\033[1m", "\033[0m") if sys.stdout.isatty() else ("**", "**")
    lines: list[str] = []
    for rank, r in enumerate(rows, start=1):
        snippet = str(r["snippet"])
        spans: list[list[int]] = r["highlights"]  # type: ignore[assignment]
        for start, end in reversed(spans):
            snippet = snippet[:start] + bold + snippet[start:end] + plain + snippet[end:]
        when = str(r["at"])[:16].replace("T", " ")
        lines.append(f"{rank:>2}. [{r['kind']}] session {r['session']} · {when} · ref {r['ref']}")
        lines.append(f"    {snippet}")
    return "\n".join(lines)


def rendered(result: dict[str, object]) -> str:
    """After ``render``."""
    written: list[str] = result["written"]  # type: ignore[assignment]
    lines = [f"{result['documents']} documents up to date ({len(written)} rewritten)"]
    lines += [f"  wrote {p}" for p in written]
    return "\n".join(lines)


def doctor(result: dict[str, object]) -> str:
    """``doctor``: one line per finding, then a verdict."""
    findings: list[dict[str, str]] = result["findings"]  # type: ignore[assignment]
    lines = [f"{f['level']}: {f['where']}: {f['message']}" for f in findings]
    errors = sum(1 for f in findings if f["level"] == "error")
    lines.append("✅ store and documents are consistent" if result["ok"] else f"❌ {plural(int(errors), 'problem')} {'needs' if errors == 1 else 'need'} attention")
    return "\n".join(lines)


def agents_text(result: dict[str, object]) -> str:
    """The text of ``show``'s agent groups (empty when the session has no tasks)."""
    groups = result.get("agents")
    if not isinstance(groups, dict) or not groups:
        return ""
    lines = ["", "Tasks by agent:"]
    for agent, tasks in groups.items():
        lines.append(f"  {agent}")
        for task in tasks:
            minutes = f" {task['actual']}/{task['estimate']} min" if task.get("estimate") is not None else ""
            lines.append(f"    {task['task']} [{task['status']}] {task['title']}{minutes}")
    return "\n".join(lines)


def show(result: dict[str, object]) -> str:
    """After ``show``: the summary, then the tasks by agent."""
    return summary(result).rstrip("\n") + agents_text(result)
