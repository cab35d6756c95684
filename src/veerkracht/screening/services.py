"""The only way to write screenings and signals: atomic, permission-checked, audited (field names only).

An administration is scored by the engine when it is saved and the result is stored with it; an
incomplete questionnaire that the instrument's missing-answer rule cannot score is stored as
invalid, with the engine's reason - never guessed. A valid result in a clinical band opens a signal
in the same transaction, and so does a critical item (PHQ-9 item 9) answered above its lowest answer,
whatever the total and even when the result is invalid. The gedragswetenschapper closes a signal
with a decision and a reason; the decision "refer to trauma treatment" creates the referral
(referrals app) in the same transaction."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import Action
from veerkracht.audit.services import record
from veerkracht.clients.models import PARENT_KINDS, Person, PersonKind, age_on
from veerkracht.core.concurrency import ConcurrentEditError, save_with_version
from veerkracht.organisations import secrecy
from veerkracht.pathway import records
from veerkracht.pathway.models import Pathway
from veerkracht.pathway.services import check_can_edit, check_pathway_open

from .models import Administration, Decision, Entry, Respondent, Signal, SignalStatus

TEXT_MAX = 5000
SCALE_SCORE_MAX = 10000  # no licensed scale score comes near this; a typo like 1500 for 15 is caught by the engine
DECIDING_ROLES = frozenset({Role.GEDRAGSWETENSCHAPPER})
PARENT_RESPONDENTS = (Respondent.PARENT_SELF,)


def _text(value: Any) -> str:
    return str(value or "").strip().replace("\r\n", "\n")


def _one_line(value: Any) -> str:
    return " ".join(str(value or "").split())


def instrument(instrument_id: str) -> Any:
    """The engine's instrument definition (ValidationError when there is no such instrument)."""
    from .engine.definitions import get

    try:
        return get(str(instrument_id or ""))
    except KeyError:
        raise ValidationError(_("This instrument is not known."), code="instrument") from None


def parents_of(pathway: Pathway) -> list[Person]:
    """The parents staying with the child (mother or other caregiver in the household), for the
    instruments about the parent herself."""
    child = pathway.stay.person
    return list(Person.objects.filter(household_id=child.household_id, kind__in=[PersonKind.MOTHER,
                                                                                  PersonKind.CAREGIVER])
                .order_by("kind", "pk"))


def _check_subject(pathway: Pathway, inst: Any, subject: Person | None, on: datetime.date) -> Person:
    """The person the questionnaire is about: the child, or a parent of the household for an
    instrument about the parent herself; the instrument must fit the person's age."""
    child = pathway.stay.person
    if inst.respondent in PARENT_RESPONDENTS:
        if subject is None or subject.kind not in PARENT_KINDS or subject.household_id != child.household_id \
                or subject.organisation_id != child.organisation_id:
            raise ValidationError(_("Choose the parent this questionnaire is about."), code="subject")
        age = age_on(subject.birth_date, on)
        if age is not None and not inst.fits_age(age):
            raise ValidationError(_("This questionnaire does not fit the parent's age."), code="age")
        return subject
    if subject is not None and subject.pk != child.pk:
        raise ValidationError(_("This questionnaire is about the child."), code="subject")
    age = age_on(child.birth_date, on)
    if age is None:
        raise ValidationError(_("Fill in the child's date of birth first: the scoring depends on the age."),
                              code="age_unknown")
    if not inst.fits_age(age):
        raise ValidationError(
            _("This questionnaire is meant for ages %(range)s; the child was %(age)s on that day.") % {
                "range": age_range(inst), "age": age},
            code="age")
    return child


def age_range(inst: Any) -> str:
    if inst.max_age is None:
        return _("%(min)s and older") % {"min": inst.min_age}
    return f"{inst.min_age}-{inst.max_age}"


