"""Text views of ``check`` and ``hooks`` results for people (plain strings; no rich: the
pre-commit hook prints through here on every refused commit)."""

from __future__ import annotations

_MARK = {"pass": "✓", "fail": "✗", "skip": "·", "disabled": "○"}
_MODE = {"plain": "", "staged": " --staged", "range": " --range"}


def _rule_lines(outcome: dict[str, object], indent: str = "  ") -> list[str]:
    lines = [f"{indent}{_MARK.get(str(outcome['status']), '?')} {outcome['id']:<19} {outcome['message']}"]
    if outcome["status"] == "fail":
        lines += [f"{indent}      {d}" for d in outcome["details"]]  # type: ignore[attr-defined]
        if outcome["hint"]:
            lines.append(f"{indent}      hint: {outcome['hint']}")
    return lines


def check(result: dict[str, object]) -> str:
    """``check``: one line per rule, details and a hint under each failure, then a verdict."""
    where = f" {result['range']}" if result.get("range") else ""
    lines = [f"session-tracker check{_MODE.get(str(result['mode']), '')}{where}"]
    for outcome in result["rules"]:  # type: ignore[attr-defined]
        lines += _rule_lines(outcome)
    failed: list[str] = result["failed"]  # type: ignore[assignment]
    if failed:
        noun = "rule" if len(failed) == 1 else "rules"
        lines.append(f"❌ {len(failed)} {noun} failed: {', '.join(failed)}")
    else:
        lines.append("✅ every rule that applies passes")
    return "\n".join(lines)


def refused(result: dict[str, object]) -> str:
    """What the pre-commit hook prints (on stderr) when it refuses a commit: the failures only,
    then how to get past once, knowing it leaves a trace."""
    failed = [o for o in result["rules"] if o["status"] == "fail"]  # type: ignore[attr-defined]
    noun = "rule" if len(failed) == 1 else "rules"
    lines = [f"session-tracker: commit refused ({len(failed)} {noun} failed)"]
    for outcome in failed:
        lines += _rule_lines(outcome)
    lines.append("  to commit anyway (the commit will be listed as untracked): "
                 "SESSION_TRACKER_SKIP=1 git commit …  or  git commit --no-verify")
    return "\n".join(lines)


def hooks(result: dict[str, object]) -> str:
    """``hooks install`` / ``hooks uninstall`` / ``hooks status``: one line per hook."""
    lines = [f"hooks directory: {result['hooks_dir']}"]
    for hook in result["hooks"]:  # type: ignore[attr-defined]
        line = f"  {hook['hook']:<12} {hook['state']}"
        if hook.get("chained"):
            line += f" (runs {hook['chained']} first" + (f": {hook['chained_kind']}" if hook.get("chained_kind") else "") + ")"
        lines.append(line)
    lines += [f"note: {n}" for n in result.get("notes") or []]  # type: ignore[attr-defined]
    return "\n".join(lines)
