"""Methodology settings: only the organisation's application administrator, validated, audited,
and never rewriting a running pathway."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import AuditEvent
from veerkracht.clients import services as client_services
from veerkracht.core.concurrency import ConcurrentEditError
from veerkracht.pathway import configuration as config
from veerkracht.pathway.models import DeadlineOverride, Methodology, OrganisationMethodology, Pathway
from veerkracht.pathway.services import create_pathway_for_stay
from veerkracht.testing import factories

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
URL = "/werk/instellingen/"


@pytest.fixture
def admin_a(staff, org_a):  # type: ignore[no-untyped-def]
    return staff(Role.FUNCTIONEEL_BEHEERDER, org_a, username="fb_a")


def v2012():  # type: ignore[no-untyped-def]
    return Methodology.objects.get(code="veerkracht", version="2012")


def v2018():  # type: ignore[no-untyped-def]
    return Methodology.objects.get(version="2018")


def new_child(location, admission):  # type: ignore[no-untyped-def]
    child = factories.PersonFactory(household=factories.HouseholdFactory(organisation=location.organisation))
    stay = factories.StayFactory(person=child, location=location, admission_date=admission)
    return create_pathway_for_stay(stay, actor=None)


def due(pathway):  # type: ignore[no-untyped-def]
    return dict(pathway.activities.values_list("definition__code", "due_date"))


def test_url_is_under_werk():
    assert reverse("pathway:configuration") == URL


# --- services -------------------------------------------------------------------------------------
def test_a_change_never_rewrites_running_pathways(methodologies, admin_a, org_a, location_a):
    today = timezone.localdate()
    running = new_child(location_a, today - 5 * DAY)
    before = due(running)
    assert running.methodology == v2012()
    intake_2012 = v2012().activities.get(code="intake")
    config.do_set_deadlines(org_a.pk, v2012(), {intake_2012.pk: 3}, actor=admin_a)
    assert config.do_set_methodology(org_a.pk, v2018(), actor=admin_a)
    plan_2018 = v2018().activities.get(code="plan_guidance")
    config.do_set_deadlines(org_a.pk, v2018(), {plan_2018.pk: 30}, actor=admin_a)
    running.refresh_from_db()
    assert running.methodology == v2012()
    assert due(running) == before
    # a new stay gets the new version and the own deadline
    person = factories.PersonFactory(household=factories.HouseholdFactory(organisation=org_a))
    admitter = factories.make_staff(Role.KINDERWERKER, org_a, username="kw_admit")
    stay = client_services.do_admit(person, location=location_a, care_type="24h", admission_date=today,
                                    reason="domestic_violence", actor=admitter)
    pathway = Pathway.objects.get(stay=stay)
    assert pathway.methodology == v2018()
    assert pathway.activities.get(definition=plan_2018).deadline_days == 30


def test_new_stay_uses_own_deadline_and_default_otherwise(methodologies, admin_a, org_a, location_a):
    today = timezone.localdate()
    intake = v2012().activities.get(code="intake")
    screening = v2012().activities.get(code="screening")
    changed = config.do_set_deadlines(org_a.pk, v2012(), {intake.pk: 3, screening.pk: None}, actor=admin_a)
    assert changed == ["intake"]
    pathway = new_child(location_a, today)
    assert due(pathway)["intake"] == today + 3 * DAY
    assert due(pathway)["screening"] == today + screening.deadline_days * DAY
    # empty again = back to the project default
    assert config.do_set_deadlines(org_a.pk, v2012(), {intake.pk: None}, actor=admin_a) == ["intake"]
    assert not DeadlineOverride.objects.exists()


@pytest.mark.parametrize("value", [0, 366, -1, "x", 2.5])
def test_deadline_must_be_1_to_365_days(methodologies, admin_a, org_a, value):
    intake = v2012().activities.get(code="intake")
    with pytest.raises(ValidationError):
        config.do_set_deadlines(org_a.pk, v2012(), {intake.pk: value}, actor=admin_a)
    assert not DeadlineOverride.objects.exists()


def test_bounds_are_accepted(methodologies, admin_a, org_a):
    intake, screening = (v2012().activities.get(code=c) for c in ("intake", "screening"))
    config.do_set_deadlines(org_a.pk, v2012(), {intake.pk: 1, screening.pk: 365}, actor=admin_a)
    assert sorted(DeadlineOverride.objects.values_list("days", flat=True)) == [1, 365]


def test_activity_of_another_methodology_is_refused(methodologies, admin_a, org_a):
    plan = v2018().activities.get(code="plan_guidance")
    with pytest.raises(ValidationError):
        config.do_set_deadlines(org_a.pk, v2012(), {plan.pk: 10}, actor=admin_a)


@pytest.mark.parametrize("role", [Role.TEAMLEIDER, Role.KINDERWERKER, Role.GEDRAGSWETENSCHAPPER, Role.LOGBEHEERDER])
def test_only_the_application_administrator(methodologies, staff, org_a, role):
    user = staff(role, org_a, username=f"u_{role}")
    with pytest.raises(PermissionDenied):
        config.do_set_methodology(org_a.pk, v2018(), actor=user)
    with pytest.raises(PermissionDenied):
        config.do_set_deadlines(org_a.pk, v2012(), {}, actor=user)


def test_administrator_of_another_organisation_is_refused(methodologies, staff, org_a, org_b):
    admin_b = staff(Role.FUNCTIONEEL_BEHEERDER, org_b, username="fb_b")
    with pytest.raises(PermissionDenied):
        config.do_set_methodology(org_a.pk, v2018(), actor=admin_b)
    assert not OrganisationMethodology.objects.exists()


def test_changes_are_audited(methodologies, admin_a, org_a):
    config.do_set_methodology(org_a.pk, v2018(), actor=admin_a)
    event = AuditEvent.objects.get(object_type="pathway.organisationmethodology")
    assert (event.action, event.user_id, event.changed_fields) == ("create", admin_a.pk, ["methodology"])
    assert "2018" in event.detail and event.client_id is None
    assert not config.do_set_methodology(org_a.pk, v2018(), actor=admin_a)  # no change, no event
    config.do_set_methodology(org_a.pk, v2012(), actor=admin_a)
    assert AuditEvent.objects.filter(object_type="pathway.organisationmethodology", action="update").count() == 1
    intake = v2012().activities.get(code="intake")
    config.do_set_deadlines(org_a.pk, v2012(), {intake.pk: 5}, actor=admin_a)
    event = AuditEvent.objects.get(object_type="pathway.deadlineoverride")
    assert event.changed_fields == ["intake"] and "intake=5" in event.detail
    config.do_set_deadlines(org_a.pk, v2012(), {intake.pk: 5}, actor=admin_a)
    assert AuditEvent.objects.filter(object_type="pathway.deadlineoverride").count() == 1


def test_stale_settings_are_refused(methodologies, admin_a, org_a):
    stale = config.configuration(org_a.pk).fingerprint
    config.do_set_methodology(org_a.pk, v2018(), actor=admin_a, expected_fingerprint=stale)
    with pytest.raises(ConcurrentEditError):
        config.do_set_methodology(org_a.pk, v2012(), actor=admin_a, expected_fingerprint=stale)
    assert OrganisationMethodology.objects.get().methodology == v2018()


# --- the screen ---------------------------------------------------------------------------------------
def english(user):  # type: ignore[no-untyped-def]
    user.language = "en"
    user.save(update_fields=["language"])
    return user


def fields(html: str) -> dict[str, str]:
    return dict(re.findall(r'name="(d-[a-z_0-9]+)"[^>]*?value="([^"]*)"', html))


def test_screen_saves_methodology_and_deadlines(methodologies, admin_a, org_a, client_for):
    client = client_for(english(admin_a))
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Methodology settings" in html and "project default" in html
    fingerprint = re.search(r'name="m-fingerprint" value="([^"]+)"', html).group(1)
    response = client.post(URL, {"action": "methodology", "m-methodology": v2018().pk, "m-fingerprint": fingerprint})
    assert response.status_code == 302 and response["Location"] == URL
    assert OrganisationMethodology.objects.get(organisation=org_a).methodology == v2018()
    html = client.get(URL).content.decode()
    assert 'data-activity="plan_guidance"' in html and 'data-activity="intake"' in html
    fingerprint = re.search(r'name="d-fingerprint" value="([^"]+)"', html).group(1)
    plan = v2018().activities.get(code="plan_guidance")
    data = {"action": "deadlines", "d-fingerprint": fingerprint, f"d-days_{plan.pk}": "30"}
    response = client.post(URL, data)
    assert response.status_code == 302
    assert DeadlineOverride.objects.get(organisation=org_a).days == 30


def test_screen_shows_errors_and_keeps_input(methodologies, admin_a, org_a, client_for):
    client = client_for(english(admin_a))
    html = client.get(URL).content.decode()
    fingerprint = re.search(r'name="d-fingerprint" value="([^"]+)"', html).group(1)
    intake = v2012().activities.get(code="intake")
    response = client.post(URL, {"action": "deadlines", "d-fingerprint": fingerprint, f"d-days_{intake.pk}": "400"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "between 1 and 365 days" in html and 'class="error-summary"' in html
    assert 'value="400"' in html
    assert not DeadlineOverride.objects.exists()


def test_screen_refuses_a_concurrent_change_and_shows_current_values(methodologies, admin_a, org_a, client_for):
    client = client_for(english(admin_a))
    html = client.get(URL).content.decode()
    fingerprint = re.search(r'name="d-fingerprint" value="([^"]+)"', html).group(1)
    intake = v2012().activities.get(code="intake")
    config.do_set_deadlines(org_a.pk, v2012(), {intake.pk: 5}, actor=admin_a)  # someone else, meanwhile
    response = client.post(URL, {"action": "deadlines", "d-fingerprint": fingerprint, f"d-days_{intake.pk}": "9"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else changed" in html and "Currently stored values" in html
    assert 'value="9"' in html  # the user's input is kept
    assert DeadlineOverride.objects.get().days == 5
    # saving again (with the fresh fingerprint in the re-rendered form) works
    fresh = re.search(r'name="d-fingerprint" value="([^"]+)"', html).group(1)
    client.post(URL, {"action": "deadlines", "d-fingerprint": fresh, f"d-days_{intake.pk}": "9"})
    assert DeadlineOverride.objects.get().days == 9


def test_screen_shows_own_organisation_only(methodologies, admin_a, org_a, org_b, staff, client_for):
    intake = v2012().activities.get(code="intake")
    config.do_set_deadlines(org_a.pk, v2012(), {intake.pk: 4}, actor=admin_a)
    admin_b = staff(Role.FUNCTIONEEL_BEHEERDER, org_b, username="fb_b")
    html = client_for(english(admin_b)).get(URL).content.decode()
    assert org_b.name in html and org_a.name not in html
    assert f'name="d-days_{intake.pk}"' in html
    assert not re.search(rf'name="d-days_{intake.pk}"[^>]*value=', html)  # A's 4 days are not B's


def test_client_roles_cannot_open_the_screen(methodologies, staff, org_a, client_for):
    worker = staff(Role.TEAMLEIDER, org_a, username="tl")
    client = client_for(worker)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"action": "methodology", "m-methodology": v2018().pk}).status_code == 403
    assert not OrganisationMethodology.objects.exists()


def test_screen_without_loaded_methodology(admin_a, client_for):
    client = client_for(english(admin_a))
    assert client.get(URL).status_code == 200
    assert client.post(URL, {"action": "deadlines"}).status_code == 200
    assert client.post(URL, {"action": "methodology", "m-methodology": "999"}).status_code == 200
    assert not OrganisationMethodology.objects.exists()


def test_menu_leads_only_the_application_administrator_to_the_screen(methodologies, admin_a, org_a, staff, client_for):
    client = client_for(english(admin_a))
    html = client.get(reverse("organisations:users")).content.decode()
    assert f'<a href="{URL}"' in html and ">Methodology</a>" in html
    assert 'aria-current="page">Methodology</a>' in client.get(URL).content.decode()
    for role in (Role.KINDERWERKER, Role.TEAMLEIDER, Role.GEDRAGSWETENSCHAPPER):
        other = client_for(english(staff(role, org_a)))
        assert f'href="{URL}"' not in other.get(reverse("pathway:worklist")).content.decode()
