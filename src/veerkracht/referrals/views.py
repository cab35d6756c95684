"""A child's referrals: the list with a form to add one, and a referral's page with its history and
the next step. Thin views: parse, call a query or a service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from veerkracht.accounts.decorators import role_required
from veerkracht.clients.views import _error_items
from veerkracht.core.concurrency import ConcurrentEditError
from veerkracht.pathway.queries import get_pathway
from veerkracht.pathway.services import EDITING_ROLES
from veerkracht.pathway.view_helpers import (
    add_form_errors,
    int_or_none,
    pathway_closed_message,
    report_closed,
)

from . import queries, services
from .followups import follow_up_date
from .forms import ReferralForm, StatusForm


@require_http_methods(["GET", "POST"])
@role_required(*EDITING_ROLES)
def referral_list(request: HttpRequest, pk: int) -> HttpResponse:
    pathway = get_pathway(request.user, pk)
    child = pathway.stay.person
    form = ReferralForm()
    if request.method == "POST":
        if pathway.closed_on is not None:
            pathway_closed_message(request)
            return redirect("referrals:list", pk=pathway.pk)
        form = ReferralForm(request.POST)
        if form.is_valid():
            try:
                services.do_create_referral(pathway, actor=request.user, **form.referral_fields())
            except ValidationError as exc:
                if report_closed(request, exc):
                    return redirect("referrals:list", pk=pathway.pk)
                add_form_errors(form, exc)
            else:
                messages.success(request, _("The referral has been saved."))
                return redirect("referrals:list", pk=pathway.pk)
    else:
        services.log_referral_read(pathway, actor=request.user)
    referrals = list(queries.referrals_of(pathway))
    return render(request, "referrals/list.html", {
        "pathway": pathway, "person": child, "form": form, "errors": _error_items(form),
        "open_referrals": [r for r in referrals if r.is_open],
        "closed_referrals": [r for r in referrals if not r.is_open],
    })


@require_http_methods(["GET", "POST"])
@role_required(*EDITING_ROLES)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = queries.get_referral(request.user, pk)
    pathway = referral.pathway
    child = pathway.stay.person
    events = list(queries.events_of(referral))
    seen = events[-1].pk if events else 0
    form = StatusForm(initial={"version": referral.version, "seen": seen}, referral=referral)
    meanwhile: list[Any] = []

    def stale(message: str) -> StatusForm:
        """Someone changed the referral meanwhile: show what, keep the input, offer the current steps."""
        meanwhile.extend(e for e in events if e.pk > (int_or_none(request.POST.get("seen")) or 0))
        post = request.POST.copy()
        post["version"], post["seen"] = str(referral.version), str(seen)
        stale_form = StatusForm(post, referral=referral)
        stale_form.is_valid()
        stale_form.add_error(None, message)
        return stale_form

    if request.method == "POST":
        posted_version = int_or_none(request.POST.get("version"))
        if not referral.is_open:
            messages.error(request, _("This referral is closed and can no longer be changed."))
            return redirect("referrals:detail", pk=referral.pk)
        if posted_version is not None and posted_version != referral.version:
            form = stale(str(ConcurrentEditError.message))
        else:
            form = StatusForm(request.POST, referral=referral)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    services.do_change_referral_status(
                        referral, status=data["status"], on=data["on"], note=data["note"],
                        closing_reason=data["closing_reason"] or "", expected_version=data["version"],
                        actor=request.user)
                except ConcurrentEditError as exc:
                    referral = queries.get_referral(request.user, pk)
                    events = list(queries.events_of(referral))
                    seen = events[-1].pk if events else 0
                    form = stale(str(exc.message))
                except ValidationError as exc:
                    if report_closed(request, exc):
                        return redirect("referrals:detail", pk=referral.pk)
                    add_form_errors(form, exc)
                else:
                    messages.success(request, _("The status of the referral has been saved."))
                    return redirect("referrals:detail", pk=referral.pk)
    else:
        services.log_referral_read(pathway, actor=request.user, what="referral", obj=referral)
    return render(request, "referrals/detail.html", {
        "pathway": pathway, "person": child, "referral": referral, "events": events, "form": form,
        "meanwhile": meanwhile, "follow_up_date": follow_up_date(referral) if referral.is_open else None,
        "errors": _error_items(form),
    })
