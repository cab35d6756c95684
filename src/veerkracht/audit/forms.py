from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Action

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LogFilterForm(forms.Form):
    client_number = forms.CharField(label=_("Client number"), required=False, max_length=32)
    username = forms.CharField(label=_("User"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[("", _("all actions")), *Action.choices])
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label=_("Up to and including"), required=False, widget=DATE_WIDGET)

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise forms.ValidationError(_("The end of the period lies before its start."))
        return data
