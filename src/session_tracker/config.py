"""``.sessions/config.toml``: every key optional, zero-config must work.

Parsing TOML costs ~10 ms of imports, too much for ``strack log``; the parsed result is cached
as JSON in ``.sessions/local/config.json`` keyed by the file's mtime and size.

Keys (defaults in :data:`DEFAULTS`)::

    [documents]          # a path template with {session}, or false to switch the document off
    log = "archive/sessions/SESSION-{session}-LOG.md"
    files = "archive/sessions/SESSION-{session}-FILES.txt"
    decisions = "archive/sessions/SESSION-{session}-DECISIONS.md"
    handoff = "archive/sessions/SESSION-{session}-HANDOFF.md"

    [log]
    default_category = "implementation"   # category of `log "…"` without --category

    [redact]
    enabled = true       # redact secrets before they reach disk
"""

from __future__ import annotations

import json
import os

from session_tracker.errors import TrackerError
from session_tracker.events import CATEGORIES
from session_tracker.paths import Layout

Config = dict[str, dict[str, object]]

DEFAULTS: Config = {
    "documents": {
        "log": "archive/sessions/SESSION-{session}-LOG.md",
        "files": "archive/sessions/SESSION-{session}-FILES.txt",
        "decisions": "archive/sessions/SESSION-{session}-DECISIONS.md",
        "handoff": "archive/sessions/SESSION-{session}-HANDOFF.md",
    },
    "log": {"default_category": "implementation"},
    "redact": {"enabled": True},
}
_CACHE_VERSION = 1


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
        from session_tracker.store import atomic_write

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
        if not isinstance(value, str) or "{session}" not in value:
            raise TrackerError(f"{where} must be a path containing {{session}}, or false", 'e.g. log = "docs/sessions/{session}-log.md"')
        normal = os.path.normpath(value)
        if os.path.isabs(value) or normal.startswith(".."):
            raise TrackerError(f"{where} must stay inside the project", "use a relative path such as archive/sessions/...")
        return value
    if section == "log":
        if value not in CATEGORIES:
            raise TrackerError(f"{where} is not a category", "use one of: " + ", ".join(CATEGORIES))
        return value
    if not isinstance(value, bool):
        raise TrackerError(f"{where} must be true or false", f"write {key} = true")
    return value


def document_path(config: Config, layout: Layout, kind: str, session: str) -> str | None:
    """The absolute path of document ``kind`` (log, files, decisions, handoff) of a session,
    or None when the document is switched off."""
    template = config["documents"].get(kind)
    if not isinstance(template, str):
        return None
    return os.path.join(layout.root, template.replace("{session}", session))
