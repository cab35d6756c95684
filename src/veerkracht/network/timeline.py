"""Timeline entry of the network: 'network mapped' per pathway, with the number of members (one query)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from veerkracht.pathway.timeline import Entry

from .models import NetworkMember


def entries(person: Any) -> list[Entry]:
    rows = (
        NetworkMember.objects.filter(pathway__stay__person=person)
        .values("pathway_id")
        .annotate(first=Min("created_at"), count=Count("pk"))
        .order_by("pathway_id")
    )
    result = []
    for row in rows:
        count = row["count"]
        result.append(Entry(
            date=timezone.localdate(row["first"]), kind="network",
            title=gettext("Network mapped"),
            detail=ngettext("%(count)d member", "%(count)d members", count) % {"count": count},
            url=reverse("network:overview", kwargs={"pk": row["pathway_id"]}),
        ))
    return result
