"""Reading safety plans: always through the pathway scoping (out of scope is 404)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from veerkracht.pathway.models import Pathway
from veerkracht.pathway.queries import get_pathway  # noqa: F401 (the scoped read of a plan's pathway)

from .models import CONTENT_FIELDS, SafetyPlan, SafetyPlanRevision


def plan_of(pathway: Pathway) -> SafetyPlan | None:
    """The pathway's plan with its adopted revision (one query), or None before the first save."""
    return (
        SafetyPlan.objects.filter(pathway=pathway)
        .select_related("adopted_revision", "adopted_revision__adopted_by")
        .first()
    )


def revisions_of(plan: SafetyPlan) -> QuerySet[SafetyPlanRevision]:
    """The plan's revisions, newest first, without their (encrypted) content."""
    return (
        plan.revisions.select_related("created_by", "adopted_by")
        .only("pk", "plan_id", "number", "status", "created_at", "adopted_at", "review_date",
              "created_by__first_name", "created_by__last_name", "created_by__username",
              "adopted_by__first_name", "adopted_by__last_name", "adopted_by__username")
        .order_by("-number")
    )


def revisions_by_number(plan: SafetyPlan, numbers: list[int]) -> dict[int, SafetyPlanRevision]:
    """Some revisions with their content, by number (one query)."""
    return {r.number: r for r in plan.revisions.filter(number__in=numbers)}


def latest_revision(plan: SafetyPlan | None) -> SafetyPlanRevision | None:
    if plan is None:
        return None
    return plan.revisions.select_related("created_by").order_by("-number").first()


@dataclass(frozen=True)
class Row:
    name: str
    label: str
    a: str
    b: str
    changed: bool


def compare(rev_a: SafetyPlanRevision | None, rev_b: SafetyPlanRevision | None) -> list[Row]:
    """Every content field side by side: (label, text in a, text in b, changed). No queries."""
    rows = []
    for name, label in CONTENT_FIELDS:
        a = getattr(rev_a, name) if rev_a is not None else ""
        b = getattr(rev_b, name) if rev_b is not None else ""
        rows.append(Row(name=name, label=str(label), a=a or "", b=b or "", changed=(a or "") != (b or "")))
    return rows


def safe_persons(pathway: Pathway) -> list[Any]:
    """The network members marked as safe person for this child (one query)."""
    from veerkracht.network.models import NetworkMember

    return list(NetworkMember.objects.filter(pathway=pathway, safe_person=True).only("pk", "name", "role", "reach")
                .order_by("pk"))
