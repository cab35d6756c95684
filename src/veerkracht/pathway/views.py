"""Pathway screens: thin views over pathway.queries (reads) and pathway.services (writes)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from veerkracht.accounts.decorators import role_required
from veerkracht.accounts.roles import CLIENT_ROLES
from veerkracht.clients.views import _error_items
from veerkracht.core.concurrency import ConcurrentEditError

from . import queries, services
from .forms import ActivityForm

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
    return render(request, "pathway/worklist.html", {"work": work, "sections": sections})


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
