"""Privacy screens: the "who accessed this child's record" report (log administrator),
subject-access exports and erasure requests (team leader, behavioural scientist)."""

from __future__ import annotations

import time
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from veerkracht.accounts.decorators import role_required
from veerkracht.accounts.roles import Role
from veerkracht.clients import queries as client_queries
from veerkracht.core.pdf import render_pdf

from . import forms, queries, services, subject_access
from .models import ErasureStatus

REPORT_PAGE_SIZE = 100
PRIVACY_ROLES = (Role.TEAMLEIDER, Role.GEDRAGSWETENSCHAPPER)


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


# --- who accessed this child's record (NEN 7513) -------------------------------------------------
@require_GET
@role_required(Role.LOGBEHEERDER)
def access_report(request: HttpRequest) -> HttpResponse:
    form = forms.AccessReportForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "person": None, "not_found": False}
    if form.is_valid():
        data = form.cleaned_data
        person = queries.find_person_for_log(request.user, data["client_number"])
        if person is None:
            context["not_found"] = True
        else:
            events = queries.access_events(person, date_from=data["date_from"], date_to=data["date_to"])
            page = Paginator(events, REPORT_PAGE_SIZE).get_page(request.GET.get("page"))
            services.log_access_report(person, actor=request.user, pdf=False)
            period = {k: v for k, v in (("date_from", data["date_from"]), ("date_to", data["date_to"])) if v}
            context.update(
                person=person,
                page=page,
                rows=queries.access_rows(page.object_list),
                period_query="&".join(f"{k}={v.isoformat()}" for k, v in period.items()),
                date_from=data["date_from"],
                date_to=data["date_to"],
            )
    return render(request, "privacy/access_report.html", context)


@require_GET
@role_required(Role.LOGBEHEERDER)
def access_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    person = queries.get_person_for_log(request.user, pk)
    period = forms.PeriodForm(request.GET)
    date_from = date_to = None
    if period.is_valid():
        date_from, date_to = period.cleaned_data["date_from"], period.cleaned_data["date_to"]
    rows = queries.access_rows(queries.access_events(person, date_from=date_from, date_to=date_to))
    services.log_access_report(person, actor=request.user, pdf=True)
    pdf = render_pdf(
        "privacy/access_report_pdf.html",
        {
            "person": person,
            "rows": rows,
            "date_from": date_from or (rows[0].timestamp if rows else None),
            "date_to": date_to or timezone.localtime(),
            "generated_at": timezone.localtime(),
        },
        request=request,
    )
    return _pdf_response(pdf, f"access-report-{person.client_number}.pdf")


# --- one client's privacy page: subject access and erasure ----------------------------------------
@require_GET
@role_required(*PRIVACY_ROLES)
def client_privacy(request: HttpRequest, pk: int) -> HttpResponse:
    person = client_queries.get_person(request.user, pk)
    services.log_privacy_page(person, actor=request.user)
    requests_ = queries.erasure_requests(request.user).filter(person=person)
    return render(
        request,
        "privacy/client.html",
        {
            "person": person,
            "requests": requests_,
            "can_request": request.user.role == Role.TEAMLEIDER,  # type: ignore[union-attr]
            "anonymised": hasattr(person, "anonymisation"),
        },
    )


@require_GET
@role_required(*PRIVACY_ROLES)
def subject_access_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    person = client_queries.get_person(request.user, pk)
    data = subject_access.subject_access_data(person)
    services.log_subject_access(person, actor=request.user, fmt="pdf")
    started = time.perf_counter()
    pdf = render_pdf("privacy/subject_access_pdf.html", {"data": data}, request=request)
    response = _pdf_response(pdf, f"subject-access-{person.client_number}.pdf")
    response["Server-Timing"] = f"pdf;dur={(time.perf_counter() - started) * 1000:.0f}"
    return response


@require_GET
@role_required(*PRIVACY_ROLES)
def subject_access_json(request: HttpRequest, pk: int) -> HttpResponse:
    person = client_queries.get_person(request.user, pk)
    data = subject_access.subject_access_data(person)
    services.log_subject_access(person, actor=request.user, fmt="json")
    response = HttpResponse(subject_access.to_json(data).encode("utf-8"), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="subject-access-{person.client_number}.json"'
    response["Cache-Control"] = "no-store"
    return response


# --- erasure requests (AVG art. 17) ----------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@role_required(Role.TEAMLEIDER)
def erasure_request_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = client_queries.get_person(request.user, pk)
    form = forms.ErasureRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_request_erasure(person, reason=form.cleaned_data["reason"], actor=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The erasure request is filed. A second person must now decide on it."))
            return redirect("privacy:erasure_requests")
    return render(request, "privacy/erasure_request_form.html", {"person": person, "form": form})


@require_GET
@role_required(*PRIVACY_ROLES)
def erasure_requests(request: HttpRequest) -> HttpResponse:
    qs = queries.erasure_requests(request.user)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "privacy/erasure_requests.html", {"page": page, "REQUESTED": ErasureStatus.REQUESTED})


@require_http_methods(["GET", "POST"])
@role_required(*PRIVACY_ROLES)
def erasure_decide(request: HttpRequest, pk: int) -> HttpResponse:
    erasure = queries.get_erasure_request(request.user, pk)
    own_request = erasure.requested_by_id == request.user.pk
    form = forms.ErasureDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_decide_erasure(
                erasure,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            if form.cleaned_data["decision"] == "approve":
                messages.success(request, _("The request is approved and the client's data have been anonymised."))
            else:
                messages.success(request, _("The request is rejected. The decision note is kept with it."))
            return redirect("privacy:erasure_requests")
    return render(
        request,
        "privacy/erasure_decide.html",
        {"erasure": erasure, "form": form, "own_request": own_request, "REQUESTED": ErasureStatus.REQUESTED},
    )
