"""Break-the-glass: request emergency access (workers) and review it (log administrator)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from veerkracht.accounts.decorators import role_required
from veerkracht.accounts.roles import CLIENT_ROLES, Role
from veerkracht.audit.models import Action
from veerkracht.audit.services import record

from . import queries, services


class EmergencyForm(forms.Form):
    client_number = forms.CharField(label=gettext_lazy("Client number"), max_length=32)
    reason = forms.CharField(
        label=gettext_lazy("Reason for emergency access"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Why must you open this record now? The log administrator reviews every emergency access."),
    )


class ReviewForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Review finding"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


@role_required(*CLIENT_ROLES)
def emergency_access(request: HttpRequest) -> HttpResponse:
    form = EmergencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = queries.emergency_candidate(request.user, form.cleaned_data["client_number"])
        if person is None:
            form.add_error("client_number", _("There is no client with this number in your organisation."))
        else:
            try:
                services.do_break_glass(person, reason=form.cleaned_data["reason"], actor=request.user)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.warning(request, _("Emergency access granted for a limited time. It is recorded and will be reviewed."))
                return redirect("clients:dossier", pk=person.pk)
    return render(request, "clients/emergency.html", {"form": form})


@role_required(Role.LOGBEHEERDER)
def emergency_reviews(request: HttpRequest) -> HttpResponse:
    page = Paginator(queries.emergency_accesses_for_review(request.user), 25).get_page(request.GET.get("page"))
    record(actor=request.user, action=Action.LOG_READ, object_type="clients.emergencyaccess", detail="review list")
    return render(request, "clients/emergency_reviews.html", {"page": page})


@role_required(Role.LOGBEHEERDER)
def emergency_review(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_object_or_404(queries.emergency_accesses_for_review(request.user), pk=pk)
    if request.method == "GET":
        record(actor=request.user, action=Action.LOG_READ, obj=access, client=access.person, detail="emergency access")
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_review_emergency_access(access, note=form.cleaned_data["note"], actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The emergency access has been reviewed and closed."))
            return redirect("clients:emergency_reviews")
    return render(request, "clients/emergency_review.html", {"access": access, "form": form})
