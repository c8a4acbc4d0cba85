"""All output goes through here, so tests capture it and ``--json`` is the same data.

Text for people on stdout, JSON for programs on stdout, errors on stderr as
``error: <message>`` then ``hint: <fix>`` (with ``--json``: ``{"v":1,"error":…,"hint":…}``).
"""

from __future__ import annotations

import json
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable


def echo(text: str = "", err: bool = False) -> None:
    """Write one line (``text`` plus a newline) to stdout, or stderr with ``err``.

    A terminal that cannot show a character (``PYTHONIOENCODING=ascii``, a C locale) gets it
    as a backslash escape instead of a crash."""
    stream = sys.stderr if err else sys.stdout
    try:
        stream.write(text + "\n")
    except UnicodeEncodeError:
        encoding = getattr(stream, "encoding", None) or "ascii"
        stream.write((text + "\n").encode(encoding, "backslashreplace").decode(encoding, "replace"))
    stream.flush()


def one_line(text: str) -> str:
    """``text`` with newlines and other control characters shown as escapes (``\\n``,
    ``\\x1b``), so a message stays on its one line and cannot move the cursor."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def emit(result: dict[str, object], as_json: bool, text: Callable[[dict[str, object]], str]) -> None:
    """Print ``result`` as indented JSON (``--json``) or through its text view.

    Every JSON result carries ``"v"`` (its shape's version, 1 unless the result says), first.
    """
    if as_json:
        versioned = result if "v" in result else {"v": 1, **result}
        echo(json.dumps(versioned, ensure_ascii=False, indent=2, sort_keys=False))
    else:
        rendered = text(result)
        if rendered:
            echo(rendered.rstrip("\n"))


def warning(message: str, hint: str = "") -> None:
    """A one-line warning (and hint) on stderr: the command still succeeded."""
    echo(f"warning: {one_line(message)}", err=True)
    if hint:
        echo(f"hint: {one_line(hint)}", err=True)


#: The version of the ``--json`` error shape ``{"v", "error", "hint"}``.
ERROR_VERSION = 1


def error(message: str, hint: str = "", as_json: bool = False) -> None:
    """The one-line error (and hint) on stderr; with ``as_json`` one JSON object instead,
    ``{"v": 1, "error": message, "hint": hint or null}``, so a program reading ``--json``
    output parses failures too (the exit code is the same either way)."""
    if as_json:
        echo(json.dumps({"v": ERROR_VERSION, "error": message, "hint": hint or None}, ensure_ascii=False), err=True)
        return
    echo(f"error: {one_line(message)}", err=True)
    if hint:
        echo(f"hint: {one_line(hint)}", err=True)
