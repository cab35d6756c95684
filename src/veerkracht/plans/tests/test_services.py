"""Activity 7: the help plan - goals with scores, adoption, evaluations every N weeks, guidance contacts."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import AuditEvent
from veerkracht.core.concurrency import ConcurrentEditError
from veerkracht.pathway.models import ActivityStatus
from veerkracht.pathway.services import create_pathway_for_stay
from veerkracht.plans import queries, services
from veerkracht.plans.models import Action, Evaluation, Goal, GoalScore, GuidanceContact, HelpPlan, PlanStatus
from veerkracht.testing import factories

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def goal(domain="safety", description="Noor voelt zich veilig op school", start=3, **extra):  # type: ignore[no-untyped-def]
    return {"domain": domain, "description": description, "start_score": start, **extra}


def make(pathway, actor, goals=None, **views):  # type: ignore[no-untyped-def]
    return services.do_save_help_plan(pathway, goals=goals if goals is not None else [goal()], expected_version=0,
                                      actor=actor, **views)


def plan(pathway) -> HelpPlan:  # type: ignore[no-untyped-def]
    return HelpPlan.objects.select_related("pathway__stay__person").get(pathway=pathway)


def adopt(pathway, gw, on=None):  # type: ignore[no-untyped-def]
    stored = plan(pathway)
    return services.do_adopt_help_plan(stored, expected_version=stored.version, actor=gw, adopted_on=on)


def evaluate(pathway, actor, held_on, score=5, **texts):  # type: ignore[no-untyped-def]
    stored = plan(pathway)
    scores = {g.pk: score for g in stored.goals.filter(ended_on__isnull=True)}
    return services.do_record_evaluation(stored, held_on=held_on, scores=scores, actor=actor, **texts)


@pytest.fixture
def long_stay(methodologies, org_a, location_a, worker):  # type: ignore[no-untyped-def]
    """A child admitted 120 days ago (room for adoptions and evaluations in the past)."""
    child = factories.PersonFactory(household=factories.HouseholdFactory(organisation=org_a), first_name="Lina")
    stay = factories.StayFactory(person=child, location=location_a, admission_date=TODAY() - 120 * DAY)
    return create_pathway_for_stay(stay, actor=worker)


def test_first_save_makes_the_plan_encrypted_and_moves_the_activity(pathway, worker):
    made = make(pathway, worker, [goal(), goal("school", "Gaat elke dag naar school", 6)],
                child_view="Ik wil weer voetballen", parent_view="Moeder wil rust voor Noor")
    assert made.version == 1 and made.status == PlanStatus.DRAFT and made.created_by == worker
    assert sorted(Goal.objects.values_list("domain", "start_score")) == [("safety", 3), ("school", 6)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT child_view, parent_view FROM plans_helpplan")
        raw = " ".join(" ".join(row) for row in cursor.fetchall())
        cursor.execute("SELECT description FROM plans_goal")
        raw += " ".join(row[0] for row in cursor.fetchall())
    assert "voetballen" not in raw and "rust" not in raw and "school" not in raw  # encrypted at rest
    assert pathway.activities.get(definition__code="action_plan").status == ActivityStatus.IN_PROGRESS
    event = AuditEvent.objects.get(object_type="plans.helpplan", action="create")
    assert set(event.changed_fields) == {"child_view", "parent_view", "goals"}
    assert "voetballen" not in f"{event.detail} {event.changed_fields}"


def test_an_empty_first_save_is_refused(pathway, worker):
    with pytest.raises(ValidationError) as exc:
        make(pathway, worker, goals=[], child_view="  ")
    assert exc.value.messages == ["Add at least one goal or record a view."]
    assert not HelpPlan.objects.exists()


@pytest.mark.parametrize("bad", [-1, 11, "abc", 3.5, None, "", True])
def test_start_scores_outside_0_to_10_are_refused_and_nothing_is_saved(pathway, worker, bad):
    with pytest.raises(ValidationError) as exc:
        make(pathway, worker, [goal("development", "Praat over gevoelens", 4), goal(start=bad)])
    assert exc.value.messages == ["Goal 2: give a score at the start from 0 to 10."]
    assert not HelpPlan.objects.exists() and not Goal.objects.exists()


def test_scores_are_checked_in_the_model_and_the_database(pathway, worker):
    made = make(pathway, worker)
    with pytest.raises(ValidationError):
        Goal(plan=made, domain="safety", description="x", start_score=11).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Goal.objects.create(plan=made, domain="safety", description="x", start_score=11)
    evaluation = Evaluation.objects.create(plan=made, held_on=TODAY())
    with pytest.raises(ValidationError):
        GoalScore(evaluation=evaluation, goal=made.goals.get(), score=12).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        GoalScore.objects.create(evaluation=evaluation, goal=made.goals.get(), score=12)


def test_goals_are_added_changed_and_removed_and_an_adopted_plan_becomes_draft(long_stay, worker, gw):
    make(long_stay, worker, [goal(), goal("school", "Naar school", 2), goal("relationships", "Vriendjes", 4)])
    adopt(long_stay, gw, on=TODAY() - 60 * DAY)
    evaluate(long_stay, worker, TODAY() - 20 * DAY)
    stored = plan(long_stay)
    safety, school, friends = stored.goals.order_by("order")
    services.do_save_help_plan(long_stay, child_view="Ik wil naar oma", expected_version=stored.version, actor=worker,
                               goals=[{"id": safety.pk, "domain": "safety", "description": "Veilig op school en thuis",
                                       "start_score": 3},
                                      {"id": school.pk, "remove": True},
                                      goal("development", "Slaapt goed", 1)])
    stored = plan(long_stay)
    assert stored.status == PlanStatus.DRAFT and stored.version == 3
    assert stored.adopted_on == TODAY() - 60 * DAY  # the last adoption is kept; evaluations go on
    assert stored.next_evaluation_on == TODAY() + 22 * DAY
    safety.refresh_from_db()
    school.refresh_from_db()  # it was scored: ended, not deleted, so the evaluation keeps its history
    assert safety.description == "Veilig op school en thuis" and school.ended_on == TODAY()
    assert friends.pk in set(stored.goals.values_list("pk", flat=True))  # not listed: untouched
    assert [g.description for g in queries.current_goals(queries.plan_of(long_stay))] == [
        "Veilig op school en thuis", "Slaapt goed", "Vriendjes"]  # domain order
    # a goal without history is deleted
    new = next(g for g in stored.goals.all() if g.description == "Slaapt goed")  # encrypted: no filter
    services.do_save_help_plan(long_stay, child_view="Ik wil naar oma", expected_version=stored.version,
                               actor=worker, goals=[{"id": new.pk, "remove": True}])
    assert not Goal.objects.filter(pk=new.pk).exists()
    with pytest.raises(ValidationError) as exc:  # nothing changed
        services.do_save_help_plan(long_stay, child_view="Ik wil naar oma", expected_version=stored.version + 1,
                                   actor=worker)
    assert exc.value.messages == ["Nothing was changed since the last save."]
    with pytest.raises(ValidationError):  # an ended goal cannot be changed any more
        services.do_save_help_plan(long_stay, expected_version=stored.version + 1, actor=worker,
                                   goals=[{"id": school.pk, "domain": "school", "description": "x", "start_score": 1}])


def test_stale_version_is_refused_and_nothing_is_saved(pathway, worker, colleague, gw):
    make(pathway, worker)
    services.do_save_help_plan(pathway, child_view="A", expected_version=1, actor=colleague)
    with pytest.raises(ConcurrentEditError):
        services.do_save_help_plan(pathway, child_view="B", expected_version=1, actor=worker,
                                   goals=[goal("school", "Naar school", 2)])
    with pytest.raises(ConcurrentEditError):  # a second "first save"
        make(pathway, worker)
    with pytest.raises(ConcurrentEditError):
        services.do_adopt_help_plan(plan(pathway), expected_version=1, actor=gw)
    stored = plan(pathway)
    assert stored.version == 2 and stored.child_view == "A" and stored.goals.count() == 1
    assert stored.status == PlanStatus.DRAFT


def test_only_the_gedragswetenschapper_adopts(pathway, worker, colleague, gw, staff, org_a):
    make(pathway, worker)
    for actor in (worker, colleague, staff(Role.TEAMLEIDER, org_a, username="tl_a")):
        with pytest.raises(PermissionDenied):
            adopt(pathway, actor)
    assert plan(pathway).status == PlanStatus.DRAFT and plan(pathway).adopted_on is None
    for bad in (TODAY() + DAY, pathway.stay.admission_date - DAY):
        with pytest.raises(ValidationError):
            adopt(pathway, gw, on=bad)
    assert plan(pathway).status == PlanStatus.DRAFT


def test_a_plan_without_goals_is_not_adopted(pathway, worker, gw):
    make(pathway, worker, goals=[], child_view="Ik wil naar huis")
    with pytest.raises(ValidationError) as exc:
        adopt(pathway, gw)
    assert exc.value.messages == ["Add at least one goal before adopting the help plan."]


def test_adoption_sets_the_first_evaluation_six_weeks_later_and_completes_the_activity(long_stay, worker, gw):
    make(long_stay, worker)
    adopted_on = TODAY() - 3 * DAY
    adopt(long_stay, gw, on=adopted_on)
    stored = plan(long_stay)
    assert stored.status == PlanStatus.ADOPTED and stored.adopted_by == gw
    assert stored.adopted_on == adopted_on and stored.next_evaluation_on == adopted_on + 42 * DAY
    activity = long_stay.activities.get(definition__code="action_plan")
    assert activity.status == ActivityStatus.DONE and activity.completed_on == adopted_on
    with pytest.raises(ValidationError):  # already adopted
        adopt(long_stay, gw)


def test_an_evaluation_sets_the_next_one_six_weeks_later(long_stay, worker, gw):
    make(long_stay, worker, [goal(), goal("school", "Naar school", 2)])
    with pytest.raises(ValidationError) as exc:
        evaluate(long_stay, worker, TODAY())
    assert exc.value.messages == ["Adopt the help plan before evaluating it."]
    adopt(long_stay, gw, on=TODAY() - 50 * DAY)
    assert plan(long_stay).next_evaluation_on == TODAY() - 8 * DAY  # overdue
    evaluate(long_stay, worker, TODAY() - 7 * DAY, score=6, notes="Gaat beter")
    assert plan(long_stay).next_evaluation_on == TODAY() + 35 * DAY
    evaluate(long_stay, worker, TODAY(), score=8)
    assert plan(long_stay).next_evaluation_on == TODAY() + 42 * DAY
    table = queries.evaluations_of(plan(long_stay))
    assert [e.held_on for e in table.evaluations] == [TODAY() - 7 * DAY, TODAY()]
    assert [(r.goal.description, r.start_score, r.scores) for r in table.rows] == [
        ("Noor voelt zich veilig op school", 3, [6, 8]), ("Naar school", 2, [6, 8])]


@override_settings(VEERKRACHT_EVALUATION_WEEKS=4)
def test_the_evaluation_interval_follows_the_setting(long_stay, worker, gw):
    make(long_stay, worker)
    adopt(long_stay, gw, on=TODAY() - 30 * DAY)
    assert plan(long_stay).next_evaluation_on == TODAY() - 2 * DAY
    evaluate(long_stay, worker, TODAY() - DAY)
    assert plan(long_stay).next_evaluation_on == TODAY() + 27 * DAY


def test_evaluation_dates_and_scores_are_checked(long_stay, worker, gw):
    make(long_stay, worker, [goal(), goal("school", "Naar school", 2)])
    adopt(long_stay, gw, on=TODAY() - 30 * DAY)
    stored = plan(long_stay)
    first, second = stored.goals.order_by("order")

    def refused(held_on, scores, message):  # type: ignore[no-untyped-def]
        with pytest.raises(ValidationError) as exc:
            services.do_record_evaluation(stored, held_on=held_on, scores=scores, actor=worker)
        assert message in exc.value.messages

    refused(TODAY() + DAY, {first.pk: 5, second.pk: 5}, "The evaluation date cannot lie in the future.")
    refused(TODAY() - 31 * DAY, {first.pk: 5, second.pk: 5},
            "The evaluation date lies before the adoption of the help plan.")
    refused(TODAY(), {first.pk: 5}, "Give a score for every goal.")
    for bad in (11, -1, "veel", None):
        refused(TODAY(), {first.pk: 5, second.pk: bad}, "A score is a whole number from 0 to 10.")
    other = Goal.objects.create(plan=stored, domain="school", description="x", start_score=1, ended_on=TODAY())
    refused(TODAY(), {first.pk: 5, second.pk: 5, other.pk: 3}, "A score belongs to a goal of this help plan.")
    assert not Evaluation.objects.exists() and not GoalScore.objects.exists()
    services.do_record_evaluation(stored, held_on=TODAY() - DAY, scores={first.pk: 0, second.pk: 10}, actor=worker)
    refused(TODAY() - DAY, {first.pk: 5, second.pk: 5},
            f"The evaluation date must lie after the previous evaluation ({(TODAY() - DAY):%d-%m-%Y}).")
    assert Evaluation.objects.count() == 1 and GoalScore.objects.count() == 2


def test_guidance_contacts_serve_only_goals_of_this_child(pathway, worker, org_a, location_a):
    make(pathway, worker, [goal(), goal("school", "Naar school", 2)])
    own = list(plan(pathway).goals.values_list("pk", flat=True))
    sibling = factories.PersonFactory(household=factories.HouseholdFactory(organisation=org_a), first_name="Sam")
    other_pathway = create_pathway_for_stay(factories.StayFactory(person=sibling, location=location_a), actor=worker)
    make(other_pathway, worker, [goal("school", "Huiswerk maken", 5)])
    foreign = plan(other_pathway).goals.get().pk

    with pytest.raises(ValidationError) as exc:
        services.do_record_guidance_contact(pathway, date=TODAY(), kind="play", duration_minutes=45,
                                            goal_ids=[own[0], foreign], actor=worker)
    assert exc.value.messages == ["A contact can only serve goals of this child's help plan."]
    for kwargs, message in (
        ({"date": TODAY() + DAY}, "The date of the contact cannot lie in the future."),
        ({"date": pathway.stay.admission_date - DAY}, "The date of the contact lies before the admission date."),
        ({"duration_minutes": 0}, "The duration is a number of minutes from 1 to 600."),
        ({"duration_minutes": "lang"}, "The duration is a number of minutes from 1 to 600."),
        ({"kind": "party"}, "Choose the kind of contact."),
    ):
        with pytest.raises(ValidationError) as exc:
            services.do_record_guidance_contact(pathway, **{"date": TODAY(), "kind": "play", "duration_minutes": 45,
                                                            "actor": worker, **kwargs})
        assert message in exc.value.messages
    assert not GuidanceContact.objects.exists()
    contact = services.do_record_guidance_contact(pathway, date=TODAY(), kind="child_conversation",
                                                  duration_minutes=30, with_whom="Noor en moeder",
                                                  notes="Noor vertelde over school", goal_ids=own, actor=worker)
    assert set(contact.goals.values_list("pk", flat=True)) == set(own)
    event = AuditEvent.objects.get(object_type="plans.guidancecontact")
    assert "notes" in event.changed_fields and "school" not in event.detail


def test_actions_are_added_changed_and_done_without_undoing_the_adoption(pathway, worker, colleague, gw):
    make(pathway, worker)
    adopt(pathway, gw)
    the_goal = plan(pathway).goals.get()
    with pytest.raises(ValidationError):
        services.do_add_action(the_goal, who="", what="", actor=worker)
    action = services.do_add_action(the_goal, who="Mentor", what="Gesprek met de juf", due_on=TODAY() + 7 * DAY,
                                    actor=worker)
    assert action.version == 1
    services.do_update_action(action, who="Mentor", what="Gesprek met de juf", due_on=action.due_on,
                              done_on=TODAY(), expected_version=1, actor=colleague)
    with pytest.raises(ConcurrentEditError):
        services.do_update_action(action, who="Moeder", what="Gesprek met de juf", expected_version=1, actor=worker)
    with pytest.raises(ValidationError) as exc:
        services.do_update_action(Action.objects.get(), who="Mentor", what="Gesprek", done_on=TODAY() + DAY,
                                  expected_version=2, actor=worker)
    assert exc.value.messages == ["The date the action was done cannot lie in the future."]
    stored = Action.objects.get()
    assert (stored.who, stored.done_on, stored.version) == ("Mentor", TODAY(), 2)
    assert plan(pathway).status == PlanStatus.ADOPTED
    Goal.objects.filter(pk=the_goal.pk).update(ended_on=TODAY())
    the_goal.refresh_from_db()
    with pytest.raises(ValidationError):
        services.do_add_action(the_goal, who="Mentor", what="Nog iets", actor=worker)


def test_other_organisation_cannot_write(pathway, worker, org_b, staff):
    stranger = staff(Role.TEAMLEIDER, org_b, username="tl_b")
    with pytest.raises(PermissionDenied):
        make(pathway, stranger)
    make(pathway, worker)
    with pytest.raises(PermissionDenied):
        services.do_record_guidance_contact(pathway, date=TODAY(), kind="play", duration_minutes=10, actor=stranger)
    assert not GuidanceContact.objects.exists()


def test_closed_pathway_is_read_only_for_every_service(pathway, worker, gw):
    make(pathway, worker)
    the_goal = plan(pathway).goals.get()
    action = services.do_add_action(the_goal, who="Mentor", what="Bellen", actor=worker)
    type(pathway).objects.filter(pk=pathway.pk).update(closed_on=TODAY())
    closed = plan(pathway)
    calls = [
        lambda: services.do_save_help_plan(closed.pathway, child_view="x", expected_version=1, actor=worker),
        lambda: services.do_adopt_help_plan(closed, expected_version=1, actor=gw),
        lambda: services.do_record_evaluation(closed, held_on=TODAY(), scores={the_goal.pk: 3}, actor=worker),
        lambda: services.do_record_guidance_contact(closed.pathway, date=TODAY(), kind="play", duration_minutes=5,
                                                    actor=worker),
    ]
    for call in calls:
        with pytest.raises(ValidationError) as exc:
            call()
        assert exc.value.code == "closed"
    action = Action.objects.select_related("goal__plan__pathway__stay__person").get(pk=action.pk)
    with pytest.raises(ValidationError):
        services.do_update_action(action, who="x", what="y", expected_version=1, actor=worker)
    assert plan(pathway).version == 1 and not GuidanceContact.objects.exists()


def test_reading_the_plan_and_its_document_takes_a_fixed_number_of_queries(long_stay, worker, gw,
                                                                           django_assert_num_queries):
    make(long_stay, worker, [goal(), goal("school", "Naar school", 2)])
    adopt(long_stay, gw, on=TODAY() - 60 * DAY)

    def grow(n):  # type: ignore[no-untyped-def]
        stored = plan(long_stay)
        for g in stored.goals.all():
            services.do_add_action(g, who="Mentor", what=f"Actie {n}", actor=worker)
        services.do_record_guidance_contact(long_stay, date=TODAY() - n * DAY, kind="play", duration_minutes=30,
                                            goal_ids=[g.pk for g in stored.goals.all()], actor=worker)
        evaluate(long_stay, worker, TODAY() - (50 - 10 * n) * DAY, score=n)

    grow(1)
    with django_assert_num_queries(8):
        document = queries.plan_for_document(long_stay)
    for n in range(2, 5):
        grow(n)
    with django_assert_num_queries(8):
        document = queries.plan_for_document(long_stay)
    with django_assert_num_queries(0):
        assert [d.domain for d in document.domains] == ["safety", "school"]
        assert [len(g.actions.all()) for g in document.goals] == [4, 4]
        assert [g.latest_score for g in document.goals] == [4, 4]
        assert document.scores.rows[0].scores == [1, 2, 3, 4]
        assert len(document.contacts) == 4 and document.contact_minutes == 120
        assert all(len(c.goals.all()) == 2 for c in document.contacts)


# --- review fixes: history and the evaluation cycle ------------------------------------------------
def test_re_adoption_never_postpones_an_evaluation_that_is_due(long_stay, worker, gw):
    make(long_stay, worker)
    adopt(long_stay, gw, on=TODAY() - 60 * DAY)  # the first evaluation was due 18 days ago
    stored = plan(long_stay)
    first = stored.goals.get()
    services.do_save_help_plan(long_stay, expected_version=stored.version, actor=worker,
                               goals=[{"id": first.pk, "domain": "safety", "description": "Anders verwoord",
                                       "start_score": 3}])
    adopt(long_stay, gw)
    assert plan(long_stay).next_evaluation_on == TODAY() - 18 * DAY  # still overdue, not six weeks ahead


def test_a_goal_with_actions_is_ended_not_deleted(pathway, worker):
    make(pathway, worker)
    stored = plan(pathway)
    first = stored.goals.get()
    services.do_add_action(first, who="Kinderwerker", what="Wekelijks gesprek", actor=worker)
    services.do_save_help_plan(pathway, expected_version=stored.version, actor=worker,
                               goals=[{"id": first.pk, "remove": True}, goal("school", "Naar school", 2)])
    first.refresh_from_db()
    assert first.ended_on == TODAY() and first.actions.count() == 1


def test_a_scored_goal_keeps_its_domain_and_start_score(long_stay, worker, gw):
    make(long_stay, worker)
    adopt(long_stay, gw, on=TODAY() - 60 * DAY)
    evaluate(long_stay, worker, TODAY() - 10 * DAY, score=6)
    stored = plan(long_stay)
    first = stored.goals.get()
    for change in ({"start_score": 5}, {"domain": "school"}):
        with pytest.raises(ValidationError) as exc:
            services.do_save_help_plan(long_stay, expected_version=stored.version, actor=worker,
                                       goals=[{"id": first.pk, "domain": "safety", "description": first.description,
                                               "start_score": 3, **change}])
        assert exc.value.code == "goal_scored"
    first.refresh_from_db()
    assert (first.domain, first.start_score) == ("safety", 3)
    # the wording may still be sharpened
    services.do_save_help_plan(long_stay, expected_version=stored.version, actor=worker,
                               goals=[{"id": first.pk, "domain": "safety", "description": "Beter verwoord",
                                       "start_score": 3}])
