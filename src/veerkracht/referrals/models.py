"""Referrals (issue 5, point 4): a child referred to trauma treatment, youth care, the GP, school
support or other help, followed until it is closed. Every status change appends an event; an event
is never changed (the history is append-only)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from veerkracht.core.fields import EncryptedTextField
from veerkracht.core.models import TimeStampedModel
from veerkracht.pathway.models import Pathway

TO_WHOM_MAX = 120
OTHER_KIND_MAX = 80


class ReferralKind(models.TextChoices):
    TRAUMA_TREATMENT = "trauma_treatment", pgettext_lazy("referral kind", "individual trauma treatment")
    YOUTH_CARE = "youth_care", pgettext_lazy("referral kind", "youth care")
    GP = "gp", pgettext_lazy("referral kind", "general practitioner (GP)")
    SCHOOL_SUPPORT = "school_support", pgettext_lazy("referral kind", "school support")
    OTHER = "other", pgettext_lazy("referral kind", "other help")


class ReferralStatus(models.TextChoices):
    SENT = "sent", pgettext_lazy("referral status", "sent")
    ACCEPTED = "accepted", pgettext_lazy("referral status", "accepted")
    WAITING = "waiting", pgettext_lazy("referral status", "waiting list")
    STARTED = "started", pgettext_lazy("referral status", "help started")
    DECLINED = "declined", pgettext_lazy("referral status", "declined")
    CLOSED = "closed", pgettext_lazy("referral status", "closed")


class ClosingReason(models.TextChoices):
    COMPLETED = "completed", pgettext_lazy("referral closing reason", "help completed")
    WITHDRAWN = "withdrawn", pgettext_lazy("referral closing reason", "withdrawn")
    OTHER_HELP = "other_help", pgettext_lazy("referral closing reason", "other help found")
    NOT_NEEDED = "not_needed", pgettext_lazy("referral closing reason", "no longer needed")
    LEFT = "left", pgettext_lazy("referral closing reason", "the child left the shelter")
    OTHER = "other", pgettext_lazy("referral closing reason", "other reason")


# The allowed next statuses. Every open status can also be closed (with a reason); closed is final.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    ReferralStatus.SENT: (ReferralStatus.ACCEPTED, ReferralStatus.WAITING, ReferralStatus.DECLINED,
                          ReferralStatus.STARTED, ReferralStatus.CLOSED),
    ReferralStatus.ACCEPTED: (ReferralStatus.WAITING, ReferralStatus.STARTED, ReferralStatus.DECLINED,
                              ReferralStatus.CLOSED),
    ReferralStatus.WAITING: (ReferralStatus.STARTED, ReferralStatus.DECLINED, ReferralStatus.CLOSED),
    ReferralStatus.STARTED: (ReferralStatus.CLOSED,),
    ReferralStatus.DECLINED: (ReferralStatus.CLOSED,),
    ReferralStatus.CLOSED: (),
}
OPEN_STATUSES = tuple(s for s in ReferralStatus.values if s != ReferralStatus.CLOSED)


class Referral(TimeStampedModel):
    """One referral of a child. ``status`` and ``status_since`` repeat the latest event, so the
    worklist reads one row per referral."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="referrals")
    kind = models.CharField(_("kind of help"), max_length=20, choices=ReferralKind.choices)
    other_kind = models.CharField(_("other kind of help"), max_length=OTHER_KIND_MAX, blank=True)
    to_whom = models.CharField(_("referred to"), max_length=TO_WHOM_MAX)
    reason = EncryptedTextField(_("reason for the referral"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ReferralStatus.choices,
                              default=ReferralStatus.SENT, db_index=True)
    sent_on = models.DateField(_("sent on"))
    status_since = models.DateField(_("status since"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closing_reason = models.CharField(_("reason for closing"), max_length=20, choices=ClosingReason.choices,
                                      blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("referred by"),
    )

    class Meta:
        ordering = ["pathway", "-sent_on", "-pk"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ReferralKind.values), name="referral_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=ReferralStatus.values), name="referral_status_valid"),
            models.CheckConstraint(condition=~Q(kind=ReferralKind.OTHER) | ~Q(other_kind=""),
                                   name="referral_other_kind_named"),
            models.CheckConstraint(
                condition=(Q(status=ReferralStatus.CLOSED, closed_on__isnull=False) & ~Q(closing_reason=""))
                | (~Q(status=ReferralStatus.CLOSED) & Q(closed_on__isnull=True, closing_reason="")),
                name="referral_closed_has_date_and_reason",
            ),
            models.CheckConstraint(condition=Q(status_since__gte=F("sent_on")), name="referral_status_after_sent"),
            models.CheckConstraint(condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("sent_on")),
                                   name="referral_closed_after_sent"),
        ]
        indexes = [models.Index(fields=["pathway", "status"], name="referral_pathway_status")]

    def __str__(self) -> str:
        return f"referral {self.pk} ({self.kind}, {self.status})"

    @property
    def is_open(self) -> bool:
        return self.status != ReferralStatus.CLOSED

    @property
    def kind_label(self) -> str:
        """What the child is referred to: the kind, or the named other kind of help."""
        if self.kind == ReferralKind.OTHER and self.other_kind:
            return self.other_kind
        return str(self.get_kind_display())

    def next_statuses(self) -> tuple[str, ...]:
        return TRANSITIONS.get(self.status, ())


class ReferralEvent(models.Model):
    """One step in a referral's history: the status it reached and on which day. Append-only."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=10, choices=ReferralStatus.choices)
    on = models.DateField(_("date"))
    note = EncryptedTextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["referral", "on", "pk"]
        verbose_name = _("referral event")
        verbose_name_plural = _("referral events")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ReferralStatus.values), name="referralevent_status_valid"),
        ]

    def __str__(self) -> str:
        return f"referral {self.referral_id}: {self.status} on {self.on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("a referral event is never changed; record a new event instead")
        super().save(*args, **kwargs)
