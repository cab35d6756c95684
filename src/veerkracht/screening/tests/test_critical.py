"""Critical items: PHQ-9 item 9 (thoughts of being better off dead or of self-harm) needs attention
whenever it is answered above 'not at all', whatever the total and even when the questionnaire is
incomplete. The engine flags it (Result.critical), the app stores it, opens an urgent signal that is
overdue from the first day on "Mijn werk", and the result and signal pages say in words which item
needs attention. These tests use the shipped PHQ-9 definition."""

from __future__ import annotations

import copy
import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from veerkracht.audit.models import AuditEvent
from veerkracht.referrals.models import Referral
from veerkracht.screening import services
from veerkracht.screening.engine import fhir
from veerkracht.screening.engine.definitions import (
    DIRECTORY,
    SCORING_URL,
    DefinitionError,
    load_definition,
    shipped,
)
from veerkracht.screening.engine.scoring import score, score_scales
from veerkracht.screening.followups import signals_due
from veerkracht.screening.models import Administration, Decision, Signal, SignalStatus

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)
NOTE = "Item 9 needs attention: answered above 'not at all'."


def phq(*scores: int | None) -> dict[str, str | None]:
    """PHQ-9 answers for items 1..9 (the shipped answer codes are the scores)."""
    return {str(n): (None if s is None else str(s)) for n, s in enumerate(scores, start=1)}


def phq_file() -> dict:  # type: ignore[type-arg]
    return json.loads((DIRECTORY / "phq-9.json").read_text(encoding="utf-8"))


def scoring_ext(data: dict) -> list:  # type: ignore[type-arg]
    return next(e for e in data["extension"] if e["url"] == SCORING_URL)["extension"]


# --- the engine ---------------------------------------------------------------------------------


def test_item_9_answered_above_not_at_all_is_critical_whatever_the_total():
    result = score(shipped()["phq-9"], phq(1, 1, 0, 0, 0, 0, 0, 0, 1))
    assert (result.valid, result.total, result.band.code, result.clinical) == (True, 3, "minimal", False)
    assert result.critical == ("9",)


def test_item_9_answered_not_at_all_is_not_critical_even_in_the_clinical_range():
    assert score(shipped()["phq-9"], phq(1, 1, 0, 0, 0, 0, 0, 0, 0)).critical == ()
    clinical = score(shipped()["phq-9"], phq(3, 3, 3, 3, 3, 0, 0, 0, 0))
    assert (clinical.clinical, clinical.critical) == (True, ())


def test_a_critical_answer_counts_when_the_questionnaire_is_incomplete():
    result = score(shipped()["phq-9"], phq(1, None, None, 0, 0, 0, 0, 0, 2))
    assert (result.valid, result.total, result.clinical) == (False, None, False)
    assert result.missing == ("2", "3") and result.critical == ("9",)
    assert score(shipped()["phq-9"], phq(1, 1, 0, 0, 0, 0, 0, 0, None)).critical == ()  # item 9 missing


def test_only_phq_9_item_9_is_critical_among_the_shipped_instruments_in_a_new_version():
    critical = {(inst.id, item.link_id) for inst in shipped().values() for item in inst.items if item.critical}
    assert critical == {("phq-9", "9")}
    assert shipped()["phq-9"].version == "2"  # a changed definition gets a new version (docs/instrumenten.md)
    tscyc = shipped()["tscyc"]
    assert score_scales(tscyc, {s.code: s.min for s in tscyc.scales}).critical == ()


def test_the_loader_refuses_critical_on_an_unknown_item():
    data = phq_file()
    scoring_ext(data).append({"url": "critical", "valueString": "10"})
    with pytest.raises(DefinitionError, match=r"^phq-9: critical names unknown item '10'$"):
        load_definition(data, source="phq-9")


