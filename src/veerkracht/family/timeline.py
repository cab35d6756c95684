"""Timeline entries of the family records (a bounded number of queries per child)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from veerkracht.pathway.timeline import Entry

from .models import ParentingAssessment, ParentSupportItem, SupportKind


def entries(person: Any) -> list[Entry]:
    result = []
    for pathway_id, date in ParentingAssessment.objects.filter(pathway__stay__person=person).values_list(
        "pathway_id", "conversation_date"
    ):
        result.append(Entry(date=date, kind="parenting", title=_("Parenting conversation"),
                            url=reverse("family:parenting", kwargs={"pk": pathway_id})))
    for item in ParentSupportItem.objects.filter(pathway__stay__person=person).only(
        "pk", "pathway_id", "kind", "date", "referral_status", "participated"
    ):
        if item.kind == SupportKind.REFERRAL:
            detail = _("Status: %(status)s") % {"status": item.get_referral_status_display()}
        elif item.kind == SupportKind.SESSION:
            detail = _("participated") if item.participated else _("did not participate")
        else:
            detail = ""
        result.append(Entry(date=item.date, kind="parent_support",
                            title=_("Parent support: %(kind)s") % {"kind": item.get_kind_display()},
                            detail=str(detail), url=reverse("family:support_item", kwargs={"pk": item.pk})))
    return result
