"""``.sessions/config.toml``: every key optional, zero-config must work.

Parsing TOML costs ~10 ms of imports, too much for ``strack log``; the parsed result is cached
as JSON in ``.sessions/local/config.json`` keyed by the file's mtime and size.

Keys (defaults in :data:`DEFAULTS`)::

    [documents]          # a path template with {session}, or false to switch the document off
    log = "archive/sessions/SESSION-{session}-LOG.md"
    files = "archive/sessions/SESSION-{session}-FILES.txt"
    decisions = "archive/sessions/SESSION-{session}-DECISIONS.md"
    handoff = "archive/sessions/SESSION-{session}-HANDOFF.md"
    tracker = "SESSION_TRACKER.md"            # project documents: a path without {session}, or false
    progress = "progress.txt"
    implementation = "IMPLEMENTATION.md"
    context = ".claude/sessions/session-{session}-context.md"   # seed 003 (also plan, tasks,
    # tests, completed, review: ".claude/sessions/session-{session}-<kind>.<md|json>")
    memory_decisions = ".claude/memory/decisions.md"   # also memory_architecture, _patterns, _errors

    [log]
    default_category = "implementation"   # category of `log "…"` without --category

    [redact]
    enabled = true       # redact secrets before they reach disk

    [agents]
    context_budget = 8000   # characters of handoff an agent hook injects at SessionStart

    [privacy]
    share_agent_text = false   # prompts and command lines stay in .sessions/local/private/ (core.private)

    [metrics]            # quality metrics (session_tracker.core.settings documents each key)
    on_end = false       # `end` takes a final snapshot with `metrics run`
    python = ""          # interpreter that runs the zero-config Python checks ("" = this one)
    timeout = 600        # seconds per check
    chart = "session-metrics.svg"   # SVG chart, relative to the tracker's directory, or false
    checks = []          # [[metrics.checks]] name, argv, reports ["kind:path"], timeout?, env?, stdout?

    [gates]              # seed 003's quality gates (`gate`, `end --require-gates`)
    tests_pass = true
    coverage_min = false          # a percentage, or false
    coverage_max_drop = false     # points the coverage may drop from the previous session, or false
    lint_not_increasing = true
    types_not_increasing = true

    [check]              # enforcement rules (`check`, the git hooks); ids in enforce.RULE_IDS
    disable = []         # rule ids to switch off, e.g. ["session-trailer", "previous-ended"]
"""

from __future__ import annotations

import json
import os

from session_tracker.core import kinds
from session_tracker.core.events import CATEGORIES
from session_tracker.core.paths import Layout
from session_tracker.errors import TrackerError

Config = dict[str, dict[str, object]]

#: Documents of the whole project (one path each, no {session}); the others are per session.
PROJECT_DOCUMENTS = kinds.PROJECT

DEFAULTS: Config = {
    "documents": {k.name: k.path for k in kinds.KINDS},  # type: dict[str, object]
    "log": {"default_category": "implementation"},
    "redact": {"enabled": True},
    "agents": {"context_budget": 8000},
    "privacy": {"share_agent_text": False},
    "metrics": {"on_end": False, "python": "", "timeout": 600, "chart": "session-metrics.svg", "checks": []},
    "gates": {"tests_pass": True, "coverage_min": False, "coverage_max_drop": False,
              "lint_not_increasing": True, "types_not_increasing": True},
    "check": {"disable": []},
}
_CACHE_VERSION = 5  # bump when DEFAULTS change: caches hold the merged config


def load(layout: Layout) -> Config:
    """The effective configuration: :data:`DEFAULTS` overlaid with ``config.toml``.

    Raises:
        TrackerError: the file is not valid TOML (with line), or holds an unknown section,
        an unknown key or a value of the wrong type.
    """
    try:
        stat = os.stat(layout.config_file)
    except FileNotFoundError:
        return _copy(DEFAULTS)
    stamp = [stat.st_mtime_ns, stat.st_size, _CACHE_VERSION]
    cache = os.path.join(layout.local_dir, "config.json")
    try:
        with open(cache, encoding="utf-8") as handle:
            cached = json.load(handle)
        if cached.get("stamp") == stamp:
            return cached["config"]  # type: ignore[no-any-return]
    except (OSError, ValueError, AttributeError):
        pass
    config = _parse(layout.config_file)
    try:
        from session_tracker.core.store import atomic_write

        atomic_write(cache, json.dumps({"stamp": stamp, "config": config}).encode())
    except TrackerError:
        pass  # a cache that cannot be written only costs speed
    return config


