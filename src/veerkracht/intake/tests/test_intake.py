"""The intake for every child: age-appropriate form, rules, activity progress, Meldcode, locking, audit."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import AuditEvent
from veerkracht.intake import services
from veerkracht.intake.models import IntakeForm, IntakeRecord, form_for_age
from veerkracht.meldcode.models import MeldcodeStep, MeldcodeTrack
from veerkracht.pathway.models import PathwayActivity
from veerkracht.pathway.timeline import timeline

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def today() -> datetime.date:
    return timezone.localdate()


def years_before(date: datetime.date, years: int) -> datetime.date:
    """The date ``years`` years before ``date`` (28 February for a 29 February)."""
    try:
        return date.replace(year=date.year - years)
    except ValueError:
        return date.replace(year=date.year - years, day=28)


def save(pathway, actor, **kwargs):  # type: ignore[no-untyped-def]
    options = {k: kwargs.pop(k) for k in ("expected_version", "start_meldcode", "completed_on") if k in kwargs}
    kwargs.setdefault("conversation_date", today() - DAY)
    return services.do_save_intake(pathway, data=services.IntakeData(**kwargs), actor=actor, **options)


def intake_activity(pathway):  # type: ignore[no-untyped-def]
    return PathwayActivity.objects.get(pathway=pathway, definition__code="intake")


# --- the form follows the age ---------------------------------------------------------------
def test_age_bands():
    assert [form_for_age(a) for a in (0, 3, 4, 11, 12, 17)] == [
        IntakeForm.OBSERVATION, IntakeForm.OBSERVATION, IntakeForm.CONVERSATION, IntakeForm.CONVERSATION,
        IntakeForm.INTERVIEW, IntakeForm.INTERVIEW,
    ]


@pytest.mark.parametrize(
    ("years", "birthday_passed", "expected"),
    [
        (4, False, IntakeForm.OBSERVATION),  # still 3 on the date of the conversation
        (4, True, IntakeForm.CONVERSATION),  # 4 on that very day
        (12, False, IntakeForm.CONVERSATION),  # still 11
        (12, True, IntakeForm.INTERVIEW),  # 12
    ],
)
def test_age_on_the_conversation_date_decides_the_form(make_pathway, worker, years, birthday_passed, expected):
    conversation = today() - 2 * DAY
    birth = years_before(conversation, years) + (0 * DAY if birthday_passed else DAY)
    pathway = make_pathway(birth_date=birth)
    intake = save(pathway, worker, conversation_date=conversation)
    assert intake.form_used == expected


def test_page_explains_the_form_and_adapts_labels(make_pathway, worker, client_for):
    toddler = make_pathway(birth_date=years_before(today(), 2))
    html = client_for(worker).get(reverse("intake:edit", args=[toddler.pk])).content.decode()
    assert 'data-form-used="observation"' in html
    assert "What the child shows and seems to need (observed)" in html
    assert "in its own words" not in html
    teenager = make_pathway(birth_date=years_before(today(), 14))
    html = client_for(worker).get(reverse("intake:edit", args=[teenager.pk])).content.decode()
    assert 'data-form-used="interview"' in html
    assert "in their own words" in html


# --- rules ------------------------------------------------------------------------------------
def test_other_exposure_requires_a_description(make_pathway, worker, client_for):
    pathway = make_pathway()
    with pytest.raises(ValidationError):
        save(pathway, worker, other_exposure=True)
    response = client_for(worker).post(reverse("intake:edit", args=[pathway.pk]), {
        "conversation_date": (today() - DAY).isoformat(), "conducted_by": worker.pk, "other_exposure": "on",
    })
    assert response.status_code == 200
    assert "Describe the other exposure to violence." in response.content.decode()
    assert not IntakeRecord.objects.exists()
    intake = save(pathway, worker, other_exposure=True, other_exposure_text="Politie aan de deur")
    assert intake.other_exposure_text == "Politie aan de deur"


def test_conversation_date_not_in_future_nor_before_admission(make_pathway, worker):
    pathway = make_pathway(admission=today() - 5 * DAY)
    with pytest.raises(ValidationError, match="future"):
        save(pathway, worker, conversation_date=today() + DAY)
    with pytest.raises(ValidationError, match="before the admission"):
        save(pathway, worker, conversation_date=today() - 6 * DAY)
    assert not IntakeRecord.objects.exists()


def test_only_editors_of_the_own_organisation_may_save(make_pathway, staff, org_a, org_b):
    pathway = make_pathway()
    with pytest.raises(PermissionDenied):
        save(pathway, staff(Role.FUNCTIONEEL_BEHEERDER, org_a))
    with pytest.raises(PermissionDenied):
        save(pathway, staff(Role.TEAMLEIDER, org_b))
    other_worker = staff(Role.KINDERWERKER, org_b)
    with pytest.raises(ValidationError, match="own organisation"):
        save(pathway, staff(Role.KINDERWERKER, org_a), conducted_by=other_worker)


# --- the step plan ---------------------------------------------------------------------------
def test_saving_moves_the_intake_activity_and_completion_makes_it_done(make_pathway, worker):
    pathway = make_pathway()
    assert pathway.methodology.version == "2012"
    intake = save(pathway, worker, how_child_is_doing="Slaapt slecht")
    assert intake_activity(pathway).status == "in_progress"
    save(pathway, worker, expected_version=intake.version, completed_on=today() - DAY)
    activity = intake_activity(pathway)
    assert (activity.status, activity.completed_on) == ("done", today() - DAY)


def test_completion_through_the_page(make_pathway, worker, client_for):
    pathway = make_pathway()
    client = client_for(worker)
    html = client.get(reverse("intake:edit", args=[pathway.pk])).content.decode()
    assert 'name="completed_on"' in html
    response = client.post(reverse("intake:edit", args=[pathway.pk]), {
        "conversation_date": (today() - DAY).isoformat(), "conducted_by": worker.pk,
        "child_own_words": "Ik wil naar mijn eigen school", "completed_on": (today() - DAY).isoformat(),
    })
    assert response.status_code == 302
    assert intake_activity(pathway).status == "done"
    assert IntakeRecord.objects.get(pathway=pathway).child_own_words == "Ik wil naar mijn eigen school"


# --- Meldcode -----------------------------------------------------------------------------------
def test_a_concern_at_the_intake_starts_the_meldcode_track_with_step_1(make_pathway, worker, client_for):
    pathway = make_pathway()
    person = pathway.stay.person
    url = reverse("intake:edit", args=[pathway.pk])
    client = client_for(worker)
    response = client.post(url, {
        "conversation_date": (today() - DAY).isoformat(), "conducted_by": worker.pk, "start_meldcode": "on",
    })
    assert response.status_code == 200 and not MeldcodeTrack.objects.exists()  # no concern, no track
    assert not IntakeRecord.objects.exists()
    response = client.post(url, {
        "conversation_date": (today() - DAY).isoformat(), "conducted_by": worker.pk,
        "safety_concerns": "Blauwe plekken op de armen", "start_meldcode": "on",
    })
    assert response.status_code == 302
    track = MeldcodeTrack.objects.get(person=person)
    assert (track.source, track.started_on, track.is_open) == ("intake", today() - DAY, True)
    step = MeldcodeStep.objects.get(track=track)
    assert (step.number, step.notes, step.taken_by) == (1, "Blauwe plekken op de armen", worker)
    # with an open track the page links to it instead of offering a second one
    html = client.get(url).content.decode()
    assert 'name="start_meldcode"' not in html
    assert reverse("meldcode:track", args=[person.pk]) in html


# --- optimistic locking ----------------------------------------------------------------------
def test_concurrent_edit_is_refused_and_the_input_kept(make_pathway, worker, staff, org_a, client_for):
    pathway = make_pathway()
    intake = save(pathway, worker, how_child_is_doing="Eerste versie")
    stale = intake.version
    colleague = staff(Role.MENTOR, org_a, username="mentor_a")
    save(pathway, colleague, how_child_is_doing="Versie van de collega", expected_version=stale)
    response = client_for(worker).post(reverse("intake:edit", args=[pathway.pk]), {
        "conversation_date": (today() - DAY).isoformat(), "conducted_by": worker.pk,
        "how_child_is_doing": "Mijn getypte tekst", "version": stale,
    })
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else changed this record" in html
    assert "Mijn getypte tekst" in html  # the typed input is kept
    assert "Versie van de collega" in html  # the currently stored values are shown
    assert IntakeRecord.objects.get(pathway=pathway).how_child_is_doing == "Versie van de collega"


def test_a_second_first_save_is_refused(make_pathway, worker):
    pathway = make_pathway()
    save(pathway, worker)
    with pytest.raises(Exception, match="Someone else"):
        save(pathway, worker, how_child_is_doing="Zonder versie")


# --- scoping, audit, timeline, queries ------------------------------------------------------------
def test_another_organisation_gets_404(make_pathway, staff, org_b, client_for):
    pathway = make_pathway()
    for role in (Role.TEAMLEIDER, Role.KINDERWERKER, Role.GEDRAGSWETENSCHAPPER):
        user = staff(role, org_b)
        url = reverse("intake:edit", args=[pathway.pk])
        assert client_for(user).get(url).status_code == 404
        assert client_for(user).post(url, {"conversation_date": today().isoformat()}).status_code == 404
    assert not IntakeRecord.objects.exists()


def test_audit_rows_without_personal_text(make_pathway, worker, client_for):
    pathway = make_pathway()
    person = pathway.stay.person
    client_for(worker).get(reverse("intake:edit", args=[pathway.pk]))
    assert AuditEvent.objects.filter(action="read", client_id=person.pk, object_type="pathway.pathway").exists()
    intake = save(pathway, worker, child_own_words="Geheime woorden", safety_concerns="Zorg")
    event = AuditEvent.objects.get(action="create", object_type="intake.intakerecord")
    assert (event.client_id, event.object_id, event.user_id) == (person.pk, str(intake.pk), worker.pk)
    assert "child_own_words" in event.changed_fields
    save(pathway, worker, child_own_words="Andere woorden", expected_version=intake.version)
    update = AuditEvent.objects.get(action="update", object_type="intake.intakerecord")
    assert update.changed_fields == ["child_own_words", "safety_concerns"]
    for e in AuditEvent.objects.all():
        assert "Geheime" not in e.detail and "Andere" not in e.detail and person.last_name not in e.detail


def test_no_location_on_the_page(make_pathway, worker, client_for, location_a):
    pathway = make_pathway()
    html = client_for(worker).get(reverse("intake:edit", args=[pathway.pk])).content.decode()
    assert location_a.name not in html


def test_timeline_entry(make_pathway, worker):
    pathway = make_pathway(birth_date=years_before(today(), 6))
    save(pathway, worker, conversation_date=today() - 3 * DAY)
    entries = [e for e in timeline(pathway.stay.person) if e.kind == "intake"]
    assert len(entries) == 1
    assert entries[0].date == today() - 3 * DAY
    assert entries[0].url == reverse("intake:edit", args=[pathway.pk])


def test_page_queries_are_bounded(make_pathway, worker, client_for, django_assert_max_num_queries):
    pathway = make_pathway()
    save(pathway, worker, other_exposure=True, other_exposure_text="x", safety_concerns="y", start_meldcode=True)
    client = client_for(worker)
    client.get(reverse("intake:edit", args=[pathway.pk]))
    with django_assert_max_num_queries(30):
        assert client.get(reverse("intake:edit", args=[pathway.pk])).status_code == 200
