"""Disclosure control for monitoring figures that leave the organisation (issue 8, point 3).

Pure Python, no models and no database: the aggregation hands in counts, this module decides what
may be published, and the dashboard shows the result. Everything published on one page (and every
table that shares a cell with it) must be protected in one call, so that the attacker cannot combine
two separately protected tables.

The table model
    A :class:`Table` holds cells (any hashable id -> a count of children, an int >= 0) and *lines*:
    linear relations "total = part + part + ...". A one-way breakdown with its total, a two-way table
    with row, column and grand totals, a hierarchy (region = its organisations, organisation = its
    locations) and several tables on one page that share cells (the same region total in the age
    table and in the location table: :func:`link`) are all a set of cells and lines. Builders:
    :func:`breakdown`, :func:`two_way`, :func:`hierarchy`, :func:`link`; :func:`protect_rates` builds
    the numerator/denominator table of one or more indicators over a breakdown.

The rules (:class:`Policy`, read from the settings ``VEERKRACHT_DISCLOSURE_MIN_COUNT`` (5),
``VEERKRACHT_DISCLOSURE_ROUNDING`` (5; 1 = no rounding) and ``VEERKRACHT_DISCLOSURE_MIN_DENOMINATOR`` (10))
    1. Primary suppression: a count from 1 to ``min_count - 1`` is not shown (reason
       ``suppressed_small``, shown as "fewer than 5"). ``min_count`` 1 hides nothing (an
       organisation's own figures, ``Policy.internal()``); 2 is refused, as "fewer than 2" says 1.
    2. Zeros. A 0 is published, as statistical offices do: there is nobody to protect, and "no child
       in this group had X" is what a municipality needs to know. One exception: a 0 that is a part of
       a line whose total is itself suppressed as small would tell that the few children of that
       small group all fall in the other parts (attribute disclosure of a group smaller than the
       threshold), so such a 0 is suppressed as well, with the same reason (0 is "fewer than 5", so
       the label stays true). Except where the 0 also lies in a line that is all zeros (an
       organisation without children in that region, with its locations, or a category nobody
       had): that line would pin it to 0 whatever is hidden, and it says nothing about the small
       group, so it is shown. A 0 next to a published total (0 of 40 children had X) is published.
    3. Secondary suppression. In no line may a suppressed cell be worked out from the others.
       Complementary cells are chosen among the published non-zero cells of a line: first one that
       also mends another line with a single hidden cell (fewer cells hidden in all), then the
       smallest count (least information lost), parts before totals, then the order the cells were
       added; repeated to a fixed point over all lines, so linked tables and hierarchies are covered.
       Then attacks run on the result and every cell they pin gets one more complement (in one of
       its lines, or further out when those have none), until none is pinned:
       - the exact linear attack: Gaussian elimination in fractions over all lines (a suppressed
         cell that is determined by a combination of lines, not only by one line);
       - the interval attack: each line's bounds propagated over all lines, with what the published
         reasons tell: a cell labelled "fewer than 5" lies in 1..4 (0..4 where rule 2 may have
         suppressed a 0), a secondary cell is at least 5 (complements are never zeros), every
         count is >= 0. Without this, a row "10 = (1) + (1) + 8" would show that both hidden
         cells are 1.
       - when those find nothing, an exhaustive whole-number search over each connected group of at
         most 40 hidden cells: every hidden cell must have another value that fits all lines and
         all bounds (a search that runs over its step budget counts as a pin). Larger groups, and
         what is left when the call's step budget is spent, rely on the two attacks above.
       The choice is deterministic: the same table gives the same result. The attacks assume the
       published counts are exact (rounding off), so rounding is never relied on for protection.
    4. Rounding: published counts are rounded to the nearest multiple of ``rounding`` (CBS style),
       a half rounds up (with base 10: 5 -> 10, 15 -> 20; with base 5 an integer count has no half:
       2 -> 0 and 3 -> 5, but published non-zero counts are at least ``min_count``, so no published
       child disappears into a 0 - the policy refuses a base above ``2 * min_count``). Totals are
       rounded independently, so rounded parts need not add up to the rounded total.
    5. Percentages are computed from the unrounded counts and rounded to a whole percent (half up);
       shown only when neither numerator nor denominator is suppressed and the unrounded denominator
       is at least ``min_denominator`` (else reason ``denominator_too_small``). For rates the part
       that does *not* have the property (denominator - numerator) is a count too and is protected as
       a cell with the line "denominator = numerator + rest" (97 of 100 with an intake tells that 3
       had none). A percentage shows the unrounded ratio, so the rounding of counts is a presentation
       convention and the protection rests on suppression.

A cell that no complement can protect (only in degenerate tables, e.g. a line whose parts are all
suppressed already and still pin it) is listed in :attr:`Publication.unprotected`; callers must not
publish a table with such cells (``Publication.safe`` is False).

Work: a three-way table of 35 regions x 24 organisations x 10 years with every margin (9,900 cells,
1,571 lines) is protected in well under a second on the development machine.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from django.conf import settings
from django.utils.translation import gettext

SUPPRESSED_SMALL = "suppressed_small"
SUPPRESSED_SECONDARY = "suppressed_secondary"
DENOMINATOR_TOO_SMALL = "denominator_too_small"
REASONS = (SUPPRESSED_SMALL, SUPPRESSED_SECONDARY, DENOMINATOR_TOO_SMALL)


class _Marker:
    """A cell-id part that cannot collide with a caller's own keys (row/column totals, rate parts)."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


