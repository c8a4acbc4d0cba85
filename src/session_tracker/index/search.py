"""Full-text search over the index (FTS5, BM25 ranking, highlighted snippets).

Query language (what a person types): words match their forms anywhere (``unicode61``
tokens: ``src/app.py`` is ``src app py``); ``"two words"`` is a phrase; ``word*`` a prefix;
``AND``, ``OR``, ``NOT`` (upper case) combine; words side by side must all match. Everything
else is quoted before it reaches FTS5, so punctuation never makes a syntax error.
"""

from __future__ import annotations

import re

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3

OPEN_MARK, CLOSE_MARK = "\x02", "\x03"
DEFAULT_LIMIT = 20
_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')
_OPERATORS = {"AND", "OR", "NOT"}
KINDS = ("entry", "decision", "blocker", "next", "task", "question", "handoff", "commit", "file", "command", "session",
         "issue", "memory", "risk", "review", "gate", "plan", "other")


def fts_query(text: str) -> str:
    """The FTS5 expression for a person's query (see the module doc).

    Raises:
        ValueError: the query holds no word to search for.
    """
    parts: list[str] = []
    for phrase, word in _TOKEN.findall(text):
        if phrase:
            words = phrase.replace('"', " ").split()
            if words:
                parts.append('"' + " ".join(words) + '"')
        elif word in _OPERATORS:
            if parts and parts[-1] not in _OPERATORS:
                parts.append(word)
        elif word:
            prefix = word.endswith("*") and len(word.rstrip("*")) > 0
            core = word.rstrip("*").replace('"', "")
            if core:
                parts.append('"' + core + '"' + ("*" if prefix else ""))
    while parts and parts[-1] in _OPERATORS:
        parts.pop()
    if not parts:
        raise ValueError("empty query")
    return " ".join(parts)


def split_snippet(marked: str) -> tuple[str, list[list[int]]]:
    """``(text, [[start, end], …])``: the snippet without its markers and where they were."""
    spans: list[list[int]] = []
    out: list[str] = []
    length = 0
    start = -1
    for piece in re.split(f"([{OPEN_MARK}{CLOSE_MARK}])", marked):
        if piece == OPEN_MARK:
            start = length
        elif piece == CLOSE_MARK:
            if start >= 0:
                spans.append([start, length])
            start = -1
        else:
            out.append(piece)
            length += len(piece)
    return "".join(out), spans


def search(
    conn: sqlite3.Connection,
    text: str,
    *,
    session: str | None = None,
    kinds: tuple[str, ...] = (),
    since: float | None = None,
    until: float | None = None,
    agent: str | None = None,
    file: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> list[dict[str, object]]:
    """Matches in rank order (best first: BM25), at most ``limit``.

    Args:
        session: a session number, or a prefix of its ULID.
        kinds: only these kinds of item (:data:`KINDS`).
        since, until: epoch seconds bounding the time the item describes.
        agent: written by this actor, or in a session this agent started.
        file: only sessions that touched this path (exact, or a path ending in ``/<file>``).
    Returns:
        ``[{ref, id, kind, type, session, sid, at, actor, snippet, highlights, score}]``; ``ref``
        is the index row (for :func:`session_tracker.index.query.event`), ``highlights`` the
        ``[start, end)`` character spans of the matches in ``snippet``, ``score`` BM25 (lower
        is better).
    Raises:
        ValueError: an empty query.
        sqlite3.OperationalError: FTS5 refused the expression.
    """
    where = ["fts MATCH ?"]
    args: list[object] = [fts_query(text)]
    if session:
        where.append("(i.session = ? OR i.sid LIKE ?)")
        args += [session, session.upper() + "%"]
    if kinds:
        where.append(f"i.kind IN ({', '.join('?' * len(kinds))})")
        args += list(kinds)
    if since is not None:
        where.append("i.t >= ?")
        args.append(since)
    if until is not None:
        where.append("i.t <= ?")
        args.append(until)
    if agent:
        where.append("(i.actor = ? OR i.sid IN (SELECT sid FROM sessions WHERE agent = ?))")
        args += [agent, agent]
    if file:
        where.append("i.sid IN (SELECT sid FROM paths WHERE path = ? OR path LIKE ?)")
        args += [file, "%/" + file.replace("%", r"\%").replace("_", r"\_")]
    sql = (
        f"SELECT fts.rowid, i.kind, i.session, i.sid, i.moment, i.actor, i.type, i.id, "
        f"snippet(fts, 0, '{OPEN_MARK}', '{CLOSE_MARK}', '…', 16), bm25(fts) AS score "
        f"FROM fts JOIN events i ON i.rowid = fts.rowid "
        f"WHERE {' AND '.join(where)} ORDER BY score, fts.rowid LIMIT ?"
    )
    args.append(max(1, int(limit)))
    out = []
    for ref, kind, name, sid, moment, actor, type_, event_id, marked, score in conn.execute(sql, args):
        snippet, spans = split_snippet(str(marked).replace("\n", " · "))
        out.append({"ref": ref, "id": event_id, "kind": kind, "type": type_, "session": name, "sid": sid, "at": moment,
                    "actor": actor, "snippet": snippet, "highlights": spans, "score": round(float(score), 4)})
    return out
