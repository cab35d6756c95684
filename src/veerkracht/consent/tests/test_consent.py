"""Consent records, status per subject, the refusal step plan, pages, scoping and the timeline."""

from __future__ import annotations

import datetime
import random
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import AuditEvent
from veerkracht.clients.models import Authority, PersonKind
from veerkracht.consent import queries, rules, services
from veerkracht.consent.models import SHARING, ConsentRecord, ProcedureStep, RefusalProcedure
from veerkracht.core.concurrency import ConcurrentEditError
from veerkracht.pathway.timeline import timeline
from veerkracht.testing import factories

from .conftest import years_ago

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
SCREENING = "screening"  # an activity of the default methodology (Veerkracht 2012) that needs consent


def consent(family, who, decision="given", *, actor, subject=SCREENING, date=None, note=""):  # type: ignore[no-untyped-def]
    return services.do_record_consent(
        family.pathway, subject_code=subject, given_by=who, decision=decision, date=date or TODAY(), how="in_person",
        note=note, actor=actor,
    )


def state(family, subject=SCREENING, today=None):  # type: ignore[no-untyped-def]
    return queries.status_for_pathway(family.pathway, today=today)[subject]


def step(procedure, number, *, actor, decision="", serious_harm=False, date=None):  # type: ignore[no-untyped-def]
    procedure = RefusalProcedure.objects.get(pk=procedure.pk)
    return services.do_record_step(
        procedure, number=number, date=date or TODAY(), notes=f"notes of step {number}", decision=decision,
        serious_harm=serious_harm, expected_version=procedure.version, actor=actor,
    )


# --- subjects and age bands ---------------------------------------------------------------------
def test_subjects_are_the_activities_that_need_consent_and_sharing(make_family):
    family = make_family(years_ago(8))
    codes = list(queries.status_for_pathway(family.pathway))
    assert codes == ["screening", "network", "action_plan", "parent_support", SHARING]


@pytest.mark.parametrize(
    ("years", "days_before", "child_in", "parents_in"),
    [(12, 1, False, True), (12, 0, True, True), (16, 1, True, True), (16, 0, True, False)],
    ids=["day-before-12", "12th-birthday", "day-before-16", "16th-birthday"],
)
def test_age_band_on_the_exact_birthday(make_family, worker, years, days_before, child_in, parents_in):
    """Status on a fixed reference date: the birthday itself counts."""
    birth = datetime.date(2010, 3, 10)
    reference = birth.replace(year=birth.year + years) - datetime.timedelta(days=days_before)
    family = make_family(birth)
    columns = [cell.person.pk for cell in state(family, today=reference).cells]
    assert (family.child.pk in columns) is child_in
    assert (family.mother.pk in columns) is parents_in
    assert (family.father.pk in columns) is parents_in


@pytest.mark.parametrize(
    ("years", "days", "who", "allowed"),
    [
        (12, 1, "child", False),  # 11 years and 364 days: the parents consent, not the child
        (12, 0, "child", True),  # on the 12th birthday the child consents too
        (16, 1, "mother", True),  # 15: the parents with authority still consent
        (16, 0, "mother", False),  # on the 16th birthday: the young person alone
        (16, 0, "child", True),
    ],
)
def test_who_may_be_recorded_follows_the_age_band(make_family, worker, years, days, who, allowed):
    family = make_family(years_ago(years, days))
    person = getattr(family, who)
    if allowed:
        consent(family, person, actor=worker)
        assert ConsentRecord.objects.filter(given_by=person).count() == 1
    else:
        with pytest.raises(ValidationError) as exc:
            consent(family, person, actor=worker)
        assert "not_needed" in [e.code for e in exc.value.error_list]
        assert not ConsentRecord.objects.exists()


def test_under_12_two_parents_with_authority(make_family, worker):
    family = make_family(years_ago(8))
    assert state(family).state == rules.MISSING
    consent(family, family.mother, actor=worker)
    status = state(family)
    assert status.state == rules.MISSING and status.missing == [family.father]
    consent(family, family.father, actor=worker)
    assert state(family).state == rules.COMPLETE
    assert queries.missing_for_activity(family.pathway, SCREENING) is False
    assert queries.missing_for_activity(family.pathway, "network") is True
    assert queries.missing_for_activity(family.pathway, "intake") is False  # needs no consent


def test_12_to_15_needs_child_and_parents(make_family, worker):
    family = make_family(years_ago(13))
    consent(family, family.mother, actor=worker)
    consent(family, family.father, actor=worker)
    assert state(family).missing == [family.child]
    consent(family, family.child, actor=worker)
    assert state(family).state == rules.COMPLETE


