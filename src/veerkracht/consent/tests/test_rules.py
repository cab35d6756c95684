"""Who must consent (Jeugdwet 7.3.4 / 7.3.5): the pure rules, no database."""

from __future__ import annotations

import datetime

import pytest

from veerkracht.consent import rules
from veerkracht.consent.rules import GIVEN, NO, REFUSED, UNKNOWN, WITHDRAWN, YES, Parent

BIRTH = datetime.date(2010, 6, 15)
MOTHER, FATHER, CHILD = "mother", "father", "child"


def on_age(years: int, days: int = 0) -> datetime.date:
    """The date on which the child born on BIRTH turns ``years`` (plus ``days``)."""
    return BIRTH.replace(year=BIRTH.year + years) + datetime.timedelta(days=days)


def req(on: datetime.date, mother: str = YES, father: str | None = YES, birth: datetime.date | None = BIRTH):
    parents = [Parent(MOTHER, mother)] + ([Parent(FATHER, father)] if father else [])
    return rules.required_consent(birth, on, parents, child_key=CHILD)


@pytest.mark.parametrize(
    ("on", "band", "child_required", "parents"),
    [
        (on_age(12, -1), rules.UNDER_12, False, (MOTHER, FATHER)),  # the day before the 12th birthday
        (on_age(12), rules.FROM_12_TO_15, True, (MOTHER, FATHER)),  # on the 12th birthday
        (on_age(16, -1), rules.FROM_12_TO_15, True, (MOTHER, FATHER)),  # the day before the 16th birthday
        (on_age(16), rules.FROM_16, True, ()),  # on the 16th birthday: the young person alone
        (on_age(5), rules.UNDER_12, False, (MOTHER, FATHER)),
        (on_age(17), rules.FROM_16, True, ()),
    ],
    ids=["11y364d", "12-birthday", "15y364d", "16-birthday", "5", "17"],
)
def test_age_bands_at_the_boundaries(on, band, child_required, parents):
    r = req(on)
    assert r.band == band
    assert r.child_required is child_required
    assert r.parents_required == parents
    assert r.warnings == ()
    expected = ((CHILD,) if child_required else ()) + parents
    assert r.required == expected


def test_leap_day_birthday_counts_from_the_first_of_march_in_a_common_year():
    birth = datetime.date(2012, 2, 29)
    assert rules.required_consent(birth, datetime.date(2024, 2, 28), []).band == rules.UNDER_12
    assert rules.required_consent(birth, datetime.date(2024, 2, 29), []).band == rules.FROM_12_TO_15


@pytest.mark.parametrize(
    ("mother", "father", "required", "to_check", "not_needed", "warnings"),
    [
        (YES, YES, (MOTHER, FATHER), (), (), ()),
        (YES, NO, (MOTHER,), (), (FATHER,), ()),
        (NO, YES, (FATHER,), (), (MOTHER,), ()),
        (YES, UNKNOWN, (MOTHER,), (FATHER,), (), (rules.CHECK_REGISTER,)),
        (UNKNOWN, UNKNOWN, (), (MOTHER, FATHER), (), (rules.CHECK_REGISTER, rules.NO_AUTHORITY)),
        (NO, NO, (), (), (MOTHER, FATHER), (rules.NO_AUTHORITY,)),
        (NO, UNKNOWN, (), (FATHER,), (MOTHER,), (rules.CHECK_REGISTER, rules.NO_AUTHORITY)),
        (YES, None, (MOTHER,), (), (), ()),
    ],
)
@pytest.mark.parametrize("age", [8, 13])
def test_authority_combinations_under_16(age, mother, father, required, to_check, not_needed, warnings):
    r = req(on_age(age), mother, father)
    assert r.parents_required == required
    assert r.parents_to_check == to_check
    assert r.parents_not_needed == not_needed
    assert r.warning_codes == warnings
    assert r.child_required is (age >= 12)
    # a parent without authority never has to consent; an unknown one counts as needed (missing)
    for key in not_needed:
        assert not r.matters(key)
    for key in to_check:
        assert r.matters(key)


def test_no_parents_at_all_under_16_warns_guardian():
    r = rules.required_consent(BIRTH, on_age(10), [], child_key=CHILD)
    assert r.warning_codes == (rules.NO_AUTHORITY,)
    outcome = rules.evaluate(r, {})
    assert outcome.state == rules.CHECK_AUTHORITY  # never "complete" with nobody to consent


@pytest.mark.parametrize("mother", [YES, NO, UNKNOWN])
def test_from_16_the_young_person_alone_whatever_the_authority(mother):
    r = req(on_age(16), mother, UNKNOWN)
    assert r.required == (CHILD,)
    assert r.warnings == ()
    assert rules.evaluate(r, {CHILD: GIVEN}).state == rules.COMPLETE
    assert rules.evaluate(r, {CHILD: GIVEN, MOTHER: REFUSED}).state == rules.COMPLETE
    assert rules.evaluate(r, {CHILD: REFUSED, MOTHER: GIVEN}).state == rules.REFUSED_STATE


