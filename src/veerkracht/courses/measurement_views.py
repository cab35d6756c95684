"""The measurement pages of a group course (issue 7 point 4): the plan of a group's T0/T1/T2 measurements,
and one planned measurement, to which a worker of the child's organisation links the result."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from veerkracht.accounts.decorators import role_required
from veerkracht.accounts.roles import CLIENT_ROLES
from veerkracht.audit.models import Action
from veerkracht.audit.services import record
from veerkracht.clients.queries import visible_persons
from veerkracht.clients.views import _error_items
from veerkracht.core.concurrency import ConcurrentEditError
from veerkracht.pathway.services import EDITING_ROLES, can_edit
from veerkracht.pathway.view_helpers import add_form_errors
from veerkracht.screening import queries as screening_queries
from veerkracht.screening import services as screening_services
from veerkracht.screening.forms import AdministerForm
from veerkracht.screening.models import Administration, Entry, Respondent

from . import effect, measurements, queries
from .models import Measurement


def _measurement_scope(user: Any) -> Any:
    """Measurements of a group the user sees, or of a child of the user's organisation the user sees
    (``courses.queries``: a worker limited to the own teams sees the groups he or she trains)."""
    own = effect.organisation_id(user)
    return Measurement.objects.filter(
        Q(enrolment__group__in=queries.visible_groups(user))
        | Q(enrolment__child__in=visible_persons(user).filter(organisation_id=own)))


@require_http_methods(["GET", "POST"])
@role_required(*CLIENT_ROLES)
def group_measurements(request: HttpRequest, pk: int) -> HttpResponse:
    """The measurements of a group: per child and time point the due date and whether it was done; the
    group's editors plan them (again, after the sessions changed)."""
    group = queries.get_group(request.user, pk)  # the page names the children: as the group page
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
    pathway = measurements.measurement_pathway(child) if may_link else None
    may_enter = pathway is not None and _enterable(item.instrument_id) and _sees_child(request.user, child)
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
        "pathway": pathway, "may_enter": may_enter, "candidates": measurements.candidates(item) if may_link else [], "error": error,
        "shows_child": can_edit(request.user, child) or own_group, "own_group": own_group,
        # the course organisation sees a child of another organisation by first name only
        "full_name": can_edit(request.user, child)}, status=400 if error else 200)


def log_child_read(child: Any, *, actor: Any) -> None:
    record(actor=actor, action=Action.READ, obj=child, client=child, detail="course measurement")


def _enterable(instrument_id: str) -> bool:
    """A questionnaire that is still filled in, about the child (not a parent's about herself)."""
    inst = screening_queries.known_instrument(instrument_id)
    return inst is not None and inst.status_active and inst.respondent != Respondent.PARENT_SELF


def _sees_child(user: Any, child: Any) -> bool:
    """Entering goes through the child's record: only a user whose scoped queries show the child."""
    return visible_persons(user).filter(pk=child.pk).exists()


@require_http_methods(["GET", "POST"])
@role_required(*EDITING_ROLES)
def measurement_enter(request: HttpRequest, pk: int) -> HttpResponse:
    """Enter the questionnaire of one planned measurement and link it in one step: on the child's open pathway,
    or after discharge on its most recent (closed) one (ADR 0013). Only a worker who may edit the child's
    record and sees the child; other users of the course organisation get 404."""
    item = get_object_or_404(_measurement_scope(request.user).select_related(
        "enrolment__child", "enrolment__group").defer("enrolment__group__meeting_place"), pk=pk)
    child = item.enrolment.child
    if not can_edit(request.user, child) or not _sees_child(request.user, child):
        raise Http404
    if item.administration_id is not None:
        messages.info(request, _("This measurement has already been entered."))
        return redirect("courses:measurement", item.pk)
    if not _enterable(item.instrument_id):
        raise Http404
    inst = screening_queries.known_instrument(item.instrument_id)
    pathway = measurements.measurement_pathway(child)
    form = AdministerForm(request.POST, instrument=inst) if request.method == "POST" else AdministerForm(instrument=inst)
    if request.method == "POST" and pathway is not None and form.is_valid():
        data = form.cleaned_data
        try:
            entered = measurements.do_record_measurement(
                item, actor=request.user, administered_on=data["administered_on"], note=data["note"],
                answers=form.answers() if inst.entry != Entry.SCALE_SCORES else None,
                scale_scores=form.scale_scores() if inst.entry == Entry.SCALE_SCORES else None)
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            result = entered.administration
            if result is not None and (result.clinical or result.critical_items) and pathway.closed_on is not None:
                messages.warning(request, _("The result needs attention and the child has left the shelter: discuss "
                                            "with the gedragswetenschapper who informs the child's parent or current "
                                            "care provider."))
            elif result is not None and result.critical_items:
                messages.warning(request, _("An answer needs attention: an urgent signal has been raised for "
                                            "the gedragswetenschapper."))
            elif result is not None and result.clinical:
                messages.warning(request, _("The result lies in the clinical range: a signal has been raised "
                                            "for the gedragswetenschapper."))
            else:
                messages.success(request, _("The questionnaire has been saved."))
            return redirect("courses:measurement", item.pk)
    elif request.method == "GET":
        log_child_read(child, actor=request.user)
    errors = _error_items(form) if form.is_bound else []
    return render(request, "courses/measurement_enter.html", {
        "item": item, "child": child, "instrument": inst, "label": inst.label, "pathway": pathway, "form": form,
        "sections": form.sections(), "scale_fields": form.scale_fields(), "errors": errors,
        "age_range": screening_services.age_range(inst)}, status=400 if errors else 200)
