"""Forms for parenting and parent support: parse and check input; services do the writing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from veerkracht.clients.forms import date_field

from .models import TOPICS, ReferralStatus, SupportKind

TOPIC_LABELS = {
    "parenting_skills": _("Parenting skills"),
    "view_of_child": _("The parent's view of the child"),
    "relationship": _("Parent-child relationship"),
    "parent_wellbeing": _("The parent's own wellbeing"),
    "school": _("School or day care"),
    "health": _("Health"),
    "housing": _("Housing prospects"),
    "strengths": _("Strengths"),
}
TEXT_MAX = 5000


class ParentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.get_kind_display()})"


def textarea(label: Any, *, required: bool = False, rows: int = 3) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": rows}))


class ParentingForm(forms.Form):
    parent = ParentChoiceField(label=_("Discussed with"), queryset=None, required=False, empty_label=_("(not recorded)"))
    conversation_date = date_field(_("Date of the conversation"))

    def __init__(self, *args: Any, parents: Any, offer_completion: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents
        for name in TOPICS:
            self.fields[name] = textarea(TOPIC_LABELS[name])
        if offer_completion:
            self.fields["completed_on"] = date_field(_("Activity completed on"), required=False)
            self.fields["completed_on"].help_text = _("Fill in only when the parenting and living situation is done.")
            self.fields["completed_on"].widget.attrs["aria-describedby"] = "id_completed_on_helptext"
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not any((data.get(name) or "").strip() for name in TOPICS):
            self.add_error(None, _("Fill in at least one of the topics."))
        return data

    def topics(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name) or "" for name in TOPICS}


PARTICIPATED_CHOICES = [("", _("(only for a parent session)")), ("yes", _("yes")), ("no", _("no"))]


class SupportItemForm(forms.Form):
    parent = ParentChoiceField(label=_("Parent"), queryset=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=SupportKind.choices)
    date = date_field(_("Date"))
    description = textarea(_("Description"), required=True)
    referred_to = textarea(_("Referred to (for a referral)"), rows=2)
    referral_status = forms.ChoiceField(
        label=_("Status of the referral"), required=False,
        choices=[("", _("(only for a referral)")), *ReferralStatus.choices],
    )
    participated = forms.TypedChoiceField(
        label=_("Participated (for a parent session)"), required=False, choices=PARTICIPATED_CHOICES,
        coerce=lambda v: v == "yes", empty_value=None,
    )

    def __init__(self, *args: Any, parents: Any, with_version: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents
        if with_version:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        if kind == SupportKind.REFERRAL:
            if not (data.get("referred_to") or "").strip():
                self.add_error("referred_to", _("Fill in to whom the parent was referred."))
            if not data.get("referral_status"):
                self.add_error("referral_status", _("Choose the status of the referral."))
        if kind == SupportKind.SESSION and data.get("participated") is None:
            self.add_error("participated", _("Say whether the parent participated."))
        return data

    def item_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "parent": data["parent"], "kind": data["kind"], "date": data["date"], "description": data["description"],
            "referred_to": data.get("referred_to") or "", "referral_status": data.get("referral_status") or "",
            "participated": data.get("participated"),
        }


class CompletionForm(forms.Form):
    completed_on = date_field(_("Activity completed on"))


class DeleteForm(forms.Form):
    confirm = forms.BooleanField(label=_("Yes, delete this item"), required=True,
                                 error_messages={"required": _("Tick the box to confirm the deletion.")})
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
