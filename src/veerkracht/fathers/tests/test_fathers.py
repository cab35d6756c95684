"""Contact with the father: the contact-ban rule, the safety assessment first, outcomes, scoping,
privacy of the location, optimistic locking, completion and query counts."""

from __future__ import annotations

import datetime
import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import AuditEvent
from veerkracht.clients.models import Authority, PersonKind
from veerkracht.fathers import demo, services
from veerkracht.fathers.models import (
    AttemptResult,
    AttemptWay,
    ContactAttempt,
    ContactStatus,
    FatherContact,
    NoContactReason,
)
from veerkracht.fathers.timeline import father_contact_entries
from veerkracht.pathway.models import ActivityStatus, PathwayActivity
from veerkracht.pathway.services import create_pathway_for_stay
from veerkracht.testing import factories

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def english(user):  # type: ignore[no-untyped-def]
    user.language = "en"
    user.save()
    return user


def add_father(household, child, **kwargs):  # type: ignore[no-untyped-def]
    father = factories.PersonFactory(household=household, kind=PersonKind.FATHER, client_number=None, **kwargs)
    factories.ParentChildFactory(parent=father, child=child, authority=Authority.YES,
                                 authority_checked_on=TODAY() - 3 * DAY)
    return father


@pytest.fixture
def world(db, org_a, location_a, staff):  # type: ignore[no-untyped-def]
    call_command("load_methodologies", verbosity=0)
    mentor = english(staff(Role.MENTOR, org_a, username="mentor_f", first_name="Mira", last_name="Mentor"))
    gw = english(staff(Role.GEDRAGSWETENSCHAPPER, org_a, username="gw_f", first_name="Gert", last_name="Wetenschap"))
    household = factories.HouseholdFactory(organisation=org_a)
    mother = factories.PersonFactory(household=household, kind=PersonKind.MOTHER)
    child = factories.PersonFactory(household=household, first_name="Noor", last_name="Jansen")
    factories.ParentChildFactory(parent=mother, child=child)
    stay = factories.StayFactory(person=child, location=location_a, admission_date=TODAY() - 20 * DAY)
    pathway = create_pathway_for_stay(stay, actor=mentor)
    father = add_father(household, child, first_name="Johan", last_name="Bos")
    return {"mentor": mentor, "gw": gw, "household": household, "child": child, "pathway": pathway,
            "father": father, "location": location_a, "stay": stay}


def assess(contact, actor, *, ban=False, status=ContactStatus.NOT_YET, **extra):  # type: ignore[no-untyped-def]
    contact = FatherContact.objects.get(pk=contact.pk)
    values = dict(assessed_on=TODAY() - DAY, suspected_perpetrator="yes" if ban else "no", contact_ban=ban,
                  risk_level="high" if ban else "low", status=status)
    values.update(extra)
    services.do_update_contact(contact, services.ContactChanges(**values), expected_version=contact.version,
                               actor=actor)
    return FatherContact.objects.get(pk=contact.pk)


def started(world, father=None):  # type: ignore[no-untyped-def]
    return services.do_start_contact(world["pathway"], father or world["father"], actor=world["mentor"])


def fetch(pk):  # type: ignore[no-untyped-def]
    return FatherContact.objects.select_related("pathway__stay__person", "father").get(pk=pk)


# --- the contact-ban rule --------------------------------------------------------------------------
def test_reached_attempt_refused_with_a_ban_and_nothing_saved(world):
    contact = assess(started(world), world["mentor"], ban=True)
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.do_add_attempt(fetch(contact.pk), date=TODAY(), way=AttemptWay.PHONE, result=AttemptResult.REACHED,
                                actor=world["mentor"])
    assert exc.value.error_list[0].code == "ban"
    assert not ContactAttempt.objects.exists()
    assert AuditEvent.objects.count() == before
    # A "not reached" attempt may be recorded (the ban is about contact, not about the file).
    services.do_add_attempt(fetch(contact.pk), date=TODAY(), way=AttemptWay.VIA_PROFESSIONAL,
                            result=AttemptResult.NOT_REACHED, actor=world["mentor"])
    # And the outcome "contacted" is refused as well.
    with pytest.raises(ValidationError) as exc:
        assess(contact, world["mentor"], ban=True, status=ContactStatus.CONTACTED)
    assert "ban" in [e.code for e in exc.value.error_list]
    assert fetch(contact.pk).status == ContactStatus.NOT_YET


