"""Privacy reads.

The log administrator does not see dossiers (least privilege), so the access report
finds a child by client number within the administrator's own organisation here,
not through clients.queries.visible_persons. Everyone else reads clients through
clients.queries (scope, 404 out of scope).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from veerkracht.accounts.roles import Role
from veerkracht.audit.models import Action, AuditEvent, Outcome
from veerkracht.clients.models import Person
from veerkracht.organisations.models import Organisation

from .models import ErasureRequest


def _own_organisation_id(user: Any) -> int | None:
    if user is None or not user.is_authenticated:
        return None
    membership = user.membership_or_none
    return membership.organisation_id if membership else None


def _log_organisation_id(user: Any) -> int:
    if getattr(user, "role", "") != Role.LOGBEHEERDER or _own_organisation_id(user) is None:
        raise Http404
    return _own_organisation_id(user)  # type: ignore[return-value]


def find_person_for_log(user: Any, client_number: str) -> Person | None:
    """The person with this client number in the log administrator's own organisation."""
    org_id = _log_organisation_id(user)
    return (
        Person.objects.filter(organisation_id=org_id, client_number=client_number.strip())
        .only("id", "first_name", "last_name", "birth_date", "client_number", "organisation_id", "kind")
        .first()
    )


def get_person_for_log(user: Any, pk: Any) -> Person:
    org_id = _log_organisation_id(user)
    return get_object_or_404(
        Person.objects.only("id", "first_name", "last_name", "birth_date", "client_number", "organisation_id", "kind"),
        organisation_id=org_id,
        pk=pk,
    )


@dataclass
class AccessRow:
    timestamp: datetime.datetime
    user_name: str
    role: str
    organisation: str
    action: str
    what: str
    outcome: str
    on_behalf_of: str


def _period_filter(qs: QuerySet[AuditEvent], date_from: datetime.date | None, date_to: datetime.date | None):  # type: ignore[no-untyped-def]
    tz = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(timestamp__gte=datetime.datetime.combine(date_from, datetime.time.min, tz))
    if date_to:
        qs = qs.filter(timestamp__lt=datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, tz))
    return qs


def access_events(
    person: Person, *, date_from: datetime.date | None = None, date_to: datetime.date | None = None
) -> QuerySet[AuditEvent]:
    """Every access-log event about this person, oldest first. Only the fields the report shows."""
    qs = AuditEvent.objects.filter(client_id=person.pk).only(
        "id", "timestamp", "action", "outcome", "user_id", "username", "responsible_user_id",
        "responsible_username", "role", "organisation_id", "object_type",
    )
    return _period_filter(qs, date_from, date_to).order_by("timestamp", "id")


def _object_label(object_type: str) -> str:
    if not object_type:
        return ""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return ""


def access_rows(events: Any) -> list[AccessRow]:
    """Events as report rows: names of users, roles and organisations resolved in two queries."""
    events = list(events)
    user_ids = {e.user_id for e in events if e.user_id} | {e.responsible_user_id for e in events if e.responsible_user_id}
    users = {
        u.pk: (u.get_full_name() or u.username)
        for u in get_user_model().objects.filter(pk__in=user_ids).only("id", "first_name", "last_name", "username")
    }
    orgs = dict(Organisation.objects.filter(pk__in={e.organisation_id for e in events if e.organisation_id}).values_list("id", "name"))
    roles = dict(Role.choices)
    actions = dict(Action.choices)
    outcomes = dict(Outcome.choices)
    labels: dict[str, str] = {}
    rows = []
    for e in events:
        if e.object_type not in labels:
            labels[e.object_type] = _object_label(e.object_type)
        on_behalf = ""
        if e.responsible_user_id and e.responsible_user_id != e.user_id:
            on_behalf = users.get(e.responsible_user_id, e.responsible_username)
        rows.append(
            AccessRow(
                timestamp=e.timestamp,
                user_name=users.get(e.user_id, e.username) if e.user_id else e.username,
                role=str(roles.get(e.role, e.role)),
                organisation=orgs.get(e.organisation_id, ""),
                action=str(actions.get(e.action, e.action)),
                what=labels[e.object_type],
                outcome=str(outcomes.get(e.outcome, e.outcome)),
                on_behalf_of=on_behalf,
            )
        )
    return rows


# --- erasure requests ------------------------------------------------------------------------------
def erasure_requests(user: Any) -> QuerySet[ErasureRequest]:
    org_id = _own_organisation_id(user)
    if org_id is None or getattr(user, "role", "") not in (Role.TEAMLEIDER, Role.GEDRAGSWETENSCHAPPER):
        return ErasureRequest.objects.none()
    return ErasureRequest.objects.filter(person__organisation_id=org_id).select_related(
        "person", "requested_by", "decided_by"
    ).order_by("-requested_at", "-pk")


def get_erasure_request(user: Any, pk: Any) -> ErasureRequest:
    return get_object_or_404(erasure_requests(user), pk=pk)
