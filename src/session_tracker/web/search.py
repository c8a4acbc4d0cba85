"""Search for the dashboard: the ``search`` command's answer (the index's FTS5, BM25-ranked,
issue 16) with links, and what the static export's in-browser search indexes.

The export indexes the same text per event as the index does (:func:`index.text.searchable`),
and its script applies the same query rules (words, ``"a phrase"``, ``prefix*``), so a search
in the shared site finds what ``session-tracker search`` finds.
"""

from __future__ import annotations

from collections.abc import Iterator

from session_tracker.core.events import Event
from session_tracker.core.model import Session
from session_tracker.web.data import Snapshot, Store
from session_tracker.web.links import Links
from session_tracker.web.when import when


def search_api(store: Store, query: str, limit: int = 50) -> dict[str, object]:
    """``GET /api/v1/search?q=…``: the body of ``search --json`` — ``{"v", "query", "count",
    "results": [{ref, id, kind, type, session, sid, at, actor, snippet, highlights, score}]}``
    (best first) — from the index as the latest snapshot left it (``commands.search.search``
    would first bring it up to date with every event file, which the snapshots already do).

    Raises:
        TrackerError: an empty query or one FTS5 refuses (the command's messages).
    """
    from session_tracker.commands.search import answer

    conn = store.reader()
    try:
        return answer(conn, query, limit=limit)
    finally:
        conn.close()


def search_page(store: Store, snap: Snapshot, query: str, links: Links, limit: int = 50) -> dict[str, object]:
    """The search page's results: :func:`search_api`'s, each with ``href`` (a decision's page,
    else the entry in its session's timeline) and ``when`` (in the session's offset); an empty
    or refused query gives no results and ``error``."""
    from session_tracker.errors import TrackerError
    from session_tracker.web.views import ambiguous_names, session_href, zones

    if not query.strip():
        return {"results": [], "count": 0, "error": ""}
    try:
        found = search_api(store, query, limit)
    except TrackerError as exc:
        return {"results": [], "count": 0, "error": exc.message}
    tz = zones(snap)
    twice = ambiguous_names(snap)
    results: list[dict[str, object]] = []
    for r in found["results"]:  # type: ignore[attr-defined]
        name, sid, event_id = str(r["session"]), str(r["sid"]), str(r["id"])
        href = links.decision(event_id) if r["type"] == "decision" else session_href(links, snap, name, sid, twice) + f"#e-{event_id}"
        results.append({**r, "href": href, "when": when(str(r["at"]), tz.get(sid, "+00:00"))})
    return {"results": results, "count": found["count"], "error": ""}


def texts(session: Session) -> Iterator[tuple[Event, str]]:
    """Every searchable text of a session, as the index takes it: ``(event, text)``."""
    from session_tracker.index.text import searchable

    for event in session.events:
        found = searchable(event.type, event.data)
        if found is not None:
            yield event, found[1].replace("\n", " · ")
