"""The child's pathway: creation, deadlines, updates, step plan, worklist, scoping, query counts."""

from __future__ import annotations

import datetime
import itertools
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import AuditEvent
from veerkracht.clients import services as client_services
from veerkracht.clients.models import PersonKind
from veerkracht.core.concurrency import ConcurrentEditError
from veerkracht.pathway import queries, services
from veerkracht.pathway.methodology import DIRECTORY, load_file
from veerkracht.pathway.models import (
    DeadlineOverride,
    Methodology,
    OrganisationMethodology,
    Pathway,
    PathwayActivity,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


_families = itertools.count(1)


def register(actor, location, *, admission, children=1, child_worker=None):  # type: ignore[no-untyped-def]
    family = f"Visser{next(_families)}"
    reg = client_services.Registration(
        location=location, care_type="24h", admission_date=admission, reason="domestic_violence",
        parent=client_services.ParentData(first_name="Anna", last_name=family, birth_date=datetime.date(1990, 1, 1)),
        children=[
            client_services.ChildData(first_name=f"Kind{i}", last_name=family, birth_date=datetime.date(2016, 1, 1 + i),
                                      child_worker=child_worker)
            for i in range(children)
        ],
    )
    household = client_services.do_register_household(reg, actor=actor)
    return list(household.members.filter(kind=PersonKind.CHILD).order_by("pk"))


def verified(user):  # type: ignore[no-untyped-def]
    """As after the second factor (what the OTP middleware gives a request's user)."""
    user.is_verified = lambda: True
    return user


def activity(child, code):  # type: ignore[no-untyped-def]
    return PathwayActivity.objects.select_related("definition", "pathway__stay__person").get(
        pathway__stay__person=child, definition__code=code)


@pytest.fixture
def worker(staff, org_a):  # type: ignore[no-untyped-def]
    return staff(Role.KINDERWERKER, org_a, username="kw_a", first_name="Kim", last_name="Werker")


# --- creation and deadlines -----------------------------------------------------------------
def test_registration_creates_a_pathway_per_child_with_default_deadlines(methodologies, worker, location_a):
    admission = TODAY() - 10 * DAY
    children = register(worker, location_a, admission=admission, children=2)
    assert Pathway.objects.count() == 2  # the mother gets none
    for child in children:
        pathway = Pathway.objects.get(stay__person=child)
        assert pathway.methodology.version == "2012"
        due = dict(pathway.activities.values_list("definition__code", "due_date"))
        assert due["intake"] == admission + 7 * DAY
        assert due["father_contact"] == admission + 14 * DAY
        assert due["screening"] == admission + 21 * DAY
        assert due["action_plan"] == admission + 42 * DAY  # 21 days after the screening's deadline
        assert AuditEvent.objects.filter(object_type="pathway.pathway", client_id=child.pk, action="create").exists()


def test_without_loaded_methodology_registration_still_works(worker, location_a):
    register(worker, location_a, admission=TODAY())
    assert Pathway.objects.count() == 0


def test_admit_creates_a_new_pathway(methodologies, worker, location_a):
    (child,) = register(worker, location_a, admission=TODAY() - 30 * DAY)
    stay = child.stays.get()
    client_services.do_discharge(stay, discharge_date=TODAY() - 5 * DAY, destination="own_home",
                                 expected_version=stay.version, actor=worker)
    new_stay = client_services.do_admit(child, location=location_a, care_type="24h", admission_date=TODAY(),
                                        reason="domestic_violence", actor=worker)
    assert new_stay.pathway.activities.get(definition__code="intake").due_date == TODAY() + 7 * DAY
    assert Pathway.objects.filter(stay__person=child).count() == 2


def test_deadline_override_applies_to_new_pathways_only(methodologies, worker, location_a, org_a):
    (first,) = register(worker, location_a, admission=TODAY() - 3 * DAY)
    intake = Methodology.objects.get(is_default=True).activities.get(code="intake")
    DeadlineOverride.objects.create(organisation=org_a, activity_definition=intake, days=3)
    (second,) = register(worker, location_a, admission=TODAY() - 3 * DAY)
    assert activity(first, "intake").due_date == TODAY() + 4 * DAY
    assert activity(second, "intake").due_date == TODAY()
    # a dependent deadline counts from the overridden one
    screening = Methodology.objects.get(is_default=True).activities.get(code="screening")
    DeadlineOverride.objects.create(organisation=org_a, activity_definition=screening, days=10)
    (third,) = register(worker, location_a, admission=TODAY() - 3 * DAY)
    assert activity(third, "action_plan").due_date == TODAY() - 3 * DAY + 31 * DAY


def test_methodology_version_change_mid_stay_keeps_running_pathways(methodologies, worker, location_a, org_a):
    (running,) = register(worker, location_a, admission=TODAY() - 20 * DAY)
    before = dict(PathwayActivity.objects.filter(pathway__stay__person=running).values_list("definition__code", "due_date"))
    OrganisationMethodology.objects.create(organisation=org_a, methodology=Methodology.objects.get(version="2018"))
    (new,) = register(worker, location_a, admission=TODAY())
    running_pathway = Pathway.objects.get(stay__person=running)
    assert running_pathway.methodology.version == "2012"
    assert dict(running_pathway.activities.values_list("definition__code", "due_date")) == before
    new_pathway = Pathway.objects.get(stay__person=new)
    assert new_pathway.methodology.version == "2018"
    assert new_pathway.activities.count() == 5
    assert new_pathway.activities.get(definition__code="plan_guidance").due_date == TODAY() + 42 * DAY
    # a newer default version loaded later does not touch either pathway
    data = DIRECTORY / "veerkracht-2012.json"


    changed = json.loads(data.read_text())
    changed["version"] = "2012.2"
    changed["activities"][0]["deadline"]["days"] = 1
    tmp = data.parent / "__test_tmp__.json"
    try:
        tmp.write_text(json.dumps(changed))
        load_file(tmp)
    finally:
        tmp.unlink()
    assert dict(Pathway.objects.get(stay__person=running).activities.values_list("definition__code", "due_date")) == before


# --- updates ----------------------------------------------------------------------------------
def test_dependent_deadline_follows_the_completed_predecessor(methodologies, worker, location_a):
    (child,) = register(worker, location_a, admission=TODAY() - 15 * DAY)
    screening = activity(child, "screening")
    assert activity(child, "action_plan").due_date == TODAY() - 15 * DAY + 42 * DAY
    services.do_update_activity(screening, status="in_progress", expected_version=screening.version, actor=worker)
    assert activity(child, "action_plan").due_date == TODAY() - 15 * DAY + 42 * DAY
    screening = activity(child, "screening")
    services.do_update_activity(screening, status="done", completed_on=TODAY() - 2 * DAY,
                                expected_version=screening.version, actor=worker)
    assert activity(child, "action_plan").due_date == TODAY() - 2 * DAY + 21 * DAY
    event = AuditEvent.objects.filter(object_type="pathway.pathwayactivity", action="update").latest("id")
    assert event.client_id == child.pk and "status" in event.changed_fields and "completed_on" in event.changed_fields
    # reopened: the deadline counts from the predecessor's deadline again
    screening = activity(child, "screening")
    services.do_update_activity(screening, status="open", expected_version=screening.version, actor=worker)
    assert activity(child, "action_plan").due_date == TODAY() - 15 * DAY + 42 * DAY
    assert activity(child, "screening").completed_on is None


def test_step_plan_shows_an_overdue_activity_that_is_in_progress_as_both(methodologies, worker, location_a,
                                                                         client_for):
    (child,) = register(worker, location_a, admission=TODAY() - 15 * DAY)
    intake = activity(child, "intake")
    services.do_update_activity(intake, status="in_progress", expected_version=intake.version, actor=worker)
    html = client_for(worker).get(reverse("clients:dossier", args=[child.pk])).content.decode()
    row = html.split('data-activity="intake"', 1)[1].split("</tr>", 1)[0]
    assert ">overdue<" in row and ">in progress<" in row


def test_not_applicable_requires_a_reason(methodologies, worker, location_a):
    (child,) = register(worker, location_a, admission=TODAY())
    father = activity(child, "father_contact")
    with pytest.raises(ValidationError):
        services.do_update_activity(father, status="not_applicable", reason="  ", expected_version=father.version,
                                    actor=worker)
    services.do_update_activity(father, status="not_applicable", reason="Vader onbekend",
                                expected_version=father.version, actor=worker)
    father = activity(child, "father_contact")
    assert father.status == "not_applicable" and father.reason == "Vader onbekend"


def test_completion_date_rules_and_foreign_worker(methodologies, worker, location_a, staff, org_b):
    (child,) = register(worker, location_a, admission=TODAY() - 5 * DAY)
    intake = activity(child, "intake")
    for bad in (TODAY() + DAY, TODAY() - 6 * DAY):
        with pytest.raises(ValidationError):
            services.do_update_activity(intake, status="done", completed_on=bad, expected_version=intake.version,
                                        actor=worker)
    with pytest.raises(ValidationError):
        services.do_update_activity(intake, status="in_progress", assigned_to=staff(Role.KINDERWERKER, org_b),
                                    expected_version=intake.version, actor=worker)
    services.do_update_activity(intake, status="done", expected_version=intake.version, actor=worker)
    assert activity(child, "intake").completed_on == TODAY()


def test_concurrent_edit_is_refused(methodologies, worker, location_a):
    (child,) = register(worker, location_a, admission=TODAY())
    intake = activity(child, "intake")
    stale = intake.version
    services.do_update_activity(intake, status="in_progress", expected_version=stale, actor=worker)
    with pytest.raises(ConcurrentEditError):
        services.do_update_activity(activity(child, "intake"), status="done", expected_version=stale, actor=worker)
    assert activity(child, "intake").status == "in_progress"


def test_due_state():
    a = PathwayActivity(status="open", due_date=TODAY())
    assert queries.due_state(a) == "due_this_week"
    a.due_date = TODAY() - DAY
    assert queries.due_state(a) == "overdue"
    a.due_date = TODAY() + 6 * DAY
    assert queries.due_state(a) == "due_this_week"
    a.due_date = TODAY() + 7 * DAY
    assert queries.due_state(a) == "open"
    a.status = "done"
    assert queries.due_state(a) == "done"
    a.status = "not_applicable"
    assert queries.due_state(a) == "not_applicable"


# --- screens ---------------------------------------------------------------------------------
def test_dossier_shows_the_step_plan(methodologies, worker, location_a, client_for):
    (child,) = register(worker, location_a, admission=TODAY() - 10 * DAY)
    html = client_for(worker).get(reverse("clients:dossier", args=[child.pk])).content.decode()
    assert 'id="core-activities"' in html
    for name in ("Intake for every child", "Contact with the father", "Safety plan", "Screening",
                 "Parenting and living situation", "Resources from the network", "Action plan and guidance",
                 "Support of parents"):
        assert name in html
    assert 'data-activity="intake" data-state="overdue"' in html
    assert 'data-activity="father_contact" data-state="due_this_week"' in html
    assert (TODAY() - 3 * DAY).strftime("%d-%m-%Y") in html
    assert reverse("pathway:activity_edit", args=[activity(child, "intake").pk]) in html


def test_dossier_in_dutch(methodologies, worker, location_a):
    from veerkracht.conftest import verified_client

    (child,) = register(worker, location_a, admission=TODAY() - 10 * DAY)
    worker.language = "nl"
    worker.save(update_fields=["language"])
    html = verified_client(worker).get(reverse("clients:dossier", args=[child.pk])).content.decode()
    assert "Intake voor ieder kind" in html and "Stappenplan" in html and "te laat" in html


def test_edit_page_saves_and_refuses_stale_version(methodologies, worker, location_a, client_for):
    (child,) = register(worker, location_a, admission=TODAY() - 10 * DAY)
    intake = activity(child, "intake")
    url = reverse("pathway:activity_edit", args=[intake.pk])
    client = client_for(worker)
    assert client.get(url).status_code == 200
    response = client.post(url, {"status": "not_applicable", "reason": "", "version": intake.version})
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    response = client.post(url, {"status": "done", "completed_on": TODAY().isoformat(), "assigned_to": worker.pk,
                                 "version": intake.version})
    assert response.status_code == 302
    intake.refresh_from_db()
    assert intake.status == "done" and intake.assigned_to == worker
    response = client.post(url, {"status": "in_progress", "reason": "mijn invoer", "version": intake.version - 1})
    html = response.content.decode()
    assert response.status_code == 200 and "Someone else changed this record" in html and "mijn invoer" in html
    intake.refresh_from_db()
    assert intake.status == "done"


def test_edit_page_is_scoped(methodologies, worker, location_a, client_for, staff, org_b, location_b):
    (child,) = register(worker, location_a, admission=TODAY())
    url = reverse("pathway:activity_edit", args=[activity(child, "intake").pk])
    assert client_for(staff(Role.TEAMLEIDER, org_b, username="tl_b")).get(url).status_code == 404
    assert client_for(staff(Role.GEMEENTE, region=org_b.regions.first(), username="gem")).get(url).status_code in (403, 404)
    assert client_for(staff(Role.GEDRAGSWETENSCHAPPER, child.organisation, username="gw")).get(url).status_code == 200


def test_worklist_of_a_worker(methodologies, worker, location_a, client_for, staff, org_a):
    other = staff(Role.KINDERWERKER, org_a, username="kw_other")
    (mine,) = register(worker, location_a, admission=TODAY() - 10 * DAY, child_worker=worker)
    (theirs,) = register(worker, location_a, admission=TODAY() - 10 * DAY, child_worker=other)
    assigned = activity(theirs, "network")
    services.do_update_activity(assigned, status="in_progress", assigned_to=worker, expected_version=assigned.version,
                                actor=worker)
    done = activity(mine, "safety_plan")
    services.do_update_activity(done, status="done", expected_version=done.version, actor=worker)
    work = queries.worklist(verified(worker))
    overdue = {(a.child.pk, a.definition.code) for a in work.sections["overdue"]}
    assert overdue == {(mine.pk, "intake")}
    week = {(a.child.pk, a.definition.code) for a in work.sections["due_this_week"]}
    assert week == {(mine.pk, "father_contact")}
    later = {(a.child.pk, a.definition.code) for a in work.sections["open"]}
    assert (mine.pk, "screening") in later and (theirs.pk, "intake") not in later
    # an in-progress activity that is not yet urgent is not in the list
    assert (theirs.pk, "network") not in later
    html = client_for(worker).get(reverse("pathway:worklist")).content.decode()
    assert html.count("<h1") == 1 and mine.full_name in html and "Overdue" in html
    home = client_for(worker).get(reverse("core:home")).content.decode()
    assert 'id="work-overdue">1<' in home and 'id="work-due-this-week">1<' in home


def test_team_leader_sees_counts_per_worker(methodologies, worker, location_a, client_for, staff, org_a, location_b):
    leader = staff(Role.TEAMLEIDER, org_a, username="tl_a")
    other = staff(Role.KINDERWERKER, org_a, username="kw_other")
    register(worker, location_a, admission=TODAY() - 10 * DAY, child_worker=worker, children=2)
    register(worker, location_a, admission=TODAY() - 30 * DAY, child_worker=other)
    register(staff(Role.KINDERWERKER, location_b.organisation, username="kw_b"), location_b,
             admission=TODAY() - 30 * DAY)
    work = queries.worklist(verified(leader))
    assert work.team_view
    per = {c.worker.username: (c.overdue, c.due_this_week, c.open) for c in work.per_worker}
    assert per["kw_a"] == (4, 2, 10)  # 10 days in: intake and safety plan overdue
    assert per["kw_other"] == (7, 0, 1)  # 30 days in: all but the action plan (day 42) overdue
    assert len(per) == 2  # organisation B is not counted
    html = client_for(leader).get(reverse("pathway:worklist")).content.decode()
    assert 'data-worker="kw_a"' in html and "Per worker" in html
    assert queries.work_counts(leader) == {"overdue": 11, "due_this_week": 2, "open": 11}


def _count(client, url):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_worklist_and_dossier_queries_do_not_grow(methodologies, worker, location_a, client_for, staff, org_a):
    leader = staff(Role.TEAMLEIDER, org_a, username="tl_a")
    first = register(worker, location_a, admission=TODAY() - 10 * DAY, child_worker=worker, children=3)
    for client in (client_for(worker), client_for(leader)):
        client.get(reverse("pathway:worklist"))  # warm up
    small = {u.username: _count(client_for(u), reverse("pathway:worklist")) for u in (worker, leader)}
    small_home = _count(client_for(worker), reverse("core:home"))
    for _i in range(17):
        register(worker, location_a, admission=TODAY() - 10 * DAY, child_worker=worker)
    large = {u.username: _count(client_for(u), reverse("pathway:worklist")) for u in (worker, leader)}
    assert small == large
    assert _count(client_for(worker), reverse("core:home")) == small_home
    intake = activity(first[0], "intake")
    services.do_update_activity(intake, status="done", assigned_to=worker, expected_version=intake.version, actor=worker)
    dossier_done = _count(client_for(worker), reverse("clients:dossier", args=[first[0].pk]))
    dossier_open = _count(client_for(worker), reverse("clients:dossier", args=[first[1].pk]))
    assert dossier_done == dossier_open
