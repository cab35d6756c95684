"""Consent for help to a child (Jeugdwet 7.3.4 / 7.3.5) and the refusal step plan (VWS 2016).

Consent records are appended, never edited: a later record of the same person for the same
subject supersedes the earlier one ("withdrawn" ends consent). So there are no lost edits.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from veerkracht.clients.models import Person
from veerkracht.core.fields import EncryptedTextField
from veerkracht.core.models import TimeStampedModel
from veerkracht.pathway.models import ActivityDefinition, Pathway

SHARING = "sharing"  # the extra subject: sharing information with a next care provider
SHARING_LABEL = _("Sharing information with a next care provider")


class Decision(models.TextChoices):
    GIVEN = "given", _("consent given")
    REFUSED = "refused", _("consent refused")
    WITHDRAWN = "withdrawn", _("consent withdrawn")


class How(models.TextChoices):
    IN_PERSON = "in_person", _("in person")
    PHONE = "phone", _("by phone")
    WRITING = "writing", _("in writing")


class ConsentRecord(TimeStampedModel):
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="consent_records")
    subject = models.ForeignKey(
        ActivityDefinition, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("subject")
    )
    subject_code = models.CharField(_("subject"), max_length=40)
    given_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consent_records", verbose_name=_("person"))
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    date = models.DateField(_("date"))
    how = models.CharField(_("how"), max_length=10, choices=How.choices)
    note = EncryptedTextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        ordering = ["pathway", "subject_code", "date", "id"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        indexes = [models.Index(fields=["pathway", "subject_code", "given_by"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(subject__isnull=True, subject_code=SHARING) | (Q(subject__isnull=False) & ~Q(subject_code=SHARING)),
                name="consentrecord_subject_matches_code",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pathway_id}: {self.subject_code} {self.given_by_id} {self.decision}"

    @property
    def subject_label(self) -> str:
        return self.subject.name if self.subject_id else str(SHARING_LABEL)


class ProcedureDecision(models.TextChoices):
    PROCEED = "proceed", _("proceed without this parent's consent")
    DO_NOT_PROCEED = "do_not_proceed", _("do not proceed")


class RefusalProcedure(TimeStampedModel):
    """The VWS (2016) step plan when one parent with authority refuses while the other parent
    (or the child of 12 to 15) consents. Steps are recorded in order."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="refusal_procedures")
    subject = models.ForeignKey(ActivityDefinition, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    subject_code = models.CharField(_("subject"), max_length=40)
    refusing_parent = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="refusal_procedures", verbose_name=_("refusing parent")
    )
    started_on = models.DateField(_("started on"))
    decision = models.CharField(_("decision"), max_length=16, choices=ProcedureDecision.choices, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        ordering = ["pathway", "subject_code", "created_at", "id"]
        verbose_name = _("refusal step plan")
        verbose_name_plural = _("refusal step plans")
        constraints = [
            models.UniqueConstraint(
                fields=["pathway", "subject_code"], condition=Q(closed_on__isnull=True), name="refusalprocedure_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pathway_id}: {self.subject_code} ({self.decision or 'open'})"

    @property
    def subject_label(self) -> str:
        return self.subject.name if self.subject_id else str(SHARING_LABEL)

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class Step(models.IntegerChoices):
    TALK = 1, _("Talk with the refusing parent about the objections")
    CONSULT = 2, _("Consult the behavioural scientist")
    WEIGH = 3, _("Weigh: is the help necessary to prevent serious harm, or does the child (12 to 15) persistently want it?")
    DECIDE = 4, _("Decide: proceed without this parent's consent, or do not proceed")
    INFORM = 5, _("Inform both parents of the decision")


class ProcedureStep(TimeStampedModel):
    procedure = models.ForeignKey(RefusalProcedure, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField(_("step"), choices=Step.choices)
    date = models.DateField(_("date"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    notes = EncryptedTextField(_("notes"))
    # Step 3 (weighing) and step 4 (the behavioural scientist's finding)
    serious_harm = models.BooleanField(_("necessary to prevent serious harm"), default=False)
    child_persists = models.BooleanField(_("the child persistently wants the help"), default=False)
    # Step 4
    decision = models.CharField(_("decision"), max_length=16, choices=ProcedureDecision.choices, blank=True)

    class Meta:
        ordering = ["procedure", "number"]
        verbose_name = _("step of the refusal step plan")
        verbose_name_plural = _("steps of the refusal step plan")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="procedurestep_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1, number__lte=5), name="procedurestep_number_range"),
            models.CheckConstraint(
                condition=Q(number=4, decision__in=["proceed", "do_not_proceed"]) | (~Q(number=4) & Q(decision="")),
                name="procedurestep_decision_on_step_4",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure_id}: {self.number}"
