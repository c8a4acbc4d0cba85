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
Session files are read one at a time, so memory stays bounded by the largest session; session
pages are rendered by forked worker processes (one per CPU, at most 8), each writing its own
part of the search index, which are joined in order at the end.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile

from session_tracker.core.model import Project
from session_tracker.core.paths import Layout
from session_tracker.errors import TrackerError
from session_tracker.web.site import Site

TYPE_CHECKING = False
if TYPE_CHECKING:
    from session_tracker.web.data import Snapshot

MARKER = ".session-tracker-export"
MAX_TEXT = 2000  # characters of one text in the search index


def _check_target(target: str) -> None:
    if not os.path.exists(target):
        return
    if not os.path.isdir(target):
        raise TrackerError(f"{target} exists and is not a directory", "give a new or empty directory to --html")
    if os.listdir(target) and not os.path.exists(os.path.join(target, MARKER)):
        raise TrackerError(f"{target} is not empty and holds no earlier export", "give a new or empty directory to --html")


class _Job:
    """What every worker renders from: set in the parent before the workers fork, so they share
    the snapshot (the project-wide fold) instead of each building it again."""

    site: Site
    snap: Snapshot
    blockers: Project
    twice: set[str]
    work: str


def _render(part: tuple[int, list[tuple[str, str]]]) -> tuple[int, int, int, int, int]:
    """Render the session and decision pages of one slice of event files and its part of the
    search index (``search-index.<n>.part``); return (sessions, pages, bytes, search items,
    decisions)."""
    from session_tracker.web.search import texts
    from session_tracker.web.views import session_href
    from session_tracker.web.when import when

    number, files = part
    site, snap, links = _Job.site, _Job.snap, _Job.site.links
    sessions = pages = size = items = decisions = 0
    with open(os.path.join(_Job.work, f"search-index.{number:05d}.part"), "w", encoding="utf-8") as index:
        for session in site.store.read_files(files):
            sessions += 1
            href = session_href(links, snap, session.name, session.sid, _Job.twice)
            data = site.session(snap, _Job.blockers, session).encode("utf-8")
            with open(os.path.join(_Job.work, href), "wb") as handle:
                handle.write(data)
            pages += 1
            size += len(data)
            for event in session.of_type("decision"):
                data = site.decision_event(snap, event, session.tz).encode("utf-8")
                with open(os.path.join(_Job.work, links.decision(event.id)), "wb") as handle:
                    handle.write(data)
                pages += 1
                size += len(data)
                decisions += 1
            for event, text in texts(session):
                link = links.decision(event.id) if event.type == "decision" else f"{href}#e-{event.id}"
                row = [link, session.name, event.type, when(event.moment, session.tz), event.moment, text[:MAX_TEXT]]
                index.write(json.dumps(row, ensure_ascii=False).replace("</", "<\\/") + ",\n")
                items += 1
    return sessions, pages, size, items, decisions


def export_html(layout: Layout, target: str, jobs: int | None = None) -> dict[str, object]:
    """Write the static site for the store at ``layout`` into ``target``.

    Args:
        jobs: processes rendering session pages (default: the CPUs, at most 8; 1 renders in
            this process). Workers are forked, so elsewhere than POSIX it is always 1.
    Returns:
        ``{"v", "dir", "pages", "sessions", "decisions", "search_items", "bytes"}``.
    Raises:
        TrackerError: jinja2 is missing; ``target`` is a file, or a non-empty directory that is
        not an earlier export; the directory cannot be written.
    """
    from session_tracker.web import require

    require("jinja2")
    import multiprocessing

    from session_tracker.web.data import Store
    from session_tracker.web.pages import STATIC_DIR, STATIC_FILES
    from session_tracker.web.views import ambiguous_names

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
        _Job.site, _Job.snap, _Job.twice, _Job.work, _Job.blockers = site, snap, ambiguous_names(snap), work, snap.blockers
        files = store.files()
        workers = max(1, min(jobs or os.cpu_count() or 1, 8, len(files) or 1))
        if "fork" not in multiprocessing.get_all_start_methods():
            workers = 1
        size = max(1, min(200, len(files) // (workers * 4) or 1))
        parts = [(n, files[i:i + size]) for n, i in enumerate(range(0, len(files), size))]
        if workers == 1:
            counts = [_render(part) for part in parts]
        else:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                counts = pool.map(_render, parts, chunksize=1)
        sessions = sum(c[0] for c in counts)
        written[0] += sum(c[1] for c in counts)
        written[1] += sum(c[2] for c in counts)
        items = sum(c[3] for c in counts)
        decisions = sum(c[4] for c in counts)
        index = os.path.join(work, "search-index.js")
        with open(index, "w", encoding="utf-8") as out:
            out.write("window.STRACK_INDEX = [\n")
            for number, _ in parts:
                part = os.path.join(work, f"search-index.{number:05d}.part")
                with open(part, encoding="utf-8") as handle:
                    shutil.copyfileobj(handle, out)
                os.remove(part)
            out.write("];\n")
        written[1] += os.path.getsize(index)
        with open(os.path.join(work, MARKER), "w", encoding="utf-8") as handle:
            handle.write("A static export of session-tracker's dashboard; `session-tracker export --html` replaces it whole.\n")
        os.chmod(work, 0o755)  # mkdtemp made it private; the site is meant to be shared
        _swap(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return {"v": 1, "dir": target, "pages": written[0], "sessions": sessions,
            "decisions": decisions, "search_items": items, "bytes": written[1]}


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
