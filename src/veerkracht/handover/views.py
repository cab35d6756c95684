"""Handover at discharge (overdracht): a preview on screen and the PDF for the next care provider."""

from __future__ import annotations

import time

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from veerkracht.accounts.decorators import role_required
from veerkracht.organisations import secrecy
from veerkracht.pathway.queries import get_pathway
from veerkracht.pathway.services import EDITING_ROLES

from . import queries, services


@require_GET
@role_required(*EDITING_ROLES)
def overview(request: HttpRequest, pk: int) -> HttpResponse:
    pathway = get_pathway(request.user, pk)
    data = queries.handover_data(pathway)
    services.log_handover_read(pathway, actor=request.user)
    return render(request, "handover/overview.html", {"data": data, "pathway": pathway, "person": pathway.stay.person})


@require_GET
@role_required(*EDITING_ROLES)
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    pathway = get_pathway(request.user, pk)
    data = queries.handover_data(pathway)
    started = time.perf_counter()
    try:
        document = services.export_handover(pathway, data, actor=request.user)
    except services.NoSharingConsent:
        messages.error(request, _("The handover can only be made when consent for sharing information with a "
                                  "next care provider has been recorded."))
        return redirect("handover:overview", pk=pathway.pk)
    except services.LocationInText:
        messages.error(request, str(secrecy.DOCUMENT_REFUSED))
        return redirect("handover:overview", pk=pathway.pk)
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="overdracht-{pathway.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    response["Server-Timing"] = f"pdf;dur={(time.perf_counter() - started) * 1000:.0f}"
    return response
