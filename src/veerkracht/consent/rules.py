"""Who must consent to help for a child (Jeugdwet 7.3.4 / 7.3.5): a pure module, no database.

- under 12: the parents with parental authority (gezag);
- 12 to 15: the child and the parents with authority;
- 16 and over: the young person alone.

A parent without authority never has to consent. Authority "unknown" is not decided by the
system: the professional checks the gezagsregister (not one parent's word); until then that
parent counts as missing. A child under 16 without any parent with known authority gets a
warning: a guardian (voogd) may have to be determined.

Persons are identified by an opaque ``key`` (the callers use Person ids).
"""

from __future__ import annotations

import datetime
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

YES = "yes"
NO = "no"
UNKNOWN = "unknown"

GIVEN = "given"
REFUSED = "refused"
WITHDRAWN = "withdrawn"
NOT_GIVEN = (REFUSED, WITHDRAWN)

UNDER_12 = "under_12"
FROM_12_TO_15 = "12_15"
FROM_16 = "16_plus"
AGE_UNKNOWN = "age_unknown"

BAND_RULES: dict[str, Promise] = {
    UNDER_12: _("Under 12: the parents with parental authority consent."),
    FROM_12_TO_15: _("12 to 15: the child and the parents with parental authority consent."),
    FROM_16: _("16 and over: the young person consents alone."),
    AGE_UNKNOWN: _("Date of birth unknown: the child and the parents with parental authority are asked."),
}

# Warnings
CHECK_REGISTER = "check_register"
NO_AUTHORITY = "no_authority"
BIRTH_DATE_UNKNOWN = "birth_date_unknown"

WARNING_MESSAGES: dict[str, Promise] = {
    CHECK_REGISTER: _(
        "The parental authority of a parent is unknown. Check the gezagsregister; one parent's word is not enough. "
        "Until then this parent's consent counts as missing."
    ),
    NO_AUTHORITY: _(
        "No parent with parental authority is known for this child. Check the gezagsregister; "
        "a guardian (voogd) may have to be determined."
    ),
    BIRTH_DATE_UNKNOWN: _("The date of birth is unknown, so the age rules cannot be applied. Register the date of birth."),
}

# States of a subject
COMPLETE = "complete"
COMPLETE_BY_DECISION = "complete_by_decision"
MISSING = "missing"
REFUSED_STATE = "refused"
CHECK_AUTHORITY = "check_authority"

STATE_LABELS: dict[str, Promise] = {
    COMPLETE: _("Complete"),
    COMPLETE_BY_DECISION: _("Complete by decision"),
    MISSING: _("Missing"),
    REFUSED_STATE: _("Refused"),
    CHECK_AUTHORITY: _("Check parental authority"),
}


@dataclass(frozen=True)
class Parent:
    key: Hashable
    authority: str  # yes / no / unknown


@dataclass(frozen=True)
class Warning:
    code: str

    @property
    def message(self) -> Promise:
        return WARNING_MESSAGES[self.code]


@dataclass(frozen=True)
class Requirement:
    """Who must consent on a given date."""

    band: str
    age: int | None
    child_key: Hashable
    child_required: bool
    parents_required: tuple[Hashable, ...]  # parents with authority whose consent is needed
    parents_to_check: tuple[Hashable, ...]  # parents with unknown authority (count as missing)
    parents_not_needed: tuple[Hashable, ...]  # parents without authority, or any parent from 16
    warnings: tuple[Warning, ...] = ()

    @property
    def required(self) -> tuple[Hashable, ...]:
        """Everyone whose consent is needed (the parents to check included)."""
        child = (self.child_key,) if self.child_required else ()
        return child + self.parents_required + self.parents_to_check

    def matters(self, key: Hashable) -> bool:
        return key in self.required

    @property
    def rule(self) -> Promise:
        return BAND_RULES[self.band]

    @property
    def warning_codes(self) -> tuple[str, ...]:
        return tuple(w.code for w in self.warnings)


