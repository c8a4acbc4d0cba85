"""All output goes through here, so tests capture it and ``--json`` is the same data.

Text for people on stdout, JSON for programs on stdout, errors on stderr as
``error: <message>`` then ``hint: <fix>``.
"""

from __future__ import annotations

import json
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable


def echo(text: str = "", err: bool = False) -> None:
    """Write one line (``text`` plus a newline) to stdout, or stderr with ``err``."""
    stream = sys.stderr if err else sys.stdout
    stream.write(text + "\n")
    stream.flush()


def emit(result: dict[str, object], as_json: bool, text: Callable[[dict[str, object]], str]) -> None:
    """Print ``result`` as indented JSON (``--json``) or through its text view."""
    if as_json:
        echo(json.dumps(result, ensure_ascii=False, indent=2, sort_keys=False))
    else:
        rendered = text(result)
        if rendered:
            echo(rendered.rstrip("\n"))


def error(message: str, hint: str = "") -> None:
    """The one-line error (and hint) on stderr."""
    echo(f"error: {message}", err=True)
    if hint:
        echo(f"hint: {hint}", err=True)
