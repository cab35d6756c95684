"""Forms of the methodology settings screen (pathway.configuration does the writing)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .configuration import MAX_DAYS, MIN_DAYS, DeadlineRow
from .models import Methodology


class MethodologyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.version})"


class MethodologyForm(forms.Form):
    methodology = MethodologyChoiceField(
        label=_("Methodology version for new stays"),
        queryset=Methodology.objects.order_by("code", "version"),
        empty_label=None,
        help_text=_("Children admitted from now on get this version. Running pathways keep their own version."),
    )
    fingerprint = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["methodology"].widget.attrs["aria-describedby"] = "id_m-methodology_helptext"


def days_field_name(row: DeadlineRow) -> str:
    return f"days_{row.definition.pk}"


class DeadlinesForm(forms.Form):
    """One optional number of days per activity of the methodology (empty = the project default)."""

    fingerprint = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, rows: list[DeadlineRow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            name = days_field_name(row)
            self.fields[name] = forms.IntegerField(
                label=row.definition.name, required=False, min_value=MIN_DAYS, max_value=MAX_DAYS,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": MIN_DAYS, "max": MAX_DAYS}),
                error_messages={
                    "min_value": _("A deadline is between %(min)d and %(max)d days.") % {"min": MIN_DAYS, "max": MAX_DAYS},
                    "max_value": _("A deadline is between %(min)d and %(max)d days.") % {"min": MIN_DAYS, "max": MAX_DAYS},
                    "invalid": _("Enter a whole number of days."),
                },
            )
            self.fields[name].widget.attrs["aria-describedby"] = f"default-{row.definition.pk}"

    def table(self) -> list[tuple[DeadlineRow, forms.BoundField]]:
        return [(row, self[days_field_name(row)]) for row in self.rows]

    def days(self) -> dict[int, int | None]:
        return {row.definition.pk: self.cleaned_data.get(days_field_name(row)) for row in self.rows}
