"""The dashboard face (issue 17): ``serve`` (a local, read-only web view and JSON API) and
``export --html`` (the same pages as a static site).

Optional extra ``session-tracker[web]`` (starlette, uvicorn, jinja2). Nothing outside this
package imports it except the two commands in :mod:`session_tracker.cli_web`, which import it
inside their functions; the core never does.

Modules: ``data`` (the one place pages read the store from), ``views`` (the pages' data and the
API's bodies), ``charts`` (inline SVG), ``pages`` (jinja2 rendering), ``security`` (Host
allowlist, token, loopback), ``app`` (the starlette application), ``serve``, ``export``.
"""

from __future__ import annotations

from session_tracker.errors import TrackerError

API_VERSION = 1  # "v" of every /api/v1 body


def require(*modules: str) -> None:
    """Import-check the optional dependencies; raise a TrackerError naming the extra.

    Raises:
        TrackerError: one of ``modules`` is not installed.
    """
    import importlib.util

    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        raise TrackerError(
            f"the dashboard needs {', '.join(missing)}, which is not installed",
            "install the extra: pip install 'session-tracker[web]'",
        )
