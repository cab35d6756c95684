"""The Meldcode huiselijk geweld en kindermishandeling: a child's track through its five steps."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from veerkracht.clients.models import Person
from veerkracht.core.fields import EncryptedTextField
from veerkracht.core.models import TimeStampedModel

SIGNALS, CONSULTATION, CONVERSATION, WEIGHING, DECISION = 1, 2, 3, 4, 5

STEP_NAMES = {
    SIGNALS: _("signals"),
    CONSULTATION: _("consultation"),
    CONVERSATION: _("conversation with the client"),
    WEIGHING: _("weighing"),
    DECISION: _("decision"),
}

STEP_DESCRIPTIONS = {
    SIGNALS: _("Map the signals."),
    CONSULTATION: _("Consult a colleague and, where needed, Veilig Thuis."),
    CONVERSATION: _("Talk with the client (the parent and, where possible, the child)."),
    WEIGHING: _("Weigh the situation with the afwegingskader. Acute or structural unsafety means a report "
                "to Veilig Thuis is required."),
    DECISION: _("Decide: report to Veilig Thuis and/or provide or organise help."),
}

# Afwegingskader: the five questions of step 4, by field name.
QUESTIONS = (
    ("q1_suspicion", _("1. Is there a suspicion of domestic violence or child abuse?")),
    ("q2_unsafety", _("2. Is there acute unsafety or structural unsafety?")),
    ("q3_can_help", _("3. Can I, given my expertise, provide or organise sufficient help?")),
    ("q4_help_accepted", _("4. Do the persons involved accept that help?")),
    ("q5_help_works", _("5. Does the help lead to the desired result regarding safety and wellbeing?")),
)


class Source(models.TextChoices):
    INTAKE = "intake", _("concern at the intake")
    SIGNAL = "signal", _("signal during the stay")
    OTHER = "other", _("other")


class Decision(models.TextChoices):
    REPORT = "report", _("Report to Veilig Thuis")
    HELP = "help", _("Provide or organise help")
    REPORT_AND_HELP = "report_and_help", _("Report to Veilig Thuis and provide or organise help")
    CLOSE = "close", _("Close without action")


REPORTING_DECISIONS = (Decision.REPORT, Decision.REPORT_AND_HELP)


class MeldcodeTrack(TimeStampedModel):
    """One pass through the Meldcode for a child. At most one open track per child; a closed
    track stays for history."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="meldcode_tracks", verbose_name=_("child"))
    started_on = models.DateField(_("started on"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.SIGNAL)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("started by"),
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name = _("Meldcode track")
        verbose_name_plural = _("Meldcode tracks")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(closed_on__isnull=True), name="meldcodetrack_one_open_per_child"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.started_on}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class MeldcodeStep(TimeStampedModel):
    track = models.ForeignKey(MeldcodeTrack, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField(_("step"), choices=[(n, n) for n in STEP_NAMES])
    date = models.DateField(_("date"))
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("taken by"),
    )
    notes = EncryptedTextField(_("notes"), blank=True)
    # step 2
    consulted_veilig_thuis = models.BooleanField(_("Veilig Thuis consulted"), default=False)
    consulted_with = EncryptedTextField(_("consulted with"), blank=True)
    # step 4: the afwegingskader
    q1_suspicion = models.BooleanField(null=True, blank=True)
    q2_unsafety = models.BooleanField(null=True, blank=True)
    q3_can_help = models.BooleanField(null=True, blank=True)
    q4_help_accepted = models.BooleanField(null=True, blank=True)
    q5_help_works = models.BooleanField(null=True, blank=True)
    # step 5
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    report_date = models.DateField(_("date of the report"), null=True, blank=True)
    report_reference = EncryptedTextField(_("Veilig Thuis reference"), blank=True)

    class Meta:
        ordering = ["track", "number"]
        verbose_name = _("Meldcode step")
        verbose_name_plural = _("Meldcode steps")
        constraints = [
            models.UniqueConstraint(fields=["track", "number"], name="meldcodestep_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1, number__lte=5), name="meldcodestep_number_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.track_id}: {self.number}"

    @property
    def name(self) -> str:
        return str(STEP_NAMES[self.number])

    @property
    def answers(self) -> list[tuple[str, bool | None]]:
        return [(str(label), getattr(self, field)) for field, label in QUESTIONS]

    @property
    def reported(self) -> bool:
        return self.decision in REPORTING_DECISIONS
