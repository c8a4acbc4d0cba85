"""Whether an imported report belongs to this session and this repository.

Rules (documented in README, "Quality metrics"):

1. **Older than the session**: a report file whose modification time is before the session's
   start is refused. A JUnit ``timestamp`` (the time the suite started; read as local time
   when it has no offset) more than :data:`CLOCK_SKEW_S` before the start is refused too — CI
   machines' clocks differ a little, hence the allowance.
2. **Another repository**: a report that names source files (coverage.py JSON, Cobertura, lcov,
   Go cover profiles, ruff JSON) is refused when none of them is in this repository: a
   relative path must exist under the root (or under a Cobertura ``<source>`` that is under the
   root), an absolute path must lie under the root. Reports made on another machine must use
   relative paths (coverage.py: ``[run] relative_files = true``).
"""

from __future__ import annotations

import os
from datetime import datetime

from session_tracker.core.clock import parse_iso
from session_tracker.errors import TrackerError
from session_tracker.metrics.parsers import Report

CLOCK_SKEW_S = 300.0


def _under(path: str, root: str) -> bool:
    real = os.path.realpath(path)
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def check(path: str, report: Report, root: str, session_start: str) -> None:
    """Refuse a report older than the session or from another repository.

    Raises:
        TrackerError: naming the file, its time or paths, and the rule it breaks.
    """
    start = parse_iso(session_start).timestamp() if session_start else None
    if start is not None:
        mtime = os.stat(path).st_mtime
        if mtime < start:
            made = datetime.fromtimestamp(mtime).astimezone().isoformat(timespec="seconds")
            raise TrackerError(
                f"{path} was written at {made}, before this session started ({session_start[:19]}); refused rather than mixed in",
                "re-run the checks in this session, or import it into the session it belongs to with --session",
            )
        if report.timestamp:
            try:
                stamp = datetime.fromisoformat(report.timestamp)
                moment = (stamp if stamp.tzinfo else stamp.astimezone()).timestamp()
            except ValueError:
                moment = None
            if moment is not None and moment < start - CLOCK_SKEW_S:
                raise TrackerError(
                    f"{path} says its tests ran at {report.timestamp}, before this session started ({session_start[:19]})",
                    "re-run the tests in this session",
                )
    if not report.sources:
        return
    real_root = os.path.realpath(root)
    bases = [real_root] + [os.path.realpath(r) for r in report.source_roots if os.path.isabs(r) and _under(r, real_root)]
    for source in report.sources:
        if os.path.isabs(source):
            if _under(source, real_root):
                return
        elif any(os.path.exists(os.path.join(base, source)) for base in bases):
            return
    sample = ", ".join(report.sources[:3])
    raise TrackerError(
        f"{path} is from another repository: none of the files it names ({sample}{', …' if len(report.sources) > 3 else ''}) "
        f"is in {root}",
        "import reports made from this repository's code (with relative paths when made on another machine)",
    )
