import datetime

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from .models import Action

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# A period filter outside these years is a typing error; at the edges of the calendar
# (0001-01-01, 9999-12-31) the time-zone arithmetic of the query would overflow.
FIRST_DATE, LAST_DATE = datetime.date(2000, 1, 1), datetime.date(2999, 12, 31)


def _period_date(label):  # type: ignore[no-untyped-def]
    return forms.DateField(
        label=label,
        required=False,
        widget=DATE_WIDGET,
        validators=[
            MinValueValidator(FIRST_DATE, message=_("Choose a date from 2000 onwards.")),
            MaxValueValidator(LAST_DATE, message=_("Choose a date before the year 3000.")),
        ],
    )


class LogFilterForm(forms.Form):
    client_number = forms.CharField(label=_("Client number"), required=False, max_length=32)
    username = forms.CharField(label=_("User"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[("", _("all actions")), *Action.choices])
    date_from = _period_date(_("From"))
    date_to = _period_date(_("Up to and including"))

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise forms.ValidationError(_("The end of the period lies before its start."))
        return data
