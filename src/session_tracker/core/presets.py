"""Document presets: which documents the tracker renders, one name per way of working.

``[documents] preset`` (or ``init --preset``) names one preset or a list of them:

* ``archive`` (the default, the smallest that serves): the session archive under
  ``archive/sessions/`` — each session's work log, files, decisions and handoff;
* ``tracker``: the project's tracker documents ``SESSION_TRACKER.md``, ``progress.txt``,
  ``IMPLEMENTATION.md`` (and the metrics chart beside the tracker);
* ``lifecycle``: the session lifecycle documents ``.claude/sessions/session-<id>-*`` and the
  memory files ``.claude/memory/*.md``;
* ``all``: every document.

A document the presets leave out is switched off unless its own key (``tracker = "…"``) is
set in the config, so a key always wins over a preset. The events are the same whatever the
preset: switching presets and running ``render`` writes the other documents from the same
history.
"""

from __future__ import annotations

from session_tracker.core import kinds
from session_tracker.errors import EXIT_USAGE, TrackerError

#: preset name -> the ``[documents]`` keys it renders (the groups of :mod:`.kinds`).
PRESETS: dict[str, tuple[str, ...]] = {
    "archive": kinds.ARCHIVE,
    "tracker": kinds.TRACKER,
    "lifecycle": kinds.LIFECYCLE + kinds.MEMORY,
    "all": kinds.names(),
}
DEFAULT = "archive"
#: What each preset writes, for help texts and ``init``'s output.
DESCRIPTIONS = {
    "archive": "archive/sessions/: each session's work log, files, decisions and handoff",
    "tracker": "SESSION_TRACKER.md, progress.txt, IMPLEMENTATION.md",
    "lifecycle": ".claude/sessions/session-<id>-* and .claude/memory/*.md",
    "all": "every document",
}


def names(value: object, where: str = "[documents] preset") -> list[str]:
    """The preset names in ``value`` (a name or a list of names), checked.

    Raises:
        TrackerError: not a string or list of strings, or an unknown name (exit 2: it is
        what the user typed).
    """
    items = [value] if isinstance(value, str) else value
    known = ", ".join(PRESETS)
    if not isinstance(items, list) or not items or not all(isinstance(v, str) for v in items):
        raise TrackerError(f"{where} must be a preset name or a list of them", f"presets: {known}", EXIT_USAGE)
    unknown = [v for v in items if v not in PRESETS]
    if unknown:
        raise TrackerError(f"{where}: unknown preset {unknown[0]!r}", f"presets: {known}", EXIT_USAGE)
    return list(dict.fromkeys(items))


def apply(config: dict[str, dict[str, object]], given: set[str]) -> None:
    """Switch off, in place, every document the configured presets leave out.

    Args:
        config: the merged configuration; ``config["documents"]["preset"]`` is removed and
            the checked names kept as ``config["preset"]["names"]``.
        given: ``section.key`` names set explicitly by a config file (they win over the preset).
    """
    documents = config["documents"]
    chosen = names(documents.pop("preset", DEFAULT))
    config["preset"] = {"names": chosen}
    keep = {kind for name in chosen for kind in PRESETS[name]}
    for kind in PRESETS["all"]:
        if kind not in keep and f"documents.{kind}" not in given:
            documents[kind] = False
    tracker = "tracker" in keep or "documents.tracker" in given
    if not tracker and "metrics.chart" not in given and "metrics" in config:
        config["metrics"]["chart"] = False  # the chart sits beside the tracker


def choose(config_file: str, chosen: list[str]) -> bool:
    """Write ``[documents] preset = …`` into ``config_file`` (``init --preset``), keeping every
    other line, comment and key as it is; creates the file when there is none.

    Returns:
        True when the file changed.
    Raises:
        TrackerError: an unknown preset (exit 2), or the file cannot be written.
    """
    import os

    from session_tracker.core.store import atomic_write

    checked = names(chosen, "--preset")
    value = '"' + checked[0] + '"' if len(checked) == 1 else "[" + ", ".join(f'"{n}"' for n in checked) + "]"
    line = f"preset = {value}"
    try:
        with open(config_file, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except FileNotFoundError:
        lines = []
    section, header, placed = None, None, False
    for n, text in enumerate(lines):
        stripped = text.strip()
        if stripped.startswith("[") and not stripped.startswith("[["):
            section = stripped.strip("[]").strip()
            if section == "documents":
                header = n
        elif section == "documents" and stripped.split("=", 1)[0].strip() == "preset":
            lines[n], placed = line, True
    if not placed:
        if header is None:
            lines += ([""] if lines and lines[-1].strip() else []) + ["[documents]", line]
        else:
            lines.insert(header + 1, line)
    new = "\n".join(lines) + "\n"
    os.makedirs(os.path.dirname(config_file), exist_ok=True)
    return atomic_write(config_file, new.encode("utf-8"))


__all__ = ["DEFAULT", "DESCRIPTIONS", "PRESETS", "apply", "choose", "names"]
