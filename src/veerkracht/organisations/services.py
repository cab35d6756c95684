"""State changes of organisations, locations, teams and memberships.

Each function is atomic and writes its access-log event in the same transaction.
Values are never logged, only the names of the changed fields.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from veerkracht.accounts.models import User
from veerkracht.accounts.roles import STAFF_ROLES, Role
from veerkracht.audit.models import Action
from veerkracht.audit.services import record
from veerkracht.core.concurrency import ConcurrentEditError

from .models import Location, Membership, Organisation, Region, Team

LOCATION_FIELDS = ("name", "kind", "region", "address", "active")


def _acting_organisation(acting_user: User) -> Organisation:
    membership = acting_user.membership_or_none
    if (
        membership is None
        or membership.role != Role.FUNCTIONEEL_BEHEERDER
        or membership.organisation_id is None
    ):
        raise PermissionDenied
    return membership.organisation


def _check_same_organisation(organisation: Organisation, objects: Iterable[Any]) -> None:
    for obj in objects:
        if obj.organisation_id != organisation.pk:
            raise PermissionDenied


def membership_fingerprint(membership: Membership) -> str:
    """A hash of the editable values of a membership, for optimistic concurrency."""
    team_ids = sorted(membership.teams.values_list("id", flat=True))
    location_ids = sorted(membership.locations.values_list("id", flat=True))
    raw = f"{membership.role}|{team_ids}|{location_ids}|{membership.user.is_active}"
    return hashlib.sha256(raw.encode()).hexdigest()


# -- users and memberships -----------------------------------------------------------------


def do_create_user(
    *,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    password: str,
    teams: Iterable[Team] = (),
    locations: Iterable[Location] = (),
    acting_user: User,
) -> User:
    """Create a staff user in the acting administrator's organisation."""
    organisation = _acting_organisation(acting_user)
    if role not in STAFF_ROLES:
        raise ValidationError(_("This role cannot be given to a user of an organisation."))
    teams, locations = list(teams), list(locations)
    _check_same_organisation(organisation, teams)
    _check_same_organisation(organisation, locations)
    with transaction.atomic():
        user = User(username=username, first_name=first_name, last_name=last_name, email=email)
        user.set_password(password)
        user.save()
        membership = Membership.objects.create(user=user, role=role, organisation=organisation)
        membership.teams.set(teams)
        membership.locations.set(locations)
        record(
            actor=acting_user,
            action=Action.CREATE,
            obj=user,
            changed_fields=["username", "first_name", "last_name", "email", "password"],
        )
        record(
            actor=acting_user,
            action=Action.ROLE_CHANGE,
            obj=user,
            changed_fields=["role", "teams", "locations"],
        )
    return user


def do_change_membership(
    membership: Membership,
    *,
    role: str,
    teams: Iterable[Team],
    locations: Iterable[Location],
    is_active: bool,
    acting_user: User,
    expected_fingerprint: str | None = None,
) -> list[str]:
    """Change role, teams, locations and the active flag of a user; returns the changed field names.

    Administrators cannot demote or deactivate themselves. When ``expected_fingerprint``
    is given and the stored values changed meanwhile, ``ConcurrentEditError`` is raised.
    """
    organisation = _acting_organisation(acting_user)
    if membership.organisation_id != organisation.pk:
        raise PermissionDenied
    if role not in STAFF_ROLES:
        raise ValidationError(_("This role cannot be given to a user of an organisation."))
    user = membership.user
    if user.pk == acting_user.pk and (role != Role.FUNCTIONEEL_BEHEERDER or not is_active):
        raise ValidationError(
            _(
                "You cannot take away your own administrator role or deactivate your own account. Ask another administrator."
            )
        )
    teams, locations = list(teams), list(locations)
    _check_same_organisation(organisation, teams)
    _check_same_organisation(organisation, locations)
    with transaction.atomic():
        membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
        user = membership.user
        if expected_fingerprint is not None and expected_fingerprint != membership_fingerprint(membership):
            raise ConcurrentEditError(membership)
        changed: list[str] = []
        if membership.role != role:
            membership.role = role
            membership.save(update_fields=["role"])
            changed.append("role")
        if set(membership.teams.values_list("id", flat=True)) != {t.pk for t in teams}:
            membership.teams.set(teams)
            changed.append("teams")
        if set(membership.locations.values_list("id", flat=True)) != {loc.pk for loc in locations}:
            membership.locations.set(locations)
            changed.append("locations")
        if user.is_active != is_active:
            user.is_active = is_active
            user.save(update_fields=["is_active"])
            changed.append("is_active")
        if changed:
            record(actor=acting_user, action=Action.ROLE_CHANGE, obj=user, changed_fields=changed)
    return changed


