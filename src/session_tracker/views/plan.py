"""Text views of the project tracker's results for people (rich for the dashboard)."""

from __future__ import annotations

from collections.abc import Callable

from session_tracker.core.words import plural

#: Items of each list ``status`` shows as text (``--json`` has them all).
STATUS_ITEMS = 20


def more_line(total: int) -> str:
    """The line under a glance of the first :data:`STATUS_ITEMS` of ``total`` items."""
    return f"… and {total - STATUS_ITEMS} more (`session-tracker status --json` lists every one)"

def changed(result: dict[str, object]) -> str:
    """After a plan change: one short line."""
    kind, key, action = result["kind"], result.get("key") or "", result["action"]
    if not result.get("events"):
        return f"{kind} {key}: nothing changed".replace("  ", " ")
    return f"{kind} {key} {action}".replace("  ", " ")


def tasks(result: dict[str, object]) -> str:
    """``task list``: one line per task, then the totals."""
    rows: list[dict[str, object]] = result["tasks"]  # type: ignore[assignment]
    if not rows:
        return 'No tasks yet: add one with `session-tracker task add "Title"`.'
    marks = {"todo": "[ ]", "in_progress": "[~]", "blocked": "[!]", "done": "[x]"}
    lines = []
    for t in rows:
        extra = [str(t[k]) for k in ("phase", "component", "assignee") if t.get(k)]
        if t.get("dependsOn"):
            extra.append("after " + ", ".join(t["dependsOn"]))  # type: ignore[arg-type]
        lines.append(f"{marks.get(str(t['status']), '[?]')} {t['id']:<8} {t['title']}" + (f"  ({'; '.join(extra)})" if extra else ""))
    m: dict[str, int] = result["metrics"]  # type: ignore[assignment]
    lines.append(f"{m['completed']}/{m['totalTasks']} done · {m['inProgress']} in progress · {m['blocked']} blocked · {m['timeSpent']}/{m['timeEstimated']} min")
    return "\n".join(lines)


def exported(result: dict[str, object]) -> str:
    """After ``plan export``."""
    return f"plan written to {result['path']}"


def imported(result: dict[str, object]) -> str:
    """After ``plan import``."""
    count = int(result["events"])  # type: ignore[call-overload]
    return f"plan imported from {result['path']}: " + (f"{plural(int(count), 'change')} recorded" if count else "already up to date")


def status(result: dict[str, object]) -> str:
    """``status``: the dashboard (rich panels and a progress bar, plain text when piped)."""

    from rich.console import Group
    from rich.panel import Panel
    from rich.progress_bar import ProgressBar
    from rich.table import Table

    def cell(value: object) -> str:
        return "—" if value in (None, "") else str(value)

    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()
    named = result.get("project_named", True)
    facts.add_row("Project", cell(result["project"]) if named else "(no name yet: `session-tracker plan set --name NAME`)")
    facts.add_row("Current phase", cell(result["current_phase"]))
    facts.add_row("Current session", ", ".join(result["open_sessions"]) or "none open")  # type: ignore[arg-type]
    last = result["last_session"]
    facts.add_row("Last session", f"{last['name']} · {last['date']} · {last['title']}" if isinstance(last, dict) else "—")
    progress: dict[str, object] = result["progress"]  # type: ignore[assignment]
    facts.add_row("Overall progress", f"{progress['text']}")
    tests: dict[str, object] = result["tests"]  # type: ignore[assignment]
    facts.add_row("Tests · coverage", f"{cell(tests['passing'])} · {cell(tests['coverage'])}")
    percent = progress["percent"]
    parts: list[object] = [facts]
    if isinstance(percent, int):  # no bar for a project with nothing planned: there is nothing to measure
        parts.append(ProgressBar(total=100, completed=percent, width=50))
    phases: list[dict[str, object]] = result["phases"]  # type: ignore[assignment]
    if phases:
        table = Table(title="Phases", title_justify="left", show_edge=False)
        for column in ("Phase", "Sessions", "Status", "Progress"):
            table.add_column(column)
        for p in phases:
            table.add_row(str(p["name"]), str(p["sessions"]), str(p["status_text"]), str(p["bar"]))
        parts.append(table)
    def blocker_line(b: dict[str, object]) -> str:
        return f"{b['id']}  {b['message']}" + (f"  [{b['impact']}]" if b.get("impact") else "")

    def question_line(q: dict[str, object]) -> str:
        return f"{q['id']}  {q['message']}"

    def next_line(n: dict[str, object]) -> str:
        return f"{n['priority']}. {n['message']}  ({n['id']})"

    sections: tuple[tuple[str, str, Callable[[dict[str, object]], str]], ...] = (
        ("Open blockers", "blockers", blocker_line), ("Open questions", "questions", question_line), ("Next steps", "next", next_line),
    )
    for title, key, fmt in sections:
        items: list[dict[str, object]] = result[key]  # type: ignore[assignment]
        total = result.get(f"{key}_total", len(items))  # a glance holds only the first few (commands/status.py)
        assert isinstance(total, int)
        lines = [fmt(i) for i in items[:STATUS_ITEMS]]
        if total > STATUS_ITEMS:  # a glance, not the whole list: the most urgent first
            lines.append(more_line(total))
        # not expanded: on a pipe the width is unlimited (rows never wrap), a box must not fill it
        parts.append(Panel("\n".join(lines) or "none", title=f"{title} ({total})" if total else title, title_align="left",
                           expand=False))
    from session_tracker.views.console import to_text

    return to_text(Group(*parts)).rstrip("\n")  # type: ignore[arg-type]


def task_id(result: dict[str, object]) -> str:
    """After ``task add``: the new task's id alone (so scripts can capture it)."""
    return str(result["task"])
