"""Forms for referrals: parse and check input; services do the writing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from veerkracht.clients.forms import date_field

from .models import OTHER_KIND_MAX, TO_WHOM_MAX, ClosingReason, Referral, ReferralKind, ReferralStatus
from .services import TEXT_MAX


def _describe(form: forms.Form, *names: str) -> None:
    for name in names:
        form.fields[name].widget.attrs["aria-describedby"] = f"{form[name].auto_id}_helptext"


class ReferralForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of help"), choices=ReferralKind.choices)
    other_kind = forms.CharField(label=_("Other kind of help"), max_length=OTHER_KIND_MAX, required=False,
                                 help_text=_("Only for other help, e.g. play therapy."))
    to_whom = forms.CharField(label=_("Referred to"), max_length=TO_WHOM_MAX,
                              help_text=_("The name of the organisation or practice. Never the shelter's address."))
    sent_on = date_field(_("Sent on"))
    reason = forms.CharField(label=_("Reason for the referral"), max_length=TEXT_MAX, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    note = forms.CharField(label=_("Note"), max_length=TEXT_MAX, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"sent_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        _describe(self, "other_kind", "to_whom")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == ReferralKind.OTHER and not (data.get("other_kind") or "").strip():
            self.add_error("other_kind", _("Name the other kind of help."))
        return data

    def referral_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data.get(name) for name in ("kind", "other_kind", "to_whom", "sent_on", "reason", "note")}


class StatusForm(forms.Form):
    """The next step of a referral: only the statuses allowed from the current one are offered."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    seen = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    status = forms.ChoiceField(label=_("New status"), choices=())
    on = date_field(_("Date"))
    closing_reason = forms.ChoiceField(label=_("Reason for closing"), required=False,
                                       choices=[("", "---------"), *ClosingReason.choices],
                                       help_text=_("Only when you close the referral."))
    note = forms.CharField(label=_("Note"), max_length=TEXT_MAX, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, referral: Referral, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {"on": timezone.localdate(), **kwargs["initial"]}
        super().__init__(*args, **kwargs)
        labels = dict(ReferralStatus.choices)
        self.fields["status"].choices = [(s, labels[s]) for s in referral.next_statuses()]
        _describe(self, "closing_reason")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("status") == ReferralStatus.CLOSED and not data.get("closing_reason"):
            self.add_error("closing_reason", _("Choose why the referral is closed."))
        return data
