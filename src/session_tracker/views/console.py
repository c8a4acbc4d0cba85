"""The one place the views set up rich: rendering to text for stdout, and a console on stderr
for progress bars. rich is imported here, inside the functions, never on the hot path.

Text for a person at a terminal, or for a pipe, differs in width and colour only:

* :func:`width`: the terminal's width; when stdout is not a terminal, no limit, so a table row
  stays on one line for ``grep``, ``cut`` and ``less -S``.
* :func:`markdown`: a document (the handoff) for reading — rendered by rich's Markdown on a
  terminal; as plain text when stdout is piped, ``NO_COLOR`` is set (https://no-color.org) or
  ``TERM=dumb``. Either way without the generated-document notice and without the escapes that
  keep the file valid markdown (``\\_\\_version\\_\\_``, ``&gt;=``).
"""

from __future__ import annotations

import html
import os
import re
import shutil
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from rich.console import Console

#: Width used when stdout is not a terminal: wide enough that no row wraps.
PIPE_WIDTH = 10_000
_NOTICE = re.compile(r"^\s*<!--.*?-->\s*\n?", re.DOTALL)
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~>])")
_STRONG = re.compile(r"(?<!\\)\*\*(?=\S)(.+?)(?<=\S)(?<!\\)\*\*")
_EMPHASIS = re.compile(r"(?<![\\*])\*(?=[^\s*])(.+?)(?<=[^\s\\*])\*(?!\*)")


def is_terminal() -> bool:
    """True when stdout is a terminal that may show colour."""
    try:
        tty = sys.stdout.isatty()
    except (AttributeError, ValueError):
        tty = False
    return tty and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def width() -> int:
    """Columns to render tables in: the terminal's (at least 80), :data:`PIPE_WIDTH` when piped."""
    try:
        tty = sys.stdout.isatty()
    except (AttributeError, ValueError):
        tty = False
    if not tty:
        return PIPE_WIDTH
    return max(shutil.get_terminal_size((100, 24)).columns, 80)


def plain(document: str) -> str:
    """``document`` (markdown) as plain text: the notice removed, escapes, emphasis markers and
    HTML entities undone, ``<br>`` as a new line; headings, lists and tables keep their shape."""
    text = _NOTICE.sub("", document, count=1).lstrip("\n")
    text = text.replace("<br>", "\n    ")
    text = _EMPHASIS.sub(r"\1", _STRONG.sub(r"\1", text))  # markers only: escaped stars stay
    return html.unescape(_ESCAPE.sub(r"\1", text))


def markdown(document: str) -> str:
    """``document`` for reading: rich's rendering on a terminal (with ANSI styles), else
    :func:`plain`."""
    if not is_terminal():
        return plain(document)
    import io

    from rich.console import Console
    from rich.markdown import Markdown

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=min(width(), 100), highlight=False)
    console.print(Markdown(_NOTICE.sub("", document, count=1)))
    return buffer.getvalue().rstrip("\n")


def to_text(renderable: object) -> str:
    """Render a rich renderable to plain text as wide as the terminal (at least 80 columns;
    unlimited when piped, so rows never wrap; no colour codes: the text goes through
    :mod:`session_tracker.output`), without trailing spaces."""
    import io

    from rich.console import Console

    buffer = io.StringIO()
    Console(file=buffer, width=width(), highlight=False, soft_wrap=False).print(renderable)
    return "\n".join(line.rstrip() for line in buffer.getvalue().split("\n"))


def stderr_console() -> Console:
    """A rich console on stderr, for progress bars (shown only when stderr is a terminal)."""
    from rich.console import Console

    return Console(stderr=True)
