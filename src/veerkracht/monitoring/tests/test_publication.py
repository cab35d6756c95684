"""The national publication (issue 8 points 3 and 4): every region page reads its cells from ONE protected
table per year, stored and reused. Attacked through the real queries: all region pages of a year together
with the national figure pin no hidden cell (the cross-region attack), and no organisation recovers another
organisation's small figure from the pages and its own exact figures (the insider attack)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from veerkracht.monitoring import disclosure, facts, queries
from veerkracht.monitoring.disclosure import TOTAL, Policy
from veerkracht.monitoring.models import Publication as StoredPublication
from veerkracht.monitoring.tests.test_disclosure import (
    insider_attack,
    interval_attack,
    linear_attack,
    subtraction_attack,
)
from veerkracht.monitoring.tests.test_views import make_facts
from veerkracht.monitoring.tests.test_views import world as world  # noqa: F401  (the fixture)

YEAR = 2025


def _region_view(region):  # type: ignore[no-untyped-def]
    return queries.View("region", region.pk, None, region.name)


def _pages(regions):  # type: ignore[no-untyped-def]
    """What all region pages of ``YEAR`` publish, by national cell id: {cell: exact count}."""
    shown = {}
    for region in regions:
        data = queries.load(_region_view(region))
        pub = data.cells[YEAR].publication
        for local in pub:
            if pub.reason(local) is not None or local in pub.unprotected:
                continue
            s, *rest = local
            if rest[0] is TOTAL or rest[0] == region.pk:
                cell = local
            else:
                cell = (s, region.pk, *rest)
            shown[cell] = pub.unrounded(local)
    return shown


def _national():  # type: ignore[no-untyped-def]
    years, _rows = queries.national(queries.definitions(), Policy.from_settings())
    return years[YEAR]


def _as_seen(nat, shown, regions):  # type: ignore[no-untyped-def]
    """Every page shows a subset of the national publication's published cells, exactly (and hides what it
    hides): so what all pages together give away, the national publication gives away, and that is what
    the attacks get (the attacker is granted every cell the publication does not hide)."""
    counts, pub = nat.table.counts, nat.publication
    for cell, value in shown.items():
        assert counts[cell] == value and cell not in pub.suppressed
    assert {c for c in counts if c[1] in regions and c not in shown} >= {c for c in pub.suppressed if c[1] in regions}
    return pub


def test_all_region_pages_and_the_national_figure_together_give_no_hidden_cell_away(world):
    regions = [world["noord"], world["zuid"], world["west"]]
    shown = _pages(regions)
    nat = _national()
    assert nat.publication.safe
    seen = _as_seen(nat, shown, {r.pk for r in regions})
    protected = nat.publication.small | nat.publication.secondary  # withheld cells that are not small may be known
    assert protected and nat.publication.small  # Zuid has small figures (organisation C)
    found = set(subtraction_attack(nat.table, seen)) | set(linear_attack(nat.table, seen))
    for labelled in (False, True):
        found |= set(interval_attack(nat.table, seen, labelled)[0])
    assert not found & protected
    # the Netherlands on every page is the same published figure, and Noord's own figures are published
    admitted = queries.definitions().series.keys["children_admitted"][1]
    assert shown[(admitted, TOTAL, TOTAL)] == 211
    assert shown[(admitted, world["noord"].pk, TOTAL)] == 85


def test_no_organisation_recovers_another_organisations_small_figure(world):
    regions = [world["noord"], world["zuid"], world["west"]]
    nat = _national()
    seen = _as_seen(nat, _pages(regions), {r.pk for r in regions})
    leaks = insider_attack(nat.table, seen, nat.owners)
    small = nat.publication.small
    assert small
    assert not {org: cells & small for org, cells in leaks.items() if cells & small}


def test_without_the_insider_check_the_team_leader_of_b_reads_c(world):
    """The attack is real: protected without the owners, organisation B (Zuid) subtracts its own figures
    from the published region and recovers organisation C's small ones."""
    nat = _national()
    plain = disclosure.protect(nat.table, nat.publication.policy, last=nat.last)
    leaks = insider_attack(nat.table, plain, nat.owners)
    assert leaks.get(world["org_b"].pk, set()) & plain.small


