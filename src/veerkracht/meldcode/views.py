"""Meldcode screens: thin views over meldcode.queries (reads) and meldcode.services (writes)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from veerkracht.accounts.decorators import role_required
from veerkracht.accounts.roles import CLIENT_ROLES
from veerkracht.clients.queries import get_person
from veerkracht.clients.views import _error_items
from veerkracht.pathway.services import EDITING_ROLES, can_edit

from . import queries, services
from .forms import StartForm, StepForm
from .models import QUESTIONS, SIGNALS, STEP_DESCRIPTIONS, STEP_NAMES


def _child(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    person = get_person(request.user, pk)
    if not person.is_child:
        raise Http404
    return person


def _steps_overview() -> list[dict[str, object]]:
    return [{"number": n, "name": STEP_NAMES[n], "description": STEP_DESCRIPTIONS[n]} for n in STEP_NAMES]


@require_http_methods(["GET", "POST"])
@role_required(*CLIENT_ROLES)
def track(request: HttpRequest, pk: int) -> HttpResponse:
    person = _child(request, pk)
    tracks = queries.tracks_of(person)
    current = queries.open_track(tracks)
    number = None
    if current is not None:
        taken = [s.number for s in current.steps.all()]
        number = (max(taken) + 1) if taken and max(taken) < 5 else None
    may_take = number is not None and services.may_take_step(request.user, person, number)
    form = None
    if request.method == "POST":
        if current is None or number is None:
            messages.error(request, _("This child has no open Meldcode track."))
            return redirect("meldcode:track", pk=person.pk)
        if not may_take:
            raise PermissionDenied
        form = StepForm(request.POST, number=number)
        if form.is_valid():
            try:
                services.do_take_step(current, actor=request.user, **form.service_kwargs())
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Step %(number)s of the Meldcode has been recorded.") % {"number": number})
                return redirect("meldcode:track", pk=person.pk)
    else:
        services.log_tracks_read(person, actor=request.user, count=len(tracks))
        if may_take:
            form = StepForm(number=number)
    return render(request, "meldcode/track.html", {
        "person": person,
        "tracks": tracks,
        "open_track": current,
        "next_number": number,
        "next_name": STEP_NAMES.get(number) if number else "",
        "next_description": STEP_DESCRIPTIONS.get(number) if number else "",
        "form": form,
        "may_take": may_take,
        "can_start": current is None and can_edit(request.user, person),
        "steps_overview": _steps_overview(),
        "questions": [label for _field, label in QUESTIONS],
        "errors": _error_items(form) if form is not None else [],
        "signals_step": SIGNALS,
    })


@require_http_methods(["GET", "POST"])
@role_required(*EDITING_ROLES)
def start(request: HttpRequest, pk: int) -> HttpResponse:
    person = _child(request, pk)
    if not can_edit(request.user, person):
        raise PermissionDenied
    has_open = queries.visible_tracks(request.user).filter(person=person, closed_on__isnull=True).exists()
    if request.method == "POST":
        form = StartForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.do_start_track(
                    person, signals=data["signals"], source=data["source"], started_on=data["started_on"],
                    actor=request.user,
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("The Meldcode track has been started with step 1."))
                return redirect("meldcode:track", pk=person.pk)
    else:
        form = StartForm()
    return render(request, "meldcode/start.html", {
        "person": person, "form": form, "has_open": has_open, "errors": _error_items(form),
    })
