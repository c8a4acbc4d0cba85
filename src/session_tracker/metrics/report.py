"""What a parsed report says, and the error a bad report raises (shared by the parsers)."""

from __future__ import annotations

import json

from session_tracker.errors import TrackerError
from session_tracker.metrics.values import Numbers

TYPE_CHECKING = False
if TYPE_CHECKING:
    from xml.etree.ElementTree import Element


class ReportError(TrackerError):
    """A report that cannot be read as the format it claims to be."""


class Report:
    """What one report says.

    Attributes:
        numbers: the measured fields (see :mod:`session_tracker.metrics.values`).
        sources: file paths the report names (coverage), to check it belongs to this repository.
        source_roots: source directories the report names (Cobertura ``<source>``).
        timestamp: when the report says it was made (JUnit ``timestamp``), ISO text, or None.
    """

    __slots__ = ("numbers", "source_roots", "sources", "timestamp")

    def __init__(self, numbers: Numbers, sources: list[str] | None = None, source_roots: list[str] | None = None,
                 timestamp: str | None = None) -> None:
        self.numbers = numbers
        self.sources = sources or []
        self.source_roots = source_roots or []
        self.timestamp = timestamp


def bad(path: str, expected: str, detail: str = "") -> ReportError:
    """The error for a report at ``path`` that is not ``expected`` (``detail`` says how)."""
    return ReportError(f"{path}: {detail + '; ' if detail else ''}expected {expected}",
                       "regenerate the report; a truncated file usually means the tool was interrupted")


def xml_root(path: str, data: bytes, expected: str) -> Element:
    """Parse untrusted XML with defusedxml (entity expansion and external entities refused).

    Raises:
        ReportError: malformed or unsafe XML.
    """
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise bad(path, expected, f"malformed XML ({exc})") from None
    except DefusedXmlException as exc:
        raise bad(path, expected, f"unsafe XML refused ({type(exc).__name__})") from None


def num(path: str, value: str | None, what: str, default: float | None = None) -> float:
    """An XML attribute as a number (``default`` when absent, if given).

    Raises:
        ReportError: missing without a default, or not a number.
    """
    if value is None or value == "":
        if default is not None:
            return default
        raise bad(path, what, "attribute missing")
    try:
        return float(value)
    except ValueError:
        raise bad(path, what, f"{value!r} is not a number") from None


def load_json(path: str, text: str, expected: str) -> object:
    """Parse a JSON report. Raises: ReportError naming the file when malformed or truncated."""
    try:
        return json.loads(text)
    except ValueError as exc:
        raise bad(path, expected, f"malformed JSON ({str(exc).split(':')[0]})") from None
    except RecursionError:
        raise bad(path, expected, "JSON nested too deeply") from None