def test_16_and_over_the_young_person_alone(make_family, worker):
    family = make_family(years_ago(16), mother=Authority.UNKNOWN, father=Authority.YES)
    status = state(family)
    assert [c.person for c in status.cells] == [family.child]
    assert status.warnings == ()
    consent(family, family.child, actor=worker)
    assert state(family).state == rules.COMPLETE


@pytest.mark.parametrize(
    ("mother", "father", "expected_state", "columns"),
    [
        (Authority.YES, Authority.NO, rules.COMPLETE, ["mother"]),
        (Authority.YES, Authority.UNKNOWN, rules.CHECK_AUTHORITY, ["mother", "father"]),
        (Authority.NO, Authority.NO, rules.CHECK_AUTHORITY, []),
        (Authority.UNKNOWN, None, rules.CHECK_AUTHORITY, ["mother"]),
    ],
)
def test_authority_combinations_through_the_database(make_family, worker, mother, father, expected_state, columns):
    family = make_family(years_ago(7), mother=mother, father=father)
    if mother == Authority.YES:
        consent(family, family.mother, actor=worker)
    status = state(family)
    assert status.state == expected_state
    assert [c.person.kind for c in status.cells] == columns


def test_a_parent_without_authority_cannot_be_recorded(make_family, worker):
    family = make_family(years_ago(7), father=Authority.NO)
    with pytest.raises(ValidationError) as exc:
        consent(family, family.father, actor=worker)
    assert "not_needed" in [e.code for e in exc.value.error_list]


def test_a_person_of_another_household_is_rejected(make_family, worker):
    family = make_family(years_ago(8))
    other = make_family(years_ago(9))
    for stranger in (other.mother, other.child):
        with pytest.raises(ValidationError) as exc:
            consent(family, stranger, actor=worker)
        assert "person" in [e.code for e in exc.value.error_list]
    assert not ConsentRecord.objects.exists()


