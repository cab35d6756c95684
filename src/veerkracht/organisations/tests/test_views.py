"""Application management by the functioneel beheerder: users, locations, teams, settings."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from veerkracht.accounts.models import User
from veerkracht.accounts.roles import Role
from veerkracht.audit.models import Action, AuditEvent
from veerkracht.organisations.models import Location, Membership, Team
from veerkracht.testing import factories

SECRET_ADDRESS = "Geheimstraat 17, 9999 ZZ Nergensdorp"
PASSWORD = "a quiet river at dawn 42"


@pytest.fixture
def admin_a(org_a, staff):
    return staff(Role.FUNCTIONEEL_BEHEERDER, org_a, username="fb_a")


@pytest.fixture
def admin_b(org_b, staff):
    return staff(Role.FUNCTIONEEL_BEHEERDER, org_b, username="fb_b")


@pytest.fixture
def secret_location(org_a):
    return factories.LocationFactory(
        organisation=org_a, name="Huis Geheim", region=org_a.regions.first(), address=SECRET_ADDRESS
    )


@pytest.fixture
def team_a(org_a, location_a):
    team = factories.TeamFactory(organisation=org_a, name="Team Noord")
    team.locations.add(location_a)
    return team


@pytest.fixture
def gemeente(staff, org_a):
    return staff(Role.GEMEENTE, region=org_a.regions.first(), username="gem")


ADMIN_GET_URLS = [
    ("organisations:users", False),
    ("organisations:user_create", False),
    ("organisations:user_edit", "user"),
    ("organisations:user_reset_2fa", "user"),
    ("organisations:location_create", False),
    ("organisations:location_edit", "location"),
    ("organisations:teams", False),
    ("organisations:team_create", False),
    ("organisations:team_edit", "team"),
    ("organisations:organisation_settings", False),
]


def _url(name, kind, *, user=None, location=None, team=None):
    obj = {"user": user, "location": location, "team": team}.get(kind) if kind else None
    return reverse(name, args=[obj.pk]) if obj is not None else reverse(name)


# -- access --------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "kind"), ADMIN_GET_URLS)
def test_admin_pages_open_for_functioneel_beheerder(
    name, kind, admin_a, kinderwerker_a, location_a, team_a, client_for
):
    url = _url(name, kind, user=kinderwerker_a, location=location_a, team=team_a)
    response = client_for(admin_a).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert " style=" not in html
    assert "<script>" not in html


@pytest.mark.parametrize(("name", "kind"), ADMIN_GET_URLS)
@pytest.mark.parametrize(
    "role",
    [
        Role.KINDERWERKER,
        Role.MENTOR,
        Role.GEDRAGSWETENSCHAPPER,
        Role.TEAMLEIDER,
        Role.LOGBEHEERDER,
        Role.GEMEENTE,
    ],
)
def test_admin_pages_forbidden_for_other_roles(
    name, kind, role, org_a, staff, kinderwerker_a, location_a, team_a, client_for
):
    if role == Role.GEMEENTE:
        user = staff(role, region=org_a.regions.first())
    else:
        user = staff(role, org_a)
    client = client_for(user)
    url = _url(name, kind, user=kinderwerker_a, location=location_a, team=team_a)
    assert client.get(url).status_code == 403
    assert client.post(url, {}).status_code == 403


@pytest.mark.parametrize(("name", "kind"), ADMIN_GET_URLS)
def test_admin_pages_redirect_anonymous_to_login(name, kind, kinderwerker_a, location_a, team_a, client):
    url = _url(name, kind, user=kinderwerker_a, location=location_a, team=team_a)
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_other_organisation_objects_are_404(admin_a, kinderwerker_b, location_b, org_b, client_for):
    client = client_for(admin_a)
    team_b = factories.TeamFactory(organisation=org_b)
    for url in [
        reverse("organisations:user_edit", args=[kinderwerker_b.pk]),
        reverse("organisations:user_reset_2fa", args=[kinderwerker_b.pk]),
        reverse("organisations:location_detail", args=[location_b.pk]),
        reverse("organisations:location_edit", args=[location_b.pk]),
        reverse("organisations:team_edit", args=[team_b.pk]),
    ]:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"role": Role.MENTOR}).status_code == 404, url
    assert TOTPDevice.objects.filter(user=kinderwerker_b).exists()
    assert kinderwerker_b.membership.role == Role.KINDERWERKER


def test_lists_hold_only_own_organisation(
    admin_a, kinderwerker_a, kinderwerker_b, location_a, location_b, org_b, client_for
):
    factories.TeamFactory(organisation=org_b, name="Team Zuid")
    client = client_for(admin_a)
    users = client.get(reverse("organisations:users")).content.decode()
    assert "kw_a" in users and "kw_b" not in users
    locations = client.get(reverse("organisations:locations")).content.decode()
    assert location_a.name in locations and location_b.name not in locations
    teams = client.get(reverse("organisations:teams")).content.decode()
    assert "Team Zuid" not in teams


# -- secret address ------------------------------------------------------------------------


def test_address_never_in_list_but_on_detail_for_own_staff(kinderwerker_a, secret_location, client_for):
    client = client_for(kinderwerker_a)
    listing = client.get(reverse("organisations:locations"))
    assert listing.status_code == 200
    assert secret_location.name in listing.content.decode()
    assert "Geheimstraat" not in listing.content.decode()

    detail = client.get(reverse("organisations:location_detail", args=[secret_location.pk]))
    assert detail.status_code == 200
    assert "Geheimstraat 17" in detail.content.decode()
    assert "no-store" in detail["Cache-Control"]
    event = AuditEvent.objects.filter(action=Action.READ, object_id=str(secret_location.pk)).get()
    assert event.detail == "address"
    assert event.user_id == kinderwerker_a.pk
    assert event.object_type == "organisations.location"


def test_address_not_in_edit_form(admin_a, secret_location, client_for):
    response = client_for(admin_a).get(reverse("organisations:location_edit", args=[secret_location.pk]))
    assert response.status_code == 200
    assert "Geheimstraat" not in response.content.decode()


@pytest.mark.parametrize(
    "role", [Role.FUNCTIONEEL_BEHEERDER, Role.LOGBEHEERDER, Role.TEAMLEIDER, Role.MENTOR]
)
def test_any_staff_of_own_org_sees_address(role, org_a, staff, secret_location, client_for):
    response = client_for(staff(role, org_a)).get(
        reverse("organisations:location_detail", args=[secret_location.pk])
    )
    assert response.status_code == 200
    assert "Geheimstraat 17" in response.content.decode()


def test_gemeente_cannot_see_any_location_page(gemeente, secret_location, client_for):
    client = client_for(gemeente)
    assert client.get(reverse("organisations:locations")).status_code in (403, 404)
    detail = client.get(reverse("organisations:location_detail", args=[secret_location.pk]))
    assert detail.status_code == 404
    assert "Geheimstraat" not in detail.content.decode()
    assert client.get(reverse("organisations:location_edit", args=[secret_location.pk])).status_code in (
        403,
        404,
    )
    assert not AuditEvent.objects.filter(action=Action.READ).exists()


def test_other_organisation_staff_get_404_on_detail(kinderwerker_b, secret_location, client_for):
    response = client_for(kinderwerker_b).get(
        reverse("organisations:location_detail", args=[secret_location.pk])
    )
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=Action.READ).exists()


def test_address_column_is_encrypted(secret_location):
    with connection.cursor() as cursor:
        cursor.execute("SELECT address FROM organisations_location WHERE id = %s", [secret_location.pk])
        (stored,) = cursor.fetchone()
    assert stored
    assert "Geheimstraat" not in stored
    assert "Nergensdorp" not in stored
    assert Location.objects.get(pk=secret_location.pk).address == SECRET_ADDRESS


# -- users ---------------------------------------------------------------------------------


def test_create_user_with_membership_and_audit(admin_a, org_a, location_a, team_a, location_b, client_for):
    response = client_for(admin_a).post(
        reverse("organisations:user_create"),
        {
            "username": "nieuw",
            "first_name": "Nina",
            "last_name": "Nieuw",
            "email": "nina@example.org",
            "role": Role.MENTOR,
            "teams": [team_a.pk],
            "locations": [location_a.pk],
            "password": PASSWORD,
        },
    )
    assert response.status_code == 302, response.content.decode()
    user = User.objects.get(username="nieuw")
    assert user.check_password(PASSWORD)
    assert user.membership.role == Role.MENTOR
    assert user.membership.organisation == org_a
    assert list(user.membership.teams.all()) == [team_a]
    assert list(user.membership.locations.all()) == [location_a]
    events = AuditEvent.objects.filter(object_type="accounts.user", object_id=str(user.pk))
    assert set(events.values_list("action", flat=True)) == {Action.CREATE, Action.ROLE_CHANGE}
    assert all(e.user_id == admin_a.pk for e in events)
    assert not any(PASSWORD in str(e.changed_fields) + e.detail for e in events)


def test_create_user_refuses_weak_password_gemeente_role_and_other_org_location(
    admin_a, location_b, client_for
):
    client = client_for(admin_a)
    data = {
        "username": "zwak",
        "first_name": "Z",
        "last_name": "W",
        "role": Role.MENTOR,
        "password": "12345678",
    }
    response = client.post(reverse("organisations:user_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    response = client.post(
        reverse("organisations:user_create"), {**data, "password": PASSWORD, "role": Role.GEMEENTE}
    )
    assert response.context["form"].errors["role"]
    response = client.post(
        reverse("organisations:user_create"), {**data, "password": PASSWORD, "locations": [location_b.pk]}
    )
    assert response.context["form"].errors["locations"]
    response = client.post(
        reverse("organisations:user_create"), {**data, "username": "FB_A", "password": PASSWORD}
    )
    assert response.context["form"].errors["username"]
    assert not User.objects.filter(username="zwak").exists()


def test_change_role_teams_locations_and_active(admin_a, kinderwerker_a, team_a, location_a, client_for):
    client = client_for(admin_a)
    url = reverse("organisations:user_edit", args=[kinderwerker_a.pk])
    fingerprint = client.get(url).context["form"].initial["fingerprint"]
    response = client.post(
        url,
        {
            "role": Role.TEAMLEIDER,
            "teams": [team_a.pk],
            "locations": [location_a.pk],
            "fingerprint": fingerprint,
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=kinderwerker_a)
    assert membership.role == Role.TEAMLEIDER
    kinderwerker_a.refresh_from_db()
    assert not kinderwerker_a.is_active
    event = AuditEvent.objects.get(action=Action.ROLE_CHANGE, object_id=str(kinderwerker_a.pk))
    assert event.changed_fields == ["is_active", "locations", "role", "teams"]
    assert event.user_id == admin_a.pk


def test_stale_edit_is_refused(admin_a, kinderwerker_a, client_for):
    client = client_for(admin_a)
    url = reverse("organisations:user_edit", args=[kinderwerker_a.pk])
    fingerprint = client.get(url).context["form"].initial["fingerprint"]
    Membership.objects.filter(user=kinderwerker_a).update(role=Role.MENTOR)  # someone else, meanwhile
    response = client.post(url, {"role": Role.TEAMLEIDER, "is_active": "on", "fingerprint": fingerprint})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Membership.objects.get(user=kinderwerker_a).role == Role.MENTOR
    assert not AuditEvent.objects.filter(action=Action.ROLE_CHANGE).exists()


@pytest.mark.parametrize(
    "data", [{"role": Role.MENTOR, "is_active": "on"}, {"role": Role.FUNCTIONEEL_BEHEERDER}]
)
def test_admin_cannot_demote_or_deactivate_self(data, admin_a, client_for):
    response = client_for(admin_a).post(reverse("organisations:user_edit", args=[admin_a.pk]), data)
    assert response.status_code == 200
    # the interface is Dutch by default
    assert "Je kunt je eigen beheerdersrol niet afnemen" in " ".join(response.context["form"].non_field_errors())
    admin_a.refresh_from_db()
    assert admin_a.is_active
    assert Membership.objects.get(user=admin_a).role == Role.FUNCTIONEEL_BEHEERDER
    assert not AuditEvent.objects.filter(action=Action.ROLE_CHANGE).exists()


def test_reset_second_factor(admin_a, kinderwerker_a, client_for):
    client = client_for(admin_a)
    url = reverse("organisations:user_reset_2fa", args=[kinderwerker_a.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert TOTPDevice.objects.filter(user=kinderwerker_a).exists()  # GET changes nothing
    response = client.post(url)
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=kinderwerker_a).exists()
    event = AuditEvent.objects.get(action=Action.OTP_RESET)
    assert event.object_id == str(kinderwerker_a.pk)
    assert event.user_id == admin_a.pk


def test_users_list_shows_second_factor_and_teams(admin_a, kinderwerker_a, team_a, client_for):
    kinderwerker_a.membership.teams.add(team_a)
    TOTPDevice.objects.filter(user=kinderwerker_a).delete()
    response = client_for(admin_a).get(reverse("organisations:users"))
    users = {u.username: u for u in response.context["users"]}
    assert users["kw_a"].has_second_factor is False
    assert users["fb_a"].has_second_factor is True
    assert "Team Noord" in response.content.decode()


def test_users_list_query_count_is_bounded(admin_a, org_a, staff, client_for, django_assert_max_num_queries):
    teams = [factories.TeamFactory(organisation=org_a) for _ in range(2)]
    client = client_for(admin_a)
    counts = []
    for total in (3, 15):
        while Membership.objects.filter(organisation=org_a).count() < total:
            staff(Role.MENTOR, org_a).membership.teams.set(teams)
        with CaptureQueriesContext(connection) as captured, django_assert_max_num_queries(12):
            response = client.get(reverse("organisations:users"))
        assert len(response.context["users"]) == total
        counts.append(len(captured))
    assert counts[0] == counts[1]


# -- locations, teams, settings ------------------------------------------------------------


def test_create_and_edit_location(admin_a, org_a, org_b, client_for):
    client = client_for(admin_a)
    region = org_a.regions.first()
    response = client.post(
        reverse("organisations:location_create"),
        {
            "name": "Huis Nieuw",
            "kind": "shelter",
            "region": region.pk,
            "address": SECRET_ADDRESS,
            "active": "on",
        },
    )
    assert response.status_code == 302
    location = Location.objects.get(name="Huis Nieuw")
    assert location.organisation == org_a and location.address == SECRET_ADDRESS
    assert AuditEvent.objects.filter(action=Action.CREATE, object_id=str(location.pk)).exists()

    edit_url = reverse("organisations:location_edit", args=[location.pk])
    response = client.post(
        edit_url, {"name": "Huis Oud", "kind": "ambulant", "region": region.pk, "address": ""}
    )
    assert response.status_code == 302
    location.refresh_from_db()
    assert (location.name, location.kind, location.active, location.address) == (
        "Huis Oud",
        "ambulant",
        False,
        SECRET_ADDRESS,
    )
    event = AuditEvent.objects.get(action=Action.UPDATE, object_id=str(location.pk))
    assert event.changed_fields == ["active", "kind", "name"]

    response = client.post(
        edit_url, {"name": "Huis Oud", "kind": "ambulant", "region": region.pk, "address": "Nieuwe weg 1"}
    )
    location.refresh_from_db()
    assert location.address == "Nieuwe weg 1"
    assert AuditEvent.objects.filter(action=Action.UPDATE, changed_fields=["address"]).exists()

    other_region = org_b.regions.first()
    response = client.post(edit_url, {"name": "Huis Oud", "kind": "ambulant", "region": other_region.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["region"]


def test_create_and_edit_team(admin_a, org_a, location_a, location_b, client_for):
    client = client_for(admin_a)
    response = client.post(
        reverse("organisations:team_create"), {"name": "Team West", "locations": [location_a.pk]}
    )
    assert response.status_code == 302
    team = Team.objects.get(name="Team West", organisation=org_a)
    assert list(team.locations.all()) == [location_a]
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="organisations.team").exists()
    response = client.post(
        reverse("organisations:team_edit", args=[team.pk]),
        {"name": "Team Oost", "locations": [location_b.pk]},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["locations"]
    response = client.post(reverse("organisations:team_edit", args=[team.pk]), {"name": "Team Oost"})
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.name == "Team Oost" and not team.locations.exists()
    event = AuditEvent.objects.get(action=Action.UPDATE, object_type="organisations.team")
    assert event.changed_fields == ["locations", "name"]


def test_organisation_settings_toggle(admin_a, org_a, client_for):
    client = client_for(admin_a)
    response = client.post(reverse("organisations:organisation_settings"), {"restrict_to_teams": "on"})
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.restrict_to_teams
    event = AuditEvent.objects.get(action=Action.UPDATE, object_type="organisations.organisation")
    assert event.changed_fields == ["restrict_to_teams"]
    assert event.object_id == str(org_a.pk)
