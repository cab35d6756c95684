"""Reminders about a child's pathway activities, one per event (recipient, activity, kind, due date)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from veerkracht.core.models import TimeStampedModel
from veerkracht.pathway.models import PathwayActivity


class NotificationKind(models.TextChoices):
    DUE_SOON = "due_soon", _("due soon")
    OVERDUE = "overdue", _("overdue")


class Notification(TimeStampedModel):
    """A reminder for one user about one activity's due date.

    Unique per (recipient, activity, kind, due date): a second run creates nothing new, a moved
    due date is a new event. No free text: the page shows the activity and the child from the
    pathway itself."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=NotificationKind.choices)
    activity = models.ForeignKey(
        PathwayActivity, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("activity")
    )
    due_date = models.DateField(_("deadline"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "activity", "kind", "due_date"], name="notification_once_per_event"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_new"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.activity_id} {self.kind} {self.due_date}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
