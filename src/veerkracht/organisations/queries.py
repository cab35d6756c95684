"""Reading organisation data: every queryset is scoped to the user's own organisation.

Objects of another organisation are simply not in the queryset, so views answer
404 and a guessed id confirms nothing. The secret address of a location is read
through ``get_location_for_address`` only, which writes the access-log event.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django_otp.plugins.otp_totp.models import TOTPDevice

from veerkracht.accounts.models import User
from veerkracht.accounts.roles import STAFF_ROLES

from .models import Location, Membership, Organisation, Team


def own_organisation_id(user: Any) -> int | None:
    """The organisation of a verified, active staff user; None for everyone else."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    is_verified = getattr(user, "is_verified", None)
    if is_verified is None or not is_verified():
        return None
    membership = user.membership_or_none
    if membership is None or membership.role not in STAFF_ROLES:
        return None
    return membership.organisation_id


def own_organisation(user: Any) -> Organisation | None:
    if own_organisation_id(user) is None:
        return None
    return user.membership_or_none.organisation


def visible_users(user: Any) -> QuerySet[User]:
    """Users with a membership of the user's own organisation (active and inactive)."""
    org_id = own_organisation_id(user)
    if org_id is None:
        return User.objects.none()
    return User.objects.filter(membership__organisation_id=org_id)


def users_overview(user: Any) -> QuerySet[User]:
    """The users list: a fixed number of queries whatever the number of users."""
    confirmed_device = TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed=True)
    return (
        visible_users(user)
        .select_related("membership")
        .prefetch_related(Prefetch("membership__teams", queryset=Team.objects.only("id", "name")))
        .annotate(has_second_factor=Exists(confirmed_device))
        .order_by("last_name", "first_name", "username")
    )


def get_user(user: Any, pk: Any) -> User:
    return get_object_or_404(
        visible_users(user)
        .select_related("membership")
        .prefetch_related("membership__teams", "membership__locations"),
        pk=pk,
    )


def get_membership(user: Any, pk: Any) -> Membership:
    """The membership of user ``pk`` of the own organisation (404 otherwise)."""
    return get_user(user, pk).membership


def visible_locations(user: Any) -> QuerySet[Location]:
    org_id = own_organisation_id(user)
    if org_id is None:
        return Location.objects.none()
    return Location.objects.filter(organisation_id=org_id).select_related("region")


def locations_overview(user: Any) -> QuerySet[Location]:
    """Locations without their address: the column is never read for a list."""
    return visible_locations(user).defer("address").order_by("name")


def get_location(user: Any, pk: Any) -> Location:
    """A location of the own organisation, without its address (for editing)."""
    return get_object_or_404(visible_locations(user).defer("address"), pk=pk)


def get_location_for_address(user: Any, pk: Any) -> Location:
    """A location with its secret address; writes an access-log event (detail "address")."""
    from veerkracht.audit.models import Action
    from veerkracht.audit.services import record

    location = get_object_or_404(visible_locations(user), pk=pk)
    record(actor=user, action=Action.READ, obj=location, detail="address")
    return location


def visible_teams(user: Any) -> QuerySet[Team]:
    org_id = own_organisation_id(user)
    if org_id is None:
        return Team.objects.none()
    return Team.objects.filter(organisation_id=org_id)


def teams_overview(user: Any) -> QuerySet[Team]:
    return (
        visible_teams(user)
        .prefetch_related(Prefetch("locations", queryset=Location.objects.defer("address").order_by("name")))
        .order_by("name")
    )


def get_team(user: Any, pk: Any) -> Team:
    return get_object_or_404(visible_teams(user), pk=pk)
