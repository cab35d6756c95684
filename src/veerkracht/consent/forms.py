"""Forms of the consent pages: parse and check input; services do the writing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from veerkracht.clients.forms import date_field
from veerkracht.clients.models import Person

from .models import Decision, How, ProcedureDecision, Step


def person_label(person: Person) -> str:
    return f"{person.full_name} ({person.get_kind_display()})"


class ConsentForm(forms.Form):
    subject = forms.ChoiceField(label=_("Subject"))
    person = forms.TypedChoiceField(label=_("Given by"), coerce=int)
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    date = date_field(_("Date"))
    how = forms.ChoiceField(label=_("How"), choices=How.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, subjects: list[Any], persons: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.persons = {p.pk: p for p in persons}
        self.fields["subject"].choices = [("", "---------")] + [(s.code, s.label) for s in subjects]
        self.fields["person"].choices = [("", "---------")] + [(p.pk, person_label(p)) for p in persons]

    def clean_date(self) -> Any:
        date = self.cleaned_data.get("date")
        if date and date > timezone.localdate():
            raise forms.ValidationError(_("The date cannot lie in the future."))
        return date

    def clean_person(self) -> Person:
        return self.persons[self.cleaned_data["person"]]


class StepForm(forms.Form):
    """The next step of the refusal step plan; the fields depend on the step."""

    number = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    date = date_field(_("Date"))
    notes = forms.CharField(label=_("Notes"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    serious_harm = forms.BooleanField(label=_("The help is necessary to prevent serious harm to the child"), required=False)
    child_persists = forms.BooleanField(label=_("The child (12 to 15) persistently wants the help"), required=False)
    decision = forms.ChoiceField(label=_("Decision"), choices=ProcedureDecision.choices, widget=forms.RadioSelect)

    def __init__(self, *args: Any, step: int, child_12_to_15: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if step not in (Step.WEIGH, Step.DECIDE):
            del self.fields["serious_harm"]
        if step != Step.WEIGH or not child_12_to_15:
            del self.fields["child_persists"]
        if step != Step.DECIDE:
            del self.fields["decision"]
        else:
            self.fields["serious_harm"].label = _(
                "As behavioural scientist I find that the help is necessary to prevent serious harm to the child"
            )

    def clean_date(self) -> Any:
        date = self.cleaned_data.get("date")
        if date and date > timezone.localdate():
            raise forms.ValidationError(_("The date cannot lie in the future."))
        return date