def test_unknown_birth_date_asks_everyone_and_warns():
    r = req(on_age(10), birth=None)
    assert r.band == rules.AGE_UNKNOWN
    assert r.required == (CHILD, MOTHER, FATHER)
    assert rules.BIRTH_DATE_UNKNOWN in r.warning_codes
    assert rules.evaluate(r, {CHILD: GIVEN, MOTHER: GIVEN, FATHER: GIVEN}).state == rules.CHECK_AUTHORITY


@pytest.mark.parametrize(
    ("age", "latest", "state", "missing", "refused"),
    [
        (8, {}, rules.MISSING, (MOTHER, FATHER), ()),
        (8, {MOTHER: GIVEN}, rules.MISSING, (FATHER,), ()),
        (8, {MOTHER: GIVEN, FATHER: GIVEN}, rules.COMPLETE, (), ()),
        (8, {MOTHER: GIVEN, FATHER: GIVEN, CHILD: REFUSED}, rules.COMPLETE, (), ()),  # under 12: the child is not asked
        (8, {MOTHER: GIVEN, FATHER: REFUSED}, rules.REFUSED_STATE, (), (FATHER,)),
        (8, {MOTHER: WITHDRAWN, FATHER: GIVEN}, rules.REFUSED_STATE, (), (MOTHER,)),
        (13, {MOTHER: GIVEN, FATHER: GIVEN}, rules.MISSING, (CHILD,), ()),
        (13, {MOTHER: GIVEN, FATHER: GIVEN, CHILD: GIVEN}, rules.COMPLETE, (), ()),
        (13, {MOTHER: GIVEN, FATHER: GIVEN, CHILD: REFUSED}, rules.REFUSED_STATE, (), (CHILD,)),
    ],
)
def test_evaluate_two_parents_with_authority(age, latest, state, missing, refused):
    outcome = rules.evaluate(req(on_age(age)), latest)
    assert outcome.state == state
    assert outcome.missing == missing
    assert outcome.refused == refused
    assert outcome.is_complete is (state == rules.COMPLETE)


def test_unknown_authority_counts_as_missing_even_when_everyone_else_consented():
    r = req(on_age(8), YES, UNKNOWN)
    outcome = rules.evaluate(r, {MOTHER: GIVEN})
    assert outcome.state == rules.CHECK_AUTHORITY
    assert outcome.to_check == (FATHER,)
    assert not outcome.is_complete
    # a consent of the parent to check does not make it complete either: the register decides
    assert rules.evaluate(r, {MOTHER: GIVEN, FATHER: GIVEN}).state == rules.CHECK_AUTHORITY


def test_a_decision_sets_aside_a_parent_refusal_but_never_the_child():
    r = req(on_age(13))
    latest = {MOTHER: GIVEN, FATHER: REFUSED, CHILD: GIVEN}
    assert rules.evaluate(r, latest).state == rules.REFUSED_STATE
    outcome = rules.evaluate(r, latest, overridden=[FATHER])
    assert outcome.state == rules.COMPLETE_BY_DECISION
    assert outcome.overridden == (FATHER,)
    assert rules.evaluate(r, {MOTHER: GIVEN, FATHER: GIVEN, CHILD: REFUSED}, overridden=[CHILD]).state == (
        rules.REFUSED_STATE
    )


@pytest.mark.parametrize(
    ("age", "latest", "conflict"),
    [
        (8, {MOTHER: GIVEN, FATHER: REFUSED}, (FATHER,)),
        (8, {MOTHER: REFUSED, FATHER: REFUSED}, ()),  # both refuse: no one consents, no step plan
        (8, {FATHER: REFUSED}, ()),
        (13, {CHILD: GIVEN, FATHER: REFUSED}, (FATHER,)),  # the child of 12-15 wants help
        (13, {CHILD: REFUSED, FATHER: REFUSED, MOTHER: REFUSED}, ()),
        (13, {MOTHER: GIVEN, FATHER: WITHDRAWN}, (FATHER,)),
        (16, {CHILD: GIVEN, FATHER: REFUSED}, ()),  # from 16 the parents do not count
    ],
)
def test_refusal_conflict(age, latest, conflict):
    assert rules.refusal_conflict(req(on_age(age)), latest) == conflict


@pytest.mark.parametrize(
    ("band", "child", "harm", "allowed"),
    [
        (rules.UNDER_12, GIVEN, False, False),
        (rules.UNDER_12, None, True, True),
        (rules.FROM_12_TO_15, GIVEN, False, True),
        (rules.FROM_12_TO_15, REFUSED, False, False),
        (rules.FROM_12_TO_15, None, False, False),
        (rules.FROM_12_TO_15, None, True, True),
    ],
)
def test_who_may_proceed_without_the_refusing_parent(band, child, harm, allowed):
    assert rules.may_proceed_without_parent(band, child, harm) is allowed
