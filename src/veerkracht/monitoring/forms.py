"""The dashboard's filter: year, and the quarter in the team leader's exact view of the own organisation
(a GET form that works without JavaScript). The view (own organisation or a region) is checked by
``queries.resolve_view``: a region the user may not open is a 404."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

QUARTER_CHOICES = [("", _("Whole year")), ("1", pgettext_lazy("quarter", "Q1 (January-March)")),
                   ("2", pgettext_lazy("quarter", "Q2 (April-June)")), ("3", pgettext_lazy("quarter", "Q3 (July-September)")),
                   ("4", pgettext_lazy("quarter", "Q4 (October-December)"))]


class FilterForm(forms.Form):
    view = forms.ChoiceField(label=_("Figures of"), required=False)
    year = forms.TypedChoiceField(label=_("Year of admission"), coerce=int, required=False, empty_value=None)
    quarter = forms.TypedChoiceField(label=_("Quarter"), choices=QUARTER_CHOICES, coerce=int, required=False,
                                     empty_value=None)

    def __init__(self, *args, years: Sequence[int], views: Sequence[tuple[str, str]], quarters: bool,  # type: ignore[no-untyped-def]
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(str(y), str(y)) for y in years]
        self.fields["view"].choices = list(views)
        self.fields["year"].error_messages["invalid_choice"] = _(
            "There are no figures for the year %(value)s. Choose one of the years in the list.")
        self.fields["quarter"].error_messages["invalid_choice"] = _(
            "Choose a quarter from 1 to 4, or the whole year.")
        if not quarters:  # protected figures are per whole year (queries: "Quarters only for the own organisation")
            del self.fields["quarter"]
        if len(views) < 2:
            self.fields["view"].widget = forms.HiddenInput()
