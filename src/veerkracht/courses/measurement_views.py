"""The measurement pages of a group course (issue 7 point 4): the plan of a group's T0/T1/T2 measurements,
and one planned measurement, to which a worker of the child's organisation links the result."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from veerkracht.accounts.decorators import role_required
from veerkracht.accounts.roles import CLIENT_ROLES
from veerkracht.audit.models import Action
from veerkracht.audit.services import record
from veerkracht.core.concurrency import ConcurrentEditError
from veerkracht.pathway.services import can_edit
from veerkracht.screening.models import Administration

from . import effect, measurements
from .models import Measurement


def _measurement_scope(user: Any) -> Any:
    """Measurements of a group of the user's organisation, or of a child of the user's organisation."""
    own = effect.organisation_id(user)
    return Measurement.objects.filter(Q(enrolment__group__organisation_id=own) | Q(enrolment__child__organisation_id=own))


@require_http_methods(["GET", "POST"])
@role_required(*CLIENT_ROLES)
def group_measurements(request: HttpRequest, pk: int) -> HttpResponse:
    """The measurements of a group: per child and time point the due date and whether it was done; the
    group's editors plan them (again, after the sessions changed)."""
    group = effect.get_report_group(request.user, pk)
    may_plan = measurements.can_plan(request.user, group)
    if request.method == "POST":
        if not may_plan:
            raise PermissionDenied
        created = measurements.do_plan_measurements(group, actor=request.user)
        messages.success(request, ngettext("%(count)s measurement planned.", "%(count)s measurements planned.",
                                           len(created)) % {"count": len(created)})
        return redirect("courses:measurements", group.pk)
    rows = list(Measurement.objects.filter(enrolment__group=group).select_related("enrolment__child", "administration")
                .order_by("enrolment__child__last_name", "enrolment__child__first_name", "enrolment_id", "timepoint",
                          "instrument_id"))
    today = timezone.localdate()
    for row in rows:
        row.overdue = row.administration_id is None and row.due_on < today  # type: ignore[attr-defined]
        row.label = effect.instrument_label(row.instrument_id)  # type: ignore[attr-defined]
    return render(request, "courses/measurements.html", {
        "group": group, "rows": rows, "may_plan": may_plan, "due": measurements.due_dates(group)})


@require_http_methods(["GET", "POST"])
@role_required(*CLIENT_ROLES)
def measurement(request: HttpRequest, pk: int) -> HttpResponse:
    """One planned measurement: a worker of the child's organisation links the result entered on the
    child's screening page."""
    item = get_object_or_404(_measurement_scope(request.user).select_related(
        "enrolment__child", "enrolment__group", "administration").defer("enrolment__group__meeting_place"), pk=pk)
    child = item.enrolment.child
    may_link = can_edit(request.user, child) and item.administration_id is None
    pathway = measurements.open_pathway(child) if may_link else None
    error = ""
    if request.method == "POST":
        if not may_link:
            raise PermissionDenied
        chosen_pk, version = request.POST.get("administration", ""), request.POST.get("version", "")
        chosen = Administration.objects.filter(pk=chosen_pk).first() if chosen_pk.isdigit() else None
        try:
            if chosen is None:
                raise ValidationError(_("Choose a valid result of this questionnaire about this child."))
            measurements.do_link_measurement(item, administration=chosen, actor=request.user,
                                             expected_version=int(version) if version.isdigit() else -1)
        except ConcurrentEditError:
            error = _("Someone else linked this measurement meanwhile. Check it and try again.")
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("The result is linked to the measurement."))
            return redirect("courses:measurement", item.pk)
    own_group = item.enrolment.group.organisation_id == effect.organisation_id(request.user)
    if can_edit(request.user, child) or own_group:
        log_child_read(child, actor=request.user)
    return render(request, "courses/measurement.html", {
        "item": item, "child": child, "label": effect.instrument_label(item.instrument_id), "may_link": may_link,
        "pathway": pathway, "candidates": measurements.candidates(item) if may_link else [], "error": error,
        "shows_child": can_edit(request.user, child) or own_group, "own_group": own_group,
        # the course organisation sees a child of another organisation by first name only
        "full_name": can_edit(request.user, child)}, status=400 if error else 200)


def log_child_read(child: Any, *, actor: Any) -> None:
    record(actor=actor, action=Action.READ, obj=child, client=child, detail="course measurement")
