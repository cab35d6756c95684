"""The child's help plan (activity 7): the plan with goals and actions, adoption, evaluations and
the log of guidance contacts. Thin views: parse, call a query or a service, render."""

from __future__ import annotations

import time
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from veerkracht.accounts.decorators import role_required
from veerkracht.accounts.roles import Role
from veerkracht.clients.views import _error_items
from veerkracht.core.concurrency import ConcurrentEditError
from veerkracht.organisations import secrecy
from veerkracht.pathway import records
from veerkracht.pathway.models import PathwayActivity
from veerkracht.pathway.queries import get_pathway
from veerkracht.pathway.records import RECORD_KINDS
from veerkracht.pathway.services import EDITING_ROLES, check_pathway_open
from veerkracht.pathway.view_helpers import add_form_errors, report_closed
from veerkracht.referrals import queries as referral_queries

from . import documents, queries, services
from .forms import (
    ActionForm,
    AddActionForm,
    AdoptForm,
    ContactForm,
    EvaluationForm,
    GoalFormSet,
    PlanForm,
    goal_initial,
)
from .models import Action, PlanStatus


def _activity(pathway: Any) -> PathwayActivity | None:
    return (
        PathwayActivity.objects.select_related("definition")
        .filter(pathway=pathway, definition__code__in=RECORD_KINDS[records.HELP_PLAN].activity_codes)
        .order_by("definition__order")
        .first()
    )



def _refuse_when_closed(request: HttpRequest, pathway: Any) -> bool:
    """A POST on a pathway closed at discharge: say so (whatever the form holds) and change nothing."""
    if request.method != "POST":
        return False
    try:
        check_pathway_open(pathway)
    except ValidationError as exc:
        return report_closed(request, exc)
    return False



def _repost(request: HttpRequest, **values: Any) -> Any:
    post = request.POST.copy()
    for name, value in values.items():
        post[name] = str(value)
    return post


def _errors(*forms_: Any, formset: Any = None) -> list[dict[str, str]]:
    items = _error_items(*forms_)
    if formset is not None:
        for message in formset.non_form_errors():
            items.append({"id": "", "message": str(message)})
        for number, sub in enumerate(formset.forms, start=1):
            items.extend(_error_items(sub, group=_("Goal %(number)s") % {"number": number}))
    return items


def _goal_rows(formset: Any) -> list[dict[str, Any]]:
    return [row for row in (form.row() for form in formset.forms) if row is not None]


def _kept_goal_rows(formset: Any, goals: list[Any]) -> list[dict[str, Any]]:
    """After a refused save: the worker's own rows, then the goals a colleague added meanwhile, so
    nothing is typed twice and nothing is lost. A goal a colleague removed meanwhile comes back as
    a new goal with the worker's text (unless the worker removed it too); saving adds it again."""
    current = {g.pk: g for g in goals}
    rows, seen = [], set()
    for form in formset.forms:
        data = getattr(form, "cleaned_data", {}) or {}
        row = form.row()
        if row is None:
            continue
        if data.get("id") is not None:
            if data["id"] not in current:
                if data.get("remove") or not data.get("description"):
                    continue
                data = {**data, "id": None}
            else:
                seen.add(data["id"])
        rows.append({**{k: data.get(k) for k in ("id", "domain", "description", "start_score")},
                     "remove": bool(data.get("remove"))})
    rows += [goal_initial(g) for g in goals if g.pk not in seen]
    return rows


