"""Scoring of every shipped instrument against examples computed by hand, band edges included, and
the missing-answer rules: within the rule a score, beyond it an invalid result without any score."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.utils import translation

from veerkracht.screening.engine.definitions import (
    DIRECTORY,
    ORDINAL_URL,
    SCORING_URL,
    Instrument,
    load_definition,
    shipped,
)
from veerkracht.screening.engine.scoring import score, score_scales


@pytest.fixture(autouse=True)
def instruments():  # type: ignore[no-untyped-def]
    """Overrides the app tests' fixture of that name (tests/conftest.py) that swaps in test instruments."""
    return None


def inst(instrument_id: str) -> Instrument:
    return shipped()[instrument_id]


def answers(scores: list[int], prefix: str = "") -> dict[str, str]:
    """Item 1..n answered with these scores (the shipped answer codes are the scores themselves)."""
    return {f"{prefix}{n}": str(s) for n, s in enumerate(scores, start=1)}


def band(instrument_id: str, scores: list[int], prefix: str = "") -> tuple[int | None, str | None, bool]:
    result = score(inst(instrument_id), answers(scores, prefix))
    assert result.valid, result.reason
    return result.total, result.band.code if result.band else None, result.clinical


# --- CRIES --------------------------------------------------------------------------------------


def test_cries_8_band_edge_16_and_17():
    assert band("cries-8", [5, 5, 3, 3, 0, 0, 0, 0]) == (16, "below", False)
    assert band("cries-8", [5, 5, 5, 1, 1, 0, 0, 0]) == (17, "ptsd_risk", True)
    assert band("cries-8", [0] * 8) == (0, "below", False)
    assert band("cries-8", [5] * 8) == (40, "ptsd_risk", True)


def test_cries_13_band_edge_29_and_30():
    assert band("cries-13", [5, 5, 5, 5, 5, 3, 1, 0, 0, 0, 0, 0, 0]) == (29, "below", False)
    assert band("cries-13", [5, 5, 5, 5, 5, 5, 0, 0, 0, 0, 0, 0, 0]) == (30, "ptsd_risk", True)
    assert band("cries-13", [5] * 13) == (65, "ptsd_risk", True)


def test_cries_answer_2_does_not_exist():
    result = score(inst("cries-8"), answers([2, 0, 0, 0, 0, 0, 0, 0]))
    assert not result.valid and result.total is None
    assert result.reason == "Item 1 has an answer that is not one of its options."


def test_cries_one_missing_answer_is_invalid_never_guessed():
    given = answers([5, 5, 5, 5, 5, 5, 5, 5])
    given["4"] = None
    result = score(inst("cries-8"), given)
    assert (result.valid, result.total, result.band, result.clinical) == (False, None, None, False)
    assert result.missing == ("4",)
    assert "item 4 is missing" in result.reason
    del given["4"]  # absent counts as missing too
    assert score(inst("cries-8"), given).missing == ("4",)


# --- CATS ---------------------------------------------------------------------------------------


def cats(instrument_id: str, symptoms: list[int], events: bool = True) -> tuple[int | None, str | None, bool]:
    given: dict[str, str | None] = answers(symptoms, "s")
    if events:
        given |= {f"e{n}": "yes" if n in (4, 6) else "no" for n in range(1, 16)}
        given |= {f"f{n}": "no" for n in range(1, 6)}
    result = score(inst(instrument_id), given)
    assert result.valid, result.reason
    return result.total, result.band.code, result.clinical


@pytest.mark.parametrize("instrument_id", ["cats-self-7-17", "cats-caregiver-7-17"])
def test_cats_7_17_band_edges_14_15_20_21(instrument_id):
    assert cats(instrument_id, [3, 3, 3, 3, 2] + [0] * 15) == (14, "normal", False)
    assert cats(instrument_id, [3] * 5 + [0] * 15) == (15, "moderate", False)
    assert cats(instrument_id, [3] * 6 + [2] + [0] * 13) == (20, "moderate", False)
    assert cats(instrument_id, [3] * 7 + [0] * 13) == (21, "probable_ptsd", True)
    assert cats(instrument_id, [3] * 20) == (60, "probable_ptsd", True)
    assert cats(instrument_id, [1] * 20) == (20, "moderate", False)


