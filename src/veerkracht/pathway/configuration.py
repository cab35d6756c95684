"""An organisation's methodology settings: the version used for NEW stays and its own deadlines.

Only the application administrator (functioneel beheerder) of the organisation changes them. A
setting applies to pathways created afterwards: a running pathway keeps the methodology version
and the deadlines it was created with (``services.create_pathway_for_stay`` copies them).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import Action
from veerkracht.audit.services import record
from veerkracht.core.concurrency import ConcurrentEditError

from .models import ActivityDefinition, DeadlineOverride, Methodology, OrganisationMethodology

MIN_DAYS = 1
MAX_DAYS = 365


def acting_organisation_id(actor: Any) -> int:
    """The organisation whose settings this user manages; PermissionDenied for anyone else."""
    membership = getattr(actor, "membership_or_none", None)
    if membership is None or membership.role != Role.FUNCTIONEEL_BEHEERDER or membership.organisation_id is None:
        raise PermissionDenied
    return membership.organisation_id


def _check(actor: Any, organisation_id: int) -> None:
    if acting_organisation_id(actor) != organisation_id:
        raise PermissionDenied


@dataclass
class DeadlineRow:
    definition: ActivityDefinition
    default_days: int
    own_days: int | None
    after: ActivityDefinition | None = None  # counted from this activity's deadline (None: from admission)


@dataclass
class Configuration:
    organisation_id: int
    methodology: Methodology | None  # what new stays get (the chosen one, else the project default)
    chosen: bool  # False: no own choice, the project default applies
    rows: list[DeadlineRow]
    fingerprint: str


def _fingerprint(methodology_id: int | None, overrides: dict[int, int], chosen: bool) -> str:
    raw = f"{methodology_id}|{chosen}|{sorted(overrides.items())}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def configuration(organisation_id: int) -> Configuration:
    """The current settings of an organisation (three queries)."""
    setting = OrganisationMethodology.objects.filter(organisation_id=organisation_id).select_related("methodology").first()
    methodology = setting.methodology if setting else Methodology.objects.filter(is_default=True).first()
    rows: list[DeadlineRow] = []
    overrides: dict[int, int] = {}
    if methodology is not None:
        definitions = list(methodology.activities.order_by("order"))
        overrides = dict(
            DeadlineOverride.objects.filter(
                organisation_id=organisation_id, activity_definition__methodology=methodology
            ).values_list("activity_definition_id", "days")
        )
        by_code = {d.code: d for d in definitions}
        rows = [
            DeadlineRow(d, d.deadline_days, overrides.get(d.pk), by_code.get(d.deadline_after)) for d in definitions
        ]
    return Configuration(
        organisation_id=organisation_id,
        methodology=methodology,
        chosen=setting is not None,
        rows=rows,
        fingerprint=_fingerprint(methodology.pk if methodology else None, overrides, setting is not None),
    )


def _check_fingerprint(organisation_id: int, expected: str | None) -> Configuration:
    current = configuration(organisation_id)
    if expected is not None and expected != current.fingerprint:
        raise ConcurrentEditError()
    return current


def do_set_methodology(
    organisation_id: int, methodology: Methodology, *, actor: Any, expected_fingerprint: str | None = None
) -> bool:
    """Choose the methodology version for new stays; returns whether anything changed.

    Running pathways are not touched. Refused (ConcurrentEditError) when someone else changed the
    settings since ``expected_fingerprint`` was read."""
    _check(actor, organisation_id)
    if methodology is None or methodology.pk is None or not Methodology.objects.filter(pk=methodology.pk).exists():
        raise ValidationError(_("Choose a methodology version."), code="methodology")
    with transaction.atomic():
        current = _check_fingerprint(organisation_id, expected_fingerprint)
        setting = OrganisationMethodology.objects.select_for_update().filter(organisation_id=organisation_id).first()
        if setting is not None and setting.methodology_id == methodology.pk:
            return False
        if setting is None:
            setting = OrganisationMethodology.objects.create(organisation_id=organisation_id, methodology=methodology)
            action = Action.CREATE
        else:
            setting.methodology = methodology
            setting.save(update_fields=["methodology"])
            action = Action.UPDATE
        previous = current.methodology
        record(
            actor=actor, action=action, obj=setting, changed_fields=["methodology"],
            detail=f"methodology for new stays: {methodology.code} {methodology.version}"
            + (f" (was {previous.code} {previous.version})" if previous is not None else ""),
        )
    return True


def clean_days(value: Any) -> int | None:
    """None for empty (the project default applies); else a whole number of days 1..365."""
    if value in (None, ""):
        return None
    if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
        raise ValidationError(_("Enter a whole number of days."), code="invalid")
    try:
        days = int(str(value).strip()) if isinstance(value, str) else int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("Enter a whole number of days."), code="invalid") from None
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise ValidationError(
            _("A deadline is between %(min)d and %(max)d days.") % {"min": MIN_DAYS, "max": MAX_DAYS}, code="range"
        )
    return days


def do_set_deadlines(
    organisation_id: int,
    methodology: Methodology,
    days: dict[int, int | None],
    *,
    actor: Any,
    expected_fingerprint: str | None = None,
) -> list[str]:
    """Set the organisation's own deadlines for activities of ``methodology`` (definition id -> days,
    None = back to the project default). Returns the codes of the activities that changed.

    Only pathways created afterwards use them; running pathways keep their deadlines."""
    _check(actor, organisation_id)
    definitions = {d.pk: d for d in methodology.activities.all()}
    unknown = set(days) - set(definitions)
    if unknown:
        raise ValidationError(_("An activity does not belong to this methodology."), code="definition")
    errors = []
    cleaned: dict[int, int | None] = {}
    for pk, value in days.items():
        try:
            cleaned[pk] = clean_days(value)
        except ValidationError as exc:
            errors.append(
                ValidationError(
                    _("%(activity)s: %(message)s") % {"activity": definitions[pk].name, "message": exc.messages[0]},
                    code=exc.code,
                )
            )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _check_fingerprint(organisation_id, expected_fingerprint)
        existing = {
            o.activity_definition_id: o
            for o in DeadlineOverride.objects.select_for_update().filter(
                organisation_id=organisation_id, activity_definition_id__in=list(cleaned)
            )
        }
        changed: list[str] = []
        for pk, value in cleaned.items():
            override = existing.get(pk)
            if value is None:
                if override is not None:
                    override.delete()
                    changed.append(definitions[pk].code)
            elif override is None:
                DeadlineOverride.objects.create(organisation_id=organisation_id, activity_definition_id=pk, days=value)
                changed.append(definitions[pk].code)
            elif override.days != value:
                override.days = value
                override.save(update_fields=["days"])
                changed.append(definitions[pk].code)
        if changed:
            values = ", ".join(
                f"{code}={cleaned[pk] if cleaned[pk] is not None else 'default'}"
                for pk, code in ((pk, definitions[pk].code) for pk in cleaned)
                if code in changed
            )
            record(
                actor=actor, action=Action.UPDATE, object_type="pathway.deadlineoverride",
                object_id=str(organisation_id), changed_fields=changed,
                detail=f"deadlines {methodology.code} {methodology.version}: {values}",
            )
    return changed