def test_the_publication_is_computed_once_and_reused(world, monkeypatch):
    view = _region_view(world["noord"])
    queries.load(view)
    stored = StoredPublication.objects.all()
    assert sorted(stored.values_list("year", flat=True)) == [2024, 2025]
    calls = []
    real = disclosure.protect
    monkeypatch.setattr(disclosure, "protect", lambda *a, **k: calls.append(1) or real(*a, **k))
    with CaptureQueriesContext(connection) as first:
        queries.load(view)
    with CaptureQueriesContext(connection) as second:
        queries.load(_region_view(world["zuid"]))
    assert calls == []  # read from the store: not protected again
    assert len(first.captured_queries) == len(second.captured_queries) <= 10
    assert StoredPublication.objects.count() == 2


def test_changed_facts_are_protected_again_and_the_old_publication_goes(world, monkeypatch):
    view = _region_view(world["noord"])
    queries.load(view)
    before = dict(StoredPublication.objects.values_list("year", "stamp"))
    make_facts(world["duin"], 3, has_intake=1)
    queries.load(view)
    after = dict(StoredPublication.objects.values_list("year", "stamp"))
    assert after[2024] == before[2024] and after[2025] != before[2025]
    assert StoredPublication.objects.count() == 2


def test_refresh_protects_the_years_it_touched(make_child, location_a, monkeypatch):
    make_child(location_a, datetime.date(2025, 3, 1))
    StoredPublication.objects.create(year=2025, policy_key=queries.policy_key(Policy.from_settings()),
                                     stamp="old", payload={"small": [], "secondary": [], "unprotected": []},
                                     computed_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))
    facts.refresh()
    stored = StoredPublication.objects.get()
    assert stored.year == 2025 and stored.stamp != "old"
    calls = []
    monkeypatch.setattr(disclosure, "protect", lambda *a, **k: calls.append(1))
    data = queries.load(_region_view(location_a.region))
    assert calls == [] and 2025 in data.cells


def _as_computed(region_id):  # type: ignore[no-untyped-def]
    """What a page of the region gets when its cells are cut from the freshly computed national table."""
    years, _rows = queries.national(queries.definitions(), Policy.from_settings())
    return {year: queries._local(nat, region_id, Policy.from_settings()) for year, nat in years.items()}


def test_a_page_reads_its_stored_slice_without_rebuilding_the_national_table(world, monkeypatch):
    """After the refresh (or the first view) a page reads its region's slice: the same cells, counts and
    hidden cells as the national publication cut for it - also for a year without children in the region
    (Zuid in 2024: the national figures only) and for the national figures beside a team leader's own
    organisation (slice 0) - and nothing is aggregated over all regions or protected again."""
    expected = {r: _as_computed(world[r].pk) for r in ("noord", "zuid", "west", "oost")}
    expected["nl"] = _as_computed(None)
    monkeypatch.setattr(queries, "national", lambda *a, **k: pytest.fail("the national table was rebuilt"))
    monkeypatch.setattr(disclosure, "protect", lambda *a, **k: pytest.fail("protected again"))
    for name, region_id in [*((r, world[r].pk) for r in ("noord", "zuid", "west", "oost")), ("nl", 0)]:
        with CaptureQueriesContext(connection) as queries_run:
            found = queries.stored_slices(queries.definitions(), Policy.from_settings(), region_id)
        assert len(queries_run.captured_queries) == 2  # the facts' stamps and the slices
        assert found is not None and set(found) == {2024, 2025}
        for year, cells in found.items():
            want = expected[name][year]
            assert cells.raw == want.raw, (name, year)
            for attr in ("small", "secondary", "unprotected"):
                assert getattr(cells.publication, attr) == getattr(want.publication, attr), (name, year, attr)
    assert set(expected["zuid"][2024].raw) == set(expected["nl"][2024].raw)
    # a whole page as well
    data = queries.load(_region_view(world["zuid"]))
    assert data.years == [2025, 2024] and data.breakdown_values["organisation"] == sorted(
        [world["org_b"].pk, world["org_c"].pk])


def test_a_changed_fact_makes_the_stored_slices_stale(world):
    queries.load(_region_view(world["noord"]))
    policy = Policy.from_settings()
    assert queries.stored_slices(queries.definitions(), policy, world["noord"].pk) is not None
    make_facts(world["duin"], 1, has_intake=1)  # another region, same year: the national table changed
    assert queries.stored_slices(queries.definitions(), policy, world["noord"].pk) is None
    queries.load(_region_view(world["noord"]))
    assert queries.stored_slices(queries.definitions(), policy, world["noord"].pk) is not None


@pytest.mark.parametrize("cell", [("a", TOTAL), ("x", 3, "location", 7), (("rest", ("k",), ("k", "n")), 1, TOTAL)])
def test_cell_ids_survive_the_store(cell):
    assert queries._decode(queries._encode(cell)) == cell
