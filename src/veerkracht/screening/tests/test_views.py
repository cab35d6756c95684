"""The screening pages: overview with suggestions, charts and signals; the questionnaire form; the
result; the signal with the gedragswetenschapper's decision; and the signals on "Mijn werk"."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from veerkracht.audit.models import AuditEvent
from veerkracht.pathway.models import Pathway
from veerkracht.referrals.models import Referral
from veerkracht.screening import services
from veerkracht.screening.followups import DECIDE_WITHIN_DAYS
from veerkracht.screening.models import Administration, Decision, Signal, SignalStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("instruments")]
TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def administer(pathway, actor, values=(1, 1, 1, 1, 1, 1), *, days_ago=1, instrument="test-ptss", **extra):  # type: ignore[no-untyped-def]
    answers = {f"q{n}": (None if v is None else str(v)) for n, v in enumerate(values, start=1)}
    return services.do_record_administration(pathway, instrument_id=instrument, answers=answers,
                                             administered_on=TODAY() - days_ago * DAY, actor=actor, **extra)


def form_data(values, *, on=None, **extra):  # type: ignore[no-untyped-def]
    data = {f"item_q{n}": ("" if v is None else str(v)) for n, v in enumerate(values, start=1)}
    return {"administered_on": (on or TODAY()).isoformat(), **data, **extra}


def test_overview_suggests_fitting_instruments_and_logs_the_read(pathway, worker, client_for, mother):
    html = client_for(worker).get(reverse("screening:overview", args=[pathway.pk])).content.decode()
    suggested = html.split("data-suggested", 1)[1]
    assert 'data-instrument="test-ptss"' in suggested and 'data-instrument="test-scales"' in suggested
    assert reverse("screening:administer", args=[pathway.pk, "test-ptss"]) in suggested
    assert "For a child of 10 years." in suggested
    assert "For the parent, about herself" in suggested and 'data-instrument="test-mood"' in suggested
    assert "No questionnaires filled in yet." in html
    assert AuditEvent.objects.filter(action="read", client_id=pathway.stay.person_id, detail="screening").count() == 1


def test_overview_leaves_out_instruments_for_another_age(pathway, worker, client_for):
    child = pathway.stay.person
    type(child).objects.filter(pk=child.pk).update(birth_date=TODAY().replace(year=TODAY().year - 17))
    html = client_for(worker).get(reverse("screening:overview", args=[pathway.pk])).content.decode()
    assert 'data-instrument="test-ptss"' in html and 'data-instrument="test-scales"' not in html  # 3-16
    assert "For the parent, about herself" not in html  # no parent in the household


def test_overview_draws_the_course_with_a_table_and_lists_open_signals(pathway, worker, client_for):
    administer(pathway, worker, (1, 1, 1, 1, 1, 1), days_ago=60)
    administer(pathway, worker, (3, None, None, 3, 3, 3), days_ago=30)  # invalid
    latest = administer(pathway, worker, (2, 2, 2, 2, 2, 3), days_ago=2)  # 13: clinical
    html = client_for(worker).get(reverse("screening:overview", args=[pathway.pk])).content.decode()
    course = html.split('data-course="test-ptss"', 1)[1]
    svg = course.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "<title" in svg and "TEST-PTSS: total score over time" in svg
    assert "invalid" in svg and 'data-point="clinical"' in svg and svg.count('data-point="normal"') == 1
    assert "The clinical range starts at 12." in svg  # the <desc> says it in words
    table = course.split("data-course-table", 1)[1].split("</table>", 1)[0]
    assert table.count("data-administration=") == 3 and "yes, above the cut-off" in table and "invalid" in table
    signals = html.split("data-open-signals", 1)[1].split("</section>", 1)[0]
    assert f'data-signal="{latest.signal.pk}"' in signals
    assert (TODAY() - 2 * DAY + DECIDE_WITHIN_DAYS * DAY).strftime("%d-%m-%Y") in signals


def test_the_form_has_one_row_of_radio_buttons_per_item_labelled_by_number(pathway, worker, client_for):
    html = client_for(worker).get(reverse("screening:administer", args=[pathway.pk, "test-ptss"])).content.decode()
    rows = re.findall(r'<tr data-item="(q\d)">', html)
    assert rows == [f"q{n}" for n in range(1, 7)]
    assert "Item 3" in html and "data-numbered-items" in html
    assert html.count('type="radio" name="item_q3"') == 5  # four answers and "no answer"
    assert 'aria-labelledby="id_item_q3_label section-1-option-2"' in html
    assert AuditEvent.objects.filter(action="read", detail="screening form").count() == 1


def test_an_instrument_with_text_shows_it(pathway, worker, client_for, mother):
    html = client_for(worker).get(reverse("screening:administer", args=[pathway.pk, "test-mood"])).content.decode()
    assert "2. Vraag 2 over slapen" in html and "data-numbered-items" not in html
    assert 'name="subject"' in html and "Sara" in html


def test_saving_the_form_scores_it_and_shows_the_result(pathway, worker, client_for):
    client = client_for(worker)
    response = client.post(reverse("screening:administer", args=[pathway.pk, "test-ptss"]),
                           form_data((3, 3, 2, 2, 1, 2), note="Samen met de kinderwerker ingevuld"))
    administration = Administration.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("screening:result",
                                                                           args=[administration.pk])
    assert (administration.total, administration.clinical, administration.note) == (13, True, "Samen met de "
                                                                                     "kinderwerker ingevuld")
    html = client.get(response["Location"]).content.decode()
    assert "The result lies in the clinical range" in html  # the message after saving
    assert 'data-result="clinical"' in html and "Above the cut-off" in html  # in words, not only colour
    assert re.search(r"data-total>13\b", html) and 'data-band="probable"' in html
    scales = html.split("scales-caption", 1)[1].split("</table>", 1)[0]
    assert 'data-scale="a"' in scales and ">8<" in scales and 'data-scale="b"' in scales and ">5<" in scales
    assert f'href="{reverse("screening:signal", args=[administration.signal.pk])}"' in html


def test_an_invalid_result_shows_why(pathway, worker, client_for):
    administration = administer(pathway, worker, (3, None, None, 3, 3, 3))
    html = client_for(worker).get(reverse("screening:result", args=[administration.pk])).content.decode()
    assert 'data-result="invalid"' in html and "Too many answers are missing" in html
    assert "data-total>-" in html


def test_form_errors_keep_the_input(pathway, worker, client_for):
    url = reverse("screening:administer", args=[pathway.pk, "test-ptss"])
    response = client_for(worker).post(url, form_data((3, 2, None, 1, 0, 2), on=TODAY() + DAY))
    html = response.content.decode()
    assert response.status_code == 200 and "The date cannot lie in the future." in html
    assert 'id="id_item_q1_3" value="3" checked' in html and 'id="id_item_q2_2" value="2" checked' in html
    assert 'id="id_item_q3_none" value="" checked' in html  # left empty
    assert not Administration.objects.exists()
    response = client_for(worker).post(url, form_data((None,) * 6))
    assert "Fill in the answers." in response.content.decode() and not Administration.objects.exists()


def test_scale_score_form_keeps_the_input_on_errors(pathway, worker, client_for):
    url = reverse("screening:administer", args=[pathway.pk, "test-scales"])
    response = client_for(worker).post(url, {"administered_on": TODAY().isoformat(), "scale_x": "12", "scale_y": "4"})
    html = response.content.decode()
    assert response.status_code == 200 and 'name="scale_y" value="4"' in html and 'name="scale_x" value="12"' in html
    assert not Administration.objects.exists()
    response = client_for(worker).post(url, {"administered_on": TODAY().isoformat(), "scale_x": "9", "scale_y": "6"})
    assert response.status_code == 302 and Administration.objects.get().total == 15


def test_the_choice_of_instruments_without_one_chosen(pathway, worker, client_for):
    client = client_for(worker)
    html = client.get(reverse("screening:administer", args=[pathway.pk])).content.decode()
    assert 'data-instrument="test-ptss"' in html
    assert client.get(reverse("screening:administer", args=[pathway.pk, "unknown"])).status_code == 404


def _signal(pathway, worker, days_ago=2):  # type: ignore[no-untyped-def]
    return administer(pathway, worker, (3, 3, 3, 2, 2, 2), days_ago=days_ago).signal


def test_the_gedragswetenschapper_decides_a_referral_through_the_form(pathway, worker, gw, client_for):
    signal = _signal(pathway, worker)
    url = reverse("screening:signal", args=[signal.pk])
    html = client_for(worker).get(url).content.decode()
    assert 'name="decision"' not in html and "data-waits" in html  # the worker sees it, cannot decide
    assert client_for(worker).post(url, {"version": 1, "decision": Decision.GUIDANCE, "reason": "x",
                                         "decided_on": TODAY().isoformat()}).status_code == 403
    client = client_for(gw)
    response = client.post(url, {"version": 1, "decision": Decision.TRAUMA_REFERRAL, "reason": "Veel herbeleving",
                                 "to_whom": "", "decided_on": TODAY().isoformat()})
    html = response.content.decode()
    assert response.status_code == 200 and "Fill in the organisation the child is referred to." in html
    assert "Veel herbeleving" in html  # the input is kept
    response = client.post(url, {"version": 1, "decision": Decision.TRAUMA_REFERRAL, "reason": "Veel herbeleving",
                                 "to_whom": "Traumacentrum Kind en Jeugd", "decided_on": TODAY().isoformat()})
    assert response.status_code == 302
    referral = Referral.objects.get()
    html = client.get(url).content.decode()
    assert 'data-decision="trauma_referral"' in html and 'name="decision"' not in html
    assert reverse("referrals:detail", args=[referral.pk]) in html
    referrals = client.get(reverse("referrals:list", args=[pathway.pk])).content.decode()
    assert f'data-referral="{referral.pk}"' in referrals and "Traumacentrum Kind en Jeugd" in referrals


def test_a_stale_decision_shows_what_was_decided_and_keeps_the_input(pathway, worker, gw, staff, org_a,
                                                                   client_for):
    signal = _signal(pathway, worker)
    other = staff("gedragswetenschapper", org_a, username="gw_b")
    services.do_decide_signal(Signal.objects.get(pk=signal.pk), decision=Decision.OTHER, reason="Teamoverleg",
                              expected_version=1, actor=other)
    response = client_for(gw).post(reverse("screening:signal", args=[signal.pk]), {
        "version": 1, "decision": Decision.GUIDANCE, "reason": "Mijn eigen afweging", "decided_on": TODAY().isoformat()})
    html = response.content.decode()
    assert response.status_code == 200 and "data-meanwhile" in html and "A colleague decided meanwhile" in html
    assert "Mijn eigen afweging" in html and "This signal has already been decided." in html
    stored = Signal.objects.get(pk=signal.pk)
    assert (stored.decision, stored.decided_by) == (Decision.OTHER, other)


def test_other_organisation_gets_404(pathway, worker, staff, org_b, client_for):
    signal = _signal(pathway, worker)
    stranger = client_for(staff("teamleider", org_b, username="tl_b"))
    for url in (reverse("screening:overview", args=[pathway.pk]), reverse("screening:administer", args=[pathway.pk]),
                reverse("screening:administer", args=[pathway.pk, "test-ptss"]),
                reverse("screening:result", args=[signal.administration_id]),
                reverse("screening:signal", args=[signal.pk])):
        assert stranger.get(url).status_code == 404, url
    response = stranger.post(reverse("screening:administer", args=[pathway.pk, "test-ptss"]), form_data((1,) * 6))
    assert response.status_code == 404 and Administration.objects.count() == 1


def test_closed_pathway_is_read_only(pathway, worker, gw, client_for):
    signal = _signal(pathway, worker)
    Pathway.objects.filter(pk=pathway.pk).update(closed_on=TODAY())
    html = client_for(worker).get(reverse("screening:overview", args=[pathway.pk])).content.decode()
    assert "data-closed" in html and reverse("screening:administer", args=[pathway.pk, "test-ptss"]) not in html
    url = reverse("screening:administer", args=[pathway.pk, "test-ptss"])
    assert 'type="radio"' not in client_for(worker).get(url).content.decode()
    assert client_for(worker).post(url, form_data((1,) * 6)).status_code == 302
    signal_url = reverse("screening:signal", args=[signal.pk])
    assert 'name="decision"' not in client_for(gw).get(signal_url).content.decode()
    response = client_for(gw).post(signal_url, {"version": 1, "decision": Decision.GUIDANCE, "reason": "x",
                                                "decided_on": TODAY().isoformat()})
    assert response.status_code == 302
    assert Administration.objects.count() == 1 and Signal.objects.get().status == SignalStatus.OPEN


def test_overview_query_count_does_not_grow_with_administrations(pathway, worker, client_for, mother,
                                                                 django_assert_max_num_queries):
    client = client_for(worker)
    url = reverse("screening:overview", args=[pathway.pk])
    administer(pathway, worker, days_ago=50)
    # one read event per person shown (child and mother): bounded by the household, not the results
    administer(pathway, worker, (2, 2, 2), instrument="test-mood", subject=mother, days_ago=49)
    client.get(url)  # warm the session
    with django_assert_max_num_queries(22) as ctx:  # PostgreSQL: an advisory lock per audit row
        client.get(url)
    few = len(ctx.captured_queries)
    for days_ago in range(2, 30, 3):
        administer(pathway, worker, (3, 3, 3, 2, 2, 2), days_ago=days_ago)
        services.do_record_administration(pathway, instrument_id="test-scales", scale_scores={"x": 3, "y": 4},
                                          administered_on=TODAY() - days_ago * DAY, actor=worker)
    administer(pathway, worker, (2, 2, 2), instrument="test-mood", subject=mother)
    with django_assert_max_num_queries(few):
        html = client.get(url).content.decode()
    assert html.count("<svg") == 3 and html.count("data-administration=") == 23


def test_result_and_signal_pages_have_bounded_queries(pathway, worker, gw, client_for,
                                                      django_assert_max_num_queries):
    signal = _signal(pathway, worker)
    for days_ago in range(5, 40, 5):
        administer(pathway, worker, days_ago=days_ago)
    client = client_for(gw)
    client.get(reverse("screening:overview", args=[pathway.pk]))
    # PostgreSQL takes one more query per audit row (the advisory lock of the audit chain)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("screening:result", args=[signal.administration_id])).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(reverse("screening:signal", args=[signal.pk])).status_code == 200


# --- "Mijn werk" -------------------------------------------------------------------------------


def _followups(client):  # type: ignore[no-untyped-def]
    html = client.get(reverse("pathway:worklist")).content.decode()
    section = html.split('id="work-followups"', 1)[1]
    return section.split('data-followup="screening_signal"')[1:]


def test_the_gedragswetenschapper_sees_open_signals_on_her_worklist(pathway, worker, gw, client_for):
    fresh = _signal(pathway, worker, days_ago=DECIDE_WITHIN_DAYS)
    late = _signal(pathway, worker, days_ago=DECIDE_WITHIN_DAYS + 1)
    rows = _followups(client_for(gw))
    assert len(rows) == 2
    by_pk = {s.pk: next(r for r in rows if reverse("screening:signal", args=[s.pk]) in r) for s in (fresh, late)}
    assert "status--overdue" in by_pk[late.pk] and "status--overdue" not in by_pk[fresh.pk]
    assert "Screening above the cut-off (TEST-PTSS): decide on the follow-up" in by_pk[fresh.pk]
    assert rows.index(by_pk[late.pk]) < rows.index(by_pk[fresh.pk])  # overdue first
    assert len(_followups(client_for(worker))) == 2  # the child's worker sees them too
    services.do_decide_signal(Signal.objects.get(pk=late.pk), decision=Decision.GUIDANCE, reason="Volgen",
                              expected_version=1, actor=gw)
    assert len(_followups(client_for(gw))) == 1


def test_the_worklist_reads_signals_with_one_query_for_all_children(pathway, worker, gw, org_a, location_a,
                                                                    django_assert_num_queries):
    from veerkracht.pathway.queries import followup_pathways
    from veerkracht.pathway.services import create_pathway_for_stay
    from veerkracht.pathway.tests.test_pathway import verified
    from veerkracht.screening.followups import signals_due
    from veerkracht.testing import factories

    _signal(pathway, worker)
    for _ in range(3):
        child = factories.PersonFactory(household=factories.HouseholdFactory(organisation=org_a), child_worker=worker,
                                        birth_date=TODAY().replace(year=TODAY().year - 9))
        stay = factories.StayFactory(person=child, location=location_a, admission_date=TODAY() - 30 * DAY)
        _signal(create_pathway_for_stay(stay, actor=worker), worker)
    pathways = followup_pathways(verified(gw))
    with django_assert_num_queries(1):
        items = list(signals_due(pathways, TODAY()))
    assert len(items) == 4 and {i.kind for i in items} == {"screening_signal"}
