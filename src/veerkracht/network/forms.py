"""Forms for the network: parse and check input; services do the writing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from veerkracht.clients.forms import date_field

from .models import MemberType, Quality, RelationKind
from .services import NAME_MAX, ROLE_MAX, TEXT_MAX


class MemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    member_type = forms.ChoiceField(label=_("Person or organisation"), choices=MemberType.choices)
    relation = forms.ChoiceField(label=_("Relation"), choices=RelationKind.choices)
    role = forms.CharField(label=_("Role"), max_length=ROLE_MAX, required=False,
                           help_text=_("For example grandmother, teacher, football coach."))
    quality = forms.ChoiceField(label=_("Quality of the relation"), choices=Quality.choices)
    contact_allowed = forms.BooleanField(label=_("Contact allowed"), required=False, initial=True)
    safe_person = forms.BooleanField(label=_("Safe person for the child"), required=False,
                                     help_text=_("Someone who is a risk cannot be a safe person."))
    reach = forms.CharField(label=_("How to reach them"), max_length=TEXT_MAX, required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))
    notes = forms.CharField(label=_("Notes"), max_length=TEXT_MAX, required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, with_version: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("role", "safe_person"):
            self.fields[name].widget.attrs["aria-describedby"] = f"{self[name].auto_id}_helptext"
        if with_version:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("quality") == Quality.RISK and data.get("safe_person"):
            self.add_error("safe_person", _("Someone who is a risk to the child cannot be a safe person."))
        return data

    def member_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data.get(name) for name in (
            "name", "member_type", "relation", "role", "quality", "contact_allowed", "safe_person", "reach", "notes"
        )}


class CompletionForm(forms.Form):
    completed_on = date_field(_("Activity completed on"))


class DeleteForm(forms.Form):
    confirm = forms.BooleanField(label=_("Yes, delete this network member"), required=True,
                                 error_messages={"required": _("Tick the box to confirm the deletion.")})
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
