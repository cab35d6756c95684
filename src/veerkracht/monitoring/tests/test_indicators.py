"""The indicator definitions: the shipped file, the expression language and its validation."""

from __future__ import annotations

import copy
import json

import pytest
from django.db.models import Q
from django.utils import translation

from veerkracht.monitoring import indicators
from veerkracht.monitoring.indicators import IndicatorError, check_expression, parse, parse_indicator, to_q
from veerkracht.monitoring.models import BOOLEAN_FACTS, FACT_FIELDS

ISSUE_LIST = {
    "children_admitted", "own_intake", "intake_on_time", "days_to_intake", "safety_plan", "screened",
    "above_cutoff", "referred", "referral_started", "father_contact_attempted", "father_contact_realised",
    "father_not_safe", "network_mapped", "help_plan", "help_plan_evaluated_on_time", "parent_support",
    "course_enrolled", "course_completed", "course_t1_improved", "course_t2_improved", "meldcode_consulted",
    "meldcode_reported", "length_of_stay", "destination",
}

VALID = {
    "code": "x", "kind": "share", "normenkader": 1,
    "name": {"nl": "Iets", "en": "Something"}, "description": {"nl": "Uitleg", "en": "Explanation"},
    "inclusion": {"text": {"nl": "Alle", "en": "All"}, "expr": True},
    "numerator": {"text": {"nl": "Teller", "en": "Numerator"}, "expr": "has_intake"},
    "denominator": {"text": {"nl": "Noemer", "en": "Denominator"}, "expr": True},
}


def test_shipped_file_loads_with_every_indicator_of_the_issue():
    loaded = indicators.load()
    assert ISSUE_LIST <= set(loaded)
    assert [i.code for i in indicators.normenkader()] == [f"normenkader_{n}" for n in (1, 2, 3, 4)]
    assert all(i.normenkader == n for n, i in zip((1, 2, 3, 4), indicators.normenkader(), strict=True))


def test_every_shipped_indicator_has_both_languages_and_plain_texts():
    for ind in indicators.registry().values():
        for texts in (ind.names, ind.descriptions, ind.inclusion.text):
            assert texts["nl"].strip() and texts["en"].strip() and texts["nl"] != texts["en"], ind.code
        for part in (ind.numerator, ind.denominator):
            if part is not None:
                assert part.text["nl"].strip() and part.text["en"].strip(), ind.code


def test_the_interface_language_picks_the_text():
    ind = indicators.get("own_intake")
    with translation.override("nl"):
        assert ind.name == "Eigen intake"
        assert ind.numerator is not None and ind.numerator.label == "Kinderen met een eigen intake."
    with translation.override("en"):
        assert ind.name == "Own intake"


def test_normenkader_descriptions_name_the_choice():
    for ind in indicators.normenkader():
        assert "Veerkracht" in ind.descriptions["nl"] and "Veerkracht" in ind.descriptions["en"]
        assert ind.composite and ind.kind == "share"


def test_expressions_become_q():
    assert to_q(True) == Q()
    assert to_q("screened") == Q(screened=True)
    assert to_q({"not": "screened"}) == ~Q(screened=True)
    assert to_q({"all": ["screened", "referred"]}) == Q(screened=True) & Q(referred=True)
    assert to_q({"any": ["screened", "referred"]}) == Q(screened=True) | Q(referred=True)
    assert to_q({"field": "discharged_on", "is_null": False}) == Q(discharged_on__isnull=False)
    assert to_q({"field": "destination", "in": ["family"]}) == Q(destination__in=["family"])


def test_boolean_facts_are_fields_of_the_fact_table():
    from veerkracht.monitoring.models import ChildStayFact

    names = {f.name for f in ChildStayFact._meta.get_fields()}
    assert set(BOOLEAN_FACTS) <= names and FACT_FIELDS <= names


