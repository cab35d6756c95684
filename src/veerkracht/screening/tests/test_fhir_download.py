"""An administration downloads as a FHIR QuestionnaireResponse that the R4B models accept; logged as an export."""

from __future__ import annotations

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from veerkracht.audit.models import Action, AuditEvent
from veerkracht.screening.engine import definitions
from veerkracht.screening.models import Administration
from veerkracht.screening.services import do_record_administration

pytestmark = pytest.mark.django_db


def test_a_result_downloads_as_a_valid_questionnaire_response(pathway, worker, client_for, staff, org_b):
    from veerkracht.accounts.roles import Role

    cats = definitions.get("cats-self-7-17")
    answers = {item.link_id: max(item.options, key=lambda o: o.score).code for item in cats.items}
    administration = do_record_administration(pathway, instrument_id="cats-self-7-17", answers=answers,
                                              actor=worker,
                                              administered_on=timezone.localdate() - datetime.timedelta(days=1))
    url = reverse("screening:fhir", args=[administration.pk])
    response = client_for(worker).get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/fhir+json")
    resource = json.loads(response.content)
    QuestionnaireResponse.model_validate(resource)  # raises when not a valid R4B QuestionnaireResponse
    assert resource["questionnaire"].endswith(f"|{cats.version}")
    event = AuditEvent.objects.get(action=Action.EXPORT)
    assert event.client_id == pathway.stay.person_id and event.detail == "screening fhir cats-self-7-17"
    # never re-scored with another version of the definition
    Administration.objects.filter(pk=administration.pk).update(instrument_version="0")
    response = client_for(worker).get(url)
    assert response.status_code == 302 and AuditEvent.objects.filter(action=Action.EXPORT).count() == 1
    # another organisation: 404
    stranger = client_for(staff(Role.TEAMLEIDER, org_b, username="tl_b_fhir"))
    assert stranger.get(url).status_code == 404


def test_export_questionnaires_writes_valid_questionnaires(tmp_path):
    from django.core.management import call_command
    from fhir.resources.R4B.questionnaire import Questionnaire

    call_command("export_questionnaires", "--out", str(tmp_path), stdout=open("/dev/null", "w"))  # noqa: SIM115
    files = sorted(tmp_path.glob("*.json"))
    assert {f.stem for f in files} == set(definitions.shipped())
    for f in files:
        Questionnaire.model_validate(json.loads(f.read_text(encoding="utf-8")))
