"""Forms for the clients screens: parse and check input; services do the writing."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from veerkracht.accounts.roles import Role
from veerkracht.core.forms import ModelMultipleChoiceField

from . import queries, validation
from .models import Authority, CareType, Destination, Gender, PersonKind, StayReason


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def date_field(label: Any, *, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=date_input(), input_formats=["%Y-%m-%d", "%d-%m-%Y"])


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.username


# --- caseload -------------------------------------------------------------------------------
STATUS_CHOICES = [("in_care", _("In care")), ("discharged", _("Discharged")), ("all", _("All"))]
KIND_CHOICES = [(PersonKind.CHILD.value, _("Children")), ("parent", _("Parents")), ("all", _("All"))]


class CaseloadFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or client number"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search"}))
    location = forms.ModelChoiceField(label=_("Current location"), queryset=None, required=False,
                                      empty_label=_("All locations"))
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    kind = forms.ChoiceField(label=_("Show"), choices=KIND_CHOICES, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = queries.own_locations(user, active_only=False)

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        location = data.get("location")
        return {
            "q": (data.get("q") or "").strip(),
            "location": location.pk if location else None,
            "status": data.get("status") or "in_care",
            "kind": data.get("kind") or PersonKind.CHILD.value,
        }


# --- registration ---------------------------------------------------------------------------
class StayForm(forms.Form):
    location = forms.ModelChoiceField(label=_("Location"), queryset=None)
    care_type = forms.ChoiceField(label=_("Type of care"), choices=CareType.choices)
    admission_date = date_field(_("Admission date"))
    reason = forms.ChoiceField(label=_("Reason for shelter"), choices=StayReason.choices)
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False)
    mentor = UserChoiceField(label=_("Mentor"), queryset=None, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = queries.own_locations(user)
        self.fields["team"].queryset = queries.own_teams(user)
        self.fields["mentor"].queryset = queries.own_staff_with_role(user, Role.MENTOR)

    def clean_admission_date(self) -> datetime.date:
        value = self.cleaned_data["admission_date"]
        validation.check_not_in_future(value, _("The admission date"))
        return value


class DuplicateCheckMixin:
    """Name + date of birth already registered in the organisation: refused with a clear message."""

    organisation_id: int | None = None

    def check_duplicate(self, cleaned: dict[str, Any], exclude_pk: int | None = None) -> None:
        first, last, birth = cleaned.get("first_name"), cleaned.get("last_name"), cleaned.get("birth_date")
        if not (first and last and birth and self.organisation_id):
            return
        dups = validation.find_duplicates(self.organisation_id, [(first, last, birth)], exclude_pk=exclude_pk)
        if dups:
            raise ValidationError(validation.duplicate_message(f"{first} {last}", birth), code="duplicate")


class ParentForm(DuplicateCheckMixin, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=80)
    last_name = forms.CharField(label=_("Last name"), max_length=120)
    birth_date = date_field(_("Date of birth"), required=False)
    kind = forms.ChoiceField(
        label=_("Role in the family"),
        choices=[(PersonKind.MOTHER.value, PersonKind.MOTHER.label), (PersonKind.CAREGIVER.value, PersonKind.CAREGIVER.label)],
    )

    def __init__(self, *args: Any, organisation_id: int | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.organisation_id = organisation_id

    def clean_birth_date(self) -> datetime.date | None:
        value = self.cleaned_data.get("birth_date")
        validation.check_birth_date(value)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.check_duplicate(cleaned)
        return cleaned


class ChildForm(DuplicateCheckMixin, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=80)
    last_name = forms.CharField(label=_("Last name"), max_length=120)
    birth_date = date_field(_("Date of birth"))
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, initial=Gender.UNKNOWN)
    authority = forms.ChoiceField(label=_("Parental authority of this parent"), choices=Authority.choices,
                                  initial=Authority.UNKNOWN)
    child_worker = UserChoiceField(label=_("Child worker"), queryset=None, required=False)

    def __init__(self, *args: Any, user: Any = None, organisation_id: int | None = None,
                 admission_date: datetime.date | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.organisation_id = organisation_id
        self.admission_date = admission_date
        self.fields["child_worker"].queryset = queries.own_staff_with_role(user, Role.KINDERWERKER)

    def clean_birth_date(self) -> datetime.date:
        value = self.cleaned_data["birth_date"]
        validation.check_birth_date(value)
        if self.admission_date:
            validation.check_child_age(value, self.admission_date)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.check_duplicate(cleaned)
        return cleaned


class BaseChildFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        filled = [f for f in self.forms if f.has_changed() and not self._should_delete_form(f)]
        if not filled:
            raise ValidationError(_("Register at least one child."), code="no_children")
        seen: set[tuple[str, str, Any]] = set()
        for form in filled:
            key = (form.cleaned_data["first_name"].strip().lower(), form.cleaned_data["last_name"].strip().lower(),
                   form.cleaned_data["birth_date"])
            if key in seen:
                raise ValidationError(
                    _("%(name)s is entered twice.") % {"name": f"{form.cleaned_data['first_name']} {form.cleaned_data['last_name']}"},
                    code="twice",
                )
            seen.add(key)


ChildFormSet = forms.formset_factory(ChildForm, formset=BaseChildFormSet, extra=2, max_num=20, absolute_max=20)


# --- person details -------------------------------------------------------------------------
class PersonEditForm(DuplicateCheckMixin, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=80)
    last_name = forms.CharField(label=_("Last name"), max_length=120)
    birth_date = date_field(_("Date of birth"), required=False)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    child_worker = UserChoiceField(label=_("Child worker"), queryset=None, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, person: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.person = person
        self.organisation_id = person.organisation_id
        if person.is_child:
            self.fields["child_worker"].queryset = queries.own_staff_with_role(user, Role.KINDERWERKER)
            self.fields["birth_date"].required = True
        else:
            del self.fields["child_worker"]

    def clean_birth_date(self) -> datetime.date | None:
        value = self.cleaned_data.get("birth_date")
        validation.check_birth_date(value)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.check_duplicate(cleaned, exclude_pk=self.person.pk)
        return cleaned

    def changes(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class AddFatherForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=80)
    last_name = forms.CharField(label=_("Last name"), max_length=120)
    birth_date = date_field(_("Date of birth"), required=False)
    children = ModelMultipleChoiceField(label=_("Children of this father"), queryset=None,
                                              widget=forms.CheckboxSelectMultiple)
    authority = forms.ChoiceField(label=_("Parental authority of the father"), choices=Authority.choices,
                                  initial=Authority.UNKNOWN,
                                  help_text=_("Applies to every child chosen above."))

    def __init__(self, *args: Any, children_qs: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["children"].queryset = children_qs
        self.fields["children"].label_from_instance = lambda p: f"{p.full_name} ({p.client_number})"

    def clean_birth_date(self) -> datetime.date | None:
        value = self.cleaned_data.get("birth_date")
        validation.check_birth_date(value)
        return value


class AuthorityForm(forms.Form):
    authority = forms.ChoiceField(label=_("Parental authority"), choices=Authority.choices)
    authority_checked_on = date_field(_("Checked in the gezagsregister on"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_authority_checked_on(self) -> datetime.date | None:
        value = self.cleaned_data.get("authority_checked_on")
        validation.check_not_in_future(value, _("The check date"))
        return value


# --- stays ----------------------------------------------------------------------------------
class AdmitForm(forms.Form):
    location = forms.ModelChoiceField(label=_("Location"), queryset=None)
    care_type = forms.ChoiceField(label=_("Type of care"), choices=CareType.choices)
    admission_date = date_field(_("Admission date"))
    reason = forms.ChoiceField(label=_("Reason for shelter"), choices=StayReason.choices)

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = queries.own_locations(user)

    def clean_admission_date(self) -> datetime.date:
        value = self.cleaned_data["admission_date"]
        validation.check_not_in_future(value, _("The admission date"))
        return value


class TransferForm(forms.Form):
    to_location = forms.ModelChoiceField(label=_("New location"), queryset=None)
    date = date_field(_("Date of transfer"))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, stay: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.stay = stay
        self.fields["to_location"].queryset = queries.own_locations(user).exclude(pk=stay.location_id)

    def clean_date(self) -> datetime.date:
        value = self.cleaned_data["date"]
        validation.check_not_in_future(value, _("The transfer date"))
        if value < self.stay.admission_date:
            raise ValidationError(_("The transfer date lies before the admission date."), code="before_admission")
        return value


class DischargeForm(forms.Form):
    discharge_date = date_field(_("Discharge date"))
    destination = forms.ChoiceField(label=_("Destination at discharge"), choices=Destination.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, stay: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.stay = stay

    def clean_discharge_date(self) -> datetime.date:
        value = self.cleaned_data["discharge_date"]
        validation.check_not_in_future(value, _("The discharge date"))
        validation.check_discharge(self.stay.admission_date, value)
        return value
