"""The mean score per time point (T0, T1, T2) of one instrument in a course report: a small SVG drawn
on the server. Accessible: an image with <title> and <desc>; the page shows the same numbers in a table;
the cut-off is a dashed line named in text (no meaning by colour alone); every mean has its value
written beside it."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 600, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 150, 16, 40
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
INK, MUTED, LINE = "#1b1f24", "#4a5360", "#0b5c6b"


def _n(value: float) -> str:
    return f"{value:.1f}"


def means_chart(points: Sequence[tuple[str, float | None]], *, high: int, cutoff: int | None, title: str,
                chart_id: str) -> SafeString:
    """``points``: (time point label, mean or None) in order; the scale runs from 0 to ``high``."""
    high = max(high, 1)

    def y(value: float) -> float:
        return TOP + PLOT_H * (1 - min(value, high) / high)

    step = PLOT_W / max(len(points) - 1, 1)
    xs = [LEFT + step * i if len(points) > 1 else LEFT + PLOT_W / 2 for i in range(len(points))]
    described = "; ".join(f"{label}: {_('no data') if mean is None else f'{mean:.1f}'}" for label, mean in points)
    if cutoff is not None:
        described += "; " + _("cut-off %(value)s") % {"value": cutoff}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="course-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" font-size="14" '
        f'font-family="system-ui, sans-serif" data-chart="{escape(chart_id)}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(described)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + PLOT_H}" stroke="{INK}"/>',
        f'<line x1="{LEFT}" y1="{TOP + PLOT_H}" x2="{LEFT + PLOT_W}" y2="{TOP + PLOT_H}" stroke="{INK}"/>',
        f'<text x="{LEFT - 6}" y="{_n(y(0) + 4)}" text-anchor="end" fill="{MUTED}">0</text>',
        f'<text x="{LEFT - 6}" y="{_n(y(high) + 4)}" text-anchor="end" fill="{MUTED}">{high}</text>',
    ]
    if cutoff is not None:
        parts.append(f'<line x1="{LEFT}" y1="{_n(y(cutoff))}" x2="{LEFT + PLOT_W}" y2="{_n(y(cutoff))}" '
                     f'stroke="#a1101c" stroke-dasharray="6 4" data-cutoff="{cutoff}"/>')
        parts.append(f'<text x="{LEFT + PLOT_W + 8}" y="{_n(y(cutoff) + 4)}" fill="{INK}">'
                     f'{escape(_("cut-off %(value)s") % {"value": cutoff})}</text>')
    line = [f"{_n(x)},{_n(y(mean))}" for x, (_label, mean) in zip(xs, points, strict=True) if mean is not None]
    if len(line) > 1:
        parts.append(f'<polyline points="{" ".join(line)}" fill="none" stroke="{LINE}" stroke-width="2.5"/>')
    for x, (label, mean) in zip(xs, points, strict=True):
        parts.append(f'<text x="{_n(x)}" y="{TOP + PLOT_H + 20}" text-anchor="middle" fill="{MUTED}">'
                     f'{escape(label)}</text>')
        if mean is not None:
            parts.append(f'<circle cx="{_n(x)}" cy="{_n(y(mean))}" r="5" fill="{LINE}" data-mean="{mean:.1f}"/>')
            parts.append(f'<text x="{_n(x)}" y="{_n(y(mean) - 10)}" text-anchor="middle" fill="{INK}">'
                         f'{mean:.1f}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703 - every text above is escaped
