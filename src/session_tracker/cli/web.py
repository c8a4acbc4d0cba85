"""The click layer of the dashboard (issue 17): ``serve`` and ``export --html``.

Registered from ``cli/__init__.py`` with one call; the web package (and starlette, uvicorn, jinja2) is
imported inside the commands only, so no other command pays for it.
"""

from __future__ import annotations

import click

from session_tracker import output


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on; beyond loopback needs --token.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535), help="Port (0 picks a free one).")
@click.option("--token", envvar="SESSION_TRACKER_TOKEN", metavar="SECRET", help="Require this secret on every request ($SESSION_TRACKER_TOKEN).")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME", help="Another Host name to accept (repeatable; e.g. behind a proxy).")
@click.option("--poll-ms", default=2000, show_default=True, type=click.IntRange(200, 600000), help="How often pages check for new events.")
def serve(host: str, port: int, token: str | None, allow_hosts: tuple[str, ...], poll_ms: int) -> None:
    """A local, read-only dashboard and JSON API (/api/v1) of every session."""
    from session_tracker.core.context import Context
    from session_tracker.web.serve import serve as run

    run(Context().layout, host=host, port=port, token=token or None, allow_hosts=allow_hosts, poll_ms=poll_ms)


@click.command("export")
@click.option("--html", "html_dir", required=True, metavar="DIR", help="Write the dashboard as a static site into DIR.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (stable, versioned shape).")
def export(html_dir: str, as_json: bool) -> None:
    """The dashboard's pages as a self-contained static site (search included)."""
    from session_tracker.core.context import Context
    from session_tracker.web.export import export_html

    result = export_html(Context().layout, html_dir)
    from session_tracker.core.words import plural

    def said(r: dict[str, object]) -> str:
        def count(key: str) -> int:
            value = r[key]
            return value if isinstance(value, int) else 0

        return (f"exported {plural(count('pages'), 'page')} ({plural(count('sessions'), 'session')}, "
                f"{plural(count('search_items'), 'searchable item')}) to {r['dir']}")

    output.emit(result, as_json, said)


def register(main: click.Group) -> None:
    """Add ``serve`` and ``export`` to the command group."""
    main.add_command(serve)
    main.add_command(export)