@require_http_methods(["GET", "POST"])
@role_required(*EDITING_ROLES)
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    pathway = get_pathway(request.user, pk)
    child = pathway.stay.person
    if _refuse_when_closed(request, pathway):
        return redirect("plans:plan", pk=pathway.pk)
    help_plan = queries.plan_of(pathway)
    goals = queries.current_goals(help_plan)
    version = help_plan.version if help_plan else 0
    form = PlanForm(initial={"version": version, "base": queries.fingerprint(help_plan),
                             "child_view": help_plan.child_view if help_plan else "",
                             "parent_view": help_plan.parent_view if help_plan else ""})
    formset = GoalFormSet(initial=[goal_initial(g) for g in goals], prefix="goals")
    action_form = AddActionForm(goals=goals, prefix="action")
    adopt_form = AdoptForm(initial={"version": version, "adopted_on": timezone.localdate()}, prefix="adopt")
    meanwhile: list[Any] = []
    action = request.POST.get("action")
    if request.method == "POST" and action == "adopt":
        adopt_form = AdoptForm(request.POST, prefix="adopt")
        if adopt_form.is_valid() and help_plan is None:
            adopt_form.add_error(None, _("Save the help plan before adopting it."))
        elif adopt_form.is_valid():
            data = adopt_form.cleaned_data
            try:
                services.do_adopt_help_plan(help_plan, adopted_on=data["adopted_on"],
                                            expected_version=data["version"], actor=request.user)
            except ConcurrentEditError as exc:
                adopt_form = AdoptForm(_repost(request, **{"adopt-version": version}), prefix="adopt")
                adopt_form.is_valid()
                adopt_form.add_error(None, str(exc.message))
            except ValidationError as exc:
                add_form_errors(adopt_form, exc)
            else:
                messages.success(request, _("The help plan has been adopted."))
                return redirect("plans:plan", pk=pathway.pk)
    elif request.method == "POST" and action == "add_action":
        action_form = AddActionForm(request.POST, goals=goals, prefix="action")
        if action_form.is_valid():
            data = action_form.cleaned_data
            goal = next(g for g in goals if g.pk == data["goal"])
            try:
                services.do_add_action(goal, who=data["who"], what=data["what"], due_on=data["due_on"],
                                       actor=request.user)
            except ValidationError as exc:
                add_form_errors(action_form, exc)
            else:
                messages.success(request, _("The action has been added."))
                return redirect("plans:plan", pk=pathway.pk)
    elif request.method == "POST":
        form = PlanForm(request.POST)
        formset = GoalFormSet(request.POST, prefix="goals")
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            try:
                services.do_save_help_plan(pathway, child_view=data["child_view"], parent_view=data["parent_view"],
                                           goals=_goal_rows(formset), expected_version=data["version"],
                                           actor=request.user)
            except ConcurrentEditError as exc:
                help_plan = queries.plan_of(pathway)  # what is stored now
                goals = queries.current_goals(help_plan)
                meanwhile = queries.changes_since(data["base"], help_plan)
                form = PlanForm(_repost(request, version=help_plan.version if help_plan else 0,
                                        base=queries.fingerprint(help_plan)))
                form.is_valid()
                form.add_error(None, str(exc.message))
                formset = GoalFormSet(initial=_kept_goal_rows(formset, goals), prefix="goals")
                action_form = AddActionForm(goals=goals, prefix="action")
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("The help plan has been saved."))
                return redirect("plans:plan", pk=pathway.pk)
    else:
        services.log_plans_read(pathway, actor=request.user, obj=help_plan)
    table = queries.evaluations_of(help_plan, help_plan.all_goals) if help_plan else None
    return render(request, "plans/plan.html", {
        "pathway": pathway, "person": child, "activity": _activity(pathway), "plan": help_plan,
        "domains": queries.goals_by_domain(goals), "ended_goals": [g for g in (help_plan.all_goals if help_plan
                                                                               else []) if g.ended_on],
        "table": table, "form": form, "formset": formset, "action_form": action_form, "adopt_form": adopt_form,
        "can_adopt": request.user.role == Role.GEDRAGSWETENSCHAPPER, "meanwhile": meanwhile,
        "errors": _errors(form, adopt_form, action_form, formset=formset), "today": timezone.localdate(),
        "PlanStatus": PlanStatus, "referrals": list(referral_queries.referrals_of(pathway).defer("reason")),
    })


