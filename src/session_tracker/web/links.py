"""Where each page lives: paths on the server, flat file names in the static export.

One object decides every link, so a template never spells a URL and the two faces cannot drift.
"""

from __future__ import annotations

from urllib.parse import quote


class Links:
    """Links of one face. ``static=True``: the export's flat files (``session-00003.html``);
    else the server's paths (``/sessions/00003``)."""

    __slots__ = ("static",)

    def __init__(self, static: bool = False) -> None:
        self.static = static

    def page(self, name: str) -> str:
        """A top-level page: sessions, plan, decisions, work, metrics, search."""
        if self.static:
            return "index.html" if name == "sessions" else f"{name}.html"
        return "/" if name == "sessions" else f"/{name}"

    def session(self, name: str, sid: str = "") -> str:
        """A session's page (``sid`` disambiguates two sessions of one name after a merge)."""
        if self.static:
            return f"session-{quote(name)}{'-' + sid if sid else ''}.html"
        return f"/sessions/{quote(name)}" + (f"?sid={quote(sid)}" if sid else "")

    def decision(self, event_id: str) -> str:
        """A decision's own page."""
        return f"decision-{quote(event_id)}.html" if self.static else f"/decisions/{quote(event_id)}"

    def anchor(self, name: str, event_id: str, sid: str = "") -> str:
        """An entry in its session's timeline."""
        return f"{self.session(name, sid)}#e-{quote(event_id)}"

    def asset(self, filename: str) -> str:
        """A file of ``static/`` (script, style)."""
        return f"static/{filename}" if self.static else f"/static/{filename}"
