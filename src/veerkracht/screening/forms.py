"""Forms for screenings: parse and check input; services do the scoring and the writing.

The questionnaire form has one field per item (radio buttons, not required: a missing answer is
the instrument's rule to judge) or one number per scale for the instruments whose licence allows
only the entry of scale scores."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from veerkracht.clients.forms import date_field

from .models import Decision, Entry
from .services import TEXT_MAX

ITEM_PREFIX = "item_"
SCALE_PREFIX = "scale_"
TO_WHOM_MAX = 120


def item_label(item: Any) -> str:
    """The item's text where it is shipped (or imported); else its number, for entry from the paper form."""
    text = item.label
    if text:
        return f"{item.number}. {text}"
    return str(_("Item %(number)s") % {"number": item.number})


@dataclass
class Cell:
    value: str
    id: str
    checked: bool


@dataclass
class Row:
    item: Any
    bound: Any
    label: str
    row_id: str
    cells: list[Cell]


@dataclass
class Section:
    """Consecutive items with the same answer options: one table, the options as its columns."""

    options: tuple[Any, ...]
    title: str = ""  # the part of the form (e.g. "Part 2: symptoms"), when the instrument has parts
    rows: list[Row] = field(default_factory=list)
    number: int = 1


class AdministerForm(forms.Form):
    administered_on = date_field(_("Filled in on"))
    note = forms.CharField(label=_("Note"), max_length=TEXT_MAX, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("For example who helped the child fill it in. Not the answers themselves."))

    def __init__(self, *args: Any, instrument: Any, parents: list[Any] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"administered_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.fields["note"].widget.attrs["aria-describedby"] = f"{self['note'].auto_id}_helptext"
        if parents is not None:
            self.fields["subject"] = forms.TypedChoiceField(
                label=_("Filled in by (about herself)"), coerce=int,
                choices=[("", "---------")] + [(p.pk, p.full_name) for p in parents])
            self.order_fields(["subject"])
        if instrument.entry == Entry.SCALE_SCORES:
            for scale in self.scales():
                self.fields[SCALE_PREFIX + scale.code] = forms.IntegerField(
                    label=scale.label, required=False, min_value=scale.min, max_value=scale.max,
                    help_text=_("%(min)s to %(max)s") % {"min": scale.min, "max": scale.max},
                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
        else:
            for item in instrument.items:
                self.fields[ITEM_PREFIX + item.link_id] = forms.ChoiceField(
                    label=item_label(item), required=False,
                    choices=[(o.code, o.label) for o in item.options], widget=forms.RadioSelect)

    def scales(self) -> list[Any]:
        """The scales whose scores are entered (the engine sums the total from them)."""
        return list(self.instrument.scales)

    def scale_fields(self) -> list[Any]:
        return [self[SCALE_PREFIX + s.code] for s in self.scales()] if self.instrument.entry == Entry.SCALE_SCORES \
            else []

    def answers(self) -> dict[str, str]:
        return {name[len(ITEM_PREFIX):]: value for name, value in self.cleaned_data.items()
                if name.startswith(ITEM_PREFIX)}

    def scale_scores(self) -> dict[str, int | None]:
        return {name[len(SCALE_PREFIX):]: value for name, value in self.cleaned_data.items()
                if name.startswith(SCALE_PREFIX)}

    def sections(self) -> list[Section]:
        """The items as tables of rows, a new table where the answer options change (no queries)."""
        if self.instrument.entry == Entry.SCALE_SCORES:
            return []
        groups = {g.code: g for g in getattr(self.instrument, "groups", ())}
        sections: list[Section] = []
        current_group: Any = object()
        for item in self.instrument.items:
            options = tuple((o.code, o.display) for o in item.options)
            if not sections or item.group != current_group \
                    or tuple((o.code, o.display) for o in sections[-1].options) != options:
                group = groups.get(item.group)
                sections.append(Section(options=tuple(item.options), title=group.label if group else "",
                                        number=len(sections) + 1))
                current_group = item.group
            bound = self[ITEM_PREFIX + item.link_id]
            value = bound.value()
            value = "" if value is None else str(value)
            cells = [Cell(o.code, f"{bound.auto_id}_{i}", value == o.code) for i, o in enumerate(item.options)]
            # the last column takes an answer back: the item counts as missing
            cells.append(Cell("", f"{bound.auto_id}_none", self.is_bound and value == ""))
            sections[-1].rows.append(Row(item=item, bound=bound, label=item_label(item),
                                         row_id=f"{bound.auto_id}_label", cells=cells))
        return sections


class DecideForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    to_whom = forms.CharField(label=_("Referred to"), max_length=TO_WHOM_MAX, required=False,
                              help_text=_("Only for a referral to trauma treatment: the name of the organisation or "
                                          "practice. Never the shelter's address."))
    reason = forms.CharField(label=_("Reason"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}))
    decided_on = date_field(_("Decided on"))

    def __init__(self, *args: Any, about_parent: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {"decided_on": timezone.localdate(), **kwargs["initial"]}
        super().__init__(*args, **kwargs)
        self.fields["to_whom"].widget.attrs["aria-describedby"] = f"{self['to_whom'].auto_id}_helptext"
        if about_parent:  # a parent's own questionnaire never becomes a referral of the child
            self.fields["decision"].choices = [c for c in Decision.choices if c[0] != Decision.TRAUMA_REFERRAL]
            del self.fields["to_whom"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == Decision.TRAUMA_REFERRAL and not (data.get("to_whom") or "").strip():
            self.add_error("to_whom", _("Fill in the organisation the child is referred to."))
        return data