TOTAL = _Marker("TOTAL")
NUMERATOR = _Marker("NUMERATOR")
REST = _Marker("REST")
DENOMINATOR = _Marker("DENOMINATOR")


@dataclass(frozen=True)
class Policy:
    """The disclosure rules. ``Policy.from_settings()`` for everyone outside the organisation;
    ``Policy.internal()`` for an organisation's own figures (nothing suppressed or rounded)."""

    min_count: int = 5
    rounding: int = 5
    min_denominator: int = 10

    def __post_init__(self):
        for name in ("min_count", "rounding", "min_denominator"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"Policy.{name} must be a whole number of at least 1, not {value!r}")
        if self.min_count == 2:
            raise ValueError("Policy.min_count 2 would make the label 'fewer than 2' say 1: use 1 (nothing hidden) or 3 or more")
        if self.rounding > 2 * self.min_count:
            raise ValueError(
                f"Policy.rounding ({self.rounding}) may be at most twice min_count ({self.min_count}), "
                "or a published count would be rounded to 0"
            )

    @classmethod
    def from_settings(cls) -> Policy:
        return cls(
            min_count=int(getattr(settings, "VEERKRACHT_DISCLOSURE_MIN_COUNT", 5)),
            rounding=int(getattr(settings, "VEERKRACHT_DISCLOSURE_ROUNDING", 5)),
            min_denominator=int(getattr(settings, "VEERKRACHT_DISCLOSURE_MIN_DENOMINATOR", 10)),
        )

    @classmethod
    def internal(cls) -> Policy:
        return cls(min_count=1, rounding=1, min_denominator=1)


def round_count(count: int, base: int) -> int:
    """Nearest multiple of ``base``, a half rounded up (CBS style)."""
    return (2 * count + base) // (2 * base) * base


def round_percentage(numerator: int, denominator: int) -> int:
    """Whole percent, a half rounded up: 1 of 8 is 12.5% -> 13."""
    return (200 * numerator + denominator) // (2 * denominator)


def reason_label(reason: str, policy: Policy) -> str:
    """What the page says in place of a hidden figure."""
    if reason == SUPPRESSED_SMALL:
        return gettext("fewer than %(n)s") % {"n": policy.min_count}
    if reason == SUPPRESSED_SECONDARY:
        return gettext("not shown, so that a small number cannot be worked out")
    if reason == DENOMINATOR_TOO_SMALL:
        return gettext("no percentage: fewer than %(n)s in the total") % {"n": policy.min_denominator}
    raise ValueError(f"unknown reason {reason!r}")


# ---------------------------------------------------------------------------------------------- table


@dataclass(frozen=True)
class Line:
    """``total`` equals the sum of ``parts``."""

    total: Hashable
    parts: tuple


class Table:
    """Cells with counts and the lines between them. Ids are any hashable values."""

    def __init__(self):
        self._counts: dict[Hashable, int] = {}
        self._lines: list[Line] = []
        self._line_keys: set = set()

    def add_cell(self, cell_id: Hashable, count: int) -> None:
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"cell {cell_id!r}: a count must be a whole number >= 0, not {count!r}")
        known = self._counts.get(cell_id)
        if known is not None and known != count:
            raise ValueError(f"cell {cell_id!r} is {known} in one table and {count} in another")
        self._counts[cell_id] = count

    def add_line(self, total: Hashable, parts: Iterable[Hashable]) -> None:
        parts = tuple(parts)
        if not parts:
            raise ValueError(f"line of {total!r} has no parts")
        if len(set(parts)) != len(parts) or total in parts:
            raise ValueError(f"line of {total!r} names a cell twice")
        for cell_id in (total, *parts):
            if cell_id not in self._counts:
                raise ValueError(f"line of {total!r} names unknown cell {cell_id!r}")
        if sum(self._counts[p] for p in parts) != self._counts[total]:
            raise ValueError(f"line of {total!r} does not add up")
        key = (total, frozenset(parts))
        if key not in self._line_keys:
            self._line_keys.add(key)
            self._lines.append(Line(total, parts))

    @property
    def counts(self) -> Mapping[Hashable, int]:
        return dict(self._counts)

    @property
    def lines(self) -> tuple[Line, ...]:
        return tuple(self._lines)

    def __contains__(self, cell_id) -> bool:
        return cell_id in self._counts

    def __len__(self) -> int:
        return len(self._counts)

    def relabel(self, rename) -> Table:
        """A copy with each id replaced by ``rename(id)`` (to line up ids before :func:`link`)."""
        table = Table()
        for cell_id, count in self._counts.items():
            table.add_cell(rename(cell_id), count)
        for line in self._lines:
            table.add_line(rename(line.total), [rename(p) for p in line.parts])
        return table


