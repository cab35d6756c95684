"""The intake form: labels follow the form of the intake (the child's age); services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from veerkracht.accounts.roles import CLIENT_ROLES
from veerkracht.clients.forms import UserChoiceField, date_field
from veerkracht.clients.queries import own_organisation_id

from .models import EXPOSURES, IntakeForm
from .services import IntakeData

# Labels that differ per form of the intake: (observation 0-3, conversation 4-11, interview 12-17).
LABELS = {
    "how_child_is_doing": {
        IntakeForm.OBSERVATION: _("How the child is doing (observed with the parent)"),
        IntakeForm.CONVERSATION: _("How the child is doing"),
        IntakeForm.INTERVIEW: _("How the young person is doing"),
    },
    "child_own_words": {
        IntakeForm.OBSERVATION: _("What the child shows and seems to need (observed)"),
        IntakeForm.CONVERSATION: _("What the child says it wants and needs, in its own words (with drawings or cards)"),
        IntakeForm.INTERVIEW: _("What the young person says they want and need, in their own words"),
    },
}
EXPLANATIONS = {
    IntakeForm.OBSERVATION: _(
        "The child is 0 to 3 years old on the date of the conversation: the intake is an observation with the "
        "parent. Watch how the child plays, reacts and seeks contact, and ask the parent what the child "
        "experienced and needs."
    ),
    IntakeForm.CONVERSATION: _(
        "The child is 4 to 11 years old on the date of the conversation: the intake is a conversation with the "
        "child, using drawings or cards to help the child tell what it experienced, how it is doing and what it "
        "wants and needs."
    ),
    IntakeForm.INTERVIEW: _(
        "The young person is 12 to 17 years old on the date of the conversation: the intake is an interview "
        "with the young person about what they experienced, how they are doing and what they want and need."
    ),
}


def _text(label: Any, rows: int = 3, help_text: Any = "") -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=10000, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": rows}))


class IntakeRecordForm(forms.Form):
    conversation_date = date_field(_("Date of the conversation"))
    conducted_by = UserChoiceField(label=_("Conducted by"), queryset=None)
    present = _text(_("Who was present"), rows=2)
    witnessed_parents_hitting = forms.BooleanField(label=EXPOSURES[0][1], required=False)
    severe_abuse_of_mother = forms.BooleanField(label=EXPOSURES[1][1], required=False)
    destruction_in_home = forms.BooleanField(label=EXPOSURES[2][1], required=False)
    arrest_of_parent = forms.BooleanField(label=EXPOSURES[3][1], required=False)
    own_abuse = forms.BooleanField(label=EXPOSURES[4][1], required=False)
    other_exposure = forms.BooleanField(label=EXPOSURES[5][1], required=False)
    other_exposure_text = _text(_("Other exposure to violence, described"), rows=2,
                                help_text=_("Required when 'Other' is ticked."))
    how_child_is_doing = _text(_("How the child is doing"), rows=4)
    child_own_words = _text(_("What the child says it wants and needs, in its own words"), rows=4)
    safety_concerns = _text(_("First safety concerns"), rows=3)
    start_meldcode = forms.BooleanField(
        label=_("Start the Meldcode track for this concern"), required=False,
        help_text=_("Only with safety concerns filled in: they become step 1 (the signals) of the Meldcode track."),
    )
    completed_on = date_field(_("Intake completed on"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    exposure_names = [name for name, _label in EXPOSURES]

    def __init__(self, *args: Any, user: Any, form_used: str, offer_completion: bool, offer_meldcode: bool,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.form_used = form_used
        self.fields["conducted_by"].queryset = (
            get_user_model().objects.filter(
                is_active=True, membership__organisation_id=own_organisation_id(user), membership__role__in=CLIENT_ROLES
            ).order_by("last_name", "first_name", "username")
        )
        for name, labels in LABELS.items():
            self.fields[name].label = labels[form_used]
        if not offer_completion:
            del self.fields["completed_on"]
        if not offer_meldcode:
            del self.fields["start_meldcode"]

    @property
    def form_used_label(self) -> str:
        return str(IntakeForm(self.form_used).label)

    @property
    def explanation(self) -> Any:
        return EXPLANATIONS[self.form_used]

    def exposure_fields(self) -> list[Any]:
        return [self[name] for name in self.exposure_names]

    def detail_fields(self) -> list[Any]:
        skip = set(self.exposure_names) | {"other_exposure_text"}
        return [f for f in self.visible_fields() if f.name not in skip]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("other_exposure") and not (data.get("other_exposure_text") or "").strip():
            self.add_error("other_exposure_text", _("Describe the other exposure to violence."))
        if data.get("start_meldcode") and not (data.get("safety_concerns") or "").strip():
            self.add_error("safety_concerns", _("Describe the safety concerns to start the Meldcode track for them."))
        today = timezone.localdate()
        if data.get("conversation_date") and data["conversation_date"] > today:
            self.add_error("conversation_date", _("The date of the conversation cannot lie in the future."))
        return data

    def intake_data(self) -> IntakeData:
        data = self.cleaned_data
        return IntakeData(**{name: data.get(name) for name in IntakeData.__dataclass_fields__})
