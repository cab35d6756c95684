"""Forms for the Meldcode screens: parse and check input; services do the writing and the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from veerkracht.clients.forms import date_field

from .models import CONSULTATION, DECISION, QUESTIONS, WEIGHING, Decision, Source

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _yes_no(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=YES_NO, coerce=lambda v: v == "yes", empty_value=None, required=False,
        widget=forms.RadioSelect,
    )


class StartForm(forms.Form):
    started_on = date_field(_("Date the signals were mapped"))
    source = forms.ChoiceField(
        label=_("Source"), choices=[c for c in Source.choices if c[0] != Source.INTAKE], initial=Source.SIGNAL
    )
    signals = forms.CharField(
        label=_("Signals"), max_length=10000, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Describe what you saw and heard, as facts: who, what, when. This is step 1 of the Meldcode."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("started_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class StepForm(forms.Form):
    """The form of one step (2..5); the fields depend on the step number."""

    number = forms.IntegerField(widget=forms.HiddenInput)
    date = date_field(_("Date"))

    def __init__(self, *args: Any, number: int, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).update(number=number)
        kwargs["initial"].setdefault("date", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.step_number = number
        self.radio_names: list[str] = []
        if number == CONSULTATION:
            self.fields["consulted_with"] = forms.CharField(
                label=_("Consulted with"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("The colleague and, if consulted, the person at Veilig Thuis."),
            )
            self.fields["consulted_veilig_thuis"] = forms.BooleanField(
                label=_("Veilig Thuis was consulted"), required=False
            )
        elif number == WEIGHING:
            for field, label in QUESTIONS:
                self.fields[field] = _yes_no(label)
                self.radio_names.append(field)
            self.fields["q1_suspicion"].required = True
        elif number == DECISION:
            self.fields["decision"] = forms.ChoiceField(
                label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect
            )
            self.radio_names.append("decision")
            self.fields["report_date"] = date_field(_("Date of the report to Veilig Thuis"), required=False)
            self.fields["report_reference"] = forms.CharField(
                label=_("Veilig Thuis reference"), max_length=200, required=False,
                help_text=_("Required when you report."),
            )
        self.fields["notes"] = forms.CharField(
            label=_("Notes"), max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 5}),
        )

    @property
    def radio_fields(self) -> list[Any]:
        return [self[name] for name in self.radio_names]

    @property
    def plain_fields(self) -> list[Any]:
        return [f for f in self.visible_fields() if f.name not in self.radio_names and f.name != "date"]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kwargs: dict[str, Any] = {"number": data["number"], "date": data["date"], "notes": data.get("notes", "")}
        if self.step_number == CONSULTATION:
            kwargs.update(consulted_veilig_thuis=data.get("consulted_veilig_thuis", False),
                          consulted_with=data.get("consulted_with", ""))
        elif self.step_number == WEIGHING:
            kwargs["answers"] = {field: data.get(field) for field, _label in QUESTIONS}
        elif self.step_number == DECISION:
            kwargs.update(decision=data.get("decision", ""), report_date=data.get("report_date"),
                          report_reference=data.get("report_reference", ""))
        return kwargs