def link(*tables: Table) -> Table:
    """One table of several that share cells (same id = same cell; its counts must agree)."""
    linked = Table()
    for table in tables:
        for cell_id, count in table._counts.items():
            linked.add_cell(cell_id, count)
    for table in tables:
        for line in table._lines:
            linked.add_line(line.total, line.parts)
    return linked


def breakdown(parts: Mapping[Hashable, int], *, total_id: Hashable = TOTAL) -> Table:
    """One breakdown (e.g. age groups) with its total; the total is the sum of the parts."""
    table = Table()
    for cell_id, count in parts.items():
        table.add_cell(cell_id, count)
    table.add_cell(total_id, sum(parts.values()))
    table.add_line(total_id, parts.keys())
    return table


def two_way(
    counts: Mapping[tuple[Hashable, Hashable], int],
    *,
    rows: Sequence[Hashable] | None = None,
    columns: Sequence[Hashable] | None = None,
    prefix: tuple = (),
) -> Table:
    """Rows x columns with margins. Cell ids are ``prefix + (row, column)``; margins use :data:`TOTAL`
    (``(row, TOTAL)``, ``(TOTAL, column)``, ``(TOTAL, TOTAL)``). Missing combinations count 0."""
    rows = list(rows) if rows is not None else list(dict.fromkeys(r for r, _ in counts))
    columns = list(columns) if columns is not None else list(dict.fromkeys(c for _, c in counts))
    unknown = set(counts) - {(r, c) for r in rows for c in columns}
    if unknown:
        raise ValueError(f"counts outside the given rows and columns: {sorted(map(repr, unknown))}")

    def cid(r, c):
        return (*prefix, r, c)

    table = Table()
    for r in rows:
        for c in columns:
            table.add_cell(cid(r, c), counts.get((r, c), 0))
    for r in rows:
        table.add_cell(cid(r, TOTAL), sum(counts.get((r, c), 0) for c in columns))
    for c in columns:
        table.add_cell(cid(TOTAL, c), sum(counts.get((r, c), 0) for r in rows))
    table.add_cell(cid(TOTAL, TOTAL), sum(counts.values()))
    for r in rows:
        table.add_line(cid(r, TOTAL), [cid(r, c) for c in columns])
    for c in columns:
        table.add_line(cid(TOTAL, c), [cid(r, c) for r in rows])
    table.add_line(cid(TOTAL, TOTAL), [cid(TOTAL, c) for c in columns])
    table.add_line(cid(TOTAL, TOTAL), [cid(r, TOTAL) for r in rows])
    return table


def hierarchy(children: Mapping[Hashable, Sequence[Hashable]], leaf_counts: Mapping[Hashable, int]) -> Table:
    """A tree (region -> organisations -> locations): each parent is the sum of its children. Counts are
    given for the leaves (a missing leaf counts 0); parents are summed."""
    totals: dict[Hashable, int] = {}

    def count(node, path=()):
        if node in path:
            raise ValueError(f"the hierarchy has a cycle through {node!r}")
        if node not in totals:
            kids = children.get(node)
            totals[node] = sum(count(k, (*path, node)) for k in kids) if kids else leaf_counts.get(node, 0)
        return totals[node]

    stray = set(leaf_counts) - set(children) - {k for kids in children.values() for k in kids}
    if stray:
        raise ValueError(f"counts for nodes outside the hierarchy: {sorted(map(repr, stray))}")
    for parent in children:
        count(parent)
    table = Table()
    for node in totals:
        table.add_cell(node, totals[node])
    for parent, kids in children.items():
        if kids:
            table.add_line(parent, kids)
    return table


# ------------------------------------------------------------------------------------------ publication


@dataclass(frozen=True)
class Published:
    """One figure as published: ``value`` (rounded count or whole percent) or ``None`` with ``reason``."""

    value: int | None
    reason: str | None
    policy: Policy

    @property
    def shown(self) -> bool:
        return self.value is not None

    @property
    def label(self) -> str:
        return "" if self.reason is None else reason_label(self.reason, self.policy)

    def __str__(self) -> str:
        return str(self.value) if self.value is not None else self.label


