"""Seed 003's reusable workflows: built-in feature-development, bug-fix and
performance-optimization, and the user's own in ``.sessions/workflows/<name>.md``.

A workflow file is markdown::

    # Bug fix
    ## Steps
    - bug-hunter: Reproduce the bug with a failing test (30)
    - backend-specialist: Fix the cause (45)
    ## Checklist
    - Root cause documented

A step is ``- [agent: ]title[ (minutes)]``; the checklist's items join the session's
validation checklist. A user workflow with a built-in's name replaces it.
"""

from __future__ import annotations

import os
import re

from session_tracker.core.paths import Layout
from session_tracker.errors import TrackerError

Step = tuple[str, str, int | None]  # (agent, title, minutes)


class Workflow:
    __slots__ = ("checklist", "name", "source", "steps", "title")

    def __init__(self, name: str, title: str, steps: list[Step], checklist: list[str], source: str) -> None:
        self.name, self.title, self.steps, self.checklist, self.source = name, title, steps, checklist, source

    def view(self) -> dict[str, object]:
        return {"name": self.name, "title": self.title, "source": self.source,
                "steps": [{"agent": a or None, "title": t, "estimate": m} for a, t, m in self.steps], "checklist": self.checklist}


BUILTIN: dict[str, tuple[str, list[Step], list[str]]] = {
    "feature-development": (
        "Feature development",
        [("architect", "Design the feature and its interfaces", 30), ("backend-specialist", "Implement the feature", 90),
         ("test-engineer", "Write and run the feature's tests", 45), ("code-reviewer", "Review the change", 20),
         ("documentation-writer", "Document the feature", 20)],
        ["Feature tests written", "Code reviewed"],
    ),
    "bug-fix": (
        "Bug fix",
        [("bug-hunter", "Reproduce the bug with a failing test", 30), ("backend-specialist", "Fix the root cause", 45),
         ("test-engineer", "Verify the fix and add a regression test", 30), ("code-reviewer", "Review the fix", 15)],
        ["Root cause documented", "Regression test added"],
    ),
    "performance-optimization": (
        "Performance optimization",
        [("architect", "Measure a baseline and set the target", 30), ("backend-specialist", "Optimise the hot path", 90),
         ("test-engineer", "Benchmark against the baseline", 30), ("code-reviewer", "Review the change", 20)],
        ["Baseline measured", "Benchmark shows the improvement"],
    ),
}

_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,63}\Z")
_STEP = re.compile(r"(?:([A-Za-z0-9][A-Za-z0-9_-]*):\s+)?(.+?)(?:\s+\((\d{1,5})\))?\s*\Z")


def folder(layout: Layout) -> str:
    return os.path.join(layout.store, "workflows")


def parse(name: str, text: str, source: str) -> Workflow:
    """A workflow from its markdown.

    Raises:
        TrackerError: an unknown section, an item outside a section, no steps (names file:line).
    """
    title, section = name, ""
    steps: list[Step] = []
    checklist: list[str] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        where = f"{source}:{number}"
        if not line:
            continue
        if line.startswith("# "):
            title = line[2:].strip()
        elif line.startswith("## "):
            section = line[3:].strip().lower()
            if section not in ("steps", "checklist"):
                raise TrackerError(f"{where}: unknown section {line[3:].strip()!r}", "a workflow has ## Steps and ## Checklist")
        elif line.startswith("- "):
            item = line[2:].strip()
            if not item:
                raise TrackerError(f"{where}: empty item", "write the step or checklist item after '- '")
            if section == "steps":
                match = _STEP.match(item)
                assert match is not None  # .+? always matches a non-empty item
                steps.append((match.group(1) or "", match.group(2), int(match.group(3)) if match.group(3) else None))
            elif section == "checklist":
                checklist.append(item)
            else:
                raise TrackerError(f"{where}: item outside a section", "put it under ## Steps or ## Checklist")
        else:
            raise TrackerError(f"{where}: cannot read {line[:40]!r}", "use '# Title', '## Steps', '## Checklist' and '- item' lines")
    if not steps:
        raise TrackerError(f"{source}: the workflow has no steps", "add them under ## Steps: '- agent: title (minutes)'")
    return Workflow(name, title, steps, checklist, source)


def available(layout: Layout) -> dict[str, Workflow]:
    """Every workflow by name: the built-ins, then the user's (which win on a shared name)."""
    out = {name: Workflow(name, title, list(steps), list(items), "built-in") for name, (title, steps, items) in BUILTIN.items()}
    try:
        files = sorted(os.listdir(folder(layout)))
    except FileNotFoundError:
        files = []
    for file in files:
        if file.endswith(".md") and _NAME.match(file[:-3]):
            path = os.path.join(folder(layout), file)
            with open(path, encoding="utf-8") as handle:
                out[file[:-3]] = parse(file[:-3], handle.read(), layout.relative(path))
    return out


def get(layout: Layout, name: str) -> Workflow:
    """The workflow ``name``.

    Raises:
        TrackerError: unknown workflow (the hint lists the known ones) or an unreadable file.
    """
    if not _NAME.match(name):
        raise TrackerError(f"unknown workflow {name!r}", "workflow names are lowercase letters, digits and '-'")
    known = available(layout)
    if name not in known:
        raise TrackerError(f"unknown workflow {name!r}", "known workflows: " + ", ".join(sorted(known)) + f"; add your own as {layout.relative(folder(layout))}/{name}.md")
    return known[name]
