"""Discharge closes the step plan with an outcome per open activity; the timeline; record progress."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import AuditEvent
from veerkracht.clients.models import Stay
from veerkracht.core.concurrency import ConcurrentEditError
from veerkracht.pathway import records, services
from veerkracht.pathway.models import (
    ActivityStatus,
    Methodology,
    OrganisationMethodology,
    Pathway,
    PathwayActivity,
)
from veerkracht.pathway.services import Outcome

from .test_pathway import activity, register, verified

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


@pytest.fixture
def worker(staff, org_a):  # type: ignore[no-untyped-def]
    return verified(staff(Role.KINDERWERKER, org_a, username="kw_d", first_name="Kim", last_name="Werker"))


@pytest.fixture
def child(methodologies, worker, location_a):  # type: ignore[no-untyped-def]
    return register(worker, location_a, admission=TODAY() - 40 * DAY)[0]


def _outcomes(child, **by_code):  # type: ignore[no-untyped-def]
    result = {}
    for a in PathwayActivity.objects.filter(pathway__stay__person=child).select_related("definition"):
        if a.definition.code in by_code:
            result[a.pk] = by_code[a.definition.code]
        elif not a.is_closed:
            result[a.pk] = Outcome(status=ActivityStatus.NOT_DONE, reason="stay ended early")
    return result


def test_discharge_closes_every_open_activity_and_leaves_a_summary(child, worker):
    intake = activity(child, "intake")
    services.do_update_activity(intake, status="done", completed_on=TODAY() - 35 * DAY,
                                expected_version=intake.version, actor=worker)
    stay = Stay.objects.get(person=child)
    pathway = services.do_discharge_child(
        stay, discharge_date=TODAY(), destination="own_home", expected_version=stay.version, actor=worker,
        outcomes=_outcomes(child, father_contact=Outcome(status="not_applicable", reason="father deceased"),
                           network=Outcome(status="done", completed_on=TODAY() - DAY)),
    )
    pathway.refresh_from_db()
    assert pathway.closed_on == TODAY()
    statuses = dict(pathway.activities.values_list("definition__code", "status"))
    assert statuses["intake"] == "done" and statuses["network"] == "done"
    assert statuses["father_contact"] == "not_applicable" and statuses["screening"] == "not_done"
    assert not pathway.activities.filter(status__in=["open", "in_progress"]).exists()
    summary = pathway.summary
    assert summary["done"] == 2 and summary["not_applicable"] == 1 and summary["not_done"] == 5
    assert summary["total"] == 8 and summary["destination"] == "own_home" and summary["days"] == 40
    assert summary["on_time"] == 1  # the intake, done within 7 days; the network was done late
    assert activity(child, "screening").reason == "stay ended early"
    stay.refresh_from_db()
    assert stay.discharge_date == TODAY() and stay.destination == "own_home"
    assert AuditEvent.objects.filter(detail="pathway closed at discharge", client_id=child.pk).count() == 1
    # A closed pathway can no longer be changed.
    with pytest.raises(ValidationError):
        a = activity(child, "screening")
        services.do_update_activity(a, status="done", expected_version=a.version, actor=worker)


def test_discharge_requires_an_outcome_and_reasons_and_saves_nothing_otherwise(child, worker):
    stay = Stay.objects.get(person=child)
    outcomes = _outcomes(child, intake=Outcome(status="not_done", reason="  "))
    del outcomes[activity(child, "network").pk]
    with pytest.raises(ValidationError) as exc:
        services.do_discharge_child(stay, discharge_date=TODAY(), destination="own_home", outcomes=outcomes,
                                    expected_version=stay.version, actor=worker)
    assert len(exc.value.messages) == 2
    stay.refresh_from_db()
    assert stay.discharge_date is None
    assert not PathwayActivity.objects.filter(pathway__stay=stay, status="not_done").exists()
    outcomes = _outcomes(child, intake=Outcome(status="done", completed_on=TODAY() + DAY))
    with pytest.raises(ValidationError):
        services.do_discharge_child(stay, discharge_date=TODAY(), destination="own_home", outcomes=outcomes,
                                    expected_version=stay.version, actor=worker)


def test_discharge_refused_when_an_activity_changed_meanwhile(child, worker):
    stay = Stay.objects.get(person=child)
    outcomes = _outcomes(child)
    seen = activity(child, "intake").version
    a = activity(child, "intake")
    services.do_update_activity(a, status="in_progress", expected_version=a.version, actor=worker)
    outcomes[a.pk] = Outcome(status="not_done", reason="x", version=seen)
    with pytest.raises(ConcurrentEditError):
        services.do_discharge_child(stay, discharge_date=TODAY(), destination="own_home", outcomes=outcomes,
                                    expected_version=stay.version, actor=worker)
    stay.refresh_from_db()
    assert stay.discharge_date is None  # all or nothing


def test_behavioural_scientist_cannot_discharge(child, staff, org_a):
    scientist = verified(staff(Role.GEDRAGSWETENSCHAPPER, org_a, username="gw_d"))
    stay = Stay.objects.get(person=child)
    with pytest.raises(PermissionDenied):
        services.do_discharge_child(stay, discharge_date=TODAY(), destination="own_home", outcomes=_outcomes(child),
                                    expected_version=stay.version, actor=scientist)


def test_discharge_page(child, worker, client_for):
    stay = Stay.objects.get(person=child)
    client = client_for(worker)
    # The stay's discharge link of a child goes to the page that closes the step plan.
    response = client.get(reverse("clients:discharge", kwargs={"pk": stay.pk}))
    assert response.status_code == 302 and response["Location"] == reverse("pathway:discharge", kwargs={"pk": stay.pk})
    page = client.get(reverse("pathway:discharge", kwargs={"pk": stay.pk}))
    assert page.status_code == 200
    assert page.content.decode().count("<fieldset data-activity=") == 8
    # Empty outcomes: the form comes back with a message per activity, nothing saved.
    data = {"discharge_date": TODAY().strftime("%d-%m-%Y"), "destination": "family", "version": stay.version}
    for a in PathwayActivity.objects.filter(pathway__stay=stay):
        data[f"a{a.pk}-version"] = a.version
    response = client.post(reverse("pathway:discharge", kwargs={"pk": stay.pk}), data)
    assert response.status_code == 200
    assert response.content.decode().count("Choose an outcome.") >= 8
    stay.refresh_from_db()
    assert stay.discharge_date is None
    for a in PathwayActivity.objects.filter(pathway__stay=stay):
        data[f"a{a.pk}-status"] = "not_done"
        data[f"a{a.pk}-reason"] = "moved abroad"
    response = client.post(reverse("pathway:discharge", kwargs={"pk": stay.pk}), data)
    assert response.status_code == 302
    stay.refresh_from_db()
    assert stay.discharge_date == TODAY() and stay.pathway.closed_on == TODAY()
    dossier = client.get(reverse("clients:dossier", kwargs={"pk": child.pk})).content.decode()
    assert "not done" in dossier


def test_discharge_page_keeps_choices_after_a_concurrent_change(child, worker, client_for):
    stay = Stay.objects.get(person=child)
    client = client_for(worker)
    data = {"discharge_date": TODAY().strftime("%d-%m-%Y"), "destination": "family", "version": stay.version}
    for a in PathwayActivity.objects.filter(pathway__stay=stay):
        data.update({f"a{a.pk}-version": a.version, f"a{a.pk}-status": "not_done", f"a{a.pk}-reason": "moved abroad"})
    other = activity(child, "screening")
    services.do_update_activity(other, status="in_progress", expected_version=other.version, actor=worker)
    response = client.post(reverse("pathway:discharge", kwargs={"pk": stay.pk}), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Someone else changed" in body and body.count("moved abroad") == 8
    stay.refresh_from_db()
    assert stay.discharge_date is None
    # Saving again (with the versions now in the form) goes through.
    again = {k: v for k, v in data.items()}
    for a in PathwayActivity.objects.filter(pathway__stay=stay):
        again[f"a{a.pk}-version"] = a.version
    assert client.post(reverse("pathway:discharge", kwargs={"pk": stay.pk}), again).status_code == 302


# --- records move the activity ------------------------------------------------------------------
def test_record_progress_2012_completes_and_2018_only_starts(child, worker, location_a, org_a):
    pathway = Pathway.objects.get(stay__person=child)
    assert records.completes_activity(pathway, records.NETWORK)
    records.do_record_progress(pathway, records.NETWORK, actor=worker)
    assert activity(child, "network").status == "in_progress"
    records.do_record_progress(pathway, records.NETWORK, completed_on=TODAY(), actor=worker)
    assert activity(child, "network").status == "done"
    OrganisationMethodology.objects.create(organisation=org_a, methodology=Methodology.objects.get(version="2018"))
    child_2018 = register(worker, location_a, admission=TODAY() - 3 * DAY)[0]
    pathway_2018 = Pathway.objects.get(stay__person=child_2018)
    assert not records.completes_activity(pathway_2018, records.NETWORK)
    records.do_record_progress(pathway_2018, records.NETWORK, completed_on=TODAY(), actor=worker)
    assert activity(child_2018, "exploration").status == "in_progress"
    assert [r.kind for r in records.records_for_activity("exploration")] == [
        records.FATHER_CONTACT, records.PARENTING, records.NETWORK, records.SCREENING]


# --- timeline ------------------------------------------------------------------------------------
def test_timeline_lists_what_happened_newest_first(child, worker, client_for, staff, org_b):
    intake = activity(child, "intake")
    services.do_update_activity(intake, status="done", completed_on=TODAY() - 30 * DAY,
                                expected_version=intake.version, actor=worker)
    response = client_for(worker).get(reverse("pathway:timeline", kwargs={"pk": child.pk}))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index("Intake for every child done") < body.index("Admitted")
    assert AuditEvent.objects.filter(detail="timeline", client_id=child.pk, action="read").count() == 1
    outsider = verified(staff(Role.TEAMLEIDER, org_b, username="tl_b_t"))
    assert client_for(outsider).get(reverse("pathway:timeline", kwargs={"pk": child.pk})).status_code == 404