@pytest.mark.parametrize(("expr", "message"), [
    ("name", "'name' is not a boolean fact field"),
    ("days_to_intake", "'days_to_intake' is not a boolean fact field"),
    ({"all": "screened"}, "'all' needs a list"),
    ({"any": []}, "'any' needs a list"),
    ({"not": "birth_date"}, "'birth_date' is not a boolean fact field"),
    ({"field": "birth_date", "is_null": True}, "unknown fact field 'birth_date'"),
    ({"field": "destination", "is_null": "yes"}, "'is_null' must be true or false"),
    ({"field": "destination", "in": []}, "'in' needs a list of values"),
    ({"xor": ["a"]}, "unknown operator ['xor']"),
    ({"all": ["screened"], "any": ["referred"]}, "unknown operator"),
    (False, "an expression is a fact field name, true or an object"),
    (1, "an expression is a fact field name, true or an object"),
    ("__import__('os')", "is not a boolean fact field"),
])
def test_bad_expressions_are_refused_with_the_fault(expr, message):
    with pytest.raises(IndicatorError, match="where") as info:
        check_expression(expr, "where")
    assert message in str(info.value)


def _with(**changes):  # type: ignore[no-untyped-def]
    raw = copy.deepcopy(VALID)
    for key, value in changes.items():
        if value is None:
            raw.pop(key)
        else:
            raw[key] = value
    return raw


@pytest.mark.parametrize(("changes", "message"), [
    ({"kind": "ratio"}, "indicator x: bad kind 'ratio'"),
    ({"kind": "median"}, "indicator x: a median needs 'field'"),
    ({"kind": "mean", "field": "has_intake"}, "indicator x: a mean needs 'field'"),
    ({"kind": "distribution", "field": "days_to_intake"}, "indicator x: a distribution needs 'field'"),
    ({"field": "days_to_intake"}, "indicator x: 'field' is only for median"),
    ({"denominator": None}, "indicator x: a share needs a numerator and a denominator"),
    ({"kind": "count", "numerator": None}, "indicator x: a count needs a numerator"),
    ({"normenkader": 5}, "indicator x: normenkader must be 1, 2, 3, 4 or null"),
    ({"name": {"nl": "Iets"}}, "indicator x: name: needs a text in Dutch (nl) and English (en)"),
    ({"description": {"nl": "", "en": "x"}}, "indicator x: description: needs a text"),
    ({"inclusion": None}, "indicator x: needs an inclusion rule"),
    ({"numerator": {"text": {"nl": "a", "en": "b"}, "expr": "nope"}},
     "indicator x: numerator.expr: 'nope' is not a boolean fact field"),
    ({"numerator": {"text": {"nl": "a", "en": "b"}}}, "indicator x: numerator: needs 'text' and 'expr'"),
    ({"composite": True, "normenkader": None}, "indicator x: 'composite' is true only for a share"),
    ({"code": ""}, "an indicator needs a code"),
])
def test_bad_definitions_are_refused_naming_indicator_and_fault(changes, message):
    with pytest.raises(IndicatorError) as info:
        parse_indicator(_with(**changes))
    assert message in str(info.value)


def test_a_valid_definition_parses():
    ind = parse_indicator(VALID)
    assert (ind.code, ind.kind, ind.normenkader, ind.composite) == ("x", "share", 1, False)
    assert ind.numerator_q() == Q(has_intake=True)


def test_duplicate_codes_and_bad_files_are_refused(tmp_path):
    with pytest.raises(IndicatorError, match="indicator x: the code is used twice"):
        parse({"indicators": [VALID, VALID]})
    with pytest.raises(IndicatorError, match="a list 'indicators'"):
        parse({"indicator": []})
    path = tmp_path / "indicators.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(IndicatorError, match="indicators.json: cannot be read"):
        indicators.load(path)
    path.write_text(json.dumps({"indicators": [_with(kind="ratio")]}), encoding="utf-8")
    with pytest.raises(IndicatorError, match="indicators.json: indicator x: bad kind"):
        indicators.load(path)


def test_unknown_indicator_code():
    with pytest.raises(IndicatorError, match="unknown indicator 'nope'"):
        indicators.get("nope")
