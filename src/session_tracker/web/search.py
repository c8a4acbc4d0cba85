"""Search for the dashboard: every text a session holds, ranked, with the matches marked.

Used until the SQLite index of issue 16 answers ``search``; :func:`search` is then a thin call
of it with the same result shape. Query syntax: words (each must match a whole word),
``"a phrase"``, and ``prefix*``; matching ignores case.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from session_tracker.clock import display
from session_tracker.events import Event
from session_tracker.model import Session
from session_tracker.web import API_VERSION
from session_tracker.web.data import Snapshot, Store
from session_tracker.web.links import Links

WEIGHT = {"decision": 3.0, "blocker.opened": 3.0, "blocker.resolved": 2.0, "session.started": 2.0, "commit": 1.5}
_TOKEN = re.compile(r'"([^"]+)"|(\S+)')


def parse(query: str) -> tuple[list[re.Pattern[str]], list[str]]:
    """The query's patterns and the literal words every match must contain (for a byte scan).

    ``"a b"`` → one phrase; ``ab*`` → words starting with ``ab``; anything else a whole word.
    """
    patterns: list[re.Pattern[str]] = []
    literals: list[str] = []
    for phrase, word in _TOKEN.findall(query):
        if phrase:
            words = phrase.split()
            if words:
                patterns.append(re.compile(r"\b" + r"\s+".join(re.escape(w) for w in words) + r"\b", re.IGNORECASE))
                literals.extend(words)
            continue
        if word.endswith("*") and len(word) > 1:
            stem = word.rstrip("*")
            patterns.append(re.compile(r"\b" + re.escape(stem) + r"\w*", re.IGNORECASE))
            literals.append(stem)
        elif word.strip("*"):
            patterns.append(re.compile(r"(?<!\w)" + re.escape(word) + r"(?!\w)", re.IGNORECASE))
            literals.append(word)
    return patterns, literals


def texts(session: Session) -> Iterator[tuple[Event, str]]:
    """Every searchable text of a session: entries, decisions (with rationale and
    alternatives), blockers and resolutions, handoff items, next steps, objectives, commits,
    file paths, commands, tasks."""
    for e in session.events:
        d, t = e.data, e.type
        if t == "session.started":
            yield e, " · ".join(e.texts("objectives"))
        elif t == "decision":
            yield e, " — ".join([e.text("message"), e.text("rationale"), *e.texts("alternatives")])
        elif t == "blocker.opened":
            yield e, " — ".join(x for x in (e.text("message"), e.text("plan")) if x)
        elif t == "session.ended":
            git = d.get("git")
            captured = git.get("files") if isinstance(git, dict) else None
            paths = [str(f.get("path")) for f in captured if isinstance(f, dict) and f.get("path")] if isinstance(captured, list) else []
            yield e, " · ".join([*e.texts("next"), *paths])
        elif t == "commit":
            yield e, f"{e.text('sha')[:10]} {e.text('subject')}"
        elif t == "files.changed":
            files = d.get("files")
            yield e, " · ".join(str(f.get("path")) for f in files if isinstance(f, dict)) if isinstance(files, list) else ""
        elif t == "file.touched":
            yield e, e.text("path")
        elif t == "command.run":
            yield e, e.text("command")
        elif t == "task.updated":
            yield e, " ".join((e.text("task"), e.text("status"), e.text("note")))
        else:
            found = [v for v in (e.text("message"), e.text("prompt"), e.text("text")) if v]
            if found:
                yield e, " — ".join(found)


def snippet(text: str, patterns: list[re.Pattern[str]], width: int = 160) -> tuple[str, list[list[int]]]:
    """A window of ``text`` around the first match, and the ``[start, end]`` of every match in
    that window (character offsets into the returned snippet)."""
    spans = sorted((m.start(), m.end()) for p in patterns for m in p.finditer(text))
    first = spans[0][0] if spans else 0
    start = max(0, first - width // 3)
    end = min(len(text), start + width)
    cut = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
    shift = start - (1 if start else 0)
    marks = [[a - shift, b - shift] for a, b in spans if a >= start and b <= end]
    return cut, marks


def search(store: Store, snap: Snapshot, query: str, links: Links, limit: int = 50) -> dict[str, object]:
    """``GET /api/v1/search?q=…``: ``{"v", "query", "total", "results": [{session, sid, id,
    type, at, when, snippet, marks [[start, end]], score, href}]}``, best first (score: matches
    weighted by kind, ties newest first). Every word of the query must match one text."""
    from session_tracker.web.views import session_href

    patterns, literals = parse(query)
    results: list[dict[str, object]] = []
    if patterns:
        for session in store.matching(literals):
            for event, text in texts(session):
                if not text or not all(p.search(text) for p in patterns):
                    continue
                hits = sum(len(p.findall(text)) for p in patterns)
                cut, marks = snippet(text, patterns)
                href = links.decision(event.id) if event.type == "decision" else session_href(links, snap, session.name, session.sid) + f"#e-{event.id}"
                results.append({"session": session.name, "sid": session.sid, "id": event.id, "type": event.type, "at": event.moment,
                                "when": display(event.moment, session.tz), "snippet": cut, "marks": marks,
                                "score": round(hits * WEIGHT.get(event.type, 1.0), 3), "href": href})
    results.sort(key=lambda r: (float(r["score"]), str(r["at"])), reverse=True)  # type: ignore[arg-type]
    return {"v": API_VERSION, "query": query, "total": len(results), "results": results[:limit]}