def test_reached_attempt_via_the_page_gives_a_clear_message(world, client_for):
    contact = assess(started(world), world["mentor"], ban=True)
    response = client_for(world["mentor"]).post(
        reverse("fathers:attempt", kwargs={"pk": contact.pk}),
        {"date": TODAY().isoformat(), "way": "phone", "result": "reached", "notes": "Gesproken"})
    assert response.status_code == 200
    assert "contact ban or restraining order" in response.content.decode()
    assert not ContactAttempt.objects.exists()


def test_only_the_behavioural_scientist_grants_the_override_and_it_is_audited(world, client_for, staff, org_a, org_b):
    contact = assess(started(world), world["mentor"], ban=True)
    url = reverse("fathers:override", kwargs={"pk": contact.pk})
    teamleider = staff(Role.TEAMLEIDER, org_a, username="tl_f")
    for user in (world["mentor"], teamleider):
        with pytest.raises(PermissionDenied):
            services.do_grant_override(fetch(contact.pk), reason="r", expected_version=contact.version, actor=user)
        assert client_for(user).post(url, {"reason": "r", "version": contact.version}).status_code == 403
    # The mentor's page does not offer it; the behavioural scientist's does.
    assert url not in client_for(world["mentor"]).get(reverse("fathers:contact", kwargs={"pk": contact.pk})).content.decode()
    assert url in client_for(world["gw"]).get(reverse("fathers:contact", kwargs={"pk": contact.pk})).content.decode()
    # A behavioural scientist of another organisation does not even find the record.
    gw_b = staff(Role.GEDRAGSWETENSCHAPPER, org_b, username="gw_b")
    assert client_for(gw_b).post(url, {"reason": "r", "version": contact.version}).status_code == 404
    assert not fetch(contact.pk).override_granted

    # Without a reason: refused.
    response = client_for(world["gw"]).post(url, {"reason": " ", "version": contact.version})
    assert response.status_code == 200 and not fetch(contact.pk).override_granted

    response = client_for(world["gw"]).post(url, {"reason": "Omgangsregeling rechter, begeleid", "version": contact.version})
    assert response.status_code == 302
    contact = fetch(contact.pk)
    assert contact.override_granted and contact.override_granted_by == world["gw"]
    event = AuditEvent.objects.filter(object_type="fathers.fathercontact", object_id=str(contact.pk)).last()
    assert event.detail == "contact-ban override granted" and event.user_id == world["gw"].pk
    assert "override_reason" in event.changed_fields
    assert "Omgangsregeling" not in event.detail

    # Now contact can be recorded; the outcome becomes "contacted" and the page shows the exception.
    services.do_add_attempt(contact, date=TODAY(), way=AttemptWay.IN_PERSON, result=AttemptResult.REACHED,
                            actor=world["mentor"])
    assert fetch(contact.pk).status == ContactStatus.CONTACTED
    page = client_for(world["mentor"]).get(reverse("fathers:contact", kwargs={"pk": contact.pk})).content.decode()
    assert 'data-ban="override"' in page and "Omgangsregeling rechter" in page and "Gert Wetenschap" in page


def test_no_override_without_a_ban(world):
    contact = assess(started(world), world["mentor"])
    with pytest.raises(ValidationError):
        services.do_grant_override(fetch(contact.pk), reason="r", expected_version=contact.version, actor=world["gw"])


# --- the assessment first; reasons -----------------------------------------------------------------
def test_assessment_required_before_any_attempt(world, client_for):
    contact = started(world)
    with pytest.raises(ValidationError) as exc:
        services.do_add_attempt(fetch(contact.pk), date=TODAY(), way=AttemptWay.PHONE,
                                result=AttemptResult.NOT_REACHED, actor=world["mentor"])
    assert exc.value.error_list[0].code == "no_assessment"
    client = client_for(world["mentor"])
    page = client.get(reverse("fathers:attempt", kwargs={"pk": contact.pk})).content.decode()
    assert "data-needs-assessment" in page and 'name="result"' not in page
    response = client.post(reverse("fathers:attempt", kwargs={"pk": contact.pk}),
                           {"date": TODAY().isoformat(), "way": "phone", "result": "not_reached"})
    assert response.status_code == 200 and "safety assessment" in response.content.decode()
    assert not ContactAttempt.objects.exists()
    # An incomplete assessment is refused with messages.
    with pytest.raises(ValidationError) as exc:
        assess(contact, world["mentor"], suspected_perpetrator="", risk_level="")
    assert {"perpetrator", "risk_level"} <= {e.code for e in exc.value.error_list}
    assess(contact, world["mentor"])
    services.do_add_attempt(fetch(contact.pk), date=TODAY(), way=AttemptWay.PHONE,
                            result=AttemptResult.NOT_REACHED, actor=world["mentor"])
    assert ContactAttempt.objects.count() == 1
    assert fetch(contact.pk).assessed_by == world["mentor"]


