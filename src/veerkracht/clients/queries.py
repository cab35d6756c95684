"""The only way to read client data: every queryset is scoped to what the user may see.

Out-of-scope objects simply are not in the queryset, so views answer 404 and a
guessed id confirms nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from veerkracht.accounts.roles import CLIENT_ROLES, NARROWABLE_ROLES

from .models import EmergencyAccess, Household, ParentChild, Person, PersonKind, Stay


def _membership(user: Any):  # type: ignore[no-untyped-def]
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    is_verified = getattr(user, "is_verified", None)
    if is_verified is None or not is_verified():
        return None
    membership = user.membership_or_none
    if membership is None or membership.role not in CLIENT_ROLES or membership.organisation_id is None:
        return None
    return membership



def narrowed_to_teams(membership: Any) -> bool:
    """A child worker or mentor of an organisation that limits them to their own teams and locations."""
    return bool(membership is not None and membership.role in NARROWABLE_ROLES and membership.organisation_id
                and membership.organisation.restrict_to_teams)


def _in_regular_scope(user: Any, membership: Any) -> Q:
    """Q over persons in the user's own scope (without emergency access)."""
    scope = Q(organisation_id=membership.organisation_id)
    if narrowed_to_teams(membership):
        team_ids = list(membership.teams.values_list("id", flat=True))
        location_ids = list(membership.locations.values_list("id", flat=True))
        at_my_location = Stay.objects.filter(
            person__household_id=OuterRef("household_id"), location_id__in=location_ids, discharge_date__isnull=True
        )
        scope &= Q(household__team_id__in=team_ids) | Q(Exists(at_my_location)) | Q(child_worker=user)
    return scope


def _active_emergency(user: Any, membership: Any) -> QuerySet[EmergencyAccess]:
    return EmergencyAccess.objects.filter(
        user_id=user.pk, expires_at__gt=timezone.now(), person__organisation_id=membership.organisation_id
    )


def visible_persons(user: Any) -> QuerySet[Person]:
    """Persons the user may see: the own scope, plus persons under an active emergency access."""
    membership = _membership(user)
    if membership is None:
        return Person.objects.none()
    scope = _in_regular_scope(user, membership)
    if narrowed_to_teams(membership):
        scope |= Q(Exists(_active_emergency(user, membership).filter(person_id=OuterRef("pk"))))
    return Person.objects.filter(scope)


def in_regular_scope(user: Any, person: Person) -> bool:
    membership = _membership(user)
    if membership is None:
        return False
    return Person.objects.filter(_in_regular_scope(user, membership), pk=person.pk).exists()


def emergency_candidate(user: Any, client_number: str) -> Person | None:
    """A client of the user's own organisation, by exact client number, for break-the-glass."""
    membership = _membership(user)
    if membership is None or not client_number.strip():
        return None
    return (
        Person.objects.filter(organisation_id=membership.organisation_id, client_number__iexact=client_number.strip())
        .exclude(kind=PersonKind.FATHER)
        .first()
    )


def emergency_accesses_for_review(user: Any) -> QuerySet[EmergencyAccess]:
    """For the log administrator of the organisation: every emergency access, open reviews first."""
    membership = getattr(user, "membership_or_none", None)
    if membership is None or membership.role != "logbeheerder" or membership.organisation_id is None:
        return EmergencyAccess.objects.none()
    return (
        EmergencyAccess.objects.filter(person__organisation_id=membership.organisation_id)
        .select_related("user", "person", "reviewed_by")
        .order_by(F("reviewed_at").asc(nulls_first=True), "-started_at")
    )


def visible_households(user: Any) -> QuerySet[Household]:
    return Household.objects.filter(pk__in=visible_persons(user).values("household_id"))


def visible_stays(user: Any) -> QuerySet[Stay]:
    return Stay.objects.filter(person__in=visible_persons(user))


def get_person(user: Any, pk: Any) -> Person:
    return get_object_or_404(
        visible_persons(user).select_related("household", "household__mentor", "household__team", "child_worker", "organisation"),
        pk=pk,
    )


def get_household(user: Any, pk: Any) -> Household:
    return get_object_or_404(visible_households(user).select_related("team", "mentor", "organisation"), pk=pk)


