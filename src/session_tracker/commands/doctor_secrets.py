"""``doctor --secrets``: scan the event files and the documents for secrets already on disk.

A store written before a rule existed (or with ``[redact] enabled = false``) may hold a secret
that today's rules would redact. Each finding names ``file:line`` and the kinds found, never
the secret itself.
"""

from __future__ import annotations

import json
import os
import re

from session_tracker.core.context import Context

_MARKER = re.compile(r"\[REDACTED:([a-z0-9\-]+)\]")
HINT = (
    "rotate the secret first (it may be in git history and in clones); then remove it from the "
    "file and from history, e.g. `git filter-repo --replace-text FILE` with the secret on a line of "
    "FILE, and run `session-tracker render`"
)


def _kinds(text: str) -> list[str]:
    """The kinds :func:`redact` would replace in ``text`` (empty when it holds none)."""
    from session_tracker.core.redact import redact

    redacted = redact(text)
    if redacted == text:
        return []
    before = _MARKER.findall(text)
    found = _MARKER.findall(redacted)
    for kind in before:
        if kind in found:
            found.remove(kind)
    return sorted(set(found)) or ["secret"]


def _strings(value: object) -> list[str]:
    """Every string inside a decoded JSON value, dict keys included."""
    out: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            for key, child in item.items():
                out.append(str(key))
                stack.append(child)
                if isinstance(child, str):
                    out.append(f"{key}={child}")  # a value under a key that names a secret
        elif isinstance(item, list):
            stack.extend(item)
    return out


def _scan_jsonl(path: str, label: str) -> list[dict[str, str]]:
    findings: list[dict[str, str]] = []
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError:
        return findings
    with handle:
        for number, raw in enumerate(handle, start=1):
            try:
                value = json.loads(raw)
            except (ValueError, RecursionError):
                value = raw.decode("utf-8", "replace")  # a bad line: scan its text
            kinds: set[str] = set()
            for text in _strings(value):
                kinds.update(_kinds(text))
            if kinds:
                findings.append(_finding(f"{label}:{number}", sorted(kinds)))
    return findings


def _scan_text(path: str, label: str) -> list[dict[str, str]]:
    findings: list[dict[str, str]] = []
    try:
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8", "replace")
    except OSError:
        return findings
    for number, line in enumerate(text.split("\n"), start=1):
        kinds = _kinds(line)
        if kinds:
            findings.append(_finding(f"{label}:{number}", kinds))
    if "-----BEGIN" in text and not findings:  # a key block spans lines
        kinds = _kinds(text)
        if kinds:
            findings.append(_finding(label, kinds))
    return findings


def _finding(where: str, kinds: list[str]) -> dict[str, str]:
    return {"level": "error", "check": "secret", "where": where,
            "message": f"holds a secret ({', '.join(kinds)}); {HINT}"}


def scan(ctx: Context) -> list[dict[str, str]]:
    """Findings ``{level, check, where, message}`` for every event line and document line that
    holds a secret; ``where`` is ``file:line`` relative to the repository root."""
    layout = ctx.layout
    findings: list[dict[str, str]] = []
    files = [layout.project_file]
    try:
        files += sorted(os.path.join(layout.events_dir, f) for f in os.listdir(layout.events_dir) if f.endswith(".jsonl"))
    except OSError:
        pass
    journals = os.path.join(layout.local_dir, "journal")  # open sessions' events wait there (core/journal.py)
    try:
        files += sorted(os.path.join(journals, f) for f in os.listdir(journals) if f.endswith(".jsonl"))
    except OSError:
        pass
    for path in files:
        findings += _scan_jsonl(path, layout.relative(path))
    from session_tracker.core.model import load_project
    from session_tracker.documents import writer

    try:
        documents = sorted(writer.expected(ctx, load_project(layout)))
    except Exception:  # noqa: BLE001 - the rest of doctor reports why documents cannot be derived
        documents = []
    for path in documents:
        findings += _scan_text(path, layout.relative(path))
    return findings
