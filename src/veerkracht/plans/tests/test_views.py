"""The help plan pages: plan with goals and actions, adoption, evaluation, guidance contacts, no lost edits."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import AuditEvent
from veerkracht.pathway.models import Pathway
from veerkracht.pathway.services import create_pathway_for_stay
from veerkracht.plans import queries, services
from veerkracht.plans.models import Action, Evaluation, Goal, GuidanceContact, HelpPlan, PlanStatus
from veerkracht.testing import factories

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def _url(name, obj):  # type: ignore[no-untyped-def]
    return reverse(f"plans:{name}", kwargs={"pk": obj.pk})


def main(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode().split('<main id="main"')[1].split("</main>")[0]


def plan_post(version, base, goals, **views):  # type: ignore[no-untyped-def]
    data = {"action": "save", "version": str(version), "base": base, "child_view": "", "parent_view": "",
            "goals-TOTAL_FORMS": str(len(goals)), "goals-INITIAL_FORMS": str(sum(1 for g in goals if g.get("id"))),
            "goals-MIN_NUM_FORMS": "0", "goals-MAX_NUM_FORMS": "50", **views}
    for i, goal in enumerate(goals):
        for key, value in goal.items():
            data[f"goals-{i}-{key}"] = str(value)
    return data


def make(pathway, actor, *goals):  # type: ignore[no-untyped-def]
    goals = goals or ({"domain": "safety", "description": "Noor voelt zich veilig", "start_score": 3},)
    return services.do_save_help_plan(pathway, goals=list(goals), expected_version=0, actor=actor)


def stored(pathway) -> HelpPlan:  # type: ignore[no-untyped-def]
    return HelpPlan.objects.select_related("pathway__stay__person").get(pathway=pathway)


def adopt(pathway, gw, on=None):  # type: ignore[no-untyped-def]
    plan = stored(pathway)
    return services.do_adopt_help_plan(plan, expected_version=plan.version, actor=gw, adopted_on=on)


@pytest.fixture
def long_stay(methodologies, org_a, location_a, worker):  # type: ignore[no-untyped-def]
    child = factories.PersonFactory(household=factories.HouseholdFactory(organisation=org_a), first_name="Lina",
                                    last_name="Smit")
    stay = factories.StayFactory(person=child, location=location_a, admission_date=TODAY() - 120 * DAY)
    return create_pathway_for_stay(stay, actor=worker)


def test_page_makes_the_plan_with_goals_per_domain_and_logs_the_read(pathway, worker, client_for):
    client = client_for(worker)
    page = main(client.get(_url("plan", pathway)))
    assert "Make the help plan" in page and "No goals have been recorded yet." in page
    assert AuditEvent.objects.filter(action="read", detail="help plan").count() == 1
    data = plan_post(0, queries.fingerprint(None), [
        {"domain": "school", "description": "Gaat weer elke dag naar school", "start_score": 2},
        {"domain": "safety", "description": "Weet wat te doen bij gevaar", "start_score": 4},
        {"domain": "", "description": "", "start_score": ""},  # an empty new row is skipped
    ], child_view="Ik wil naar mijn oude school")
    response = client.post(_url("plan", pathway), data)
    assert response.status_code == 302
    assert sorted(Goal.objects.values_list("domain", "start_score")) == [("safety", 4), ("school", 2)]
    page = main(client.get(_url("plan", pathway)))
    assert page.index('data-domain="safety"') < page.index('data-domain="school"')  # domain order
    assert "<h3" in page and "Ik wil naar mijn oude school" in page and "Score at the start: 2 out of 10" in page
    assert "De Linde" not in page  # never the location


def test_bad_input_gives_a_clear_message_and_saves_nothing(pathway, worker, client_for):
    client = client_for(worker)
    for goal, message in (
        ({"domain": "safety", "description": "Veilig", "start_score": "11"},
         "Ensure this value is less than or equal to 10."),
        ({"domain": "safety", "description": "", "start_score": "4"}, "Goal 1: describe the goal."),
        ({"domain": "", "description": "Veilig", "start_score": ""},
         "Goal 1: choose the life domain; give a score at the start from 0 to 10."),
    ):
        response = client.post(_url("plan", pathway), plan_post(0, "{}", [goal]))
        assert response.status_code == 200 and message in main(response)
        assert "Veilig" in main(response) or goal["description"] == ""  # the input is kept
    assert not HelpPlan.objects.exists()


def test_concurrent_edit_keeps_the_second_workers_input_and_shows_what_changed(pathway, worker, colleague,
                                                                               client_for):
    make(pathway, worker, {"domain": "safety", "description": "Voelt zich veilig", "start_score": 3},
         {"domain": "school", "description": "Naar school", "start_score": 2})
    first, second = stored(pathway).goals.order_by("order")
    base = queries.fingerprint(queries.plan_of(pathway))  # the worker opens the page here
    # meanwhile a colleague changes the school goal and adds one
    services.do_save_help_plan(pathway, expected_version=1, actor=colleague, goals=[
        {"id": second.pk, "domain": "school", "description": "Naar school, ook op woensdag", "start_score": 2},
        {"domain": "relationships", "description": "Maakt een vriendje in de opvang", "start_score": 1}])
    # the worker saves from version 1
    data = plan_post(1, base, [
        {"id": first.pk, "domain": "safety", "description": "Voelt zich veilig, ook 's nachts", "start_score": 3},
        {"id": second.pk, "domain": "school", "description": "Naar school", "start_score": 2},
        {"domain": "development", "description": "Leert fietsen", "start_score": 0},
    ], child_view="Ik wil een fiets")
    response = client_for(worker).post(_url("plan", pathway), data)
    page = main(response)
    assert response.status_code == 200 and "Someone else changed this record" in page
    added = next(g for g in stored(pathway).goals.all() if g.domain == "relationships")
    assert f'data-changed-field="goal-{second.pk}"' in page and f'data-changed-field="goal-{added.pk}"' in page
    assert f'data-changed-field="goal-{first.pk}"' not in page  # unchanged meanwhile
    assert "Naar school, ook op woensdag" in page and "Maakt een vriendje in de opvang" in page
    assert "Voelt zich veilig, ook &#x27;s nachts" in page and "Leert fietsen" in page  # nothing typed twice
    assert "Ik wil een fiets" in page
    assert 'name="version" value="2"' in page
    plan = stored(pathway)
    assert plan.version == 2 and plan.child_view == "" and plan.goals.count() == 3
    # saving again from the refreshed form works and keeps the colleague's new goal
    fresh = plan_post(2, queries.fingerprint(queries.plan_of(pathway)), [
        {"id": first.pk, "domain": "safety", "description": "Voelt zich veilig, ook 's nachts", "start_score": 3},
        {"id": second.pk, "domain": "school", "description": "Naar school, ook op woensdag", "start_score": 2},
        {"domain": "development", "description": "Leert fietsen", "start_score": 0},
    ], child_view="Ik wil een fiets")
    assert client_for(worker).post(_url("plan", pathway), fresh).status_code == 302
    plan = stored(pathway)
    assert plan.version == 3 and plan.child_view == "Ik wil een fiets" and plan.goals.count() == 4


def test_adopt_form_only_for_the_gedragswetenschapper(long_stay, worker, gw, client_for):
    make(long_stay, worker)
    assert "Adopt the help plan" not in main(client_for(worker).get(_url("plan", long_stay)))
    data = {"action": "adopt", "adopt-version": "1", "adopt-adopted_on": (TODAY() - 7 * DAY).isoformat()}
    assert client_for(worker).post(_url("plan", long_stay), data).status_code == 403
    assert stored(long_stay).status == PlanStatus.DRAFT
    assert "Adopt the help plan" in main(client_for(gw).get(_url("plan", long_stay)))
    future = {**data, "adopt-adopted_on": (TODAY() + DAY).isoformat()}
    response = client_for(gw).post(_url("plan", long_stay), future)
    assert response.status_code == 200 and "The adoption date cannot lie in the future." in main(response)
    assert client_for(gw).post(_url("plan", long_stay), data).status_code == 302
    page = main(client_for(gw).get(_url("plan", long_stay)))
    assert stored(long_stay).status == PlanStatus.ADOPTED
    assert (TODAY() + 35 * DAY).strftime("%d-%m-%Y") in page.split("data-next-evaluation>")[1][:20]
    assert "Adopt the help plan" not in page


def test_evaluate_page_scores_every_goal(long_stay, worker, gw, client_for):
    make(long_stay, worker, {"domain": "safety", "description": "Veilig", "start_score": 3},
         {"domain": "school", "description": "Naar school", "start_score": 2})
    client = client_for(worker)
    assert "data-not-ready" in main(client.get(_url("evaluate", long_stay)))
    adopt(long_stay, gw, on=TODAY() - 50 * DAY)
    first, second = stored(long_stay).goals.order_by("order")
    page = main(client.get(_url("evaluate", long_stay)))
    assert f'name="score_{first.pk}"' in page and f'name="score_{second.pk}"' in page
    assert (TODAY() - 8 * DAY).strftime("%d-%m-%Y") in page  # the due date
    data = {"held_on": TODAY().isoformat(), f"score_{first.pk}": "6", f"score_{second.pk}": "11", "notes": "Beter"}
    response = client.post(_url("evaluate", long_stay), data)
    assert response.status_code == 200 and "Ensure this value is less than or equal to 10." in main(response)
    assert "Beter</textarea>" in main(response)  # the input is kept
    response = client.post(_url("evaluate", long_stay), {**data, f"score_{second.pk}": ""})
    assert "Give a score for every goal." in main(response)
    response = client.post(_url("evaluate", long_stay), {**data, "held_on": (TODAY() + DAY).isoformat(),
                                                         f"score_{second.pk}": "4"})
    assert "The evaluation date cannot lie in the future." in main(response)
    assert not Evaluation.objects.exists()
    assert client.post(_url("evaluate", long_stay), {**data, f"score_{second.pk}": "4"}).status_code == 302
    assert stored(long_stay).next_evaluation_on == TODAY() + 42 * DAY
    page = main(client.get(_url("plan", long_stay)))
    scores = page.split("data-scores>")[1].split("</table>")[0]
    assert TODAY().strftime("%d-%m-%Y") in scores
    assert f'data-score-row="{first.pk}"' in scores
    row = scores.split(f'data-score-row="{first.pk}"')[1].split("</tr>")[0]
    assert "<td>3</td>" in row and "<td>6</td>" in row  # start score, then the evaluation


def test_contacts_page_logs_a_contact_with_the_goals_it_served(pathway, worker, client_for, org_a, location_a):
    make(pathway, worker)
    own = stored(pathway).goals.get()
    sibling = factories.PersonFactory(household=factories.HouseholdFactory(organisation=org_a))
    other = create_pathway_for_stay(factories.StayFactory(person=sibling, location=location_a), actor=worker)
    make(other, worker, {"domain": "school", "description": "Huiswerk", "start_score": 5})
    foreign = stored(other).goals.get()
    client = client_for(worker)
    page = main(client.get(_url("contacts", pathway)))
    assert "No guidance contacts have been recorded yet." in page and f'value="{own.pk}"' in page
    assert f'value="{foreign.pk}"' not in page
    data = {"date": TODAY().isoformat(), "kind": "play", "duration_minutes": "45", "with_whom": "Noor",
            "notes": "Met klei gewerkt", "goals": [str(own.pk), str(foreign.pk)]}
    response = client.post(_url("contacts", pathway), data)
    assert response.status_code == 200 and "Select a valid choice" in main(response)
    assert not GuidanceContact.objects.exists()
    response = client.post(_url("contacts", pathway), {**data, "goals": [str(own.pk)]})
    assert response.status_code == 302
    page = main(client.get(_url("contacts", pathway)))
    assert "Met klei gewerkt" in page and "45 min" in page and "Noor voelt zich veilig" in page
    assert list(GuidanceContact.objects.get().goals.all()) == [own]


def test_action_page_marks_an_action_done_and_refuses_a_stale_save(pathway, worker, colleague, client_for):
    make(pathway, worker)
    action = services.do_add_action(stored(pathway).goals.get(), who="Mentor", what="Juf bellen", actor=worker)
    client = client_for(worker)
    assert "Juf bellen" in main(client.get(_url("action", action)))
    services.do_update_action(action, who="Moeder", what="Juf bellen", expected_version=1, actor=colleague)
    data = {"version": "1", "who": "Mentor", "what": "Juf bellen over de toets", "due_on": "",
            "done_on": TODAY().isoformat()}
    response = client.post(_url("action", action), data)
    page = main(response)
    assert response.status_code == 200 and "Someone else changed this record" in page and "Moeder" in page
    assert "Juf bellen over de toets" in page and 'name="version" value="2"' in page
    assert client.post(_url("action", action), {**data, "version": "2"}).status_code == 302
    stored_action = Action.objects.get()
    assert (stored_action.what, stored_action.done_on) == ("Juf bellen over de toets", TODAY())
    assert 'data-done="yes"' in main(client.get(_url("plan", pathway)))


def test_closed_pathway_is_read_only(long_stay, worker, gw, client_for):
    make(long_stay, worker)
    adopt(long_stay, gw, on=TODAY() - 30 * DAY)
    action = services.do_add_action(stored(long_stay).goals.get(), who="Mentor", what="Bellen", actor=worker)
    Pathway.objects.filter(pk=long_stay.pk).update(closed_on=TODAY())
    client = client_for(worker)
    for name, obj in (("plan", long_stay), ("evaluate", long_stay), ("contacts", long_stay), ("action", action)):
        page = main(client.get(_url(name, obj)))
        assert "data-closed" in page and "<form" not in page, name
        response = client.post(_url(name, obj), {"action": "save", "who": "x", "what": "y", "version": "1"},
                               follow=True)
        assert response.status_code == 200
        assert "This pathway was closed at discharge and can no longer be changed." in response.content.decode()
    assert "Noor voelt zich veilig" in main(client.get(_url("plan", long_stay)))
    assert stored(long_stay).version == 2 and not GuidanceContact.objects.exists()
    assert not Evaluation.objects.exists() and Action.objects.get().what == "Bellen"


def test_other_organisation_gets_404(pathway, worker, org_b, staff, client_for):
    make(pathway, worker)
    action = services.do_add_action(stored(pathway).goals.get(), who="Mentor", what="Bellen", actor=worker)
    client = client_for(staff(Role.TEAMLEIDER, org_b, username="tl_b"))
    for name, obj in (("plan", pathway), ("evaluate", pathway), ("contacts", pathway), ("action", action)):
        assert client.get(_url(name, obj)).status_code == 404
        assert client.post(_url(name, obj), {"action": "save"}).status_code == 404
    assert stored(pathway).version == 1


def _count(client, url) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_page_queries_do_not_grow_with_goals_actions_evaluations_and_contacts(long_stay, worker, gw, client_for,
                                                                            django_assert_max_num_queries):
    make(long_stay, worker)
    adopt(long_stay, gw, on=TODAY() - 100 * DAY)
    client = client_for(gw)
    urls = [_url("plan", long_stay), _url("evaluate", long_stay), _url("contacts", long_stay)]

    def grow(n):  # type: ignore[no-untyped-def]
        plan = stored(long_stay)
        services.do_save_help_plan(long_stay, expected_version=plan.version, actor=worker, goals=[
            {"domain": "school", "description": f"Doel {n}", "start_score": n % 10}])
        plan = stored(long_stay)
        goals = list(plan.goals.all())
        for goal in goals:
            services.do_add_action(goal, who="Mentor", what=f"Actie {n}", due_on=TODAY(), actor=worker)
        services.do_record_evaluation(plan, held_on=TODAY() - (90 - 10 * n) * DAY,
                                      scores={g.pk: n % 10 for g in goals}, notes="Gaat goed", actor=worker)
        services.do_record_guidance_contact(long_stay, date=TODAY() - n * DAY, kind="play", duration_minutes=30,
                                            goal_ids=[g.pk for g in goals], actor=worker)

    grow(1)
    few = [_count(client, url) for url in urls]
    for n in range(2, 7):
        grow(n)
    many = [_count(client, url) for url in urls]
    assert many == few
    for url in urls:
        with django_assert_max_num_queries(25):
            client.get(url)


def test_worklist_shows_the_evaluation_due(long_stay, worker, gw, client_for):
    from veerkracht.clients.models import Person

    Person.objects.filter(pk=long_stay.stay.person_id).update(child_worker=worker)
    make(long_stay, worker)
    client = client_for(worker)
    client.cookies["django_language"] = "en"

    def rows():  # type: ignore[no-untyped-def]
        html = client.get(reverse("pathway:worklist")).content.decode()
        return html.split('id="work-followups"', 1)[1].split('data-followup="evaluation"')[1:]

    assert rows() == []  # a draft plan has no evaluation yet
    adopt(long_stay, gw, on=TODAY() - 50 * DAY)
    (row,) = rows()
    assert "Evaluate the help plan" in row and (TODAY() - 8 * DAY).strftime("%d-%m-%Y") in row
    assert _url("plan", long_stay) in row and "Lina" in row
    plan = stored(long_stay)
    services.do_record_evaluation(plan, held_on=TODAY(), scores={g.pk: 5 for g in plan.goals.all()}, actor=worker)
    assert rows() == []  # the next evaluation is six weeks away


def test_timeline_names_plan_adoption_evaluations_and_contacts_without_content(long_stay, worker, gw):
    from veerkracht.plans.timeline import entries

    child = long_stay.stay.person
    assert entries(child) == []
    make(long_stay, worker)
    adopt(long_stay, gw, on=TODAY() - 30 * DAY)
    plan = stored(long_stay)
    services.do_record_evaluation(plan, held_on=TODAY() - DAY, scores={g.pk: 5 for g in plan.goals.all()},
                                  notes="Vader belde", actor=worker)
    services.do_record_guidance_contact(long_stay, date=TODAY(), kind="play", duration_minutes=40,
                                        notes="Vader belde", actor=worker)
    found = sorted((e.kind, e.title, e.detail) for e in entries(child))
    assert found == [
        ("guidance_contact", "Guidance contact: play or creative session", "40 minutes"),
        ("help_plan", "Help plan made", ""),
        ("help_plan_adopted", "Help plan adopted", ""),
        ("help_plan_evaluation", "Help plan evaluated", ""),
    ]
    assert all("Vader" not in e.title + e.detail and e.url for e in entries(child))


def test_dutch_pages_render(long_stay, worker, gw):
    from veerkracht.accounts.models import User
    from veerkracht.conftest import verified_client

    make(long_stay, worker)
    adopt(long_stay, gw, on=TODAY() - 10 * DAY)
    User.objects.filter(pk=gw.pk).update(language="nl")
    client = verified_client(gw)
    for name in ("plan", "evaluate", "contacts"):
        assert client.get(_url(name, long_stay)).status_code == 200


def test_a_goal_removed_meanwhile_comes_back_with_the_second_workers_text(pathway, worker, colleague, client_for):
    make(pathway, worker, {"domain": "safety", "description": "Voelt zich veilig", "start_score": 3},
         {"domain": "school", "description": "Naar school", "start_score": 2})
    first, second = stored(pathway).goals.order_by("order")
    base = queries.fingerprint(queries.plan_of(pathway))
    services.do_save_help_plan(pathway, expected_version=1, actor=colleague, goals=[{"id": second.pk,
                                                                                     "remove": True}])
    data = plan_post(1, base, [
        {"id": first.pk, "domain": "safety", "description": "Voelt zich veilig", "start_score": 3},
        {"id": second.pk, "domain": "school", "description": "MIJN ZORGVULDIGE HERSCHRIJVING", "start_score": 2},
    ])
    page = main(client_for(worker).post(_url("plan", pathway), data))
    assert "MIJN ZORGVULDIGE HERSCHRIJVING" in page  # kept, as a new goal the worker can save again


def test_the_plan_page_lists_the_childs_referrals(pathway, worker, client_for):
    from veerkracht.referrals.services import do_create_referral

    make(pathway, worker, {"domain": "wellbeing", "description": "Slaapt weer door", "start_score": 3})
    referral = do_create_referral(pathway, kind="trauma_treatment", to_whom="Traumacentrum Kind en Jeugd",
                                  sent_on=timezone.localdate(), actor=worker)
    page = main(client_for(worker).get(_url("plan", pathway)))
    section = page.split("data-plan-referrals", 1)[1]
    assert f'data-referral="{referral.pk}"' in section and "Traumacentrum Kind en Jeugd" in section
