"""After discharge the step plan is closed (ADR 0010): consent can still be withdrawn, nothing else recorded."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from veerkracht.consent import services
from veerkracht.consent.models import ConsentRecord, ProcedureStep, RefusalProcedure
from veerkracht.pathway import services as pathway_services
from veerkracht.pathway.models import ActivityStatus, Pathway

from .conftest import years_ago

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
SCREENING = "screening"
CLOSED = "This pathway was closed at discharge and can no longer be changed."


def discharge(pathway, actor):  # type: ignore[no-untyped-def]
    """The real discharge: every open activity 'not done'; returns the reloaded, closed pathway."""
    stay = pathway.stay
    stay.refresh_from_db()
    outcomes = {
        a.pk: pathway_services.Outcome(status=ActivityStatus.NOT_DONE, reason="stay ended early")
        for a in pathway.activities.all() if not a.is_closed
    }
    pathway_services.do_discharge_child(stay, discharge_date=TODAY(), destination="own_home", outcomes=outcomes,
                                        expected_version=stay.version, actor=actor)
    closed = Pathway.objects.get(pk=pathway.pk)
    assert closed.closed_on == TODAY()
    return closed


def main(response) -> str:  # type: ignore[no-untyped-def]
    """The page's own content (the header's logout and language forms left out)."""
    return response.content.decode().split('<main id="main"')[1].split("</main>")[0]


def notice() -> str:
    date = TODAY().strftime("%d-%m-%Y")
    return f"This step plan was closed at discharge on {date}: what is recorded here can be read, but no longer changed."


def consent(pathway, who, decision="given", *, actor):  # type: ignore[no-untyped-def]
    return services.do_record_consent(
        pathway, subject_code=SCREENING, given_by=who, decision=decision, date=TODAY(), how="in_person", note="",
        actor=actor,
    )


@pytest.fixture
def closed(make_family, worker):  # type: ignore[no-untyped-def]
    """A child of 13 who consents, a mother who consents, a father who refuses (a refusal step plan); discharged."""
    family = make_family(years_ago(13))
    consent(family.pathway, family.child, actor=worker)
    consent(family.pathway, family.mother, actor=worker)
    consent(family.pathway, family.father, "refused", actor=worker)
    family.procedure = RefusalProcedure.objects.get()
    family.pathway = discharge(family.pathway, worker)
    return family


def test_a_withdrawal_is_accepted_new_consent_a_refusal_and_a_step_are_not(closed, worker):
    before = ConsentRecord.objects.count()
    for who, decision in ((closed.father, "given"), (closed.mother, "refused")):
        with pytest.raises(ValidationError) as exc:
            consent(closed.pathway, who, decision, actor=worker)
        assert exc.value.code == "closed"
    procedure = RefusalProcedure.objects.get()
    with pytest.raises(ValidationError) as exc:
        services.do_record_step(procedure, number=1, date=TODAY(), notes="gesprek", expected_version=procedure.version,
                                actor=worker)
    assert exc.value.code == "closed"
    assert ConsentRecord.objects.count() == before and not ProcedureStep.objects.exists()

    record = consent(closed.pathway, closed.mother, "withdrawn", actor=worker)
    assert record.decision == "withdrawn" and ConsentRecord.objects.count() == before + 1


def test_posts_after_discharge_refuse_consent_and_steps_but_record_a_withdrawal(closed, worker, client_for):
    client = client_for(worker)
    overview = reverse("consent:overview", kwargs={"pk": closed.pathway.pk})
    refusal = reverse("consent:refusal", kwargs={"pk": closed.procedure.pk})
    before = ConsentRecord.objects.count()
    data = {"subject": SCREENING, "person": closed.father.pk, "decision": "given", "date": TODAY().isoformat(),
            "how": "phone", "note": ""}
    response = client.post(overview, data, follow=True)
    assert response.redirect_chain == [(overview, 302)]
    assert CLOSED in main(response)
    response = client.post(refusal, {"number": 1, "version": RefusalProcedure.objects.get().version,
                                     "date": TODAY().isoformat(), "notes": "gesprek"}, follow=True)
    assert response.redirect_chain == [(refusal, 302)]
    assert CLOSED in main(response)
    assert ConsentRecord.objects.count() == before and not ProcedureStep.objects.exists()

    response = client.post(overview, {**data, "person": closed.mother.pk, "decision": "withdrawn"}, follow=True)
    assert response.redirect_chain == [(overview, 302)]
    assert "The decision has been recorded." in main(response)
    latest = ConsentRecord.objects.filter(given_by=closed.mother).latest("pk")
    assert latest.decision == "withdrawn" and ConsentRecord.objects.count() == before + 1


def test_the_overview_offers_only_a_withdrawal_and_the_step_plan_no_form(closed, worker, client_for):
    client = client_for(worker)
    html = main(client.get(reverse("consent:overview", kwargs={"pk": closed.pathway.pk})))
    assert notice() in html
    assert "Record a withdrawal" in html and "data-withdraw-only" in html
    assert html.count("<form") == 1
    decision = html.split('name="decision"')[1].split("</select>")[0]
    assert 'value="withdrawn"' in decision
    assert 'value="given"' not in decision and 'value="refused"' not in decision
    refusal = main(client.get(reverse("consent:refusal", kwargs={"pk": closed.procedure.pk})))
    assert notice() in refusal
    assert "<form" not in refusal and 'type="submit"' not in refusal
    assert "Next step" not in refusal


def test_open_pathway_offers_every_decision(make_family, worker, client_for):
    family = make_family(years_ago(8))
    html = main(client_for(worker).get(reverse("consent:overview", kwargs={"pk": family.pathway.pk})))
    decision = html.split('name="decision"')[1].split("</select>")[0]
    assert 'value="given"' in decision and "closed at discharge" not in html
