"""Timeline entries of the safety plan: each revision saved and each adoption (one query, no content)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from veerkracht.pathway.timeline import Entry

from .models import SafetyPlanRevision


def entries(person: Any) -> list[Entry]:
    rows = (
        SafetyPlanRevision.objects.filter(plan__pathway__stay__person=person)
        .values("number", "created_at", "adopted_at", "review_date", "plan__pathway_id")
        .order_by("plan__pathway_id", "number")
    )
    result = []
    for row in rows:
        url = reverse("safety:plan", kwargs={"pk": row["plan__pathway_id"]})
        result.append(Entry(
            date=timezone.localdate(row["created_at"]), kind="safety_plan",
            title=gettext("Safety plan revision %(number)d saved") % {"number": row["number"]}, url=url,
        ))
        if row["adopted_at"] is not None:
            if row["review_date"] is not None:
                title = gettext("Safety plan adopted, review on %(date)s") % {
                    "date": row["review_date"].strftime("%d-%m-%Y")}
            else:
                title = gettext("Safety plan adopted")
            result.append(Entry(date=timezone.localdate(row["adopted_at"]), kind="safety_plan_adopted",
                                title=title, detail=gettext("Revision %(number)s") % {"number": row["number"]},
                                url=url))
    return result
