"""The monitoring dashboard and breakdown pages (issue 8 point 2): what they show, the definitions next
to the figures, the trend chart with its table, bad input, and a query count that does not depend on the
number of facts or organisations. Facts are written directly (synthetic, no personal data)."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from veerkracht.accounts.models import User
from veerkracht.accounts.roles import Role
from veerkracht.monitoring import indicators
from veerkracht.monitoring.models import ChildStayFact
from veerkracht.testing import factories

_ids = itertools.count(1)


AGES = ("0-3", "4-6", "7-11", "12-17")


def make_facts(location, n: int, *, year: int = 2025, quarter: int | None = None, care_type: str | None = None,
               age_group: str | None = None, **flags) -> None:  # type: ignore[no-untyped-def]
    """``n`` fact rows at ``location``, spread over the quarters, both types of care and the age groups unless
    given; ``flags`` (fact name -> number of rows with it true) count from the first row."""
    rows = []
    for i in range(n):
        values = {name: i < count for name, count in flags.items()}
        q = quarter or i % 4 + 1
        rows.append(ChildStayFact(
            pathway_id=next(_ids) + 100000, organisation_id=location.organisation_id, region_id=location.region_id,
            location_id=location.pk, care_type=care_type or ("24h", "ambulant")[i // 4 % 2],
            admitted_on=datetime.date(year, q * 3 - 2, 1), year=year, quarter=q,
            age_group=age_group or AGES[i % 4], refreshed_at=timezone.now(), **values))
    ChildStayFact.objects.bulk_create(rows)


def english(user: User) -> User:
    User.objects.filter(pk=user.pk).update(language="en")
    user.language = "en"
    return user


@pytest.fixture
def world(org_a, org_b, location_a, location_b):  # type: ignore[no-untyped-def]
    """Region Noord: organisation A (De Linde: 60 children in 2025, Het Baken: 25); region Zuid: organisation B
    (50) and organisation C (6, one with an intake); region West: organisation D (40); region Oost: organisation
    E (30). 2024: 20 children at De Linde. (West and Oost are there because a small country cannot hide a
    region: Zuid is hidden wherever C's small figures would follow from it and B's own - the team leader's
    knowledge -, and then other regions must go as well, as the Netherlands is their sum.)"""
    noord = location_a.region
    zuid = location_b.region
    baken = factories.LocationFactory(organisation=org_a, name="Het Baken", region=noord)
    org_c = factories.OrganisationFactory(name="Opvang Klein", short_code="KLN")
    org_c.regions.add(zuid)
    klein = factories.LocationFactory(organisation=org_c, name="Huize Klein", region=zuid)
    make_facts(location_a, 60, has_intake=45, safety_plan=40, screened=36)
    make_facts(baken, 25, has_intake=15, safety_plan=12, screened=10)
    make_facts(klein, 6, has_intake=1, safety_plan=1, screened=1)
    make_facts(location_b, 50, has_intake=36, safety_plan=30, screened=25)
    make_facts(location_a, 20, year=2024, has_intake=10)
    west = factories.RegionFactory(name="Regio West", code="RW")
    org_d = factories.OrganisationFactory(name="Opvang West", short_code="WST")
    org_d.regions.add(west)
    duin = factories.LocationFactory(organisation=org_d, name="De Duinen", region=west)
    make_facts(duin, 40, has_intake=20, safety_plan=20, screened=20)
    oost = factories.RegionFactory(name="Regio Oost", code="RO")
    org_e = factories.OrganisationFactory(name="Opvang Oost", short_code="OST")
    org_e.regions.add(oost)
    make_facts(factories.LocationFactory(organisation=org_e, name="De Esch", region=oost), 30, has_intake=15,
               safety_plan=15, screened=15)
    return {"noord": noord, "zuid": zuid, "west": west, "oost": oost, "org_e": org_e, "org_a": org_a, "org_b": org_b, "org_c": org_c,
            "org_d": org_d, "baken": baken, "klein": klein, "duin": duin}


@pytest.fixture
def gemeente_noord(world, staff):  # type: ignore[no-untyped-def]
    return english(staff(Role.GEMEENTE, region=world["noord"], username="gem_noord"))


@pytest.fixture
def gemeente_zuid(world, staff):  # type: ignore[no-untyped-def]
    return english(staff(Role.GEMEENTE, region=world["zuid"], username="gem_zuid"))


@pytest.fixture
def teamleider_a(world, staff):  # type: ignore[no-untyped-def]
    return english(staff(Role.TEAMLEIDER, world["org_a"], username="tl_a"))


def row_of(content: str, code: str) -> str:
    start = content.index(f'data-indicator="{code}"')
    return content[start:content.index("</tr>", start)]


def test_dashboard_shows_every_indicator_with_its_definition(client_for, gemeente_noord):
    response = client_for(gemeente_noord).get(reverse("monitoring:dashboard"))
    assert response.status_code == 200
    content = response.content.decode()
    for ind in indicators.registry().values():
        assert f'data-indicator="{ind.code}"' in content
        assert f'data-definition="{ind.code}"' in content
        # the plain-language texts, escaped as the page shows them
        from django.utils.html import escape
        assert escape(ind.descriptions["en"]) in content
        assert escape(ind.inclusion.text["en"]) in content
        if ind.numerator is not None:
            assert escape(ind.numerator.text["en"]) in content
    # grouped by the normenkader
    for number in (1, 2, 3, 4):
        assert f'data-group="{number}"' in content


def test_dashboard_region_figures_are_protected_and_national_beside(client_for, gemeente_noord):
    content = client_for(gemeente_noord).get(reverse("monitoring:dashboard"), {"year": 2025}).content.decode()
    # Noord 2025: 85 children; the Netherlands 211, published rounded to 210
    row = row_of(content, "children_admitted")
    assert '<td data-here><span class="figure" data-figure>85</span>' in row
    assert '<td data-national><span class="figure" data-figure>210</span>' in row
    # safety plan: 52 of 85 = 61%; the Netherlands 118 of 211 = 56% (from the unrounded counts), counts rounded
    row = row_of(content, "safety_plan")
    assert '<span class="figure" data-figure>61%</span><span class="figure__parts"> (50 of 85)</span>' in row
    assert '<span class="figure" data-figure>56%</span><span class="figure__parts"> (120 of 210)</span>' in row
    assert "Children admitted in 2025." in content
    # the gemeente has no quarter choice: protected figures are per whole year
    assert 'name="quarter"' not in content


def test_a_region_figure_that_would_give_another_organisation_away_is_hidden(client_for, gemeente_zuid):
    """Zuid's intakes (organisation B 36, C 1) would give C's one intake to B's team leader, who knows B's
    36 exactly: hidden as a complement (and so other regions' as well, as the Netherlands is their sum)."""
    content = client_for(gemeente_zuid).get(reverse("monitoring:dashboard"), {"year": 2025}).content.decode()
    here = row_of(content, "own_intake")
    here = here[here.index("<td data-here>"):here.index("<td data-national>")]
    assert "not shown, so that a small number cannot be worked out" in here
    assert "37" not in here


def test_trend_chart_has_its_table(client_for, gemeente_noord):
    content = client_for(gemeente_noord).get(reverse("monitoring:dashboard")).content.decode()
    assert 'class="trend-chart"' in content and 'role="img"' in content
    assert "<title id=\"trend-title\">" in content and "<desc id=\"trend-desc\">" in content
    assert "data-trend-table" in content
    assert 'data-year="2024"' in content and 'data-year="2025"' in content
    # every point of the chart is in the table: NK 1 of Noord is 61% in 2025 (52 of 85)
    start = content.index("data-trend-table")
    table = content[start:content.index("</table>", start)]
    row_2025 = table[table.index('data-year="2025"'):]
    assert ">61%<" in row_2025[:row_2025.index("</tr>")]
    assert 'data-value="61"' in content


def test_year_switch(client_for, gemeente_noord):
    client = client_for(gemeente_noord)
    content = client.get(reverse("monitoring:dashboard"), {"year": 2024}).content.decode()
    assert "Children admitted in 2024." in content
    assert '<td data-here><span class="figure" data-figure>20</span>' in row_of(content, "children_admitted")
    content = client.get(reverse("monitoring:dashboard"), {"year": 2025}).content.decode()
    assert "Children admitted in 2025." in content


def test_team_leader_sees_quarters_of_the_own_organisation(client_for, teamleider_a):
    client = client_for(teamleider_a)
    content = client.get(reverse("monitoring:dashboard"), {"view": "own", "year": 2025, "quarter": 3}).content.decode()
    assert 'name="quarter"' in content
    assert "Children admitted in quarter 3 of 2025." in content
    # De Linde 15 and Het Baken 6 children in the third quarter (exact, not rounded)
    row = row_of(content, "children_admitted")
    assert '<td data-here><span class="figure" data-figure>21</span>' in row
    assert "the national figure is published per whole year" not in row  # the note is not the figure
    assert '<td data-national><span class="figure figure--hidden" data-figure data-hidden>-</span>' in row


def test_bad_year_or_quarter_gives_a_message_not_an_error(client_for, gemeente_noord):
    client = client_for(gemeente_noord)
    for params in ({"year": "abc"}, {"year": 1999}):
        response = client.get(reverse("monitoring:dashboard"), params)
        assert response.status_code == 400
        content = response.content.decode()
        assert "data-filter-errors" in content and "There is a problem" in content
        assert "The figures of 2025 are shown." in content
        assert 'data-indicator="own_intake"' in content
    response = client_for(teamleider_a_user(gemeente_noord)).get(reverse("monitoring:dashboard"),
                                                                 {"view": "own", "quarter": 7})
    assert response.status_code == 400
    assert "Choose a quarter from 1 to 4, or the whole year." in response.content.decode()


def teamleider_a_user(gemeente):  # type: ignore[no-untyped-def]
    from veerkracht.organisations.models import Organisation
    return english(factories.make_staff(Role.TEAMLEIDER, Organisation.objects.get(name="Opvang Noord"),
                                        username="tl_quarter"))


def test_breakdowns_page(client_for, gemeente_noord, gemeente_zuid, world):
    content = client_for(gemeente_noord).get(reverse("monitoring:breakdowns"), {"year": 2025}).content.decode()
    for dim in ("quarter", "organisation", "location", "care_type", "age_group"):
        assert f'data-breakdown="{dim}"' in content
    # Noord by quarter of admission: 60 children at De Linde (15 a quarter) and 25 at Het Baken (7, 6, 6, 6)
    start = content.index('data-breakdown="quarter"')
    quarters = content[start:content.index("</section>", start)]
    for quarter, shown in ((1, "20"), (2, "20"), (3, "20"), (4, "20")):  # 22, 21, 21, 21 rounded to 5
        row = quarters[quarters.index(f"Quarter {quarter}<"):]
        assert f'data-figure>{shown}</span>' in row[:row.index("</tr>")]
    assert "Opvang Noord" in content and "Opvang Klein" not in content
    # locations numbered per organisation, never named for the gemeente
    assert "Opvang Noord: Location 1" in content and "Opvang Noord: Location 2" in content
    content = client_for(gemeente_zuid).get(reverse("monitoring:breakdowns"), {"year": 2025}).content.decode()
    assert "Opvang Klein: Location 1" in content
    for name in ("De Linde", "Het Baken", "Huize Klein", "Het Anker"):
        assert name not in content
    # organisation C: one child of six with an intake - hidden with the reason
    start = content.index('data-breakdown="organisation"')
    section = content[start:content.index("</section>", start)]
    klein = section[section.index("Opvang Klein"):]
    assert "fewer than 5" in klein[:klein.index("</tr>")]


def test_an_organisation_cannot_subtract_its_own_split_from_the_region(db):
    """Region R: organisation X 40 children (10 a quarter), organisation Y 6 (5 in the first quarter, 1 in
    the second). R by quarter (15, 11, 10, 10) is all at least 5, but minus X's own quarters, which X's team
    leader sees exactly, it gives Y's single child of the second quarter: the split is withheld. Region S
    (one organisation) keeps its split."""
    from veerkracht.monitoring import queries
    from veerkracht.monitoring.disclosure import TOTAL

    r, s_region = factories.RegionFactory(name="Regio R", code="RR"), factories.RegionFactory(name="Regio S", code="RS")
    x, y, z = (factories.OrganisationFactory(name=f"Opvang {n}", short_code=n * 3) for n in "XYZ")
    x.regions.add(r)
    y.regions.add(r)
    z.regions.add(s_region)
    make_facts(factories.LocationFactory(organisation=x, name="Huis X", region=r), 40)
    y_home = factories.LocationFactory(organisation=y, name="Huis Y", region=r)
    make_facts(y_home, 5, quarter=1)
    make_facts(y_home, 1, quarter=2)
    make_facts(factories.LocationFactory(organisation=z, name="Huis Z", region=s_region), 50)
    admitted = queries.definitions().series.keys["children_admitted"][1]
    for region, withheld in ((r, True), (s_region, False)):
        cells = queries.load(queries.View("region", region.pk, None, region.name)).cells[2025]
        pub = cells.publication
        assert pub.reason((admitted, region.pk, TOTAL)) is None  # the region's total is published
        hidden = {q for q in (1, 2, 3, 4) if pub.reason((admitted, "quarter", q)) is not None}
        assert hidden == ({1, 2, 3, 4} if withheld else set()), (region.name, hidden)


def test_no_child_is_named_or_linked(client_for, gemeente_noord, teamleider_a, world, location_a):
    household = factories.HouseholdFactory(organisation=world["org_a"])
    child = factories.PersonFactory(household=household, first_name="Zoë", last_name="Vermeulen")
    factories.StayFactory(person=child, location=location_a)
    for user in (gemeente_noord, teamleider_a):
        client = client_for(user)
        for name in ("monitoring:dashboard", "monitoring:breakdowns"):
            content = client.get(reverse(name)).content.decode()
            content = content[content.index("<main"):]  # the menu links to the caseload, the page itself never
            assert "Vermeulen" not in content and "Zoë" not in content
            assert "/clients/" not in content


def _queries(client, url) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, {"year": 2025}).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["monitoring:dashboard", "monitoring:breakdowns"])
def test_query_count_does_not_grow_with_facts_or_organisations(client_for, gemeente_noord, world, page):
    client = client_for(gemeente_noord)
    url = reverse(page)
    client.get(url, {"year": 2025})  # the first view protects and stores the national publication
    small = _queries(client, url)
    for i in range(6):
        org = factories.OrganisationFactory(name=f"Opvang {i}", short_code=f"X{i}")
        org.regions.add(world["noord"])
        for j in range(2):
            location = factories.LocationFactory(organisation=org, name=f"Huis {i}-{j}", region=world["noord"])
            make_facts(location, 15, quarter=j + 1, has_intake=7, age_group="12-17")
            make_facts(location, 4, year=2023, has_intake=2)
    client.get(url, {"year": 2025})  # other facts: protected again and stored once
    large = _queries(client, url)
    assert large == small
    assert small <= 25


def test_a_hidden_figure_says_why(client_for, gemeente_zuid):
    """Zuid 2025: organisation C's one child of six with an intake is fewer than 5; the complements hidden
    with it say "not shown", the figure itself the whole reason - never an empty cell."""
    content = client_for(gemeente_zuid).get(reverse("monitoring:dashboard"), {"year": 2025}).content.decode()
    hidden = [row_of(content, ind.code) for ind in indicators.registry().values()]
    hidden = [row for row in hidden if "data-hidden" in row.split("<td data-national>")[0]]
    assert hidden
    for row in hidden:
        here = row.split("<td data-here>")[1].split("</td>")[0]
        figure = here.split("data-hidden>")[1].split("</span>")[0]
        assert figure in ("fewer than 5", "not shown, so that a small number cannot be worked out",
                          "no percentage: fewer than 10 in the total", "-")
    assert any("(not shown of" in row or "of not shown)" in row for row in hidden)