class Publication:
    """The protected table: ``publication[cell_id]`` is a :class:`Published` figure."""

    def __init__(self, table: Table, policy: Policy, small: set, secondary: set, unprotected: set,
                 withheld: Iterable = ()):
        self.policy = policy
        self._counts = table.counts
        self.small = frozenset(small)
        self.secondary = frozenset(secondary)
        self.unprotected = frozenset(unprotected)
        self.withheld = frozenset(withheld)  # hidden from the start (see ``protect``)
        self.lines = table.lines

    @property
    def suppressed(self) -> frozenset:
        return self.small | self.secondary | self.withheld

    @property
    def safe(self) -> bool:
        return not self.unprotected

    def reason(self, cell_id) -> str | None:
        if cell_id not in self._counts:
            raise KeyError(cell_id)
        if cell_id in self.small:
            return SUPPRESSED_SMALL
        if cell_id in self.secondary or cell_id in self.withheld:
            return SUPPRESSED_SECONDARY
        return None

    def __getitem__(self, cell_id) -> Published:
        reason = self.reason(cell_id)
        if reason is not None:
            return Published(None, reason, self.policy)
        return Published(round_count(self._counts[cell_id], self.policy.rounding), None, self.policy)

    def __contains__(self, cell_id) -> bool:
        return cell_id in self._counts

    def __iter__(self) -> Iterator:
        return iter(self._counts)

    def unrounded(self, cell_id) -> int | None:
        """The exact published count (None when suppressed): for the attacker tests, not for a page."""
        return None if self.reason(cell_id) else self._counts[cell_id]

    def percentage(self, numerator_id, denominator_id) -> Published:
        for cell_id in (denominator_id, numerator_id):
            reason = self.reason(cell_id)
            if reason is not None:
                return Published(None, reason, self.policy)
        numerator, denominator = self._counts[numerator_id], self._counts[denominator_id]
        if numerator > denominator:
            raise ValueError(f"numerator {numerator_id!r} is larger than denominator {denominator_id!r}")
        if denominator < self.policy.min_denominator or denominator == 0:
            return Published(None, DENOMINATOR_TOO_SMALL, self.policy)
        return Published(round_percentage(numerator, denominator), None, self.policy)


def protect(table: Table, policy: Policy | None = None, *, last: Iterable[Hashable] = (),
            owners: Mapping[Hashable, Iterable[Hashable]] | None = None,
            withheld: Iterable[Hashable] = ()) -> Publication:
    """Apply the policy to the table (primary and secondary suppression; rounding on reading).

    ``last``: cells chosen as complements only when no other cell will do (e.g. region and national
    totals: hide a part rather than a total). ``owners``: cell id -> the organisations whose children the
    cell counts. With it, the protection also holds against each organisation's own knowledge: for every
    organisation its own cells (those counting only its children) are taken as known, and complements
    are added (never among its own cells) until the attacks pin no hidden cell that counts the children
    of exactly one other organisation.

    ``withheld``: cells hidden from the start whatever their count (for example a region's split by
    quarter when an organisation in it could subtract its own split and read another's): to the attacker
    anything from 0 up (no reason says more), a disclosure only when small; they need no complement of
    their own when not small."""
    policy = policy or Policy.from_settings()
    withheld = frozenset(withheld)
    small, secondary, unprotected = _suppress(table.counts, table.lines, policy.min_count, last, owners, withheld)
    return Publication(table, policy, small, secondary, unprotected, withheld)


@dataclass(frozen=True)
class Rate:
    numerator: Published
    denominator: Published
    rest: Published
    percentage: Published


class RatePublication:
    """Indicators (numerator of a shared denominator) across a breakdown, protected together."""

    def __init__(self, publication: Publication, keys: Sequence, names: Sequence):
        self.publication = publication
        self.keys = tuple(keys)
        self.names = tuple(names)

    def rate(self, name, key) -> Rate:
        p = self.publication
        num, rest, den = (name, NUMERATOR, key), (name, REST, key), (DENOMINATOR, key)
        return Rate(p[num], p[den], p[rest], p.percentage(num, den))

    def denominator(self, key) -> Published:
        return self.publication[(DENOMINATOR, key)]

    @property
    def safe(self) -> bool:
        return self.publication.safe


def rates_table(denominators: Table, numerators: Mapping[Hashable, Mapping[Hashable, int]]) -> Table:
    """The cells and lines behind :func:`protect_rates` (see there)."""
    table = Table()
    den_counts = denominators.counts
    for key, count in den_counts.items():
        table.add_cell((DENOMINATOR, key), count)
    for name, counts in numerators.items():
        unknown = set(counts) - set(den_counts)
        if unknown:
            raise ValueError(f"indicator {name!r}: numerators for keys without a denominator: {sorted(map(repr, unknown))}")
        counts = _fill_totals(counts, denominators.lines)
        for key, den in den_counts.items():
            num = counts.get(key, 0)
            if isinstance(num, bool) or not isinstance(num, int) or not 0 <= num <= den:
                raise ValueError(f"indicator {name!r}, {key!r}: numerator {num!r} is not between 0 and {den}")
            table.add_cell((name, NUMERATOR, key), num)
            table.add_cell((name, REST, key), den - num)
    for line in denominators.lines:
        table.add_line((DENOMINATOR, line.total), [(DENOMINATOR, p) for p in line.parts])
    for name in numerators:
        for key in den_counts:
            table.add_line((DENOMINATOR, key), [(name, NUMERATOR, key), (name, REST, key)])
        for part in (NUMERATOR, REST):
            for line in denominators.lines:
                table.add_line((name, part, line.total), [(name, part, p) for p in line.parts])
    return table


