"""Forms for the safety plan: parse and check input; services do the writing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from veerkracht.clients.forms import date_field

from .models import CONTENT_FIELDS, CONTENT_NAMES, default_plan_language, plan_language_choices
from .services import CODE_WORD_MAX, TEXT_MAX

# The parts of the form: (legend, field names).
FIELDSETS: list[tuple[Any, list[str]]] = [
    (_("Risks and danger signals"), ["risks"]),
    (_("When I feel unsafe"), ["when_unsafe", "safe_places", "safe_persons", "code_word"]),
    (_("Agreements with the parent, the school and the network"),
     ["agreements_parent", "agreements_school", "agreements_network"]),
    (_("Contact with the father"), ["father_contact"]),
    (_("Who knows the plan"), ["who_knows"]),
    (_("In the child's own words"), ["child_words", "drawings"]),
]


class LanguageSelect(forms.Select):
    """A select whose options carry their own ``lang``, so a screen reader reads "Nederlands" in Dutch."""

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        if value:
            option["attrs"]["lang"] = str(value)
        return option


class SafetyPlanForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    base = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    # The codes of settings.VEERKRACHT_PLAN_LANGUAGES, each named in its own language.
    language = forms.ChoiceField(label=_("Language of the plan"), choices=plan_language_choices,
                                 initial=default_plan_language, widget=LanguageSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in CONTENT_FIELDS:
            if name == "code_word":
                field = forms.CharField(label=label, max_length=CODE_WORD_MAX, required=False)
            else:
                field = forms.CharField(label=label, max_length=TEXT_MAX, required=False,
                                        widget=forms.Textarea(attrs={"rows": 3}))
            self.fields[name] = field
        self.fields["language"].help_text = _("The child's PDFs are made in this language.")
        self.fields["language"].widget.attrs["aria-describedby"] = f"{self['language'].auto_id}_helptext"
        self.fields["drawings"].help_text = _("Describe what the child drew and what it said about it.")
        self.fields["drawings"].widget.attrs["aria-describedby"] = f"{self['drawings'].auto_id}_helptext"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not any((data.get(name) or "").strip() for name in CONTENT_NAMES):
            raise forms.ValidationError(_("Fill in at least one part of the safety plan."))
        return data

    def content(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name) or "" for name in CONTENT_NAMES}

    def fieldsets(self) -> list[tuple[Any, list[Any]]]:
        return [(legend, [self[name] for name in names]) for legend, names in FIELDSETS]


class AdoptForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    review_date = date_field(_("Review date"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["review_date"].help_text = _("At most a year ahead.")
        self.fields["review_date"].widget.attrs["aria-describedby"] = f"{self['review_date'].auto_id}_helptext"