def test_cats_3_6_band_edge_15_and_16():
    assert cats("cats-caregiver-3-6", [3] * 5 + [0] * 11) == (15, "below", False)
    assert cats("cats-caregiver-3-6", [3] * 5 + [1] + [0] * 10) == (16, "probable_ptsd", True)
    assert cats("cats-caregiver-3-6", [3] * 16) == (48, "probable_ptsd", True)


def test_cats_events_and_functioning_do_not_count_and_may_be_left_open():
    with_events = score(inst("cats-self-7-17"), answers([2] * 20, "s") | {f"e{n}": "yes" for n in range(1, 16)}
                        | {f"f{n}": "yes" for n in range(1, 6)})
    without = score(inst("cats-self-7-17"), answers([2] * 20, "s"))
    assert with_events.total == without.total == 40
    assert without.valid and without.missing == () and without.reason == ""


def test_cats_a_missing_symptom_is_invalid():
    given = answers([3] * 20, "s")
    given["s20"] = ""
    result = score(inst("cats-self-7-17"), given)
    assert not result.valid and result.total is None and result.missing == ("s20",)
    assert "Part 2: symptoms in the past two weeks (0-3) 20" in result.reason


# --- parent: PHQ-9, GAD-7, PCL-5 ------------------------------------------------------------------


def spread(total: int, items: int, top: int) -> list[int]:
    """`total` spread over `items` answers of at most `top`, largest first."""
    result = []
    for _ in range(items):
        result.append(min(top, total))
        total -= result[-1]
    assert total == 0
    return result


@pytest.mark.parametrize(("total", "expected", "clinical"), [
    (0, "minimal", False), (4, "minimal", False), (5, "mild", False), (9, "mild", False), (10, "moderate", True),
    (14, "moderate", True), (15, "moderately_severe", True), (19, "moderately_severe", True), (20, "severe", True),
    (27, "severe", True),
])
def test_phq_9_bands(total, expected, clinical):
    assert band("phq-9", spread(total, 9, 3)) == (total, expected, clinical)


@pytest.mark.parametrize(("total", "expected", "clinical"), [
    (0, "minimal", False), (4, "minimal", False), (5, "mild", False), (9, "mild", False), (10, "moderate", True),
    (14, "moderate", True), (15, "severe", True), (21, "severe", True),
])
def test_gad_7_bands(total, expected, clinical):
    assert band("gad-7", spread(total, 7, 3)) == (total, expected, clinical)


def test_pcl_5_edges_and_clusters():
    assert band("pcl-5", spread(32, 20, 4)) == (32, "below", False)
    assert band("pcl-5", spread(33, 20, 4)) == (33, "probable_ptsd", True)
    assert band("pcl-5", [4] * 20) == (80, "probable_ptsd", True)
    # items 1-5 intrusion, 6-7 avoidance, 8-14 cognition and mood, 15-20 arousal
    result = score(inst("pcl-5"), answers([1, 1, 1, 1, 1, 2, 2, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 0, 4]))
    assert result.scales == {"intrusion": 5, "avoidance": 4, "cognition_mood": 21, "arousal": 4}
    assert result.total == 34 and result.clinical
    assert result.scale_bands == {"intrusion": None, "avoidance": None, "cognition_mood": None, "arousal": None}


def test_parent_instruments_allow_no_missing_answer():
    for instrument_id, count in (("phq-9", 9), ("gad-7", 7), ("pcl-5", 20)):
        given: dict[str, str | None] = answers([1] * count)
        given["2"] = None
        given["3"] = None
        result = score(inst(instrument_id), given)
        assert not result.valid and result.missing == ("2", "3"), instrument_id
        assert result.scales == {s.code: None for s in inst(instrument_id).scales}


# --- our own checklists ---------------------------------------------------------------------------


def test_risk_factor_checklist_counts_the_yes_answers():
    checklist = inst("risk-factors-child-abuse")
    given = {str(n): "yes" for n in range(1, 12)} | {str(n): "no" for n in range(12, 19)} | {"19": "unknown",
                                                                                            "20": "unknown"}
    result = score(checklist, given)
    assert (result.valid, result.total, result.band.code, result.clinical) == (True, 11, "present", False)
    none = score(checklist, {str(n): "no" for n in range(1, 21)})
    assert (none.total, none.band.code) == (0, "none")
    given.pop("20")
    assert not score(checklist, given).valid  # every factor needs an answer, 'unknown' included