def _fill_totals(counts: Mapping, lines: Sequence[Line]) -> dict:
    """Numerators of the totals (organisation, region, grand total) summed from their parts where not
    given; parts that are not a total and not given count 0."""
    counts = dict(counts)
    totals = {line.total for line in lines}
    for line in lines:
        for p in line.parts:
            if p not in totals:
                counts.setdefault(p, 0)
    changed = True
    while changed:
        changed = False
        for line in lines:
            if line.total not in counts and all(p in counts for p in line.parts):
                counts[line.total] = sum(counts[p] for p in line.parts)
                changed = True
    return counts


def protect_rates(
    denominators: Table, numerators: Mapping[Hashable, Mapping[Hashable, int]], policy: Policy | None = None
) -> RatePublication:
    """Publish one or more indicators over a breakdown. ``denominators`` is the breakdown of the shared
    denominator (a :func:`breakdown`, :func:`hierarchy`, :func:`two_way` or :func:`link` of them);
    ``numerators`` maps each indicator's name to its numerator per key (missing keys count 0). The
    numerator, the rest (denominator - numerator) and the denominator are cells; every line of the
    breakdown holds for all three, and denominator = numerator + rest for each key, so the rest is
    protected like any count. Indicators shown on one page over the same children belong in one call."""
    table = rates_table(denominators, numerators)
    return RatePublication(protect(table, policy), list(denominators.counts), list(numerators))


# -------------------------------------------------------------------------------------------- algorithm


class _Problem:
    def __init__(self, counts: Mapping, lines: Sequence[Line], min_count: int, last: Iterable = (),
                 owners: Mapping | None = None, withheld: Iterable = ()):
        self.ids = list(counts)
        self.index = {cell_id: i for i, cell_id in enumerate(self.ids)}
        self.count = [counts[c] for c in self.ids]
        self.m = min_count
        # each line as (total index, part indices)
        self.lines = [(self.index[ln.total], [self.index[p] for p in ln.parts]) for ln in lines]
        n = len(self.ids)
        self.lines_of: list[list[int]] = [[] for _ in range(n)]
        self.is_total = [False] * n
        for li, (t, parts) in enumerate(self.lines):
            self.lines_of[t].append(li)
            self.is_total[t] = True
            for p in parts:
                self.lines_of[p].append(li)
        self.last = {self.index[c] for c in last if c in self.index}
        # owners: cell index -> the organisations whose children the cell counts (insider attacks)
        self.owners = {self.index[c]: frozenset(o) for c, o in (owners or {}).items() if c in self.index}
        # hidden from the start, and not a disclosure when worked out unless small
        self.withheld = {self.index[c] for c in withheld if c in self.index}

    def members(self, li: int) -> list[int]:
        t, parts = self.lines[li]
        return [t, *parts]

    def candidate_key(self, i: int):
        return (i in self.last, self.count[i], self.is_total[i], i)

    def best_candidate(self, line_indices: Iterable[int], sup: set, exclude: set = frozenset()) -> int | None:
        best = None
        for li in line_indices:
            for i in self.members(li):
                if i not in sup and i not in exclude and self.count[i] > 0:
                    if best is None or self.candidate_key(i) < self.candidate_key(best):
                        best = i
        return best


def _suppress(counts: Mapping, lines: Sequence[Line], min_count: int, last: Iterable = (),
              owners: Mapping | None = None, withheld: Iterable = ()) -> tuple[set, set, set]:
    pr = _Problem(counts, lines, min_count, last, owners, withheld)
    small = _primary(pr)
    sup = set(small) | pr.withheld
    secondary: set[int] = set()
    unprotected: set[int] = set()
    while True:
        _line_rule(pr, sup, secondary)
        pinned = _pinned(pr, small, sup)
        if not pinned and pr.owners:
            added = False
            failed: set[int] = set()
            for org, cells in _insider_pinned(pr, small, sup).items():
                own = _own_cells(pr, org)
                for i in sorted(cells):
                    cand = _insider_candidate(pr, small, sup, own, i)
                    if cand is None:
                        failed.add(i)
                        continue
                    sup.add(cand)
                    secondary.add(cand)
                    added = True
                    break  # one complement per organisation, then attack again
            if added:
                continue
            unprotected |= failed
            break
        if not pinned:
            break
        touched: set[int] = set()
        added = False
        for i in sorted(pinned):
            if touched.intersection(pr.lines_of[i]):
                continue  # a complement was just added in one of its lines: attack again first
            cand = _nearest_candidate(pr, i, sup)
            if cand is None:
                continue
            sup.add(cand)
            secondary.add(cand)
            touched.update(pr.lines_of[cand])
            added = True
        if not added:
            unprotected |= pinned
            break
    ids = pr.ids
    return {ids[i] for i in small}, {ids[i] for i in secondary}, {ids[i] for i in unprotected}


