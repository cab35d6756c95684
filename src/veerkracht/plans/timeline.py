"""Timeline entries of the help plan: made, adopted, each evaluation and each guidance contact
(three queries, no content: no goal texts, no notes)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from veerkracht.pathway.timeline import Entry

from .models import ContactKind, Evaluation, GuidanceContact, HelpPlan


def entries(person: Any) -> list[Entry]:
    result = []
    plans = HelpPlan.objects.filter(pathway__stay__person=person).values(
        "pathway_id", "created_at", "adopted_on", "next_evaluation_on").order_by("pathway_id")
    for row in plans:
        url = reverse("plans:plan", kwargs={"pk": row["pathway_id"]})
        result.append(Entry(date=timezone.localdate(row["created_at"]), kind="help_plan",
                            title=gettext("Help plan made"), url=url))
        if row["adopted_on"] is not None:
            result.append(Entry(date=row["adopted_on"], kind="help_plan_adopted", title=gettext("Help plan adopted"),
                                url=url))
    evaluations = Evaluation.objects.filter(plan__pathway__stay__person=person).values(
        "held_on", "plan__pathway_id").order_by("held_on", "pk")
    for row in evaluations:
        result.append(Entry(date=row["held_on"], kind="help_plan_evaluation", title=gettext("Help plan evaluated"),
                            url=reverse("plans:plan", kwargs={"pk": row["plan__pathway_id"]})))
    labels = dict(ContactKind.choices)
    contacts = GuidanceContact.objects.filter(pathway__stay__person=person).values(
        "date", "kind", "duration_minutes", "pathway_id").order_by("date", "pk")
    for row in contacts:
        result.append(Entry(
            date=row["date"], kind="guidance_contact",
            title=gettext("Guidance contact: %(kind)s") % {"kind": labels.get(row["kind"], row["kind"])},
            detail=gettext("%(minutes)d minutes") % {"minutes": row["duration_minutes"]},
            url=reverse("plans:contacts", kwargs={"pk": row["pathway_id"]}),
        ))
    return result
