"""``export --html DIR``: the dashboard's pages as a self-contained static site.

Flat files (``index.html``, ``session-<name>.html``, ``decision-<id>.html``, ``plan.html``,
``decisions.html``, ``work.html``, ``metrics.html``, ``search.html``), ``static/`` (the script
and style), and ``search-index.js`` — every searchable text as ``window.STRACK_INDEX = [[href,
session, type, when, at, text], …]``, a script rather than JSON so search works from
``file://`` too. Each page states its Content-Security-Policy in a ``<meta>``: nothing from
elsewhere.

The site is built in a temporary directory beside ``DIR`` and moved into place at the end, so a
failed export leaves the previous one whole. ``DIR`` must be empty, missing, or an earlier
export (it holds the marker file ``.session-tracker-export``): nothing else is ever replaced.
Session files are read one at a time, so memory stays bounded by the largest session.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile

from session_tracker.errors import TrackerError
from session_tracker.paths import Layout

MARKER = ".session-tracker-export"
MAX_TEXT = 2000  # characters of one text in the search index


def _check_target(target: str) -> None:
    if not os.path.exists(target):
        return
    if not os.path.isdir(target):
        raise TrackerError(f"{target} exists and is not a directory", "give a new or empty directory to --html")
    if os.listdir(target) and not os.path.exists(os.path.join(target, MARKER)):
        raise TrackerError(f"{target} is not empty and holds no earlier export", "give a new or empty directory to --html")


def export_html(layout: Layout, target: str) -> dict[str, object]:
    """Write the static site for the store at ``layout`` into ``target``.

    Returns:
        ``{"v", "dir", "pages", "sessions", "decisions", "search_items", "bytes"}``.
    Raises:
        TrackerError: jinja2 is missing; ``target`` is a file, or a non-empty directory that is
        not an earlier export; the directory cannot be written.
    """
    from session_tracker.clock import display
    from session_tracker.web import require

    require("jinja2")
    from session_tracker.model import Project
    from session_tracker.web.data import Store
    from session_tracker.web.pages import STATIC_DIR, STATIC_FILES
    from session_tracker.web.search import texts
    from session_tracker.web.site import Site
    from session_tracker.web.views import ambiguous_names, decisions, session_href

    target = os.path.abspath(target)
    _check_target(target)
    parent = os.path.dirname(target)
    try:
        os.makedirs(parent, exist_ok=True)
        work = tempfile.mkdtemp(prefix=".export-", dir=parent)
    except OSError as exc:
        raise TrackerError(f"cannot write in {parent}: {exc.strerror}", "choose a directory you can write to") from None
    store = Store(layout)
    site = Site(store, static=True, live=False)
    snap = store.snapshot()
    links = site.links
    written = [0, 0]  # pages, bytes

    def put(name: str, text: str) -> None:
        data = text.encode("utf-8")
        with open(os.path.join(work, name), "wb") as handle:
            handle.write(data)
        written[0] += name.endswith(".html")
        written[1] += len(data)

    try:
        os.mkdir(os.path.join(work, "static"))
        for name in STATIC_FILES:
            shutil.copyfile(os.path.join(STATIC_DIR, name), os.path.join(work, "static", name))
        put("index.html", site.sessions(snap))
        put("plan.html", site.plan(snap))
        put("decisions.html", site.decisions(snap))
        put("work.html", site.work(snap))
        put("metrics.html", site.metrics(snap))
        put("search.html", site.search(snap))
        for row in decisions(snap)["decisions"]:  # type: ignore[attr-defined]
            put(links.decision(str(row["id"])), site.decision(snap, str(row["id"])))
        items = 0
        sessions = 0
        with open(os.path.join(work, "search-index.js"), "w", encoding="utf-8") as index:
            index.write("window.STRACK_INDEX = [\n")
            blockers = Project([s for s in snap.project.sessions if s.of_type("blocker.opened", "blocker.resolved")], [])
            twice = ambiguous_names(snap)
            for session in store.each_session():
                sessions += 1
                href = session_href(links, snap, session.name, session.sid, twice)
                put(href, site.session(snap, blockers, session))
                for event, text in texts(session):
                    if not text:
                        continue
                    link = links.decision(event.id) if event.type == "decision" else f"{href}#e-{event.id}"
                    row = [link, session.name, event.type, display(event.moment, session.tz), event.moment, text[:MAX_TEXT]]
                    index.write(json.dumps(row, ensure_ascii=False).replace("</", "<\\/") + ",\n")
                    items += 1
            index.write("];\n")
        written[1] += os.path.getsize(os.path.join(work, "search-index.js"))
        with open(os.path.join(work, MARKER), "w", encoding="utf-8") as handle:
            handle.write("A static export of session-tracker's dashboard; `session-tracker export --html` replaces it whole.\n")
        os.chmod(work, 0o755)  # mkdtemp made it private; the site is meant to be shared
        _swap(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return {"v": 1, "dir": target, "pages": written[0], "sessions": sessions,
            "decisions": len(decisions(snap)["decisions"]), "search_items": items, "bytes": written[1]}  # type: ignore[arg-type]


def _swap(work: str, target: str) -> None:
    """Move the finished site into place; an earlier export is removed only after."""
    old = None
    if os.path.exists(target):
        old = target + ".old-export"
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
    try:
        os.replace(work, target)
    except OSError as exc:
        if old is not None:
            os.replace(old, target)
        raise TrackerError(f"cannot move the export into {target}: {exc.strerror}", "check the directory's permissions") from None
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
