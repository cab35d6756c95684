"""Referrals: sent, followed through the allowed statuses with consistent dates, until closed."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from veerkracht.audit.models import AuditEvent
from veerkracht.core.concurrency import ConcurrentEditError
from veerkracht.pathway.models import Pathway
from veerkracht.pathway.services import create_pathway_for_stay
from veerkracht.pathway.timeline import timeline
from veerkracht.referrals import queries, services
from veerkracht.referrals.models import (
    TRANSITIONS,
    ClosingReason,
    Referral,
    ReferralEvent,
    ReferralKind,
    ReferralStatus,
)
from veerkracht.testing import factories

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)
S = ReferralStatus


def create(pathway, actor, *, days_ago=30, kind=ReferralKind.YOUTH_CARE, **extra):  # type: ignore[no-untyped-def]
    values = {"to_whom": "Jeugdhulp Midden", "reason": "Nachtmerries sinds de vlucht", **extra}
    return services.do_create_referral(pathway, kind=kind, sent_on=TODAY() - days_ago * DAY, actor=actor, **values)


def change(referral, actor, status, *, days_ago=0, **extra):  # type: ignore[no-untyped-def]
    referral = Referral.objects.select_related("pathway__stay__person").get(pk=referral.pk)
    if status == S.CLOSED:
        extra.setdefault("closing_reason", ClosingReason.WITHDRAWN)
    return services.do_change_referral_status(referral, status=status, on=TODAY() - days_ago * DAY,
                                              expected_version=referral.version, actor=actor, **extra)


def at(pathway, actor, path):  # type: ignore[no-untyped-def]
    """A referral walked through ``path`` (after "sent"), one day per step."""
    referral = create(pathway, actor, days_ago=len(path) + 1)
    for step, status in enumerate(path):
        change(referral, actor, status, days_ago=len(path) - step)
    return Referral.objects.get(pk=referral.pk)


# A path from "sent" to every status.
PATH_TO = {S.SENT: [], S.ACCEPTED: [S.ACCEPTED], S.WAITING: [S.WAITING], S.STARTED: [S.STARTED],
           S.DECLINED: [S.DECLINED], S.CLOSED: [S.CLOSED]}
ALLOWED = {
    S.SENT: {S.ACCEPTED, S.WAITING, S.DECLINED, S.STARTED, S.CLOSED},
    S.ACCEPTED: {S.WAITING, S.STARTED, S.DECLINED, S.CLOSED},
    S.WAITING: {S.STARTED, S.DECLINED, S.CLOSED},
    S.STARTED: {S.CLOSED},
    S.DECLINED: {S.CLOSED},
    S.CLOSED: set(),
}


def test_the_transition_table_is_the_agreed_one():
    assert {k: set(v) for k, v in TRANSITIONS.items()} == ALLOWED


def test_create_sends_the_referral_with_its_first_event_encrypted_and_audited(pathway, worker):
    referral = create(pathway, worker, days_ago=3, note="Moeder heeft ingestemd")
    assert referral.status == S.SENT and referral.sent_on == referral.status_since == TODAY() - 3 * DAY
    assert referral.closed_on is None and referral.created_by == worker
    (event,) = referral.events.all()
    assert (event.status, event.on, event.note, event.created_by) == (S.SENT, TODAY() - 3 * DAY,
                                                                      "Moeder heeft ingestemd", worker)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM referrals_referral")
        (raw_reason,) = cursor.fetchone()
        cursor.execute("SELECT note FROM referrals_referralevent")
        (raw_note,) = cursor.fetchone()
    assert "Nachtmerries" not in raw_reason and "ingestemd" not in raw_note  # encrypted at rest
    audit = AuditEvent.objects.get(action="create", object_type="referrals.referral")
    assert audit.client_id == pathway.stay.person_id
    assert "reason" in audit.changed_fields and "Nachtmerries" not in audit.detail


@pytest.mark.parametrize(("start", "new"), list(itertools.product(ALLOWED, ReferralStatus.values)))
def test_every_transition_is_allowed_or_refused(pathway, worker, start, new):
    referral = at(pathway, worker, PATH_TO[start])
    assert referral.status == start
    events_before = referral.events.count()
    if new in ALLOWED[start]:
        event = change(referral, worker, new)
        referral.refresh_from_db()
        assert referral.status == new == event.status and referral.status_since == TODAY()
        assert referral.events.count() == events_before + 1
        assert (referral.closed_on == TODAY()) == (new == S.CLOSED)
    else:
        with pytest.raises(ValidationError):
            change(referral, worker, new)
        stored = Referral.objects.get(pk=referral.pk)
        assert stored.status == start and stored.version == referral.version
        assert stored.events.count() == events_before


def test_a_refused_transition_says_why(pathway, worker):
    referral = at(pathway, worker, [S.STARTED])
    with pytest.raises(ValidationError) as exc:
        change(referral, worker, S.WAITING)
    assert exc.value.messages == ["A referral that is help started cannot become waiting list."]
    closed = at(pathway, worker, [S.CLOSED])
    with pytest.raises(ValidationError) as exc:
        change(closed, worker, S.CLOSED)
    assert exc.value.messages == ["This referral is closed and can no longer be changed."]


def test_closing_needs_a_reason_and_other_reason_needs_a_note(pathway, worker):
    referral = create(pathway, worker)
    for extra in ({"closing_reason": ""}, {"closing_reason": "bogus"}, {"closing_reason": ClosingReason.OTHER}):
        with pytest.raises(ValidationError):
            change(referral, worker, S.CLOSED, **extra)
    assert Referral.objects.get(pk=referral.pk).status == S.SENT
    change(referral, worker, S.CLOSED, closing_reason=ClosingReason.OTHER, note="Gezin verhuist naar Zwolle")
    stored = Referral.objects.get(pk=referral.pk)
    assert (stored.status, stored.closed_on, stored.closing_reason) == (S.CLOSED, TODAY(), ClosingReason.OTHER)


def test_dates_not_in_the_future_not_before_sending_not_before_the_previous_event(pathway, worker):
    admission = pathway.stay.admission_date
    with pytest.raises(ValidationError):  # sent in the future
        services.do_create_referral(pathway, kind="gp", to_whom="Huisarts", sent_on=TODAY() + DAY, actor=worker)
    with pytest.raises(ValidationError):  # sent before the admission
        services.do_create_referral(pathway, kind="gp", to_whom="Huisarts", sent_on=admission - DAY, actor=worker)
    with pytest.raises(ValidationError):
        services.do_create_referral(pathway, kind="gp", to_whom="Huisarts", sent_on=None, actor=worker)
    assert not Referral.objects.exists()
    referral = create(pathway, worker, days_ago=20)
    for days_ago, message in ((-1, "The date cannot lie in the future."),
                              (21, "The date cannot lie before the date the referral was sent.")):
        with pytest.raises(ValidationError) as exc:
            change(referral, worker, S.ACCEPTED, days_ago=days_ago)
        assert exc.value.messages == [message]
    change(referral, worker, S.ACCEPTED, days_ago=10)
    with pytest.raises(ValidationError) as exc:  # before the previous event
        change(referral, worker, S.WAITING, days_ago=11)
    assert exc.value.messages == [
        f"The date cannot lie before the previous step ({(TODAY() - 10 * DAY).strftime('%d-%m-%Y')})."]
    change(referral, worker, S.WAITING, days_ago=10)  # the same day is fine
    assert list(Referral.objects.get(pk=referral.pk).events.values_list("status", flat=True)) \
        == [S.SENT, S.ACCEPTED, S.WAITING]


def test_bad_input_is_refused_with_clear_messages_and_nothing_saved(pathway, worker, location_a):
    cases = [
        ({"kind": "psychiatry", "to_whom": "X"}, "Choose the kind of help."),
        ({"kind": ReferralKind.OTHER, "to_whom": "X"}, "Name the other kind of help."),
        ({"kind": ReferralKind.GP, "to_whom": "  "}, "Fill in the organisation the child is referred to."),
        ({"kind": ReferralKind.GP, "to_whom": "X" * 121}, "The name of the organisation is too long."),
    ]
    for values, message in cases:
        with pytest.raises(ValidationError) as exc:
            services.do_create_referral(pathway, sent_on=TODAY(), actor=worker, **values)
        assert message in exc.value.messages
    type(location_a).objects.filter(pk=location_a.pk).update(address="Geheimstraat 12\n1234 AB Utrecht")
    with pytest.raises(ValidationError) as exc:
        services.do_create_referral(pathway, kind=ReferralKind.GP, to_whom="Huisarts, geheimstraat 12",
                                    sent_on=TODAY(), actor=worker)
    assert exc.value.messages == [
        "Do not write the address of the shelter here; the name of the organisation is enough."]
    assert not Referral.objects.exists() and not ReferralEvent.objects.exists()
    referral = create(pathway, worker, kind=ReferralKind.OTHER, other_kind="Speltherapie")
    assert referral.kind_label == "Speltherapie"


def test_database_refuses_inconsistent_rows(pathway, worker):
    referral = create(pathway, worker)
    for values in ({"status": S.CLOSED}, {"closed_on": TODAY()}, {"kind": ReferralKind.OTHER},
                   {"status_since": referral.sent_on - DAY}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Referral.objects.filter(pk=referral.pk).update(**values)
    event = referral.events.get()
    event.note = "achteraf"
    with pytest.raises(ValueError):  # the history is append-only
        event.save()


def test_stale_version_is_refused_and_nothing_is_saved(pathway, worker, colleague):
    referral = create(pathway, worker)
    stale = Referral.objects.select_related("pathway__stay__person").get(pk=referral.pk)
    change(referral, colleague, S.ACCEPTED)
    with pytest.raises(ConcurrentEditError) as exc:
        services.do_change_referral_status(stale, status=S.DECLINED, on=TODAY(), expected_version=stale.version,
                                           actor=worker)
    assert exc.value.current.status == S.ACCEPTED
    stored = Referral.objects.get(pk=referral.pk)
    assert stored.status == S.ACCEPTED and stored.version == 2 and stored.events.count() == 2
    assert AuditEvent.objects.filter(object_type="referrals.referral", action="update").count() == 1


def test_after_discharge_no_new_referral_but_open_ones_are_followed_until_closed(pathway, worker):
    referral = create(pathway, worker)
    Pathway.objects.filter(pk=pathway.pk).update(closed_on=TODAY())
    pathway.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        create(pathway, worker)
    assert exc.value.code == "closed"
    referral = Referral.objects.select_related("pathway__stay__person").get(pk=referral.pk)
    services.do_change_referral_status(referral, status=S.CLOSED, on=TODAY(), expected_version=1,
                                       closing_reason=ClosingReason.LEFT, actor=worker)
    stored = Referral.objects.get()
    assert Referral.objects.count() == 1 and stored.status == S.CLOSED and stored.closing_reason == "left"


def test_other_organisation_cannot_write_or_read(pathway, worker, staff, org_b):
    from veerkracht.accounts.roles import Role
    from veerkracht.pathway.tests.test_pathway import verified

    stranger = verified(staff(Role.TEAMLEIDER, org_b, username="tl_b"))
    with pytest.raises(PermissionDenied):
        create(pathway, stranger)
    referral = create(pathway, worker)
    with pytest.raises(PermissionDenied):
        change(referral, stranger, S.ACCEPTED)
    from django.http import Http404

    with pytest.raises(Http404):
        queries.get_referral(stranger, referral.pk)
    assert queries.get_referral(verified(worker), referral.pk) == referral


def test_open_referrals_include_declined_and_counts_are_one_query(pathway, worker, org_a, location_a,
                                                                  django_assert_num_queries):
    at(pathway, worker, [S.DECLINED])
    at(pathway, worker, [S.WAITING])
    at(pathway, worker, [S.STARTED, S.CLOSED])
    other_child = factories.PersonFactory(household=factories.HouseholdFactory(organisation=org_a))
    other = create_pathway_for_stay(factories.StayFactory(person=other_child, location=location_a), actor=worker)
    create(other, worker, days_ago=2)
    empty_child = factories.PersonFactory(household=factories.HouseholdFactory(organisation=org_a))
    empty = create_pathway_for_stay(factories.StayFactory(person=empty_child, location=location_a), actor=worker)
    assert {r.status for r in queries.open_referrals(pathway)} == {S.DECLINED, S.WAITING}
    with django_assert_num_queries(1):
        counts = queries.open_referral_counts([pathway, other, empty])
    assert counts == {pathway.pk: 2, other.pk: 1}
    with django_assert_num_queries(1):
        assert queries.open_referral_counts(Pathway.objects.all()) == counts


def test_referrals_of_lists_open_first_with_history_in_fixed_queries(pathway, worker, django_assert_num_queries):
    closed = at(pathway, worker, [S.ACCEPTED, S.STARTED, S.CLOSED])
    waiting = at(pathway, worker, [S.WAITING])
    with django_assert_num_queries(2):
        rows = [(r.pk, [e.status for e in r.events.all()]) for r in queries.referrals_of(pathway)]
    assert rows == [(waiting.pk, [S.SENT, S.WAITING]), (closed.pk, [S.SENT, S.ACCEPTED, S.STARTED, S.CLOSED])]
    for _ in range(3):
        at(pathway, worker, [S.ACCEPTED])
    with django_assert_num_queries(2):
        assert len([list(r.events.all()) for r in queries.referrals_of(pathway)]) == 5


def test_timeline_shows_sending_and_every_status_change(pathway, worker):
    referral = create(pathway, worker, days_ago=9, kind=ReferralKind.TRAUMA_TREATMENT)
    change(referral, worker, S.WAITING, days_ago=5)
    change(referral, worker, S.CLOSED, days_ago=1, closing_reason=ClosingReason.OTHER_HELP)
    entries = [e for e in timeline(pathway.stay.person) if e.kind.startswith("referral")]
    assert [(e.date, e.title) for e in entries] == [
        (TODAY() - DAY, "Referral to individual trauma treatment: closed"),
        (TODAY() - 5 * DAY, "Referral to individual trauma treatment: waiting list"),
        (TODAY() - 9 * DAY, "Referral to individual trauma treatment sent"),
    ]
    assert entries[0].detail == "other help found"
    assert all(e.url == f"/verwijzingen/verwijzing/{referral.pk}/" for e in entries)
    assert "Jeugdhulp" not in " ".join(e.title + e.detail for e in entries)  # no organisation name
