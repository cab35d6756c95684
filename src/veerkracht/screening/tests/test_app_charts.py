"""The course chart: an accessible SVG whose meaning does not rest on colour, valid in any language."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils import translation

from veerkracht.screening.charts import Point, line_chart

D = datetime.date


@dataclass
class Band:
    low: int
    high: int
    label: str
    clinical: bool


BANDS = [Band(0, 14, "normal", False), Band(15, 20, "moderate", False), Band(21, 60, "probable PTSD", True)]


def chart(points, bands=BANDS, title="CATS: total score over time"):  # type: ignore[no-untyped-def]
    return str(line_chart(points, low=0, high=60, bands=bands, title=title, chart_id="c1"))


def test_title_description_and_marks_in_words_and_shapes():
    svg = chart([Point(D(2026, 9, 1), 25, True), Point(D(2026, 10, 1), None), Point(D(2026, 11, 1), 12)])
    assert 'role="img"' in svg and 'aria-labelledby="c1-title c1-desc"' in svg
    assert '<title id="c1-title">CATS: total score over time</title>' in svg
    assert "01-09-2026: 25; 01-10-2026: invalid; 01-11-2026: 12. The clinical range starts at 21." in svg
    assert svg.count('data-point="clinical"') == 1 and svg.count('data-point="normal"') == 1  # square / circle
    assert 'data-point="invalid"' in svg and "<polyline" not in svg  # the line breaks at the invalid one
    assert "probable PTSD (clinical)" in svg and 'data-band="clinical"' in svg and "c1-hatch" in svg


def test_numbers_are_not_localised_and_text_is_escaped():
    with translation.override("nl"):
        svg = chart([Point(D(2026, 9, 1), 13), Point(D(2026, 9, 20), 17)], title="<b>Naam & co</b>")
    for value in re.findall(r' (?:x|y|x1|y1|x2|y2|cx|cy|width|height)="([^"]*)"', svg):
        assert "," not in value, value
    assert "&lt;b&gt;Naam &amp; co&lt;/b&gt;" in svg and "<b>" not in svg


def test_names_of_narrow_bands_do_not_overlap():
    bands = [Band(0, 13, "normal", False), Band(14, 16, "borderline", False), Band(17, 18, "a very high score "
             "that needs attention soon", True), Band(19, 60, "abnormal", True)]
    svg = chart([Point(D(2026, 9, 1), 15)], bands=bands)
    tops = sorted(float(y) for y in re.findall(r'<text x="\d+" y="([\d.]+)" fill="#1b1f24"><tspan', svg))
    assert len(tops) == 4 and all(b - a >= 16 for a, b in zip(tops, tops[1:], strict=False))
