"""The methodology as data (versioned definitions) and each child's pathway through it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from veerkracht.clients.models import Stay
from veerkracht.core.fields import EncryptedTextField
from veerkracht.core.models import TimeStampedModel
from veerkracht.organisations.models import Organisation

ADMISSION = "admission"


def _in_language(nl: str, en: str) -> str:
    return nl if (get_language() or "nl").startswith("nl") else en


class Methodology(models.Model):
    """One version of a methodology, loaded from a data file; never rewritten once loaded."""

    code = models.CharField(_("code"), max_length=40)
    version = models.CharField(_("version"), max_length=20)
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    is_default = models.BooleanField(_("default"), default=False)
    checksum = models.CharField(max_length=64, editable=False)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "version"]
        verbose_name = _("methodology")
        verbose_name_plural = _("methodologies")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="methodology_unique_version"),
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="methodology_one_default"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _in_language(self.name_nl, self.name_en)


class ActivityDefinition(models.Model):
    methodology = models.ForeignKey(Methodology, on_delete=models.PROTECT, related_name="activities")
    code = models.CharField(_("code"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"))
    phase = models.CharField(_("phase"), max_length=40)
    phase_nl = models.CharField(max_length=120)
    phase_en = models.CharField(max_length=120)
    responsible_role = models.CharField(_("responsible role"), max_length=30)
    deadline_days = models.PositiveSmallIntegerField(_("deadline (days)"))
    deadline_after = models.CharField(_("deadline counted from"), max_length=40, default=ADMISSION)
    completion = models.CharField(_("completion"), max_length=20, default="manual")
    needs_consent = models.BooleanField(_("needs consent"), default=False)
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        ordering = ["methodology", "order"]
        verbose_name = _("activity definition")
        verbose_name_plural = _("activity definitions")
        constraints = [models.UniqueConstraint(fields=["methodology", "code"], name="activitydefinition_unique_code")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _in_language(self.name_nl, self.name_en)

    @property
    def phase_name(self) -> str:
        return _in_language(self.phase_nl, self.phase_en)


class OrganisationMethodology(models.Model):
    """The methodology version an organisation uses for new stays."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="methodology_setting")
    methodology = models.ForeignKey(Methodology, on_delete=models.PROTECT, related_name="+", verbose_name=_("methodology"))

    class Meta:
        verbose_name = _("methodology of an organisation")
        verbose_name_plural = _("methodologies of organisations")

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.methodology_id}"


class DeadlineOverride(models.Model):
    """An organisation's own deadline for one activity (instead of the project default)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="deadline_overrides")
    activity_definition = models.ForeignKey(ActivityDefinition, on_delete=models.CASCADE, related_name="overrides")
    days = models.PositiveSmallIntegerField(_("deadline (days)"))

    class Meta:
        verbose_name = _("deadline setting")
        verbose_name_plural = _("deadline settings")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "activity_definition"], name="deadlineoverride_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.activity_definition_id} = {self.days}"


class Pathway(models.Model):
    """A child's step plan for one stay. Its methodology is fixed when it is created."""

    stay = models.OneToOneField(Stay, on_delete=models.CASCADE, related_name="pathway")
    methodology = models.ForeignKey(Methodology, on_delete=models.PROTECT, related_name="pathways")
    created_at = models.DateTimeField(auto_now_add=True)
    # Set at discharge: the date, and a summary of every activity's outcome (codes, statuses and dates
    # only - no free text, so the monitoring can count it without decrypting anything).
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    summary = models.JSONField(_("pathway summary"), default=dict, blank=True)

    class Meta:
        verbose_name = _("pathway")
        verbose_name_plural = _("pathways")

    def __str__(self) -> str:
        return f"{self.stay_id}: {self.methodology_id}"


class ActivityStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("activity status", "open")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    NOT_APPLICABLE = "not_applicable", _("not applicable")
    # Only at discharge: the stay ended before the activity was done (with the reason why).
    NOT_DONE = "not_done", _("not done")


CLOSED_STATUSES = (ActivityStatus.DONE, ActivityStatus.NOT_APPLICABLE, ActivityStatus.NOT_DONE)


class PathwayActivity(TimeStampedModel):
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="activities")
    definition = models.ForeignKey(ActivityDefinition, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=ActivityStatus.choices, default=ActivityStatus.OPEN)
    reason = EncryptedTextField(_("reason"), blank=True)
    # The deadline in days as it applied when the pathway was created (a later setting never rewrites it).
    deadline_days = models.PositiveSmallIntegerField(_("deadline (days)"))
    due_date = models.DateField(_("deadline"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="pathway_activities",
        verbose_name=_("assigned worker"),
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    class Meta:
        ordering = ["pathway", "definition__order"]
        verbose_name = _("pathway activity")
        verbose_name_plural = _("pathway activities")
        constraints = [
            models.UniqueConstraint(fields=["pathway", "definition"], name="pathwayactivity_unique"),
            models.CheckConstraint(
                condition=Q(status=ActivityStatus.DONE, completed_on__isnull=False)
                | (~Q(status=ActivityStatus.DONE) & Q(completed_on__isnull=True)),
                name="pathwayactivity_completed_when_done",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"]), models.Index(fields=["assigned_to", "status"])]

    def __str__(self) -> str:
        return f"{self.pathway_id}: {self.definition_id} ({self.status})"

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES
