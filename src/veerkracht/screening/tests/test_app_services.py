"""Screening services: an administration is checked (age, respondent, answers), scored by the engine
and stored with its result; an incomplete one is stored as invalid, never guessed; a clinical result
opens a signal that only the gedragswetenschapper closes, with a decision and a reason; "refer to
trauma treatment" creates the referral in the same transaction."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from veerkracht.audit.models import AuditEvent
from veerkracht.core.concurrency import ConcurrentEditError
from veerkracht.pathway import records
from veerkracht.pathway.models import ActivityStatus, Pathway
from veerkracht.pathway.timeline import timeline
from veerkracht.referrals.models import Referral, ReferralKind, ReferralStatus
from veerkracht.screening import services
from veerkracht.screening.models import Administration, Decision, Signal, SignalStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("instruments")]
TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def answers(*values: int | None) -> dict[str, str | None]:
    return {f"q{n}": (None if v is None else str(v)) for n, v in enumerate(values, start=1)}


def administer(pathway, actor, values=(1, 1, 1, 1, 1, 1), *, days_ago=1, instrument="test-ptss",  # type: ignore[no-untyped-def]
               **extra):
    return services.do_record_administration(pathway, instrument_id=instrument, answers=answers(*values),
                                             administered_on=TODAY() - days_ago * DAY, actor=actor, **extra)


def decide(signal, actor, decision=Decision.GUIDANCE, reason="Bespreken in het hulpverleningsplan", **extra):  # type: ignore[no-untyped-def]
    signal = Signal.objects.select_related("administration__pathway__stay__person", "administration__subject").get(
        pk=signal.pk)
    extra.setdefault("expected_version", signal.version)
    return services.do_decide_signal(signal, decision=decision, reason=reason, actor=actor, **extra)


def test_a_result_below_the_cut_off_is_stored_with_total_subscales_and_band(pathway, worker):
    administration = administer(pathway, worker, (2, 1, 1, 0, 1, 0))
    stored = Administration.objects.get(pk=administration.pk)
    assert (stored.valid, stored.total, stored.band, stored.clinical) == (True, 5, "normal", False)
    assert stored.scales == {"a": 4, "b": 1} and stored.scale_bands == {"a": "", "b": ""}
    assert (stored.instrument_id, stored.instrument_version, stored.respondent) == ("test-ptss", "1.0", "child")
    assert stored.subject == pathway.stay.person and stored.created_by == worker
    assert stored.answers == {"q1": "2", "q2": "1", "q3": "1", "q4": "0", "q5": "1", "q6": "0"}
    assert not Signal.objects.exists()
    audit = AuditEvent.objects.get(action="create", object_type="screening.administration")
    assert audit.client_id == pathway.stay.person_id and "answers" in audit.changed_fields
    activity = records.activity_for(pathway, records.SCREENING)
    assert activity is not None and activity.status == ActivityStatus.IN_PROGRESS


@pytest.mark.parametrize(("values", "total", "band", "clinical"), [
    ((1, 2, 2, 1, 1, 4 - 4), 7, "normal", False),  # the upper edge of "normal"
    ((2, 2, 2, 2, 0, 0), 8, "moderate", False),
    ((2, 2, 2, 2, 2, 1), 11, "moderate", False),
    ((2, 2, 2, 2, 2, 2), 12, "probable", True),  # the cut-off
])
def test_band_edges_decide_the_signal(pathway, worker, values, total, band, clinical):
    administration = administer(pathway, worker, values)
    assert (administration.total, administration.band, administration.clinical) == (total, band, clinical)
    assert Signal.objects.filter(administration=administration).exists() == clinical


def test_a_clinical_result_opens_a_signal_in_the_same_transaction(pathway, worker):
    administration = administer(pathway, worker, (3, 3, 2, 2, 2, 2), days_ago=2)
    signal = Signal.objects.get(administration=administration)
    assert (signal.status, signal.opened_on, signal.decision) == (SignalStatus.OPEN, TODAY() - 2 * DAY, "")
    assert AuditEvent.objects.filter(action="create", object_type="screening.signal").count() == 1


def test_one_missing_answer_is_prorated_as_the_rule_allows(pathway, worker):
    administration = administer(pathway, worker, (2, None, 2, 1, 1, 1))
    assert administration.valid and administration.missing == ["q2"]
    assert administration.scales == {"a": 6, "b": 3}  # 4 * 3 / 2
    assert administration.total == 8  # 7 * 6 / 5 = 8.4 -> 8


def test_too_many_missing_answers_are_stored_as_invalid_never_guessed(pathway, worker):
    administration = administer(pathway, worker, (3, None, None, 3, 3, 3))
    stored = Administration.objects.get(pk=administration.pk)
    assert not stored.valid and stored.total is None and stored.band == "" and not stored.clinical
    assert "Too many answers are missing" in stored.invalid_reason and "2, 3" in stored.invalid_reason
    assert stored.scales == {"a": None, "b": None}
    assert not Signal.objects.exists()  # an invalid result raises no signal, however high the answers


def test_an_instrument_that_does_not_fit_the_childs_age_is_refused(pathway, worker):
    child = pathway.stay.person
    type(child).objects.filter(pk=child.pk).update(birth_date=TODAY().replace(year=TODAY().year - 5))
    pathway = Pathway.objects.select_related("stay__person").get(pk=pathway.pk)
    with pytest.raises(ValidationError) as exc:
        administer(pathway, worker)
    assert "meant for ages 7-17" in exc.value.messages[0]
    type(child).objects.filter(pk=child.pk).update(birth_date=None)
    pathway = Pathway.objects.select_related("stay__person").get(pk=pathway.pk)
    with pytest.raises(ValidationError) as exc:
        administer(pathway, worker)
    assert "date of birth" in exc.value.messages[0]
    assert not Administration.objects.exists()


def test_the_age_on_the_day_of_the_administration_counts(pathway, worker):
    child = pathway.stay.person
    seventh = TODAY() - 3 * DAY
    type(child).objects.filter(pk=child.pk).update(birth_date=seventh.replace(year=seventh.year - 7))
    pathway = Pathway.objects.select_related("stay__person").get(pk=pathway.pk)
    with pytest.raises(ValidationError):
        administer(pathway, worker, days_ago=4)  # still 6 on that day
    assert administer(pathway, worker, days_ago=3).valid


@pytest.mark.parametrize(("given", "message"), [
    ({"q1": "7"}, "Item 1 has an answer that is not one of its options."),
    ({"q9": "1"}, "The answers do not belong to this questionnaire."),
    ({"q1": "", "q2": None}, "Fill in the answers."),
])
def test_answers_that_are_not_options_are_refused(pathway, worker, given, message):
    with pytest.raises(ValidationError) as exc:
        services.do_record_administration(pathway, instrument_id="test-ptss", answers=given,
                                          administered_on=TODAY(), actor=worker)
    assert exc.value.messages == [message]
    assert not Administration.objects.exists()


def test_dates_and_unknown_instruments_are_refused(pathway, worker):
    for days_ago, text in ((-1, "future"), (121, "before the admission date")):
        with pytest.raises(ValidationError) as exc:
            administer(pathway, worker, days_ago=days_ago)
        assert text in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        administer(pathway, worker, instrument="no-such-thing")
    assert exc.value.messages == ["This instrument is not known."]
    assert not Administration.objects.exists()


def test_a_parent_instrument_is_about_a_parent_of_the_household(pathway, worker, mother):
    with pytest.raises(ValidationError):
        administer(pathway, worker, (2, 2, 2), instrument="test-mood")  # no parent chosen
    with pytest.raises(ValidationError):
        administer(pathway, worker, (2, 2, 2), instrument="test-mood", subject=pathway.stay.person)
    administration = administer(pathway, worker, (2, 2, 2), instrument="test-mood", subject=mother)
    assert administration.subject == mother and administration.respondent == "parent_self"
    assert administration.clinical and Signal.objects.filter(administration=administration).exists()
    assert AuditEvent.objects.get(action="create", object_type="screening.administration").client_id == mother.pk
    with pytest.raises(ValidationError):  # a child instrument is never about the parent
        administer(pathway, worker, instrument="test-ptss", subject=mother)


def test_scale_scores_are_entered_where_the_licence_allows_only_those(pathway, worker):
    def enter(**scores):  # type: ignore[no-untyped-def]
        return services.do_record_administration(pathway, instrument_id="test-scales", scale_scores=scores,
                                                  administered_on=TODAY(), actor=worker)

    administration = enter(x=9, y=6)
    assert (administration.total, administration.band, administration.clinical) == (15, "abnormal", True)
    assert administration.scale_scores == {"x": 9, "y": 6} and administration.answers == {}
    with pytest.raises(ValidationError) as exc:
        enter(x=11, y=1)
    assert "between 0 and 10" in exc.value.messages[0]
    invalid = enter(x=3, y=None)
    assert not invalid.valid and "Scale y" in invalid.invalid_reason


def test_only_an_editor_of_the_childs_organisation_records_and_a_closed_pathway_is_history(
        pathway, worker, staff, org_b):
    with pytest.raises(PermissionDenied):
        administer(pathway, staff("kinderwerker", org_b, username="kw_b"))
    Pathway.objects.filter(pk=pathway.pk).update(closed_on=TODAY())
    pathway.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        administer(pathway, worker)
    assert exc.value.code == "closed"
    assert not Administration.objects.exists()


# --- signals -----------------------------------------------------------------------------------


@pytest.fixture
def signal(pathway, worker):  # type: ignore[no-untyped-def]
    return Signal.objects.get(administration=administer(pathway, worker, (3, 3, 3, 2, 2, 2), days_ago=3))


def test_only_the_gedragswetenschapper_decides(signal, worker, colleague):
    for user in (worker, colleague):
        with pytest.raises(PermissionDenied):
            decide(signal, user)
    assert Signal.objects.get(pk=signal.pk).status == SignalStatus.OPEN


@pytest.mark.parametrize(("decision", "reason", "to_whom", "message"), [
    ("", "Reden", "", "Choose a decision."),
    (Decision.GUIDANCE, "  ", "", "Give the reason for the decision."),
    (Decision.TRAUMA_REFERRAL, "Nachtmerries", "", "Fill in the organisation the child is referred to."),
])
def test_a_decision_needs_a_decision_and_a_reason(signal, gw, decision, reason, to_whom, message):
    with pytest.raises(ValidationError) as exc:
        decide(signal, gw, decision, reason, to_whom=to_whom)
    assert message in exc.value.messages
    assert Signal.objects.get(pk=signal.pk).status == SignalStatus.OPEN and not Referral.objects.exists()


def test_deciding_guidance_closes_the_signal_with_an_encrypted_reason(signal, gw):
    decide(signal, gw, Decision.GUIDANCE, "Klachten nemen af; volgen in het hulpverleningsplan.")
    stored = Signal.objects.get(pk=signal.pk)
    assert (stored.status, stored.decision, stored.decided_by, stored.decided_on, stored.referral) == (
        SignalStatus.DECIDED, Decision.GUIDANCE, gw, TODAY(), None)
    assert stored.reason == "Klachten nemen af; volgen in het hulpverleningsplan."
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM screening_signal")
        (raw,) = cursor.fetchone()
    assert "Klachten" not in raw
    audit = AuditEvent.objects.get(action="update", object_type="screening.signal")
    assert "reason" in audit.changed_fields and "Klachten" not in audit.detail
    with pytest.raises(ValidationError) as exc:  # decided is final
        decide(signal, gw, Decision.OTHER, "Toch anders")
    assert exc.value.messages == ["This signal has already been decided."]


def test_referring_to_trauma_treatment_creates_the_referral_in_the_childs_referrals(signal, gw, pathway):
    decide(signal, gw, Decision.TRAUMA_REFERRAL, "Hoge score op herbeleving.", to_whom="Traumacentrum Kind en Jeugd")
    stored = Signal.objects.select_related("referral").get(pk=signal.pk)
    referral = stored.referral
    assert referral is not None and referral.pathway_id == pathway.pk
    assert (referral.kind, referral.status, referral.sent_on, referral.to_whom) == (
        ReferralKind.TRAUMA_TREATMENT, ReferralStatus.SENT, TODAY(), "Traumacentrum Kind en Jeugd")
    assert "Hoge score op herbeleving." in referral.reason and "TEST-PTSS" in referral.reason
    assert list(pathway.referrals.all()) == [referral]
    assert AuditEvent.objects.filter(object_type="referrals.referral", action="create", user_id=gw.pk).exists()


def test_text_naming_the_shelter_is_refused_and_the_signal_stays_open(signal, gw, pathway, worker):
    from veerkracht.organisations.models import Location

    Location.objects.filter(pk=pathway.stay.location_id).update(address="Geheime Laan 12\n1234 AB Plaats")
    for reason, to_whom in (("Verwijzen", "Praktijk aan de Geheime Laan 12"),
                            ("Afspraak op de Geheime Laan 12 gemaakt", "Traumacentrum")):
        with pytest.raises(ValidationError) as exc:
            decide(signal, gw, Decision.TRAUMA_REFERRAL, reason, to_whom=to_whom)
        assert any(getattr(e, "code", "") == "location" for e in exc.value.error_list)
    assert Signal.objects.get(pk=signal.pk).status == SignalStatus.OPEN and not Referral.objects.exists()
    with pytest.raises(ValidationError):
        administer(pathway, worker, note="Ingevuld op de Geheime Laan 12")
    assert Administration.objects.count() == 1


def test_a_stale_decision_is_refused(signal, gw, staff, org_a):
    other = staff("gedragswetenschapper", org_a, username="gw_other")
    version = signal.version
    decide(signal, other, Decision.OTHER, "Besproken in het team", expected_version=version)
    with pytest.raises(ConcurrentEditError):
        decide(signal, gw, Decision.GUIDANCE, "Volgen", expected_version=version)
    assert Signal.objects.get(pk=signal.pk).decided_by == other


def test_dates_of_a_decision(signal, gw):
    with pytest.raises(ValidationError) as exc:
        decide(signal, gw, decided_on=TODAY() + DAY)
    assert "future" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        decide(signal, gw, decided_on=TODAY() - 4 * DAY)  # before the screening
    assert exc.value.messages == ["The decision cannot lie before the screening."]


def test_timeline_shows_screenings_and_decisions_without_scores(signal, gw, pathway, worker):
    administer(pathway, worker, (3, None, None, 3, 3, 3))
    decide(signal, gw, Decision.GUIDANCE, "Volgen")
    entries = [e for e in timeline(pathway.stay.person) if e.kind.startswith("screening")]
    titles = sorted((e.kind, e.title, e.detail) for e in entries)
    assert titles == [
        ("screening", "Screening: TEST-PTSS", "above the cut-off"),
        ("screening", "Screening: TEST-PTSS", "invalid: not scored"),
        ("screening_signal", "Screening signal decided (TEST-PTSS)", "no referral: guidance within the help plan"),
    ]
