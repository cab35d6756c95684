"""The handover is read and exported, never changed here: both are audited (no content in the log)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from veerkracht.audit.models import Action
from veerkracht.audit.services import record
from veerkracht.pathway.models import Pathway

from .queries import HandoverData


class NoSharingConsent(PermissionDenied):
    """The handover leaves the organisation only with consent for sharing."""


class LocationInText(PermissionDenied):
    """A text in the handover names a shelter location or its address: no PDF is made."""


def log_handover_read(pathway: Pathway, *, actor: Any) -> None:
    record(actor=actor, action=Action.READ, obj=pathway, client=pathway.stay.person, detail="handover")


def export_handover(pathway: Pathway, data: HandoverData, *, actor: Any) -> bytes:
    """The handover PDF for a next care provider; refused without consent for sharing; logged as an export."""
    from veerkracht.core.pdf import render_pdf
    from veerkracht.organisations import secrecy

    if not data.sharing_consent:
        raise NoSharingConsent
    if secrecy.document_mentions_location(pathway, data):
        raise LocationInText
    from django.utils import translation

    made_by = actor.get_full_name() or actor.get_username()
    pdf = render_pdf("handover/pdf.html", {"data": data, "made_by": made_by,
                                           "doc": {"rtl": translation.get_language_bidi(), "draft": False}})
    record(actor=actor, action=Action.EXPORT, obj=pathway, client=pathway.stay.person, detail="handover pdf")
    return pdf