def test_exposure_checklist_counts_the_categories():
    result = score(inst("exposure-to-violence"), {"1": "yes", "2": "yes", "3": "no", "4": "unknown", "5": "yes",
                                                  "6": "no"})
    assert (result.total, result.band.code, result.clinical) == (3, "exposed", False)
    with translation.override("nl"):
        assert result.band.label == "Blootstelling aan geweld vastgesteld"


# --- scale-score entry: SDQ and TSCYC -------------------------------------------------------------


def sdq(emotional: int, conduct: int, hyperactivity: int, peer: int, prosocial: int = 8):
    return score_scales(inst("sdq-parent"), {"emotional": emotional, "conduct": conduct,
                                             "hyperactivity": hyperactivity, "peer": peer, "prosocial": prosocial})


@pytest.mark.parametrize(("scores", "total", "expected", "clinical"), [
    ((3, 2, 5, 3), 13, "normal", False),
    ((4, 2, 5, 3), 14, "borderline", False),
    ((4, 3, 6, 3), 16, "borderline", False),
    ((4, 3, 7, 3), 17, "abnormal", True),
    ((10, 10, 10, 10), 40, "abnormal", True),
    ((0, 0, 0, 0), 0, "normal", False),
])
def test_sdq_total_difficulties_bands(scores, total, expected, clinical):
    result = sdq(*scores)
    assert (result.valid, result.total, result.band.code, result.clinical) == (True, total, expected, clinical)


def test_sdq_subscale_bands_and_prosocial_low_is_abnormal():
    result = sdq(5, 3, 6, 2, prosocial=4)
    assert {k: b.code for k, b in result.scale_bands.items()} == {
        "emotional": "abnormal", "conduct": "borderline", "hyperactivity": "borderline", "peer": "normal",
        "prosocial": "abnormal"}
    assert result.total == 16 and result.scales["prosocial"] == 4
    assert not result.clinical  # the total difficulties band decides
    edges = sdq(3, 2, 5, 2, prosocial=5)
    assert {k: b.code for k, b in edges.scale_bands.items()} == {
        "emotional": "normal", "conduct": "normal", "hyperactivity": "normal", "peer": "normal",
        "prosocial": "borderline"}


def test_sdq_entered_scores_are_checked_and_a_missing_scale_is_invalid():
    bad = sdq(11, 0, 0, 0)
    assert not bad.valid and bad.reason == "The score for Emotional symptoms must be a whole number from 0 to 10."
    assert not sdq(-1, 0, 0, 0).valid
    missing = score_scales(inst("sdq-parent"), {"emotional": 3, "conduct": 2, "hyperactivity": 5, "peer": None,
                                                "prosocial": 8})
    assert not missing.valid and missing.missing == ("peer",) and missing.total is None
    assert "Peer relationship problems" in missing.reason
    assert not score_scales(inst("sdq-parent"), {"mood": 3}).valid
    assert not score_scales(inst("sdq-parent"), {"emotional": True, "conduct": 2, "hyperactivity": 5, "peer": 1,
                                                 "prosocial": 8}).valid


def test_tscyc_t_scores_clinical_from_70_on_any_scale():
    scales = [s.code for s in inst("tscyc").scales]
    result = score_scales(inst("tscyc"), dict.fromkeys(scales, 64))
    assert result.valid and result.total is None and not result.clinical
    assert {b.code for b in result.scale_bands.values()} == {"not_raised"}
    edge = score_scales(inst("tscyc"), dict.fromkeys(scales, 65) | {"dis": 69})
    assert {b.code for b in edge.scale_bands.values()} == {"borderline"} and not edge.clinical
    clinical = score_scales(inst("tscyc"), dict.fromkeys(scales, 50) | {"pts_av": 70})
    assert clinical.clinical and clinical.scale_bands["pts_av"].code == "clinical"
    missing = score_scales(inst("tscyc"), dict.fromkeys(scales[:-1], 50))
    assert not missing.valid and missing.missing == ("ang",)


def test_the_wrong_entry_mode_is_a_programming_error():
    with pytest.raises(ValueError, match="use score_scales"):
        score(inst("sdq-parent"), {})
    with pytest.raises(ValueError, match="use score()"):
        score_scales(inst("cries-8"), {})


def test_unknown_item_in_the_answers_is_invalid():
    result = score(inst("gad-7"), answers([0] * 7) | {"8": "0"})
    assert not result.valid and result.reason == "The answers name an item this questionnaire does not have."


# --- the missing-answer and reversed-item rules, on a small definition ------------------------------


