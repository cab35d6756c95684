"""What a user may see of the monitoring, and the figures as they are shown (issue 8 points 2 and 4).

Who sees what
    - A gemeente user sees its own region only, always protected by the disclosure control
      (``monitoring.disclosure``): small counts suppressed with the reason ("fewer than 5"),
      complementary cells hidden, counts rounded; the national figure beside it is protected too.
      Another region is a 404.
    - A team leader sees the own organisation's figures exactly (``Policy.internal()``, the
      organisation's own data), with its locations by name. The team leader may also open the
      regions the organisation serves (its ``regions`` and the regions of its locations); a region
      view is exactly what the gemeente of that region sees (the same protected publication, other
      organisations only protected). Another region is a 404.
    - Every other role is refused (403) by the views.
    - Outside the own organisation a location is never named: the Location model has no public label
      and its name may reveal a shelter's whereabouts, so outsiders see "Location 1, 2, ..." numbered
      per organisation in the order the locations were created (stable; only the number is shown).

How figures are protected
    All figures of one admission year that leave an organisation come from ONE national publication
    (``national``): one ``disclosure.protect`` call over every region of the country, each region as the
    sum of its organisations, the Netherlands as the sum of the regions, and per region the breakdowns
    every page shows (organisation -> location, type of care, age group), each adding up to the region's
    total. Every count series (the children counted by an indicator's denominator, its numerator, the
    rest = denominator - numerator, the number of children with a value for a median, each destination) is
    a set of cells of that table, identified by its rule, so an indicator whose denominator is another
    indicator's numerator shares those cells and is never published two ways. Years are separate tables
    (a child counts once, in the year of admission, and no total over years is shown). Every region page,
    the national figure beside it, the trend, the breakdowns and every export read their cells from that
    publication, so a cell is the same everywhere and all pages together (every gemeente may publish its
    own) give away no more than the one protected table: subtracting the published regions from the
    national total recovers nothing that is hidden.

    Complements prefer parts: region and national totals are chosen only when no other cell will do
    (``protect(last=...)``). And the protection holds against each organisation's own knowledge: a team
    leader knows the own organisation's cells exactly, so for every organisation its own cells are taken
    as known and complements are added until no small figure of another organisation (or of a region or
    total with only one other organisation in it) follows (``protect(owners=...)``). In a region of two
    organisations where one has small figures, the region's totals of those series are therefore hidden,
    and another region's with them.

    Stored: protecting a year nationally takes seconds (about 2 s per year without and 25 s with the
    insider check on the demo's 35 regions), so each year's result is stored (``models.Publication``: the
    hidden cell ids per reason, keyed by year, policy and a digest of the table) and reused while the
    facts are unchanged. ``facts.refresh`` deletes the publications of the years it touched and protects
    them again, so a page view normally only looks them up; a page that finds no publication for the
    current facts (facts written another way, or a changed policy) protects and stores it itself.

    Quarters only for the own organisation (exact). Protected figures are per whole year: with
    quarters in the table (region x quarter with margins) nearly every quarter cell of a region is
    small, and its "rest" cells (the children without the property) smaller still, so the secondary
    suppression hid every quarter and the region's own year totals (measured on a region of 41 children
    beside one of 40). Publishing the quarters from a separate table would let a reader subtract three
    published quarters from the published year. The team leader's own view is exact and shows the
    quarters (the national figure beside a quarter is not shown: it is published per year).

Queries: a fixed number whatever the number of facts, organisations or years - the national grid and
each national breakdown in ONE ``aggregate`` call each, one look-up of the stored publications (two
more writes when one had to be protected), the own organisation's grid and breakdowns for a team leader
(the numerator and denominator of every indicator and the synthetic counts are ``Count(filter=...)``
annotations), medians and means of the shown cells from a
histogram per indicator, plus the names of regions, organisations and locations.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from veerkracht.accounts.roles import Role
from veerkracht.clients.models import CareType, Destination
from veerkracht.organisations.models import Location, Organisation, Region

from . import disclosure
from . import indicators as registry
from .aggregate import aggregate
from .disclosure import TOTAL, Policy, Publication
from .indicators import Indicator, Part
from .models import AgeGroup, ChildStayFact
from .models import Publication as StoredPublication
from .models import PublicationSlice as StoredSlice

QUARTERS = (1, 2, 3, 4)
TREND_CODES = ("normenkader_1", "normenkader_2", "normenkader_3", "normenkader_4")
# The indicators of the breakdowns (organisation, location, type of care, age group).
BREAKDOWN_CODES = ("children_admitted", *TREND_CODES)
VIEW_ROLES = frozenset({Role.GEMEENTE, Role.TEAMLEIDER})
DIMENSIONS = ("quarter", "organisation", "location", "care_type", "age_group")


# ------------------------------------------------------------------------------------------------ scope


@dataclass(frozen=True)
class Scope:
    """What a user may open: ``region_ids`` (protected region views) and, for a team leader, the own
    ``organisation_id`` (exact)."""

    role: str
    region_ids: tuple[int, ...]
    organisation_id: int | None = None


def scope_for(user: Any) -> Scope | None:
    membership = getattr(user, "membership_or_none", None)
    if membership is None or membership.role not in VIEW_ROLES:
        return None
    if membership.role == Role.GEMEENTE:
        return Scope(role=Role.GEMEENTE, region_ids=(membership.region_id,)) if membership.region_id else None
    org = membership.organisation_id
    ids = Region.objects.filter(Q(organisations__id=org) | Q(locations__organisation_id=org)).values_list(
        "id", flat=True).distinct()
    return Scope(role=Role.TEAMLEIDER, region_ids=tuple(sorted(set(ids))), organisation_id=org)


@dataclass(frozen=True)
class View:
    """One view: a region (protected) or the team leader's own organisation (exact)."""

    kind: str  # "region" or "organisation"
    region_id: int | None
    organisation_id: int | None
    name: str

    @property
    def exact(self) -> bool:
        return self.kind == "organisation"

    @property
    def param(self) -> str:
        """The value of the ``view`` GET parameter that opens this view."""
        return "own" if self.exact else str(self.region_id)