def test_future_date_and_unknown_subject_are_refused(make_family, worker):
    family = make_family(years_ago(8))
    with pytest.raises(ValidationError):
        consent(family, family.mother, actor=worker, date=TODAY() + datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        consent(family, family.mother, actor=worker, subject="intake")  # intake needs no consent
    assert not ConsentRecord.objects.exists()


def test_another_organisation_may_not_write(make_family, kinderwerker_b):
    family = make_family(years_ago(8))
    with pytest.raises(PermissionDenied):
        consent(family, family.mother, actor=kinderwerker_b)


# --- appended, superseded, withdrawn -----------------------------------------------------------
def test_a_later_record_supersedes_and_nothing_is_edited(make_family, worker):
    family = make_family(years_ago(8), father=Authority.NO)
    first = consent(family, family.mother, "refused", actor=worker, date=TODAY() - datetime.timedelta(days=3))
    assert state(family).state == rules.REFUSED_STATE
    consent(family, family.mother, "given", actor=worker, date=TODAY() - datetime.timedelta(days=1))
    assert state(family).state == rules.COMPLETE
    # an older-dated record entered later does not win over a newer decision
    consent(family, family.mother, "refused", actor=worker, date=TODAY() - datetime.timedelta(days=2))
    assert state(family).state == rules.COMPLETE
    first.refresh_from_db()
    assert first.decision == "refused" and first.version == 1
    assert ConsentRecord.objects.count() == 3


def test_withdrawal_ends_consent(make_family, worker):
    family = make_family(years_ago(8), father=Authority.NO)
    with pytest.raises(ValidationError) as exc:
        consent(family, family.mother, "withdrawn", actor=worker)
    assert exc.value.code == "nothing_to_withdraw"
    consent(family, family.mother, "given", actor=worker)
    assert state(family).is_complete
    consent(family, family.mother, "withdrawn", actor=worker)
    status = state(family)
    assert not status.is_complete and status.refused == [family.mother]


def test_sharing_is_its_own_subject(make_family, worker):
    family = make_family(years_ago(16))
    consent(family, family.child, actor=worker, subject=SHARING)
    statuses = queries.status_for_pathway(family.pathway)
    assert statuses[SHARING].state == rules.COMPLETE
    assert statuses[SCREENING].state == rules.MISSING
    record = ConsentRecord.objects.get()
    assert record.subject is None and record.subject_code == SHARING


def test_audit_rows_carry_no_names_or_notes(make_family, worker):
    family = make_family(years_ago(13))
    consent(family, family.father, actor=worker, note="Vader wil eerst met advocaat praten")
    event = AuditEvent.objects.filter(object_type="consent.consentrecord").get()
    assert event.action == "create" and event.client_id == family.child.pk
    assert event.detail == "consent screening: given by father"
    for secret in ("Karim", "Jansen", "advocaat"):
        assert secret not in event.detail
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM consent_consentrecord")
        stored = cursor.fetchone()[0]
    assert "advocaat" not in stored  # encrypted at rest


# --- the refusal step plan ---------------------------------------------------------------------
def test_one_parent_refusing_while_the_other_consents_starts_the_step_plan(make_family, worker):
    family = make_family(years_ago(8))
    consent(family, family.father, "refused", actor=worker)
    assert not RefusalProcedure.objects.exists()  # nobody consents yet
    consent(family, family.mother, actor=worker)
    procedure = RefusalProcedure.objects.get()
    assert procedure.refusing_parent == family.father and procedure.subject_code == SCREENING
    assert state(family).procedure == procedure
    consent(family, family.mother, actor=worker)  # no second plan while one is open
    assert RefusalProcedure.objects.count() == 1


def test_steps_are_recorded_in_order(make_family, worker, scientist):
    family = make_family(years_ago(13))
    consent(family, family.child, actor=worker)
    consent(family, family.father, "refused", actor=worker)
    procedure = RefusalProcedure.objects.get()
    with pytest.raises(ValidationError) as exc:
        step(procedure, 2, actor=worker)
    assert exc.value.code == "order"
    step(procedure, 1, actor=worker)
    with pytest.raises(ValidationError):
        step(procedure, 1, actor=worker)
    step(procedure, 2, actor=worker)
    step(procedure, 3, actor=worker)
    assert list(ProcedureStep.objects.values_list("number", flat=True)) == [1, 2, 3]


def test_only_the_behavioural_scientist_decides(make_family, worker, scientist):
    family = make_family(years_ago(13))
    consent(family, family.mother, actor=worker)
    consent(family, family.child, actor=worker)
    consent(family, family.father, "refused", actor=worker)
    procedure = RefusalProcedure.objects.get()
    for number in (1, 2, 3):
        step(procedure, number, actor=worker)
    with pytest.raises(PermissionDenied):
        step(procedure, 4, actor=worker, decision="proceed")
    assert state(family).state == rules.REFUSED_STATE
    step(procedure, 4, actor=scientist, decision="proceed")  # the child of 13 consents
    status = state(family)
    assert status.state == rules.COMPLETE_BY_DECISION and status.overridden == [family.father]
    step(procedure, 5, actor=worker)
    procedure.refresh_from_db()
    assert procedure.closed_on == TODAY() and procedure.decision == "proceed"
    with pytest.raises(ValidationError):
        step(procedure, 5, actor=worker)
    # a new refusal after the decision counts again (and starts a new plan)
    consent(family, family.mother, "withdrawn", actor=worker)
    assert state(family).state == rules.REFUSED_STATE


@pytest.mark.parametrize(
    ("age", "child_consents", "serious_harm", "allowed"),
    [(8, False, False, False), (8, False, True, True), (13, False, False, False), (13, True, False, True),
     (13, False, True, True)],
)
def test_who_may_proceed_without_the_refusing_parent(make_family, worker, scientist, age, child_consents,
                                                     serious_harm, allowed):
    family = make_family(years_ago(age))
    consent(family, family.mother, actor=worker)
    if child_consents:
        consent(family, family.child, actor=worker)
    consent(family, family.father, "refused", actor=worker)
    procedure = RefusalProcedure.objects.get()
    for number in (1, 2, 3):
        step(procedure, number, actor=worker)
    if allowed:
        step(procedure, 4, actor=scientist, decision="proceed", serious_harm=serious_harm)
        assert RefusalProcedure.objects.get().decision == "proceed"
    else:
        with pytest.raises(ValidationError) as exc:
            step(procedure, 4, actor=scientist, decision="proceed", serious_harm=serious_harm)
        assert "not_allowed" in [e.code for e in exc.value.error_list]
        step(procedure, 4, actor=scientist, decision="do_not_proceed")  # not proceeding is always possible
        assert state(family).state == rules.REFUSED_STATE


def test_a_step_based_on_an_old_version_is_refused(make_family, worker):
    family = make_family(years_ago(8))
    consent(family, family.mother, actor=worker)
    consent(family, family.father, "refused", actor=worker)
    stale = RefusalProcedure.objects.get()
    step(stale, 1, actor=worker)
    stale.refresh_from_db()
    other = RefusalProcedure.objects.prefetch_related("steps").get(pk=stale.pk)
    services.do_record_step(other, number=2, date=TODAY(), notes="a", expected_version=other.version, actor=worker)
    stale_procedure = RefusalProcedure.objects.get(pk=stale.pk)
    with pytest.raises(ConcurrentEditError):
        services.do_record_step(stale_procedure, number=3, date=TODAY(), notes="b", expected_version=stale.version,
                                actor=worker)
    assert ProcedureStep.objects.count() == 2


# --- pages ---------------------------------------------------------------------------------------
def test_overview_page_shows_table_warnings_and_no_location(make_family, worker, client_for, location_a):
    family = make_family(years_ago(13), father=Authority.UNKNOWN)
    consent(family, family.mother, actor=worker, note="Moeder akkoord")
    response = client_for(worker).get(reverse("consent:overview", kwargs={"pk": family.pathway.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-subject="screening" data-state="check_authority"' in html
    assert 'data-warning="check_register"' in html
    assert "Check the gezagsregister" in html
    assert "Moeder akkoord" in html
    assert location_a.name not in html and str(location_a.address) not in html
    assert AuditEvent.objects.filter(action="read", object_type="pathway.pathway", detail="consent overview").exists()


def test_overview_post_records_and_bad_input_re_renders(make_family, worker, client_for):
    family = make_family(years_ago(8))
    client = client_for(worker)
    url = reverse("consent:overview", kwargs={"pk": family.pathway.pk})
    response = client.post(url, {"subject": SCREENING, "person": family.mother.pk, "decision": "given",
                                 "date": TODAY().isoformat(), "how": "phone", "note": ""})
    assert response.status_code == 302 and response["Location"] == url
    assert ConsentRecord.objects.get().how == "phone"
    response = client.post(url, {"subject": SCREENING, "person": family.child.pk, "decision": "given",
                                 "date": TODAY().isoformat(), "how": "phone"})
    assert response.status_code == 200  # the child of 8 is not a choice
    response = client.post(url, {"subject": SCREENING, "person": family.mother.pk, "decision": "withdrawn",
                                 "date": (TODAY() + datetime.timedelta(days=2)).isoformat(), "how": "phone"})
    assert response.status_code == 200
    assert "The date cannot lie in the future." in response.content.decode()
    assert ConsentRecord.objects.count() == 1


def test_refusal_page_and_step_4_only_for_the_scientist(make_family, worker, scientist, client_for):
    family = make_family(years_ago(13))
    consent(family, family.child, actor=worker)
    consent(family, family.father, "refused", actor=worker)
    procedure = RefusalProcedure.objects.get()
    url = reverse("consent:refusal", kwargs={"pk": procedure.pk})
    consent(family, family.mother, actor=worker)
    client = client_for(worker)
    overview = client.get(reverse("consent:overview", kwargs={"pk": family.pathway.pk})).content.decode()
    assert url in overview
    for number in (1, 2, 3):
        response = client.post(url, {"number": number, "version": RefusalProcedure.objects.get().version,
                                     "date": TODAY().isoformat(), "notes": "gesprek"})
        assert response.status_code == 302, response.content.decode()
    html = client.get(url).content.decode()
    assert "data-decider-only" in html
    response = client.post(url, {"number": 4, "version": RefusalProcedure.objects.get().version,
                                 "date": TODAY().isoformat(), "notes": "x", "decision": "proceed"})
    assert response.status_code == 403
    response = client_for(scientist).post(url, {"number": 4, "version": RefusalProcedure.objects.get().version,
                                                "date": TODAY().isoformat(), "notes": "besluit", "decision": "proceed"})
    assert response.status_code == 302
    assert RefusalProcedure.objects.get().decision == "proceed"
    assert state(family).state == rules.COMPLETE_BY_DECISION


def test_a_stale_step_form_keeps_the_input_and_shows_the_stored_steps(make_family, worker, client_for):
    family = make_family(years_ago(8))
    consent(family, family.mother, actor=worker)
    consent(family, family.father, "refused", actor=worker)
    procedure = RefusalProcedure.objects.get()
    opened_version = procedure.version
    step(procedure, 1, actor=worker)  # a colleague records step 1 meanwhile
    url = reverse("consent:refusal", kwargs={"pk": procedure.pk})
    response = client_for(worker).post(url, {"number": 1, "version": opened_version, "date": TODAY().isoformat(),
                                             "notes": "mijn eigen aantekeningen"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else changed this record" in html
    assert "mijn eigen aantekeningen" in html
    assert 'name="number" value="2"' in html
    assert ProcedureStep.objects.count() == 1


def test_other_organisation_gets_404(make_family, worker, staff, org_b, client_for):
    family = make_family(years_ago(8))
    consent(family, family.mother, actor=worker)
    consent(family, family.father, "refused", actor=worker)
    procedure = RefusalProcedure.objects.get()
    outsider = client_for(staff(Role.TEAMLEIDER, org_b, username="tl_b"))
    for url in (reverse("consent:overview", kwargs={"pk": family.pathway.pk}),
                reverse("consent:refusal", kwargs={"pk": procedure.pk})):
        assert outsider.get(url).status_code == 404
        assert outsider.post(url, {"subject": SCREENING, "person": family.mother.pk, "decision": "given",
                                   "date": TODAY().isoformat(), "how": "phone", "number": 1, "notes": "x",
                                   "version": 1}).status_code == 404
    assert ConsentRecord.objects.count() == 2 and not ProcedureStep.objects.exists()


def test_overview_query_count_does_not_grow(make_family, worker, client_for, django_assert_max_num_queries):
    family = make_family(years_ago(13))
    client = client_for(worker)
    url = reverse("consent:overview", kwargs={"pk": family.pathway.pk})
    client.get(url)
    for code in ("screening", "network", "action_plan", "parent_support", SHARING):
        for person in (family.mother, family.child):
            consent(family, person, actor=worker, subject=code)
        consent(family, family.father, "refused", actor=worker, subject=code)
    assert RefusalProcedure.objects.count() == 5
    with django_assert_max_num_queries(25):
        response = client.get(url)
    assert response.status_code == 200


def test_timeline_entries_name_roles_not_people(make_family, worker):
    family = make_family(years_ago(13))
    consent(family, family.mother, actor=worker)
    consent(family, family.father, "refused", actor=worker)
    step(RefusalProcedure.objects.get(), 1, actor=worker)
    entries = [e for e in timeline(family.child) if e.kind.startswith("consent")]
    assert {e.kind for e in entries} == {"consent", "consent_procedure"}
    assert len(entries) == 3
    for entry in entries:
        assert "Karim" not in entry.detail and "Fatima" not in entry.detail
        assert entry.url


# --- demo ----------------------------------------------------------------------------------------
def test_demo_seed_is_deterministic_and_audited(make_family, worker):
    from veerkracht.consent import demo

    families = [
        make_family(years_ago(13)),
        make_family(years_ago(6), father=Authority.UNKNOWN),
        make_family(years_ago(4)),
        make_family(years_ago(17), father=None),
    ]
    pathways = [f.pathway for f in families]
    counts = demo.seed(pathways, actor=worker, today=TODAY(), rng=random.Random(5))
    assert counts["records"] == ConsentRecord.objects.count() > 0
    procedure = RefusalProcedure.objects.get()  # only the planned refusal starts a step plan
    assert procedure.refusing_parent.kind == PersonKind.FATHER
    assert procedure.steps.count() == 3
    assert procedure.pathway == families[0].pathway
    assert counts["procedures"] == 1 and counts["steps"] == 3
    assert counts["authority_unknown"] == 1
    assert AuditEvent.objects.filter(object_type="consent.consentrecord").count() == ConsentRecord.objects.count()
    assert factories  # synthetic data only


def test_step_plan_in_the_dossier_shows_where_consent_is_missing(make_family, worker, client_for):
    family = make_family(years_ago(8))
    client = client_for(worker)
    url = reverse("clients:dossier", args=[family.child.pk])

    def badges() -> dict[str, str]:
        html = client.get(url).content.decode()
        rows = re.findall(r'<tr data-activity="([a-z_]+)".*?</tr>', html, flags=re.S)
        found = dict(re.findall(r'<tr data-activity="([a-z_]+)"(?:(?!</tr>).)*?data-consent-missing>'
                                r'<span[^>]*>Consent: ([^<]+)</span>', html, flags=re.S))
        assert rows  # the step plan is there
        return found

    assert badges() == {code: "missing" for code in ("screening", "network", "action_plan", "parent_support")}
    consent(family, family.mother, actor=worker)
    assert "screening" in badges()  # the father's consent is still missing
    consent(family, family.father, "refused", actor=worker)
    assert badges()["screening"] == "refused"
    queries_before = _count_queries(client, url)  # with a record, a refusal and its step plan
    consent(family, family.father, actor=worker)
    assert "screening" not in badges() and "network" in badges()
    # the badges cost a fixed number of queries, whatever was recorded
    for code in ("network", "action_plan", "parent_support"):
        consent(family, family.mother, actor=worker, subject=code)
    assert _count_queries(client, url) == queries_before


def _count_queries(client, url):  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return len(ctx.captured_queries)
