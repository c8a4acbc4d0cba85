"""Text views of the agent commands' results (install, uninstall, import) and the import
progress bar. rich is imported only inside :func:`progress_bar`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from session_tracker.core.words import plural


def installed(result: dict[str, object]) -> str:
    """After ``agent install``."""
    changed = result.get("changed") or []
    lines = [f"{result['agent']} hooks installed ({result['scope']}): {result['settings']}, instructions in {result['instructions']}"]
    if not changed:
        lines = [f"{result['agent']} hooks already installed ({result['scope']}): nothing changed"]
    if result.get("notice"):
        lines.append(f"note: {result['notice']}")
    return "\n".join(lines)


def uninstalled(result: dict[str, object]) -> str:
    """After ``agent uninstall``."""
    changed = result.get("changed")
    if not changed:
        return f"{result['agent']}: no session-tracker hooks found ({result['scope']}); nothing changed"
    return f"{result['agent']} hooks removed ({result['scope']}): " + ", ".join(str(p) for p in changed)  # type: ignore[attr-defined]


def imported(result: dict[str, object]) -> str:
    """After ``import``: one line per session, skips, then the counts of bad lines."""
    sessions = result.get("imported") or []
    skipped = result.get("skipped") or []
    counts = (f"{plural(len(sessions), 'session')} imported from {plural(int(result['files']), 'file')} "  # type: ignore[arg-type,call-overload]
              f"({plural(int(result['lines']), 'line')})")  # type: ignore[call-overload]
    lines = [f"{result['agent']}: {counts}"]
    for item in sessions:  # type: ignore[attr-defined]
        usage = item["usage"].values()
        keys = ("input_tokens", "cache_read_input_tokens", "cache_creation_input_tokens", "output_tokens")
        parts = [sum(u.get(k, 0) for u in usage) for k in keys]
        failed = f" ({item['failed_commands']} failed)" if item.get("failed_commands") else ""
        subagents = f", {plural(len(item['subagents']), 'subagent')}" if item.get("subagents") else ""
        verb = "completed" if item.get("completed") else "←"
        lines.append(
            f"  session {item['session']} {verb} {item['source']}: {plural(item['files_touched'], 'file edit')}, "
            f"{plural(item['commands'], 'command')}{failed}, {plural(item['prompts'], 'prompt')}{subagents}, {sum(parts):,} tokens "
            f"(input {parts[0]:,}, cache read {parts[1]:,}, cache write {parts[2]:,}, output {parts[3]:,})"
        )
    for item in skipped:  # type: ignore[attr-defined]
        lines.append(f"  skipped {item['source']}: {item['reason']}")
    bad = [f"{result[k]} {k.replace('_', ' ')}" for k in ("malformed", "repaired", "unknown", "duplicate_usage") if result.get(k)]
    if bad:
        lines.append("lines: " + ", ".join(bad) + " (details with --json)")
    return "\n".join(lines)


@contextmanager
def progress_bar(enabled: bool = True) -> Iterator[Callable[[int, int, str], None]]:
    """A progress bar on stderr over the files being imported, shown on a terminal when there
    is more than one file; yields the callback ``(index, total, path)`` to call per file."""
    from rich.progress import Progress

    from session_tracker.views.console import stderr_console

    console = stderr_console()
    bar = Progress(console=console, transient=True, disable=not (enabled and console.is_terminal))
    task: list[object] = []

    def step(index: int, total: int, _path: str) -> None:
        if total < 2:
            return
        if not task:
            bar.start()
            task.append(bar.add_task("importing transcripts", total=total))
        bar.update(task[0], completed=index)  # type: ignore[arg-type]

    try:
        yield step
    finally:
        bar.stop()


def receipts(result: dict[str, object]) -> str:
    """``receipts``: one block per SessionStart injection — size, budget, what was kept and cut."""
    found = result.get("receipts")
    if not isinstance(found, list) or not found:
        return "No context injected yet: receipts are recorded when an agent hook starts a session (SessionStart)."
    lines: list[str] = []
    for r in found:
        if not isinstance(r, dict):
            continue
        limit = r.get("inline_limit")
        lines.append(f"session {r.get('session')} · {str(r.get('at'))[:19].replace('T', ' ')} UTC · {r.get('agent')} ({r.get('source')})")
        lines.append(f"  {r.get('chars'):,} characters (~{r.get('tokens_est'):,} tokens); budget {r.get('budget'):,}"
                     + (f", inline limit {limit:,}" if isinstance(limit, int) else ""))
        parts = r.get("parts")
        for part in parts if isinstance(parts, list) else []:
            if isinstance(part, dict):
                lines.append(f"  - {part.get('part')}: {part.get('items')} items, {part.get('kept')} ({part.get('chars')} characters)")
        left = r.get("left_out")
        lines.append("  left out: " + ("; ".join(str(x) for x in left) if isinstance(left, list) and left else "nothing"))
        lines.append(f"  why: {r.get('reason')}")
        lines.append("")
    return "\n".join(lines).rstrip()
