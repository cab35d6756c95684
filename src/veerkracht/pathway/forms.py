"""Forms for the pathway screens: parse and check input; services do the writing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from veerkracht.accounts.roles import CLIENT_ROLES
from veerkracht.clients.forms import UserChoiceField, date_field
from veerkracht.clients.queries import own_organisation_id

from .models import ActivityStatus


class ActivityForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[c for c in ActivityStatus.choices if c[0] != ActivityStatus.NOT_DONE]
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the activity does not apply."),
    )
    completed_on = date_field(_("Completed on"), required=False)
    assigned_to = UserChoiceField(label=_("Assigned worker"), queryset=None, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = (
            get_user_model()
            .objects.filter(
                is_active=True, membership__organisation_id=own_organisation_id(user), membership__role__in=CLIENT_ROLES
            )
            .order_by("last_name", "first_name", "username")
        )
        self.fields["reason"].widget.attrs["aria-describedby"] = "id_reason_helptext"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("status") == ActivityStatus.NOT_APPLICABLE and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason why this activity does not apply."))
        return data


class OutcomeForm(forms.Form):
    """The outcome of one open activity at discharge (one per activity, prefixed)."""

    status = forms.ChoiceField(
        label=_("Outcome"), widget=forms.RadioSelect,
        choices=[(ActivityStatus.DONE, _("done")), (ActivityStatus.NOT_APPLICABLE, _("not applicable")),
                 (ActivityStatus.NOT_DONE, _("not done"))],
        error_messages={"required": _("Choose an outcome.")},
    )
    completed_on = date_field(_("Completed on"), required=False)
    reason = forms.CharField(
        label=_("Reason (why not applicable or not done)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, activity: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.activity = activity

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        status = data.get("status")
        if status in (ActivityStatus.NOT_APPLICABLE, ActivityStatus.NOT_DONE) and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason."))
        return data
