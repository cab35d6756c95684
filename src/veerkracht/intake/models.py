"""Activity 1 of Veerkracht: an intake for every child, in a form that suits the child's age."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from veerkracht.clients.models import age_on
from veerkracht.core.fields import EncryptedTextField
from veerkracht.core.models import TimeStampedModel
from veerkracht.pathway.models import Pathway


class IntakeForm(models.TextChoices):
    OBSERVATION = "observation", _("observation with the parent")
    CONVERSATION = "conversation", _("conversation with the child using drawings or cards")
    INTERVIEW = "interview", _("interview")


# The age bands (age in whole years on the date of the conversation).
YOUNGEST_CONVERSATION_AGE = 4  # 0-3: observation with the parent
YOUNGEST_INTERVIEW_AGE = 12  # 4-11: conversation with drawings or cards; 12-17: interview


def form_for_age(age: int | None) -> str:
    """The intake form for a child of this age; an unknown age gets the conversation with drawings
    or cards (the worker can adapt it)."""
    if age is None:
        return IntakeForm.CONVERSATION
    if age < YOUNGEST_CONVERSATION_AGE:
        return IntakeForm.OBSERVATION
    if age < YOUNGEST_INTERVIEW_AGE:
        return IntakeForm.CONVERSATION
    return IntakeForm.INTERVIEW


def form_for_child(birth_date: datetime.date | None, on: datetime.date) -> str:
    return form_for_age(age_on(birth_date, on))


# The exposure to violence, as (field name, label).
EXPOSURES = (
    ("witnessed_parents_hitting", _("Witnessed the parents hitting each other")),
    ("severe_abuse_of_mother", _("Severe abuse of the mother")),
    ("destruction_in_home", _("Destruction in the home")),
    ("arrest_of_parent", _("Arrest of a parent")),
    ("own_abuse", _("Was abused itself")),
    ("other_exposure", _("Other")),
)


class IntakeRecord(TimeStampedModel):
    pathway = models.OneToOneField(Pathway, on_delete=models.CASCADE, related_name="intake")
    conversation_date = models.DateField(_("date of the conversation"))
    form_used = models.CharField(_("form of the intake"), max_length=20, choices=IntakeForm.choices)
    conducted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("conducted by"),
    )
    present = EncryptedTextField(_("who was present"), blank=True)
    witnessed_parents_hitting = models.BooleanField(_("witnessed the parents hitting each other"), default=False)
    severe_abuse_of_mother = models.BooleanField(_("severe abuse of the mother"), default=False)
    destruction_in_home = models.BooleanField(_("destruction in the home"), default=False)
    arrest_of_parent = models.BooleanField(_("arrest of a parent"), default=False)
    own_abuse = models.BooleanField(_("was abused itself"), default=False)
    other_exposure = models.BooleanField(_("other exposure to violence"), default=False)
    other_exposure_text = EncryptedTextField(_("other exposure to violence, described"), blank=True)
    how_child_is_doing = EncryptedTextField(_("how the child is doing"), blank=True)
    child_own_words = EncryptedTextField(_("what the child wants and needs"), blank=True)
    safety_concerns = EncryptedTextField(_("first safety concerns"), blank=True)

    class Meta:
        verbose_name = _("intake record")
        verbose_name_plural = _("intake records")

    def __str__(self) -> str:
        return f"{self.pathway_id}: {self.conversation_date}"

    @property
    def exposures(self) -> list[str]:
        """Labels of the ticked exposures."""
        return [str(label) for field, label in EXPOSURES if getattr(self, field)]
