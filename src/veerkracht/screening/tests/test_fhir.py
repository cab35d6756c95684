"""FHIR export: every definition is a valid R4 Questionnaire and every administration a valid
QuestionnaireResponse, checked with fhir.resources (its R4B models, the R4-family models it ships)."""

from __future__ import annotations

import datetime

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from veerkracht.screening.engine.definitions import ORDINAL_URL, SCORING_URL, shipped
from veerkracht.screening.engine.fhir import RESULT_URL, questionnaire, questionnaire_response

AUTHORED = datetime.datetime(2026, 11, 28, 14, 30, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def instruments():  # type: ignore[no-untyped-def]
    """Overrides the app tests' fixture of that name (tests/conftest.py) that swaps in test instruments."""
    return None


@pytest.mark.parametrize("instrument_id", sorted(shipped()))
def test_every_definition_exports_as_a_valid_questionnaire(instrument_id):
    instrument = shipped()[instrument_id]
    resource = questionnaire(instrument)
    model = Questionnaire.model_validate(resource)
    assert model.id == instrument.id and model.version == instrument.version and model.status == "active"
    assert model.copyright and model.publisher and model.language == "nl"
    assert [e.url for e in model.extension] == [SCORING_URL]
    questions = [q for i in model.item or [] for q in (i.item if i.type == "group" else [i])]
    assert len(questions) == len(instrument.items)
    for question in questions:
        assert question.type == "choice" and question.prefix
        for option in question.answerOption:
            assert [e.url for e in option.extension] == [ORDINAL_URL]
        if instrument.licence_code != "own":
            assert question.text is None  # numbered only: the text is not ours to ship
    resource["item"] = []  # the export is a copy: changing it leaves the definition alone
    assert questionnaire(instrument).get("item", []) == [
        i for i in instrument.raw.get("item", [])]


def _result(resource: dict) -> dict:
    ext = next(e for e in resource["extension"] if e["url"] == RESULT_URL)
    found: dict = {}
    for part in ext["extension"]:
        if part["url"] == "scaleScore":
            values = {p["url"]: next(v for k, v in p.items() if k.startswith("value")) for p in part["extension"]}
            found[values["scale"]] = (values["value"], values.get("band"), values.get("clinical"))
        else:
            found[part["url"]] = next(v for k, v in part.items() if k.startswith("value"))
    return found


def test_an_administration_exports_as_a_valid_questionnaire_response_with_its_result():
    cats = shipped()["cats-self-7-17"]
    answers = {f"s{n}": "3" for n in range(1, 8)} | {f"s{n}": "0" for n in range(8, 21)} | {"e4": "yes", "e6": "no"}
    resource = questionnaire_response(cats, answers, subject_reference="Patient/kind-1", authored=AUTHORED)
    model = QuestionnaireResponse.model_validate(resource)
    assert model.questionnaire == "https://veerkracht.nl/fhir/Questionnaire/cats-self-7-17|1"
    assert model.status == "completed" and model.subject.reference == "Patient/kind-1"
    assert [g.linkId for g in model.item] == ["events", "symptoms"]  # no functioning answers: no empty group
    assert [i.linkId for i in model.item[0].item] == ["e4", "e6"]
    assert len(model.item[1].item) == 20
    first = model.item[1].item[0].answer[0].valueCoding
    assert (first.code, first.display) == ("3", "Bijna altijd")
    assert _result(resource) == {"valid": True, "total": (21, "probable_ptsd", True), "clinical": True}


def test_an_invalid_administration_says_so_and_leaves_missing_answers_out():
    cries = shipped()["cries-8"]
    resource = questionnaire_response(cries, {"1": "5", "2": None, "3": "3"}, subject_reference="Patient/kind-1",
                                      authored=AUTHORED, status="in-progress")
    QuestionnaireResponse.model_validate(resource)
    assert [i["linkId"] for i in resource["item"]] == ["1", "3"]
    result = _result(resource)
    assert result["valid"] is False and result["clinical"] is False and "total" not in result
    assert "missing" in result["reason"]


def test_scale_score_entry_exports_the_scores_in_the_result():
    sdq = shipped()["sdq-parent"]
    resource = questionnaire_response(
        sdq, {"emotional": 5, "conduct": 3, "hyperactivity": 7, "peer": 2, "prosocial": 9},
        subject_reference="Patient/kind-2", authored=AUTHORED)
    QuestionnaireResponse.model_validate(resource)
    assert "item" not in resource
    result = _result(resource)
    assert result["total"] == (17, "abnormal", True)
    assert result["emotional"] == (5, "abnormal", True) and result["prosocial"] == (9, "normal", False)


def test_the_response_needs_a_time_zone_and_a_fhir_status():
    gad = shipped()["gad-7"]
    with pytest.raises(ValueError, match="time zone"):
        questionnaire_response(gad, {}, subject_reference="Patient/1", authored=datetime.datetime(2026, 11, 28))
    with pytest.raises(ValueError, match="not a QuestionnaireResponse status"):
        questionnaire_response(gad, {}, subject_reference="Patient/1", authored=AUTHORED, status="done")