def _nearest_candidate(pr: _Problem, i: int, sup: set, exclude: set = frozenset(),
                       through: set | None = None) -> int | None:
    """The best complement in a line of cell ``i``; when those lines have none, in the lines of the
    hidden cells of those lines, and so on outwards (a cell pinned by a combination of lines). ``exclude``:
    cells that may not be chosen (an insider knows them); ``through``: the cells still hidden to the
    attacker (default ``sup``)."""
    through = sup if through is None else through
    seen_lines: set[int] = set()
    ring = set(pr.lines_of[i])
    while ring:
        cand = pr.best_candidate(sorted(ring), sup, exclude)
        if cand is not None:
            return cand
        seen_lines |= ring
        hidden = {j for li in ring for j in pr.members(li) if j in through}
        ring = {li for j in hidden for li in pr.lines_of[j]} - seen_lines
    return None


def _primary(pr: _Problem) -> set[int]:
    small = {i for i, v in enumerate(pr.count) if 0 < v < pr.m}
    for t, parts in pr.lines:
        if t not in small:
            continue
        for p in parts:
            # a 0 beside a small total; not where another line of it is all zeros (that line would pin
            # it to 0 whatever is hidden, and the 0 there says nothing about the small group)
            if pr.count[p] == 0 and all(pr.count[pr.lines[li][0]] > 0 for li in pr.lines_of[p]):
                small.add(p)
    return small


def _line_rule(pr: _Problem, sup: set, secondary: set) -> None:
    """No line with exactly one suppressed cell, to a fixed point. Among a line's candidates the one
    that also mends another such line comes first (fewer cells hidden in all), then the smallest."""
    nsup = [sum(1 for i in pr.members(li) if i in sup) for li in range(len(pr.lines))]
    queue = deque(li for li in range(len(pr.lines)) if nsup[li] == 1)
    while queue:
        li = queue.popleft()
        if nsup[li] != 1:
            continue
        if any(i in sup and i in pr.withheld and not 0 < pr.count[i] < pr.m for i in pr.members(li)):
            continue  # the one hidden cell is withheld and not small: working it out tells nothing
        best, best_key = None, None
        for i in pr.members(li):
            if i in sup or pr.count[i] == 0:
                continue
            mends = sum(1 for other in pr.lines_of[i] if other != li and nsup[other] == 1)
            last, *rest = pr.candidate_key(i)
            key = (last, -mends, *rest)
            if best_key is None or key < best_key:
                best, best_key = i, key
        if best is None:
            continue  # left to the attacks, which report it
        sup.add(best)
        secondary.add(best)
        for other in pr.lines_of[best]:
            nsup[other] += 1
            if nsup[other] == 1:
                queue.append(other)


def _attacker_bounds(pr: _Problem, small: set, sup: set) -> dict[int, list]:
    """What the published reasons tell the attacker about each hidden cell."""
    may_be_zero = set()
    for t, parts in pr.lines:
        if t in small:
            may_be_zero.update(parts)
    bounds = {}
    for i in sup:
        if i in pr.withheld:
            bounds[i] = [0, math.inf]  # its reason says nothing about its size
        elif i in small:
            bounds[i] = [0 if i in may_be_zero else 1, pr.m - 1]
        else:
            bounds[i] = [pr.m, math.inf]
    return bounds


def _pinned(pr: _Problem, small: set, sup: set, lines: Sequence[int] | None = None) -> set[int]:
    """Hidden cells an attacker can fix, by the cheap attacks first and, when they find nothing, by an
    exhaustive search on each small group of connected hidden cells. ``lines``: only these lines (the
    part of the table an insider's knowledge changes)."""
    bounds = _attacker_bounds(pr, small, sup)
    if lines is not None:
        inside = {i for li in lines for i in pr.members(li)}
        bounds = {i: b for i, b in bounds.items() if i in inside}
    label_only = {i for i, (lo, hi) in bounds.items() if lo >= hi}  # "fewer than 2" is 1: nothing to hide
    active = _active_lines(pr, sup, lines)
    _propagate(active, bounds)
    harmless = pr.withheld - small  # withheld and not small: may be worked out
    pinned = {i for i, (lo, hi) in bounds.items() if lo >= hi and i not in label_only}
    pinned |= _pinned_by_elimination(pr, sup, lines)
    pinned -= harmless
    if not pinned:
        pinned = _pinned_by_search(pr, active, bounds, label_only | harmless) - harmless
    return pinned


