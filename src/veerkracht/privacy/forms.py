from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AccessReportForm(forms.Form):
    client_number = forms.CharField(label=_("Client number"), max_length=32)
    date_from = forms.DateField(label=_("From (date)"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Up to and including (date)"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start of the period lies after its end."))
        return data


class PeriodForm(forms.Form):
    date_from = forms.DateField(required=False)
    date_to = forms.DateField(required=False)


class ErasureRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("The request"),
        help_text=_("Who asked (the legal representative or the young person of 16 or over), when, and what for."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class ErasureDecisionForm(forms.Form):
    DECISIONS = [("approve", _("Approve and anonymise now")), ("reject", _("Reject"))]
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Decision note"),
        help_text=_("Required when rejecting, for example because of the legal duty to keep youth-care records."),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("note") or "").strip():
            self.add_error("note", _("Give the reason for rejecting the request."))
        return data
