"""Reading network members: always through the pathway scoping (out of scope is 404)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from veerkracht.pathway.models import Pathway
from veerkracht.pathway.queries import visible_pathways

from .models import NetworkMember


def get_member(user: Any, pk: Any) -> NetworkMember:
    return get_object_or_404(
        NetworkMember.objects.filter(pathway__in=visible_pathways(user)).select_related(
            "pathway__methodology", "pathway__stay__person__household", "pathway__stay__location"
        ).defer("pathway__stay__location__address"),
        pk=pk,
    )


def members_of(pathway: Pathway) -> QuerySet[NetworkMember]:
    return pathway.network_members.order_by("pk")
