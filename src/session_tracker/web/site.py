"""Every page as HTML, for the server and the static export alike (one place builds pages)."""

from __future__ import annotations

from session_tracker.core.events import Event
from session_tracker.core.model import Project, Session
from session_tracker.web import pages, timeline, views
from session_tracker.web.data import Snapshot, Store
from session_tracker.web.links import Links
from session_tracker.web.when import when


class Site:
    """Pages of one face.

    Args:
        store: where the data comes from.
        static: build the export's pages (flat links, CSP in a <meta>, search in the browser).
        live: pages poll ``/api/v1/version`` and refresh their content when the store changes.
        poll_ms: how often they poll (milliseconds).
    """

    def __init__(self, store: Store, static: bool = False, live: bool = True, poll_ms: int = 2000) -> None:
        self.store = store
        self.static = static
        self.live = live and not static
        self.poll_ms = poll_ms
        self.links = Links(static=static)

    def _page(self, template: str, snap: Snapshot, title: str, **data: object) -> str:
        return pages.render(template, links=self.links, static=self.static, live=self.live, poll_ms=self.poll_ms,
                            stamp=snap.stamp, title=title, **data)

    def sessions(self, snap: Snapshot, q: str = "", status: str = "", agent: str = "", page: int = 1) -> str:
        """The sessions list (the export lists every session on one page)."""
        if self.static:
            data = views.sessions_page(snap, self.links, page_size=len(snap.rows))
        else:
            data = views.sessions_page(snap, self.links, q=q, status=status, agent=agent, page=page)
        return self._page("sessions.html", snap, "Sessions", **data)

    def session(self, snap: Snapshot, project: Project, session: Session) -> str:
        """One session (``project`` holds at least every session's blockers): timeline,
        swimlanes, decisions, blockers, commits, files, commands, agent activity, receipts."""
        show = views.show_api(snap, project, session, with_timeline=False)
        mine = [(b, r) for b, r in project.blockers() if b.sid == session.sid]
        blockers = [{"id": b.text("blocker"), "message": b.text("message"), "resolved": r.text("message") if r else ""} for b, r in mine]
        return self._page("session.html", snap, f"Session {session.name}", show=show, blockers=blockers,
                          started=when(session.start_moment, session.tz) if session.start_moment else "",
                          ended=when(session.end_moment, session.tz) if session.end_moment else "",
                          timeline=timeline.timeline(session, self.links), lanes_svg=timeline.lanes(session, self.links),
                          activity=timeline.activity(session), receipts=timeline.receipts(session, self.store))

    def decision(self, snap: Snapshot, event_id: str) -> str:
        """A decision's page. Raises views.NotFound."""
        return self._page("decision.html", snap, "Decision", d=views.decision(self.store, snap, event_id, self.links))

    def decision_event(self, snap: Snapshot, event: Event, tz: str) -> str:
        """A decision's page from its event (the export: no look-up per decision)."""
        return self._page("decision.html", snap, "Decision", d=views.decision_view(snap, event, self.links, tz))

    def decisions(self, snap: Snapshot, limit: int = 500) -> str:
        """The decision log, newest first (the export lists all)."""
        found = views.decisions(snap, self.links, limit=None if self.static else limit)
        return self._page("decisions.html", snap, "Decisions", decisions=found["decisions"], total=found["total"])

    def work(self, snap: Snapshot) -> str:
        """Open blockers, next steps and open questions across sessions."""
        return self._page("work.html", snap, "Blockers and next steps", w=views.work(snap, self.links))

    def plan(self, snap: Snapshot) -> str:
        """The plan board."""
        return self._page("plan.html", snap, "Plan", p=views.plan_board(snap))

    def metrics(self, snap: Snapshot) -> str:
        """Metrics over sessions as charts, and the newest rows."""
        return self._page("metrics.html", snap, "Metrics", charts=views.metric_charts(snap), rows=views.metrics(snap)["sessions"])

    def search(self, snap: Snapshot, query: str = "") -> str:
        """Search results (server), or the empty page the export's script fills in."""
        found: dict[str, object] = {"results": [], "count": 0, "error": ""}
        if query and not self.static:
            from session_tracker.web.search import search_page

            found = search_page(self.store, snap, query, self.links)
            for r in found["results"]:  # type: ignore[attr-defined]
                r["parts"] = _parts(str(r["snippet"]), r["highlights"])
        return self._page("search.html", snap, "Search", query=query, results=found["results"], total=found["count"], error=found["error"])

    def error(self, snap: Snapshot, title: str, message: str) -> str:
        """A page saying what was not found."""
        return self._page("error.html", snap, title, message=message)


def _parts(text: str, marks: list[list[int]]) -> list[tuple[str, bool]]:
    """Split a snippet into (text, is_match) runs for the template to mark safely."""
    out: list[tuple[str, bool]] = []
    at = 0
    for start, end in sorted(marks):
        if start < at:
            continue
        if start > at:
            out.append((text[at:start], False))
        out.append((text[start:end], True))
        at = end
    if at < len(text):
        out.append((text[at:], False))
    return out