def age_on(birth_date: datetime.date, on: datetime.date) -> int:
    """Age in whole years on a date (a birthday counts from the day itself)."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def band_for(age: int | None) -> str:
    if age is None:
        return AGE_UNKNOWN
    if age < 12:
        return UNDER_12
    if age < 16:
        return FROM_12_TO_15
    return FROM_16


def required_consent(
    birth_date: datetime.date | None,
    on: datetime.date,
    parents: Iterable[Parent],
    *,
    child_key: Hashable = "child",
) -> Requirement:
    """Who must consent to help for the child on date ``on``, with warnings."""
    parents = list(parents)
    age = age_on(birth_date, on) if birth_date is not None else None
    band = band_for(age)
    warnings: list[Warning] = []
    if band == AGE_UNKNOWN:
        warnings.append(Warning(BIRTH_DATE_UNKNOWN))
    if band == FROM_16:
        return Requirement(
            band=band, age=age, child_key=child_key, child_required=True, parents_required=(),
            parents_to_check=(), parents_not_needed=tuple(p.key for p in parents), warnings=tuple(warnings),
        )
    with_authority = tuple(p.key for p in parents if p.authority == YES)
    to_check = tuple(p.key for p in parents if p.authority not in (YES, NO))
    not_needed = tuple(p.key for p in parents if p.authority == NO)
    if to_check:
        warnings.append(Warning(CHECK_REGISTER))
    if not with_authority:
        warnings.append(Warning(NO_AUTHORITY))
    return Requirement(
        band=band, age=age, child_key=child_key, child_required=band in (FROM_12_TO_15, AGE_UNKNOWN),
        parents_required=with_authority, parents_to_check=to_check, parents_not_needed=not_needed,
        warnings=tuple(warnings),
    )


@dataclass(frozen=True)
class Outcome:
    state: str
    missing: tuple[Hashable, ...] = ()
    refused: tuple[Hashable, ...] = ()
    to_check: tuple[Hashable, ...] = ()
    overridden: tuple[Hashable, ...] = field(default=())  # refusals set aside by a decision

    @property
    def is_complete(self) -> bool:
        return self.state in (COMPLETE, COMPLETE_BY_DECISION)


def evaluate(
    requirement: Requirement, latest: Mapping[Hashable, str], overridden: Iterable[Hashable] = ()
) -> Outcome:
    """The state of one subject from each person's latest decision.

    ``overridden`` are parents whose refusal a decision of the refusal step plan set aside
    (never the child). Order of precedence: refused, check authority, missing, complete.
    """
    overridden_set = {k for k in overridden if k != requirement.child_key}
    refused = tuple(
        k for k in requirement.required if latest.get(k) in NOT_GIVEN and k not in overridden_set
    )
    set_aside = tuple(k for k in requirement.required if latest.get(k) in NOT_GIVEN and k in overridden_set)
    missing = tuple(
        k for k in requirement.required if latest.get(k) is None and k not in requirement.parents_to_check
    )
    to_check = requirement.parents_to_check
    if refused:
        state = REFUSED_STATE
    elif to_check or NO_AUTHORITY in requirement.warning_codes or BIRTH_DATE_UNKNOWN in requirement.warning_codes:
        state = CHECK_AUTHORITY
    elif missing:
        state = MISSING
    elif set_aside:
        state = COMPLETE_BY_DECISION
    else:
        state = COMPLETE
    return Outcome(state=state, missing=missing, refused=refused, to_check=to_check, overridden=set_aside)


def refusal_conflict(requirement: Requirement, latest: Mapping[Hashable, str]) -> tuple[Hashable, ...]:
    """Parents with authority who refuse while someone else consents (the other parent, or the
    child of 12 to 15): the situation of the refusal step plan (VWS 2016). Empty otherwise."""
    if requirement.band not in (UNDER_12, FROM_12_TO_15):
        return ()
    refusing = tuple(k for k in requirement.parents_required if latest.get(k) in NOT_GIVEN)
    if not refusing:
        return ()
    others = [k for k in requirement.required if k not in refusing]
    if any(latest.get(k) == GIVEN for k in others):
        return refusing
    return ()


def may_proceed_without_parent(band: str, child_decision: str | None, serious_harm: bool) -> bool:
    """Step 4: proceeding without a refusing parent is allowed only for a child of 12 to 15
    who consents, or when the behavioural scientist records that the help is necessary to
    prevent serious harm to the child."""
    return bool(serious_harm) or (band == FROM_12_TO_15 and child_decision == GIVEN)
