"""The only way to write a safety plan: atomic, permission-checked, audited (field names only).

Every save appends a revision; the content of a revision is never changed. Saving an adopted
plan starts a new draft that the gedragswetenschapper adopts again; until then the last adopted
revision stays available as ``plan.adopted_revision``."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import Action
from veerkracht.audit.services import record
from veerkracht.core.concurrency import ConcurrentEditError, save_with_version
from veerkracht.organisations import secrecy
from veerkracht.pathway import records
from veerkracht.pathway.models import Pathway
from veerkracht.pathway.services import check_can_edit, check_pathway_open

from .models import (
    CONTENT_LABELS,
    CONTENT_NAMES,
    PlanLanguage,
    PlanStatus,
    SafetyPlan,
    SafetyPlanRevision,
    default_plan_language,
)

TEXT_MAX = 10000
CODE_WORD_MAX = 100
REVIEW_MAX_DAYS = 366  # a review date lies at most a year after the adoption
ADOPTING_ROLES = frozenset({Role.GEDRAGSWETENSCHAPPER})


def _content(content: dict[str, Any]) -> dict[str, str]:
    unknown = set(content) - set(CONTENT_NAMES)
    if unknown:
        raise ValueError(f"unknown safety plan fields: {sorted(unknown)}")
    values = {name: str(content.get(name) or "").strip().replace("\r\n", "\n") for name in CONTENT_NAMES}
    errors = []
    if not any(values.values()):
        errors.append(ValidationError(_("Fill in at least one part of the safety plan."), code="empty"))
    if any(len(v) > TEXT_MAX for v in values.values()):
        errors.append(ValidationError(_("The text is too long."), code="length"))
    if len(values["code_word"]) > CODE_WORD_MAX:
        errors.append(ValidationError(_("The code word is too long."), code="code_word"))
    if errors:
        raise ValidationError(errors)
    return values


def latest_revision(plan: SafetyPlan) -> SafetyPlanRevision | None:
    return plan.revisions.order_by("-number").first()


def do_save_safety_plan(
    pathway: Pathway, *, content: dict[str, Any], expected_version: int, actor: Any, language: str | None = None,
) -> SafetyPlanRevision:
    """Append a revision (creating the plan on its first save, ``expected_version`` 0).

    A stale ``expected_version`` raises ConcurrentEditError and saves nothing."""
    child = pathway.stay.person
    check_can_edit(actor, child)
    check_pathway_open(pathway)
    values = _content(content)
    secrecy.check_no_location(pathway, values, CONTENT_LABELS)
    if language is not None and language not in PlanLanguage.values:
        raise ValidationError(_("Choose the language of the plan."), code="language")
    with transaction.atomic():
        plan = SafetyPlan.objects.select_for_update().filter(pathway=pathway).first()
        if plan is None:
            if expected_version != 0:
                raise ConcurrentEditError(None)
            try:
                with transaction.atomic():
                    plan = SafetyPlan.objects.create(pathway=pathway, language=language or default_plan_language())
            except IntegrityError:  # someone else saved the first revision at the same moment
                raise ConcurrentEditError(SafetyPlan.objects.filter(pathway=pathway).first()) from None
            previous = None
            created = True
        else:
            if expected_version != plan.version:
                raise ConcurrentEditError(plan)
            previous = latest_revision(plan)
            created = False
        changed = [n for n in CONTENT_NAMES if (getattr(previous, n) if previous else "") != values[n]]
        language_changed = language is not None and language != plan.language
        if not created and not changed and not language_changed:
            raise ValidationError(_("Nothing was changed since the last revision."), code="unchanged")
        if not created:
            if changed:  # new content waits for a new adoption; a new language alone does not
                plan.status = PlanStatus.DRAFT
            if language is not None:
                plan.language = language
            save_with_version(plan, expected_version, ["status", "language"])
        if not changed:  # only the language changed: no new revision
            record(actor=actor, action=Action.UPDATE, obj=plan, client=child, changed_fields=["language"],
                   detail="safety plan language")
            return previous  # type: ignore[return-value]
        number = (plan.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
        revision = SafetyPlanRevision.objects.create(plan=plan, number=number, status=PlanStatus.DRAFT,
                                                     created_by=actor, **values)
        record(actor=actor, action=Action.CREATE, obj=revision, client=child,
               changed_fields=changed + (["language"] if language_changed else []),
               detail=f"safety plan revision {number}")
        records.do_record_progress(pathway, records.SAFETY_PLAN, actor=actor)
    return revision


def _check_review_date(review_date: datetime.date | None, adopted_on: datetime.date) -> list[ValidationError]:
    if review_date is None:
        return [ValidationError(_("Fill in the review date."), code="review_date")]
    if review_date < adopted_on:
        return [ValidationError(_("The review date cannot lie in the past."), code="review_past")]
    if review_date > adopted_on + datetime.timedelta(days=REVIEW_MAX_DAYS):
        return [ValidationError(_("The review date lies at most a year ahead."), code="review_far")]
    return []


def _check_adopter(actor: Any) -> None:
    if getattr(actor, "role", "") not in ADOPTING_ROLES:
        raise PermissionDenied


def do_adopt_safety_plan(
    plan: SafetyPlan, *, review_date: datetime.date | None, expected_version: int, actor: Any,
    adopted_on: datetime.date | None = None,
) -> SafetyPlanRevision:
    """The gedragswetenschapper adopts the latest revision and sets the review date; this
    completes the step-plan activity. ``adopted_on`` (default today) records an adoption made
    earlier, e.g. in last week's meeting; it is never in the future."""
    pathway = plan.pathway
    child = pathway.stay.person
    check_can_edit(actor, child)
    _check_adopter(actor)
    check_pathway_open(pathway)
    today = timezone.localdate()
    adopted_on = adopted_on or today
    errors = []
    if adopted_on > today:
        errors.append(ValidationError(_("The adoption date cannot lie in the future."), code="adopted_future"))
    elif adopted_on < pathway.stay.admission_date:
        errors.append(ValidationError(_("The adoption date lies before the admission date."), code="adopted_before"))
    errors += _check_review_date(review_date, adopted_on)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = SafetyPlan.objects.select_for_update().filter(pk=plan.pk).first()
        if current is None or current.version != expected_version:
            raise ConcurrentEditError(current)
        revision = latest_revision(current)
        if revision is None:
            raise ValidationError(_("Save the safety plan before adopting it."), code="empty")
        if current.status == PlanStatus.ADOPTED and current.adopted_revision_id == revision.pk:
            raise ValidationError(_("This version of the safety plan has already been adopted."), code="adopted")
        adopted_at = timezone.now() if adopted_on == today else timezone.make_aware(
            datetime.datetime.combine(adopted_on, datetime.time(12, 0)))
        SafetyPlanRevision.objects.filter(pk=revision.pk).update(
            status=PlanStatus.ADOPTED, adopted_by=actor, adopted_at=adopted_at, review_date=review_date)
        plan.status, plan.review_date, plan.adopted_revision = PlanStatus.ADOPTED, review_date, revision
        save_with_version(plan, expected_version, ["status", "review_date", "adopted_revision"])
        record(actor=actor, action=Action.UPDATE, obj=plan, client=child,
               changed_fields=["status", "review_date", "adopted_revision"],
               detail=f"safety plan adopted: revision {revision.number}")
        records.do_record_progress(pathway, records.SAFETY_PLAN, completed_on=adopted_on, actor=actor)
    revision.refresh_from_db()
    return revision


