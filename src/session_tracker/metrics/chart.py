"""Pictures of the metrics history: terminal sparklines and an SVG chart, both hand-written.

The SVG has one panel per metric (tests passed, coverage, lint errors, type errors), each
with its own axes and scale, one ``<polyline class="series" data-metric="…">`` per metric, and
a legend. Same history → same bytes (no dates of rendering, fixed number formatting).
"""

from __future__ import annotations

from xml.sax.saxutils import escape

BARS = "▁▂▃▄▅▆▇█"

#: (field, label, colour) of each series, top to bottom.
SERIES = (
    ("tests_passed", "Tests passed", "#2e7d32"),
    ("coverage_percent", "Coverage %", "#1565c0"),
    ("lint_errors", "Lint errors", "#ef6c00"),
    ("type_errors", "Type errors", "#c62828"),
)


def sparkline(values: list[float | int | None]) -> str:
    """One character per value, ``▁`` (lowest) to ``█`` (highest); a space where not measured.

    All-equal values give a flat ``▄`` line; an empty list gives ``""``.
    """
    known = [v for v in values if v is not None]
    if not known:
        return " " * len(values)
    low, high = min(known), max(known)
    out = []
    for value in values:
        if value is None:
            out.append(" ")
        elif high == low:
            out.append(BARS[3])
        else:
            out.append(BARS[round((value - low) / (high - low) * (len(BARS) - 1))])
    return "".join(out)


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value % 1 else str(int(value))


def render_svg(history: list[dict[str, object]]) -> str:
    """The chart of ``history`` (``metrics.latest.history``: one dict per session, oldest first).

    Returns:
        a standalone SVG document (UTF-8 text).
    """
    width, left, right, panel, gap, top = 720, 70, 20, 110, 40, 50
    height = top + len(SERIES) * (panel + gap)
    plot_w = width - left - right
    n = len(history)
    names = [str(row.get("session", "")) for row in history]

    def x_at(i: int) -> float:
        return left + (plot_w / 2 if n == 1 else plot_w * i / (n - 1))

    out = [
        (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
         'font-family="sans-serif" font-size="11">'),
        "<title>Quality metrics per session</title>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
        '<g class="legend">',
    ]
    for i, (field, label, colour) in enumerate(SERIES):
        lx = left + i * 160
        out.append(f'<rect x="{lx}" y="14" width="12" height="12" fill="{colour}"/>'
                   f'<text x="{lx + 18}" y="24" data-metric="{field}">{escape(label)}</text>')
    out.append("</g>")
    if not n:
        out.append(f'<text x="{left}" y="{top + 20}">No metrics recorded yet: run `session-tracker metrics run`.</text>')
    for index, (field, label, colour) in enumerate(SERIES):
        y0 = top + index * (panel + gap)
        bottom = y0 + panel
        values = [row.get(field) for row in history]
        known = [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
        high = 100.0 if field == "coverage_percent" else max([*known, 1.0])
        out.append(f'<g class="panel" data-metric="{field}">')
        out.append(f'<text x="{left}" y="{y0 - 6}" font-weight="bold">{escape(label)}</text>')
        out.append(f'<line class="axis" x1="{left}" y1="{y0}" x2="{left}" y2="{bottom}" stroke="#555"/>')
        out.append(f'<line class="axis" x1="{left}" y1="{bottom}" x2="{left + plot_w}" y2="{bottom}" stroke="#555"/>')
        for tick in (0.0, high / 2, high):
            ty = bottom - panel * tick / high
            out.append(f'<text x="{left - 6}" y="{ty + 4:.1f}" text-anchor="end">{_fmt(tick)}</text>')
        points = []
        for i, value in enumerate(values):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                px, py = x_at(i), bottom - panel * float(value) / high
                points.append(f"{px:.1f},{py:.1f}")
                out.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}">'
                           f"<title>{escape(names[i])}: {_fmt(float(value))}</title></circle>")
        out.append(f'<polyline class="series" data-metric="{field}" fill="none" stroke="{colour}" stroke-width="2" '
                   f'points="{" ".join(points)}"/>')
        step = max(1, n // 12)  # at most ~12 session labels under each panel
        for i in range(0, n, step):
            out.append(f'<text x="{x_at(i):.1f}" y="{bottom + 14}" text-anchor="middle">{escape(names[i])}</text>')
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"
