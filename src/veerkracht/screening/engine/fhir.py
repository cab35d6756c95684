"""FHIR R4 export: a definition as Questionnaire, an administration as QuestionnaireResponse.

The Questionnaire is the shipped definition file itself (with the scoring extension), without
item text an organisation imported locally: that text is licensed to the organisation, not to
whoever receives the export. The QuestionnaireResponse carries the answers and, in the extension
https://veerkracht.nl/fhir/StructureDefinition/score, the computed result.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Mapping
from typing import Any

from .definitions import ANSWER_SYSTEM, Instrument
from .scoring import Result, score, score_scales

RESULT_URL = "https://veerkracht.nl/fhir/StructureDefinition/score"
RESPONSE_STATUSES = ("in-progress", "completed", "amended", "entered-in-error", "stopped")


def questionnaire(instrument: Instrument) -> dict[str, Any]:
    """The definition as a FHIR R4 Questionnaire resource (JSON-ready dict)."""
    return copy.deepcopy(dict(instrument.raw))


def _result_extension(instrument: Instrument, result: Result) -> dict[str, Any]:
    parts: list[dict[str, Any]] = [{"url": "valid", "valueBoolean": result.valid}]
    if result.reason:
        parts.append({"url": "reason", "valueString": result.reason})
    scored = [(s, result.scales.get(s.code), result.scale_bands.get(s.code)) for s in instrument.scales]
    if instrument.total is not None:
        scored.append((instrument.total, result.total, result.band))
    for scale, value, band in scored:
        if value is None:
            continue
        inner: list[dict[str, Any]] = [{"url": "scale", "valueCode": scale.code}, {"url": "value", "valueInteger": value}]
        if band is not None:
            inner += [{"url": "band", "valueCode": band.code}, {"url": "clinical", "valueBoolean": band.clinical}]
        parts.append({"url": "scaleScore", "extension": inner})
    parts.append({"url": "clinical", "valueBoolean": result.clinical})
    parts += [{"url": "critical", "valueString": link_id} for link_id in result.critical]
    return {"url": RESULT_URL, "extension": parts}


def questionnaire_response(
    instrument: Instrument,
    answers: Mapping[str, Any],
    *,
    subject_reference: str,
    authored: datetime.datetime,
    status: str = "completed",
) -> dict[str, Any]:
    """An administration as a FHIR R4 QuestionnaireResponse. `answers` is linkId -> answer code for
    item entry, scale code -> score for scale-score entry (as given to score() / score_scales())."""
    if status not in RESPONSE_STATUSES:
        raise ValueError(f"status {status!r} is not a QuestionnaireResponse status")
    if authored.tzinfo is None:
        raise ValueError("authored needs a time zone")
    if instrument.entry == "items":
        result = score(instrument, answers)
    else:
        result = score_scales(instrument, answers)
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{instrument.url}|{instrument.version}",
        "status": status,
        "subject": {"reference": subject_reference},
        "authored": authored.isoformat(),
        "extension": [_result_extension(instrument, result)],
    }
    if instrument.entry == "items":
        response_items: list[dict[str, Any]] = []
        group_entries: dict[str, dict[str, Any]] = {}
        for item in instrument.items:  # in the order of the form; a group where its first item is
            code = answers.get(item.link_id)
            option = item.option(str(code)) if code not in (None, "") else None
            if option is None:
                continue
            answered = {
                "linkId": item.link_id,
                "answer": [{"valueCoding": {"system": ANSWER_SYSTEM, "code": option.code, "display": option.display}}],
            }
            if item.group is None:
                response_items.append(answered)
                continue
            if item.group not in group_entries:
                group_entries[item.group] = {"linkId": item.group, "item": []}
                response_items.append(group_entries[item.group])
            group_entries[item.group]["item"].append(answered)
        if response_items:
            resource["item"] = response_items
    return resource
