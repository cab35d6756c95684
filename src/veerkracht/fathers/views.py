"""Father-contact pages: thin views over fathers.queries (reads) and fathers.services (writes).

None of these pages shows anything about the shelter location (name or address): the father's
contact details must never appear together with it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from veerkracht.accounts.decorators import role_required
from veerkracht.accounts.roles import REGISTERING_ROLES, Role
from veerkracht.clients.views import _error_items
from veerkracht.core.concurrency import ConcurrentEditError
from veerkracht.pathway import records
from veerkracht.pathway.queries import get_pathway
from veerkracht.pathway.services import EDITING_ROLES, can_edit

from . import queries, services
from .forms import AttemptForm, ContactForm, OverrideForm, StartForm
from .models import FatherContact


def _overview_context(request: HttpRequest, pathway: Any) -> dict[str, Any]:
    child = pathway.stay.person
    return {
        "pathway": pathway, "person": child, "rows": queries.overview(pathway),
        "activity": records.activity_for(pathway, records.FATHER_CONTACT),
        "can_change_family": getattr(request.user, "role", "") in REGISTERING_ROLES,
        "can_edit": can_edit(request.user, child),
    }


@require_http_methods(["GET"])
@role_required(*EDITING_ROLES)
def overview(request: HttpRequest, pk: int) -> HttpResponse:
    pathway = get_pathway(request.user, pk)
    services.log_overview_read(pathway, actor=request.user)
    context = _overview_context(request, pathway)
    context.update({"form": None, "errors": []})
    return render(request, "fathers/overview.html", context)


@require_http_methods(["GET", "POST"])
@role_required(*EDITING_ROLES)
def start(request: HttpRequest, pk: int) -> HttpResponse:
    pathway = get_pathway(request.user, pk)
    if request.method != "POST":
        return redirect("fathers:overview", pk=pathway.pk)
    context = _overview_context(request, pathway)
    form = StartForm(request.POST, father_ids=[row.link.parent_id for row in context["rows"]])
    if form.is_valid():
        try:
            contact = services.do_start_contact(pathway, form.cleaned_data["father"], actor=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            return redirect("fathers:contact", pk=contact.pk)
    context.update({"form": form, "errors": _error_items(form)})
    return render(request, "fathers/overview.html", context)


def _changes(data: dict[str, Any]) -> services.ContactChanges:
    return services.ContactChanges(
        **{name: data.get(name) if data.get(name) is not None else default
           for name, default in services.ContactChanges().__dict__.items()}
    )


def _initial(contact: FatherContact) -> dict[str, Any]:
    initial = {name: getattr(contact, name) for name in services.EDITABLE_FIELDS}
    initial["assessed_by"] = contact.assessed_by_id
    initial["version"] = contact.version
    return initial


def _page(request: HttpRequest, contact: FatherContact, **extra: Any) -> dict[str, Any]:
    person = contact.pathway.stay.person
    return {
        "contact": contact, "pathway": contact.pathway, "person": person, "father": contact.father,
        "link": queries.link_of(contact), "attempts": queries.attempts_of(contact),
        "can_grant": services.can_grant_override(request.user, person),
        "can_change_family": getattr(request.user, "role", "") in REGISTERING_ROLES,
        **extra,
    }


@require_http_methods(["GET", "POST"])
@role_required(*EDITING_ROLES)
def contact(request: HttpRequest, pk: int) -> HttpResponse:
    record = queries.get_contact(request.user, pk)
    completes = records.completes_activity(record.pathway, records.FATHER_CONTACT)
    current = None
    if request.method == "POST":
        form = ContactForm(request.POST, user=request.user, completes=completes)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.do_update_contact(
                    record, _changes(data), completed_on=data.get("completed_on"),
                    expected_version=data["version"], actor=request.user,
                )
            except ConcurrentEditError as exc:
                current = queries.get_contact(request.user, pk)
                post = request.POST.copy()
                post["version"] = str(current.version)
                form = ContactForm(post, user=request.user, completes=completes)
                form.is_valid()
                form.add_error(None, str(exc.message))
                record = current
            except ValidationError as exc:
                record = queries.get_contact(request.user, pk)
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("The contact with the father has been saved."))
                return redirect("fathers:contact", pk=record.pk)
    else:
        services.log_contact_read(record, actor=request.user)
        form = ContactForm(initial=_initial(record), user=request.user, completes=completes)
    return render(request, "fathers/contact.html",
                  _page(request, record, form=form, current=current, errors=_error_items(form)))


@require_http_methods(["GET", "POST"])
@role_required(*EDITING_ROLES)
def attempt(request: HttpRequest, pk: int) -> HttpResponse:
    record = queries.get_contact(request.user, pk)
    if request.method == "POST":
        form = AttemptForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.do_add_attempt(record, date=data["date"], way=data["way"], result=data["result"],
                                        notes=data["notes"], actor=request.user)
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("The contact attempt has been recorded."))
                return redirect("fathers:contact", pk=record.pk)
    else:
        form = AttemptForm()
    return render(request, "fathers/attempt.html",
                  _page(request, record, form=form, errors=_error_items(form)))


@require_http_methods(["GET", "POST"])
@role_required(Role.GEDRAGSWETENSCHAPPER)
def override(request: HttpRequest, pk: int) -> HttpResponse:
    record = queries.get_contact(request.user, pk)
    if request.method == "POST":
        form = OverrideForm(request.POST)
        if form.is_valid():
            try:
                services.do_grant_override(record, reason=form.cleaned_data["reason"],
                                           expected_version=form.cleaned_data["version"], actor=request.user)
            except ConcurrentEditError as exc:
                record = queries.get_contact(request.user, pk)
                post = request.POST.copy()
                post["version"] = str(record.version)
                form = OverrideForm(post)
                form.is_valid()
                form.add_error(None, str(exc.message))
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("The exception to the contact ban has been recorded."))
                return redirect("fathers:contact", pk=record.pk)
    else:
        form = OverrideForm(initial={"version": record.version})
    return render(request, "fathers/override.html",
                  _page(request, record, form=form, errors=_error_items(form)))
