"""The log viewer for the log administrator (logbeheerder). Reading the log is itself logged."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .forms import LogFilterForm
from .models import Action, AuditEvent
from .services import record

LOG_ROLE = "logbeheerder"  # the audit app knows no domain app; the role name is its contract


def log_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if getattr(user, "audit_role", "") != LOG_ROLE or getattr(user, "audit_organisation_id", None) is None:
        raise PermissionDenied
    form = LogFilterForm(request.GET or None)
    events = AuditEvent.objects.filter(organisation_id=user.audit_organisation_id).order_by("-id")  # type: ignore[union-attr]
    filters: dict[str, str] = {}
    if form.is_valid():
        data = form.cleaned_data
        if data["client_number"]:
            events = events.filter(client_number__iexact=data["client_number"].strip())
            filters["client"] = data["client_number"].strip()
        if data["username"]:
            events = events.filter(username__iexact=data["username"].strip())
            filters["user"] = data["username"].strip()
        if data["action"]:
            events = events.filter(action=data["action"])
            filters["action"] = data["action"]
        tz = timezone.get_current_timezone()
        if data["date_from"]:
            events = events.filter(timestamp__gte=datetime.datetime.combine(data["date_from"], datetime.time.min, tz))
            filters["from"] = data["date_from"].isoformat()
        if data["date_to"]:
            end = datetime.datetime.combine(data["date_to"] + datetime.timedelta(days=1), datetime.time.min, tz)
            events = events.filter(timestamp__lt=end)
            filters["to"] = data["date_to"].isoformat()
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    record(
        actor=user,
        action=Action.LOG_READ,
        object_type="audit.auditevent",
        detail=";".join(f"{k}={v}" for k, v in sorted(filters.items()))[:200],
    )
    return render(request, "audit/log.html", {"form": form, "page": page})
