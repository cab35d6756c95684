"""Forms for the help plan: parse and check input; services do the writing and the final checks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from veerkracht.clients.forms import date_field

from .models import DURATION_MAX, SCORE_MAX, SCORE_MIN, ContactKind, Domain, Goal
from .services import TEXT_MAX, WHO_MAX


def _textarea(label: Any, *, required: bool = False, rows: int = 3) -> forms.CharField:
    return forms.CharField(label=label, max_length=TEXT_MAX, required=required,
                           widget=forms.Textarea(attrs={"rows": rows}))


def _score(label: Any, *, required: bool) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=SCORE_MIN, max_value=SCORE_MAX, required=required)


def _describe(form: forms.Form, name: str, text: Any) -> None:
    """A help text, announced with the field (set before the bound field is first made: it copies it)."""
    form.fields[name].help_text = text
    form.fields[name].widget.attrs["aria-describedby"] = f"{form[name].auto_id}_helptext"


def goal_label(goal: Goal) -> str:
    return f"{goal.get_domain_display()}: {goal.description}"


class PlanForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    base = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100000)
    child_view = _textarea(_("The child's view"))
    parent_view = _textarea(_("The parent's view"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _describe(self, "child_view", _("What the child wants and thinks of the plan, in its own words."))


class GoalForm(forms.Form):
    """One goal of the plan. All fields are optional here: an empty new row is skipped, and the
    service says which goal misses what."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    domain = forms.ChoiceField(label=_("Life domain"), choices=[("", "---------"), *Domain.choices], required=False)
    description = _textarea(_("Goal"), rows=2)
    start_score = _score(_("Score at the start (0-10)"), required=False)
    remove = forms.BooleanField(label=_("Remove this goal"), required=False)

    def row(self) -> dict[str, Any] | None:
        """The goal for the service, or None for an empty new row."""
        data = getattr(self, "cleaned_data", {}) or {}
        goal_id = data.get("id")
        if goal_id is None:
            if data.get("remove") or not (data.get("domain") or (data.get("description") or "").strip()
                                          or data.get("start_score") is not None):
                return None
            return {"domain": data.get("domain"), "description": data.get("description"),
                    "start_score": data.get("start_score")}
        if data.get("remove"):
            return {"id": goal_id, "remove": True}
        return {"id": goal_id, "domain": data.get("domain"), "description": data.get("description"),
                "start_score": data.get("start_score")}


GoalFormSet = forms.formset_factory(GoalForm, extra=2, max_num=50, absolute_max=60)


def goal_initial(goal: Goal) -> dict[str, Any]:
    return {"id": goal.pk, "domain": goal.domain, "description": goal.description, "start_score": goal.start_score}


class AdoptForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    adopted_on = date_field(_("Adopted on"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _describe(self, "adopted_on", _("The first evaluation is due %(weeks)s weeks later.")
                  % {"weeks": _weeks()})


def _weeks() -> int:
    from .services import evaluation_interval

    return evaluation_interval().days // 7


class AddActionForm(forms.Form):
    goal = forms.TypedChoiceField(label=_("For the goal"), coerce=int)
    who = forms.CharField(label=_("Who"), max_length=WHO_MAX)
    what = _textarea(_("What"), required=True, rows=2)
    due_on = date_field(_("By when"), required=False)

    def __init__(self, *args: Any, goals: list[Goal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goal"].choices = [(g.pk, goal_label(g)) for g in goals]
        _describe(self, "who", _("For example: the mentor, the mother, the child worker."))


class ActionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    who = forms.CharField(label=_("Who"), max_length=WHO_MAX)
    what = _textarea(_("What"), required=True, rows=2)
    due_on = date_field(_("By when"), required=False)
    done_on = date_field(_("Done on"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _describe(self, "done_on", _("Leave empty while the action is still open."))


class EvaluationForm(forms.Form):
    held_on = date_field(_("Date of the evaluation"))
    notes = _textarea(_("Notes"), rows=4)
    child_view = _textarea(_("The child's view"))
    parent_view = _textarea(_("The parent's view"))

    def __init__(self, *args: Any, goals: list[Goal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goals = goals
        for goal in goals:
            field = _score(goal_label(goal), required=True)
            field.error_messages["required"] = _("Give a score for every goal.")
            self.fields[f"score_{goal.pk}"] = field
            previous = goal.latest_score if getattr(goal, "latest_score", None) is not None else goal.start_score
            _describe(self, f"score_{goal.pk}", _("0 is very bad, 10 is very good. Last score: %(score)s.")
                      % {"score": previous})
        self.fields["held_on"].initial = timezone.localdate()

    def score_fields(self) -> list[forms.BoundField]:
        return [self[f"score_{goal.pk}"] for goal in self.goals]

    def text_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("held_on", "notes", "child_view", "parent_view")]

    def scores(self) -> dict[int, int]:
        return {goal.pk: self.cleaned_data[f"score_{goal.pk}"] for goal in self.goals}


class ContactForm(forms.Form):
    date = date_field(_("Date"))
    kind = forms.ChoiceField(label=_("Kind of contact"), choices=[("", "---------"), *ContactKind.choices])
    duration_minutes = forms.IntegerField(label=_("Duration in minutes"), min_value=1, max_value=DURATION_MAX)
    with_whom = forms.CharField(label=_("With whom"), max_length=WHO_MAX, required=False)
    notes = _textarea(_("Notes"), rows=4)
    goals = forms.TypedMultipleChoiceField(label=_("The goals it served"), coerce=int, required=False,
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, goals: list[Goal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goals"].choices = [(g.pk, goal_label(g)) for g in goals]
        self.fields["date"].initial = timezone.localdate()
        _describe(self, "with_whom", _("For example: the child, the child and its mother, the teacher."))

    def visible_without_goals(self) -> list[forms.BoundField]:
        return [f for f in self.visible_fields() if f.name != "goals"]
