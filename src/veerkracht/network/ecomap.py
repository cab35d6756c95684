"""The ecomap: an SVG drawn on the server (no JavaScript, nothing from elsewhere).

The child sits in the middle (first name only), the network members on one or two rings
around it. Meaning never rests on colour alone: supportive is a thick solid line, neutral a
thin dashed line, a risk a zig-zag line (and red); "no contact allowed" is a cross on the line;
a safe person gets a star and the words "safe person". All text goes through the template's
autoescaping; characters that XML does not allow are removed first.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .models import MemberType, NetworkMember, Quality

SIZE, LARGE_SIZE = 1000, 1200  # the drawing is larger (text relatively smaller) for more than ONE_RING members
LEGEND_HEIGHT = 230
CHILD_RADIUS = 70
NODE_RADIUS = 30
ONE_RING = 12  # up to this many members on one ring; more alternate between two rings
SINGLE_RING, INNER_RING, OUTER_RING = 340, 335, 490
SIDE_MARGIN = 100  # extra width left and right for the labels beside the nodes on the sides
COLOURS = {Quality.SUPPORTIVE: "#1d6b35", Quality.NEUTRAL: "#4a5360", Quality.RISK: "#a1101c"}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean(text: Any) -> str:
    """Text as one line without characters that are invalid in XML."""
    return " ".join(_NOT_XML.sub("", str(text or "")).split())


def truncate(text: Any, limit: int) -> str:
    text = clean(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _fmt(value: float) -> str:
    return f"{value:.1f}"


@dataclass
class Node:
    member: NetworkMember
    x: float
    y: float
    label: str
    sublabel: str
    line: dict[str, str]
    zigzag: str = ""
    cross: list[dict[str, str]] = field(default_factory=list)
    cross_centre: tuple[str, str] = ("", "")
    star: str = ""
    colour: str = ""
    title: str = ""
    is_organisation: bool = False
    pos: dict[str, str] = field(default_factory=dict)  # every coordinate as text (never localised)
    texts: list[dict[str, str]] = field(default_factory=list)  # the label lines, placed outward of the node


def _star(cx: float, cy: float, outer: float = 11, inner: float = 5) -> str:
    points = []
    for i in range(10):
        r = outer if i % 2 == 0 else inner
        a = -math.pi / 2 + i * math.pi / 5
        points.append(f"{_fmt(cx + r * math.cos(a))},{_fmt(cy + r * math.sin(a))}")
    return " ".join(points)


def _zigzag(x1: float, y1: float, x2: float, y2: float, step: float = 14, amplitude: float = 8) -> str:
    length = math.hypot(x2 - x1, y2 - y1)
    if length == 0:
        return f"{_fmt(x1)},{_fmt(y1)}"
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    px, py = -uy, ux
    count = max(2, int(length // step))
    points = [f"{_fmt(x1)},{_fmt(y1)}"]
    for i in range(1, count):
        d = length * i / count
        side = amplitude if i % 2 else -amplitude
        points.append(f"{_fmt(x1 + ux * d + px * side)},{_fmt(y1 + uy * d + py * side)}")
    points.append(f"{_fmt(x2)},{_fmt(y2)}")
    return " ".join(points)


def describe(member: NetworkMember) -> str:
    """One sentence per member for <title>/<desc> (full name, not truncated)."""
    parts = [member.get_relation_display()]
    if member.role:
        parts.insert(0, member.role)
    text = f"{clean(member.name)} ({clean(', '.join(str(p) for p in parts))}): {member.get_quality_display()}"
    text += "; " + (str(_("contact allowed")) if member.contact_allowed else str(_("no contact allowed")))
    if member.safe_person:
        text += "; " + str(_("safe person"))
    return text + "."


def size_for(count: int) -> int:
    return LARGE_SIZE if count > ONE_RING else SIZE


LINE_HEIGHT = 17


def _label_lines(node: Node, ux: float, uy: float) -> list[dict[str, str]]:
    """Name, role and 'safe' on the outer side of the node, so that the line to the child never
    crosses them: above the node in the top part, below it in the bottom part, beside it on the sides."""
    lines = [(node.label, "15", "600", "#1b1f24"), (node.sublabel, "14", "400", "#4a5360")]
    if node.member.safe_person:
        lines.append(("\u2605 " + str(pgettext("ecomap label of a safe person", "safe")), "14", "600", "#1b1f24"))
    count = len(lines)
    if uy < -0.4:  # above: the last line nearest to the node
        anchor, x = "middle", node.x
        first = node.y - NODE_RADIUS - 10 - (count - 1) * LINE_HEIGHT
    elif uy > 0.4:  # below
        anchor, x = "middle", node.x
        first = node.y + NODE_RADIUS + 20
    else:  # beside, vertically centred on the node
        anchor = "start" if ux > 0 else "end"
        x = node.x + (NODE_RADIUS + 10) * (1 if ux > 0 else -1)
        first = node.y - (count * LINE_HEIGHT) / 2 + 13
    return [
        {"text": text, "x": _fmt(x), "y": _fmt(first + i * LINE_HEIGHT), "size": size, "weight": weight, "fill": fill,
         "anchor": anchor}
        for i, (text, size, weight, fill) in enumerate(lines)
    ]


def layout(members: list[NetworkMember]) -> list[Node]:
    count = len(members)
    two_rings = count > ONE_RING
    centre_x, centre_y = size_for(count) / 2 + SIDE_MARGIN, size_for(count) / 2
    # Labels are cut to what fits between two neighbours on the same (inner) ring.
    inner = INNER_RING if two_rings else SINGLE_RING
    same_ring_step = 2 * math.pi * (2 if two_rings else 1) / max(count, 1)
    chord = 2 * inner * math.sin(min(same_ring_step, math.pi) / 2)
    limit = max(8, min(20, int(chord * 0.7 / 9)))
    nodes = []
    for i, member in enumerate(members):
        angle = -math.pi / 2 + 2 * math.pi * i / max(count, 1)
        radius = (INNER_RING if i % 2 else OUTER_RING) if two_rings else SINGLE_RING
        x, y = centre_x + radius * math.cos(angle), centre_y + radius * math.sin(angle)
        ux, uy = math.cos(angle), math.sin(angle)
        x1, y1 = centre_x + ux * (CHILD_RADIUS + 2), centre_y + uy * (CHILD_RADIUS + 2)
        x2, y2 = x - ux * (NODE_RADIUS + 4), y - uy * (NODE_RADIUS + 4)
        quality = member.quality
        line = {"x1": _fmt(x1), "y1": _fmt(y1), "x2": _fmt(x2), "y2": _fmt(y2)}
        node = Node(
            member=member, x=x, y=y, label=truncate(member.name, limit),
            sublabel=truncate(member.role or member.get_relation_display(), limit), line=line,
            colour=COLOURS.get(quality, COLOURS[Quality.NEUTRAL]), title=describe(member),
            is_organisation=member.member_type == MemberType.ORGANISATION,
        )
        node.pos = {
            "cx": _fmt(x), "cy": _fmt(y), "box_x": _fmt(x - NODE_RADIUS), "box_y": _fmt(y - NODE_RADIUS),
            "box": str(2 * NODE_RADIUS), "r": str(NODE_RADIUS),
        }
        node.texts = _label_lines(node, ux, uy)
        if quality == Quality.RISK:
            node.zigzag = _zigzag(x1, y1, x2, y2)
        if not member.contact_allowed:
            mx, my = (x1 + x2) / 2, (y1 + y2) / 2
            node.cross_centre = (_fmt(mx), _fmt(my))
            node.cross = [
                {"x1": _fmt(mx - 11), "y1": _fmt(my - 11), "x2": _fmt(mx + 11), "y2": _fmt(my + 11)},
                {"x1": _fmt(mx - 11), "y1": _fmt(my + 11), "x2": _fmt(mx + 11), "y2": _fmt(my - 11)},
            ]
        if member.safe_person:
            node.star = _star(x, y, 16, 7)  # inside the node: never on a line or a label
        nodes.append(node)
    return nodes


def _legend(size: int) -> dict[str, Any]:
    top = size + 40
    rows = [top + 30, top + 70, top + 110, top + 150]
    return {
        "line_y": str(size + 10), "line_x2": str(size + 2 * SIDE_MARGIN - 20),
        "top": str(top), "rows": [str(r) for r in rows], "text_rows": [str(r + 5) for r in rows],
        "zigzag": _zigzag(40, rows[2], 120, rows[2], step=10, amplitude=6),
        "star": _star(545, rows[2], 13, 6),
        "cross": [
            {"x1": "69", "y1": str(rows[3] - 11), "x2": "91", "y2": str(rows[3] + 11)},
            {"x1": "69", "y1": str(rows[3] + 11), "x2": "91", "y2": str(rows[3] - 11)},
        ],
        "square_y": str(rows[1] - 14),
    }


def render_svg(child: Any, members: list[NetworkMember], *, standalone: bool = False) -> SafeString:
    """The ecomap of ``child`` as SVG markup (with an XML declaration when ``standalone``)."""
    first_name = clean(getattr(child, "first_name", ""))
    size = size_for(len(members))
    centre_x, centre_y = size / 2 + SIDE_MARGIN, size / 2
    # Numbers go to the template as text: a localised "500,0" would break the SVG.
    context = {
        "width": str(size + 2 * SIDE_MARGIN), "height": str(size + LEGEND_HEIGHT), "centre_x": _fmt(centre_x),
        "centre_y": _fmt(centre_y), "child_radius": str(CHILD_RADIUS), "child_text_y": _fmt(centre_y + 8),
        "empty_text_y": _fmt(centre_y + CHILD_RADIUS + 40),
        "child_label": truncate(first_name, 14), "first_name": first_name,
        "nodes": layout(members), "count": len(members), "standalone": standalone, "legend": _legend(size),
        "colours": {str(k): v for k, v in COLOURS.items()},
    }
    return render_to_string("network/ecomap.svg", context)
