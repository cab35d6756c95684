"""Every indicator over the hand-counted world of conftest.py, breakdowns, medians and query counts.

The world after refresh (see conftest.py): p1 and p2 in organisation A (region Noord), p3 and p4 in
organisation B (region Zuid); p3 admitted in 2024, the others in 2025. p4 is screened through its
course measurement (T0)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from veerkracht.monitoring import facts, indicators
from veerkracht.monitoring.aggregate import aggregate, median_of_histogram, trend
from veerkracht.monitoring.indicators import IndicatorError

from .conftest import TODAY

pytestmark = pytest.mark.django_db

# code -> (numerator, denominator) over all four children
SHARES = {
    "children_admitted": (4, 4),
    "own_intake": (3, 4),
    "intake_on_time": (2, 4),
    "safety_plan": (1, 4),
    "screened": (3, 4),
    "above_cutoff": (1, 3),
    "referred": (2, 4),
    "referral_started": (1, 2),
    "father_contact_attempted": (2, 4),
    "father_contact_realised": (1, 4),
    "father_not_safe": (1, 4),
    "network_mapped": (2, 4),
    "help_plan": (2, 4),
    "help_plan_evaluated_on_time": (1, 2),
    "parent_support": (2, 4),
    "course_enrolled": (2, 4),
    "course_completed": (1, 2),
    "course_t1_improved": (1, 1),
    "course_t2_improved": (0, 1),
    "meldcode_consulted": (1, 4),
    "meldcode_reported": (1, 4),
    "normenkader_1": (1, 4),  # intake and safety plan: p1
    "normenkader_2": (3, 4),  # screened, and referred when above: p1, p2, p4
    "normenkader_3": (1, 4),  # help plan evaluated when due, parent support: p1
    "normenkader_4": (1, 4),  # network, father attempted or unsafe, referral started when referred: p1
}


@pytest.fixture
def refreshed(world):  # type: ignore[no-untyped-def]
    facts.refresh(today=TODAY)
    return world


def test_every_share_and_count_as_hand_counted(refreshed):  # type: ignore[no-untyped-def]
    (row,) = aggregate(indicators.registry())
    assert row.key == {}
    for code, (numerator, denominator) in SHARES.items():
        figure = row[code]
        assert (figure.numerator, figure.denominator) == (numerator, denominator), code
        kind = indicators.get(code).kind
        assert figure.value == (numerator / denominator if kind == "share" else numerator), code


def test_medians_mean_and_distribution(refreshed):  # type: ignore[no-untyped-def]
    (row,) = aggregate(["days_to_intake", "length_of_stay", "length_of_stay_mean", "destination"])
    assert (row["days_to_intake"].value, row["days_to_intake"].denominator) == (4, 3)  # 0, 4, 16
    assert (row["length_of_stay"].value, row["length_of_stay"].denominator) == (30, 3)  # 10, 30, 80
    assert (row["length_of_stay_mean"].value, row["length_of_stay_mean"].denominator) == (40, 3)
    assert row["destination"].counts == {"family": 1, "other_shelter": 1, "own_home": 1}
    assert row["destination"].denominator == 3


def test_every_shipped_indicator_is_computed(refreshed):  # type: ignore[no-untyped-def]
    (row,) = aggregate(indicators.registry())
    assert set(row.figures) == set(indicators.registry())


def test_breakdown_by_year_is_the_trend(refreshed):  # type: ignore[no-untyped-def]
    rows = trend(["children_admitted", "own_intake", "days_to_intake"])
    assert [r.key for r in rows] == [{"year": 2024}, {"year": 2025}]
    y2024, y2025 = rows
    assert (y2024["own_intake"].numerator, y2024["own_intake"].denominator) == (0, 1)
    assert (y2025["own_intake"].numerator, y2025["own_intake"].denominator) == (3, 3)
    assert y2024["days_to_intake"].value is None and y2024["days_to_intake"].denominator == 0
    assert y2025["days_to_intake"].value == 4


def test_breakdowns_region_organisation_location_care_type_age_group_quarter(refreshed):  # type: ignore[no-untyped-def]
    w = refreshed
    noord, zuid = w.location_a.region_id, w.location_b.region_id
    by_region = {r.key["region"]: r for r in aggregate(["children_admitted", "days_to_intake"], by=["region"])}
    assert {k: r["children_admitted"].numerator for k, r in by_region.items()} == {noord: 2, zuid: 2}
    assert by_region[noord]["days_to_intake"].value == 10  # 4 and 16
    assert by_region[zuid]["days_to_intake"].value == 0
    by_org = {r.key["organisation"]: r["safety_plan"].numerator for r in aggregate(["safety_plan"],
                                                                                   by=["organisation"])}
    assert by_org == {w.org_a.pk: 1, w.org_b.pk: 0}
    by_location = {r.key["location"]: r["children_admitted"].numerator
                   for r in aggregate(["children_admitted"], by=["location"])}
    assert by_location == {w.location_a.pk: 2, w.location_b.pk: 2}
    by_care = {r.key["care_type"]: r["children_admitted"].numerator
               for r in aggregate(["children_admitted"], by=["care_type"])}
    assert by_care == {"24h": 3, "ambulant": 1}
    by_age = {r.key["age_group"]: r["children_admitted"].numerator
              for r in aggregate(["children_admitted"], by=["age_group"])}
    assert by_age == {"4-6": 1, "7-11": 1, "12-17": 1, "unknown": 1}
    by_quarter = [(r.key["year"], r.key["quarter"], r["children_admitted"].numerator)
                  for r in aggregate(["children_admitted"], by=["year", "quarter"])]
    assert by_quarter == [(2024, 4, 1), (2025, 1, 2), (2025, 3, 1)]


def test_filters(refreshed):  # type: ignore[no-untyped-def]
    w = refreshed
    (row,) = aggregate(["children_admitted", "screened"], filters={"year": 2025, "region": w.location_b.region_id})
    assert (row["children_admitted"].numerator, row["screened"].numerator, row["screened"].denominator) == (1, 1, 1)
    (row,) = aggregate(["children_admitted"], filters={"organisation": [w.org_a.pk, w.org_b.pk], "year": [2024]})
    assert row["children_admitted"].numerator == 1
    assert aggregate(["children_admitted"], filters={"year": 2019}) == []


def test_unknown_breakdown_or_filter_is_refused(refreshed):  # type: ignore[no-untyped-def]
    with pytest.raises(IndicatorError, match="unknown breakdown 'person'"):
        aggregate(["children_admitted"], by=["person"])
    with pytest.raises(IndicatorError, match="unknown breakdown 'birth_date'"):
        aggregate(["children_admitted"], filters={"birth_date": "2020-01-01"})


def test_one_query_per_breakdown_for_all_shares_and_counts(refreshed):  # type: ignore[no-untyped-def]
    shares = [i for i in indicators.registry().values() if i.kind in ("share", "count", "mean")]
    for by in ([], ["year"], ["region", "year"], ["age_group"]):
        with CaptureQueriesContext(connection) as queries:
            aggregate(shares, by=by)
        assert len(queries) == 1, by
    medians = [i for i in indicators.registry().values() if i.kind in ("median", "distribution")]
    with CaptureQueriesContext(connection) as queries:
        aggregate(list(indicators.registry().values()), by=["year"])
    assert len(queries) == 1 + len(medians)


@pytest.mark.parametrize(("histogram", "median"), [
    ([], None),
    ([(5, 1)], 5),
    ([(1, 1), (3, 1)], 2),
    ([(0, 1), (4, 1), (16, 1)], 4),
    ([(2, 3), (10, 1)], 2),  # 2, 2, 2, 10
    ([(2, 2), (10, 2)], 6),  # 2, 2, 10, 10
    ([(1, 1), (2, 5), (9, 1)], 2),
    ([(1, 4), (7, 1), (8, 5)], 7.5),  # positions 5 and 6 of 10: 7 and 8
])
def test_median_of_histogram(histogram, median):  # type: ignore[no-untyped-def]
    assert median_of_histogram(histogram) == median


def test_median_equals_the_median_of_the_expanded_values():
    import statistics

    histogram = [(0, 3), (2, 1), (5, 4), (11, 2), (40, 1)]
    values = [v for v, n in histogram for _ in range(n)]
    assert median_of_histogram(histogram) == statistics.median(values)
    histogram.append((41, 1))
    values.append(41)
    assert median_of_histogram(histogram) == statistics.median(values)