def _copy(config: Config) -> Config:
    return {section: dict(values) for section, values in config.items()}


def _parse(path: str) -> Config:
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
    try:
        with open(path, "rb") as handle:
            raw = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise TrackerError(f"{path}: {exc}", "fix the TOML syntax at that line") from None
    config = _copy(DEFAULTS)
    for section, values in raw.items():
        if section not in DEFAULTS:
            known = ", ".join(sorted(DEFAULTS))
            raise TrackerError(f"{path}: unknown section [{section}]", f"known sections: {known}")
        if not isinstance(values, dict):
            raise TrackerError(f"{path}: {section} must be a table", f"write it as [{section}]")
        for key, value in values.items():
            if key not in DEFAULTS[section]:
                known = ", ".join(sorted(DEFAULTS[section]))
                raise TrackerError(f"{path}: unknown key {section}.{key}", f"known keys of [{section}]: {known}")
            config[section][key] = _check(path, section, key, value)
    return config


def _check(path: str, section: str, key: str, value: object) -> object:
    where = f"{path}: {section}.{key}"
    if section == "documents":
        if value is False:
            return False
        if key in PROJECT_DOCUMENTS:
            if not isinstance(value, str) or not value.strip() or "{session}" in value:
                raise TrackerError(f"{where} must be a path (one file for the project, no {{session}}), or false", f'e.g. {key} = "docs/{DEFAULTS["documents"][key]}"')
        elif not isinstance(value, str) or "{session}" not in value:
            raise TrackerError(f"{where} must be a path containing {{session}}, or false", 'e.g. log = "docs/sessions/{session}-log.md"')
        normal = os.path.normpath(value)
        if os.path.isabs(value) or normal.startswith(".."):
            raise TrackerError(f"{where} must stay inside the project", "use a relative path such as archive/sessions/...")
        return value
    if section == "log":
        if value not in CATEGORIES:
            raise TrackerError(f"{where} is not a category", "use one of: " + ", ".join(CATEGORIES))
        return value
    if section in ("metrics", "gates"):
        from session_tracker.core.settings import check_setting

        return check_setting(where, section, key, value)
    if section == "check":
        return _check_rules(where, value)
    if section == "agents":
        # Claude Code shows at most 10,000 characters of a hook's context inline.
        if not isinstance(value, int) or isinstance(value, bool) or not 500 <= value <= 100_000:
            raise TrackerError(f"{where} must be a number of characters from 500 to 100000", "e.g. context_budget = 8000")
        return value
    if not isinstance(value, bool):
        raise TrackerError(f"{where} must be true or false", f"write {key} = true")
    return value


def _check_rules(where: str, value: object) -> list[str]:
    """``[check] disable``: a list of known rule ids (a typo must not switch nothing off)."""
    from session_tracker.core.settings import RULE_IDS

    known = ", ".join(RULE_IDS)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TrackerError(f"{where} must be a list of rule ids", f'e.g. disable = ["session-trailer"]; rules: {known}')
    unknown = [v for v in value if v not in RULE_IDS]
    if unknown:
        raise TrackerError(f"{where}: unknown rule id {', '.join(map(repr, unknown))}", f"known rules: {known}")
    return list(dict.fromkeys(value))


def document_path(config: Config, layout: Layout, kind: str, session: str) -> str | None:
    """The absolute path of document ``kind`` (log, files, decisions, handoff) of a session,
    or None when the document is switched off."""
    template = config["documents"].get(kind)
    if not isinstance(template, str):
        return None
    return os.path.join(layout.root, template.replace("{session}", session))
