"""Who may reach which client page: scoping across organisations, roles, login and second factor."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from veerkracht.accounts.roles import Role
from veerkracht.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier_a(child_a):  # type: ignore[no-untyped-def]
    mother = factories.PersonFactory(household=child_a.household, kind="mother", first_name="Anna", last_name="Jansen")
    link = factories.ParentChildFactory(parent=mother, child=child_a)
    stay = child_a.stays.get()
    return {"child": child_a, "mother": mother, "link": link, "stay": stay, "household": child_a.household}


def client_urls(d):  # type: ignore[no-untyped-def]
    child, stay, household, link = d["child"], d["stay"], d["household"], d["link"]
    return [
        reverse("clients:caseload"),
        reverse("clients:export"),
        reverse("clients:register"),
        reverse("clients:dossier", args=[child.pk]),
        reverse("clients:print", args=[child.pk]),
        reverse("clients:edit", args=[child.pk]),
        reverse("clients:admit", args=[child.pk]),
        reverse("clients:household", args=[household.pk]),
        reverse("clients:add_father", args=[household.pk]),
        reverse("clients:authority", args=[link.pk]),
        reverse("clients:transfer", args=[stay.pk]),
        reverse("clients:discharge", args=[stay.pk]),
    ]


def object_urls(d):  # type: ignore[no-untyped-def]
    return client_urls(d)[3:]


def test_other_organisation_gets_404_on_every_object_page(dossier_a, kinderwerker_b, client_for, child_b):
    client = client_for(kinderwerker_b)
    for url in object_urls(dossier_a):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"Noor" not in response.content
    # writes too
    for url in object_urls(dossier_a):
        if "print" in url or url.endswith(f"/{dossier_a['child'].pk}/") or url.endswith(f"household/{dossier_a['household'].pk}/"):
            continue  # read-only pages answer POST with 405
        response = client.post(url, {"version": 1})
        assert response.status_code == 404, url


def test_other_organisation_sees_nothing_in_caseload_or_search(dossier_a, kinderwerker_b, client_for, child_b):
    client = client_for(kinderwerker_b)
    response = client.get(reverse("clients:caseload"))
    assert response.status_code == 200
    assert "Sem" in response.content.decode()
    assert "Noor" not in response.content.decode()
    for params in ({"q": "Noor"}, {"q": dossier_a["child"].client_number}, {"status": "all", "kind": "all"}):
        response = client.get(reverse("clients:caseload"), params)
        shown = [row["person"].pk for row in response.context["rows"]]
        assert dossier_a["child"].pk not in shown
        assert dossier_a["mother"].pk not in shown
        assert reverse("clients:dossier", args=[dossier_a["child"].pk]) not in response.content.decode()
    assert client.get(reverse("clients:caseload"), {"q": "Noor"}).context["page"].paginator.count == 0


def test_location_filter_offers_only_own_locations(dossier_a, kinderwerker_b, client_for, location_a, location_b):
    response = client_for(kinderwerker_b).get(reverse("clients:caseload"))
    form = response.context["form"]
    assert list(form.fields["location"].queryset) == [location_b]
    response = client_for(kinderwerker_b).get(reverse("clients:caseload"), {"location": location_a.pk})
    assert "Noor" not in response.content.decode()


@pytest.mark.parametrize("role", [Role.FUNCTIONEEL_BEHEERDER, Role.LOGBEHEERDER, Role.GEMEENTE])
def test_non_client_roles_are_refused(dossier_a, staff, client_for, org_a, role):
    user = staff(role, org_a) if role != Role.GEMEENTE else staff(role, region=org_a.regions.first())
    client = client_for(user)
    for url in client_urls(dossier_a):
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert b"Noor" not in response.content


def test_gedragswetenschapper_reads_but_does_not_write(dossier_a, staff, client_for, org_a):
    client = client_for(staff(Role.GEDRAGSWETENSCHAPPER, org_a))
    d = dossier_a
    for url in [reverse("clients:caseload"), reverse("clients:dossier", args=[d["child"].pk]),
                reverse("clients:print", args=[d["child"].pk]), reverse("clients:household", args=[d["household"].pk])]:
        assert client.get(url).status_code == 200, url
    for url in object_urls(d)[2:]:
        if "print" in url or url == reverse("clients:household", args=[d["household"].pk]):
            continue
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url
    assert client.get(reverse("clients:register")).status_code == 403
    assert client.get(reverse("clients:export")).status_code == 403
    page = client.get(reverse("clients:dossier", args=[d["child"].pk])).content.decode()
    assert reverse("clients:edit", args=[d["child"].pk]) not in page


def test_export_only_for_teamleider(dossier_a, kinderwerker_a, client_for):
    assert client_for(kinderwerker_a).get(reverse("clients:export")).status_code == 403


def test_anonymous_is_sent_to_login(dossier_a):
    client = Client()
    for url in client_urls(dossier_a):
        response = client.get(url)
        assert response.status_code == 302, url
        assert reverse("accounts:login") in response["Location"]


def test_password_only_session_is_sent_to_second_factor(dossier_a, kinderwerker_a):
    client = Client()
    client.force_login(kinderwerker_a)
    for url in client_urls(dossier_a):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == "/login/code/"
        assert b"Noor" not in response.content
        response = client.post(url, {})
        assert response.status_code == 302, url