def _active_lines(pr: _Problem, sup: set, lines: Sequence[int] | None = None) -> list[tuple[list, int]]:
    """Each line with hidden cells as ([(coefficient, cell)], right-hand side): total - parts == 0 with
    the published cells moved to the right."""
    active = []
    for t, parts in (pr.lines if lines is None else [pr.lines[li] for li in lines]):
        hidden = [(1, i) for i in (t,) if i in sup] + [(-1, p) for p in parts if p in sup]
        if hidden:
            known = sum(pr.count[p] for p in parts if p not in sup) - (pr.count[t] if t not in sup else 0)
            active.append((hidden, known))
    return active


def _propagate(active: list, bounds: dict, max_passes: int = 60) -> bool:
    """Tighten each hidden cell's [low, high] by every line, to a fixed point; False if infeasible."""
    for _ in range(max_passes):
        changed = False
        for hidden, known in active:
            for j, (cj, xj) in enumerate(hidden):
                low = high = 0
                for k, (ck, xk) in enumerate(hidden):
                    if k == j:
                        continue
                    lo, hi = bounds[xk]
                    low += ck * lo if ck > 0 else ck * hi
                    high += ck * hi if ck > 0 else ck * lo
                # cj * xj = known - (others), others in [low, high]
                a, b = known - high, known - low
                lo, hi = (a, b) if cj > 0 else (-b, -a)
                cur = bounds[xj]
                if lo > cur[0]:
                    cur[0] = lo
                    changed = True
                if hi < cur[1]:
                    cur[1] = hi
                    changed = True
                if cur[0] > cur[1]:
                    return False
        if not changed:
            break
    return True


def _own_cells(pr: _Problem, org: Hashable) -> set[int]:
    """The cells an organisation knows exactly: those that count only its own children."""
    return {i for i, owners in pr.owners.items() if owners and owners <= {org}}


def _insider_pinned(pr: _Problem, small: set, sup: set) -> dict[Hashable, set[int]]:
    """For each organisation, with its own cells known: the small (primary suppressed) cells the attacks
    pin that count the children of exactly one other organisation (a cell of another organisation, or a
    region or total cell with only one organisation besides the attacker). Complements (secondary cells)
    are at least ``min_count``, publishable on their own: one that the insider works out is no disclosure
    in itself, and whatever small cell it would give away the same attacks pin as well. Only the lines
    connected to the attacker's own hidden cells through hidden cells are attacked: elsewhere nothing
    changes."""
    orgs = sorted({o for owners in pr.owners.values() for o in owners}, key=repr)
    found: dict[Hashable, set[int]] = {}
    for org in orgs:
        own = _own_cells(pr, org)
        known = own & sup
        if not known:
            continue
        hidden = sup - own
        lines = _connected_lines(pr, known, hidden)
        if not lines:
            continue
        pinned = _pinned(pr, small, hidden, sorted(lines))
        leaks = {i for i in pinned if i in small and len(pr.owners.get(i, frozenset()) - {org}) == 1}
        if leaks:
            found[org] = leaks
    return found


def _connected_lines(pr: _Problem, start: Iterable[int], hidden: set) -> list[int]:
    """The lines reachable from the cells ``start`` through hidden cells."""
    lines: set[int] = set()
    stack = list(start)
    seen = set(stack)
    while stack:
        for li in pr.lines_of[stack.pop()]:
            if li in lines:
                continue
            lines.add(li)
            for j in pr.members(li):
                if j in hidden and j not in seen:
                    seen.add(j)
                    stack.append(j)
    return sorted(lines)


def _insider_candidate(pr: _Problem, small: set, sup: set, own: set, cell: int, tries: int = 12) -> int | None:
    """A complement that frees ``cell`` from the organisation that knows ``own``: the candidates of the
    nearest lines first (as :func:`_nearest_candidate`, never an own cell), each tried with the attacks;
    the first that leaves ``cell`` undetermined is taken. After ``tries`` failures, the nearest (the
    next round attacks again)."""
    known = own & sup
    seen_lines: set[int] = set()
    ring = set(pr.lines_of[cell])
    first = None
    tried = 0
    while ring:
        found = sorted({j for li in ring for j in pr.members(li)
                        if j not in sup and j not in own and pr.count[j] > 0}, key=pr.candidate_key)
        for cand in found:
            if first is None:
                first = cand
            if tried >= tries:
                return first
            tried += 1
            hidden = (sup | {cand}) - own
            if cell not in _pinned(pr, small, hidden, _connected_lines(pr, known, hidden)):
                return cand
        seen_lines |= ring
        through = {j for li in ring for j in pr.members(li) if j in sup and j not in own}
        ring = {li for j in through for li in pr.lines_of[j]} - seen_lines
    return first