def test_the_loader_refuses_a_critical_item_that_can_never_be_answered_above_its_lowest():
    data = copy.deepcopy(phq_file())
    item_9 = next(i for i in data["item"] if i["linkId"] == "9")
    item_9["answerOption"] = item_9["answerOption"][:1]  # only 'not at all' left
    with pytest.raises(DefinitionError, match="critical item '9' has no answer above its lowest"):
        load_definition(data, source="phq-9")


def test_the_fhir_response_names_the_critical_item():
    response = fhir.questionnaire_response(
        shipped()["phq-9"], phq(1, 1, 0, 0, 0, 0, 0, 0, 1), subject_reference="Patient/1",
        authored=timezone.now())
    parts = response["extension"][0]["extension"]
    assert {"url": "critical", "valueString": "9"} in parts
    assert {"url": "clinical", "valueBoolean": False} in parts


# --- the app ------------------------------------------------------------------------------------


def record_phq(pathway, mother, actor, *scores, days_ago=0):  # type: ignore[no-untyped-def]
    return services.do_record_administration(
        pathway, instrument_id="phq-9", answers=phq(*scores), subject=mother,
        administered_on=TODAY() - days_ago * DAY, actor=actor)


@pytest.mark.django_db
def test_a_critical_answer_with_a_low_total_opens_a_signal(pathway, mother, worker):
    administration = record_phq(pathway, mother, worker, 1, 1, 0, 0, 0, 0, 0, 0, 1)
    stored = Administration.objects.get(pk=administration.pk)
    assert (stored.valid, stored.total, stored.clinical, stored.critical_items) == (True, 3, False, ["9"])
    assert stored.instrument_version == "2"
    signal = Signal.objects.get(administration=stored)
    assert signal.status == SignalStatus.OPEN and signal.opened_on == TODAY()
    audit = AuditEvent.objects.get(action="create", object_type="screening.signal")
    assert audit.client_id == mother.pk and audit.detail == "screening signal phq-9 (critical answer)"


@pytest.mark.django_db
def test_a_low_total_without_a_critical_answer_opens_no_signal(pathway, mother, worker):
    administration = record_phq(pathway, mother, worker, 1, 1, 1, 0, 0, 0, 0, 0, 0)
    assert administration.critical_items == [] and not administration.clinical
    assert not Signal.objects.exists()


@pytest.mark.django_db
def test_an_incomplete_questionnaire_with_a_critical_answer_still_opens_a_signal(pathway, mother, worker):
    administration = record_phq(pathway, mother, worker, 1, None, 0, 0, 0, 0, 0, 0, 3)
    assert not administration.valid and administration.total is None and administration.critical_items == ["9"]
    assert Signal.objects.filter(administration=administration, status=SignalStatus.OPEN).exists()


@pytest.mark.django_db
def test_the_urgent_signal_is_overdue_from_the_first_day_and_says_so(pathway, mother, worker):
    record_phq(pathway, mother, worker, 1, 1, 0, 0, 0, 0, 0, 0, 1)
    with translation.override("en"):
        [item] = signals_due([pathway], TODAY())
    assert item.state == "overdue" and item.due_date == TODAY()
    assert item.title.startswith("Urgent: item 9 of the parent's screening (PHQ-9")


@pytest.mark.django_db
def test_the_worklist_shows_the_urgent_signal_overdue_for_the_gedragswetenschapper(
        pathway, mother, worker, gw, client_for):
    record_phq(pathway, mother, worker, 3, 3, 3, 3, 0, 0, 0, 0, 0, days_ago=1)  # clinical, item 9 not at all
    critical = record_phq(pathway, mother, worker, 1, 1, 0, 0, 0, 0, 0, 0, 1)  # today, total 3
    html = client_for(gw).get(reverse("pathway:worklist")).content.decode()
    rows = html.split('id="work-followups"', 1)[1].split('data-followup="screening_signal"')[1:]
    assert len(rows) == 2
    urgent = rows[0]  # above the ordinary signal raised a day earlier
    assert reverse("screening:signal", args=[critical.signal.pk]) in urgent
    assert "Urgent: item 9 of the parent&#x27;s screening" in urgent and "decide on the follow-up today" in urgent
    assert "status--overdue" in urgent and ">overdue<" in urgent  # the state in words, not only a colour
    assert TODAY().strftime("%d-%m-%Y") in urgent
    assert "status--overdue" not in rows[1] and "Urgent" not in rows[1]


