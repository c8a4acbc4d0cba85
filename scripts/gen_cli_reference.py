#!/usr/bin/env python3
"""Generate docs/commands.md, the CLI reference, from the ``--help`` of every command.

It runs the installed console script (``session-tracker`` beside this interpreter, else the one
on PATH, else ``python -m session_tracker``) as a subprocess: ``--help`` of the top-level group,
then of every command listed under a heading of that help (``Commands:``, or grouped headings
such as ``Sessions:``), recursively for groups. It imports nothing from the package, so it keeps
working whatever the package's layout.

Usage::

    python scripts/gen_cli_reference.py            # rewrite docs/commands.md
    python scripts/gen_cli_reference.py --check    # exit 1 when docs/commands.md is out of date
    python scripts/gen_cli_reference.py --stdout   # print the reference

The help is rendered at a fixed width (``COLUMNS=100``) without colour, and the program name in
each ``Usage:`` line is normalised to ``session-tracker``, so the output is the same on every
machine and with either console script.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "commands.md"
PROG = "session-tracker"
SCRIPT = "scripts/gen_cli_reference.py"

# A heading alone on its line ("Commands:", "Options:", "Sessions:") and a command row under it.
_HEADING = re.compile(r"^([A-Z][A-Za-z &-]*):$")
_ROW = re.compile(r"^  ([a-z][a-z0-9_-]*)(?:\s{2,}\S.*)?$")
_NOT_COMMANDS = {"Options", "Arguments", "Usage"}


class HelpError(RuntimeError):
    """``--help`` of a command failed (non-zero exit or no ``Usage:`` line)."""


def console_script() -> list[str]:
    """The argv prefix that runs the installed CLI.

    Returns ``[<venv>/bin/session-tracker]`` when it sits beside this interpreter, else the
    ``session-tracker`` found on PATH, else ``[sys.executable, "-m", "session_tracker"]``.
    """
    beside = Path(sys.executable).parent / PROG
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)]
    found = shutil.which(PROG)
    if found:
        return [found]
    return [sys.executable, "-m", "session_tracker"]


def _environment() -> dict[str, str]:
    """A fixed width and no colour, without variables that steer the tracker."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SESSION_TRACKER_", "GIT_")) and k != "CURRENT_SESSION"}
    env.update({"COLUMNS": "100", "LINES": "50", "NO_COLOR": "1", "TERM": "dumb", "LC_ALL": "C.UTF-8"})
    env.pop("FORCE_COLOR", None)
    return env


def help_text(command: Sequence[str], path: Sequence[str]) -> str:
    """The ``--help`` output of ``command + path``, with the program name normalised.

    Raises:
        HelpError: the command exited non-zero or printed no ``Usage:`` line.
    """
    proc = subprocess.run([*command, *path, "--help"], capture_output=True, text=True, env=_environment(),
                          timeout=120, check=False, cwd=ROOT)
    if proc.returncode != 0 or "Usage:" not in proc.stdout:
        raise HelpError(f"{' '.join([PROG, *path, '--help'])} exited {proc.returncode}: {proc.stderr.strip()[:500]}")
    lines = []
    for line in proc.stdout.rstrip().splitlines():
        match = re.match(r"^(Usage: )(\S+)(.*)$", line)
        if match:
            line = f"{match.group(1)}{PROG}{match.group(3)}"
        lines.append(line.rstrip())
    return "\n".join(lines) + "\n"


def subcommands(text: str) -> list[str]:
    """Names of the commands listed in a group's help (every heading but Options/Usage)."""
    names: list[str] = []
    section: str | None = None
    for line in text.splitlines():
        heading = _HEADING.match(line)
        if heading:
            section = heading.group(1)
            continue
        if section is None or section in _NOT_COMMANDS:
            continue
        row = _ROW.match(line)
        if row and row.group(1) not in names:
            names.append(row.group(1))
    return names


def collect(command: Sequence[str] | None = None, workers: int = 4) -> list[tuple[tuple[str, ...], str]]:
    """Every command path with its help text, in the order a reader meets them.

    Returns ``[((), top-level help), (("agent",), …), (("agent", "install"), …), …]``: each
    group is followed by its subcommands, depth first, names in the order ``--help`` lists them.

    Raises:
        HelpError: some ``--help`` failed.
    """
    argv = list(command or console_script())
    found: dict[tuple[str, ...], str] = {(): help_text(argv, [])}
    level: list[tuple[str, ...]] = [()]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        while level:
            children = [(*parent, name) for parent in level for name in subcommands(found[parent])]
            for path, text in zip(children, pool.map(lambda p: help_text(argv, p), children)):
                found[path] = text
            level = children

    ordered: list[tuple[tuple[str, ...], str]] = []

    def walk(path: tuple[str, ...]) -> None:
        ordered.append((path, found[path]))
        for name in subcommands(found[path]):
            walk((*path, name))

    walk(())
    return ordered


def render(entries: Sequence[tuple[tuple[str, ...], str]]) -> str:
    """The Markdown of docs/commands.md: a contents list, then each command's help verbatim."""
    out = [
        "# Command reference",
        "",
        (f"<!-- generated by {SCRIPT} from the --help of every command; do not edit: "
         f"change the help text in the code, then run `python {SCRIPT}` -->"),
        "",
        (f"Every command of `{PROG}` (alias `strack`) with its `--help`, generated from the CLI itself; "
         "a test fails when this page and `--help` disagree. The topic pages explain what the commands "
         "are for: see [the documentation index](README.md)."),
        "",
        "## Contents",
        "",
    ]
    for path, _ in entries:
        if path:
            indent = "  " * (len(path) - 1)
            out.append(f"{indent}- [`{' '.join(path)}`](#{_anchor(path)})")
    for path, text in entries:
        title = " ".join((PROG, *path))
        out += ["", f"## {title}" if path else f"## {PROG}", "", "```text", text.rstrip("\n"), "```"]
    return "\n".join(out) + "\n"


def _anchor(path: Sequence[str]) -> str:
    """GitHub's anchor for the heading ``session-tracker <path>``."""
    return "-".join((PROG, *path)).lower()


def main(argv: Sequence[str] | None = None) -> int:
    """Write, check or print the reference; returns the exit code (1: out of date, 2: help failed)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="exit 1 if the file differs from a fresh reference")
    mode.add_argument("--stdout", action="store_true", help="print the reference instead of writing it")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="the file to write or check (default: docs/commands.md)")
    parser.add_argument("--command", help="the CLI to run, e.g. 'strack' (default: the installed session-tracker)")
    args = parser.parse_args(argv)
    try:
        entries = collect(args.command.split() if args.command else None)
    except (HelpError, OSError, subprocess.TimeoutExpired) as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("hint: install the project first (make .venv/.dev) and run this with its python", file=sys.stderr)
        return 2
    text = render(entries)
    if args.stdout:
        sys.stdout.write(text)
        return 0
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"error: {args.output} is out of date with --help", file=sys.stderr)
            print(f"hint: run `python {SCRIPT}` and commit the result", file=sys.stderr)
            return 1
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.output.with_suffix(".md.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, args.output)
    print(f"wrote {args.output} ({len(entries)} commands)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