def test_attempt_date_not_in_the_future(world):
    contact = assess(started(world), world["mentor"])
    with pytest.raises(ValidationError):
        services.do_add_attempt(contact, date=TODAY() + DAY, way="phone", result="not_reached", actor=world["mentor"])


def test_contacted_needs_a_reached_attempt(world):
    contact = assess(started(world), world["mentor"])
    with pytest.raises(ValidationError) as exc:
        assess(contact, world["mentor"], status=ContactStatus.CONTACTED)
    assert exc.value.error_list[0].code == "no_reached_attempt"


def test_no_contact_requires_a_reason(world, client_for):
    contact = assess(started(world), world["mentor"])
    with pytest.raises(ValidationError) as exc:
        assess(contact, world["mentor"], status=ContactStatus.NO_CONTACT)
    assert exc.value.error_list[0].code == "no_reason"
    with pytest.raises(ValidationError) as exc:
        assess(contact, world["mentor"], status=ContactStatus.NO_CONTACT, no_contact_reason=NoContactReason.OTHER)
    assert exc.value.error_list[0].code == "other"
    response = client_for(world["mentor"]).post(reverse("fathers:contact", kwargs={"pk": contact.pk}), {
        "status": "no_contact", "assessed_on": (TODAY() - DAY).isoformat(), "suspected_perpetrator": "no",
        "risk_level": "low", "version": fetch(contact.pk).version})
    assert response.status_code == 200
    assert "Give the reason why there is no contact." in response.content.decode()
    assert fetch(contact.pk).status == ContactStatus.NOT_YET
    contact = assess(contact, world["mentor"], status=ContactStatus.NO_CONTACT,
                     no_contact_reason=NoContactReason.UNREACHABLE)
    assert contact.status == ContactStatus.NO_CONTACT and contact.status_on == TODAY()


# --- several fathers, scoping ----------------------------------------------------------------------
def test_several_fathers_and_completion_only_when_all_are_resolved(world, client_for):
    second = add_father(world["household"], world["child"], first_name="Karim", last_name="El Idrissi")
    client = client_for(world["mentor"])
    page = client.get(reverse("fathers:overview", kwargs={"pk": world["pathway"].pk})).content.decode()
    assert "Johan Bos" in page and "Karim El Idrissi" in page and "2 fathers" in page
    assert "checked in the gezagsregister on" in page
    assert reverse("clients:authority", kwargs={"pk": world["father"].child_links.get().pk}) in page

    start = reverse("fathers:start", kwargs={"pk": world["pathway"].pk})
    first = FatherContact.objects.get(pk=client.post(start, {"father": world["father"].pk})["Location"].split("/")[-2])
    response = client.post(start, {"father": world["father"].pk})  # starting twice opens the same record
    assert response["Location"] == reverse("fathers:contact", kwargs={"pk": first.pk})
    assert FatherContact.objects.count() == 1
    activity = PathwayActivity.objects.get(pathway=world["pathway"], definition__code="father_contact")
    assert activity.status == ActivityStatus.IN_PROGRESS

    first = assess(first, world["mentor"], ban=True, status=ContactStatus.NO_CONTACT,
                   no_contact_reason=NoContactReason.BAN)
    # One father resolved, the other has no record: no completion.
    changes = services.ContactChanges(assessed_on=TODAY() - DAY, suspected_perpetrator="yes", contact_ban=True,
                                      risk_level="high", status=ContactStatus.NO_CONTACT,
                                      no_contact_reason=NoContactReason.BAN)
    with pytest.raises(ValidationError) as exc:
        services.do_update_contact(fetch(first.pk), changes, completed_on=TODAY(),
                                   expected_version=first.version, actor=world["mentor"])
    assert exc.value.error_list[0].code == "unresolved"
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.IN_PROGRESS

    other = services.do_start_contact(world["pathway"], second, actor=world["mentor"])
    other = assess(other, world["mentor"])
    services.do_add_attempt(other, date=TODAY(), way=AttemptWay.PHONE, result=AttemptResult.REACHED,
                            actor=world["mentor"])
    other = fetch(other.pk)
    assert other.status == ContactStatus.CONTACTED
    # The completion field is offered (Veerkracht 2012: this record alone completes the activity).
    assert 'name="completed_on"' in client.get(reverse("fathers:contact", kwargs={"pk": other.pk})).content.decode()
    response = client.post(reverse("fathers:contact", kwargs={"pk": other.pk}), {
        "assessed_on": (TODAY() - DAY).isoformat(), "suspected_perpetrator": "no", "risk_level": "low",
        "status": "contacted", "agreements": "Om de week bellen", "completed_on": TODAY().isoformat(),
        "version": other.version})
    assert response.status_code == 302, response.content.decode()
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.DONE and activity.completed_on == TODAY()
    assert fetch(other.pk).agreements == "Om de week bellen"


