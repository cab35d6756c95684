"""The referral pages and the open referrals on "Mijn werk"."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import AuditEvent
from veerkracht.pathway.models import Pathway
from veerkracht.referrals import services
from veerkracht.referrals.followups import ACCEPTED_START_WEEKS, SENT_ANSWER_DAYS, WAITING_LIST_WEEKS
from veerkracht.referrals.models import ClosingReason, Referral, ReferralKind, ReferralStatus

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)
S = ReferralStatus


def create(pathway, actor, *, days_ago=3, kind=ReferralKind.YOUTH_CARE, **extra):  # type: ignore[no-untyped-def]
    return services.do_create_referral(pathway, kind=kind, to_whom=extra.pop("to_whom", "Jeugdhulp Midden"),
                                       reason="Slaapt slecht", sent_on=TODAY() - days_ago * DAY, actor=actor, **extra)


def change(referral, actor, status, *, days_ago=0, **extra):  # type: ignore[no-untyped-def]
    referral = Referral.objects.select_related("pathway__stay__person").get(pk=referral.pk)
    return services.do_change_referral_status(referral, status=status, on=TODAY() - days_ago * DAY,
                                              expected_version=referral.version, actor=actor, **extra)


def test_list_shows_open_referrals_first_with_history_and_logs_the_read(pathway, worker, client_for):
    closed = create(pathway, worker, days_ago=20, to_whom="Praktijk Zonnebloem")
    change(closed, worker, S.CLOSED, days_ago=10, closing_reason=ClosingReason.OTHER_HELP)
    declined = create(pathway, worker, days_ago=8, kind=ReferralKind.TRAUMA_TREATMENT, to_whom="Traumacentrum Oost")
    change(declined, worker, S.DECLINED, days_ago=2)
    html = client_for(worker).get(reverse("referrals:list", args=[pathway.pk])).content.decode()
    open_part, closed_part = html.split("data-open-referrals", 1)[1].split("data-closed-referrals", 1)
    assert f'data-referral="{declined.pk}"' in open_part and "Traumacentrum Oost" in open_part
    assert f'data-referral="{closed.pk}"' in closed_part and "other help found" in closed_part
    assert (TODAY() - 2 * DAY).strftime("%d-%m-%Y") + ": declined" in open_part  # its history
    assert AuditEvent.objects.filter(action="read", client_id=pathway.stay.person_id, detail="referrals").count() == 1


def test_add_a_referral_through_the_form(pathway, worker, client_for):
    client = client_for(worker)
    url = reverse("referrals:list", args=[pathway.pk])
    response = client.post(url, {"kind": "other", "other_kind": "", "to_whom": "Speelpraktijk",
                                 "sent_on": TODAY().isoformat()})
    assert response.status_code == 200 and "Name the other kind of help." in response.content.decode()
    response = client.post(url, {"kind": "gp", "to_whom": "Huisarts", "sent_on": (TODAY() + DAY).isoformat()})
    assert "The date cannot lie in the future." in response.content.decode()
    assert not Referral.objects.exists()
    response = client.post(url, {"kind": "gp", "to_whom": "Huisartsenpraktijk De Esch",
                                 "sent_on": TODAY().strftime("%d-%m-%Y"), "reason": "Buikpijn"})
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.kind, referral.status, referral.reason, referral.created_by) == ("gp", S.SENT, "Buikpijn",
                                                                                        worker)


def test_detail_offers_only_the_allowed_next_statuses(pathway, worker, client_for):
    referral = create(pathway, worker)
    change(referral, worker, S.ACCEPTED)
    html = client_for(worker).get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    select = html.split('name="status"', 1)[1].split("</select>", 1)[0]
    offered = {s for s in S.values if f'value="{s}"' in select}
    assert offered == {S.WAITING, S.STARTED, S.DECLINED, S.CLOSED}
    assert AuditEvent.objects.filter(action="read", object_type="referrals.referral").count() == 1


def test_change_status_through_the_form_and_refuse_a_forbidden_one(pathway, worker, client_for):
    referral = create(pathway, worker, days_ago=5)
    client = client_for(worker)
    url = reverse("referrals:detail", args=[referral.pk])
    response = client.post(url, {"version": 1, "seen": 0, "status": S.CLOSED, "on": TODAY().isoformat()})
    assert "Choose why the referral is closed." in response.content.decode()
    response = client.post(url, {"version": 1, "status": S.WAITING, "on": (TODAY() - DAY).isoformat(),
                                 "note": "Wachttijd 8 weken"})
    assert response.status_code == 302
    stored = Referral.objects.get(pk=referral.pk)
    assert (stored.status, stored.status_since, stored.version) == (S.WAITING, TODAY() - DAY, 2)
    response = client.post(url, {"version": 2, "status": S.ACCEPTED, "on": TODAY().isoformat()})  # not allowed
    assert response.status_code == 200 and Referral.objects.get(pk=referral.pk).status == S.WAITING
    response = client.post(url, {"version": 2, "status": S.CLOSED, "closing_reason": "withdrawn",
                                 "on": TODAY().isoformat()})
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert "data-referral-closed" in html and 'name="status"' not in html
    response = client.post(url, {"version": 3, "status": S.STARTED, "on": TODAY().isoformat()})
    assert response.status_code == 302 and Referral.objects.get(pk=referral.pk).status == S.CLOSED


def test_stale_status_change_is_refused_showing_what_changed_and_keeping_the_input(pathway, worker, colleague,
                                                                                client_for):
    referral = create(pathway, worker, days_ago=5)
    url = reverse("referrals:detail", args=[referral.pk])
    seen = referral.events.get().pk
    change(referral, colleague, S.WAITING, days_ago=1)  # the colleague saved first
    response = client_for(worker).post(url, {"version": 1, "seen": seen, "status": S.STARTED,
                                             "on": TODAY().isoformat(), "note": "Eerste sessie was fijn"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this record while you were editing it." in html
    meanwhile = html.split("data-meanwhile", 1)[1].split("</section>", 1)[0]
    assert "waiting list" in meanwhile and (TODAY() - DAY).strftime("%d-%m-%Y") in meanwhile
    assert "Eerste sessie was fijn" in html  # the input is kept
    assert 'name="version" value="2"' in html  # saving again is based on the current version
    stored = Referral.objects.get(pk=referral.pk)
    assert stored.status == S.WAITING and stored.events.count() == 2


def test_after_discharge_no_new_referral_but_the_open_one_can_be_closed(pathway, worker, client_for):
    referral = create(pathway, worker)
    Pathway.objects.filter(pk=pathway.pk).update(closed_on=TODAY())
    client = client_for(worker)
    html = client.get(reverse("referrals:list", args=[pathway.pk])).content.decode()
    assert "data-closed" in html and 'name="to_whom"' not in html
    response = client.post(reverse("referrals:list", args=[pathway.pk]),
                           {"kind": "gp", "to_whom": "Huisarts", "sent_on": TODAY().isoformat()})
    assert response.status_code == 302 and Referral.objects.count() == 1
    html = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert 'name="status"' in html and "data-closed" in html
    response = client.post(reverse("referrals:detail", args=[referral.pk]),
                           {"version": 1, "status": S.CLOSED, "closing_reason": ClosingReason.LEFT,
                            "on": TODAY().isoformat()})
    assert response.status_code == 302
    assert Referral.objects.get().status == S.CLOSED


def test_other_organisation_gets_404(pathway, worker, staff, org_b, client_for):
    referral = create(pathway, worker)
    stranger = client_for(staff(Role.TEAMLEIDER, org_b, username="tl_b"))
    assert stranger.get(reverse("referrals:list", args=[pathway.pk])).status_code == 404
    assert stranger.get(reverse("referrals:detail", args=[referral.pk])).status_code == 404
    response = stranger.post(reverse("referrals:detail", args=[referral.pk]),
                             {"version": 1, "status": S.ACCEPTED, "on": TODAY().isoformat()})
    assert response.status_code == 404 and Referral.objects.get().status == S.SENT


def test_list_page_query_count_does_not_grow_with_referrals(pathway, worker, client_for,
                                                            django_assert_max_num_queries):
    client = client_for(worker)
    url = reverse("referrals:list", args=[pathway.pk])
    referral = create(pathway, worker)
    change(referral, worker, S.ACCEPTED)
    client.get(url)  # warm the session
    with django_assert_max_num_queries(16) as ctx:
        client.get(url)
    few = len(ctx.captured_queries)
    for i in range(6):
        more = create(pathway, worker, days_ago=i + 2)
        change(more, worker, S.WAITING, days_ago=1)
        change(more, worker, S.STARTED)
    with django_assert_max_num_queries(few):
        assert client.get(url).content.decode().count("data-referral=") == 7


def _worklist(client):  # type: ignore[no-untyped-def]
    html = client.get(reverse("pathway:worklist")).content.decode()
    section = html.split('id="work-followups"', 1)[1]
    return section.split('data-followup="referral"')[1:]


def test_worklist_shows_open_referrals_overdue_when_unanswered_or_long_on_the_waiting_list(pathway, worker,
                                                                                         client_for):
    fresh = create(pathway, worker, days_ago=SENT_ANSWER_DAYS, kind=ReferralKind.GP)  # not yet overdue
    unanswered = create(pathway, worker, days_ago=SENT_ANSWER_DAYS + 1, kind=ReferralKind.SCHOOL_SUPPORT)
    long_wait = create(pathway, worker, days_ago=60, kind=ReferralKind.YOUTH_CARE)
    change(long_wait, worker, S.WAITING, days_ago=WAITING_LIST_WEEKS * 7 + 1)
    short_wait = create(pathway, worker, days_ago=60, kind=ReferralKind.TRAUMA_TREATMENT)
    change(short_wait, worker, S.WAITING, days_ago=WAITING_LIST_WEEKS * 7)
    declined = create(pathway, worker, days_ago=40, kind=ReferralKind.OTHER, other_kind="Speltherapie")
    change(declined, worker, S.DECLINED, days_ago=30)
    done = create(pathway, worker, days_ago=40, kind=ReferralKind.GP)
    change(done, worker, S.CLOSED, closing_reason=ClosingReason.COMPLETED)
    accepted_long_ago = create(pathway, worker, days_ago=60, kind=ReferralKind.YOUTH_CARE)
    change(accepted_long_ago, worker, S.ACCEPTED, days_ago=ACCEPTED_START_WEEKS * 7 + 1)

    rows = _worklist(client_for(worker))
    by_url = {r.pk: next(row for row in rows if f"/verwijzingen/verwijzing/{r.pk}/" in row)
              for r in (fresh, unanswered, long_wait, short_wait, declined, accepted_long_ago)}
    assert len(rows) == 6  # the closed one is gone
    assert not any(f"/verwijzingen/verwijzing/{done.pk}/" in row for row in rows)
    assert "Referral to school support: sent" in by_url[unanswered.pk]
    assert "Referral to youth care: waiting list" in by_url[long_wait.pk]
    assert "Referral to Speltherapie: declined" in by_url[declined.pk]
    overdue = {pk for pk, row in by_url.items() if "status--overdue" in row}
    assert overdue == {unanswered.pk, long_wait.pk, accepted_long_ago.pk}  # accepted, but no start after 6 weeks
    assert (unanswered.sent_on + SENT_ANSWER_DAYS * DAY).strftime("%d-%m-%Y") in by_url[unanswered.pk]
    assert rows.index(by_url[unanswered.pk]) < rows.index(by_url[fresh.pk])  # overdue first


def test_worklist_reads_referrals_with_one_query_for_all_children(pathway, worker, org_a, location_a,
                                                                  django_assert_num_queries):
    from veerkracht.pathway.followups import followups
    from veerkracht.pathway.queries import followup_pathways
    from veerkracht.pathway.services import create_pathway_for_stay
    from veerkracht.pathway.tests.test_pathway import verified
    from veerkracht.referrals.followups import referral_followups
    from veerkracht.testing import factories

    create(pathway, worker)
    for _ in range(3):
        child = factories.PersonFactory(household=factories.HouseholdFactory(organisation=org_a), child_worker=worker)
        other = create_pathway_for_stay(factories.StayFactory(person=child, location=location_a), actor=worker)
        create(other, worker, days_ago=1)
    pathways = followup_pathways(verified(worker))
    with django_assert_num_queries(1):
        items = list(referral_followups(pathways, TODAY()))
    assert len(items) == 4 and {i.kind for i in items} == {"referral"}
    assert len([i for i in followups(pathways, TODAY()) if i.kind == "referral"]) == 4
