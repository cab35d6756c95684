"""The intake page: thin view over pathway.queries (reads) and intake.services (writes)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from veerkracht.accounts.decorators import role_required
from veerkracht.clients.models import age_on
from veerkracht.clients.views import _error_items
from veerkracht.core.concurrency import ConcurrentEditError
from veerkracht.meldcode.models import MeldcodeTrack
from veerkracht.pathway import records
from veerkracht.pathway.queries import get_pathway
from veerkracht.pathway.services import EDITING_ROLES
from veerkracht.pathway.view_helpers import report_closed

from . import services
from .forms import IntakeRecordForm
from .models import IntakeRecord, form_for_child


def _posted_date(request: HttpRequest) -> datetime.date | None:
    raw = request.POST.get("conversation_date", "")
    for fmt in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    return None



def _initial(intake: IntakeRecord | None, activity: Any, user: Any) -> dict[str, Any]:
    if intake is None:
        return {"conversation_date": timezone.localdate(), "conducted_by": user.pk, "version": ""}
    initial = {name: getattr(intake, name) for name in services.IntakeData.__dataclass_fields__}
    initial.update(conducted_by=intake.conducted_by_id, version=intake.version)
    if activity is not None and activity.completed_on:
        initial["completed_on"] = activity.completed_on
    return initial


@require_http_methods(["GET", "POST"])
@role_required(*EDITING_ROLES)
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    pathway = get_pathway(request.user, pk)
    person = pathway.stay.person
    intake = IntakeRecord.objects.select_related("conducted_by").filter(pathway=pathway).first()
    activity = records.activity_for(pathway, records.INTAKE)
    has_open_track = MeldcodeTrack.objects.filter(person=person, closed_on__isnull=True).exists()
    options = {
        "user": request.user,
        "offer_completion": records.completes_activity(pathway, records.INTAKE),
        "offer_meldcode": not has_open_track,
    }
    date = (_posted_date(request) if request.method == "POST" else None) or (
        intake.conversation_date if intake else timezone.localdate()
    )
    form_used = form_for_child(person.birth_date, date)
    current = None
    if request.method == "POST":
        form = IntakeRecordForm(request.POST, form_used=form_used, **options)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.do_save_intake(
                    pathway, data=form.intake_data(), expected_version=data["version"] if intake else None,
                    start_meldcode=bool(data.get("start_meldcode")), completed_on=data.get("completed_on"),
                    actor=request.user,
                )
            except ConcurrentEditError:
                current = IntakeRecord.objects.select_related("conducted_by").get(pathway=pathway)
                post = request.POST.copy()
                post["version"] = str(current.version)
                form = IntakeRecordForm(post, form_used=form_used, **options)
                form.is_valid()
                form.add_error(None, str(ConcurrentEditError.message))
            except ValidationError as exc:
                if report_closed(request, exc):
                    return redirect("intake:edit", pk=pathway.pk)
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("The intake has been saved."))
                return redirect("intake:edit", pk=pathway.pk)
    else:
        services.log_intake_read(pathway, intake, actor=request.user)
        form = IntakeRecordForm(initial=_initial(intake, activity, request.user), form_used=form_used, **options)
    return render(request, "intake/edit.html", {
        "pathway": pathway, "person": person, "intake": intake, "activity": activity, "form": form,
        "current": current, "errors": _error_items(form), "age": age_on(person.birth_date, date),
        "has_open_track": has_open_track,
    })