def test_father_of_another_household_or_organisation_is_rejected(world, client_for, org_a, org_b, location_b):
    client = client_for(world["mentor"])
    start = reverse("fathers:start", kwargs={"pk": world["pathway"].pk})
    other_household = factories.HouseholdFactory(organisation=org_a)
    other_child = factories.PersonFactory(household=other_household)
    stranger = add_father(other_household, other_child)
    household_b = factories.HouseholdFactory(organisation=org_b)
    child_b = factories.PersonFactory(household=household_b)
    father_b = add_father(household_b, child_b)
    mother = world["household"].members.get(kind=PersonKind.MOTHER)
    for person in (stranger, father_b, mother):
        response = client.post(start, {"father": person.pk})
        assert response.status_code == 200
        assert "Choose a father of this child." in response.content.decode()
        with pytest.raises(ValidationError):
            services.do_start_contact(world["pathway"], person, actor=world["mentor"])
    assert not FatherContact.objects.exists()
    # Another organisation's pathway and record: exactly 404.
    contact = started(world)
    stay_b = factories.StayFactory(person=child_b, location=location_b)
    mentor_b = factories.make_staff(Role.MENTOR, org_b, username="mentor_b")
    pathway_b = create_pathway_for_stay(stay_b, actor=mentor_b)
    assert client.get(reverse("fathers:overview", kwargs={"pk": pathway_b.pk})).status_code == 404
    client_b = client_for(mentor_b)
    for name in ("fathers:contact", "fathers:attempt"):
        assert client_b.get(reverse(name, kwargs={"pk": contact.pk})).status_code == 404
    assert client_b.post(reverse("fathers:start", kwargs={"pk": world["pathway"].pk}),
                         {"father": world["father"].pk}).status_code == 404
    with pytest.raises(PermissionDenied):
        services.do_start_contact(world["pathway"], world["father"], actor=mentor_b)


def test_no_father_in_the_household(world, client_for):
    world["father"].child_links.all().delete()
    page = client_for(world["mentor"]).get(reverse("fathers:overview", kwargs={"pk": world["pathway"].pk}))
    content = page.content.decode()
    assert "No father of this child has been registered" in content
    assert reverse("clients:add_father", kwargs={"pk": world["household"].pk}) in content
    activity = PathwayActivity.objects.get(pathway=world["pathway"], definition__code="father_contact")
    assert reverse("pathway:activity_edit", kwargs={"pk": activity.pk}) in content


# --- privacy ---------------------------------------------------------------------------------------
def test_pages_never_show_the_location(world, client_for):
    contact = assess(started(world), world["mentor"], ban=True, how_to_reach="Tel. 06-12345678, Dorpsstraat 1")
    services.do_grant_override(fetch(contact.pk), reason="Begeleid contact", expected_version=contact.version,
                               actor=world["gw"])
    services.do_add_attempt(fetch(contact.pk), date=TODAY(), way="phone", result="reached", actor=world["mentor"])
    location = world["location"]
    assert location.name and location.address
    client = client_for(world["gw"])
    urls = [reverse("fathers:overview", kwargs={"pk": world["pathway"].pk})] + [
        reverse(name, kwargs={"pk": contact.pk}) for name in ("fathers:contact", "fathers:attempt", "fathers:override")]
    for url in urls:
        content = client.get(url).content.decode()
        assert location.name not in content, url
        for line in location.address.splitlines():
            assert line.strip() not in content, url
    assert "06-12345678" in client.get(urls[1]).content.decode()


def test_reads_and_writes_are_audited_without_personal_data(world, client_for):
    contact = assess(started(world), world["mentor"], how_to_reach="Tel. 06-99999999",
                     assessment_notes="Vader was agressief")
    client_for(world["mentor"]).get(reverse("fathers:contact", kwargs={"pk": contact.pk}))
    events = AuditEvent.objects.filter(client_id=world["child"].pk)
    assert events.filter(action="read", object_type="fathers.fathercontact").exists()
    update = events.filter(action="update", object_type="fathers.fathercontact").last()
    assert "how_to_reach" in update.changed_fields and "assessment_notes" in update.changed_fields
    for event in events:
        assert "06-" not in event.detail and "agressief" not in event.detail and "Bos" not in event.detail
    # Stored encrypted.
    with connection.cursor() as cursor:
        cursor.execute("SELECT how_to_reach, assessment_notes FROM fathers_fathercontact WHERE id = %s", [contact.pk])
        raw = cursor.fetchone()
    assert "06-99999999" not in raw[0] and "agressief" not in raw[1]


