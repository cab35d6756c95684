"""The trend over years: a line chart drawn on the server as SVG (no script, no inline style).

Accessible like the other charts (courses, screening): an image with <title> and <desc> naming every
value; the page shows the same figures in a table next to it. Each line has its own colour, dash pattern
and marker shape and is named at its end, so no meaning rests on colour alone; the colours have a
contrast of at least 4.5:1 on white. A hidden (suppressed) figure is a gap in its line, and the table
says why it is hidden.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 52, 150, 16, 40
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
INK, MUTED, GRID = "#1b1f24", "#4a5360", "#d0d5dc"
# colour (contrast on white >= 4.5:1), dash pattern, marker
STYLES = (("#0b5c6b", "", "circle"), ("#a1101c", "8 4", "square"), ("#3c3c8c", "2 4", "diamond"),
          ("#7a4a00", "12 4 2 4", "triangle"))


def _n(value: float) -> str:
    return f"{value:.1f}"


def _marker(shape: str, x: float, y: float, colour: str, value: float) -> str:
    data = f'data-value="{value:g}"'
    if shape == "circle":
        return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="5" fill="{colour}" {data}/>'
    if shape == "square":
        return f'<rect x="{_n(x - 4.5)}" y="{_n(y - 4.5)}" width="9" height="9" fill="{colour}" {data}/>'
    if shape == "diamond":
        return (f'<polygon points="{_n(x)},{_n(y - 6)} {_n(x + 6)},{_n(y)} {_n(x)},{_n(y + 6)} {_n(x - 6)},{_n(y)}" '
                f'fill="{colour}" {data}/>')
    return (f'<polygon points="{_n(x)},{_n(y - 6)} {_n(x + 6)},{_n(y + 5)} {_n(x - 6)},{_n(y + 5)}" '
            f'fill="{colour}" {data}/>')


def trend_chart(years: Sequence[int], series: Sequence[tuple[str, Sequence[float | None]]], *, title: str,
                chart_id: str, high: float = 100, unit: str = "%") -> SafeString:
    """``series``: (label, one value or None per year) - at most four lines. The scale runs from 0 to ``high``."""
    high = max(high, 1)

    def y(value: float) -> float:
        return TOP + PLOT_H * (1 - min(max(value, 0), high) / high)

    step = PLOT_W / max(len(years) - 1, 1)
    xs = [LEFT + step * i if len(years) > 1 else LEFT + PLOT_W / 2 for i in range(len(years))]
    hidden = _("hidden")  # outside the f-string, so that makemessages finds it
    described = "; ".join(
        f"{label}: " + ", ".join(f"{year} {hidden if v is None else f'{v:g}{unit}'}"
                                 for year, v in zip(years, values, strict=True))
        for label, values in series)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" font-size="13" '
        f'font-family="system-ui, sans-serif" data-chart="{escape(chart_id)}">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(described)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
    ]
    for tick in (0, high / 2, high):
        parts.append(f'<line x1="{LEFT}" y1="{_n(y(tick))}" x2="{LEFT + PLOT_W}" y2="{_n(y(tick))}" stroke="{GRID}"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{_n(y(tick) + 4)}" text-anchor="end" fill="{MUTED}">'
                     f'{tick:g}{escape(unit)}</text>')
    parts.append(f'<line x1="{LEFT}" y1="{TOP + PLOT_H}" x2="{LEFT + PLOT_W}" y2="{TOP + PLOT_H}" stroke="{INK}"/>')
    for x, year in zip(xs, years, strict=True):
        parts.append(f'<text x="{_n(x)}" y="{TOP + PLOT_H + 20}" text-anchor="middle" fill="{MUTED}">{year}</text>')
    ends: list[list] = []
    for index, (label, values) in enumerate(series):
        colour, dash, shape = STYLES[index % len(STYLES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        segment: list[str] = []
        segments = []
        for x, value in zip(xs, values, strict=True):
            if value is None:
                if segment:
                    segments.append(segment)
                segment = []
            else:
                segment.append(f"{_n(x)},{_n(y(value))}")
        if segment:
            segments.append(segment)
        parts.append(f'<g data-series="{index}">')
        for points in segments:
            if len(points) > 1:
                parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" '
                             f'stroke-width="2.5"{dash_attr}/>')
        last = None
        for x, value in zip(xs, values, strict=True):
            if value is not None:
                parts.append(_marker(shape, x, y(value), colour, value))
                last = (x, value)
        if last is not None:
            ends.append([y(last[1]) + 4, label, colour])
        parts.append("</g>")
    # the line names at the right, moved apart where they would overlap
    ends.sort(key=lambda e: e[0])
    for i in range(1, len(ends)):
        ends[i][0] = max(ends[i][0], ends[i - 1][0] + 15)
    for end_y, label, colour in ends:
        parts.append(f'<text x="{LEFT + PLOT_W + 10}" y="{_n(end_y)}" fill="{colour}">{escape(label)}</text>')
    parts.append("</svg>")
    # reviewed: every text above is escaped and every number formatted
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703
