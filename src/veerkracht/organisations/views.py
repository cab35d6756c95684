"""Application management by the functioneel beheerder: users, locations, teams, settings.

Thin views: read through ``queries``, write through ``services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from veerkracht.accounts.decorators import role_required
from veerkracht.accounts.roles import STAFF_ROLES, Role
from veerkracht.accounts.services import do_reset_second_factor
from veerkracht.core.concurrency import ConcurrentEditError

from . import queries, services
from .forms import LocationForm, MembershipForm, OrganisationSettingsForm, TeamForm, UserCreateForm

ADMIN = Role.FUNCTIONEEL_BEHEERDER


def _organisation(request: HttpRequest):  # type: ignore[no-untyped-def]
    return request.user.membership_or_none.organisation  # type: ignore[union-attr]


def _add_form_errors(form, error: ValidationError) -> None:  # type: ignore[no-untyped-def]
    for message in error.messages:
        form.add_error(None, message)


# -- users ---------------------------------------------------------------------------------


@role_required(ADMIN)
def user_list(request: HttpRequest) -> HttpResponse:
    return render(request, "organisations/user_list.html", {"users": queries.users_overview(request.user)})


@role_required(ADMIN)
@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None, organisation=_organisation(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.do_create_user(
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                role=data["role"],
                password=data["password"],
                teams=data["teams"],
                locations=data["locations"],
                acting_user=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as error:
            _add_form_errors(form, error)
        else:
            messages.success(
                request,
                _("User %(name)s has been created. At the first login they set up their authenticator app.")
                % {"name": user},
            )
            return redirect("organisations:users")
    return render(request, "organisations/user_form.html", {"form": form, "editing": None})


@role_required(ADMIN)
@never_cache
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = queries.get_user(request.user, pk)
    membership = target.membership
    fingerprint = services.membership_fingerprint(membership)
    initial = {
        "role": membership.role,
        "teams": list(membership.teams.all()),
        "locations": list(membership.locations.all()),
        "is_active": target.is_active,
        "fingerprint": fingerprint,
    }
    form = MembershipForm(request.POST or None, initial=initial, organisation=_organisation(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changed = services.do_change_membership(
                membership,
                role=data["role"],
                teams=data["teams"],
                locations=data["locations"],
                is_active=data["is_active"],
                acting_user=request.user,  # type: ignore[arg-type]
                expected_fingerprint=data["fingerprint"] or None,
            )
        except ConcurrentEditError as error:
            form.add_error(None, str(error.message))
            # Let the next save be based on what is stored now.
            form.data = form.data.copy()
            form.data["fingerprint"] = services.membership_fingerprint(error.current or membership)
        except ValidationError as error:
            _add_form_errors(form, error)
        else:
            if changed:
                messages.success(request, _("The changes for %(name)s have been saved.") % {"name": target})
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("organisations:users")
    return render(
        request,
        "organisations/user_form.html",
        {"form": form, "editing": target, "is_self": target.pk == request.user.pk},
    )


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def user_reset_2fa(request: HttpRequest, pk: int) -> HttpResponse:
    target = queries.get_user(request.user, pk)
    if request.method == "POST":
        do_reset_second_factor(target, acting_user=request.user)  # type: ignore[arg-type]
        messages.success(
            request,
            _(
                "The second factor of %(name)s has been reset. At the next login they set up their authenticator app again."
            )
            % {"name": target},
        )
        return redirect("organisations:users")
    return render(request, "organisations/user_reset_2fa.html", {"target": target})


# -- locations -----------------------------------------------------------------------------


@role_required(*STAFF_ROLES)
def location_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "organisations/location_list.html",
        {"locations": queries.locations_overview(request.user), "can_manage": request.user.role == ADMIN},  # type: ignore[union-attr]
    )


@never_cache
def location_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Scoped: anyone who is not staff of this organisation (gemeente included) gets a 404.
    location = queries.get_location_for_address(request.user, pk)
    response = render(
        request,
        "organisations/location_detail.html",
        {"location": location, "can_manage": request.user.role == ADMIN},  # type: ignore[union-attr]
    )
    response.headers["Cache-Control"] = "no-store, private"
    return response


@role_required(ADMIN)
@never_cache
@require_http_methods(["GET", "POST"])
def location_create(request: HttpRequest) -> HttpResponse:
    form = LocationForm(request.POST or None, organisation=_organisation(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            location = services.do_create_location(
                name=data["name"],
                kind=data["kind"],
                region=data["region"],
                address=data["address"].strip(),
                active=data["active"],
                acting_user=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as error:
            _add_form_errors(form, error)
        else:
            messages.success(request, _("Location %(name)s has been created.") % {"name": location.name})
            return redirect("organisations:locations")
    return render(request, "organisations/location_form.html", {"form": form, "location": None})


@role_required(ADMIN)
@never_cache
@require_http_methods(["GET", "POST"])
def location_edit(request: HttpRequest, pk: int) -> HttpResponse:
    location = queries.get_location(request.user, pk)
    initial = {
        "name": location.name,
        "kind": location.kind,
        "region": location.region_id,
        "active": location.active,
    }
    form = LocationForm(
        request.POST or None, initial=initial, organisation=_organisation(request), location=location
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.do_update_location(
                location,
                changes=form.changes(),
                acting_user=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as error:
            _add_form_errors(form, error)
        else:
            if changed:
                messages.success(request, _("Location %(name)s has been saved.") % {"name": location.name})
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("organisations:locations")
    return render(request, "organisations/location_form.html", {"form": form, "location": location})


# -- teams ---------------------------------------------------------------------------------


@role_required(ADMIN)
def team_list(request: HttpRequest) -> HttpResponse:
    return render(request, "organisations/team_list.html", {"teams": queries.teams_overview(request.user)})


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def team_create(request: HttpRequest) -> HttpResponse:
    form = TeamForm(request.POST or None, organisation=_organisation(request))
    if request.method == "POST" and form.is_valid():
        team = services.do_create_team(
            name=form.cleaned_data["name"],
            locations=form.cleaned_data["locations"],
            acting_user=request.user,  # type: ignore[arg-type]
        )
        messages.success(request, _("Team %(name)s has been created.") % {"name": team.name})
        return redirect("organisations:teams")
    return render(request, "organisations/team_form.html", {"form": form, "team": None})


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    team = queries.get_team(request.user, pk)
    initial = {"name": team.name, "locations": list(team.locations.defer("address"))}
    form = TeamForm(request.POST or None, initial=initial, organisation=_organisation(request), team=team)
    if request.method == "POST" and form.is_valid():
        changed = services.do_update_team(
            team,
            name=form.cleaned_data["name"],
            locations=form.cleaned_data["locations"],
            acting_user=request.user,  # type: ignore[arg-type]
        )
        if changed:
            messages.success(request, _("Team %(name)s has been saved.") % {"name": team.name})
        else:
            messages.info(request, _("Nothing was changed."))
        return redirect("organisations:teams")
    return render(request, "organisations/team_form.html", {"form": form, "team": team})


# -- organisation settings -----------------------------------------------------------------


@role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def organisation_settings(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    form = OrganisationSettingsForm(
        request.POST or None, initial={"restrict_to_teams": organisation.restrict_to_teams}
    )
    if request.method == "POST" and form.is_valid():
        changed = services.do_set_restrict_to_teams(
            organisation,
            form.cleaned_data["restrict_to_teams"],
            acting_user=request.user,  # type: ignore[arg-type]
        )
        messages.success(
            request, _("The settings have been saved.") if changed else _("Nothing was changed.")
        )
        return redirect("organisations:organisation_settings")
    return render(
        request, "organisations/organisation_settings.html", {"form": form, "organisation": organisation}
    )