def small(*, method: str = "prorate", max_missing: int = 1, reversed_: tuple[str, ...] = ("a2",),
          total_of: str = "scales") -> Instrument:
    """Two subscales of three items answered 0-2 (a: a1-a3 with a2 reversed, b: b1-b3)."""
    data = json.loads((DIRECTORY / "gad-7.json").read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    options = [{"valueCoding": {"code": str(v), "display": str(v)},
                "extension": [{"url": ORDINAL_URL, "valueDecimal": v}]} for v in (0, 1, 2)]
    data["item"] = [{"linkId": link_id, "prefix": str(n), "type": "choice", "answerOption": options}
                    for n, link_id in enumerate(["a1", "a2", "a3", "b1", "b2", "b3"], start=1)]
    scoring = next(e for e in data["extension"] if e["url"] == SCORING_URL)

    def scale(code: str, items: list[str]) -> dict[str, Any]:
        return {"url": "scale", "extension": [
            {"url": "code", "valueCode": code}, {"url": "labelNl", "valueString": f"Schaal {code}"},
            {"url": "labelEn", "valueString": f"Scale {code}"}] + [{"url": "item", "valueString": x} for x in items]}

    total = [{"url": "code", "valueCode": "total"}, {"url": "labelNl", "valueString": "Totaal"},
             {"url": "labelEn", "valueString": "Total"}, {"url": "sumOf", "valueCode": total_of}]
    total += ([{"url": "scale", "valueCode": "a"}, {"url": "scale", "valueCode": "b"}] if total_of == "scales" else [])
    missing = [{"url": "method", "valueCode": method}] + (
        [{"url": "maxMissing", "valueInteger": max_missing}] if method == "prorate" else [])
    scoring["extension"] = [e for e in scoring["extension"] if e["url"] not in ("total", "missing")] + [
        scale("a", ["a1", "a2", "a3"]), scale("b", ["b1", "b2", "b3"]),
        {"url": "total", "extension": total}, {"url": "missing", "extension": missing},
    ] + [{"url": "reversed", "valueString": x} for x in reversed_]
    return load_definition(data)


def test_reversed_item_counts_max_plus_min_minus_the_form_value():
    instrument = small(method="none")
    assert [(o.code, o.score) for o in instrument.item("a2").options] == [("0", 2), ("1", 1), ("2", 0)]
    assert instrument.item("a2").reversed and not instrument.item("a1").reversed
    result = score(instrument, {"a1": "2", "a2": "0", "a3": "1", "b1": "0", "b2": "1", "b3": "2"})
    assert result.scales == {"a": 5, "b": 3} and result.total == 8


def test_prorating_within_the_rule_rounds_half_up():
    instrument = small()
    # a: a1=2, a2 missing, a3=1 -> 3 from 2 of 3 items -> 4.5 -> 5 (half up); b complete: 0+1+1 = 2
    result = score(instrument, {"a1": "2", "a3": "1", "b1": "0", "b2": "1", "b3": "1"})
    assert result.valid and result.scales == {"a": 5, "b": 2} and result.total == 7
    assert result.missing == ("a2",)
    assert result.reason.startswith("Item 2 was not answered; the score is prorated")
    # a: a1=1, a3=0 -> 1 * 3/2 = 1.5 -> 2; b: b2 missing, b1=2, b3=2 -> 4 * 3/2 = 6
    both = score(instrument, {"a1": "1", "a3": "0", "b1": "2", "b3": "2"})
    assert both.scales == {"a": 2, "b": 6} and both.total == 8 and both.missing == ("a2", "b2")


def test_prorating_beyond_the_rule_is_invalid():
    result = score(small(), {"a1": "2", "b1": "0", "b2": "1", "b3": "1"})
    assert not result.valid and result.total is None and result.scales == {"a": None, "b": None}
    assert result.missing == ("a2", "a3")
    assert result.reason == "Too many answers are missing in Scale a (items 2, 3); at most 1 may be missing."


def test_prorating_a_total_summed_over_items():
    instrument = small(total_of="items")
    # total over 6 items, b3 missing: 2+1+1+0+1 = 5 (a2 '1' stays 1) -> 5 * 6/5 = 6
    result = score(instrument, {"a1": "2", "a2": "1", "a3": "1", "b1": "0", "b2": "1"})
    assert result.total == 6 and result.scales == {"a": 4, "b": 2}
    assert not score(instrument, {"a1": "2", "a2": "1", "a3": "1", "b1": "0"}).valid
