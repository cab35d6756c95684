"""Reading family records: always through the pathway scoping (out of scope is 404)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from veerkracht.pathway.models import Pathway, PathwayActivity
from veerkracht.pathway.queries import visible_pathways
from veerkracht.pathway.records import RECORD_KINDS, records_for_activity

from .models import ParentingAssessment, ParentSupportItem


def get_support_item(user: Any, pk: Any) -> ParentSupportItem:
    return get_object_or_404(
        ParentSupportItem.objects.filter(pathway__in=visible_pathways(user)).select_related(
            "parent", "pathway__methodology", "pathway__stay__person__household", "pathway__stay__location"
        ).defer("pathway__stay__location__address"),
        pk=pk,
    )


def assessment_of(pathway: Pathway) -> ParentingAssessment | None:
    return ParentingAssessment.objects.filter(pathway=pathway).select_related("parent").first()


def support_items_of(pathway: Pathway) -> QuerySet[ParentSupportItem]:
    """Newest first, with their parents (one query)."""
    return pathway.parent_support_items.select_related("parent").order_by("-date", "-pk")


def activity_state(pathway: Pathway, kind: str) -> tuple[PathwayActivity | None, bool]:
    """The activity this record serves and whether the record alone completes it (one query)."""
    codes = RECORD_KINDS[kind].activity_codes
    activity = (
        PathwayActivity.objects.select_related("definition")
        .filter(pathway=pathway, definition__code__in=codes)
        .order_by("definition__order")
        .first()
    )
    if activity is None:
        return None, False
    return activity, len(records_for_activity(activity.definition.code)) == 1
