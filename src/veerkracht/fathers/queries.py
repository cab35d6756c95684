"""Reading father-contact records: always through the pathway scoping (out of scope is 404)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from veerkracht.clients.models import ParentChild
from veerkracht.pathway.models import Pathway
from veerkracht.pathway.queries import visible_pathways

from .models import AttemptResult, ContactAttempt, FatherContact
from .services import fathers_of


def visible_contacts(user: Any) -> QuerySet[FatherContact]:
    return FatherContact.objects.filter(pathway__in=visible_pathways(user))


def get_contact(user: Any, pk: Any) -> FatherContact:
    """A record of a child the user may see (else 404). The location is never loaded."""
    return get_object_or_404(
        visible_contacts(user).select_related(
            "pathway__stay__person__household", "pathway__methodology", "father", "assessed_by",
            "override_granted_by",
        ),
        pk=pk,
    )


def attempts_of(contact: FatherContact) -> list[ContactAttempt]:
    return list(contact.attempts.select_related("recorded_by").order_by("-date", "-pk"))


def link_of(contact: FatherContact) -> ParentChild | None:
    """The father's relation to the child (relationship and parental authority)."""
    return ParentChild.objects.filter(parent_id=contact.father_id, child_id=contact.pathway.stay.person_id).first()


@dataclass
class FatherRow:
    link: ParentChild
    contact: FatherContact | None

    @property
    def father(self) -> Any:
        return self.link.parent


def overview(pathway: Pathway) -> list[FatherRow]:
    """Per father of the child: the relation and the record (if started), in two queries."""
    links = fathers_of(pathway.stay.person)
    contacts = {
        c.father_id: c
        for c in FatherContact.objects.filter(pathway=pathway)
        .defer("how_to_reach", "assessment_notes", "father_view", "agreements", "no_contact_other", "override_reason")
        .annotate(
            attempt_count=Count("attempts"),
            reached_count=Count("attempts", filter=Q(attempts__result=AttemptResult.REACHED)),
        )
    }
    return [FatherRow(link=link, contact=contacts.get(link.parent_id)) for link in links]