def views_for(scope: Scope) -> list[View]:
    """Every view the user may open, own organisation first (one or two queries)."""
    found = []
    if scope.organisation_id is not None:
        name = Organisation.objects.filter(pk=scope.organisation_id).values_list("name", flat=True).first() or ""
        found.append(View("organisation", None, scope.organisation_id, name))
    for pk, name in Region.objects.filter(pk__in=scope.region_ids).order_by("name").values_list("id", "name"):
        found.append(View("region", pk, None, name))
    return found


def resolve_view(views: Sequence[View], param: str | None) -> View:
    """The view named by ``param`` ("own" or a region id); the first without it. 404 for a view the user
    may not open: a guessed region confirms nothing."""
    if not views:
        raise Http404
    if not param:
        return views[0]
    for view in views:
        if view.param == param:
            return view
    raise Http404


# ------------------------------------------------------------------------------------------ what is shown


@dataclass
class Shown:
    """One figure as shown: ``text`` is the figure ("42%", "15", "8.5") or the reason it is hidden."""

    text: str
    numerator: str = ""
    denominator: str = ""
    hidden: bool = False
    value: float | None = None  # the shown number (percent, count, median) for charts and spreadsheets
    note: str = ""

    @property
    def parts(self) -> str:
        if self.numerator and self.denominator:
            return _("%(numerator)s of %(denominator)s") % {"numerator": self.numerator, "denominator": self.denominator}
        return ""


NOT_APPLICABLE = "-"


def _none() -> Shown:
    return Shown(NOT_APPLICABLE, hidden=True, note=_("no children in this group"))


def per_year_only() -> Shown:
    return Shown(NOT_APPLICABLE, hidden=True, note=_("the national figure is published per whole year"))


def _canon(*exprs: Any) -> tuple[str, ...]:
    return tuple(sorted({json.dumps(e, sort_keys=True) for e in exprs if e is not True and e is not None}))


def _synthetic(code: str, inclusion: Part, expr: Any) -> Indicator:
    text = {"nl": code, "en": code}
    return Indicator(code=code, kind="count", names=text, descriptions=text, inclusion=inclusion,
                     numerator=Part(text=text, expr=expr))


def destination_values() -> list[str]:
    return [value for value, _label in Destination.choices]


@dataclass(frozen=True)
class Series:
    """The count series behind the shown indicators: per indicator its numerator and denominator
    series, and the partitions (a total series = the sum of its part series)."""

    count_indicators: tuple[Indicator, ...]  # what aggregate() counts (real and synthetic)
    keys: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]  # code -> (numerator key, denominator key)
    partitions: tuple[tuple[Hashable, tuple[Hashable, ...]], ...]


@dataclass(frozen=True)
class Definitions:
    indicators: tuple[Indicator, ...]
    series: Series
    value_codes: tuple[str, ...]  # medians and means, computed per shown cell
    distribution: dict[str, list[str]]  # distribution code -> its values (the synthetic codes are code:value)


def definitions() -> Definitions:
    counted: list[Indicator] = []
    keys: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    partitions: dict[Hashable, tuple[Hashable, ...]] = {}
    values: list[str] = []
    distribution: dict[str, list[str]] = {}
    inds = tuple(registry.registry().values())
    for ind in inds:
        incl = ind.inclusion.expr
        if ind.kind in ("share", "count"):
            den_expr = ind.denominator.expr if ind.denominator is not None else True
            den = _canon(incl, den_expr)
            num = _canon(incl, den_expr, ind.numerator.expr if ind.numerator is not None else True)
            counted.append(ind)
        elif ind.kind in ("median", "mean"):
            den = _canon(incl)
            num = _canon(incl, {"field": ind.field, "is_null": False})
            counted.append(_synthetic(f"{ind.code}:n", ind.inclusion, {"field": ind.field, "is_null": False}))
            values.append(ind.code)
        else:  # distribution: one synthetic count per value, and the rest in "other"
            den = _canon(incl)
            num = den
            options = [v for v in _distribution_values(ind.field) if v != "other"]
            distribution[ind.code] = [*options, "other"]
            parts = []
            for value in options:
                expr = {"field": ind.field, "in": [value, ""] if value == "unknown" else [value]}
                counted.append(_synthetic(f"{ind.code}:{value}", ind.inclusion, expr))
                parts.append(_canon(incl, expr))
            rest = {"not": {"field": ind.field, "in": [*options, ""] if "unknown" in options else options}}
            counted.append(_synthetic(f"{ind.code}:other", ind.inclusion, rest))
            parts.append(_canon(incl, rest))
            partitions[den] = tuple(parts)
        keys[ind.code] = (num, den)
        if num != den and ind.kind != "distribution":
            partitions.setdefault(("rest", den, num), ())
    # the rest of each (denominator, numerator) pair is a partition den = num + rest
    final: list[tuple[Hashable, tuple[Hashable, ...]]] = []
    for key, parts in partitions.items():
        if isinstance(key, tuple) and key and key[0] == "rest":
            _r, den, num = key
            final.append((den, (num, key)))
        else:
            final.append((key, parts))
    return Definitions(indicators=inds, series=Series(tuple(counted), keys, tuple(final)),
                       value_codes=tuple(values), distribution=distribution)


