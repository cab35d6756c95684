"""Reading referrals: always through the pathway scoping (out of scope is 404)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Case, Count, IntegerField, Prefetch, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from veerkracht.pathway.models import Pathway
from veerkracht.pathway.queries import get_pathway, visible_pathways  # noqa: F401 (the scoped read of a pathway)

from .models import Referral, ReferralEvent, ReferralStatus


def _events() -> Prefetch:
    return Prefetch("events", queryset=ReferralEvent.objects.select_related("created_by").order_by("on", "pk"))


def _open_first() -> Case:
    return Case(When(status=ReferralStatus.CLOSED, then=Value(1)), default=Value(0), output_field=IntegerField())


def get_referral(user: Any, pk: Any) -> Referral:
    """A referral of a child the user may see (else 404), with its pathway, child and stay."""
    return get_object_or_404(
        Referral.objects.filter(pathway__in=visible_pathways(user)).select_related(
            "pathway__methodology", "pathway__stay__person__household", "pathway__stay__location", "created_by",
        ).defer("pathway__stay__location__address"),
        pk=pk,
    )


def referrals_of(pathway: Pathway) -> QuerySet[Referral]:
    """The pathway's referrals, open ones first, newest first, with their history (two queries)."""
    return (
        pathway.referrals.select_related("created_by").prefetch_related(_events())
        .annotate(closed_last=_open_first()).order_by("closed_last", "-sent_on", "-pk")
    )


def open_referrals(pathway: Pathway) -> QuerySet[Referral]:
    """The referrals still open (declined ones too, until someone closes them)."""
    return pathway.referrals.exclude(status=ReferralStatus.CLOSED).order_by("-sent_on", "-pk")


def events_of(referral: Referral) -> QuerySet[ReferralEvent]:
    return referral.events.select_related("created_by").order_by("on", "pk")


def open_referral_counts(pathways: Iterable[Any] | QuerySet[Pathway]) -> dict[int, int]:
    """{pathway id: number of open referrals} for these pathways (one aggregate query); a pathway
    without open referrals is missing from the result."""
    if not isinstance(pathways, QuerySet):
        pathways = [getattr(p, "pk", p) for p in pathways]
    rows = (
        Referral.objects.filter(pathway__in=pathways).exclude(status=ReferralStatus.CLOSED)
        .values("pathway_id").annotate(n=Count("pk")).order_by()
    )
    return {row["pathway_id"]: row["n"] for row in rows}
