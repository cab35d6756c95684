"""Screening (activity 4): an administration of an instrument for a child (or a parent), scored by
the engine when it is saved, and a signal when the result lies in a clinical band or a critical
item (PHQ-9 item 9) is answered above its lowest answer.

The instruments themselves are data (``definitions/``, read through ``engine``); an administration
keeps the instrument's id and version and the result as it was scored then, so a later version of
a definition never rewrites the history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from veerkracht.clients.models import Person
from veerkracht.core.fields import EncryptedTextField
from veerkracht.core.models import TimeStampedModel
from veerkracht.pathway.models import Pathway

INSTRUMENT_ID_MAX = 60
INSTRUMENT_VERSION_MAX = 30
BAND_MAX = 40


class Respondent(models.TextChoices):
    CHILD = "child", pgettext_lazy("screening respondent", "the child")
    CAREGIVER = "caregiver", pgettext_lazy("screening respondent", "a caregiver")
    PROFESSIONAL = "professional", pgettext_lazy("screening respondent", "a professional")
    PARENT_SELF = "parent_self", pgettext_lazy("screening respondent", "the parent about herself")


class Entry(models.TextChoices):
    ITEMS = "items", _("item answers")
    SCALE_SCORES = "scale_scores", _("scale scores")


class Administration(TimeStampedModel):
    """One completed questionnaire. The result fields are the engine's result at saving time."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="screenings")
    # The child of the pathway, or the parent for an instrument about the parent herself (PHQ-9).
    subject = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="screenings",
                                verbose_name=_("about"))
    instrument_id = models.CharField(_("instrument"), max_length=INSTRUMENT_ID_MAX, db_index=True)
    instrument_version = models.CharField(_("version of the instrument"), max_length=INSTRUMENT_VERSION_MAX)
    respondent = models.CharField(_("respondent"), max_length=12, choices=Respondent.choices)
    entry = models.CharField(_("entered as"), max_length=12, choices=Entry.choices, default=Entry.ITEMS)
    administered_on = models.DateField(_("administered on"))
    answers = models.JSONField(_("answers"), default=dict, blank=True)  # linkId -> answer code
    scale_scores = models.JSONField(_("scale scores"), default=dict, blank=True)  # scale code -> score
    note = EncryptedTextField(_("note"), blank=True)
    # The result, as scored when the administration was saved.
    valid = models.BooleanField(_("valid"), default=False)
    invalid_reason = models.TextField(_("why the result is invalid"), blank=True)
    total = models.IntegerField(_("total score"), null=True, blank=True)
    scales = models.JSONField(_("subscale scores"), default=dict, blank=True)  # scale code -> score or None
    band = models.CharField(_("band"), max_length=BAND_MAX, blank=True)
    scale_bands = models.JSONField(_("subscale bands"), default=dict, blank=True)  # scale code -> band code or ""
    clinical = models.BooleanField(_("in the clinical range"), default=False)
    missing = models.JSONField(_("missing answers"), default=list, blank=True)
    # linkIds of critical items (PHQ-9 item 9) answered above their lowest answer - for a valid and an
    # invalid result alike: such an answer needs attention whatever the total.
    critical_items = models.JSONField(_("items that need attention"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["pathway", "instrument_id", "administered_on", "pk"]
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        constraints = [
            models.CheckConstraint(condition=Q(respondent__in=Respondent.values), name="administration_respondent"),
            models.CheckConstraint(condition=Q(entry__in=Entry.values), name="administration_entry_valid"),
            models.CheckConstraint(condition=Q(valid=True) | Q(clinical=False),
                                   name="administration_invalid_not_clinical"),
            models.CheckConstraint(condition=Q(valid=True) | ~Q(invalid_reason=""),
                                   name="administration_invalid_has_reason"),
        ]
        indexes = [models.Index(fields=["pathway", "instrument_id", "administered_on"],
                                name="administration_course")]

    def __str__(self) -> str:
        return f"screening {self.pk} ({self.instrument_id})"

    def attention_notes(self) -> list[str]:
        """In words, per critical item answered above its lowest answer, e.g. "Item 9 needs attention:
        answered above 'not at all'" (no query; the item's number and lowest answer come from the
        instrument's definition, the linkId when the definition is no longer shipped)."""
        if not self.critical_items:
            return []
        from .queries import known_instrument

        inst = known_instrument(self.instrument_id)
        notes = []
        for link_id in self.critical_items:
            item = inst.item(link_id) if inst is not None else None
            if inst is None or item is None:
                notes.append(gettext("Item %(number)s needs attention: answered above the lowest answer.")
                             % {"number": link_id})
                continue
            group = next((g for g in inst.groups if g.code == item.group), None)
            number = f"{group.label} {item.number}" if group is not None else str(item.number)
            lowest = item.lowest_option.label
            notes.append(gettext("Item %(number)s needs attention: answered above '%(lowest)s'.")
                         % {"number": number, "lowest": lowest[:1].lower() + lowest[1:]})
        return notes


class SignalStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("screening signal", "open")
    DECIDED = "decided", pgettext_lazy("screening signal", "decided")


class Decision(models.TextChoices):
    TRAUMA_REFERRAL = "trauma_referral", _("refer to trauma treatment")
    OTHER_REFERRAL = "other_referral", _("another referral")
    GUIDANCE = "guidance", _("no referral: guidance within the help plan")
    OTHER = "other", pgettext_lazy("screening decision", "other")


class Signal(TimeStampedModel):
    """A result in a clinical band, or a critical item answered above its lowest answer, waits for the
    gedragswetenschapper's decision."""

    administration = models.OneToOneField(Administration, on_delete=models.CASCADE, related_name="signal")
    status = models.CharField(_("status"), max_length=10, choices=SignalStatus.choices, default=SignalStatus.OPEN,
                              db_index=True)
    opened_on = models.DateField(_("raised on"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("decided by"),
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    reason = EncryptedTextField(_("reason"), blank=True)
    referral = models.ForeignKey("referrals.Referral", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("referral"))

    class Meta:
        ordering = ["opened_on", "pk"]
        verbose_name = _("screening signal")
        verbose_name_plural = _("screening signals")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=SignalStatus.values), name="signal_status_valid"),
            models.CheckConstraint(
                condition=(Q(status=SignalStatus.OPEN, decided_on__isnull=True, decision=""))
                | (Q(status=SignalStatus.DECIDED, decided_on__isnull=False) & Q(decision__in=Decision.values)),
                name="signal_decided_has_date_and_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"signal {self.pk} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == SignalStatus.OPEN

    @property
    def urgent(self) -> bool:
        """A critical answer (PHQ-9 item 9): decided on the day itself, overdue from the first day."""
        return bool(self.administration.critical_items)
