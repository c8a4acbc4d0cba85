"""The starlette application: the dashboard's pages and the versioned JSON API (``/api/v1``).

Endpoints are plain (sync) functions: starlette runs them in its thread pool, and the
:class:`~.data.Store` they share is thread-safe. Every JSON body carries ``"v"``.

API (bodies documented in :mod:`.views` and :mod:`.search`)::

    /api/v1/version              {"v", "stamp"}: changes when the store changes (live update)
    /api/v1/sessions             = `list --json`
    /api/v1/sessions/{name}      = `show NAME --json` (?sid= picks one of a colliding name)
    /api/v1/status               = `status --json`
    /api/v1/tasks                = `task list --json`
    /api/v1/metrics              = the rows of `metrics history --json`
    /api/v1/decisions[/{id}]     the decision log / one decision
    /api/v1/blockers             open blockers, next steps, open questions
    /api/v1/plan                 phases, milestones, components, tasks by status
    /api/v1/search?q=…&limit=N   = `search QUERY --json` (ranked, snippets with highlights)
"""

from __future__ import annotations

import json
import os
import threading

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Route

from session_tracker.core.context import Context
from session_tracker.errors import TrackerError
from session_tracker.web import API_VERSION, views
from session_tracker.web.data import Store
from session_tracker.web.pages import STATIC_DIR, STATIC_FILES
from session_tracker.web.security import ASGIApp, Guard
from session_tracker.web.site import Site


def _json(body: dict[str, object], status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False, default=str), status_code=status, media_type="application/json; charset=utf-8")


class _Memo:
    """Command results (``status``, ``task list``) remembered until the store's stamp changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[str, tuple[str, dict[str, object]]] = {}

    def get(self, key: str, stamp: str, compute: object) -> dict[str, object]:
        with self._lock:
            found = self._values.get(key)
            if found is not None and found[0] == stamp:
                return found[1]
        value: dict[str, object] = compute()  # type: ignore[operator]
        with self._lock:
            self._values[key] = (stamp, value)
        return value


def build(store: Store, hosts: frozenset[str], token: str | None, poll_ms: int = 2000) -> ASGIApp:
    """The dashboard as an ASGI application behind the :class:`~.security.Guard`.

    Args:
        store: the data source; hosts: allowed Host names; token: required secret or None;
        poll_ms: how often pages check for new events (milliseconds).
    """
    store.start(every_s=min(1.0, poll_ms / 2000))
    site = Site(store, static=False, live=True, poll_ms=poll_ms)
    links = site.links
    memo = _Memo()

    def html(body: str, status: int = 200) -> HTMLResponse:
        return HTMLResponse(body, status_code=status)

    def not_found(request: Request, message: str) -> Response:
        if request.url.path.startswith("/api/"):
            return _json({"v": API_VERSION, "error": message}, 404)
        return html(site.error(store.snapshot(), "Not found", message), 404)

    def page_sessions(request: Request) -> Response:
        q = request.query_params
        try:
            page = int(q.get("page", "1"))
        except ValueError:
            page = 1
        return html(site.sessions(store.snapshot(), q=q.get("q", ""), status=q.get("status", ""), agent=q.get("agent", ""), page=page))

    def page_session(request: Request) -> Response:
        snap = store.snapshot()
        try:
            project, chosen = views.pick(store, request.path_params["key"], request.query_params.get("sid", ""))
        except views.NotFound as exc:
            return not_found(request, str(exc))
        return html(site.session(snap, project, chosen))

    def page_decision(request: Request) -> Response:
        try:
            return html(site.decision(store.snapshot(), request.path_params["id"]))
        except views.NotFound as exc:
            return not_found(request, str(exc))

    def api_session(request: Request) -> Response:
        try:
            project, chosen = views.pick(store, request.path_params["key"], request.query_params.get("sid", ""))
        except views.NotFound as exc:
            return not_found(request, str(exc))
        return _json(views.show_api(store.snapshot(), project, chosen))

    def api_decision(request: Request) -> Response:
        try:
            found = views.decision(store, store.snapshot(), request.path_params["id"], links)
        except views.NotFound as exc:
            return not_found(request, str(exc))
        return _json({k: v for k, v in found.items() if k not in ("session_href", "anchor", "when")})

    def api_status(request: Request) -> Response:
        from session_tracker.commands.status import status

        snap = store.snapshot()
        return _json(memo.get("status", snap.stamp, lambda: status(Context(layout=store.layout, env={}))))

    def api_tasks(request: Request) -> Response:
        from session_tracker.commands.plan import task_list

        snap = store.snapshot()
        return _json(memo.get("tasks", snap.stamp, lambda: task_list(Context(layout=store.layout, env={}))))

    def api_search(request: Request) -> Response:
        from session_tracker.web.search import search_api

        try:
            limit = max(1, min(1000, int(request.query_params.get("limit", "50"))))
        except ValueError:
            limit = 50
        try:
            return _json(search_api(store, request.query_params.get("q", ""), limit=limit))
        except TrackerError as exc:
            return _json({"v": API_VERSION, "error": exc.message, "hint": exc.hint}, 400)

    def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC_FILES:  # a fixed list: no path from the request reaches the disk
            return not_found(request, f"no file {name!r}")
        media = "text/javascript; charset=utf-8" if name.endswith(".js") else "text/css; charset=utf-8"
        return FileResponse(os.path.join(STATIC_DIR, name), media_type=media)

    routes = [
        Route("/", page_sessions),
        Route("/sessions/{key}", page_session),
        Route("/decisions/{id}", page_decision),
        Route("/decisions", lambda r: html(site.decisions(store.snapshot()))),
        Route("/work", lambda r: html(site.work(store.snapshot()))),
        Route("/plan", lambda r: html(site.plan(store.snapshot()))),
        Route("/metrics", lambda r: html(site.metrics(store.snapshot()))),
        Route("/search", lambda r: html(site.search(store.snapshot(), r.query_params.get("q", "")))),
        Route("/static/{name}", static),
        Route("/api/v1/version", lambda r: _json({"v": API_VERSION, "stamp": store.snapshot().stamp})),
        Route("/api/v1/sessions", lambda r: _json(views.sessions_api(store.snapshot()))),
        Route("/api/v1/sessions/{key}", api_session),
        Route("/api/v1/decisions", lambda r: _json(views.decisions(store.snapshot()))),
        Route("/api/v1/decisions/{id}", api_decision),
        Route("/api/v1/blockers", lambda r: _json(views.work(store.snapshot()))),
        Route("/api/v1/plan", lambda r: _json(views.plan_board(store.snapshot()))),
        Route("/api/v1/metrics", lambda r: _json(views.metrics(store.snapshot()))),
        Route("/api/v1/status", api_status),
        Route("/api/v1/tasks", api_tasks),
        Route("/api/v1/search", api_search),
    ]

    async def missing(request: Request, exc: Exception) -> Response:
        return not_found(request, f"nothing at {request.url.path}")

    async def broken(request: Request, exc: Exception) -> Response:
        message = str(exc) if isinstance(exc, TrackerError) else f"internal error: {type(exc).__name__}"
        hint = exc.hint if isinstance(exc, TrackerError) else "run `session-tracker doctor`"
        if request.url.path.startswith("/api/"):
            return _json({"v": API_VERSION, "error": message, "hint": hint}, 500)
        return Response(f"error: {message}\nhint: {hint}\n", status_code=500, media_type="text/plain; charset=utf-8")

    app = Starlette(routes=routes, exception_handlers={404: missing, TrackerError: broken, Exception: broken})
    return Guard(app, hosts, token)