@pytest.mark.django_db
def test_result_and_signal_pages_say_which_item_needs_attention(pathway, mother, worker, client_for):
    administration = record_phq(pathway, mother, worker, 1, 1, 0, 0, 0, 0, 0, 0, 2)
    client = client_for(worker)
    result = client.get(reverse("screening:result", args=[administration.pk])).content.decode()
    attention = result.split('data-result="attention"', 1)[1].split("</section>", 1)[0]
    assert NOTE.replace("'", "&#x27;") in attention
    assert reverse("screening:signal", args=[administration.signal.pk]) in attention
    assert 'data-result="clinical"' not in result  # a low total: not above the cut-off
    page = client.get(reverse("screening:signal", args=[administration.signal.pk])).content.decode()
    assert NOTE.replace("'", "&#x27;") in page and "Decide on the follow-up today." in page
    assert "(above the cut-off)" not in page


@pytest.mark.django_db
def test_a_result_without_a_critical_answer_shows_no_attention_note(pathway, mother, worker, client_for):
    administration = record_phq(pathway, mother, worker, 3, 3, 3, 3, 0, 0, 0, 0, 0)
    result = client_for(worker).get(reverse("screening:result", args=[administration.pk])).content.decode()
    assert 'data-result="clinical"' in result and 'data-result="attention"' not in result
    assert "needs attention" not in result


@pytest.mark.django_db
def test_a_parents_signal_never_becomes_a_referral_of_the_child(pathway, mother, worker, gw):
    """The mother's answers about herself must not end up in a referral letter about her child."""
    administration = record_phq(pathway, mother, worker, 1, 1, 0, 0, 0, 0, 0, 0, 1)
    signal = Signal.objects.get(administration=administration)
    with pytest.raises(ValidationError) as exc:
        services.do_decide_signal(signal, decision=Decision.TRAUMA_REFERRAL, reason="Vandaag besproken met moeder",
                                  to_whom="GGZ Noord", expected_version=signal.version, actor=gw)
    assert exc.value.messages[0].startswith("A screening of the parent does not lead to a referral of the child")
    assert not Referral.objects.exists()
    services.do_decide_signal(signal, decision=Decision.OTHER_REFERRAL, reason="Moeder gaat naar de huisarts",
                              expected_version=signal.version, actor=gw)
    assert not Referral.objects.exists() and Signal.objects.get().status == "decided"


@pytest.mark.django_db
def test_a_parents_results_are_read_logged_under_the_parent_and_offer_no_child_referral(pathway, mother, worker,
                                                                                      gw, client_for):
    from veerkracht.audit.models import Action, AuditEvent

    administration = record_phq(pathway, mother, worker, 1, 1, 0, 0, 0, 0, 0, 0, 1)
    signal = Signal.objects.get(administration=administration)
    client = client_for(gw)
    client.get(reverse("screening:result", args=[administration.pk]))
    assert AuditEvent.objects.filter(action=Action.READ, client_id=mother.pk, detail="screening result").exists()
    page = client.get(reverse("screening:signal", args=[signal.pk])).content.decode()
    assert AuditEvent.objects.filter(action=Action.READ, client_id=mother.pk, detail="screening signal").exists()
    assert 'value="trauma_referral"' not in page and 'name="to_whom"' not in page
    client.get(reverse("screening:overview", args=[pathway.pk]))
    assert {e.client_id for e in AuditEvent.objects.filter(action=Action.READ, detail="screening")} == {
        pathway.stay.person_id, mother.pk}
