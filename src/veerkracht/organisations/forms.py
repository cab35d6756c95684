from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from veerkracht.accounts.models import User
from veerkracht.accounts.roles import STAFF_ROLES, Role
from veerkracht.core.forms import ModelMultipleChoiceField

from .models import Location, LocationKind, Organisation, Region, Team

STAFF_ROLE_CHOICES = [(value, label) for value, label in Role.choices if value in STAFF_ROLES]


class _OrganisationChoicesMixin:
    """Teams and locations to choose from: those of the own organisation only."""

    def _limit_to(self, organisation: Organisation) -> None:
        fields = self.fields  # type: ignore[attr-defined]
        if "teams" in fields:
            fields["teams"].queryset = Team.objects.filter(organisation=organisation).order_by("name")
        if "locations" in fields:
            fields["locations"].queryset = (
                Location.objects.filter(organisation=organisation).defer("address").order_by("name")
            )


def _teams_field() -> forms.ModelMultipleChoiceField:
    return ModelMultipleChoiceField(
        label=_("Teams"), queryset=Team.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )


def _locations_field() -> forms.ModelMultipleChoiceField:
    return ModelMultipleChoiceField(
        label=_("Locations"),
        queryset=Location.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class UserCreateForm(_OrganisationChoicesMixin, forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLE_CHOICES)
    teams = _teams_field()
    locations = _locations_field()
    password = forms.CharField(
        label=_("Initial password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters, not a common password. Give it to the user in person."),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._limit_to(organisation)

    def clean_username(self) -> str:
        username = User.normalize_username(self.cleaned_data["username"].strip())
        User.username_validator(username)
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is already in use. Choose another one."))
        return username

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password = cleaned.get("password")
        if password:
            candidate = User(
                username=cleaned.get("username", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
                email=cleaned.get("email", ""),
            )
            try:
                password_validation.validate_password(password, candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class MembershipForm(_OrganisationChoicesMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLE_CHOICES)
    teams = _teams_field()
    locations = _locations_field()
    is_active = forms.BooleanField(
        label=_("Active"), required=False, help_text=_("An inactive user can no longer log in.")
    )
    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._limit_to(organisation)


class LocationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=LocationKind.choices)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none())
    address = forms.CharField(
        label=_("Address (secret)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
        help_text=_("Shown only on the location's own page, to staff of your organisation."),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(
        self, *args: Any, organisation: Organisation, location: Location | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.location = location
        self.fields["region"].queryset = organisation.regions.order_by("name")
        if location is not None:
            # The address is never put into a form: it is shown on the location's page only.
            self.fields["address"].label = _("New address (secret)")
            self.fields["address"].help_text = _("Leave empty to keep the current address.")
            self.fields["clear_address"] = forms.BooleanField(
                label=_("Remove the current address"), required=False
            )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = Location.objects.filter(organisation=self.organisation, name__iexact=name)
        if self.location is not None:
            others = others.exclude(pk=self.location.pk)
        if others.exists():
            raise forms.ValidationError(_("Your organisation already has a location with this name."))
        return name

    def changes(self) -> dict[str, Any]:
        """The values that differ from the location being edited (address only when given)."""
        assert self.location is not None
        data = self.cleaned_data
        changes: dict[str, Any] = {}
        for name in ("name", "kind", "active"):
            if getattr(self.location, name) != data[name]:
                changes[name] = data[name]
        if self.location.region_id != data["region"].pk:
            changes["region"] = data["region"]
        if data.get("address", "").strip():
            changes["address"] = data["address"].strip()
        elif data.get("clear_address"):
            changes["address"] = ""
        return changes


class TeamForm(_OrganisationChoicesMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    locations = _locations_field()

    def __init__(
        self, *args: Any, organisation: Organisation, team: Team | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.team = team
        self._limit_to(organisation)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = Team.objects.filter(organisation=self.organisation, name__iexact=name)
        if self.team is not None:
            others = others.exclude(pk=self.team.pk)
        if others.exists():
            raise forms.ValidationError(_("Your organisation already has a team with this name."))
        return name


class OrganisationSettingsForm(forms.Form):
    restrict_to_teams = forms.BooleanField(
        label=Organisation._meta.get_field("restrict_to_teams").verbose_name,
        help_text=Organisation._meta.get_field("restrict_to_teams").help_text,
        required=False,
    )
