"""Activity 3: the safety plan - revisions kept, compared, adopted by the gedragswetenschapper."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from veerkracht.audit.models import AuditEvent
from veerkracht.core.concurrency import ConcurrentEditError
from veerkracht.pathway.models import ActivityStatus, Methodology, OrganisationMethodology
from veerkracht.pathway.services import create_pathway_for_stay
from veerkracht.safety import queries, services
from veerkracht.safety.models import PlanStatus, SafetyPlan, SafetyPlanRevision
from veerkracht.testing import factories

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def save(pathway, actor, version, **content):  # type: ignore[no-untyped-def]
    return services.do_save_safety_plan(pathway, content=content, expected_version=version, actor=actor)


def plan(pathway) -> SafetyPlan:  # type: ignore[no-untyped-def]
    return SafetyPlan.objects.get(pathway=pathway)


def test_every_save_appends_a_revision_and_never_edits_one(pathway, worker, colleague):
    first = save(pathway, worker, 0, risks="Vader zoekt het kind", code_word="ananas")
    assert plan(pathway).version == 1 and first.number == 1
    second = save(pathway, colleague, 1, risks="Vader zoekt het kind via school", code_word="ananas")
    assert second.number == 2 and plan(pathway).version == 2
    first.refresh_from_db()
    assert first.risks == "Vader zoekt het kind" and first.created_by == worker
    assert list(SafetyPlanRevision.objects.values_list("number", flat=True)) == [1, 2]
    with connection.cursor() as cursor:
        cursor.execute("SELECT risks, code_word FROM safety_safetyplanrevision")
        raw = " ".join(" ".join(row) for row in cursor.fetchall())
    assert "Vader" not in raw and "ananas" not in raw  # encrypted at rest
    assert pathway.activities.get(definition__code="safety_plan").status == ActivityStatus.IN_PROGRESS


def test_empty_and_unchanged_saves_are_refused(pathway, worker):
    with pytest.raises(ValidationError) as exc:
        save(pathway, worker, 0, risks="   ")
    assert "Fill in at least one part of the safety plan." in exc.value.messages
    assert not SafetyPlan.objects.exists()
    save(pathway, worker, 0, risks="A")
    with pytest.raises(ValidationError):
        save(pathway, worker, 1, risks="A")
    assert SafetyPlanRevision.objects.count() == 1


def test_stale_version_is_refused_and_nothing_is_saved(pathway, worker, colleague, gw):
    save(pathway, worker, 0, risks="A")
    save(pathway, colleague, 1, risks="B")
    with pytest.raises(ConcurrentEditError):
        save(pathway, worker, 1, risks="C")
    with pytest.raises(ConcurrentEditError):  # a second "first save"
        save(pathway, worker, 0, risks="D")
    with pytest.raises(ConcurrentEditError):
        services.do_adopt_safety_plan(plan(pathway), review_date=TODAY() + 30 * DAY, expected_version=1, actor=gw)
    stored = plan(pathway)
    assert stored.version == 2 and stored.status == PlanStatus.DRAFT and stored.adopted_revision is None
    assert [r.risks for r in SafetyPlanRevision.objects.order_by("number")] == ["A", "B"]


def test_compare_marks_exactly_the_changed_fields(pathway, worker):
    a = save(pathway, worker, 0, risks="A", safe_places="Oma", code_word="ananas")
    b = save(pathway, worker, 1, risks="A", safe_places="Oma en school", code_word="", who_knows="Juf")
    rows = queries.compare(a, b)
    assert len(rows) == 12
    assert {r.name for r in rows if r.changed} == {"safe_places", "code_word", "who_knows"}
    row = next(r for r in rows if r.name == "safe_places")
    assert (row.label, row.a, row.b) == ("Safe places", "Oma", "Oma en school")


def test_only_the_gedragswetenschapper_adopts(pathway, worker, colleague, gw, staff, org_a):
    from veerkracht.accounts.roles import Role

    save(pathway, worker, 0, risks="A")
    for actor in (worker, colleague, staff(Role.TEAMLEIDER, org_a, username="tl_a")):
        with pytest.raises(PermissionDenied):
            services.do_adopt_safety_plan(plan(pathway), review_date=TODAY() + 30 * DAY, expected_version=1,
                                          actor=actor)
    assert plan(pathway).status == PlanStatus.DRAFT
    for bad in (None, TODAY() - DAY, TODAY() + 400 * DAY):
        with pytest.raises(ValidationError):
            services.do_adopt_safety_plan(plan(pathway), review_date=bad, expected_version=1, actor=gw)
    assert plan(pathway).status == PlanStatus.DRAFT


def _adopt(pathway, gw, days=90):  # type: ignore[no-untyped-def]
    stored = plan(pathway)
    return services.do_adopt_safety_plan(stored, review_date=TODAY() + days * DAY, expected_version=stored.version,
                                         actor=gw)


def test_adoption_completes_the_activity_in_2012(pathway, worker, gw):
    save(pathway, worker, 0, risks="A", when_unsafe="Naar de groepsleiding")
    revision = _adopt(pathway, gw)
    stored = plan(pathway)
    assert stored.status == PlanStatus.ADOPTED and stored.review_date == TODAY() + 90 * DAY
    assert stored.adopted_revision == revision and revision.status == PlanStatus.ADOPTED
    assert revision.adopted_by == gw and revision.adopted_at is not None
    activity = pathway.activities.get(definition__code="safety_plan")
    assert activity.status == ActivityStatus.DONE and activity.completed_on == TODAY()
    with pytest.raises(ValidationError):  # the same revision is not adopted twice
        _adopt(pathway, gw)


def test_adoption_completes_the_safety_task_in_2018(methodologies, org_a, location_a, worker, gw):
    OrganisationMethodology.objects.create(organisation=org_a, methodology=Methodology.objects.get(version="2018"))
    child = factories.PersonFactory(household=factories.HouseholdFactory(organisation=org_a))
    pathway18 = create_pathway_for_stay(factories.StayFactory(person=child, location=location_a), actor=worker)
    save(pathway18, worker, 0, risks="A")
    assert pathway18.activities.get(definition__code="safety").status == ActivityStatus.IN_PROGRESS
    _adopt(pathway18, gw)
    activity = pathway18.activities.get(definition__code="safety")
    assert activity.status == ActivityStatus.DONE and activity.completed_on == TODAY()


def test_saving_after_adoption_makes_a_new_draft_and_keeps_the_adopted_revision(pathway, worker, gw):
    save(pathway, worker, 0, risks="A")
    adopted = _adopt(pathway, gw)
    stored = plan(pathway)
    draft = save(pathway, worker, stored.version, risks="A en B")
    stored = plan(pathway)
    assert stored.status == PlanStatus.DRAFT and draft.status == PlanStatus.DRAFT and draft.number == 2
    assert stored.adopted_revision == adopted and stored.adopted_revision.risks == "A"
    assert pathway.activities.get(definition__code="safety_plan").status == ActivityStatus.DONE
    again = _adopt(pathway, gw, days=30)
    assert plan(pathway).adopted_revision == again and again.number == 2


def test_review_date_can_be_set_after_a_review(pathway, worker, gw):
    save(pathway, worker, 0, risks="A")
    with pytest.raises(ValidationError):  # not adopted yet
        services.do_set_review_date(plan(pathway), review_date=TODAY() + DAY, expected_version=1, actor=gw)
    _adopt(pathway, gw)
    stored = plan(pathway)
    with pytest.raises(PermissionDenied):
        services.do_set_review_date(stored, review_date=TODAY() + DAY, expected_version=stored.version, actor=worker)
    services.do_set_review_date(stored, review_date=TODAY() + 10 * DAY, expected_version=stored.version, actor=gw)
    assert plan(pathway).review_date == TODAY() + 10 * DAY and plan(pathway).status == PlanStatus.ADOPTED


def test_audit_rows_carry_field_names_but_no_content(pathway, worker, gw):
    save(pathway, worker, 0, risks="Vader rijdt een rode auto", code_word="ananas")
    _adopt(pathway, gw)
    events = AuditEvent.objects.filter(object_type__startswith="safety.")
    assert events.count() == 2
    created = events.get(action="create")
    assert set(created.changed_fields) == {"risks", "code_word"}
    for event in events:
        text = f"{event.detail} {event.changed_fields}"
        assert "Vader" not in text and "ananas" not in text


def test_other_organisation_cannot_write(pathway, worker, org_b, staff):
    from veerkracht.accounts.roles import Role

    with pytest.raises(PermissionDenied):
        save(pathway, staff(Role.TEAMLEIDER, org_b, username="tl_b"), 0, risks="A")
    assert not SafetyPlan.objects.exists()


def test_timeline_names_revisions_and_adoption_without_content(pathway, worker, gw, child_a):
    from veerkracht.safety.timeline import entries

    assert entries(child_a) == []
    save(pathway, worker, 0, risks="Vader rijdt een rode auto")
    _adopt(pathway, gw, days=30)
    titles = sorted(e.title for e in entries(child_a))
    review = (TODAY() + 30 * DAY).strftime("%d-%m-%Y")
    assert titles == [f"Safety plan adopted, review on {review}", "Safety plan revision 1 saved"]
    assert all("Vader" not in e.title + e.detail and e.url for e in entries(child_a))


# --- pages -----------------------------------------------------------------------------------------
def _url(name, pathway):  # type: ignore[no-untyped-def]
    from django.urls import reverse

    return reverse(f"safety:{name}", kwargs={"pk": pathway.pk})


def _post(version, base, **content):  # type: ignore[no-untyped-def]
    data = {"action": "save", "version": str(version), "base": str(base), "language": "nl"}
    data.update(content)
    return data


def main(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode().split('<main id="main"')[1].split("</main>")[0]


def test_page_makes_the_plan_in_fieldsets_and_logs_the_read(pathway, worker, client_for, child_a):
    from veerkracht.network.services import do_add_member

    do_add_member(pathway, actor=worker, name="Oma Jansen", member_type="person", relation="family", role="oma",
                  quality="supportive", contact_allowed=True, safe_person=True, reach="06-11112222")
    client = client_for(worker)
    reads = AuditEvent.objects.filter(action="read", detail="safety plan").count()
    page = main(client.get(_url("plan", pathway)))
    assert AuditEvent.objects.filter(action="read", detail="safety plan").count() == reads + 1
    for legend in ("Risks and danger signals", "When I feel unsafe", "Contact with the father",
                   "Who knows the plan", "In the child&#x27;s own words"):
        assert f"<legend>{legend}</legend>" in page
    assert "Oma Jansen" in page and "06-11112222" in page  # the network's safe persons as a hint
    assert "De Linde" not in page
    response = client.post(_url("plan", pathway), _post(0, 0, risks="Vader zoekt", code_word="ananas"))
    assert response.status_code == 302
    assert plan(pathway).revisions.get().code_word == "ananas"
    # no content at all: a clear message, never a 500
    response = client.post(_url("plan", pathway), _post(1, 1))
    assert response.status_code == 200 and "Fill in at least one part of the safety plan." in main(response)


def test_concurrent_edit_keeps_the_second_workers_input_and_shows_what_changed(pathway, worker, colleague,
                                                                               client_for):
    save(pathway, worker, 0, risks="A", safe_places="Oma", code_word="ananas")
    save(pathway, colleague, 1, risks="A", safe_places="Oma en de buurvrouw", code_word="banaan")
    # the worker opened the page at version 1 (revision 1) and now saves
    response = client_for(worker).post(_url("plan", pathway), _post(1, 1, risks="A, en vader belt", safe_places="Oma",
                                                                    code_word="ananas", who_knows="Juf Marieke"))
    page = main(response)
    assert response.status_code == 200
    assert "Someone else changed this record" in page
    assert 'data-changed-field="safe_places"' in page and 'data-changed-field="code_word"' in page
    assert 'data-changed-field="risks"' not in page  # unchanged meanwhile
    assert "Oma en de buurvrouw" in page and "banaan" in page
    assert "A, en vader belt" in page and "Juf Marieke" in page  # nothing typed twice
    assert 'name="version" value="2"' in page and 'name="base" value="2"' in page
    assert SafetyPlanRevision.objects.count() == 2 and plan(pathway).version == 2
    # saving again from the refreshed form works
    data = _post(2, 2, risks="A, en vader belt", safe_places="Oma en de buurvrouw", code_word="banaan")
    assert client_for(worker).post(_url("plan", pathway), data).status_code == 302
    assert SafetyPlanRevision.objects.count() == 3


def test_adopt_form_only_for_the_gedragswetenschapper(pathway, worker, gw, client_for):
    save(pathway, worker, 0, risks="A")
    assert "Adopt the safety plan" not in main(client_for(worker).get(_url("plan", pathway)))
    data = {"action": "adopt", "adopt-version": "1", "adopt-review_date": (TODAY() + 60 * DAY).isoformat()}
    assert client_for(worker).post(_url("plan", pathway), data).status_code == 403
    assert plan(pathway).status == PlanStatus.DRAFT
    assert "Adopt the safety plan" in main(client_for(gw).get(_url("plan", pathway)))
    past = {**data, "adopt-review_date": (TODAY() - DAY).isoformat()}
    response = client_for(gw).post(_url("plan", pathway), past)
    assert response.status_code == 200 and "The review date cannot lie in the past." in main(response)
    assert client_for(gw).post(_url("plan", pathway), data).status_code == 302
    assert plan(pathway).status == PlanStatus.ADOPTED
    page = main(client_for(gw).get(_url("plan", pathway)))
    assert (TODAY() + 60 * DAY).strftime("%d-%m-%Y") in page and "Set the next review date" in page


def test_compare_page_marks_changed_rows_in_words(pathway, worker, client_for):
    save(pathway, worker, 0, risks="A", code_word="ananas")
    save(pathway, worker, 1, risks="A", code_word="banaan")
    save(pathway, worker, 2, risks="B", code_word="banaan")
    client = client_for(worker)
    page = main(client.get(_url("compare", pathway)))  # default: the last two
    assert "Revision 2 and revision 3 side by side" in page
    assert page.count("data-changed>") == 1 and "1 part changed." in page
    page = main(client.get(_url("compare", pathway) + "?a=1&b=3"))
    assert page.count("data-changed>") == 2 and page.count("<strong>changed</strong>") == 2
    assert AuditEvent.objects.filter(action="read", detail="safety plan compare").count() == 2
    response = client.get(_url("compare", pathway) + "?a=x&b=99")
    assert response.status_code == 200 and "That revision does not exist" in main(response)


def test_closed_pathway_is_read_only(pathway, worker, client_for):
    from veerkracht.pathway import services as pathway_services
    from veerkracht.pathway.models import Pathway

    save(pathway, worker, 0, risks="Vader zoekt")
    stay = pathway.stay
    stay.refresh_from_db()
    outcomes = {a.pk: pathway_services.Outcome(status=ActivityStatus.NOT_DONE, reason="weg")
                for a in pathway.activities.all() if not a.is_closed}
    pathway_services.do_discharge_child(stay, discharge_date=TODAY(), destination="own_home", outcomes=outcomes,
                                        expected_version=stay.version, actor=worker)
    closed = Pathway.objects.get(pk=pathway.pk)
    page = main(client_for(worker).get(_url("plan", closed)))
    assert "data-closed" in page and "<form" not in page.split("Revisions")[0].split("data-closed")[1]
    assert "Vader zoekt" in page
    response = client_for(worker).post(_url("plan", closed), _post(1, 1, risks="Nieuw"), follow=True)
    assert response.status_code == 200
    assert "This pathway was closed at discharge and can no longer be changed." in response.content.decode()
    assert SafetyPlanRevision.objects.count() == 1
    with pytest.raises(ValidationError):
        save(closed, worker, 1, risks="Nieuw")


def test_other_organisation_gets_404(pathway, worker, org_b, staff, client_for):
    from veerkracht.accounts.roles import Role

    save(pathway, worker, 0, risks="A")
    client = client_for(staff(Role.TEAMLEIDER, org_b, username="tl_b"))
    assert client.get(_url("plan", pathway)).status_code == 404
    assert client.get(_url("compare", pathway)).status_code == 404
    assert client.post(_url("plan", pathway), _post(1, 1, risks="B")).status_code == 404
    assert SafetyPlanRevision.objects.count() == 1


def test_page_queries_do_not_grow_with_revisions(pathway, worker, gw, client_for, django_assert_max_num_queries):
    save(pathway, worker, 0, risks="0")
    client = client_for(gw)

    def count(url):  # type: ignore[no-untyped-def]
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = (count(_url("plan", pathway)), count(_url("compare", pathway)))
    for i in range(1, 15):
        save(pathway, worker, i, risks=str(i))
    _adopt(pathway, gw)
    many = (count(_url("plan", pathway)), count(_url("compare", pathway)))
    assert many[0] <= few[0] + 1 and many[1] <= few[1] + 1  # +1: the adopted revision's author
    assert many[0] <= 25


def test_stale_adoption_is_refused_and_keeps_the_review_date(pathway, worker, gw, client_for):
    save(pathway, worker, 0, risks="A")
    save(pathway, worker, 1, risks="A en B")  # saved after the gedragswetenschapper opened the page
    review = (TODAY() + 50 * DAY).isoformat()
    response = client_for(gw).post(_url("plan", pathway),
                                   {"action": "adopt", "adopt-version": "1", "adopt-review_date": review})
    page = main(response)
    assert response.status_code == 200 and "Someone else changed this record" in page
    assert f'value="{review}"' in page and 'name="adopt-version" value="2"' in page
    assert plan(pathway).status == PlanStatus.DRAFT and plan(pathway).adopted_revision is None


def test_dutch_page_renders(pathway, worker, gw):
    from veerkracht.accounts.models import User
    from veerkracht.conftest import verified_client

    save(pathway, worker, 0, risks="A")
    save(pathway, worker, 1, risks="B")
    User.objects.filter(pk=gw.pk).update(language="nl")
    client = verified_client(gw)
    assert client.get(_url("plan", pathway)).status_code == 200
    assert client.get(_url("compare", pathway)).status_code == 200


def test_changing_only_the_language_keeps_the_adoption_and_adds_no_revision(pathway, worker, gw):
    save(pathway, worker, 0, risks="A")
    adopted = _adopt(pathway, gw)
    stored = plan(pathway)
    services.do_save_safety_plan(pathway, content={"risks": "A"}, language="en", expected_version=stored.version,
                                 actor=worker)
    stored = plan(pathway)
    assert stored.language == "en" and stored.status == PlanStatus.ADOPTED and stored.adopted_revision == adopted
    assert SafetyPlanRevision.objects.count() == 1
    assert AuditEvent.objects.filter(detail="safety plan language", changed_fields=["language"]).count() == 1
