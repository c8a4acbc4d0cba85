"""Rendering the dashboard's pages with jinja2 (autoescaped), for the server and the export.

The templates live in ``templates/``, the script and style in ``static/``; both ship inside the
package, so there is no build step.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    import jinja2

HERE = os.path.dirname(os.path.abspath(__file__))
STATIC_DIR = os.path.join(HERE, "static")
STATIC_FILES = ("app.js", "app.css")

# The export's pages say it in a <meta>, the server in a header: nothing from elsewhere, no
# inline script or style (the SVG charts use presentation attributes, not style=).
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")

# frame-ancestors is ignored (and reported) in a <meta>; the export states the rest.
CSP_META = CSP.replace("; frame-ancestors 'none'", "")

_ENV: list[jinja2.Environment] = []


def environment() -> jinja2.Environment:
    """The jinja2 environment (built once): autoescape on, undefined names are errors."""
    if not _ENV:
        import jinja2

        env = jinja2.Environment(loader=jinja2.FileSystemLoader(os.path.join(HERE, "templates")), autoescape=True,
                                 undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        env.filters["k"] = lambda n: f"{n / 1000:.1f}k" if isinstance(n, int) and n >= 1000 else str(n)
        _ENV.append(env)
    return _ENV[0]


def render(template: str, **context: object) -> str:
    """Render ``templates/<template>`` with ``context`` (needs ``links``, ``static``, ``live``,
    ``stamp`` and ``title`` besides the page's own data)."""
    from markupsafe import Markup

    context.setdefault("csp", CSP_META)
    context.setdefault("svg", Markup)  # charts.py escapes every text it puts into its SVG
    return environment().get_template(template).render(**context)