def _check_date(pathway: Pathway, on: datetime.date | None) -> list[ValidationError]:
    if on is None:
        return [ValidationError(_("Fill in the date the questionnaire was filled in."), code="date")]
    if on > timezone.localdate():
        return [ValidationError(_("The date cannot lie in the future."), code="date_future")]
    if on < pathway.stay.admission_date:
        return [ValidationError(_("The date lies before the admission date."), code="date_early")]
    return []


def _clean_answers(inst: Any, answers: dict[str, Any] | None) -> dict[str, str]:
    """Item answers by linkId; an empty answer is missing (the instrument's rule decides). An answer
    that is not one of the item's options is refused, never mapped to something else."""
    items = {item.link_id: item for item in inst.items}
    unknown = set(answers or {}) - set(items)
    if unknown:
        raise ValidationError(_("The answers do not belong to this questionnaire."), code="answers")
    cleaned: dict[str, str] = {}
    for link_id, value in (answers or {}).items():
        if value in (None, ""):
            continue
        codes = {option.code for option in items[link_id].options}
        if str(value) not in codes:
            raise ValidationError(_("Item %(number)s has an answer that is not one of its options.") % {
                "number": items[link_id].number}, code="answer")
        cleaned[link_id] = str(value)
    if not cleaned:
        raise ValidationError(_("Fill in the answers."), code="empty")
    return cleaned


def _clean_scale_scores(inst: Any, scores: dict[str, Any] | None) -> dict[str, int]:
    scales = {scale.code: scale for scale in inst.scales}  # the engine sums the total from these
    unknown = set(scores or {}) - set(scales)
    if unknown:
        raise ValidationError(_("The scale scores do not belong to this questionnaire."), code="scales")
    cleaned: dict[str, int] = {}
    for code, value in (scores or {}).items():
        if value in (None, ""):
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValidationError(_("A scale score is a whole number."), code="scale_number") from None
        scale = scales[code]
        if not scale.min <= number <= scale.max:
            raise ValidationError(_("%(scale)s lies between %(min)s and %(max)s.") % {
                "scale": scale.label, "min": scale.min, "max": scale.max}, code="scale_range")
        cleaned[code] = number
    if not cleaned:
        raise ValidationError(_("Fill in the scale scores."), code="empty")
    return cleaned


def _score(inst: Any, answers: dict[str, str], scale_scores: dict[str, int]) -> Any:
    from .engine import scoring

    try:
        if inst.entry == Entry.SCALE_SCORES:
            return scoring.score_scales(inst, scale_scores)
        return scoring.score(inst, answers)
    except (ValueError, KeyError) as exc:  # the engine refuses input it cannot score
        raise ValidationError(_("These answers cannot be scored: %(reason)s") % {"reason": exc},
                              code="score") from None


