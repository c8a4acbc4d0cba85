"""Inline SVG for the dashboard: line charts of metrics over sessions and a session's swimlanes.

Pure functions returning SVG markup as ``str`` with every piece of user text escaped. Only SVG
presentation attributes are used (no ``style=``), so the pages' Content-Security-Policy
(``style-src 'self'``) holds; colours come from classes in ``static/app.css``.
"""

from __future__ import annotations

from html import escape

from session_tracker.core.clock import parse_iso


def _esc(text: object) -> str:
    return escape(str(text), quote=True)


def line_chart(title: str, points: list[tuple[str, float | None]], unit: str = "", width: int = 560, height: int = 160) -> str:
    """A line chart of one series over sessions.

    Args:
        title: the chart's accessible name (``<title>``).
        points: ``(label, value)`` in x order; a None value is a gap (not measured).
        unit: appended to the values shown (``%``).
    Returns:
        ``<svg …>`` markup; a short "no data" figure when no value is known.
    """
    known = [v for _, v in points if v is not None]
    if not known:
        return f'<svg class="chart empty" viewBox="0 0 {width} 40" role="img" aria-label="{_esc(title)}: no data"><text x="8" y="24">no data yet</text></svg>'
    low, high = min(known), max(known)
    if high == low:
        low, high = low - 1, high + 1
    left, right, top, bottom = 48, 12, 12, 24
    span_x = max(1, len(points) - 1)
    inner_w, inner_h = width - left - right, height - top - bottom

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + inner_w * i / span_x, top + inner_h * (1 - (v - low) / (high - low))

    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{_esc(title)}"><title>{_esc(title)}</title>',
             f'<line class="axis" x1="{left}" y1="{top + inner_h}" x2="{width - right}" y2="{top + inner_h}"/>',
             f'<text class="tick" x="{left - 6}" y="{top + 4}" text-anchor="end">{_esc(_num(high))}{_esc(unit)}</text>',
             f'<text class="tick" x="{left - 6}" y="{top + inner_h}" text-anchor="end">{_esc(_num(low))}{_esc(unit)}</text>']
    run: list[str] = []
    for i, (label, value) in enumerate(points):
        if value is None:
            if len(run) > 1:
                parts.append(f'<polyline class="series" fill="none" points="{" ".join(run)}"/>')
            run = []
            continue
        x, y = xy(i, value)
        run.append(f"{x:.1f},{y:.1f}")
        parts.append(f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="3"><title>{_esc(label)}: {_esc(_num(value))}{_esc(unit)}</title></circle>')
    if len(run) > 1:
        parts.append(f'<polyline class="series" fill="none" points="{" ".join(run)}"/>')
    if points:
        parts.append(f'<text class="tick" x="{left}" y="{height - 6}">{_esc(points[0][0])}</text>')
        parts.append(f'<text class="tick" x="{width - right}" y="{height - 6}" text-anchor="end">{_esc(points[-1][0])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _num(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


class Mark:
    """One mark in a swimlane: ``at`` (ISO time), ``label`` (tooltip), ``kind`` (CSS class
    suffix: ok, failed, open, resolved …), ``size`` (0-1, bar height; 1 for a dot), ``href``."""

    __slots__ = ("at", "href", "kind", "label", "size")

    def __init__(self, at: str, label: str, kind: str = "", size: float = 1.0, href: str = "") -> None:
        self.at = at
        self.label = label
        self.kind = kind
        self.size = size
        self.href = href


def _seconds(moment: str) -> float | None:
    try:
        return parse_iso(moment).timestamp()
    except ValueError:
        return None


def swimlanes(lanes: list[tuple[str, list[Mark]]], start: str, end: str, width: int = 900) -> str:
    """A session's activity as horizontal lanes over time (start → end).

    Args:
        lanes: ``(lane name, marks)`` top to bottom; empty lanes are drawn empty.
        start, end: ISO times of the axis ends (end may equal start: one column).
    Returns:
        ``<svg …>`` markup with a ``<title>`` tooltip per mark and links where ``href`` is set.
    """
    lane_h, label_w, pad = 26, 130, 8
    t0 = _seconds(start) or 0.0
    t1 = max(_seconds(end) or t0, t0)
    span = max(t1 - t0, 1.0)
    inner = width - label_w - pad * 2
    height = lane_h * len(lanes) + 20
    parts = [f'<svg class="lanes" viewBox="0 0 {width} {height}" role="img" aria-label="activity by lane over the session">']
    for row, (name, marks) in enumerate(lanes):
        y = row * lane_h
        parts.append(f'<rect class="lane lane-{row % 2}" x="0" y="{y}" width="{width}" height="{lane_h}"/>')
        parts.append(f'<text class="lane-name" x="6" y="{y + 17}">{_esc(name)} ({len(marks)})</text>')
        for mark in marks:
            at = _seconds(mark.at)
            x = label_w + pad + inner * (((at if at is not None else t0) - t0) / span)
            x = min(max(x, label_w + pad), width - pad)
            kind = f" {_esc(mark.kind)}" if mark.kind else ""
            if mark.size < 1.0:
                h = max(2.0, (lane_h - 6) * max(mark.size, 0.0))
                shape = f'<rect class="bar{kind}" x="{x - 2:.1f}" y="{y + lane_h - 3 - h:.1f}" width="4" height="{h:.1f}">'
                close = "</rect>"
            else:
                shape = f'<circle class="mark{kind}" cx="{x:.1f}" cy="{y + lane_h / 2}" r="5">'
                close = "</circle>"
            item = f"{shape}<title>{_esc(mark.label)}</title>{close}"
            parts.append(f'<a href="{_esc(mark.href)}">{item}</a>' if mark.href else item)
    parts.append(f'<text class="tick" x="{label_w + pad}" y="{height - 4}">{_esc(start[11:16])}</text>')
    parts.append(f'<text class="tick" x="{width - pad}" y="{height - 4}" text-anchor="end">{_esc(end[11:16])}</text>')
    parts.append("</svg>")
    return "".join(parts)