class _OverBudget(Exception):
    pass


def _pinned_by_search(
    pr: _Problem,
    active: list,
    bounds: dict,
    skip: set,
    max_cells: int = 40,
    budget: int = 5000,
    total_budget: int = 100_000,
) -> set[int]:
    """Whole-number search: for each hidden cell of a connected group of at most ``max_cells``, another
    filling of the group within the attacker's bounds that keeps every line. A cell without one (or
    whose search runs over ``budget`` steps) counts as pinned, so it gets a complement. Larger groups,
    and whatever is left when ``total_budget`` steps are spent, rely on the interval and linear attacks
    alone (this bounds the work on big tables)."""
    spent = 0
    lines_of: dict[int, list[int]] = {}
    for a, (hidden, _) in enumerate(active):
        for _, i in hidden:
            lines_of.setdefault(i, []).append(a)
    cap = max(pr.count, default=0) + pr.m
    seen: set[int] = set()
    pinned: set[int] = set()
    for start in sorted(bounds):
        if start in seen:
            continue
        group, stack, group_lines = {start}, [start], set()
        while stack:
            for a in lines_of.get(stack.pop(), ()):
                if a not in group_lines:
                    group_lines.add(a)
                    for _, j in active[a][0]:
                        if j not in group:
                            group.add(j)
                            stack.append(j)
        seen |= group
        if len(group) > max_cells:
            continue
        lines = [active[a] for a in sorted(group_lines)]
        base = {i: [bounds[i][0], min(bounds[i][1], cap)] for i in group}
        free: set[int] = set()
        for cell in sorted(group):
            if cell in skip or cell in free:
                continue
            true = pr.count[cell]
            found = None
            if spent > total_budget:
                return pinned
            for lo, hi in ((base[cell][0], true - 1), (true + 1, base[cell][1])):
                if lo > hi:
                    continue
                trial = {i: list(v) for i, v in base.items()}
                trial[cell] = [lo, hi]
                left = [budget]
                try:
                    found = _search(lines, trial, left)
                except _OverBudget:
                    found = None
                spent += budget - left[0]
                if found:
                    break
            if found:
                free.update(i for i, v in found.items() if v != pr.count[i])
            else:
                pinned.add(cell)
    return pinned


def _search(lines: list, bounds: dict, budget: list) -> dict | None:
    budget[0] -= 1
    if budget[0] < 0:
        raise _OverBudget
    if not _propagate(lines, bounds):
        return None
    open_cells = [i for i, (lo, hi) in bounds.items() if lo < hi]
    if not open_cells:
        return {i: lo for i, (lo, _) in bounds.items()}
    cell = min(open_cells, key=lambda i: (bounds[i][1] - bounds[i][0], i))
    lo, hi = bounds[cell]
    for value in range(int(lo), int(hi) + 1):
        trial = {i: list(v) for i, v in bounds.items()}
        trial[cell] = [value, value]
        found = _search(lines, trial, budget)
        if found:
            return found
    return None


def _pinned_by_elimination(pr: _Problem, sup: set, lines: Sequence[int] | None = None) -> set[int]:
    """Suppressed cells that a combination of lines determines exactly (fractions, no rounding)."""
    pivots: dict[int, dict[int, object]] = {}
    holders: dict[int, set[int]] = {}  # column -> pivot columns whose row contains it
    for t, parts in (pr.lines if lines is None else [pr.lines[li] for li in lines]):
        row: dict[int, object] = {}
        if t in sup:
            row[t] = 1
        for p in parts:
            if p in sup:
                row[p] = -1
        if not row:
            continue
        for col in [c for c in row if c in pivots]:
            factor = row.get(col)
            if not factor:
                continue
            for c, v in pivots[col].items():
                nv = row.get(c, 0) - factor * v
                if nv:
                    row[c] = nv
                else:
                    row.pop(c, None)
        if not row:
            continue
        col = min(row, key=lambda c: (abs(row[c]) != 1, len(holders.get(c, ())), c))
        pv = row[col]
        if pv != 1:
            row = {c: (v / pv if isinstance(v, Fraction) else _div(v, pv)) for c, v in row.items()}
        for other in list(holders.get(col, ())):
            orow = pivots[other]
            factor = orow[col]
            for c, v in row.items():
                nv = orow.get(c, 0) - factor * v
                if nv:
                    if c not in orow:
                        holders.setdefault(c, set()).add(other)
                    orow[c] = nv
                else:
                    if c in orow:
                        del orow[c]
                        holders[c].discard(other)
        pivots[col] = row
        for c in row:
            holders.setdefault(c, set()).add(col)
    return {col for col, row in pivots.items() if len(row) == 1}


def _div(a, b):
    if isinstance(a, int) and isinstance(b, int) and a % b == 0:
        return a // b
    return Fraction(a) / b
