"""Pathway screens: thin views over pathway.queries (reads) and pathway.services (writes)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from veerkracht.accounts.decorators import role_required
from veerkracht.accounts.roles import CLIENT_ROLES, REGISTERING_ROLES
from veerkracht.clients.forms import DischargeForm
from veerkracht.clients.queries import get_person, get_stay
from veerkracht.clients.views import _error_items
from veerkracht.core.concurrency import ConcurrentEditError

from . import followups, queries, services, timeline
from .forms import ActivityForm, OutcomeForm
from .models import PathwayActivity

SECTION_LIMIT = 200


@require_GET
@role_required(*CLIENT_ROLES)
def worklist(request: HttpRequest) -> HttpResponse:
    work = queries.worklist(request.user)
    services.log_worklist_read(actor=request.user, count=work.count)
    sections = [
        {
            "key": key,
            "title": str({queries.OVERDUE: _("Overdue"), queries.DUE_THIS_WEEK: _("Due this week"),
                          queries.OPEN: _("Not started yet")}[key]),
            "rows": work.sections[key][:SECTION_LIMIT],
            "total": len(work.sections[key]),
            "more": max(0, len(work.sections[key]) - SECTION_LIMIT),
        }
        for key in queries.URGENCY
    ]
    follow = followups.followups(queries.followup_pathways(request.user), timezone.localdate(),
                                 kinds=queries.followup_kinds(request.user),
                                 discharged=followups.discharged_pathways(request.user))
    return render(request, "pathway/worklist.html", {
        "work": work, "sections": sections, "followups": follow[:SECTION_LIMIT],
        "followups_more": max(0, len(follow) - SECTION_LIMIT),
    })


@require_http_methods(["GET", "POST"])
@role_required(*services.EDITING_ROLES)
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = queries.get_activity(request.user, pk)
    person = activity.pathway.stay.person
    current = None
    if request.method == "POST":
        form = ActivityForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.do_update_activity(
                    activity, status=data["status"], reason=data["reason"], completed_on=data["completed_on"],
                    assigned_to=data["assigned_to"], expected_version=data["version"], actor=request.user,
                )
            except ConcurrentEditError as exc:
                current = queries.get_activity(request.user, pk)
                post = request.POST.copy()
                post["version"] = str(current.version)
                form = ActivityForm(post, user=request.user)
                form.is_valid()
                form.add_error(None, str(exc.message))
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("The activity has been saved."))
                return redirect("clients:dossier", pk=person.pk)
    else:
        services.log_activity_read(activity, actor=request.user)
        form = ActivityForm(
            initial={
                "status": activity.status, "reason": activity.reason, "completed_on": activity.completed_on,
                "assigned_to": activity.assigned_to_id, "version": activity.version,
            },
            user=request.user,
        )
    return render(
        request,
        "pathway/activity_edit.html",
        {"activity": activity, "person": person, "form": form, "current": current, "errors": _error_items(form)},
    )


@require_http_methods(["GET", "POST"])
@role_required(*REGISTERING_ROLES)
def discharge(request: HttpRequest, pk: int) -> HttpResponse:
    """End a child's stay: per open activity an outcome, the destination, and a pathway summary."""
    stay = get_stay(request.user, pk)
    person = stay.person
    pathway = getattr(stay, "pathway", None)
    if pathway is None or not stay.is_open:
        return redirect("clients:dossier", pk=person.pk)
    if not services.can_edit(request.user, person):
        raise PermissionDenied
    open_activities = [a for a in queries.step_plan(stay) if not a.is_closed]
    data = request.POST if request.method == "POST" else None
    form = DischargeForm(data, stay=stay, initial={"version": stay.version})
    outcome_forms = [
        OutcomeForm(data, activity=a, prefix=f"a{a.pk}", initial={"version": a.version}) for a in open_activities
    ]
    if request.method == "POST":
        valid = form.is_valid()
        valid = all([f.is_valid() for f in outcome_forms]) and valid
        if valid:
            outcomes = {
                f.activity.pk: services.Outcome(
                    status=f.cleaned_data["status"], reason=f.cleaned_data["reason"] or "",
                    completed_on=f.cleaned_data["completed_on"], version=f.cleaned_data["version"],
                )
                for f in outcome_forms
            }
            try:
                services.do_discharge_child(
                    stay, discharge_date=form.cleaned_data["discharge_date"],
                    destination=form.cleaned_data["destination"], outcomes=outcomes,
                    expected_version=form.cleaned_data["version"], actor=request.user,
                )
            except ConcurrentEditError:
                # Keep every choice the worker made; take over the stored versions so a second save
                # (after checking the step plan) goes through.
                post = request.POST.copy()
                stay = get_stay(request.user, pk)
                post["version"] = str(stay.version)
                versions = dict(PathwayActivity.objects.filter(pathway=pathway).values_list("pk", "version"))
                for f in outcome_forms:
                    post[f"{f.prefix}-version"] = str(versions.get(f.activity.pk, 0))
                form = DischargeForm(post, stay=stay)
                form.is_valid()
                form.add_error(None, _("Someone else changed this stay or its step plan while you were working. "
                                       "Check the step plan and save again; your choices have been kept."))
                outcome_forms = [OutcomeForm(post, activity=f.activity, prefix=f.prefix) for f in outcome_forms]
                for f in outcome_forms:
                    f.is_valid()
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("The discharge has been registered and the pathway summary saved."))
                return redirect("clients:dossier", pk=person.pk)
    errors = _error_items(form)
    for f in outcome_forms:
        errors += _error_items(f, group=f.activity.definition.name)
    return render(request, "pathway/discharge.html", {
        "stay": stay, "person": person, "pathway": pathway, "form": form,
        "rows": list(zip(open_activities, outcome_forms, strict=True)), "errors": errors,
        "closed": [a for a in queries.step_plan(stay) if a.is_closed],
    })


@require_GET
@role_required(*CLIENT_ROLES)
def child_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything that happened for one child, newest first."""
    person = get_person(request.user, pk)
    entries = timeline.timeline(person)
    services.log_timeline_read(person, actor=request.user)
    return render(request, "pathway/timeline.html", {"person": person, "entries": entries})