@require_http_methods(["GET", "POST"])
@role_required(*EDITING_ROLES)
def evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    pathway = get_pathway(request.user, pk)
    child = pathway.stay.person
    if _refuse_when_closed(request, pathway):
        return redirect("plans:plan", pk=pathway.pk)
    help_plan = queries.plan_of(pathway)
    goals = queries.current_goals(help_plan)
    ready = help_plan is not None and help_plan.adopted_on is not None and bool(goals)
    form = EvaluationForm(goals=goals) if ready else None
    if request.method == "POST" and ready:
        form = EvaluationForm(request.POST, goals=goals)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.do_record_evaluation(help_plan, held_on=data["held_on"], scores=form.scores(),
                                              notes=data["notes"], child_view=data["child_view"],
                                              parent_view=data["parent_view"], actor=request.user)
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("The evaluation has been saved."))
                return redirect("plans:plan", pk=pathway.pk)
    elif request.method == "GET":
        services.log_plans_read(pathway, actor=request.user, what="help plan evaluation", obj=help_plan)
    return render(request, "plans/evaluate.html", {
        "pathway": pathway, "person": child, "plan": help_plan, "form": form, "ready": ready,
        "errors": _error_items(form),
    })


@require_http_methods(["GET", "POST"])
@role_required(*EDITING_ROLES)
def contacts(request: HttpRequest, pk: int) -> HttpResponse:
    pathway = get_pathway(request.user, pk)
    child = pathway.stay.person
    if _refuse_when_closed(request, pathway):
        return redirect("plans:contacts", pk=pathway.pk)
    help_plan = queries.plan_of(pathway)
    goals = queries.current_goals(help_plan)
    form = ContactForm(goals=goals)
    if request.method == "POST":
        form = ContactForm(request.POST, goals=goals)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.do_record_guidance_contact(
                    pathway, date=data["date"], kind=data["kind"], duration_minutes=data["duration_minutes"],
                    with_whom=data["with_whom"], notes=data["notes"], goal_ids=data["goals"], actor=request.user)
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("The guidance contact has been saved."))
                return redirect("plans:contacts", pk=pathway.pk)
    else:
        services.log_plans_read(pathway, actor=request.user, what="guidance contacts")
    return render(request, "plans/contacts.html", {
        "pathway": pathway, "person": child, "plan": help_plan, "form": form,
        "contacts": list(queries.contacts_of(pathway)), "totals": queries.contact_totals(pathway),
        "errors": _error_items(form),
    })


@require_http_methods(["GET", "POST"])
@role_required(*EDITING_ROLES)
def action(request: HttpRequest, pk: int) -> HttpResponse:
    obj = queries.get_action(request.user, pk)
    pathway = obj.goal.plan.pathway
    child = pathway.stay.person
    if _refuse_when_closed(request, pathway):
        return redirect("plans:action", pk=obj.pk)
    current = None
    form = ActionForm(initial={"version": obj.version, "who": obj.who, "what": obj.what, "due_on": obj.due_on,
                               "done_on": obj.done_on})
    if request.method == "POST":
        form = ActionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.do_update_action(obj, who=data["who"], what=data["what"], due_on=data["due_on"],
                                          done_on=data["done_on"], expected_version=data["version"],
                                          actor=request.user)
            except ConcurrentEditError as exc:
                current = Action.objects.filter(pk=obj.pk).first()
                form = ActionForm(_repost(request, version=current.version if current else 0))
                form.is_valid()
                form.add_error(None, str(exc.message))
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("The action has been saved."))
                return redirect("plans:plan", pk=pathway.pk)
    else:
        services.log_plans_read(pathway, actor=request.user, what="help plan action", obj=obj)
    return render(request, "plans/action.html", {
        "pathway": pathway, "person": child, "action": obj, "goal": obj.goal, "form": form, "current": current,
        "errors": _error_items(form),
    })


@require_GET
@role_required(*EDITING_ROLES)
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The help plan as a PDF in the user's language; never shows where the family stays."""
    pathway = get_pathway(request.user, pk)
    data = queries.plan_for_document(pathway)
    if data is None:
        messages.error(request, _("There is no help plan to print yet: save the plan first."))
        return redirect("plans:plan", pk=pathway.pk)
    document = documents.build_document(data, child=pathway.stay.person)
    if secrecy.document_mentions_location(pathway, document):
        messages.error(request, str(secrecy.DOCUMENT_REFUSED))
        return redirect("plans:plan", pk=pathway.pk)
    services.log_help_plan_export(pathway, actor=request.user, obj=data.plan)
    started = time.perf_counter()
    content = documents.render(document)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{documents.filename(pathway)}"'
    response["Cache-Control"] = "no-store"
    response["Server-Timing"] = f"pdf;dur={(time.perf_counter() - started) * 1000:.0f}"
    return response
