"""The Meldcode: one open track per child, steps in order, roles for weighing and decision,
the report to Veilig Thuis, scoping, audit and the page."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import AuditEvent
from veerkracht.meldcode import queries, services
from veerkracht.meldcode.models import MeldcodeStep, MeldcodeTrack
from veerkracht.pathway.timeline import timeline
from veerkracht.testing import factories

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
YES_ALL = {"q1_suspicion": True, "q2_unsafety": True, "q3_can_help": True, "q4_help_accepted": True,
           "q5_help_works": True}
NO_UNSAFETY = {**YES_ALL, "q2_unsafety": False}


def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def child(make_pathway):  # type: ignore[no-untyped-def]
    return make_pathway().stay.person


@pytest.fixture
def gw(staff, org_a):  # type: ignore[no-untyped-def]
    return staff(Role.GEDRAGSWETENSCHAPPER, org_a, username="gw_a", first_name="Gea", last_name="Wetenschap")


@pytest.fixture
def tl(staff, org_a):  # type: ignore[no-untyped-def]
    return staff(Role.TEAMLEIDER, org_a, username="tl_a")


def start(child, actor, signals="Kind schrikt van harde geluiden"):  # type: ignore[no-untyped-def]
    return services.do_start_track(child, signals=signals, source="signal", started_on=today() - 5 * DAY, actor=actor)


def to_step(track, upto, *, worker, gw, answers=None):  # type: ignore[no-untyped-def]
    """Take steps 2..upto."""
    if upto >= 2:
        services.do_take_step(track, number=2, date=today() - 4 * DAY, consulted_with="Collega Els",
                              consulted_veilig_thuis=True, notes="Overleg", actor=worker)
    if upto >= 3:
        services.do_take_step(track, number=3, date=today() - 3 * DAY, notes="Gesprek met moeder", actor=worker)
    if upto >= 4:
        services.do_take_step(track, number=4, date=today() - 2 * DAY, answers=answers or YES_ALL, actor=gw)


# --- one open track per child -------------------------------------------------------------------
def test_start_creates_the_track_with_step_1(child, worker):
    track = start(child, worker)
    step = MeldcodeStep.objects.get(track=track)
    assert (step.number, step.notes, step.taken_by, step.date) == (1, "Kind schrikt van harde geluiden", worker,
                                                                   today() - 5 * DAY)
    assert track.is_open and track.started_by == worker


def test_one_open_track_per_child_and_a_new_one_after_closing(child, worker, gw):
    track = start(child, worker)
    with pytest.raises(ValidationError, match="already has an open"):
        start(child, worker)
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses it too
        MeldcodeTrack.objects.create(person=child, started_on=today(), source="other")
    to_step(track, 4, worker=worker, gw=gw, answers=NO_UNSAFETY)
    services.do_take_step(track, number=5, date=today() - DAY, decision="help", actor=gw)
    track.refresh_from_db()
    assert track.closed_on == today() - DAY
    second = start(child, worker)
    assert second.pk != track.pk and MeldcodeTrack.objects.filter(person=child).count() == 2


def test_signals_are_required_and_only_for_children(child, worker):
    with pytest.raises(ValidationError):
        start(child, worker, signals="  ")
    mother = factories.PersonFactory(household=child.household, kind="mother", birth_date=datetime.date(1990, 1, 1))
    with pytest.raises(ValidationError):
        start(mother, worker)
    assert not MeldcodeTrack.objects.exists()


# --- order and roles --------------------------------------------------------------------------
def test_steps_are_taken_in_order(child, worker, gw):
    track = start(child, worker)
    with pytest.raises(ValidationError, match="next step of this track is step 2"):
        services.do_take_step(track, number=3, date=today(), notes="Te vroeg", actor=worker)
    to_step(track, 2, worker=worker, gw=gw)
    with pytest.raises(ValidationError, match="step 3"):
        services.do_take_step(track, number=2, date=today(), consulted_with="Nog eens", actor=worker)
    with pytest.raises(ValidationError, match="before the date of the previous step"):
        services.do_take_step(track, number=3, date=today() - 10 * DAY, actor=worker)
    with pytest.raises(ValidationError, match="future"):
        services.do_take_step(track, number=3, date=today() + DAY, actor=worker)
    assert list(track.steps.values_list("number", flat=True)) == [1, 2]


@pytest.mark.parametrize("role", [Role.KINDERWERKER, Role.MENTOR])
def test_weighing_and_decision_only_by_behavioural_scientist_or_team_leader(child, worker, gw, tl, staff, org_a,
                                                                            role):
    track = start(child, worker)
    to_step(track, 3, worker=worker, gw=gw)
    other = staff(role, org_a, username=f"other_{role}")
    with pytest.raises(PermissionDenied):
        services.do_take_step(track, number=4, date=today(), answers=YES_ALL, actor=other)
    services.do_take_step(track, number=4, date=today(), answers=YES_ALL, actor=gw)
    with pytest.raises(PermissionDenied):
        services.do_take_step(track, number=5, date=today(), decision="report", report_date=today(),
                              report_reference="VT-1", actor=other)
    services.do_take_step(track, number=5, date=today(), decision="report", report_date=today(),
                          report_reference="VT-1", actor=tl)
    assert MeldcodeTrack.objects.get(pk=track.pk).closed_on == today()


def test_steps_need_an_editor_of_the_own_organisation(child, worker, staff, org_b):
    with pytest.raises(PermissionDenied):
        start(child, staff(Role.TEAMLEIDER, org_b))
    track = start(child, worker)
    with pytest.raises(PermissionDenied):
        services.do_take_step(track, number=2, date=today(), consulted_with="x", actor=staff(Role.KINDERWERKER, org_b))


# --- weighing and decision ------------------------------------------------------------------------
def test_all_questions_answered_unless_no_suspicion(child, worker, gw):
    track = start(child, worker)
    to_step(track, 3, worker=worker, gw=gw)
    with pytest.raises(ValidationError, match="question 1"):
        services.do_take_step(track, number=4, date=today(), answers={}, actor=gw)
    with pytest.raises(ValidationError, match="questions 3, 5"):
        services.do_take_step(track, number=4, date=today(), actor=gw,
                              answers={"q1_suspicion": True, "q2_unsafety": False, "q4_help_accepted": True})
    step = services.do_take_step(track, number=4, date=today(), answers={"q1_suspicion": False}, actor=gw)
    assert step.q1_suspicion is False and step.q2_unsafety is None


def test_unsafety_requires_a_report_to_veilig_thuis(child, worker, gw):
    track = start(child, worker)
    to_step(track, 4, worker=worker, gw=gw, answers=YES_ALL)  # question 2: yes
    for decision in ("help", "close"):
        with pytest.raises(ValidationError, match="report to Veilig Thuis is required"):
            services.do_take_step(track, number=5, date=today(), decision=decision, actor=gw)
    assert MeldcodeTrack.objects.get(pk=track.pk).is_open
    step = services.do_take_step(track, number=5, date=today(), decision="report_and_help", report_date=today(),
                                 report_reference="VT-2026-0042", actor=gw)
    assert step.report_reference == "VT-2026-0042" and step.reported


def test_a_report_needs_its_date_and_reference(child, worker, gw):
    track = start(child, worker)
    to_step(track, 4, worker=worker, gw=gw, answers=NO_UNSAFETY)
    with pytest.raises(ValidationError) as exc:
        services.do_take_step(track, number=5, date=today(), decision="report", actor=gw)
    text = " ".join(exc.value.messages)
    assert "reference" in text and "date of the report" in text
    assert MeldcodeTrack.objects.get(pk=track.pk).is_open


def test_closing_without_action_only_without_suspicion(child, worker, gw):
    track = start(child, worker)
    to_step(track, 4, worker=worker, gw=gw, answers=NO_UNSAFETY)
    with pytest.raises(ValidationError, match="no suspicion"):
        services.do_take_step(track, number=5, date=today(), decision="close", actor=gw)
    other_child = start(factories.PersonFactory(household=child.household), worker)
    to_step(other_child, 3, worker=worker, gw=gw)
    services.do_take_step(other_child, number=4, date=today(), answers={"q1_suspicion": False}, actor=gw)
    services.do_take_step(other_child, number=5, date=today(), decision="close", actor=gw)
    assert MeldcodeTrack.objects.get(pk=other_child.pk).closed_on == today()


def test_no_step_after_closing(child, worker, gw):
    track = start(child, worker)
    to_step(track, 4, worker=worker, gw=gw, answers=NO_UNSAFETY)
    services.do_take_step(track, number=5, date=today(), decision="help", actor=gw)
    with pytest.raises(ValidationError, match="closed"):
        services.do_take_step(track, number=5, date=today(), decision="help", actor=gw)


# --- audit ----------------------------------------------------------------------------------------
def test_audit_names_the_step_never_the_notes(child, worker, gw):
    track = start(child, worker, signals="Geheim signaal")
    to_step(track, 4, worker=worker, gw=gw, answers=NO_UNSAFETY)
    services.do_take_step(track, number=5, date=today(), decision="report", report_date=today(),
                          report_reference="VT-9", actor=gw)
    steps = AuditEvent.objects.filter(object_type="meldcode.meldcodestep", action="create").order_by("id")
    assert [e.detail for e in steps] == ["meldcode step 1", "meldcode step 2", "meldcode step 3", "meldcode step 4",
                                         "meldcode step 5: report"]
    assert all(e.client_id == child.pk for e in steps)
    assert steps.last().user_id == gw.pk
    assert AuditEvent.objects.filter(object_type="meldcode.meldcodetrack", action="create").count() == 1
    assert AuditEvent.objects.filter(object_type="meldcode.meldcodetrack", action="update",
                                     detail="meldcode track closed").count() == 1
    for e in AuditEvent.objects.all():
        assert "Geheim" not in e.detail and "VT-9" not in e.detail


# --- queries and scoping ------------------------------------------------------------------------------
def test_open_tracks_count_is_scoped(child, worker, staff, org_b, gw):
    start(child, worker)
    worker.is_verified = lambda: True  # as after the second factor
    assert queries.open_tracks_count(worker) == 1
    other = staff(Role.TEAMLEIDER, org_b)
    other.is_verified = lambda: True
    assert queries.open_tracks_count(other) == 0
    unverified = staff(Role.TEAMLEIDER, child.organisation)
    assert queries.open_tracks_count(unverified) == 0  # no second factor, no client data


def test_another_organisation_gets_404(child, worker, staff, org_b, client_for):
    start(child, worker)
    for role in (Role.TEAMLEIDER, Role.GEDRAGSWETENSCHAPPER, Role.KINDERWERKER):
        client = client_for(staff(role, org_b))
        for name in ("meldcode:track", "meldcode:start"):
            url = reverse(name, args=[child.pk])
            assert client.get(url).status_code == 404
            assert client.post(url, {"signals": "x", "number": 2, "date": today().isoformat()}).status_code == 404
    assert MeldcodeStep.objects.count() == 1


# --- screens --------------------------------------------------------------------------------------------
def test_start_page_and_steps_through_the_page(child, worker, gw, client_for, location_a):
    client = client_for(worker)
    response = client.post(reverse("meldcode:start", args=[child.pk]), {
        "started_on": today().isoformat(), "source": "signal", "signals": "Zegt dat papa boos was",
    })
    assert response.status_code == 302 and response["Location"] == reverse("meldcode:track", args=[child.pk])
    url = reverse("meldcode:track", args=[child.pk])
    html = client.get(url).content.decode()
    assert "Zegt dat papa boos was" in html and "Record step 2" in html and location_a.name not in html
    # bad input: the form comes back with the message, nothing saved
    response = client.post(url, {"number": 2, "date": today().isoformat()})
    assert response.status_code == 200 and "Consulted with" in response.content.decode()
    assert MeldcodeStep.objects.count() == 1
    assert client.post(url, {"number": 2, "date": today().isoformat(), "consulted_with": "Collega Jan",
                             "consulted_veilig_thuis": "on"}).status_code == 302
    assert client.post(url, {"number": 3, "date": today().isoformat(), "notes": "Gesprek"}).status_code == 302
    # step 4 is not the child worker's: no form, and a POST is refused
    html = client.get(url).content.decode()
    assert 'data-waiting-for="4"' in html and 'name="q1_suspicion"' not in html
    assert client.post(url, {"number": 4, "date": today().isoformat(), "q1_suspicion": "no"}).status_code == 403
    gw_client = client_for(gw)
    assert 'name="q1_suspicion"' in gw_client.get(url).content.decode()
    assert gw_client.post(url, {"number": 4, "date": today().isoformat(), **{
        "q1_suspicion": "yes", "q2_unsafety": "yes", "q3_can_help": "yes", "q4_help_accepted": "no",
        "q5_help_works": "no"}}).status_code == 302
    response = gw_client.post(url, {"number": 5, "date": today().isoformat(), "decision": "help"})
    assert response.status_code == 200
    assert "a report to Veilig Thuis is required" in response.content.decode()
    assert gw_client.post(url, {"number": 5, "date": today().isoformat(), "decision": "report",
                                "report_date": today().isoformat(), "report_reference": "VT-77"}).status_code == 302
    html = gw_client.get(url).content.decode()
    assert 'data-state="closed"' in html and "VT-77" in html and "Gea Wetenschap" in html
    assert MeldcodeTrack.objects.get(person=child).closed_on == today()


def test_a_stale_step_form_is_refused(child, worker, client_for):
    start(child, worker)
    client = client_for(worker)
    url = reverse("meldcode:track", args=[child.pk])
    client.post(url, {"number": 2, "date": today().isoformat(), "consulted_with": "A"})
    response = client.post(url, {"number": 2, "date": today().isoformat(), "consulted_with": "B"})
    # the page now offers step 3; the stale step-2 form is rejected with the order message
    assert response.status_code == 200
    assert "next step of this track is step 3" in response.content.decode()
    assert MeldcodeStep.objects.filter(number=2).count() == 1


def test_start_refused_while_a_track_is_open(child, worker, client_for):
    start(child, worker)
    response = client_for(worker).post(reverse("meldcode:start", args=[child.pk]), {
        "started_on": today().isoformat(), "source": "other", "signals": "Nog een signaal",
    })
    assert response.status_code == 200 and "already has an open" in response.content.decode()
    assert MeldcodeTrack.objects.count() == 1


def test_reading_is_logged(child, worker, client_for):
    client_for(worker).get(reverse("meldcode:track", args=[child.pk]))
    assert AuditEvent.objects.filter(action="read", client_id=child.pk, object_type="meldcode.meldcodetrack").exists()


def test_timeline_entries(child, worker, gw):
    track = start(child, worker)
    to_step(track, 4, worker=worker, gw=gw, answers=YES_ALL)
    services.do_take_step(track, number=5, date=today() - DAY, decision="report", report_date=today() - DAY,
                          report_reference="VT-5", actor=gw)
    entries = [e for e in timeline(child) if e.kind.startswith("meldcode")]
    titles = sorted(e.title for e in entries)
    assert "Meldcode step 2: consultation" in titles
    assert "Report to Veilig Thuis" in titles
    assert len(entries) == 6
    assert all("VT-5" not in e.detail for e in entries)


def test_page_queries_do_not_grow_with_tracks(child, worker, gw, client_for, django_assert_max_num_queries):
    for _ in range(3):
        track = start(child, worker)
        to_step(track, 4, worker=worker, gw=gw, answers=NO_UNSAFETY)
        services.do_take_step(track, number=5, date=today() - DAY, decision="help", actor=gw)
    to_step(start(child, worker), 2, worker=worker, gw=gw)
    client = client_for(gw)
    url = reverse("meldcode:track", args=[child.pk])
    client.get(url)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200
