"""Forms for group courses: parse and check input; services do the writing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from veerkracht.accounts.models import User
from veerkracht.accounts.roles import CLIENT_ROLES
from veerkracht.clients.forms import date_field

from . import queries
from .models import DropoutReason, GroupStatus, Session
from .services import DAYS_BETWEEN, NAME_MAX, TEXT_MAX, TOPIC_MAX


class ChildChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.client_number})"


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_kind_display()} {obj.number} ({obj.date:%d-%m-%Y})"


class TrainerField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class GroupForm(forms.Form):
    template = forms.ModelChoiceField(label=_("Course"), queryset=None, empty_label=None)  # type: ignore[arg-type]
    name = forms.CharField(label=_("Name of the group"), max_length=NAME_MAX,
                           help_text=_("For example the course and the season: Storm en Spetters spring 2027."))
    start_date = date_field(_("Date of the first session"))
    days_between = forms.IntegerField(label=_("Days between sessions"), min_value=1, max_value=31,
                                      initial=DAYS_BETWEEN)
    max_children = forms.IntegerField(label=_("Maximum number of children"), min_value=1, required=False,
                                      help_text=_("Empty: the maximum of the course."))
    meeting_place = forms.CharField(label=_("Meeting place"), max_length=TEXT_MAX, required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}),
                                    help_text=_("Only your own organisation sees the meeting place."))
    trainers = TrainerField(label=_("Trainers"), queryset=None, required=False,  # type: ignore[arg-type]
                            widget=forms.CheckboxSelectMultiple)
    region = forms.ModelChoiceField(label=_("Open to other organisations in the region"), queryset=None,  # type: ignore[arg-type]
                                    required=False, empty_label=_("No, only for our own children"),
                                    help_text=_("Workers of other organisations in this region can then enrol "
                                                "their children (they do not see the meeting place)."))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        membership = user.membership_or_none
        self.fields["template"].queryset = queries.templates_for(user)
        self.fields["trainers"].queryset = User.objects.filter(
            membership__organisation_id=membership.organisation_id, membership__role__in=CLIENT_ROLES,
            is_active=True).order_by("last_name", "first_name", "username")
        self.fields["region"].queryset = membership.organisation.regions.all()
        for name in ("name", "max_children", "meeting_place", "region"):
            self.fields[name].widget.attrs["aria-describedby"] = f"{self[name].auto_id}_helptext"

    def group_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data.get(name) for name in ("template", "name", "start_date", "days_between", "max_children",
                                                  "meeting_place", "region")} | {
            "trainers": list(data.get("trainers") or [])}


class EnrolForm(forms.Form):
    child = ChildChoiceField(label=_("Child"), queryset=None)  # type: ignore[arg-type]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = queries.children_to_enrol(user)


class AttendanceForm(forms.Form):
    """One checkbox per child (or parent at a parent session), plus the session's notes."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    notes = forms.CharField(label=_("Notes about the session"), max_length=TEXT_MAX, required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, pairs: list[tuple[Any, Any]], parent_session: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pairs = pairs
        notes = self.fields.pop("notes")
        for enrolment, person in pairs:
            if parent_session:
                label = _("%(parent)s (parent of %(child)s)") % {"parent": person.first_name,
                                                                  "child": enrolment.child.first_name}
            else:
                label = person.first_name
            self.fields[self.key(enrolment, person)] = forms.BooleanField(label=label, required=False)
        self.fields["notes"] = notes

    @staticmethod
    def key(enrolment: Any, person: Any) -> str:
        return f"present_{enrolment.pk}_{person.pk}"

    def present(self) -> dict[tuple[int, int], bool]:
        return {(e.pk, p.pk): bool(self.cleaned_data.get(self.key(e, p))) for e, p in self.pairs}


class DropoutForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    reason = forms.ChoiceField(label=_("Reason for dropping out"), choices=[("", "---------"), *DropoutReason.choices])
    on = date_field(_("Date"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {"on": timezone.localdate(), **kwargs["initial"]}
        super().__init__(*args, **kwargs)


class MakeupForm(forms.Form):
    makeup_for = SessionChoiceField(label=_("Makes up for"), queryset=Session.objects.none(), empty_label=None)
    date = date_field(_("Date of the make-up session"))

    def __init__(self, *args: Any, group: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["makeup_for"].queryset = Session.objects.filter(group=group, is_makeup=False).order_by(
            "date", "kind", "number")


class GroupStatusForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    status = forms.ChoiceField(label=_("New status"), choices=[
        (GroupStatus.RUNNING, GroupStatus.RUNNING.label), (GroupStatus.COMPLETED, GroupStatus.COMPLETED.label)])


class TopicsForm(forms.Form):
    """One topic per child session of the course."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, template: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number in range(1, template.sessions + 1):
            self.fields[f"topic_{number}"] = forms.CharField(
                label=_("Session %(number)s") % {"number": number}, max_length=TOPIC_MAX,
                initial=template.topic_for(number))

    def topics(self) -> list[str]:
        return [self.cleaned_data.get(name) or "" for name in self.fields if name.startswith("topic_")]


class GroupEditForm(forms.Form):
    """Name, maximum size, meeting place, trainers and the region of an existing group."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    name = forms.CharField(label=_("Name of the group"), max_length=NAME_MAX)
    max_children = forms.IntegerField(label=_("Maximum number of children"), min_value=1,
                                      help_text=_("Not lower than the number of children enrolled. A higher maximum "
                                                  "admits children from the waiting list straight away."))
    meeting_place = forms.CharField(label=_("Meeting place"), max_length=TEXT_MAX, required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}),
                                    help_text=_("Only your own organisation sees the meeting place."))
    trainers = TrainerField(label=_("Trainers"), queryset=None, required=False,  # type: ignore[arg-type]
                            widget=forms.CheckboxSelectMultiple)
    region = forms.ModelChoiceField(label=_("Open to other organisations in the region"), queryset=None,  # type: ignore[arg-type]
                                    required=False, empty_label=_("No, only for our own children"),
                                    help_text=_("Workers of other organisations in this region can then enrol "
                                                "their children (they do not see the meeting place)."))

    def __init__(self, *args: Any, user: Any, group: Any, **kwargs: Any) -> None:
        if not args or args[0] is None:
            kwargs.setdefault("initial", {
                "version": group.version, "name": group.name, "max_children": group.max_children,
                "meeting_place": group.meeting_place, "trainers": [t.pk for t in group.trainers.all()],
                "region": group.region_id})
        super().__init__(*args, **kwargs)
        membership = user.membership_or_none
        self.fields["trainers"].queryset = User.objects.filter(
            membership__organisation_id=membership.organisation_id, membership__role__in=CLIENT_ROLES,
            is_active=True).order_by("last_name", "first_name", "username")
        self.fields["region"].queryset = membership.organisation.regions.all()
        for name in ("max_children", "meeting_place", "region"):
            self.fields[name].widget.attrs["aria-describedby"] = f"{self[name].auto_id}_helptext"

    def group_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data.get(name) for name in ("name", "max_children", "meeting_place", "region")} | {
            "trainers": list(data.get("trainers") or []), "expected_version": data["version"]}


class SessionDateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    date = date_field(_("New date"))


class InstrumentChoiceField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


def instrument_choices(respondent: str) -> list[tuple[str, str]]:
    """The screening engine's active questionnaires of one respondent, with their age range."""
    from veerkracht.screening.engine import definitions

    choices = []
    for instrument in sorted(definitions.registry().values(), key=lambda i: (i.min_age, i.label)):
        if instrument.respondent == respondent and instrument.status_active:
            ages = (f"{instrument.min_age}-{instrument.max_age}" if instrument.max_age is not None
                    else f"{instrument.min_age}+")
            label = instrument.label if ages in instrument.label else _("%(name)s (%(ages)s years)") % {
                "name": instrument.label, "ages": ages}
            choices.append((instrument.id, label))
    return choices


class CourseTemplateForm(forms.Form):
    """An organisation's own course template. The numbers are checked by the service (with the limits
    in its messages), so the form only parses them."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    name = forms.CharField(label=_("Name of the course"), max_length=NAME_MAX)
    min_age = forms.IntegerField(label=_("Minimum age (years)"), help_text=_("From 0 to 18."))
    max_age = forms.IntegerField(label=_("Maximum age (years)"), help_text=_("From 0 to 18."))
    sessions = forms.IntegerField(label=_("Number of child sessions"), help_text=_("From 1 to 30."))
    minutes = forms.IntegerField(label=_("Minutes per session"), help_text=_("From 15 to 240."))
    max_children = forms.IntegerField(label=_("Maximum number of children"), help_text=_("From 1 to 20."))
    parent_sessions = forms.IntegerField(label=_("Number of parent sessions"), initial=0,
                                         help_text=_("From 0 to 30; held on the dates of the first child sessions."))
    focus_on_violence = forms.BooleanField(label=_("Focus on domestic violence"), required=False)
    child_instruments = InstrumentChoiceField(label=_("Questionnaires for the child"), required=False)
    caregiver_instruments = InstrumentChoiceField(label=_("Questionnaires for the parent or caregiver"),
                                                  required=False)
    topics = forms.CharField(label=_("Session topics"), required=False, widget=forms.Textarea(attrs={"rows": 9}),
                             help_text=_("One topic per line, as many lines as child sessions; or leave empty."))
    active = forms.BooleanField(label=_("Active: offered for new groups"), required=False, initial=True)

    def __init__(self, *args: Any, template: Any = None, **kwargs: Any) -> None:
        if template is not None and (not args or args[0] is None):
            kwargs.setdefault("initial", {
                "version": template.version, "name": template.name, "min_age": template.min_age,
                "max_age": template.max_age, "sessions": template.sessions, "minutes": template.minutes,
                "max_children": template.max_children, "parent_sessions": template.parent_sessions,
                "focus_on_violence": template.focus_on_violence, "active": template.active,
                "child_instruments": list(template.instruments or []),
                "caregiver_instruments": list(template.instruments or []),
                "topics": "\n".join(str(t) for t in template.topics or [])})
        super().__init__(*args, **kwargs)
        self.fields["child_instruments"].choices = instrument_choices("child")
        self.fields["caregiver_instruments"].choices = instrument_choices("caregiver")
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"{self[name].auto_id}_helptext"

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data.get(name) for name in ("name", "min_age", "max_age", "sessions", "minutes",
                                                  "max_children", "parent_sessions", "focus_on_violence",
                                                  "active")} | {
            "instruments": list(data.get("child_instruments") or []) + list(data.get("caregiver_instruments") or []),
            "topics": (data.get("topics") or "").splitlines()}
