"""Indicators aggregated in the database over the fact table (ADR 0014).

``aggregate(indicators, filters=..., by=...)`` returns one ``Row`` per breakdown value with, per
indicator, the numerator and denominator counts (and the share), the median or mean, or the counts
per value of a distribution. All share, count and mean indicators are computed in ONE query:
``values(*by).annotate(Count("pk", filter=Q), ...)``. A median is found from a histogram counted in
the database, ``values(*by, field).annotate(n=Count("pk"))`` - one query per median indicator - and
then in Python over the distinct values (never the rows), so it is the same on SQLite and PostgreSQL.
A distribution is one query per indicator in the same way. No Python loop runs over fact rows.

The figures are raw counts: everyone outside the organisation gets them only through the disclosure
control (``monitoring.disclosure``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet

from . import indicators as registry
from .indicators import Indicator, IndicatorError
from .models import ChildStayFact

# Breakdown name -> fact field.
BREAKDOWNS = {
    "year": "year",
    "quarter": "quarter",
    "region": "region_id",
    "organisation": "organisation_id",
    "location": "location_id",
    "care_type": "care_type",
    "age_group": "age_group",
}


@dataclass
class Figure:
    """One indicator in one breakdown cell. ``numerator``/``denominator`` are counts of children;
    ``value`` is the share (0-1), the count, the median or the mean; ``counts`` the distribution."""

    kind: str
    denominator: int = 0
    numerator: int | None = None
    value: float | None = None
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class Row:
    key: dict[str, Any]
    figures: dict[str, Figure] = field(default_factory=dict)

    def __getitem__(self, code: str) -> Figure:
        return self.figures[code]


def _field(name: str) -> str:
    try:
        return BREAKDOWNS[name]
    except KeyError:
        raise IndicatorError(f"unknown breakdown {name!r} (one of {', '.join(BREAKDOWNS)})") from None


def _filter_q(filters: Mapping[str, Any] | None) -> Q:
    q = Q()
    for name, value in (filters or {}).items():
        column = _field(name)
        if isinstance(value, list | tuple | set | frozenset):
            q &= Q(**{f"{column}__in": list(value)})
        else:
            q &= Q(**{column: value})
    return q


def _resolve(items: Iterable[Indicator | str]) -> list[Indicator]:
    return [registry.get(i) if isinstance(i, str) else i for i in items]


def median_of_histogram(histogram: Sequence[tuple[float, int]]) -> float | None:
    """The median of the values, given as (value, count) pairs sorted by value; None without values.
    With an even number the mean of the two middle values."""
    total = sum(n for _, n in histogram)
    if total == 0:
        return None
    low_pos, high_pos = (total + 1) // 2, total // 2 + 1  # 1-based positions of the middle value(s)
    low = high = None
    seen = 0
    for value, n in histogram:
        seen += n
        if low is None and seen >= low_pos:
            low = value
        if seen >= high_pos:
            high = value
            break
    if total % 2:
        return float(low)  # type: ignore[arg-type]
    return (low + high) / 2  # type: ignore[operator]


def _key(row: Mapping[str, Any], by: Sequence[str]) -> tuple[Any, ...]:
    return tuple(row[BREAKDOWNS[name]] for name in by)


def _grouped(qs: QuerySet[ChildStayFact], by: Sequence[str], extra: Sequence[str] = ()) -> QuerySet[Any]:
    columns = [BREAKDOWNS[name] for name in by]
    return qs.values(*columns, *extra).order_by(*columns, *extra)


def aggregate(indicators: Iterable[Indicator | str], *, filters: Mapping[str, Any] | None = None,
              by: Sequence[str] = ()) -> list[Row]:
    """The indicators per breakdown value (``by``: names from ``BREAKDOWNS``; empty for one total row),
    over the fact rows that match ``filters`` (breakdown name -> value or list of values). Rows are
    sorted by their key; a breakdown value without any fact row has no row."""
    chosen = _resolve(indicators)
    by = list(by)
    for name in by:
        _field(name)
    base = ChildStayFact.objects.filter(_filter_q(filters))
    rows: dict[tuple[Any, ...], Row] = {}

    def row_for(key: tuple[Any, ...]) -> Row:
        if key not in rows:
            rows[key] = Row(key=dict(zip(by, key, strict=True)))
        return rows[key]

    # shares, counts and means: one query
    annotations: dict[str, Any] = {"_total": Count("pk")}
    for ind in chosen:
        if ind.kind in ("share", "count"):
            annotations[f"{ind.code}__n"] = Count("pk", filter=ind.numerator_q())
            annotations[f"{ind.code}__d"] = Count("pk", filter=ind.denominator_q())
        elif ind.kind == "mean":
            included = ind.included() & Q(**{f"{ind.field}__isnull": False})
            annotations[f"{ind.code}__v"] = Avg(ind.field, filter=included)
            annotations[f"{ind.code}__d"] = Count("pk", filter=included)
    if by:
        results = list(_grouped(base, by).annotate(**annotations))
    else:
        total = base.aggregate(**annotations)
        results = [total] if total["_total"] else []
    for result in results:
        row = row_for(_key(result, by))
        for ind in chosen:
            if ind.kind in ("share", "count"):
                n, d = result[f"{ind.code}__n"], result[f"{ind.code}__d"]
                value = (n / d if d else None) if ind.kind == "share" else float(n)
                row.figures[ind.code] = Figure(kind=ind.kind, numerator=n, denominator=d, value=value)
            elif ind.kind == "mean":
                v = result[f"{ind.code}__v"]
                row.figures[ind.code] = Figure(kind=ind.kind, denominator=result[f"{ind.code}__d"],
                                               value=float(v) if v is not None else None)

    # medians and distributions: one histogram query each
    for ind in chosen:
        if ind.kind not in ("median", "distribution"):
            continue
        included = ind.included() & Q(**{f"{ind.field}__isnull": False})
        cells: dict[tuple[Any, ...], list[tuple[Any, int]]] = defaultdict(list)
        for result in _grouped(base.filter(included), by, [ind.field]).annotate(n=Count("pk")):
            cells[_key(result, by)].append((result[ind.field], result["n"]))
        for key in rows:
            cells.setdefault(key, [])
        for key, histogram in cells.items():
            total = sum(n for _, n in histogram)
            if ind.kind == "median":
                figure = Figure(kind=ind.kind, denominator=total, value=median_of_histogram(histogram))
            else:
                figure = Figure(kind=ind.kind, denominator=total, counts={str(v): n for v, n in histogram})
            row_for(key).figures[ind.code] = figure
    return [rows[key] for key in sorted(rows, key=_sort_key)]


def _sort_key(key: tuple[Any, ...]) -> tuple[tuple[int, Any], ...]:
    return tuple((0, v) if v is not None else (1, 0) for v in key)


def trend(indicators: Iterable[Indicator | str], *, filters: Mapping[str, Any] | None = None) -> list[Row]:
    """The indicators per year (the trend over years)."""
    return aggregate(indicators, filters=filters, by=["year"])
