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