def do_record_administration(
    pathway: Pathway, *, instrument_id: str, administered_on: datetime.date | None, actor: Any,
    answers: dict[str, Any] | None = None, scale_scores: dict[str, Any] | None = None,
    subject: Person | None = None, note: str = "", course_measurement: bool = False,
) -> Administration:
    """Store a completed questionnaire with its result; a clinical result or a critical answer opens a signal.

    ``course_measurement=True`` is passed only by ``courses.measurements.do_record_measurement``: a planned
    course measurement (T1, T2) may be entered on the child's most recent pathway after it was closed at
    discharge (ADR 0013). The closed pathway stays read-only otherwise: its activity is not moved on."""
    child = pathway.stay.person
    check_can_edit(actor, child)
    closed = pathway.closed_on is not None
    if not (course_measurement and closed and _is_latest(pathway)):
        check_pathway_open(pathway)
    inst = instrument(instrument_id)
    errors = _check_date(pathway, administered_on)
    if errors:
        raise ValidationError(errors)
    person = _check_subject(pathway, inst, subject, administered_on)  # type: ignore[arg-type]
    if person.pk != child.pk:
        check_can_edit(actor, person)  # the parent's own record: the actor must be allowed to see her
    note = _text(note)
    if len(note) > TEXT_MAX:
        raise ValidationError(_("The text is too long."), code="length")
    secrecy.check_no_location(pathway, {"note": note}, {"note": _("Note")})
    if inst.entry == Entry.SCALE_SCORES:
        cleaned_answers, cleaned_scales = {}, _clean_scale_scores(inst, scale_scores)
    else:
        cleaned_answers, cleaned_scales = _clean_answers(inst, answers), {}
    result = _score(inst, cleaned_answers, cleaned_scales)
    with transaction.atomic():
        administration = Administration.objects.create(
            pathway=pathway, subject=person, instrument_id=inst.id, instrument_version=inst.version,
            respondent=inst.respondent, entry=inst.entry, administered_on=administered_on,
            answers=cleaned_answers, scale_scores=cleaned_scales, note=note,
            valid=bool(result.valid), invalid_reason="" if result.valid else (result.reason or _("invalid")),
            total=result.total, scales=dict(result.scales),
            band=result.band.code if result.band is not None else "",
            scale_bands={code: (band.code if band is not None else "") for code, band in result.scale_bands.items()},
            clinical=bool(result.valid and result.clinical), missing=list(result.missing),
            critical_items=list(result.critical), created_by=actor,
        )
        record(actor=actor, action=Action.CREATE, obj=administration, client=person,
               changed_fields=["instrument_id", "administered_on", "scale_scores" if cleaned_scales else "answers"]
               + (["note"] if note else []),
               detail=f"screening {inst.id} {'valid' if result.valid else 'invalid'}")
        if administration.clinical or administration.critical_items:
            signal = Signal.objects.create(administration=administration, opened_on=administered_on)
            record(actor=actor, action=Action.CREATE, obj=signal, client=person, changed_fields=["status"],
                   detail=f"screening signal {inst.id}"
                   + (" (critical answer)" if administration.critical_items else ""))
        if not closed:
            records.do_record_progress(pathway, records.SCREENING, actor=actor)
    return administration


def _is_latest(pathway: Pathway) -> bool:
    """Is this the child's most recent pathway (no later one, open or closed)?"""
    latest = (Pathway.objects.filter(stay__person_id=pathway.stay.person_id).order_by("-created_at", "-pk")
              .values_list("pk", flat=True).first())
    return latest == pathway.pk


def check_decider(actor: Any) -> None:
    if getattr(actor, "role", "") not in DECIDING_ROLES:
        raise PermissionDenied


def _band_is_clinical(inst: Any, scale_code: str, band_code: str) -> bool:
    if inst is None:
        return True
    scale = next((sc for sc in inst.scales if sc.code == scale_code), None)
    return scale is None or any(b.code == band_code and b.clinical for b in scale.bands)


def _referral_reason(administration: Administration, inst: Any, reason: str) -> str:
    facts = {"instrument": inst.label if inst is not None else administration.instrument_id,
             "date": administration.administered_on.strftime("%d-%m-%Y"), "total": administration.total}
    lines = []
    if administration.clinical and administration.total is None:  # scale scores only (TSCYC)
        scales = ", ".join(f"{code} {score}" for code, score in sorted((administration.scales or {}).items())
                           if (administration.scale_bands or {}).get(code) and score is not None
                           and _band_is_clinical(inst, code, administration.scale_bands[code]))
        lines.append(_("Screening %(instrument)s on %(date)s: above the cut-off on %(scales)s.")
                     % {**facts, "scales": scales or "-"})
    elif administration.clinical:
        lines.append(_("Screening %(instrument)s on %(date)s: total %(total)s, above the cut-off.") % facts)
    else:
        lines.append(_("Screening %(instrument)s on %(date)s.") % facts)
    lines += administration.attention_notes()
    return "\n".join([*lines, reason])