def _distribution_values(name: str) -> list[str]:
    if name == "destination":
        return destination_values()
    if name == "care_type":
        return [v for v, _l in CareType.choices] + ["other"]
    return [v for v, _l in AgeGroup.choices] + ["other"]


def _series_counts(defs: Definitions, rows: Iterable[Any], cell: Any,
                   counted: Sequence[Indicator] | None = None) -> dict[Hashable, dict[Hashable, dict]]:
    """{year: {series key: {cell key: count}}} from aggregate rows; ``cell(row.key)`` gives the cell key (rows
    with the same cell key, e.g. all other regions, are summed)."""
    out: dict[Hashable, dict[Hashable, dict]] = defaultdict(lambda: defaultdict(dict))
    for row in rows:
        values: dict[Hashable, int] = {}  # every series once per row
        for ind in counted if counted is not None else defs.series.count_indicators:
            fig = row.figures[ind.code]
            code, _sep, part = ind.code.partition(":")
            if part and part != "n":  # a distribution value
                values[_canon(ind.inclusion.expr, ind.numerator.expr)] = fig.numerator
                values[defs.series.keys[code][1]] = fig.denominator
                continue
            num_key, den_key = defs.series.keys[code if part == "n" else ind.code]
            values[num_key] = fig.numerator
            values[den_key] = fig.denominator
            if num_key != den_key:
                values[("rest", den_key, num_key)] = fig.denominator - fig.numerator
        year, leaf = row.key["year"], cell(row.key)
        for key, value in values.items():
            series = out[year][key]
            series[leaf] = series.get(leaf, 0) + value
    return out


# ------------------------------------------------------------------------------------------------- data


@dataclass
class Names:
    regions: dict[int, str] = field(default_factory=dict)
    organisations: dict[int, str] = field(default_factory=dict)
    locations: dict[int, str] = field(default_factory=dict)
    own_locations: dict[int, str] = field(default_factory=dict)  # names, for the own organisation's screen only
    location_org: dict[int, int] = field(default_factory=dict)


def location_labels(organisation_ids: Iterable[int], *, own: int | None) -> tuple[dict[int, str], dict[int, int],
                                                                          dict[int, str]]:
    """The locations of these organisations (one query): "Location n" for each, numbered per organisation in
    the order the locations were created; their organisation; and the names of the own organisation's only."""
    labels: dict[int, str] = {}
    orgs: dict[int, int] = {}
    own_names: dict[int, str] = {}
    numbers: dict[int, int] = defaultdict(int)
    for pk, org, name in Location.objects.filter(organisation_id__in=list(organisation_ids)).order_by(
            "organisation_id", "pk").values_list("pk", "organisation_id", "name"):
        numbers[org] += 1
        orgs[pk] = org
        labels[pk] = _("Location %(n)s") % {"n": numbers[org]}
        if own is not None and org == own:
            own_names[pk] = name
    return labels, orgs, own_names


@dataclass
class Cells:
    """One year's protected publication and what is needed to read it."""

    publication: Publication
    raw: dict[Hashable, int]


def _block(table: disclosure.Table, s: Hashable, rows: Sequence, counts: dict, cell: Any, total: Any,
           quarters: Sequence[int]) -> None:
    """Rows of series ``s`` with their total; with ``quarters`` a two-way block rows x quarters with its
    margins. ``cell(row, quarter)`` names a cell (quarter TOTAL: the row's year), ``total(quarter)`` the
    column totals (``total(TOTAL)`` the grand total). ``counts`` is keyed by (row, quarter) with quarters,
    by (row, TOTAL) without."""
    if not quarters:
        for r in rows:
            table.add_cell(cell(r, TOTAL), counts.get((r, TOTAL), 0))
        table.add_cell(total(TOTAL), sum(counts.get((r, TOTAL), 0) for r in rows))
        table.add_line(total(TOTAL), [cell(r, TOTAL) for r in rows])
        return
    for r in rows:
        for q in quarters:
            table.add_cell(cell(r, q), counts.get((r, q), 0))
        table.add_cell(cell(r, TOTAL), sum(counts.get((r, q), 0) for q in quarters))
        table.add_line(cell(r, TOTAL), [cell(r, q) for q in quarters])
    for q in quarters:
        table.add_cell(total(q), sum(counts.get((r, q), 0) for r in rows))
        table.add_line(total(q), [cell(r, q) for r in rows])
    table.add_cell(total(TOTAL), sum(counts.get((r, q), 0) for r in rows for q in quarters))
    table.add_line(total(TOTAL), [total(q) for q in quarters])
    table.add_line(total(TOTAL), [cell(r, TOTAL) for r in rows])


def _year_table(defs: Definitions, grid: dict, rows: Sequence, here: Hashable | None,
                breakdowns: dict[str, tuple[Sequence, dict]], org_locations: dict[int, list[int]],
                quarters: Sequence[int] = ()) -> disclosure.Table:
    """The table of one year: the grid (rows x quarters, cells ``(series, row, quarter)``, the national
    margin ``(series, TOTAL, quarter)``) and the whole-year breakdowns of ``here`` (cells ``(series, dim,
    value)``, each adding up to ``(series, here, TOTAL)``)."""
    table = disclosure.Table()
    for s in sorted(grid, key=repr):
        _block(table, s, rows, grid[s], lambda r, q, s=s: (s, r, q), lambda q, s=s: (s, TOTAL, q), quarters)
    for dim, (values, counts) in breakdowns.items():
        for s in sorted(counts, key=repr):
            for v in values:
                table.add_cell((s, dim, v), counts[s].get(v, 0))
            if values:
                table.add_line((s, here, TOTAL), [(s, dim, v) for v in values])
    if "organisation" in breakdowns and "location" in breakdowns:
        for s in breakdowns["location"][1]:
            for org, locs in org_locations.items():
                table.add_line((s, "organisation", org), [(s, "location", loc) for loc in locs])
    by_series: dict[Hashable, list] = defaultdict(list)
    for cell_id in table.counts:
        by_series[cell_id[0]].append(cell_id[1:])
    for total, parts in defs.series.partitions:
        for suffix in by_series.get(total, ()):
            ids = [(p, *suffix) for p in parts]
            if all(i in table for i in ids):
                table.add_line((total, *suffix), ids)
    return table