# -- locations -----------------------------------------------------------------------------


def _check_region(organisation: Organisation, region: Region) -> None:
    if not organisation.regions.filter(pk=region.pk).exists():
        raise ValidationError(_("Choose a region that your organisation serves."))


def do_create_location(
    *,
    name: str,
    kind: str,
    region: Region,
    address: str = "",
    active: bool = True,
    acting_user: User,
) -> Location:
    organisation = _acting_organisation(acting_user)
    _check_region(organisation, region)
    with transaction.atomic():
        location = Location.objects.create(
            organisation=organisation, name=name, kind=kind, region=region, address=address, active=active
        )
        record(actor=acting_user, action=Action.CREATE, obj=location, changed_fields=LOCATION_FIELDS)
    return location


def do_update_location(location: Location, *, changes: dict[str, Any], acting_user: User) -> list[str]:
    """Apply ``changes`` (a subset of name, kind, region, address, active); returns the changed names."""
    organisation = _acting_organisation(acting_user)
    if location.organisation_id != organisation.pk:
        raise PermissionDenied
    unknown = set(changes) - set(LOCATION_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if "region" in changes:
        _check_region(organisation, changes["region"])
    with transaction.atomic():
        for name, value in changes.items():
            setattr(location, name, value)
        fields = sorted(changes)
        if fields:
            location.save(update_fields=fields)
            record(actor=acting_user, action=Action.UPDATE, obj=location, changed_fields=fields)
    return fields


# -- teams ---------------------------------------------------------------------------------


def do_create_team(*, name: str, locations: Iterable[Location] = (), acting_user: User) -> Team:
    organisation = _acting_organisation(acting_user)
    locations = list(locations)
    _check_same_organisation(organisation, locations)
    with transaction.atomic():
        team = Team.objects.create(organisation=organisation, name=name)
        team.locations.set(locations)
        record(actor=acting_user, action=Action.CREATE, obj=team, changed_fields=["name", "locations"])
    return team


def do_update_team(team: Team, *, name: str, locations: Iterable[Location], acting_user: User) -> list[str]:
    organisation = _acting_organisation(acting_user)
    if team.organisation_id != organisation.pk:
        raise PermissionDenied
    locations = list(locations)
    _check_same_organisation(organisation, locations)
    with transaction.atomic():
        changed: list[str] = []
        if team.name != name:
            team.name = name
            team.save(update_fields=["name"])
            changed.append("name")
        if set(team.locations.values_list("id", flat=True)) != {loc.pk for loc in locations}:
            team.locations.set(locations)
            changed.append("locations")
        if changed:
            record(actor=acting_user, action=Action.UPDATE, obj=team, changed_fields=changed)
    return changed


# -- organisation settings -----------------------------------------------------------------


def do_set_restrict_to_teams(organisation: Organisation, value: bool, *, acting_user: User) -> bool:
    """Turn narrowing to own teams and locations on or off; returns whether anything changed."""
    if _acting_organisation(acting_user).pk != organisation.pk:
        raise PermissionDenied
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if organisation.restrict_to_teams == value:
            return False
        organisation.restrict_to_teams = value
        organisation.save(update_fields=["restrict_to_teams"])
        record(
            actor=acting_user, action=Action.UPDATE, obj=organisation, changed_fields=["restrict_to_teams"]
        )
    return True
