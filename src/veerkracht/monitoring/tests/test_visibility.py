"""Who sees what of the monitoring (issue 8 point 4): the gemeente its own region only, protected; the team
leader the own organisation exact and the regions it serves protected (the same figures as that region's
gemeente); every other role refused; another region a 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from veerkracht.accounts.roles import Role

from . import test_views as shared

# the fixtures of test_views (synthetic facts of two regions)
english = shared.english
gemeente_noord = shared.gemeente_noord
gemeente_zuid = shared.gemeente_zuid
row_of = shared.row_of
teamleider_a = shared.teamleider_a
world = shared.world

URLS = ("monitoring:dashboard", "monitoring:breakdowns", "monitoring:export_csv", "monitoring:export_xlsx")


def test_gemeente_cannot_open_another_region(client_for, gemeente_noord, world):
    client = client_for(gemeente_noord)
    for name in URLS:
        assert client.get(reverse(name), {"view": world["zuid"].pk}).status_code == 404
        assert client.get(reverse(name), {"view": "own"}).status_code == 404
        assert client.get(reverse(name), {"view": "999999"}).status_code == 404
    content = client.get(reverse("monitoring:dashboard")).content.decode()
    assert "Regio Noord" in content and "Regio Zuid" not in content
    assert "Opvang Zuid" not in client.get(reverse("monitoring:breakdowns")).content.decode()


def test_team_leader_exact_own_organisation_and_protected_region(client_for, teamleider_a, gemeente_noord, world):
    client = client_for(teamleider_a)
    # the own organisation by default, exact: 60 of 85 with an intake, locations by name on the screen
    content = client.get(reverse("monitoring:dashboard"), {"year": 2025}).content.decode()
    assert "Opvang Noord (exact)" in content
    assert "(60 of 85)" in row_of(content, "own_intake")
    # the safety plan: 52 of 85 exactly (protected it is published as 50 of 85)
    assert "(52 of 85)" in row_of(content, "safety_plan")
    breakdowns = client.get(reverse("monitoring:breakdowns"), {"year": 2025}).content.decode()
    assert "De Linde" in breakdowns and "Het Baken" in breakdowns
    # the region: exactly what the gemeente of that region sees
    region = client.get(reverse("monitoring:dashboard"), {"view": world["noord"].pk, "year": 2025}).content.decode()
    assert "(50 of 85)" in row_of(region, "safety_plan")
    gemeente = client_for(gemeente_noord).get(reverse("monitoring:dashboard"), {"year": 2025}).content.decode()
    for code in ("children_admitted", "own_intake", "safety_plan", "normenkader_1"):
        assert row_of(region, code) == row_of(gemeente, code)
    region_breakdowns = client.get(reverse("monitoring:breakdowns"), {"view": world["noord"].pk}).content.decode()
    assert "De Linde" not in region_breakdowns and "Opvang Noord: Location 1" in region_breakdowns
    # a region the organisation does not serve
    assert client.get(reverse("monitoring:dashboard"), {"view": world["zuid"].pk}).status_code == 404


@pytest.mark.parametrize("role", [Role.KINDERWERKER, Role.MENTOR, Role.GEDRAGSWETENSCHAPPER,
                                  Role.FUNCTIONEEL_BEHEERDER, Role.LOGBEHEERDER])
def test_other_roles_are_refused(client_for, staff, world, role):
    client = client_for(staff(role, world["org_a"], username=f"x_{role}"))
    for name in (*URLS, "monitoring:annual_report"):
        assert client.get(reverse(name)).status_code == 403


def test_menu_and_start_page_link_to_the_dashboard(client_for, gemeente_noord, teamleider_a, staff, world):
    url = reverse("monitoring:dashboard")
    home = client_for(gemeente_noord).get(reverse("core:home")).content.decode()
    assert f'href="{url}"' in home and "Open the monitoring dashboard" in home
    assert f'href="{url}"' in client_for(teamleider_a).get(reverse("core:home")).content.decode()
    worker = english(staff(Role.KINDERWERKER, world["org_a"], username="kw_menu"))
    assert f'href="{url}"' not in client_for(worker).get(reverse("core:home")).content.decode()