def get_stay(user: Any, pk: Any) -> Stay:
    return get_object_or_404(visible_stays(user).select_related("person", "location"), pk=pk)


def current_stay_prefetch() -> Prefetch:
    return Prefetch(
        "stays",
        queryset=Stay.objects.filter(discharge_date__isnull=True).select_related("location"),
        to_attr="open_stays",
    )


def caseload(
    user: Any,
    *,
    query: str = "",
    location_id: int | None = None,
    status: str = "in_care",
    kind: str = PersonKind.CHILD,
) -> QuerySet[Person]:
    """The caseload list: scoped, searchable by name or client number, filterable."""
    qs = visible_persons(user)
    if kind == "parent":
        qs = qs.filter(kind__in=[PersonKind.MOTHER, PersonKind.CAREGIVER])
    elif kind == PersonKind.CHILD:
        qs = qs.filter(kind=PersonKind.CHILD)
    else:
        qs = qs.exclude(kind=PersonKind.FATHER)
    open_stay = Stay.objects.filter(person_id=OuterRef("pk"), discharge_date__isnull=True)
    if status == "in_care":
        qs = qs.filter(Exists(open_stay))
    elif status == "discharged":
        qs = qs.filter(~Exists(open_stay))
    if location_id:
        qs = qs.filter(Exists(open_stay.filter(location_id=location_id)))
    for term in query.split()[:5]:
        qs = qs.filter(
            Q(first_name__icontains=term) | Q(last_name__icontains=term) | Q(client_number__icontains=term)
        )
    return qs.select_related("household", "child_worker").prefetch_related(current_stay_prefetch()).order_by(
        "last_name", "first_name", "pk"
    )


def household_members(household: Household) -> QuerySet[Person]:
    return (
        household.members.all()
        .select_related("child_worker")
        .prefetch_related(current_stay_prefetch())
        .order_by("kind", "birth_date", "pk")
    )


def parent_links_of(child: Person) -> QuerySet[ParentChild]:
    return child.parent_links.select_related("parent").order_by("parent__kind", "parent__last_name")


def child_links_of(parent: Person) -> QuerySet[ParentChild]:
    return parent.child_links.select_related("child").order_by("child__birth_date")


# --- choices for forms: scoped to the user's own organisation ---------------------------------
def own_organisation_id(user: Any) -> int | None:
    membership = _membership(user)
    return membership.organisation_id if membership else None


def own_locations(user: Any, *, active_only: bool = True) -> QuerySet[Any]:
    """Locations of the user's organisation; the secret address is never loaded."""
    from veerkracht.organisations.models import Location

    qs = Location.objects.filter(organisation_id=own_organisation_id(user)).only("id", "name", "organisation_id", "active")
    if active_only:
        qs = qs.filter(active=True)
    return qs.order_by("name")


def own_teams(user: Any) -> QuerySet[Any]:
    from veerkracht.organisations.models import Team

    return Team.objects.filter(organisation_id=own_organisation_id(user)).order_by("name")


def own_staff_with_role(user: Any, role: str) -> QuerySet[Any]:
    """Active users of the user's organisation with the given role (mentors, child workers)."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            is_active=True, membership__organisation_id=own_organisation_id(user), membership__role=role
        )
        .order_by("last_name", "first_name", "username")
    )


def stays_with_history(person: Person) -> QuerySet[Stay]:
    """All stays of a person with their locations and transfers, in a fixed number of queries."""
    from .models import Transfer

    return (
        person.stays.all()
        .select_related("location")
        .defer("location__address")
        .prefetch_related(
            Prefetch(
                "transfers",
                queryset=Transfer.objects.select_related("from_location", "to_location").defer(
                    "from_location__address", "to_location__address"
                ),
            )
        )
        .order_by("-admission_date", "-pk")
    )


def household_relations(household: Household) -> QuerySet[ParentChild]:
    return (
        ParentChild.objects.filter(child__household=household)
        .select_related("parent", "child")
        .order_by("child__birth_date", "child_id", "parent__kind")
    )


def get_relation(user: Any, pk: Any) -> ParentChild:
    """A parent-child relation whose child the user may see."""
    return get_object_or_404(
        ParentChild.objects.filter(child__in=visible_persons(user)).select_related("parent", "child"), pk=pk
    )
