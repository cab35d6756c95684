"""The course of an instrument's total over time: a small SVG line chart drawn on the server (no
JavaScript, nothing from elsewhere).

Accessible: the SVG is an image with a <title> and a <desc> that say what it shows, and the page
puts a table with the same numbers beside it. Meaning never rests on colour alone: the bands are
named in text at their edge, a clinical band is hatched as well as tinted, and a result in a
clinical band is drawn as a square (other results as circles). An invalid administration has no
point; the line breaks there."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 900, 300  # drawn for the width of the page; it scales with it (width 100%)
LEFT, RIGHT, TOP, BOTTOM = 52, 250, 18, 48
LINE_HEIGHT = 16
LABEL_CHARS = 30  # a band's name is wrapped into at most two lines of this many characters
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
INK, MUTED, LINE, CLINICAL_FILL = "#1b1f24", "#4a5360", "#0b5c6b", "#f6dcdc"
MAX_DATE_LABELS = 6


@dataclass(frozen=True)
class Point:
    on: datetime.date
    value: int | None  # None: invalid, no point
    clinical: bool = False


def _n(value: float) -> str:
    """A coordinate as text (never localised: "12,5" would break the SVG)."""
    return f"{value:.1f}"


def _x(on: datetime.date, first: datetime.date, last: datetime.date) -> float:
    span = (last - first).days
    if span <= 0:
        return LEFT + PLOT_W / 2
    return LEFT + PLOT_W * (on - first).days / span


def _y(value: float, low: int, high: int) -> float:
    if high <= low:
        return TOP + PLOT_H / 2
    return TOP + PLOT_H * (1 - (value - low) / (high - low))


def line_chart(points: Sequence[Point], *, low: int, high: int, bands: Sequence[Any] = (), title: str,
               chart_id: str) -> SafeString:
    """An SVG of ``points`` on a scale from ``low`` to ``high`` with the ``bands`` (objects with
    ``low``, ``high``, ``label``, ``clinical``) marked beside it."""
    points = sorted(points, key=lambda p: p.on)
    first = points[0].on if points else datetime.date.today()
    last = points[-1].on if points else first
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="screening-chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="system-ui, -apple-system, \'Segoe UI\', Roboto, \'DejaVu Sans\', sans-serif" font-size="14" '
        f'data-chart="{escape(chart_id)}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(_describe(points, bands))}</desc>',
        f'<defs><pattern id="{chart_id}-hatch" width="8" height="8" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="8" stroke="#a1101c" stroke-width="1" '
        f'stroke-opacity="0.35"/></pattern></defs>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
    ]
    # the bands: the clinical ones tinted and hatched; every band named beside it
    labels: list[tuple[float, list[str]]] = []
    for band in bands:
        top, bottom = _y(min(band.high, high) + 0.5, low, high), _y(max(band.low, low) - 0.5, low, high)
        top, bottom = max(TOP, top), min(TOP + PLOT_H, bottom)
        if band.clinical:
            parts.append(f'<rect x="{LEFT}" y="{_n(top)}" width="{PLOT_W}" height="{_n(bottom - top)}" '
                         f'fill="{CLINICAL_FILL}" data-band="clinical"/>')
            parts.append(f'<rect x="{LEFT}" y="{_n(top)}" width="{PLOT_W}" height="{_n(bottom - top)}" '
                         f'fill="url(#{chart_id}-hatch)"/>')
        if band.low > low:
            y = _y(band.low - 0.5, low, high)
            parts.append(f'<line x1="{LEFT}" y1="{_n(y)}" x2="{LEFT + PLOT_W}" y2="{_n(y)}" stroke="{MUTED}" '
                         f'stroke-dasharray="4 3"/>')
        lines = _wrap(str(band.label) + (f" ({_('clinical')})" if band.clinical else ""))
        labels.append(((top + bottom) / 2 + 5 - LINE_HEIGHT / 2 * (len(lines) - 1), lines))
    parts += _band_labels(labels)
    # axes and the scale's ends
    parts.append(f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + PLOT_H}" stroke="{INK}"/>')
    parts.append(f'<line x1="{LEFT}" y1="{TOP + PLOT_H}" x2="{LEFT + PLOT_W}" y2="{TOP + PLOT_H}" stroke="{INK}"/>')
    for value in sorted({low, high, *(b.low for b in bands if low < b.low <= high)}):
        y = _y(value, low, high)
        parts.append(f'<text x="{LEFT - 6}" y="{_n(y + 4)}" text-anchor="end" fill="{MUTED}">{value}</text>')
    # the course: a line through consecutive valid results, a mark and the value at each
    segment: list[str] = []
    segments: list[list[str]] = []
    for point in points:
        if point.value is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        segment.append(f"{_n(_x(point.on, first, last))},{_n(_y(point.value, low, high))}")
    if segment:
        segments.append(segment)
    for seg in segments:
        if len(seg) > 1:
            parts.append(f'<polyline points="{" ".join(seg)}" fill="none" stroke="{LINE}" stroke-width="2.5"/>')
    labelled = _date_label_indexes(len(points))
    for index, point in enumerate(points):
        x = _x(point.on, first, last)
        if index in labelled:
            parts.append(f'<text x="{_n(x)}" y="{TOP + PLOT_H + 18}" text-anchor="middle" fill="{MUTED}">'
                         f'{point.on.strftime("%d-%m-%Y")}</text>')
        if point.value is None:
            parts.append(f'<text x="{_n(x)}" y="{TOP + PLOT_H - 6}" text-anchor="middle" fill="{MUTED}" '
                         f'data-point="invalid">{escape(_("invalid"))}</text>')
            continue
        y = _y(point.value, low, high)
        if point.clinical:
            parts.append(f'<rect x="{_n(x - 6)}" y="{_n(y - 6)}" width="12" height="12" fill="{INK}" '
                         f'data-point="clinical"/>')
        else:
            parts.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="5.5" fill="#ffffff" stroke="{LINE}" stroke-width="2.5" '
                         f'data-point="normal"/>')
        parts.append(f'<text x="{_n(x)}" y="{_n(max(TOP + 10, y - 10))}" text-anchor="middle" font-weight="700" '
                     f'fill="{INK}" stroke="#ffffff" stroke-width="3" paint-order="stroke">{point.value}</text>')
    parts.append("</svg>")
    # every text above is escaped, every number formatted
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703


def _band_labels(labels: list[tuple[float, list[str]]]) -> list[str]:
    """The bands' names beside the plot, from the top down, moved apart where narrow bands would
    make them overlap."""
    parts, free_from = [], 0.0
    for y, lines in sorted(labels, key=lambda label: label[0]):
        y = max(y, free_from)
        spans = "".join(f'<tspan x="{LEFT + PLOT_W + 10}" dy="{0 if i == 0 else LINE_HEIGHT}">{escape(line)}</tspan>'
                        for i, line in enumerate(lines))
        parts.append(f'<text x="{LEFT + PLOT_W + 10}" y="{_n(y)}" fill="{INK}">{spans}</text>')
        free_from = y + LINE_HEIGHT * len(lines) + 2
    return parts


def _wrap(text: str) -> list[str]:
    """At most two lines of LABEL_CHARS characters (the rest shortened with an ellipsis)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= LABEL_CHARS:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > 2:
        lines = [lines[0], " ".join(lines[1:])]
    return [line if len(line) <= LABEL_CHARS else line[: LABEL_CHARS - 1].rstrip() + "\u2026" for line in lines]


def _date_label_indexes(count: int) -> set[int]:
    if count <= MAX_DATE_LABELS:
        return set(range(count))
    step = (count - 1) / (MAX_DATE_LABELS - 1)
    return {round(i * step) for i in range(MAX_DATE_LABELS)}


def _describe(points: Sequence[Point], bands: Sequence[Any]) -> str:
    values = []
    for point in points:
        date = point.on.strftime("%d-%m-%Y")
        values.append(_("%(date)s: invalid") % {"date": date} if point.value is None
                      else _("%(date)s: %(value)s") % {"date": date, "value": point.value})
    cut_offs = [str(b.low) for b in bands if b.clinical]
    text = _("Total score over time: %(values)s.") % {"values": "; ".join(values)}
    if cut_offs:
        text += " " + _("The clinical range starts at %(cut_off)s.") % {"cut_off": " / ".join(cut_offs)}
    return text
