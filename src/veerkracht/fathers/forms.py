"""Forms for the father-contact pages: parse and check input; services do the writing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from veerkracht.accounts.roles import CLIENT_ROLES
from veerkracht.clients.forms import UserChoiceField, date_field
from veerkracht.clients.models import Person
from veerkracht.clients.queries import own_organisation_id

from .models import Answer, AttemptResult, AttemptWay, ContactStatus, NoContactReason, RiskLevel

TEXT = {"rows": 3}


def _text(label: Any, help_text: Any = "") -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=5000, widget=forms.Textarea(attrs=TEXT),
                           help_text=help_text)


class StartForm(forms.Form):
    father = forms.ModelChoiceField(
        label=_("Father"), queryset=Person.objects.none(),
        error_messages={"required": _("Choose a father of this child."),
                        "invalid_choice": _("Choose a father of this child.")},
    )

    def __init__(self, *args: Any, father_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["father"].queryset = Person.objects.filter(pk__in=father_ids)


class ContactForm(forms.Form):
    how_to_reach = _text(_("How to reach him"),
                         _("Phone number, e-mail or postal address of the father, or the lawyer to go through."))
    assessed_on = date_field(_("Assessed on"), required=False)
    assessed_by = UserChoiceField(label=_("Assessed by"), queryset=None, required=False,
                                  help_text=_("Empty: you."))
    suspected_perpetrator = forms.ChoiceField(
        label=_("Is he the suspected perpetrator?"), required=False,
        choices=[("", _("not assessed yet")), *Answer.choices],
    )
    contact_ban = forms.BooleanField(label=_("Contact ban (contactverbod)"), required=False)
    restraining_order = forms.BooleanField(label=_("Restraining order (straatverbod or huisverbod)"), required=False)
    risk_level = forms.ChoiceField(label=_("Risk level"), required=False,
                                   choices=[("", _("not assessed yet")), *RiskLevel.choices])
    assessment_notes = _text(_("Notes on the assessment"))
    father_view = _text(_("His view on the child"))
    agreements = _text(_("Agreements about contact with the child"))
    status = forms.ChoiceField(label=_("Outcome"), choices=ContactStatus.choices,
                               error_messages={"required": _("Choose the outcome.")})
    no_contact_reason = forms.ChoiceField(
        label=_("Reason for no contact"), required=False,
        choices=[("", "-"), *NoContactReason.choices], help_text=_("Required when there is no contact."),
    )
    no_contact_other = _text(_("Other reason"), _("Required when the reason is \"other\"."))
    completed_on = date_field(_("Activity completed on"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    GROUPS = [
        (_("How to reach him"), ["how_to_reach"]),
        (_("Safety assessment"), ["assessed_on", "assessed_by", "suspected_perpetrator", "risk_level",
                                  "contact_ban", "restraining_order", "assessment_notes"]),
        (_("His view and agreements"), ["father_view", "agreements"]),
        (_("Outcome"), ["status", "no_contact_reason", "no_contact_other", "completed_on"]),
    ]

    def __init__(self, *args: Any, user: Any, completes: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessed_by"].queryset = (
            get_user_model()
            .objects.filter(
                is_active=True, membership__organisation_id=own_organisation_id(user), membership__role__in=CLIENT_ROLES
            )
            .order_by("last_name", "first_name", "username")
        )
        if not completes:
            del self.fields["completed_on"]
        else:
            self.fields["completed_on"].help_text = _(
                "Only when every father of the child has the outcome \"contacted\" or \"no contact\".")
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}_helptext"

    def groups(self) -> list[tuple[Any, list[Any]]]:
        return [(legend, [self[n] for n in names if n in self.fields]) for legend, names in self.GROUPS]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("status") == ContactStatus.NO_CONTACT:
            if not data.get("no_contact_reason"):
                self.add_error("no_contact_reason", _("Give the reason why there is no contact."))
            elif data.get("no_contact_reason") == NoContactReason.OTHER and not (data.get("no_contact_other") or "").strip():
                self.add_error("no_contact_other", _("Describe the other reason why there is no contact."))
        return data


class AttemptForm(forms.Form):
    date = date_field(_("Date"))
    way = forms.ChoiceField(label=_("Way"), choices=[("", "-"), *AttemptWay.choices],
                            error_messages={"required": _("Choose how contact was attempted.")})
    result = forms.ChoiceField(label=_("Result"), choices=[("", "-"), *AttemptResult.choices],
                               error_messages={"required": _("Choose the result of the attempt.")})
    notes = _text(_("Notes"))


class OverrideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the exception"), max_length=5000, widget=forms.Textarea(attrs=TEXT),
        error_messages={"required": _("Give the reason for the exception.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
