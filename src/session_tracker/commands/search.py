"""``search``: full-text search over every session (issue 17), answered by the index.

The index is brought up to date (or rebuilt, when missing) before each search, so a result
never lags the event files. Text is searched as it was stored: redacted at write time, it
stays redacted here.
"""

from __future__ import annotations

from session_tracker.core.clock import iso, parse_at
from session_tracker.core.context import Context
from session_tracker.errors import TrackerError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3
    from typing import Any

#: The error for a query with nothing to search for.
EMPTY = ("nothing to search for", 'give words, a "phrase" or a prefix*: session-tracker search "rate limit"')

MAX_LIMIT = 1000


def _instant(text: str | None, flag: str) -> float | None:
    if not text:
        return None
    from session_tracker.core.clock import instant as seconds

    try:
        return seconds(iso(parse_at(text)))
    except TrackerError as exc:
        raise TrackerError(f"{flag}: {exc.message}", exc.hint) from None


def search(
    ctx: Context,
    query: str,
    session: str | None = None,
    kinds: tuple[str, ...] = (),
    since: str | None = None,
    until: str | None = None,
    agent: str | None = None,
    path: str | None = None,
    limit: int = 20,
) -> dict[str, object]:
    """Search; results best first (BM25).

    Returns ``{"v": 1, "query", "results": [{ref, id, kind, type, session, sid, at, actor,
    snippet, highlights [[start, end]], score}], "count"}`` (see
    :func:`session_tracker.index.search.search`).
    Raises:
        TrackerError: an empty query, an unknown ``--type``, a bad time, a bad ``--limit``.
    """
    from session_tracker import index
    from session_tracker.index.search import KINDS

    if not query.strip():
        raise TrackerError(*EMPTY)
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise TrackerError(f"unknown --type {unknown[0]!r}", "one of: " + ", ".join(KINDS))
    if not 1 <= limit <= MAX_LIMIT:
        raise TrackerError(f"--limit must be between 1 and {MAX_LIMIT}, not {limit}", "e.g. --limit 20")
    bounds = _instant(since, "--since"), _instant(until, "--until")
    conn = index.connect_fresh(ctx.layout)
    try:
        return answer(conn, query, session=session, kinds=tuple(kinds), since=bounds[0], until=bounds[1], agent=agent,
                      file=path, limit=limit)
    finally:
        conn.close()


def answer(conn: sqlite3.Connection, query: str, **filters: Any) -> dict[str, object]:
    """``search --json``'s body for ``query`` on an index connection (``filters``: those of
    :func:`session_tracker.index.search.search`); the one place a query becomes an answer or
    an error, for the command and the dashboard alike.

    Raises:
        TrackerError: an empty query, or one FTS5 refuses.
    """
    import sqlite3

    from session_tracker.index.search import search as run

    if not query.strip():
        raise TrackerError(*EMPTY)
    try:
        results = run(conn, query, **filters)
    except ValueError:
        raise TrackerError("nothing to search for", 'give words, a "phrase" or a prefix*') from None
    except sqlite3.OperationalError as exc:
        raise TrackerError(f"cannot search for {query!r}: {exc}", 'quote punctuation: "…"') from None
    return {"v": 1, "query": query, "count": len(results), "results": results}


def item(ctx: Context, ref: str) -> dict[str, object]:
    """One search result in full: the event with its session, by ``ref`` (index row) or id.

    Returns ``{"v": 1, "item": {id, type, session, sid, ts, at, actor, data, where}}``.
    Raises:
        TrackerError: no such item.
    """
    from session_tracker import index
    from session_tracker.index import query

    conn = index.connect_fresh(ctx.layout)
    try:
        found = query.event(conn, ctx.layout, int(ref) if ref.isdecimal() else ref)
    finally:
        conn.close()
    if found is None:
        raise TrackerError(f"no item {ref!r}", "use a ref or id from a search result")
    return {"v": 1, "item": {"id": found.id, "type": found.type, "session": found.session, "sid": found.sid, "ts": found.ts,
                             "at": found.moment, "actor": found.actor, "data": found.data, "where": found.where}}


BRIEF_SNIPPET = 160  # characters of a snippet an agent gets before it asks for the item


def brief(result: dict[str, object]) -> dict[str, object]:
    """The first, cheap answer for an agent (MCP): per result only ``ref``, kind, session,
    time and a snippet cut to :data:`BRIEF_SNIPPET` characters; ``item(ref)`` gives the rest."""
    rows: list[dict[str, object]] = result["results"]  # type: ignore[assignment]
    out = []
    for r in rows:
        snippet = str(r["snippet"])
        out.append({"ref": str(r["ref"]), "kind": r["kind"], "session": r["session"], "at": r["at"],
                    "snippet": snippet if len(snippet) <= BRIEF_SNIPPET else snippet[: BRIEF_SNIPPET - 1] + "…"})
    return {"v": 1, "query": result["query"], "count": len(out), "results": out,
            "more": "call search with ref=<ref> for one item in full"}
