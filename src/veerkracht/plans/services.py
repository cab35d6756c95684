"""The only way to write a help plan, its goals, actions, evaluations and guidance contacts:
atomic, permission-checked, audited (field names only, never content).

The plan's ``version`` guards its content (the views and the goals): a save based on an older
version is refused. Saving an adopted plan makes it a draft again until the gedragswetenschapper
adopts it anew; the evaluation cycle goes on meanwhile. Actions are the working part of the plan:
adding one or marking one done does not undo the adoption."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import Action as AuditAction
from veerkracht.audit.services import record
from veerkracht.core.concurrency import ConcurrentEditError, save_with_version
from veerkracht.organisations import secrecy
from veerkracht.pathway import records
from veerkracht.pathway.models import Pathway
from veerkracht.pathway.services import check_can_edit, check_pathway_open

from .models import (
    DURATION_MAX,
    SCORE_MAX,
    SCORE_MIN,
    Action,
    ContactKind,
    Domain,
    Evaluation,
    Goal,
    GoalScore,
    GuidanceContact,
    HelpPlan,
    PlanStatus,
)

TEXT_MAX = 10000
WHO_MAX = 200
ACTION_LABELS = {"who": gettext_lazy("Who"), "what": gettext_lazy("What")}
ADOPTING_ROLES = frozenset({Role.GEDRAGSWETENSCHAPPER})
VIEW_NAMES = ("child_view", "parent_view")


def evaluation_interval() -> datetime.timedelta:
    """The time between two evaluations (settings.VEERKRACHT_EVALUATION_WEEKS, project default 6 weeks)."""
    return datetime.timedelta(weeks=getattr(settings, "VEERKRACHT_EVALUATION_WEEKS", 6))


# --- checks ----------------------------------------------------------------------------------------
def _text(value: Any) -> str:
    return str(value or "").strip().replace("\r\n", "\n")


def _check_length(values: Iterable[str], errors: list[ValidationError]) -> None:
    if any(len(v) > TEXT_MAX for v in values):
        errors.append(ValidationError(_("The text is too long."), code="length"))


def _check_location(pathway: Pathway, values: Mapping[str, str], errors: list[ValidationError]) -> None:
    """Text that names a shelter location or its address is refused (it could reach a PDF)."""
    labels = {"child_view": _("The child's view"), "parent_view": _("The parent's view"), "notes": _("Notes"),
              "with_whom": _("With whom")}
    labels.update({name: _("Goal %(number)s") % {"number": name.split()[1]} for name in values
                   if name.startswith("goal ")})
    error = secrecy.location_error(pathway, values, labels)
    if error is not None:
        errors.append(error)


def score_value(value: Any) -> int:
    """A score as a whole number from 0 to 10, else a ValidationError."""
    message = _("A score is a whole number from %(min)d to %(max)d.") % {"min": SCORE_MIN, "max": SCORE_MAX}
    if isinstance(value, bool) or value is None or (isinstance(value, float) and not value.is_integer()):
        raise ValidationError(message, code="score")
    try:
        score = int(str(value).strip()) if not isinstance(value, (int, float)) else int(value)
    except ValueError:
        raise ValidationError(message, code="score") from None
    if not SCORE_MIN <= score <= SCORE_MAX:
        raise ValidationError(message, code="score")
    return score


def _check_adopter(actor: Any) -> None:
    if getattr(actor, "role", "") not in ADOPTING_ROLES:
        raise PermissionDenied


def _check_date(value: Any, pathway: Pathway, *, future: str, before: str, missing: str) -> list[ValidationError]:
    if not isinstance(value, datetime.date):
        return [ValidationError(missing, code="date")]
    if value > timezone.localdate():
        return [ValidationError(future, code="date_future")]
    if value < pathway.stay.admission_date:
        return [ValidationError(before, code="date_before")]
    return []


def _goal_inputs(goals: Iterable[Mapping[str, Any]]) -> tuple[list[dict[str, Any]], list[ValidationError]]:
    """Clean the goals of the form: each ``{"id", "domain", "description", "start_score", "remove"}``."""
    cleaned, errors = [], []
    for number, goal in enumerate(goals, start=1):
        unknown = set(goal) - {"id", "domain", "description", "start_score", "remove"}
        if unknown:
            raise ValueError(f"unknown goal fields: {sorted(unknown)}")
        goal_id = goal.get("id") or None
        if goal_id is not None and bool(goal.get("remove")):
            cleaned.append({"id": int(goal_id), "remove": True})
            continue
        description = _text(goal.get("description"))
        problems = []
        if goal.get("domain") not in Domain.values:
            problems.append(_("choose the life domain"))
        if not description:
            problems.append(_("describe the goal"))
        elif len(description) > TEXT_MAX:
            problems.append(_("the text is too long"))
        try:
            start_score = score_value(goal.get("start_score"))
        except ValidationError:
            start_score = None
            problems.append(_("give a score at the start from 0 to 10"))
        if problems:
            errors.append(ValidationError(
                _("Goal %(number)d: %(problems)s.") % {"number": number, "problems": "; ".join(problems)},
                code="goal"))
            continue
        cleaned.append({"id": int(goal_id) if goal_id else None, "domain": goal["domain"],
                        "description": description, "start_score": start_score, "remove": False})
    return cleaned, errors


def _has_history(goal_ids: list[int]) -> set[int]:
    """The goals (of these) that were scored at an evaluation, served by a guidance contact or have
    actions: they are ended, never deleted, so their history stays."""
    scored = set(GoalScore.objects.filter(goal_id__in=goal_ids).values_list("goal_id", flat=True))
    served = set(GuidanceContact.goals.through.objects.filter(goal_id__in=goal_ids).values_list("goal_id", flat=True))
    acted = set(Action.objects.filter(goal_id__in=goal_ids).values_list("goal_id", flat=True))
    return scored | served | acted


# --- the plan --------------------------------------------------------------------------------------
def do_save_help_plan(
    pathway: Pathway, *, child_view: str = "", parent_view: str = "", goals: Iterable[Mapping[str, Any]] = (),
    expected_version: int, actor: Any,
) -> HelpPlan:
    """Save the views and the goals (the first save, ``expected_version`` 0, makes the plan).

    ``goals`` lists the goals of the form: one without ``id`` is added, one with ``id`` is changed,
    or removed with ``remove``; goals of the plan that are not listed stay as they are. A removed
    goal with scores or contacts is ended instead of deleted. A stale ``expected_version`` raises
    ConcurrentEditError and saves nothing."""
    child = pathway.stay.person
    check_can_edit(actor, child)
    check_pathway_open(pathway)
    views = {"child_view": _text(child_view), "parent_view": _text(parent_view)}
    inputs, errors = _goal_inputs(goals)
    _check_length(views.values(), errors)
    _check_location(pathway, {**views, **{f"goal {i}": g.get("description", "") for i, g in enumerate(inputs, 1)}},
                    errors)
    if expected_version == 0 and not errors and not any(views.values()) \
            and not any(not g["remove"] for g in inputs):
        errors.append(ValidationError(_("Add at least one goal or record a view."), code="empty"))
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    with transaction.atomic():
        plan = HelpPlan.objects.select_for_update().filter(pathway=pathway).first()
        created = plan is None
        if plan is None:
            if expected_version != 0:
                raise ConcurrentEditError(None)
            try:
                with transaction.atomic():
                    plan = HelpPlan.objects.create(pathway=pathway, created_by=actor, **views)
            except IntegrityError:  # someone else made the plan at the same moment
                raise ConcurrentEditError(HelpPlan.objects.filter(pathway=pathway).first()) from None
        elif expected_version != plan.version:
            raise ConcurrentEditError(plan)
        current = {g.pk: g for g in plan.goals.filter(ended_on__isnull=True)}
        if any(g["id"] is not None and g["id"] not in current for g in inputs):
            raise ValidationError(_("A goal in the form no longer exists. Reload the page and try again."),
                                  code="goal_gone")
        added = [g for g in inputs if g["id"] is None]
        removed = [current[g["id"]] for g in inputs if g["id"] is not None and g["remove"]]
        changed_goals = []
        for g in inputs:
            if g["id"] is None or g["remove"]:
                continue
            goal = current[g["id"]]
            names = [n for n in ("domain", "description", "start_score") if getattr(goal, n) != g[n]]
            if names:
                changed_goals.append((goal, g, names))
        scored = set(GoalScore.objects.filter(goal__in=[goal for goal, _g, _n in changed_goals])
                     .values_list("goal_id", flat=True))
        locked = [goal for goal, _g, names in changed_goals
                  if goal.pk in scored and {"domain", "start_score"} & set(names)]
        if locked:
            raise ValidationError(
                _("A goal that has been scored at an evaluation keeps its life domain and its score at the start. "
                  "End it and add a new goal instead."), code="goal_scored")
        changed_views = [n for n in VIEW_NAMES if getattr(plan, n) != views[n]] if not created else \
            [n for n in VIEW_NAMES if views[n]]
        if not created and not (added or removed or changed_goals or changed_views):
            raise ValidationError(_("Nothing was changed since the last save."), code="unchanged")
        order = 0 if created else (plan.goals.aggregate(n=Max("order"))["n"] or 0)
        for g in added:
            order += 1
            Goal.objects.create(plan=plan, domain=g["domain"], description=g["description"],
                                start_score=g["start_score"], order=order)
        for goal, g, names in changed_goals:
            for name in names:
                setattr(goal, name, g[name])
            goal.save(update_fields=names)
        if removed:
            keep = _has_history([goal.pk for goal in removed])
            Goal.objects.filter(pk__in=[g.pk for g in removed if g.pk in keep]).update(ended_on=today)
            Goal.objects.filter(pk__in=[g.pk for g in removed if g.pk not in keep]).delete()
        if not created:
            for name in VIEW_NAMES:
                setattr(plan, name, views[name])
            plan.status = PlanStatus.DRAFT
            save_with_version(plan, expected_version, [*VIEW_NAMES, "status"])
        fields = changed_views + sorted({n for _goal, _g, names in changed_goals for n in names})
        if added or removed:
            fields.append("goals")
        record(actor=actor, action=AuditAction.CREATE if created else AuditAction.UPDATE, obj=plan, client=child,
               changed_fields=fields,
               detail=f"help plan saved: goals added {len(added)}, changed {len(changed_goals)}, "
                      f"removed {len(removed)}")
        records.do_record_progress(pathway, records.HELP_PLAN, actor=actor)
    return plan


def do_adopt_help_plan(
    plan: HelpPlan, *, expected_version: int, actor: Any, adopted_on: datetime.date | None = None,
) -> HelpPlan:
    """The gedragswetenschapper adopts the plan; the first evaluation is due the configured number
    of weeks later, and the step-plan activity is done. ``adopted_on`` (default today) records an
    adoption made earlier; it is never in the future nor before the admission."""
    pathway = plan.pathway
    child = pathway.stay.person
    check_can_edit(actor, child)
    _check_adopter(actor)
    check_pathway_open(pathway)
    today = timezone.localdate()
    adopted_on = adopted_on or today
    errors = _check_date(adopted_on, pathway, future=_("The adoption date cannot lie in the future."),
                         before=_("The adoption date lies before the admission date."),
                         missing=_("Fill in the adoption date."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = HelpPlan.objects.select_for_update().filter(pk=plan.pk).first()
        if current is None or current.version != expected_version:
            raise ConcurrentEditError(current)
        if current.status == PlanStatus.ADOPTED:
            raise ValidationError(_("This version of the help plan has already been adopted."), code="adopted")
        if not current.goals.filter(ended_on__isnull=True).exists():
            raise ValidationError(_("Add at least one goal before adopting the help plan."), code="no_goals")
        plan.status, plan.adopted_on, plan.adopted_by = PlanStatus.ADOPTED, adopted_on, actor
        # a re-adoption (after a change) never postpones an evaluation that was already due
        first_due = adopted_on + evaluation_interval()
        plan.next_evaluation_on = min(current.next_evaluation_on, first_due) if current.next_evaluation_on \
            else first_due
        save_with_version(plan, expected_version, ["status", "adopted_on", "adopted_by", "next_evaluation_on"])
        record(actor=actor, action=AuditAction.UPDATE, obj=plan, client=child,
               changed_fields=["status", "adopted_on", "adopted_by", "next_evaluation_on"],
               detail="help plan adopted")
        records.do_record_progress(pathway, records.HELP_PLAN, completed_on=adopted_on, actor=actor)
    return plan


# --- actions ---------------------------------------------------------------------------------------
def _action_values(who: Any, what: Any, due_on: Any, done_on: Any) -> dict[str, Any]:
    values = {"who": _text(who), "what": _text(what), "due_on": due_on or None, "done_on": done_on or None}
    errors = []
    if not values["who"]:
        errors.append(ValidationError(_("Fill in who does it."), code="who"))
    elif len(values["who"]) > WHO_MAX:
        errors.append(ValidationError(_("Who does it: the text is too long."), code="who"))
    if not values["what"]:
        errors.append(ValidationError(_("Fill in what is done."), code="what"))
    _check_length([values["what"]], errors)
    for name in ("due_on", "done_on"):
        if values[name] is not None and not isinstance(values[name], datetime.date):
            errors.append(ValidationError(_("Fill in a valid date."), code="date"))
    if isinstance(values["done_on"], datetime.date) and values["done_on"] > timezone.localdate():
        errors.append(ValidationError(_("The date the action was done cannot lie in the future."),
                                      code="done_future"))
    if errors:
        raise ValidationError(errors)
    return values


def do_add_action(
    goal: Goal, *, who: str, what: str, due_on: datetime.date | None = None, actor: Any,
) -> Action:
    pathway = goal.plan.pathway
    child = pathway.stay.person
    check_can_edit(actor, child)
    check_pathway_open(pathway)
    values = _action_values(who, what, due_on, None)
    secrecy.check_no_location(pathway, {"who": values["who"], "what": values["what"]}, ACTION_LABELS)
    with transaction.atomic():
        locked = Goal.objects.select_for_update().filter(pk=goal.pk).first()
        if locked is None or locked.ended_on is not None:
            raise ValidationError(_("This goal has ended; add actions to a current goal."), code="goal_ended")
        action = Action.objects.create(goal=goal, created_by=actor, **values)
        record(actor=actor, action=AuditAction.CREATE, obj=action, client=child,
               changed_fields=[n for n, v in values.items() if v not in ("", None)], detail="help plan action")
    return action


def do_update_action(
    action: Action, *, who: str, what: str, due_on: datetime.date | None = None,
    done_on: datetime.date | None = None, expected_version: int, actor: Any,
) -> list[str]:
    """Change an action or mark it done; a stale ``expected_version`` raises ConcurrentEditError."""
    pathway = action.goal.plan.pathway
    child = pathway.stay.person
    check_can_edit(actor, child)
    check_pathway_open(pathway)
    values = _action_values(who, what, due_on, done_on)
    secrecy.check_no_location(pathway, {"who": values["who"], "what": values["what"]}, ACTION_LABELS)
    changed = [n for n, v in values.items() if getattr(action, n) != v]
    with transaction.atomic():
        current = Action.objects.select_for_update().filter(pk=action.pk).first()
        if current is None or current.version != expected_version:
            raise ConcurrentEditError(current)
        if not changed:
            raise ValidationError(_("Nothing was changed since the last save."), code="unchanged")
        for name, value in values.items():
            setattr(action, name, value)
        save_with_version(action, expected_version, list(values))
        record(actor=actor, action=AuditAction.UPDATE, obj=action, client=child, changed_fields=changed,
               detail="help plan action")
    return changed


# --- evaluations -----------------------------------------------------------------------------------
def do_record_evaluation(
    plan: HelpPlan, *, held_on: datetime.date | None, scores: Mapping[Any, Any], notes: str = "",
    child_view: str = "", parent_view: str = "", actor: Any,
) -> Evaluation:
    """Record an evaluation: a 0-10 score for every current goal. The next evaluation is due the
    configured number of weeks after ``held_on`` (not in the future, not before the adoption,
    after the previous evaluation)."""
    pathway = plan.pathway
    child = pathway.stay.person
    check_can_edit(actor, child)
    check_pathway_open(pathway)
    texts = {"notes": _text(notes), "child_view": _text(child_view), "parent_view": _text(parent_view)}
    errors = _check_date(held_on, pathway, future=_("The evaluation date cannot lie in the future."),
                         before=_("The evaluation date lies before the admission date."),
                         missing=_("Fill in the date of the evaluation."))
    _check_length(texts.values(), errors)
    _check_location(pathway, texts, errors)
    given: dict[int, int] = {}
    bad_score = False
    for goal_id, value in scores.items():
        try:
            given[int(goal_id)] = score_value(value)
        except (TypeError, ValueError):
            raise ValidationError(_("A score belongs to a goal of this help plan."), code="goal") from None
        except ValidationError:
            bad_score = True
    if bad_score:
        errors.append(ValidationError(_("A score is a whole number from %(min)d to %(max)d.")
                                      % {"min": SCORE_MIN, "max": SCORE_MAX}, code="score"))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = HelpPlan.objects.select_for_update().filter(pk=plan.pk).first()
        if current is None or current.adopted_on is None:
            raise ValidationError(_("Adopt the help plan before evaluating it."), code="not_adopted")
        if held_on < current.adopted_on:  # type: ignore[operator]
            raise ValidationError(_("The evaluation date lies before the adoption of the help plan."),
                                  code="before_adoption")
        previous = current.evaluations.order_by("-held_on").values_list("held_on", flat=True).first()
        if previous is not None and held_on <= previous:  # type: ignore[operator]
            raise ValidationError(
                _("The evaluation date must lie after the previous evaluation (%(date)s).")
                % {"date": previous.strftime("%d-%m-%Y")}, code="after_previous")
        goal_ids = set(current.goals.filter(ended_on__isnull=True).values_list("pk", flat=True))
        if set(given) - goal_ids:
            raise ValidationError(_("A score belongs to a goal of this help plan."), code="goal")
        if not goal_ids:
            raise ValidationError(_("The help plan has no goals to evaluate."), code="no_goals")
        if goal_ids - set(given):
            raise ValidationError(_("Give a score for every goal."), code="missing_score")
        evaluation = Evaluation.objects.create(plan=current, held_on=held_on, created_by=actor, **texts)
        GoalScore.objects.bulk_create([GoalScore(evaluation=evaluation, goal_id=goal_id, score=given[goal_id])
                                       for goal_id in sorted(goal_ids)])
        next_on = held_on + evaluation_interval()  # type: ignore[operator]
        HelpPlan.objects.filter(pk=current.pk).update(next_evaluation_on=next_on)
        plan.next_evaluation_on = next_on
        record(actor=actor, action=AuditAction.CREATE, obj=evaluation, client=child,
               changed_fields=["held_on", "scores", *[n for n, v in texts.items() if v], "next_evaluation_on"],
               detail=f"help plan evaluation: {len(goal_ids)} goals scored")
    return evaluation


# --- guidance contacts -----------------------------------------------------------------------------
def do_record_guidance_contact(
    pathway: Pathway, *, date: datetime.date | None, kind: str, duration_minutes: Any, with_whom: str = "",
    notes: str = "", goal_ids: Iterable[Any] = (), actor: Any,
) -> GuidanceContact:
    """Log a contact with the child. The goals it served must be goals of this child's help plan."""
    child = pathway.stay.person
    check_can_edit(actor, child)
    check_pathway_open(pathway)
    errors = _check_date(date, pathway, future=_("The date of the contact cannot lie in the future."),
                         before=_("The date of the contact lies before the admission date."),
                         missing=_("Fill in the date of the contact."))
    if kind not in ContactKind.values:
        errors.append(ValidationError(_("Choose the kind of contact."), code="kind"))
    try:
        minutes = int(duration_minutes)
    except (TypeError, ValueError):
        minutes = 0
    if isinstance(duration_minutes, bool) or not 1 <= minutes <= DURATION_MAX:
        errors.append(ValidationError(_("The duration is a number of minutes from 1 to %(max)d.")
                                      % {"max": DURATION_MAX}, code="duration"))
    with_whom, notes = _text(with_whom), _text(notes)
    if len(with_whom) > WHO_MAX:
        errors.append(ValidationError(_("With whom: the text is too long."), code="with_whom"))
    _check_length([notes], errors)
    _check_location(pathway, {"with_whom": with_whom, "notes": notes}, errors)
    try:
        wanted = {int(g) for g in goal_ids}
    except (TypeError, ValueError):
        wanted = None
    if wanted is None or (wanted and Goal.objects.filter(pk__in=wanted, plan__pathway=pathway).count()
                          != len(wanted)):
        errors.append(ValidationError(_("A contact can only serve goals of this child's help plan."), code="goals"))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        contact = GuidanceContact.objects.create(pathway=pathway, date=date, kind=kind, duration_minutes=minutes,
                                                 with_whom=with_whom, notes=notes, created_by=actor)
        if wanted:
            contact.goals.set(sorted(wanted))
        record(actor=actor, action=AuditAction.CREATE, obj=contact, client=child,
               changed_fields=["date", "kind", "duration_minutes",
                               *[n for n, v in (("with_whom", with_whom), ("notes", notes)) if v],
                               *(["goals"] if wanted else [])],
               detail=f"guidance contact: {kind}")
        records.do_record_progress(pathway, records.HELP_PLAN, actor=actor)
    return contact


def log_plans_read(pathway: Pathway, *, actor: Any, what: str = "help plan", obj: Any = None) -> None:
    record(actor=actor, action=AuditAction.READ, obj=obj or pathway, client=pathway.stay.person, detail=what)


def log_help_plan_export(pathway: Pathway, *, actor: Any, obj: Any = None) -> None:
    """The help plan PDF leaves the system: an export of the child's record (no personal data in the detail)."""
    record(actor=actor, action=AuditAction.EXPORT, obj=obj or pathway, client=pathway.stay.person,
           detail="help plan pdf")
