"""``.sessions/config.toml``: every key optional, zero-config must work.

Parsing TOML costs ~10 ms of imports, too much for ``strack log``; the parsed result is cached
as JSON in ``.sessions/local/config.json`` keyed by the file's mtime and size.

Keys (defaults in :data:`DEFAULTS`)::

    [documents]          # a path template with {session}, or false to switch the document off
    preset = "archive"   # which documents are rendered: archive, tracker, lifecycle, all, or a list
                         # (core.presets); a document's own key below wins over the preset
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
    patterns = []        # your own regular expressions, replaced by [REDACTED:custom]

    [agents]
    context_budget = 8000   # characters of handoff an agent hook injects at SessionStart
    budget_claude_code = false   # per agent: its own budget, or false for context_budget
    budget_codex = false         # (never above the agent's inline limit: Claude Code 10,000)
    budget_gemini = false
    budget_cursor = false

    [privacy]
    share_agent_text = false   # prompts and command lines stay in .sessions/local/private/ (core.private)

    [metrics]            # quality metrics (session_tracker.core.settings documents each key)
    on_end = false       # `end` takes a final snapshot with `metrics run`
    python = ""          # interpreter of the zero-config Python checks ("" = the project's environment,
                         # metrics.interpreter); set it per machine in .sessions/local/config.toml
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

    [git]
    commit_documents = false   # true: documents are committed too (core/ignore.py, docs/architecture.md)
"""

from __future__ import annotations

import json
import os
import sys

from session_tracker.core import kinds
from session_tracker.core.events import CATEGORIES
from session_tracker.core.paths import Layout
from session_tracker.errors import TrackerError

Config = dict[str, dict[str, object]]

#: Documents of the whole project (one path each, no {session}); the others are per session.
PROJECT_DOCUMENTS = kinds.PROJECT

DEFAULTS: Config = {
    # preset: which documents are rendered (core.presets): archive, tracker, lifecycle, all.
    "documents": {"preset": "archive", **{k.name: k.path for k in kinds.KINDS}},  # type: dict[str, object]
    "log": {"default_category": "implementation"},
    "redact": {"enabled": True, "patterns": []},
    "agents": {"context_budget": 8000, "budget_claude_code": False, "budget_codex": False, "budget_gemini": False,
               "budget_cursor": False},
    "privacy": {"share_agent_text": False},
    "metrics": {"on_end": False, "python": "", "timeout": 600, "chart": "session-metrics.svg", "checks": []},
    "gates": {"tests_pass": True, "coverage_min": False, "coverage_max_drop": False,
              "lint_not_increasing": True, "types_not_increasing": True},
    "check": {"disable": []},
    "git": {"commit_documents": False},
}
_CACHE_VERSION = 8  # bump when DEFAULTS change: caches hold the merged config
MAX_CONFIG_BYTES = 256 * 1024


#: The per-machine override, never committed (``.sessions/local/`` is git-ignored): the same
#: keys as ``config.toml``, overlaid on it, e.g. ``[metrics] python = "/opt/py/bin/python"``.
LOCAL_CONFIG = "config.toml"
#: Where a section's keys came from: ``config["origin"]["metrics.python"]`` names the file
#: (relative to the root) that set it, so an error can name the key and its file.
ORIGIN = "origin"


def local_config_file(layout: Layout) -> str:
    """``.sessions/local/config.toml``: the per-machine override."""
    return os.path.join(layout.local_dir, LOCAL_CONFIG)


def _stat(path: str) -> list[int] | None:
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return [stat.st_mtime_ns, stat.st_size]


def load(layout: Layout) -> Config:
    """The effective configuration (see :func:`_load`); also applies ``[redact]`` to
    :mod:`session_tracker.core.redact` (user patterns, enabled).

    Raises:
        TrackerError: a file is not valid TOML (with line), is not a readable UTF-8 file, or
        holds an unknown section, an unknown key or a value of the wrong type.
    """
    config = _load(layout)

    section = config.get("redact")
    # Only a non-default [redact] touches the redactor: the git hooks load the config on every
    # commit and must not import it (the redactor's defaults are these same values).
    if isinstance(section, dict) and (section.get("enabled") is False or section.get("patterns")):
        from session_tracker.core import redact

        patterns = section.get("patterns")
        patterns = patterns if isinstance(patterns, list) else []
        enabled = section.get("enabled") is not False
        # The defaults need nothing from the redact module: the git hooks never import it.
        if patterns or not enabled or "session_tracker.core.redact" in sys.modules:
            from session_tracker.core import redact

            try:
                redact.configure(enabled, patterns)
            except ValueError as exc:
                raise TrackerError(f"{layout.config_file}: redact.patterns: {exc}", "fix or remove that pattern") from None
    return config


