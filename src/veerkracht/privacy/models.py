"""Privacy: erasure requests (AVG art. 17) with four-eyes approval, and the record of
which persons were anonymised (by the retention purge or by an erasure)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from veerkracht.clients.models import Person
from veerkracht.core.fields import EncryptedTextField


class ErasureStatus(models.TextChoices):
    REQUESTED = "requested", _("requested")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    CARRIED_OUT = "carried_out", _("carried out")


class ErasureRequest(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="erasure_requests", verbose_name=_("client"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    reason = EncryptedTextField(_("reason for the request"))
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=12, choices=ErasureStatus.choices, default=ErasureStatus.REQUESTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = EncryptedTextField(_("decision note"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        constraints = [
            # four eyes, in the database too: the one who decides is never the one who asked
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("requested_by")),
                name="erasure_decided_by_second_person",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(decision_note=""),
                name="erasure_rejection_has_note",
            ),
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="requested"), name="erasure_one_open_request_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.client_number} ({self.get_status_display()})"


class AnonymisationReason(models.TextChoices):
    RETENTION = "retention", _("retention period expired")
    ERASURE = "erasure", _("erasure request")


class Anonymisation(models.Model):
    """That (and why) a person was anonymised; keeps the purge idempotent."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="anonymisation")
    reason = models.CharField(_("reason"), max_length=12, choices=AnonymisationReason.choices)
    anonymised_at = models.DateTimeField(_("anonymised at"), auto_now_add=True)
    erasure_request = models.ForeignKey(ErasureRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("anonymisation")
        verbose_name_plural = _("anonymisations")

    def __str__(self) -> str:
        return f"{self.person_id} ({self.reason})"
