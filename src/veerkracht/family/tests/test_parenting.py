"""Activity 5: parenting and living situation."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import AuditEvent
from veerkracht.clients.models import PersonKind
from veerkracht.family import services
from veerkracht.family.models import ParentingAssessment
from veerkracht.pathway.models import ActivityStatus, Methodology, OrganisationMethodology
from veerkracht.pathway.services import create_pathway_for_stay
from veerkracht.testing import factories

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _activity(pathway, code):  # type: ignore[no-untyped-def]
    return pathway.activities.get(definition__code=code)


def _post(**extra):  # type: ignore[no-untyped-def]
    data = {"conversation_date": TODAY().isoformat(), "version": "0"}
    data.update(extra)
    return data


def test_at_least_one_topic_is_required(family, client_for):
    url = reverse("family:parenting", kwargs={"pk": family["pathway"].pk})
    response = client_for(family["user"]).post(url, _post())
    assert response.status_code == 200
    assert "Fill in at least one of the topics." in response.content.decode()
    assert not ParentingAssessment.objects.exists()
    with pytest.raises(ValidationError) as exc:
        services.do_save_parenting(family["pathway"], parent=None, conversation_date=TODAY(),
                                   topics={"health": "   "}, expected_version=0, actor=family["user"])
    assert "Fill in at least one of the topics." in exc.value.messages


def test_parent_must_be_a_parent_of_this_child(family, client_for, org_a):
    other_mother = factories.PersonFactory(household=factories.HouseholdFactory(organisation=org_a), kind=PersonKind.MOTHER)
    with pytest.raises(ValidationError) as exc:
        services.do_save_parenting(family["pathway"], parent=other_mother, conversation_date=TODAY(),
                                   topics={"health": "goed"}, expected_version=0, actor=family["user"])
    assert "Choose a parent of this child." in exc.value.messages
    # the child itself (or a sibling) is no parent either
    with pytest.raises(ValidationError):
        services.do_save_parenting(family["pathway"], parent=family["child"], conversation_date=TODAY(),
                                   topics={"health": "goed"}, expected_version=0, actor=family["user"])
    url = reverse("family:parenting", kwargs={"pk": family["pathway"].pk})
    response = client_for(family["user"]).post(url, _post(parent=other_mother.pk, health="goed"))
    assert response.status_code == 200
    assert not ParentingAssessment.objects.exists()
    # the father is a parent of the child and may be chosen
    response = client_for(family["user"]).post(url, _post(parent=family["father"].pk, health="goed"))
    assert response.status_code == 302
    assert ParentingAssessment.objects.get().parent == family["father"]


def test_save_is_encrypted_audited_and_moves_the_activity(family, client_for):
    pathway = family["pathway"]
    url = reverse("family:parenting", kwargs={"pk": pathway.pk})
    client = client_for(family["user"])
    response = client.post(url, _post(parent=family["mother"].pk, parenting_skills="Moeder zet grenzen met geduld",
                                       strengths="Warme band met oma"))
    assert response.status_code == 302
    assessment = ParentingAssessment.objects.get()
    assert assessment.parenting_skills == "Moeder zet grenzen met geduld"
    with connection.cursor() as cursor:
        cursor.execute("SELECT parenting_skills FROM family_parentingassessment")
        assert "geduld" not in cursor.fetchone()[0]
    event = AuditEvent.objects.get(action="create", object_type="family.parentingassessment")
    assert event.client_id == family["child"].pk
    assert {"parenting_skills", "strengths", "parent"} <= set(event.changed_fields)
    assert "geduld" not in event.detail and "Noor" not in event.detail
    assert _activity(pathway, "parenting").status == ActivityStatus.IN_PROGRESS
    # reading the page is logged and the stored text is shown; no location name on the page
    reads = AuditEvent.objects.filter(action="read", client_id=family["child"].pk).count()
    page = client.get(url)
    assert AuditEvent.objects.filter(action="read", client_id=family["child"].pk).count() == reads + 1
    content = page.content.decode()
    assert "Moeder zet grenzen met geduld" in content
    assert "De Linde" not in content


def test_completion_moves_the_activity_to_done_under_2012(family, client_for):
    pathway = family["pathway"]
    url = reverse("family:parenting", kwargs={"pk": pathway.pk})
    client = client_for(family["user"])
    assert 'name="completed_on"' in client.get(url).content.decode()
    response = client.post(url, _post(health="Gezond", completed_on=TODAY().isoformat()))
    assert response.status_code == 302
    activity = _activity(pathway, "parenting")
    assert activity.status == ActivityStatus.DONE and activity.completed_on == TODAY()


def test_completion_in_the_future_is_refused(family, client_for):
    url = reverse("family:parenting", kwargs={"pk": family["pathway"].pk})
    future = (TODAY() + datetime.timedelta(days=2)).isoformat()
    response = client_for(family["user"]).post(url, _post(health="Gezond", completed_on=future))
    assert response.status_code == 200
    assert "The completion date cannot lie in the future." in response.content.decode()
    assert not ParentingAssessment.objects.exists()
    assert _activity(family["pathway"], "parenting").status == ActivityStatus.OPEN


def test_under_2018_parenting_only_moves_exploration_to_in_progress(methodologies, org_a, location_a, client_for):
    OrganisationMethodology.objects.create(organisation=org_a, methodology=Methodology.objects.get(version="2018"))
    user = factories.make_staff(Role.MENTOR, org_a, username="m18")
    child = factories.PersonFactory(household=factories.HouseholdFactory(organisation=org_a))
    pathway = create_pathway_for_stay(factories.StayFactory(person=child, location=location_a), actor=user)
    url = reverse("family:parenting", kwargs={"pk": pathway.pk})
    client = client_for(user)
    assert 'name="completed_on"' not in client.get(url).content.decode()
    # even a completion date sent anyway does not complete the exploration task
    services.do_save_parenting(pathway, parent=None, conversation_date=TODAY(), topics={"housing": "Zoekt woning"},
                               completed_on=TODAY(), expected_version=0, actor=user)
    exploration = _activity(pathway, "exploration")
    assert exploration.status == ActivityStatus.IN_PROGRESS and exploration.completed_on is None


def test_concurrent_edit_is_refused_and_input_kept(family, client_for, staff, org_a):
    pathway = family["pathway"]
    services.do_save_parenting(pathway, parent=None, conversation_date=TODAY(), topics={"health": "Eerste versie"},
                               expected_version=0, actor=family["user"])
    other = staff(Role.KINDERWERKER, org_a, username="kw_other")
    services.do_save_parenting(pathway, parent=None, conversation_date=TODAY(), topics={"health": "Versie van collega"},
                               expected_version=1, actor=other)
    url = reverse("family:parenting", kwargs={"pk": pathway.pk})
    response = client_for(family["user"]).post(url, _post(health="Mijn getypte tekst", version="1"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Someone else changed this record" in content
    assert "Mijn getypte tekst" in content  # the typed input is kept
    assert "Versie van collega" in content  # the stored values are shown
    assert ParentingAssessment.objects.get().health == "Versie van collega"
    # saving again with the new version works
    response = client_for(family["user"]).post(url, _post(health="Mijn getypte tekst", version="2"))
    assert response.status_code == 302
    assert ParentingAssessment.objects.get().health == "Mijn getypte tekst"


def test_a_second_creation_is_a_concurrent_edit(family):
    services.do_save_parenting(family["pathway"], parent=None, conversation_date=TODAY(), topics={"health": "a"},
                               expected_version=0, actor=family["user"])
    from veerkracht.core.concurrency import ConcurrentEditError

    with pytest.raises(ConcurrentEditError):
        services.do_save_parenting(family["pathway"], parent=None, conversation_date=TODAY(), topics={"health": "b"},
                                   expected_version=0, actor=family["user"])
    assert ParentingAssessment.objects.get().health == "a"


def test_other_organisation_gets_404(family, client_for, org_b, staff):
    user_b = staff(Role.TEAMLEIDER, org_b, username="tl_b")
    url = reverse("family:parenting", kwargs={"pk": family["pathway"].pk})
    assert client_for(user_b).get(url).status_code == 404
    assert client_for(user_b).post(url, _post(health="x")).status_code == 404
    assert not ParentingAssessment.objects.exists()


def test_timeline_shows_the_conversation(family):
    from veerkracht.family.timeline import entries

    services.do_save_parenting(family["pathway"], parent=None, conversation_date=TODAY(), topics={"health": "geheim"},
                               expected_version=0, actor=family["user"])
    found = [e for e in entries(family["child"]) if e.kind == "parenting"]
    assert len(found) == 1 and found[0].date == TODAY()
    assert "geheim" not in found[0].title + found[0].detail
