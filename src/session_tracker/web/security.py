"""The dashboard's defences, as one ASGI middleware: safe by default.

* **DNS rebinding**: a page on ``evil.example`` whose name an attacker re-points at 127.0.0.1
  makes the browser send ``Host: evil.example``; every request whose Host is not an allowed name
  is refused with 403 before anything is read.
* **Token**: listening beyond loopback needs ``--token`` (checked by :func:`check_bind`); with a
  token, every request must carry it — ``Authorization: Bearer …``, the ``strack_token``
  cookie, or ``?token=…`` once (answered with a redirect that sets the cookie, so the token
  leaves the address bar). Compared in constant time.
* **Read-only**: only GET and HEAD; anything else is 405.
* Every answer carries a Content-Security-Policy allowing nothing from elsewhere, no framing,
  ``nosniff``, no referrer, ``no-store``, and ``Server-Timing: app;dur=<ms>``.
"""

from __future__ import annotations

import hmac
import ipaddress
import re
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

from session_tracker.errors import TrackerError
from session_tracker.web.pages import CSP

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

COOKIE = "strack_token"
_TOKEN = re.compile(r"[A-Za-z0-9._~+/=-]{8,256}\Z")
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARDS = frozenset({"0.0.0.0", "::", ""})
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1)."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None) -> None:
    """Refuse to listen beyond loopback without a token.

    Raises:
        TrackerError: ``host`` is not a loopback name/address and no token was given; the
            token is not 8-256 characters safe in a cookie and a header.
    """
    if token is not None and not _TOKEN.match(token):
        raise TrackerError(
            "the token must be 8-256 characters of letters, digits and . _ ~ + / = -",
            'make one: python -c "import secrets; print(secrets.token_urlsafe())"',
        )
    if not is_loopback(host) and not token:
        shown = host or "all interfaces"
        raise TrackerError(
            f"refusing to listen on {shown} without a token: anyone who can reach it could read every session",
            "add --token SECRET (or set SESSION_TRACKER_TOKEN), or keep the default --host 127.0.0.1",
        )


def allowed_hosts(bind: str, extra: tuple[str, ...] = ()) -> frozenset[str]:
    """Host header names accepted: loopback names, the bound address unless it is a wildcard,
    this machine's name when bound to a wildcard, and ``--allow-host`` names."""
    names = set(LOOPBACK_NAMES) | {h.lower().strip("[]") for h in extra if h}
    if bind in WILDCARDS:
        import socket

        names.add(socket.gethostname().lower())
    else:
        names.add(bind.lower().strip("[]"))
    return frozenset(names)


def host_name(header: str) -> str:
    """The name of a Host header without its port: ``[::1]:8080`` → ``::1``, ``a:80`` → ``a``."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    if header.count(":") == 1:
        return header.split(":", 1)[0]
    return header


class Guard:
    """ASGI middleware applying the rules of the module doc to every HTTP request.

    Args:
        app: the application behind it.
        hosts: allowed Host names (:func:`allowed_hosts`).
        token: the shared secret, or None when none is needed (loopback without --token).
    """

    def __init__(self, app: ASGIApp, hosts: frozenset[str], token: str | None) -> None:
        self.app = app
        self.hosts = hosts
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        host = headers.get(b"host", b"").decode("latin-1")
        if host_name(host) not in self.hosts:
            await _plain(send, 403, f"refused: Host {host or '(none)'!r} is not an allowed name for this dashboard "
                                    "(DNS-rebinding defence); use http://127.0.0.1 or start serve with --allow-host NAME\n")
            return
        if scope.get("method") not in ("GET", "HEAD"):
            await _plain(send, 405, "refused: the dashboard is read-only (GET and HEAD only)\n", [(b"allow", b"GET, HEAD")])
            return
        if self.token is not None:
            given, from_query, rest = _offered(scope, headers)
            if given is None or not hmac.compare_digest(given.encode(), self.token.encode()):
                await _plain(send, 401, "refused: this dashboard needs its token (Authorization: Bearer …, or ?token=… once)\n",
                             [(b"www-authenticate", b'Bearer realm="session-tracker"')])
                return
            if from_query:
                location = scope.get("path", "/") + (f"?{rest}" if rest else "")
                cookie = f"{COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict".encode()
                await _plain(send, 303, "token accepted\n", [(b"location", location.encode()), (b"set-cookie", cookie)])
                return

        async def timed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                elapsed = (time.perf_counter() - started) * 1000
                message["headers"] = [*message.get("headers", []), *HEADERS, (b"server-timing", f"app;dur={elapsed:.2f}".encode())]
            await send(message)

        await self.app(scope, receive, timed_send)


def _offered(scope: Scope, headers: dict[bytes, bytes]) -> tuple[str | None, bool, str]:
    """(token offered, whether it came in the query, the query without it)."""
    auth = headers.get(b"authorization", b"").decode("latin-1")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip(), False, ""
    for part in headers.get(b"cookie", b"").decode("latin-1").split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE:
            return value, False, ""
    pairs = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    found = [v for k, v in pairs if k == "token"]
    if found:
        return found[-1], True, urlencode([(k, v) for k, v in pairs if k != "token"])
    return None, False, ""


async def _plain(send: Send, status: int, body: str, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    data = body.encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(data)).encode()), *HEADERS, *(extra or [])]})
    await send({"type": "http.response.body", "body": data})
