"""Where the metrics chart goes: beside the project tracker (cheap to import: capture uses it)."""

from __future__ import annotations

import posixpath


def chart_path(config: dict[str, dict[str, object]]) -> str | None:
    """The chart's path relative to the project root, '/'-separated, or None when switched off.

    ``[metrics] chart`` is relative to the directory of ``[documents] tracker``
    (SESSION_TRACKER.md, at the root by default), so the tracker links it by its bare name.
    """
    chart = config.get("metrics", {}).get("chart")
    if not isinstance(chart, str) or not chart:
        return None
    tracker = config.get("documents", {}).get("tracker")
    base = posixpath.dirname(tracker) if isinstance(tracker, str) else ""
    return posixpath.normpath(posixpath.join(base, chart))