def do_set_review_date(plan: SafetyPlan, *, review_date: datetime.date | None, expected_version: int,
                       actor: Any) -> None:
    """After a review without changes: the gedragswetenschapper sets the next review date."""
    child = plan.pathway.stay.person
    check_can_edit(actor, child)
    _check_adopter(actor)
    check_pathway_open(plan.pathway)
    errors = _check_review_date(review_date, timezone.localdate())
    if not errors and plan.status != PlanStatus.ADOPTED:
        errors.append(ValidationError(_("Adopt the safety plan first."), code="not_adopted"))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        plan.review_date = review_date
        save_with_version(plan, expected_version, ["review_date"])
        record(actor=actor, action=Action.UPDATE, obj=plan, client=child, changed_fields=["review_date"],
               detail="safety plan review date")


def log_safety_read(pathway: Pathway, *, actor: Any, what: str = "safety plan", obj: Any = None) -> None:
    record(actor=actor, action=Action.READ, obj=obj or pathway, client=pathway.stay.person, detail=what)


def log_safety_export(pathway: Pathway, *, actor: Any, version: str, obj: Any = None) -> None:
    """A safety-plan PDF leaves the system: an export of the child's record (no personal data in the detail)."""
    record(actor=actor, action=Action.EXPORT, obj=obj or pathway, client=pathway.stay.person,
           detail=f"safety plan pdf {version}")