# --- optimistic locking ----------------------------------------------------------------------------
def test_concurrent_edit_refused_with_input_kept(world, client_for):
    contact = assess(started(world), world["mentor"])
    url = reverse("fathers:contact", kwargs={"pk": contact.pk})
    base = {"assessed_on": (TODAY() - DAY).isoformat(), "suspected_perpetrator": "no", "risk_level": "low",
            "status": "not_yet", "version": contact.version}
    first = client_for(world["gw"]).post(url, {**base, "father_view": "Eerste versie van de visie"})
    assert first.status_code == 302
    second = client_for(world["mentor"]).post(url, {**base, "father_view": "Tweede, later getypte visie"})
    assert second.status_code == 200
    content = second.content.decode()
    assert "Someone else changed this record" in content
    assert "Tweede, later getypte visie" in content  # the typed input is kept
    assert "Currently stored values" in content and "Eerste versie van de visie" in content
    stored = fetch(contact.pk)
    assert stored.father_view == "Eerste versie van de visie"
    # Saving again (with the version the page now carries) goes through.
    third = client_for(world["mentor"]).post(url, {**base, "version": stored.version, "father_view": "Tweede"})
    assert third.status_code == 302 and fetch(contact.pk).father_view == "Tweede"


# --- query count, timeline, demo -------------------------------------------------------------------
def test_overview_queries_do_not_grow_with_the_number_of_fathers(world, client_for, django_assert_max_num_queries):
    client = client_for(world["mentor"])
    url = reverse("fathers:overview", kwargs={"pk": world["pathway"].pk})
    contact = assess(started(world), world["mentor"])
    services.do_add_attempt(contact, date=TODAY(), way="phone", result="not_reached", actor=world["mentor"])
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for name in ("Ali", "Bram"):
        father = add_father(world["household"], world["child"], first_name=name)
        other = assess(services.do_start_contact(world["pathway"], father, actor=world["mentor"]), world["mentor"])
        services.do_add_attempt(other, date=TODAY(), way="letter", result="not_reached", actor=world["mentor"])
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("data-father=") == 3


def test_timeline_entries(world):
    contact = assess(started(world), world["mentor"], ban=True)
    services.do_grant_override(fetch(contact.pk), reason="r", expected_version=contact.version, actor=world["gw"])
    services.do_add_attempt(fetch(contact.pk), date=TODAY(), way="phone", result="reached", actor=world["mentor"])
    with CaptureQueriesContext(connection) as ctx:
        entries = father_contact_entries(world["child"])
    assert len(ctx.captured_queries) <= 2
    # assessment, the reached attempt, the exception and the outcome "contacted"
    assert len(entries) == 4, [e.title for e in entries]
    assert {e.kind for e in entries} == {"father_contact"}
    assert all(e.url == reverse("fathers:contact", kwargs={"pk": contact.pk}) for e in entries)


def test_demo_seed_makes_the_three_cases_deterministically(db, org_a, location_a, staff):
    call_command("load_methodologies", verbosity=0)
    actor = staff(Role.MENTOR, org_a, username="demo_mentor")
    pathways = []
    for index in range(4):
        household = factories.HouseholdFactory(organisation=org_a)
        child = factories.PersonFactory(household=household)
        stay = factories.StayFactory(person=child, location=location_a, admission_date=TODAY() - 30 * DAY)
        if index < 2:
            add_father(household, child)
        pathways.append(create_pathway_for_stay(stay, actor=actor))
    counts = demo.seed(pathways, actor=actor, today=TODAY(), rng=random.Random(7))
    assert counts["fathers_added"] == 1 and counts["records"] == 3
    statuses = sorted(FatherContact.objects.values_list("status", flat=True))
    assert statuses == ["contacted", "no_contact", "not_yet"]
    ban = FatherContact.objects.get(status="no_contact")
    assert ban.contact_ban and ban.suspected_perpetrator == "yes" and ban.risk_level == "high"
    assert ban.no_contact_reason == NoContactReason.BAN and not ban.attempts.exists()
    assert FatherContact.objects.get(status="contacted").agreements
    assert list(FatherContact.objects.get(status="not_yet").attempts.values_list("result", flat=True)) == ["not_reached"]