def _load(layout: Layout) -> Config:
    """The effective configuration: :data:`DEFAULTS` overlaid with ``config.toml``, then with
    the per-machine ``local/config.toml``; ``config["origin"]`` maps ``section.key`` to the
    file (relative to the root) that set it.

    Raises:
        TrackerError: a file is not valid TOML (with line), or holds an unknown section,
        an unknown key or a value of the wrong type.
    """
    local = local_config_file(layout)
    shared_stat, local_stat = _stat(layout.config_file), _stat(local)
    if shared_stat is None and local_stat is None:
        return _finish(_copy(DEFAULTS), set())
    stamp = [shared_stat, local_stat, _CACHE_VERSION]
    cache = os.path.join(layout.local_dir, "config.json")
    try:
        with open(cache, encoding="utf-8") as handle:
            cached = json.load(handle)
        if cached.get("stamp") == stamp:
            return cached["config"]  # type: ignore[no-any-return]
    except (OSError, ValueError, AttributeError, RecursionError):
        pass
    config = _copy(DEFAULTS)
    origin: dict[str, object] = {}
    given: set[str] = set()
    for path, stat in ((layout.config_file, shared_stat), (local, local_stat)):
        if stat is not None:
            for key in _parse(path, config):
                origin[key] = layout.relative(path)
                given.add(key)
    config = _finish(config, given)
    config[ORIGIN] = origin
    try:
        from session_tracker.core.store import atomic_write

        atomic_write(cache, json.dumps({"stamp": stamp, "config": config}).encode())
    except TrackerError:
        pass  # a cache that cannot be written only costs speed
    return config


def _copy(config: Config) -> Config:
    return {section: dict(values) for section, values in config.items()}


def _finish(config: Config, given: set[str]) -> Config:
    """Apply ``[documents] preset``: documents it leaves out are switched off unless a key
    names them explicitly (see :mod:`session_tracker.core.presets`)."""
    from session_tracker.core.presets import apply

    apply(config, given)
    config.setdefault(ORIGIN, {})
    return config


def _parse(path: str, config: Config) -> list[str]:
    """Overlay the TOML file at ``path`` onto ``config``; return the ``section.key`` names set."""

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
    import stat

    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
            raise TrackerError(f"{path} is not a regular file", "replace it with a TOML file, or remove it")
        with open(path, "rb") as handle:
            blob = handle.read(MAX_CONFIG_BYTES + 1)
    except IsADirectoryError:
        raise TrackerError(f"{path} is a directory, not a TOML file", "remove it (every key is optional) or put a config.toml file there") from None
    except OSError as exc:
        raise TrackerError(f"cannot read {path}: {exc.strerror}", "check the file's permissions") from None
    if len(blob) > MAX_CONFIG_BYTES:
        raise TrackerError(f"{path} is over {MAX_CONFIG_BYTES // 1024} KiB; a config is a few lines", "remove what does not belong in it")
    try:
        text = blob.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TrackerError(f"{path}: not UTF-8 (byte {exc.start})", "save the file as UTF-8") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TrackerError(f"{path}: {exc}", "fix the TOML syntax at that line") from None
    except RecursionError:
        raise TrackerError(f"{path}: nested too deeply", "a config needs tables one level deep") from None
    names: list[str] = []
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
            names.append(f"{section}.{key}")
    return names


def _check(path: str, section: str, key: str, value: object) -> object:
    where = f"{path}: {section}.{key}"
    if section == "documents":
        if key == "preset":
            from session_tracker.core.presets import names

            return names(value, where)
        if value is False:
            return False
        if key in PROJECT_DOCUMENTS:
            if not isinstance(value, str) or not value.strip() or "{session}" in value:
                raise TrackerError(f"{where} must be a path (one file for the project, no {{session}}), or false", f'e.g. {key} = "docs/{DEFAULTS["documents"][key]}"')
        elif not isinstance(value, str) or "{session}" not in value:
            raise TrackerError(f"{where} must be a path containing {{session}}, or false", 'e.g. log = "docs/sessions/{session}-log.md"')
        if not value.isprintable() or "\\" in value:
            raise TrackerError(f"{where} holds a control character or a backslash", "write a plain relative path with '/'")
        normal = os.path.normpath(value.replace("{session}", "x")).replace(os.sep, "/")
        first = normal.split("/")[0]
        if os.path.isabs(value) or first == "..":
            raise TrackerError(f"{where} must stay inside the project", "use a relative path such as archive/sessions/...")
        if first in (".sessions", ".git") or normal in (".", ""):
            raise TrackerError(f"{where} points into {first}/, which holds the events and git's own files",
                               "documents go elsewhere, e.g. archive/sessions/... or docs/...")
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
    if section == "redact" and key == "patterns":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise TrackerError(f"{where} must be a list of regular expressions", 'e.g. patterns = ["ACME-[0-9]{8}"]')
        from session_tracker.core.redact import set_user_patterns

        try:
            set_user_patterns(value)
        except ValueError as exc:
            raise TrackerError(f"{where}: {exc}", "fix or remove that pattern") from None
        return list(value)
    if section == "agents":
        # Claude Code shows at most 10,000 characters of a hook's context inline.
        if key != "context_budget" and value is False:
            return False
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