def do_decide_signal(
    signal: Signal, *, decision: str, reason: str, expected_version: int, actor: Any,
    decided_on: datetime.date | None = None, to_whom: str = "",
) -> Signal:
    """The gedragswetenschapper closes the signal with a decision and a reason. "Refer to trauma
    treatment" creates the referral (kind trauma treatment, sent on the day of the decision, to
    ``to_whom``) in the same transaction.

    A stale ``expected_version`` raises ConcurrentEditError and saves nothing."""
    from veerkracht.referrals.models import ReferralKind
    from veerkracht.referrals.services import do_create_referral

    administration = signal.administration
    pathway = administration.pathway
    child = pathway.stay.person
    check_can_edit(actor, child)
    check_decider(actor)
    check_pathway_open(pathway)
    reason, to_whom = _text(reason), _one_line(to_whom)
    today = timezone.localdate()
    decided_on = decided_on or today
    errors = []
    if decision not in Decision.values:
        errors.append(ValidationError(_("Choose a decision."), code="decision"))
    if not reason:
        errors.append(ValidationError(_("Give the reason for the decision."), code="reason"))
    elif len(reason) > TEXT_MAX:
        errors.append(ValidationError(_("The text is too long."), code="length"))
    if decided_on > today:
        errors.append(ValidationError(_("The date cannot lie in the future."), code="date_future"))
    elif decided_on < administration.administered_on:
        errors.append(ValidationError(_("The decision cannot lie before the screening."), code="date_early"))
    about_parent = administration.subject_id != child.pk
    if decision == Decision.TRAUMA_REFERRAL and about_parent:
        # the parent's own scores never go into a referral of the child
        errors.append(ValidationError(_("A screening of the parent does not lead to a referral of the child: "
                                        "choose another decision."), code="parent"))
    elif decision == Decision.TRAUMA_REFERRAL and not to_whom:
        errors.append(ValidationError(_("Fill in the organisation the child is referred to."), code="to_whom"))
    location = secrecy.location_error(pathway, {"reason": reason, "to_whom": to_whom},
                                      {"reason": _("Reason"), "to_whom": _("Referred to")})
    if location is not None:
        errors.append(location)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Signal.objects.select_for_update().filter(pk=signal.pk).first()
        if current is None or current.version != expected_version:
            raise ConcurrentEditError(current)
        if current.status != SignalStatus.OPEN:
            raise ValidationError(_("This signal has already been decided."), code="decided")
        referral = None
        if decision == Decision.TRAUMA_REFERRAL:
            try:
                inst: Any = instrument(administration.instrument_id)
            except ValidationError:
                inst = None
            referral = do_create_referral(
                pathway, kind=ReferralKind.TRAUMA_TREATMENT, to_whom=to_whom, sent_on=decided_on, actor=actor,
                reason=_referral_reason(administration, inst, reason))
        signal.status, signal.decision, signal.reason = SignalStatus.DECIDED, decision, reason
        signal.decided_by, signal.decided_on, signal.referral = actor, decided_on, referral
        fields = ["status", "decision", "reason", "decided_by", "decided_on", "referral"]
        save_with_version(signal, expected_version, fields)
        record(actor=actor, action=Action.UPDATE, obj=signal, client=administration.subject,
               changed_fields=fields if referral is not None else fields[:-1],
               detail=f"screening signal decided: {decision}")
    return signal


def log_screening_read(pathway: Pathway, *, actor: Any, what: str = "screening", obj: Any = None,
                       subjects: Any = None) -> None:
    """A read of screening results, logged under each person whose results were shown (the child,
    and a parent for her own questionnaires), so the parent's access report lists it too."""
    for person in subjects or [pathway.stay.person]:
        record(actor=actor, action=Action.READ, obj=obj or pathway, client=person, detail=what)


def log_screening_export(administration: Administration, *, actor: Any) -> None:
    """A questionnaire leaves the system as FHIR: an export under the person it is about."""
    record(actor=actor, action=Action.EXPORT, obj=administration, client=administration.subject,
           detail=f"screening fhir {administration.instrument_id}")
