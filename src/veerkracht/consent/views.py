"""Consent screens: thin views over consent.queries (reads) and consent.services (writes)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from veerkracht.accounts.decorators import role_required
from veerkracht.accounts.roles import CLIENT_ROLES
from veerkracht.clients.views import _error_items
from veerkracht.core.concurrency import ConcurrentEditError
from veerkracht.pathway.queries import get_pathway
from veerkracht.pathway.services import EDITING_ROLES, can_edit, check_can_edit
from veerkracht.pathway.view_helpers import report_closed

from . import queries, rules, services
from .forms import ConsentForm, StepForm
from .models import Decision, Step

READ_ROLES = tuple(sorted(set(CLIENT_ROLES) | set(EDITING_ROLES)))



@require_http_methods(["GET", "POST"])
@role_required(*READ_ROLES)
def overview(request: HttpRequest, pk: int) -> HttpResponse:
    pathway = get_pathway(request.user, pk)
    child = pathway.stay.person
    if request.method == "POST":
        check_can_edit(request.user, child)
    data = queries.overview(pathway)
    form = ConsentForm(
        request.POST or None, subjects=data.subjects, persons=data.columns, initial={"date": timezone.localdate()}
    )
    if request.method == "POST":
        if form.is_valid():
            cleaned = form.cleaned_data
            try:
                services.do_record_consent(
                    pathway, subject_code=cleaned["subject"], given_by=cleaned["person"], decision=cleaned["decision"],
                    date=cleaned["date"], how=cleaned["how"], note=cleaned["note"], actor=request.user,
                )
            except ValidationError as exc:
                if report_closed(request, exc):
                    return redirect("consent:overview", pk=pathway.pk)
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("The decision has been recorded."))
                return redirect("consent:overview", pk=pathway.pk)
    else:
        services.log_overview_read(pathway, actor=request.user)
    if pathway.closed_on is not None:
        # Closed at discharge: consent can still be withdrawn, nothing else (the service refuses the rest).
        cast(forms.ChoiceField, form.fields["decision"]).choices = [(Decision.WITHDRAWN, Decision.WITHDRAWN.label)]
    return render(
        request,
        "consent/overview.html",
        {
            "pathway": pathway, "person": child, "data": data, "statuses": list(data.statuses.values()),
            "form": form, "errors": _error_items(form), "can_edit": can_edit(request.user, child),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(*READ_ROLES)
def refusal(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = queries.get_procedure(request.user, pk)
    pathway = procedure.pathway
    child = pathway.stay.person
    editable = can_edit(request.user, child)
    if request.method == "POST":
        check_can_edit(request.user, child)
    number = services.next_step(procedure)
    requirement = queries.requirement_for(child, queries.parent_links(child), timezone.localdate())
    child_12_to_15 = requirement.band == rules.FROM_12_TO_15
    may_record = editable and number is not None and (number != Step.DECIDE or services.may_decide(request.user))
    form = None
    current = None
    if may_record:
        initial = {"number": number, "version": procedure.version, "date": timezone.localdate()}
        form = StepForm(request.POST or None, initial=initial, step=number, child_12_to_15=child_12_to_15)  # type: ignore[arg-type]
    if request.method == "POST":
        posted_number, posted_version = _as_int(request.POST.get("number")), _as_int(request.POST.get("version"))
        if posted_number is not None and (posted_number != number or posted_version not in (None, procedure.version)):
            # Someone recorded a step after this page was opened: show it, keep the typed input.
            current = procedure
            form = _refreshed_form(request, procedure, number, may_record, child_12_to_15)
        elif form is None:
            # A finished plan, or step 4 by someone other than the behavioural scientist.
            if number is None:
                return redirect("consent:refusal", pk=procedure.pk)
            raise PermissionDenied
        elif form.is_valid():
            cleaned = form.cleaned_data
            try:
                services.do_record_step(
                    procedure, number=cleaned["number"], date=cleaned["date"], notes=cleaned["notes"],
                    serious_harm=cleaned.get("serious_harm", False), child_persists=cleaned.get("child_persists", False),
                    decision=cleaned.get("decision", ""), expected_version=cleaned["version"], actor=request.user,
                )
            except ConcurrentEditError:
                procedure = current = queries.get_procedure(request.user, pk)
                number = services.next_step(procedure)
                may_record = editable and number is not None and (number != Step.DECIDE or services.may_decide(request.user))
                form = _refreshed_form(request, procedure, number, may_record, child_12_to_15)
            except ValidationError as exc:
                if report_closed(request, exc):
                    return redirect("consent:refusal", pk=procedure.pk)
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("The step has been recorded."))
                return redirect("consent:refusal", pk=procedure.pk)
    else:
        services.log_procedure_read(procedure, actor=request.user)
    steps = list(procedure.steps.all())
    plan = [
        {"number": value, "label": label, "step": next((s for s in steps if s.number == value), None)}
        for value, label in Step.choices
    ]
    return render(
        request,
        "consent/refusal.html",
        {
            "procedure": procedure, "pathway": pathway, "person": child, "plan": plan, "steps": steps,
            "next_number": number, "next_label": Step(number).label if number else "", "form": form,
            "current": current, "errors": _error_items(form) if form is not None else [],
            "can_edit": editable, "child_12_to_15": child_12_to_15,
        },
    )


def _as_int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _refreshed_form(
    request: HttpRequest, procedure: Any, number: int | None, may_record: bool, child_12_to_15: bool
) -> StepForm | None:
    """After a concurrent step: the form for the step now due with the user's input, and the message."""
    message = str(ConcurrentEditError.message)
    if not may_record or number is None:
        messages.error(request, message)
        return None
    post = request.POST.copy()
    post["number"], post["version"] = str(number), str(procedure.version)
    form = StepForm(post, step=number, child_12_to_15=child_12_to_15)
    form.is_valid()
    form.add_error(None, message)
    return form
