# ruff: noqa: F811 - the fixtures come from test_effect
"""The one-click referral from the effect report: a child still above the cut-off at T1 referred to trauma
treatment in its help plan (issue 7 point 5)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import Action, AuditEvent
from veerkracht.courses import effect
from veerkracht.courses.models import Measurement
from veerkracht.referrals.models import Referral, ReferralKind, ReferralStatus
from veerkracht.screening.models import Decision, Signal, SignalStatus
from veerkracht.screening.services import do_decide_signal
from veerkracht.testing import factories

from .test_effect import INSTRUMENT, course, make_group, measured  # noqa: F401 - fixtures

TO_WHOM = "GGZ Kind en Jeugd"


def t1_of(enrolment) -> Measurement:  # type: ignore[no-untyped-def]
    return enrolment.measurements.get(timepoint="T1")


def open_signal(measurement: Measurement) -> Signal:
    return Signal.objects.create(administration=measurement.administration,
                                 opened_on=measurement.administration.administered_on)


def refer_url(measurement: Measurement) -> str:
    return reverse("courses:effect_refer", args=[measurement.pk])


def group_url(group) -> str:  # type: ignore[no-untyped-def]
    return reverse("courses:effect_group", args=[group.pk])


def test_behavioural_scientist_refers_and_decides_the_open_signal(course, org_a, make_child, client_for, staff):
    group = make_group(course, org_a)
    child = make_child(first_name="Bas", last_name="Visser")
    t1 = t1_of(measured(group, child, {"T0": 30, "T1": 25}))
    signal = open_signal(t1)
    gw = client_for(staff(Role.GEDRAGSWETENSCHAPPER, org_a, username="gw_refer"))
    html = gw.get(group_url(group)).content.decode()
    assert f'action="{refer_url(t1)}"' in html and "Refer to trauma treatment" in html
    assert f'name="signal_version" value="{signal.version}"' in html

    response = gw.post(refer_url(t1), {"to_whom": TO_WHOM, "report": "group", "signal_version": signal.version})
    assert response.status_code == 302 and response["Location"] == group_url(group)
    referral = Referral.objects.get()
    pathway = child.stays.get().pathway
    assert referral.pathway == pathway and referral.kind == ReferralKind.TRAUMA_TREATMENT
    assert referral.status == ReferralStatus.SENT and referral.sent_on == timezone.localdate()
    assert referral.to_whom == TO_WHOM
    label = effect.instrument_label(INSTRUMENT)
    assert "Testcursus" in referral.reason and label in referral.reason and "T1" in referral.reason
    assert "score 25 (cut-off 21)" in referral.reason
    assert "Groep Noord" not in referral.reason and "De Linde" not in referral.reason
    signal.refresh_from_db()
    assert signal.status == SignalStatus.DECIDED and signal.decision == Decision.TRAUMA_REFERRAL
    assert signal.referral == referral and signal.decided_on == timezone.localdate()
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type__icontains="referral",
                                     client_id=child.pk).count() == 1

    # the report now shows the referral with its date instead of the button
    html = gw.get(group_url(group)).content.decode()
    assert reverse("referrals:detail", args=[referral.pk]) in html and "data-referred" in html
    assert f"referred to trauma treatment on {timezone.localdate():%d-%m-%Y}" in html
    assert f'action="{refer_url(t1)}"' not in html
    # and it is in the child's help plan and on its referrals page
    plan = gw.get(reverse("plans:plan", args=[pathway.pk])).content.decode()
    assert f'data-referral="{referral.pk}"' in plan and TO_WHOM in plan
    assert TO_WHOM in gw.get(reverse("referrals:list", args=[pathway.pk])).content.decode()


def test_child_worker_refers_a_child_without_open_signal_once(course, org_a, make_child, client_for, staff):
    group = make_group(course, org_a)
    child = make_child(first_name="Dirk", last_name="Visser")
    t1 = t1_of(measured(group, child, {"T0": 30, "T1": 24}))
    worker = client_for(staff(Role.KINDERWERKER, org_a, username="kw_refer"))
    assert 'name="signal_version"' not in worker.get(group_url(group)).content.decode()
    response = worker.post(refer_url(t1), {"to_whom": TO_WHOM, "report": "group"})
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.kind == ReferralKind.TRAUMA_TREATMENT and referral.pathway == child.stays.get().pathway
    assert referral.events.count() == 1
    # a second POST (a double click, an old page) refers nobody again
    response = worker.post(refer_url(t1), {"to_whom": "Andere GGZ", "report": "group"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "already has an open referral to trauma treatment" in html and "data-refer-errors" in html
    assert Referral.objects.count() == 1
    assert reverse("referrals:detail", args=[referral.pk]) in html  # the page again, with the referral


def test_closed_referral_of_that_kind_does_not_block_a_new_one(course, org_a, make_child, client_for, staff):
    from veerkracht.referrals.services import do_change_referral_status, do_create_referral

    group = make_group(course, org_a)
    child = make_child()
    t1 = t1_of(measured(group, child, {"T0": 30, "T1": 24}))
    worker_user = staff(Role.KINDERWERKER, org_a, username="kw_refer_closed")
    old = do_create_referral(child.stays.get().pathway, kind=ReferralKind.TRAUMA_TREATMENT, to_whom="Eerder",
                             sent_on=timezone.localdate(), actor=worker_user)
    worker = client_for(worker_user)
    assert "data-referred" in worker.get(group_url(group)).content.decode()
    do_change_referral_status(old, status=ReferralStatus.CLOSED, on=timezone.localdate(), expected_version=old.version,
                              closing_reason="completed", actor=worker_user)
    assert worker.post(refer_url(t1), {"to_whom": TO_WHOM, "report": "group"}).status_code == 302
    assert Referral.objects.filter(status=ReferralStatus.SENT).count() == 1


def test_child_worker_leaves_an_open_signal_to_the_behavioural_scientist(course, org_a, make_child, client_for,
                                                                         staff):
    group = make_group(course, org_a)
    t1 = t1_of(measured(group, make_child(), {"T0": 30, "T1": 26}))
    signal = open_signal(t1)
    worker = client_for(staff(Role.KINDERWERKER, org_a, username="kw_refer_signal"))
    html = worker.get(group_url(group)).content.decode()
    assert "data-waits-for-decider" in html and reverse("screening:signal", args=[signal.pk]) in html
    assert f'action="{refer_url(t1)}"' not in html
    response = worker.post(refer_url(t1), {"to_whom": TO_WHOM, "report": "group"})
    assert response.status_code == 400 and "a behavioural scientist decides" in response.content.decode()
    assert not Referral.objects.exists()
    signal.refresh_from_db()
    assert signal.status == SignalStatus.OPEN


def test_signal_decided_meanwhile_is_not_overwritten(course, org_a, make_child, client_for, staff):
    group = make_group(course, org_a)
    t1 = t1_of(measured(group, make_child(), {"T0": 30, "T1": 26}))
    signal = open_signal(t1)
    gw_user = staff(Role.GEDRAGSWETENSCHAPPER, org_a, username="gw_refer_stale")
    version = signal.version  # the page shows the signal open
    do_decide_signal(signal, decision=Decision.GUIDANCE, reason="Begeleiding in het plan", expected_version=version,
                     actor=staff(Role.GEDRAGSWETENSCHAPPER, org_a, username="gw_other"))
    response = client_for(gw_user).post(refer_url(t1), {"to_whom": TO_WHOM, "report": "group",
                                                         "signal_version": version})
    assert response.status_code == 400 and "decided meanwhile" in response.content.decode()
    assert not Referral.objects.exists()


def test_bad_input_is_refused_and_kept(course, org_a, make_child, client_for, staff):
    group = make_group(course, org_a)
    t1 = t1_of(measured(group, make_child(), {"T0": 30, "T1": 26}))
    client = client_for(staff(Role.MENTOR, org_a, username="m_refer"))
    response = client.post(refer_url(t1), {"to_whom": "", "report": "group"})
    assert response.status_code == 400
    assert "Fill in the organisation the child is referred to." in response.content.decode()
    too_long = "GGZ " + "x" * 130
    html = client.post(refer_url(t1), {"to_whom": too_long, "report": "group"}).content.decode()
    assert "The name of the organisation is too long." in html and f'value="{too_long}"' in html
    assert 'aria-invalid="true"' in html
    assert not Referral.objects.exists()


def test_closed_pathway_is_refused_with_a_message(course, org_a, make_child, client_for, staff):
    group = make_group(course, org_a)
    child = make_child()
    t1 = t1_of(measured(group, child, {"T0": 30, "T1": 26}))
    pathway = child.stays.get().pathway
    pathway.closed_on = timezone.localdate()
    pathway.save(update_fields=["closed_on"])
    gw = client_for(staff(Role.GEDRAGSWETENSCHAPPER, org_a, username="gw_refer_closed"))
    html = gw.get(group_url(group)).content.decode()
    assert "data-pathway-closed" in html and f'action="{refer_url(t1)}"' not in html
    response = gw.post(refer_url(t1), {"to_whom": TO_WHOM, "report": "group"})
    assert response.status_code == 400
    assert "closed at discharge and can no longer be changed" in response.content.decode()
    assert "data-above" in response.content.decode()  # the report is shown again
    assert not Referral.objects.exists()


def test_a_score_below_the_cut_off_is_not_referred(course, org_a, make_child, client_for, staff):
    group = make_group(course, org_a)
    t1 = t1_of(measured(group, make_child(), {"T0": 30, "T1": 12}))
    response = client_for(staff(Role.TEAMLEIDER, org_a, username="tl_refer")).post(
        refer_url(t1), {"to_whom": TO_WHOM, "report": "group"})
    assert response.status_code == 400 and "not above the cut-off" in response.content.decode()
    assert not Referral.objects.exists()


def test_others_cannot_refer(course, org_a, org_b, make_child, location_b, client_for, staff):
    group = make_group(course, org_a)
    t1 = t1_of(measured(group, make_child(), {"T0": 30, "T1": 26}))
    data = {"to_whom": TO_WHOM, "report": "group"}
    # another organisation's worker and behavioural scientist: a guessed id confirms nothing
    assert client_for(staff(Role.KINDERWERKER, org_b, username="kw_b_refer")).post(
        refer_url(t1), data).status_code == 404
    assert client_for(staff(Role.GEDRAGSWETENSCHAPPER, org_b, username="gw_b_refer")).post(
        refer_url(t1), data).status_code == 404
    # the municipality, and a user of the own organisation without a client role
    municipality = factories.make_staff(Role.GEMEENTE, region=org_a.regions.first(), username="gem_refer")
    assert client_for(municipality).post(refer_url(t1), data).status_code == 403
    assert client_for(staff(Role.FUNCTIONEEL_BEHEERDER, org_a, username="fb_refer")).post(
        refer_url(t1), data).status_code == 403
    assert not Referral.objects.exists()


def test_child_of_another_organisation_in_the_group_is_neither_named_nor_referred(
        course, org_a, org_b, make_child, location_b, client_for, staff):
    group = make_group(course, org_a)
    t1 = t1_of(measured(group, make_child(organisation=org_b, location=location_b, first_name="Zoë"),
                        {"T0": 30, "T1": 28}))
    gw = client_for(staff(Role.GEDRAGSWETENSCHAPPER, org_a, username="gw_refer_b"))
    html = gw.get(group_url(group)).content.decode()
    assert "Zoë" not in html and "data-refer" not in html
    assert gw.post(refer_url(t1), {"to_whom": TO_WHOM, "report": "group"}).status_code == 404
    assert not Referral.objects.exists()


def test_referral_from_the_course_report_goes_back_to_it(course, org_a, make_child, client_for, staff):
    group = make_group(course, org_a)
    t1 = t1_of(measured(group, make_child(), {"T0": 30, "T1": 26}))
    client = client_for(staff(Role.KINDERWERKER, org_a, username="kw_refer_tpl"))
    template_url = reverse("courses:effect_template", args=[course.pk])
    html = client.get(template_url).content.decode()
    assert 'name="report" value="template"' in html
    assert client.get(refer_url(t1)).status_code == 302  # a GET only goes back
    response = client.post(refer_url(t1), {"to_whom": "", "report": "template"})
    assert response.status_code == 400 and 'data-group-count="1"' in response.content.decode()
    response = client.post(refer_url(t1), {"to_whom": TO_WHOM, "report": "template"})
    assert response.status_code == 302 and response["Location"] == template_url
    assert Referral.objects.count() == 1


def _not_audit(captured: list[dict]) -> list[str]:
    """The queries apart from the access log's (one row per named child, with its savepoint and, on PostgreSQL,
    its advisory lock): those may grow with the children, nothing else may."""
    skip = ("audit_auditevent", "SAVEPOINT", "pg_advisory_xact_lock")
    return [q["sql"] for q in captured if not any(word in q["sql"] for word in skip)]


def test_queries_do_not_grow_with_children_above_the_cut_off(course, org_a, make_child, client_for, staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from veerkracht.referrals.services import do_create_referral

    group = make_group(course, org_a)
    gw_user = staff(Role.GEDRAGSWETENSCHAPPER, org_a, username="gw_refer_q")
    client = client_for(gw_user)

    def add_child(with_signal: bool) -> Measurement:
        t1 = t1_of(measured(group, make_child(), {"T0": 30, "T1": 25}))
        if with_signal:
            open_signal(t1)
        return t1

    add_child(True)
    with CaptureQueriesContext(connection) as one:
        html = client.get(group_url(group)).content.decode()
    assert html.count('class="no-print refer-form"') == 1
    # four more: one with an open referral already, two with signals, one without
    referred = add_child(False)
    do_create_referral(referred.administration.pathway, kind=ReferralKind.TRAUMA_TREATMENT, to_whom="GGZ",
                       sent_on=timezone.localdate(), actor=gw_user)
    add_child(True)
    add_child(True)
    add_child(False)
    reads = AuditEvent.objects.filter(action=Action.READ).count()
    with CaptureQueriesContext(connection) as five:
        html = client.get(group_url(group)).content.decode()
    assert AuditEvent.objects.filter(action=Action.READ).count() - reads == 5  # each name read logged
    assert html.count('class="no-print refer-form"') == 4 and html.count("data-referred") == 1
    assert len(_not_audit(five.captured_queries)) == len(_not_audit(one.captured_queries))
    # the four more log rows: savepoint, last hash, insert, release (and the lock on PostgreSQL) each
    assert len(five.captured_queries) - len(one.captured_queries) <= 4 * 5


def test_a_child_outside_the_workers_teams_is_not_referred_by_that_worker(course, org_a, make_child, client_for,
                                                                           staff):
    group = make_group(course, org_a)
    child = make_child(first_name="Noor", last_name="Jansen")
    t1 = t1_of(measured(group, child, {"T0": 30, "T1": 26}))
    org_a.restrict_to_teams = True
    org_a.save(update_fields=["restrict_to_teams"])
    worker_user = staff(Role.KINDERWERKER, org_a, username="kw_refer_team")  # no team, not the child's worker
    worker = client_for(worker_user)
    assert f'action="{refer_url(t1)}"' not in worker.get(group_url(group)).content.decode()
    assert worker.post(refer_url(t1), {"to_whom": TO_WHOM, "report": "group"}).status_code == 404
    child.child_worker = worker_user
    child.save(update_fields=["child_worker"])
    assert f'action="{refer_url(t1)}"' in worker.get(group_url(group)).content.decode()
    assert worker.post(refer_url(t1), {"to_whom": TO_WHOM, "report": "group"}).status_code == 302
    assert Referral.objects.get().created_by == worker_user