@dataclass
class Data:
    """Everything the pages show for one view, all years (protected)."""

    view: View
    defs: Definitions
    policy: Policy
    years: list[int]
    names: Names
    here: Hashable
    cells: dict[int, Cells]
    national: dict[int, Cells]  # for the own-organisation view: the national grid protected on its own
    breakdown_values: dict[str, list]


# ---------------------------------------------------------------------------- the national publication

# Bump when the protection itself changes: stored publications of an older version are then recomputed.
PROTECTION_VERSION = 4
BREAKDOWN_DIMS = ("quarter", "care_type", "age_group")


def policy_key(policy: Policy) -> str:
    return f"v{PROTECTION_VERSION}:{policy.min_count}:{policy.rounding}:{policy.min_denominator}"


def _encode(cell_id: Any) -> Any:
    if cell_id is TOTAL:
        return {"t": 1}
    if isinstance(cell_id, tuple):
        return [_encode(x) for x in cell_id]
    return cell_id


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        return TOTAL
    if isinstance(value, list):
        return tuple(_decode(x) for x in value)
    return value


@dataclass
class NationalYear:
    """One year's national table (raw counts) and its protection."""

    table: disclosure.Table
    owners: dict[Hashable, frozenset]
    last: list[Hashable]
    stamp: str
    publication: Publication | None = None
    withheld: frozenset = frozenset()  # region splits hidden so that no organisation reads another's


def _national_table(defs: Definitions, grid: dict, located: dict, by_dim: dict[str, dict], stamp: str,
                    min_count: int) -> NationalYear:
    """The table of one year: for every count series, every region (``(s, region, TOTAL)``) as the sum of
    its organisations (``(s, region, "organisation", org)``) and the Netherlands (``(s, TOTAL, TOTAL)``) as
    the sum of the regions; for the breakdown series also each organisation as the sum of its locations
    in that region and the region by quarter of admission, type of care and age group. ``owners``: per cell, the
    organisations whose children it counts (for the insider check). ``withheld``: a region's split of a
    series by quarter, type of care or age group, hidden as a whole when the region has several
    organisations and one of them has a small figure in its own split: every team leader knows the own
    organisation's split exactly, so with the region's split published, a region of two organisations
    would give each the other's."""
    table = disclosure.Table()
    owners: dict[Hashable, frozenset] = {}
    last: list[Hashable] = []
    orgs_of: dict[Hashable, set] = defaultdict(set)
    for counts in grid.values():
        for region, org in counts:
            orgs_of[region].add(org)
    regions = sorted(orgs_of)
    for s in sorted(grid, key=repr):
        counts = grid[s]
        national, everyone = 0, set()
        for region in regions:
            orgs = sorted(orgs_of[region])
            present = frozenset(o for o in orgs if counts.get((region, o), 0) > 0)
            for org in orgs:
                table.add_cell((s, region, "organisation", org), counts.get((region, org), 0))
                owners[(s, region, "organisation", org)] = frozenset({org}) if org in present else frozenset()
            total = sum(counts.get((region, o), 0) for o in orgs)
            table.add_cell((s, region, TOTAL), total)
            table.add_line((s, region, TOTAL), [(s, region, "organisation", o) for o in orgs])
            owners[(s, region, TOTAL)] = present
            last.append((s, region, TOTAL))
            national += total
            everyone |= present
        table.add_cell((s, TOTAL, TOTAL), national)
        table.add_line((s, TOTAL, TOTAL), [(s, r, TOTAL) for r in regions])
        owners[(s, TOTAL, TOTAL)] = frozenset(everyone)
        last.append((s, TOTAL, TOTAL))
    for s in sorted(located, key=repr):
        per_org: dict[tuple, list] = defaultdict(list)
        for (region, org, loc), count in sorted(located[s].items(), key=repr):
            table.add_cell((s, region, "location", loc), count)
            owners[(s, region, "location", loc)] = frozenset({org}) if count else frozenset()
            per_org[(region, org)].append((s, region, "location", loc))
        for (region, org), locs in per_org.items():
            table.add_line((s, region, "organisation", org), locs)
    withheld: set[Hashable] = set()
    for dim, series in by_dim.items():
        for s in sorted(series, key=repr):
            cells: dict[tuple, int] = defaultdict(int)
            who: dict[tuple, set] = defaultdict(set)
            for (region, org, value), count in series[s].items():
                cells[(region, value)] += count
                if count:
                    who[(region, value)].add(org)
            for region in regions:
                values = sorted(v for r, v in cells if r == region)
                if not values:
                    continue
                for value in values:
                    table.add_cell((s, region, dim, value), cells[(region, value)])
                    owners[(s, region, dim, value)] = frozenset(who[(region, value)])
                table.add_line((s, region, TOTAL), [(s, region, dim, v) for v in values])
                if len(orgs_of[region]) > 1 and any(
                        0 < count < min_count for (r, _org, _v), count in series[s].items() if r == region):
                    withheld.update((s, region, dim, v) for v in values)
    by_series: dict[Hashable, list] = defaultdict(list)
    for cell_id in table.counts:
        by_series[cell_id[0]].append(cell_id[1:])
    for total, parts in defs.series.partitions:
        for suffix in by_series.get(total, ()):
            ids = [(p, *suffix) for p in parts]
            if all(i in table for i in ids):
                table.add_line((total, *suffix), ids)
    return NationalYear(table, owners, last, stamp, withheld=frozenset(withheld))


