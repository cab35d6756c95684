"""Instrument definitions: what ships, and a faulty definition is refused with the file and the fault named."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import translation

from veerkracht.screening.engine.definitions import (
    DIRECTORY,
    SCORING_URL,
    TEXT_ALLOWED,
    DefinitionError,
    get,
    load_definition,
    load_directory,
    registry,
    shipped,
    suggest,
)


@pytest.fixture(autouse=True)
def instruments():  # type: ignore[no-untyped-def]
    """Overrides the app tests' fixture of that name (tests/conftest.py), which swaps the registry for
    throwaway test instruments: these tests are about the shipped definitions and the real registry."""
    return None


SHIPPED = {
    "cries-8", "cries-13", "cats-self-7-17", "cats-caregiver-7-17", "cats-caregiver-3-6", "sdq-parent", "tscyc",
    "phq-9", "gad-7", "pcl-5", "risk-factors-child-abuse", "exposure-to-violence",
}


def _file(name: str) -> dict[str, Any]:
    return json.loads((DIRECTORY / f"{name}.json").read_text(encoding="utf-8"))


def _scoring(data: dict[str, Any]) -> dict[str, Any]:
    return next(e for e in data["extension"] if e["url"] == SCORING_URL)


def _part(data: dict[str, Any], url: str, index: int = 0) -> dict[str, Any]:
    return [e for e in _scoring(data)["extension"] if e["url"] == url][index]


def _sub(ext: dict[str, Any], url: str, index: int = 0) -> dict[str, Any]:
    return [e for e in ext["extension"] if e["url"] == url][index]


def _band(data: dict[str, Any], index: int, where: str = "total") -> dict[str, Any]:
    return _sub(_part(data, where), "band", index)


def _set(ext: dict[str, Any], url: str, value: Any) -> None:
    sub = _sub(ext, url)
    key = next(k for k in sub if k.startswith("value"))
    sub[key] = value


def test_every_shipped_definition_loads_and_states_source_and_licence():
    instruments = load_directory()
    assert set(instruments) == SHIPPED
    for instrument in instruments.values():
        assert instrument.source and instrument.licence and instrument.licence_code
        assert instrument.version and instrument.url.endswith(instrument.id)


def test_the_facts_of_the_shipped_instruments():
    found = {i.id: i for i in shipped().values()}
    expected = {  # id: (respondent, min age, max age, entry, number of scored items, total range)
        "cries-8": ("child", 8, 18, "items", 8, (0, 40)),
        "cries-13": ("child", 8, 18, "items", 13, (0, 65)),
        "cats-self-7-17": ("child", 7, 17, "items", 20, (0, 60)),
        "cats-caregiver-7-17": ("caregiver", 7, 17, "items", 20, (0, 60)),
        "cats-caregiver-3-6": ("caregiver", 3, 6, "items", 16, (0, 48)),
        "sdq-parent": ("caregiver", 3, 16, "scale_scores", 0, (0, 40)),
        "phq-9": ("parent_self", 18, None, "items", 9, (0, 27)),
        "gad-7": ("parent_self", 18, None, "items", 7, (0, 21)),
        "pcl-5": ("parent_self", 18, None, "items", 20, (0, 80)),
        "risk-factors-child-abuse": ("professional", 0, 18, "items", 20, (0, 20)),
        "exposure-to-violence": ("professional", 0, 18, "items", 6, (0, 6)),
    }
    for instrument_id, (respondent, low, high, entry, scored, total) in expected.items():
        instrument = found[instrument_id]
        assert (instrument.respondent, instrument.min_age, instrument.max_age, instrument.entry) == (
            respondent, low, high, entry), instrument_id
        assert len(instrument.scored_items) == scored, instrument_id
        assert instrument.total is not None and (instrument.total.min, instrument.total.max) == total, instrument_id
    cats = found["cats-self-7-17"]
    assert [len([i for i in cats.items if i.group == g.code]) for g in cats.groups] == [15, 20, 5]
    assert {i.group for i in cats.scored_items} == {"symptoms"}
    assert [i.number for i in cats.items if i.group == "symptoms"] == list(range(1, 21))
    assert [(o.code, o.score) for o in found["cries-8"].items[0].options] == [("0", 0), ("1", 1), ("3", 3), ("5", 5)]
    tscyc = found["tscyc"]
    assert tscyc.respondent == "caregiver" and (tscyc.min_age, tscyc.max_age) == (3, 12)
    assert tscyc.total is None and len(tscyc.scales) == 9  # 8 clinical scales + the PTS total summary scale
    assert all(s.band_for(70).clinical and not s.band_for(69).clinical for s in tscyc.scales)
    sdq = found["sdq-parent"]
    assert sdq.total.scales == ("emotional", "conduct", "hyperactivity", "peer")
    assert [(b.low, b.high) for b in sdq.total.bands] == [(0, 13), (14, 16), (17, 40)]


def test_item_text_ships_only_where_the_licence_allows_and_only_for_our_own_checklists():
    for instrument in shipped().values():
        if instrument.licence_code == "own":
            assert all(i.text and dict(i.translations).get("en") for i in instrument.items), instrument.id
        else:
            # CRIES, CATS, PHQ-9, GAD-7, PCL-5: numbered items; SDQ, TSCYC: no items at all
            assert not instrument.has_text, instrument.id
            assert all(i.label is None for i in instrument.items)
        if instrument.licence_code not in TEXT_ALLOWED:
            assert instrument.entry == "scale_scores" and not instrument.items


def test_exposure_checklist_has_the_intake_categories_in_dutch_and_english():
    checklist = get("exposure-to-violence")
    assert [i.text for i in checklist.items][:2] == [
        "Heeft gezien dat de ouders elkaar sloegen", "Heeft ernstige mishandeling van de moeder meegemaakt"]
    with translation.override("en"):
        assert [i.label for i in checklist.items] == [
            "Witnessed the parents hitting each other", "Witnessed severe abuse of the mother",
            "Witnessed destruction in the home from violence", "Witnessed the arrest of a parent",
            "Was abused themselves", "Other violence (describe it in the record, not here)"]
        assert [o.label for o in checklist.items[0].options] == ["Yes", "No", "Unknown"]
        assert checklist.total.bands[1].label == "Exposure to violence established"
    with translation.override("nl"):
        assert [o.label for o in checklist.items[0].options] == ["Ja", "Nee", "Onbekend"]
        assert checklist.total.bands[1].label == "Blootstelling aan geweld vastgesteld"


def test_get_and_suggest_by_age_and_respondent():
    assert get("cries-8").id == "cries-8"
    with pytest.raises(KeyError):
        get("nope")
    ten = {i.id for i in suggest(10)}
    assert {"cries-8", "cries-13", "cats-self-7-17", "cats-caregiver-7-17", "sdq-parent", "tscyc"} <= ten
    assert "cats-caregiver-3-6" not in ten and "phq-9" not in ten
    assert [i.id for i in suggest(10, "child")] == ["cats-self-7-17", "cries-13", "cries-8"]
    assert {i.id for i in suggest(4, "caregiver")} == {"cats-caregiver-3-6", "sdq-parent", "tscyc"}
    assert {i.id for i in suggest(6)} >= {"cats-caregiver-3-6"} and "cats-caregiver-7-17" not in {
        i.id for i in suggest(6)}
    assert {i.id for i in suggest(None, "parent_self")} == {"phq-9", "gad-7", "pcl-5"}
    assert {i.id for i in suggest(17, "child")} == {"cats-self-7-17", "cries-8", "cries-13"}
    assert {i.id for i in suggest(18, "child")} == {"cries-8", "cries-13"}
    assert not get("cats-self-7-17").fits_age(6) and get("cats-self-7-17").fits_age(None)


def test_a_retired_definition_is_not_suggested_but_still_loads():
    data = _file("cries-8")
    data["status"] = "retired"
    assert load_definition(data).status_active is False


def test_cats_3_6_with_the_tip_sheet_bands_loads_as_a_new_version():
    """The bands are data: an organisation that follows the 2017 tip sheet (12-14 moderate, >= 15 probable)
    ships a new version of the file with those bands."""
    data = _file("cats-caregiver-3-6")
    data["version"] = "1-tipsheet"
    total = _part(data, "total")
    total["extension"] = [e for e in total["extension"] if e["url"] != "band"] + [
        _new_band("normal", 0, 11, False), _new_band("moderate", 12, 14, False), _new_band("probable", 15, 48, True)]
    instrument = load_definition(data)
    assert [(b.low, b.high, b.clinical) for b in instrument.total.bands] == [
        (0, 11, False), (12, 14, False), (15, 48, True)]


def _new_band(code: str, low: int, high: int, clinical: bool) -> dict[str, Any]:
    return {"url": "band", "extension": [
        {"url": "code", "valueCode": code}, {"url": "labelNl", "valueString": code},
        {"url": "labelEn", "valueString": code}, {"url": "low", "valueInteger": low},
        {"url": "high", "valueInteger": high}, {"url": "clinical", "valueBoolean": clinical}]}


Change = Callable[[dict[str, Any]], Any]

FAULTS: list[tuple[str, Change, str]] = [
    ("pcl-5", lambda d: _part(d, "scale")["extension"].append({"url": "item", "valueString": "99"}),
     "scale intrusion: unknown item '99'"),
    ("cries-8", lambda d: _set(_band(d, 1), "low", 18), "bands leave a gap: 17-17 has no band"),
    ("cries-8", lambda d: _set(_band(d, 1), "low", 16), "bands below and ptsd_risk overlap"),
    ("cries-8", lambda d: _set(_band(d, 1), "high", 41), "bands reach outside the scale range 0-40"),
    ("cries-8", lambda d: _set(_band(d, 0), "low", 1), "bands leave a gap: 0-0 has no band"),
    ("cries-8", lambda d: _set(_band(d, 1), "high", 39), "bands leave a gap: 40-40 has no band"),
    ("cries-8", lambda d: _set(_band(d, 1), "low", 45), "low 45 is above high 40"),
    ("cries-8", lambda d: _band(d, 1)["extension"].pop(), "'clinical' must be true or false"),
    ("cries-8", lambda d: d["item"][0]["answerOption"][2].pop("extension"), "item 1: answer 3: has no score"),
    ("cries-8", lambda d: d["item"][0]["answerOption"][2]["extension"][0].update(valueDecimal=2.5),
     "the score must be a whole number"),
    ("cries-8", lambda d: d["item"][0]["answerOption"][1]["valueCoding"].update(code="0"), "share a code"),
    ("cries-8", lambda d: d["item"][0].update(answerOption=[]), "item 1: has no answer options"),
    ("cries-8", lambda d: d["item"][1].update(linkId="1"), "linkId '1' is used twice"),
    ("cats-self-7-17", lambda d: d["item"][1]["item"][0].update(linkId="e1"), "linkId 'e1' is used twice"),
    ("cries-8", lambda d: d["item"][1].update(prefix="1"), "number 1 is not positive or is used twice"),
    ("cries-8", lambda d: d["item"][0].update(type="string"), "type must be 'choice'"),
    ("cries-8", lambda d: d.pop("copyright"), "'copyright' (the licence) is missing"),
    ("cries-8", lambda d: _scoring(d)["extension"].remove(_part(d, "licence")), "'licence' is missing"),
    ("cries-8", lambda d: _set(_scoring(d), "licence", "whatever"), "licence 'whatever' must be one of"),
    ("cries-8", lambda d: _scoring(d)["extension"].remove(_part(d, "source")), "'source' (the citation) is missing"),
    ("cries-8", lambda d: d.update(version=""), "'version' is missing or empty"),
    ("cries-8", lambda d: d.update(resourceType="Patient"), "one FHIR Questionnaire"),
    ("cries-8", lambda d: d.update(extension=[]), "exactly one scoring extension"),
    ("cries-8", lambda d: _set(_scoring(d), "respondent", "neighbour"), "respondent 'neighbour' must be one of"),
    ("cries-8", lambda d: _set(_scoring(d), "entry", "guess"), "entry 'guess' must be one of"),
    ("cries-8", lambda d: _set(_scoring(d), "maxAge", 5), "age range 8-5 is not a range"),
    ("cries-8", lambda d: _scoring(d)["extension"].remove(_part(d, "missing")), "exactly one 'missing' rule"),
    ("cries-8", lambda d: _set(_part(d, "missing"), "method", "guess"), "missing method 'guess' must be one of"),
    ("cries-8", lambda d: _part(d, "missing")["extension"].append({"url": "maxMissing", "valueInteger": 2}),
     "'maxMissing' must be 0"),
    ("cries-8", lambda d: _set(_part(d, "missing"), "method", "prorate"), "'maxMissing' of at least 1"),
    ("tscyc", lambda d: d.update(item=_file("cries-8")["item"]), "entry 'scale_scores' ships no items"),
    ("cries-8", lambda d: _set(_scoring(d), "entry", "scale_scores"), "entry 'scale_scores' ships no items"),
    ("sdq-parent", lambda d: _set(_part(d, "scale"), "max", 9), "reach outside the scale range 0-9"),
    ("sdq-parent", lambda d: _set(_part(d, "total"), "sumOf", "items"), "a scale-score instrument can only sum scales"),
    ("sdq-parent", lambda d: _part(d, "total")["extension"].append({"url": "scale", "valueCode": "mood"}),
     "unknown scale 'mood'"),
    ("cats-self-7-17", lambda d: _part(d, "total")["extension"].append({"url": "item", "valueString": "e1"}),
     "item 'e1' is marked unscored"),
    ("cats-self-7-17", lambda d: _scoring(d)["extension"].append({"url": "reversed", "valueString": "s99"}),
     "reversed names unknown item 's99'"),
    ("phq-9", lambda d: _scoring(d)["extension"].remove(_part(d, "total")), "neither a total nor a scale"),
]


@pytest.mark.parametrize(("name", "change", "message"), FAULTS)
def test_a_faulty_definition_is_refused_naming_file_and_fault(name, change, message):
    data = copy.deepcopy(_file(name))
    change(data)
    with pytest.raises(DefinitionError, match=f"^{name}: ") as caught:
        load_definition(data, source=name)
    assert message in str(caught.value)


def test_item_text_is_refused_where_the_licence_forbids_it(tmp_path):
    data = _file("sdq-parent")
    _set(_scoring(data), "entry", "items")
    data["item"] = [{"linkId": "1", "prefix": "1", "type": "choice", "text": "An SDQ item",
                     "answerOption": [{"valueCoding": {"code": "0", "display": "0"},
                                       "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/ordinalValue",
                                                      "valueDecimal": 0}]}]}]
    path = tmp_path / "sdq-parent.json"
    path.write_text(json.dumps(data))
    with pytest.raises(DefinitionError, match=r"^sdq-parent.json: item 1: has item text, but the licence "
                                              r"'no_electronic_copy' does not allow shipping it"):
        load_definition(path)


def test_a_file_that_is_not_json_is_named(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    with pytest.raises(DefinitionError, match="^broken.json: cannot be read as JSON"):
        load_definition(path)


def test_a_directory_refuses_an_id_that_differs_from_the_file_name(tmp_path):
    (tmp_path / "other.json").write_text(json.dumps(_file("gad-7")))
    with pytest.raises(DefinitionError, match="other.json: id 'gad-7' differs from the file name"):
        load_directory(tmp_path)


def test_registry_holds_the_shipped_definitions():
    assert set(registry()) == SHIPPED
