"""``serve``: run the dashboard on loopback (or, with a token, elsewhere) until Ctrl-C."""

from __future__ import annotations

import socket

from session_tracker import output
from session_tracker.core.paths import Layout
from session_tracker.errors import TrackerError


def serve(layout: Layout, host: str = "127.0.0.1", port: int = 8765, token: str | None = None,
          allow_hosts: tuple[str, ...] = (), poll_ms: int = 2000) -> None:
    """Serve the read-only dashboard and JSON API for the store at ``layout`` (blocks).

    Prints ``serving http://HOST:PORT/`` once listening (``port`` 0 picks a free port).

    Raises:
        TrackerError: the web extra is missing; ``host`` is beyond loopback without ``token``;
            the address cannot be bound.
    """
    from session_tracker.web import require

    require("starlette", "uvicorn", "jinja2")
    from session_tracker.web.security import allowed_hosts, check_bind

    check_bind(host, token)
    import uvicorn

    from session_tracker.web.app import build
    from session_tracker.web.data import Store

    sock = _bind(host, port)
    bound = sock.getsockname()[1]
    if not layout.exists():
        output.echo(f"note: no sessions yet in {layout.root} (the dashboard fills in as they are recorded)", err=True)
    app = build(Store(layout, private=True), allowed_hosts(host, allow_hosts), token, poll_ms=poll_ms)
    shown = f"[{host}]" if ":" in host else host
    output.echo(f"serving http://{shown}:{bound}/ (read-only{', token required' if token else ''}; Ctrl-C stops)")
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", server_header=False, timeout_graceful_shutdown=2)
    uvicorn.Server(config).run(sockets=[sock])


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise TrackerError(f"cannot listen on {host}:{port}: {exc.strerror}", "choose another --port (0 picks a free one)") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock
