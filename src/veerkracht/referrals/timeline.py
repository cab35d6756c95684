"""Timeline entries of referrals: each referral sent and each status change (one query, no content)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext

from veerkracht.pathway.timeline import Entry

from .models import ClosingReason, ReferralEvent, ReferralKind, ReferralStatus


def entries(person: Any) -> list[Entry]:
    rows = (
        ReferralEvent.objects.filter(referral__pathway__stay__person=person)
        .values("status", "on", "referral_id", "referral__kind", "referral__other_kind", "referral__closing_reason")
        .order_by("referral_id", "on", "pk")
    )
    result = []
    for row in rows:
        if row["referral__kind"] == ReferralKind.OTHER and row["referral__other_kind"]:
            kind = row["referral__other_kind"]
        else:
            kind = str(ReferralKind(row["referral__kind"]).label)
        url = reverse("referrals:detail", kwargs={"pk": row["referral_id"]})
        status = row["status"]
        detail = ""
        if status == ReferralStatus.SENT:
            title = gettext("Referral to %(kind)s sent") % {"kind": kind}
            entry_kind = "referral"
        else:
            title = gettext("Referral to %(kind)s: %(status)s") % {"kind": kind, "status": ReferralStatus(status).label}
            entry_kind = "referral_status"
            if status == ReferralStatus.CLOSED and row["referral__closing_reason"]:
                detail = str(ClosingReason(row["referral__closing_reason"]).label)
        result.append(Entry(date=row["on"], kind=entry_kind, title=title, detail=detail, url=url))
    return result