def definitions_digest(defs: Definitions) -> str:
    """A digest of what the national table is built from besides the facts: the count series and their
    partitions (they follow from indicators.json)."""
    series = [[_encode(ind.code), _canon(ind.inclusion.expr)] for ind in defs.series.count_indicators]
    text = json.dumps([series, [[_encode(t), [_encode(p) for p in parts]] for t, parts in defs.series.partitions]],
                      sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def fact_stamps(defs: Definitions) -> dict[int, str]:
    """Per year the stamp of its fact rows (their number and ids - a refresh writes new rows with new ids -
    and the definitions): a stored publication is valid for exactly these facts. One query."""
    digest = definitions_digest(defs)
    rows = ChildStayFact.objects.values("year").annotate(n=Count("pk"), top=Max("pk"), ids=Sum("pk")).order_by("year")
    return {row["year"]: f"{row['n']}:{row['top']}:{row['ids']}:{digest}" for row in rows}


SMALL, SECONDARY, UNPROTECTED = 1, 2, 4


def _slices(nat: NationalYear) -> dict[int, list]:
    """The stored slices of one year: per region id its own cells and the national ones, and under 0 the
    national cells only (see ``_local``), each as ``[encoded local id, count, flags]``."""
    pub = nat.publication
    assert pub is not None
    flags = defaultdict(int)
    for found, flag in ((pub.small, SMALL), (pub.secondary, SECONDARY), (pub.unprotected, UNPROTECTED)):
        for cell_id in found:
            flags[cell_id] |= flag
    national_cells: list = []
    regions: dict[int, list] = defaultdict(list)
    for cell_id in pub.withheld - pub.small:
        flags[cell_id] |= SECONDARY  # shown as "not shown"
    for cell_id, count in nat.table.counts.items():
        s, where, *rest = cell_id
        if where is TOTAL:
            national_cells.append([_encode(cell_id), count, flags[cell_id]])
        elif rest == [TOTAL]:
            regions[where].append([_encode(cell_id), count, flags[cell_id]])
        else:
            regions[where].append([_encode((s, *rest)), count, flags[cell_id]])
    out = {region: cells + national_cells for region, cells in regions.items()}
    out[0] = national_cells
    return out


def _cells_of_slice(stored: list, policy: Policy) -> Cells:
    table = disclosure.Table()
    found: tuple[set, set, set] = (set(), set(), set())
    for encoded, count, flags in stored:
        cell_id = _decode(encoded)
        table.add_cell(cell_id, count)
        for i, flag in enumerate((SMALL, SECONDARY, UNPROTECTED)):
            if flags & flag:
                found[i].add(cell_id)
    return Cells(Publication(table, policy, *found), dict(table.counts))


def national(defs: Definitions, policy: Policy) -> tuple[dict[int, NationalYear], dict[str, list]]:
    """Every year's national table, protected once per (year, policy, facts) and stored
    (``models.Publication`` and a slice per region, ``models.PublicationSlice``): the stamps, five aggregate
    queries and one look-up; a year whose facts changed since (a refresh) is protected again and stored.
    Also returns the aggregate rows by location, quarter, type of care and age group. The refresh calls this; a
    page reads the stored slices (``stored_slices``) and comes here only when they are missing."""
    stamps = fact_stamps(defs)
    counted = defs.series.count_indicators
    shown = [registry.get(code) for code in BREAKDOWN_CODES]
    grid = _series_counts(defs, aggregate(counted, by=["year", "region", "organisation"]),
                          lambda k: (k["region"], k["organisation"]))
    rows = {"location": aggregate(shown, by=["year", "region", "organisation", "location"])}
    located = _series_counts(defs, rows["location"], lambda k: (k["region"], k["organisation"], k["location"]), shown)
    by_dim = {}
    for dim in BREAKDOWN_DIMS:
        rows[dim] = aggregate(shown, by=["year", "region", "organisation", dim])
        by_dim[dim] = _series_counts(defs, rows[dim], lambda k, dim=dim: (k["region"], k["organisation"], k[dim]),
                                     shown)
    years = {year: _national_table(defs, grid[year], located.get(year, {}),
                                   {dim: by_dim[dim].get(year, {}) for dim in BREAKDOWN_DIMS}, stamps.get(year, ""),
                                   policy.min_count)
             for year in sorted(grid)}
    key = policy_key(policy)
    stored = {}
    if years:
        stored = {(y, s): p for y, s, p in StoredPublication.objects.filter(
            policy_key=key, year__in=list(years), stamp__in=[n.stamp for n in years.values()]).values_list(
            "year", "stamp", "payload")}
    new = []
    for year, nat in years.items():
        payload = stored.get((year, nat.stamp))
        if payload is not None:
            sets = [{_decode(c) for c in payload[name]} for name in ("small", "secondary", "unprotected")]
            nat.publication = Publication(nat.table, policy, *sets, nat.withheld)
            continue
        nat.publication = disclosure.protect(nat.table, policy, last=nat.last, owners=nat.owners,
                                             withheld=nat.withheld)
        payload = {name: [_encode(c) for c in getattr(nat.publication, name)]
                   for name in ("small", "secondary", "unprotected")}
        new.append(StoredPublication(year=year, policy_key=key, stamp=nat.stamp, payload=payload,
                                     computed_at=timezone.now()))
    with transaction.atomic():
        if new:
            StoredPublication.objects.filter(policy_key=key, year__in=[p.year for p in new]).exclude(
                stamp__in=[p.stamp for p in new]).delete()
            StoredPublication.objects.bulk_create(new, ignore_conflicts=True)
        # every publication of these facts gets its slices (new ones, and any stored without)
        bare = StoredPublication.objects.filter(policy_key=key, year__in=list(years),
                                                stamp__in=[n.stamp for n in years.values()], slices=None)
        StoredSlice.objects.bulk_create(
            [StoredSlice(publication_id=pk, region_id=region, cells=cells)
             for pk, year in bare.values_list("pk", "year") for region, cells in _slices(years[year]).items()],
            batch_size=200, ignore_conflicts=True)
    return years, rows


def stored_slices(defs: Definitions, policy: Policy, region_id: int) -> dict[int, Cells] | None:
    """The cells of one region's pages (``region_id`` 0: the national cells only) for every year with
    facts, read from the stored publications: two queries. A year without children in the region has the
    national cells only. None when a year has no valid stored publication (then ``national`` computes and
    stores it)."""
    stamps = fact_stamps(defs)
    if not stamps:
        return {}
    found: dict[int, dict[int, list]] = defaultdict(dict)
    for year, stamp, region, cells in StoredSlice.objects.filter(
            publication__policy_key=policy_key(policy), publication__year__in=list(stamps),
            publication__stamp__in=list(stamps.values()), region_id__in={region_id, 0}).values_list(
            "publication__year", "publication__stamp", "region_id", "cells"):
        if stamps.get(year) == stamp:
            found[year][region] = cells
    if any(0 not in found.get(year, {}) for year in stamps):
        return None
    return {year: _cells_of_slice(by_region.get(region_id, by_region[0]), policy)
            for year, by_region in found.items()}


def _local(nat: NationalYear, region: Hashable | None, policy: Policy) -> Cells:
    """The cells of one page from the national publication: ``(s, region, TOTAL)`` and the Netherlands
    ``(s, TOTAL, TOTAL)`` as they are; the region's breakdown cells ``(s, region, dim, value)`` as ``(s,
    dim, value)``. ``region`` None: the Netherlands only."""
    pub = nat.publication
    assert pub is not None
    table = disclosure.Table()
    mapping: dict[Hashable, Hashable] = {}
    for cell_id, count in nat.table.counts.items():
        s, where, *rest = cell_id
        if where is TOTAL or (where == region and rest == [TOTAL]):
            local = cell_id
        elif where == region and region is not None:
            local = (s, *rest)
        else:
            continue
        mapping[cell_id] = local
        table.add_cell(local, count)
    small, secondary, unprotected = ({mapping[c] for c in found if c in mapping}
                                     for found in (pub.small, pub.secondary | (pub.withheld - pub.small),
                                                   pub.unprotected))
    return Cells(Publication(table, policy, small, secondary, unprotected), dict(table.counts))


def _protected(defs: Definitions, policy: Policy, region_id: int) -> dict[int, Cells]:
    """Every year's cells of one region (0: the Netherlands only) from the national publication: stored
    slices when they are current, else the publication computed, stored, and cut as ``_local`` does."""
    found = stored_slices(defs, policy, region_id)
    if found is not None:
        return found
    nationals, _rows = national(defs, policy)
    return {year: _local(nat, region_id or None, policy) for year, nat in nationals.items()}


def load(view: View) -> Data:
    """Aggregate every year of the view and read its protected cells from the national publication (a
    fixed number of queries)."""
    defs = definitions()
    policy = Policy.internal() if view.exact else Policy.from_settings()
    outsider = Policy.from_settings()
    names = Names()
    values: dict[str, set] = defaultdict(set)
    cells: dict[int, Cells] = {}
    national_cells: dict[int, Cells] = {}
    if view.exact:
        here: Hashable = view.organisation_id
        national_cells = _protected(defs, outsider, 0)
        counted = defs.series.count_indicators
        shown = [registry.get(code) for code in BREAKDOWN_CODES]
        grid_rows = aggregate(counted, filters={"organisation": view.organisation_id},
                              by=["year", "organisation", "quarter"])
        grid = _series_counts(defs, grid_rows, lambda k: (k["organisation"], k["quarter"]))
        dims: tuple[str, ...] = ("location", "care_type", "age_group")
        by_dim: dict[str, dict] = {}
        for dim in dims:
            by = ["year", "organisation", "location"] if dim == "location" else ["year", dim]
            found = aggregate(shown, filters={"organisation": view.organisation_id}, by=by)
            for row in found:
                values[dim].add(row.key[dim])
            by_dim[dim] = _series_counts(defs, found, lambda k, dim=dim: k[dim], shown)
        years = sorted(set(grid) | set(national_cells), reverse=True) or [timezone.localdate().year]
        breakdown_values = {dim: _ordered(dim, values[dim]) for dim in dims}
        for year in years:
            breakdowns = {dim: (breakdown_values[dim], by_dim[dim].get(year, {})) for dim in dims}
            table = _year_table(defs, grid.get(year, {}), [view.organisation_id], here, breakdowns, {}, QUARTERS)
            cells[year] = Cells(disclosure.protect(table, policy), dict(table.counts))
    else:
        here = view.region_id
        dims = DIMENSIONS
        cells = _protected(defs, policy, view.region_id)
        for year_cells in cells.values():  # the region's breakdown cells are (s, dim, value)
            for cell_id in year_cells.raw:
                if len(cell_id) == 3 and cell_id[1] in dims:
                    values[cell_id[1]].add(cell_id[2])
        years = sorted(cells, reverse=True) or [timezone.localdate().year]
        breakdown_values = {dim: _ordered(dim, values[dim]) for dim in dims}
    # names: regions, organisations, locations (three queries at most)
    names.regions = dict(Region.objects.filter(pk__in=[here] if not view.exact else []).values_list("id", "name"))
    org_ids = set(breakdown_values.get("organisation", []))
    if view.exact:
        org_ids.add(view.organisation_id)
    names.organisations = dict(Organisation.objects.filter(pk__in=org_ids).values_list("id", "name"))
    names.locations, names.location_org, names.own_locations = location_labels(
        org_ids, own=view.organisation_id if view.exact else None)
    return Data(view=view, defs=defs, policy=policy, years=years, names=names, here=here, cells=cells,
                national=national_cells, breakdown_values=breakdown_values)


def _ordered(dim: str, found: set) -> list:
    if dim == "care_type":
        order = [v for v, _l in CareType.choices]
    elif dim == "age_group":
        order = [v for v, _l in AgeGroup.choices]
    else:
        return sorted(found)
    return [v for v in order if v in found] + sorted(v for v in found if v not in order)


# --------------------------------------------------------------------------------------------- reading


def _count_text(published: disclosure.Published) -> str:
    return str(published.value) if published.shown else published.label


def _part_text(published: disclosure.Published) -> str:
    """A numerator or denominator beside the figure: hidden as a complement it says only "not shown" (the
    figure itself carries the full reason)."""
    if published.shown:
        return str(published.value)
    if published.reason == disclosure.SUPPRESSED_SECONDARY:
        return _("not shown")
    return published.label


def _reason(pub: Publication, cell_id: Hashable) -> str | None:
    if cell_id in pub.unprotected:
        return disclosure.SUPPRESSED_SECONDARY
    return pub.reason(cell_id)


def _published(pub: Publication, cell_id: Hashable) -> disclosure.Published:
    reason = _reason(pub, cell_id)
    if reason is not None:
        return disclosure.Published(None, reason, pub.policy)
    return pub[cell_id]


def figure(data: Data, code: str, year: int, suffix: tuple, *, national: bool = False,
           values: dict[str, float | None] | None = None) -> Shown:
    """Indicator ``code`` in the cell ``suffix`` (``(here, quarter)``, ``(TOTAL, quarter)`` - quarter TOTAL
    for the whole year - or ``(dim, value)``) of ``year``, as shown."""
    if national and suffix[-1] is not TOTAL:
        return per_year_only()
    cells = (data.national if national and data.view.exact else data.cells).get(year)
    if cells is None:
        return _none()
    pub, raw = cells.publication, cells.raw
    ind = registry.get(code)
    num_key, den_key = data.defs.series.keys[code]
    num_id, den_id = (num_key, *suffix), (den_key, *suffix)
    if den_id not in raw:
        return _none()
    if raw[den_id] == 0:
        return Shown("0" if ind.kind == "count" else NOT_APPLICABLE, numerator="0", denominator="0",
                     hidden=ind.kind != "count", value=0.0 if ind.kind == "count" else None,
                     note="" if ind.kind == "count" else _("no children in this group"))
    num, den = _published(pub, num_id), _published(pub, den_id)
    if ind.kind == "count":
        return Shown(_count_text(num), hidden=not num.shown, value=float(num.value) if num.shown else None,
                     note=num.label)
    if ind.kind == "share":
        reason = _reason(pub, num_id) or _reason(pub, den_id)
        if reason is not None:
            pct = disclosure.Published(None, reason, pub.policy)
        else:
            pct = pub.percentage(num_id, den_id)
        return Shown(f"{pct.value}%" if pct.shown else pct.label, numerator=_part_text(num),
                     denominator=_part_text(den), hidden=not pct.shown,
                     value=float(pct.value) if pct.shown else None, note=pct.label)
    if ind.kind in ("median", "mean"):
        if not num.shown:
            return Shown(num.label, hidden=True, note=num.label, denominator=_part_text(num))
        if raw[num_id] < pub.policy.min_denominator:
            label = disclosure.reason_label(disclosure.DENOMINATOR_TOO_SMALL, pub.policy)
            return Shown(label, hidden=True, note=label, denominator=_part_text(num))
        value = (values or {}).get(code)
        if value is None:
            return _none()
        return Shown(number_format(value, decimal_pos=1), denominator=_count_text(num), value=round(value, 1))
    # distribution: the number of children with a value, see ``distribution``
    return Shown(_count_text(den), hidden=not den.shown, value=float(den.value) if den.shown else None,
                 note=den.label)


def distribution(data: Data, code: str, year: int, suffix: tuple, *, national: bool = False) -> list[tuple[str, Shown]]:
    """Per value of a distribution indicator: (label, share of the children with a value)."""
    cells = (data.national if national and data.view.exact else data.cells).get(year)
    ind = registry.get(code)
    if cells is None or (national and suffix[-1] is not TOTAL):
        return []
    pub, raw = cells.publication, cells.raw
    den_id = (data.defs.series.keys[code][1], *suffix)
    if den_id not in raw:
        return []
    labels = dict(Destination.choices)
    labels["other"] = _("other")
    result = []
    for value in data.defs.distribution[code]:
        expr = ({"field": ind.field, "in": [value, ""] if value == "unknown" else [value]} if value != "other" else None)
        if expr is None:
            options = [v for v in data.defs.distribution[code] if v != "other"]
            expr = {"not": {"field": ind.field, "in": [*options, ""] if "unknown" in options else options}}
        num_id = (_canon(ind.inclusion.expr, expr), *suffix)
        num = _published(pub, num_id)
        reason = _reason(pub, num_id) or _reason(pub, den_id)
        if raw.get(den_id, 0) == 0:
            shown = Shown(NOT_APPLICABLE, hidden=True)
        elif reason is not None:
            label = disclosure.reason_label(reason, pub.policy)
            shown = Shown(label, numerator=_part_text(num), hidden=True, note=label)
        else:
            pct = pub.percentage(num_id, den_id)
            shown = Shown(f"{pct.value}%" if pct.shown else pct.label, numerator=_part_text(num),
                          denominator=_part_text(_published(pub, den_id)), hidden=not pct.shown,
                          value=float(pct.value) if pct.shown else None, note=pct.label)
        result.append((str(labels.get(value, value)), shown))
    return result


def values_for(data: Data, year: int, quarter: int | None, *, by: str | None = None,
               national: bool = False) -> dict[Any, dict[str, float | None]]:
    """Medians and means of the shown cells: {breakdown value or None: {code: value}} (one query per
    median indicator and one for the means)."""
    if not data.defs.value_codes:
        return {}
    filters: dict[str, Any] = {"year": year}
    if quarter:
        filters["quarter"] = quarter
    if not national:
        filters["organisation" if data.view.exact else "region"] = data.here
    rows = aggregate(data.defs.value_codes, filters=filters, by=[by] if by else [])
    return {(row.key[by] if by else None): {code: row.figures[code].value for code in data.defs.value_codes}
            for row in rows}


def dimension_label(data: Data, dim: str, value: Any, *, public: bool = False) -> str:
    """The label of a breakdown value. A location is named only on the own organisation's screen; in an
    export (``public``) and for everyone else it is "Location n" (its name may reveal where the shelter is)."""
    if dim == "organisation":
        return data.names.organisations.get(value, _("Organisation"))
    if dim == "location":
        if data.view.exact and not public and value in data.names.own_locations:
            return data.names.own_locations[value]
        label = data.names.locations.get(value, _("Location"))
        if data.view.exact:
            return label
        org = data.names.organisations.get(data.names.location_org.get(value), "")
        return f"{org}: {label}" if org else label
    if dim == "care_type":
        return str(dict(CareType.choices).get(value, value))
    if dim == "quarter":
        return _("Quarter %(number)s") % {"number": value}
    return str(dict(AgeGroup.choices).get(value, value))


def dimension_title(dim: str) -> str:
    return {"quarter": _("Quarter of admission"), "organisation": _("Organisation"), "location": _("Location"),
            "care_type": _("Type of care"), "age_group": _("Age group at admission")}[dim]


def quarter_of(quarter: int | None) -> Any:
    return quarter if quarter else TOTAL


def fact_count() -> int:
    """For tests and the demo: the number of fact rows."""
    return ChildStayFact.objects.count()


# ----------------------------------------------------------------------------------------------- report


@dataclass
class IndicatorRow:
    indicator: Indicator
    here: Shown
    national: Shown
    distribution: list[tuple[str, Shown, Shown]] = field(default_factory=list)


@dataclass
class Group:
    number: int | None
    title: str
    rows: list[IndicatorRow]


@dataclass
class TrendPoint:
    year: int
    here: dict[str, Shown]
    national: dict[str, Shown]

    @property
    def pairs(self) -> list[tuple[Shown, Shown]]:
        return [(self.here[code], self.national[code]) for code in self.here]


@dataclass
class Breakdown:
    dim: str
    title: str
    rows: list[tuple[str, dict[str, Shown]]]


@dataclass
class Report:
    data: Data
    year: int | None
    quarter: int | None
    groups: list[Group]
    trend: list[TrendPoint]
    trend_codes: list[str]
    breakdowns: list[Breakdown]
    breakdown_codes: list[str]

    @property
    def view(self) -> View:
        return self.data.view

    @property
    def exact(self) -> bool:
        return self.data.view.exact



def build_report(data: Data, year: int | None, quarter: int | None, *, with_breakdowns: bool = True,
                 public: bool = False) -> Report:
    """The shown figures of ``year`` (and ``quarter``), the trend over the years and the breakdowns."""
    q = quarter_of(quarter)
    groups: list[Group] = []
    trend_codes = [c for c in TREND_CODES if c in data.defs.series.keys]
    if year is None:
        return Report(data, None, quarter, [], [], trend_codes, [], [])
    here_values = values_for(data, year, quarter).get(None, {})
    national_values = values_for(data, year, quarter, national=True).get(None, {})
    rows_by_group: dict[int | None, list[IndicatorRow]] = defaultdict(list)
    for ind in data.defs.indicators:
        row = IndicatorRow(ind, figure(data, ind.code, year, (data.here, q), values=here_values),
                           figure(data, ind.code, year, (TOTAL, q), national=True, values=national_values))
        if ind.kind == "distribution":
            here = distribution(data, ind.code, year, (data.here, q))
            national = dict(distribution(data, ind.code, year, (TOTAL, q), national=True))
            row.distribution = [(label, shown, national.get(label, _none())) for label, shown in here]
        rows_by_group[ind.normenkader].append(row)
    for number in (1, 2, 3, 4):
        rows = sorted(rows_by_group.get(number, []), key=lambda r: not r.indicator.composite)
        if rows:
            groups.append(Group(number, rows[0].indicator.name if rows[0].indicator.composite
                                else _("Normenkader indicator %(n)s") % {"n": number}, rows))
    if rows_by_group.get(None):
        groups.append(Group(None, _("Other figures"), rows_by_group[None]))
    trend = [TrendPoint(y, {c: figure(data, c, y, (data.here, TOTAL)) for c in trend_codes},
                        {c: figure(data, c, y, (TOTAL, TOTAL), national=True) for c in trend_codes})
             for y in sorted(data.years)]
    breakdowns: list[Breakdown] = []
    codes = list(BREAKDOWN_CODES)
    if with_breakdowns:
        for dim, values in data.breakdown_values.items():
            rows = [(dimension_label(data, dim, value, public=public), {c: figure(data, c, year, (dim, value)) for c in codes})
                    for value in values]
            breakdowns.append(Breakdown(dim, dimension_title(dim), rows))
    return Report(data, year, quarter, groups, trend, trend_codes, breakdowns, codes)
