"""Reminders: who is reminded of which deadline, once per event, and the e-mail that says how many.

``send_reminders`` is run daily (``veerkracht send_reminders`` from cron, or the task
``send_reminders_task`` on the queue). It reads every open activity of an open stay that is
overdue or due within ``DUE_SOON_DAYS`` in ONE query (plain values, nothing decrypted), works out
the recipient and inserts the new notifications in bulk; the unique constraint makes a second run
create nothing. E-mails carry counts and a link only - never a child's name, client number or
location.
"""

from __future__ import annotations

import datetime
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from veerkracht.audit.models import Action
from veerkracht.audit.services import record
from veerkracht.pathway.models import ActivityStatus, PathwayActivity
from veerkracht.pathway.queries import visible_activities

from .models import Notification, NotificationKind

logger = logging.getLogger(__name__)

DUE_SOON_DAYS = 7
BATCH_SIZE = 2000
OPEN_STATUSES = (ActivityStatus.OPEN, ActivityStatus.IN_PROGRESS)


def _candidates(today: datetime.date, pathway_ids: Iterable[int] | None = None) -> QuerySet[PathwayActivity]:
    """Open activities of open stays (and open pathways) that are overdue or due within 7 days."""
    qs = PathwayActivity.objects.filter(
        status__in=OPEN_STATUSES,
        due_date__lte=today + datetime.timedelta(days=DUE_SOON_DAYS),
        pathway__stay__discharge_date__isnull=True,
        pathway__closed_on__isnull=True,
    )
    if pathway_ids is not None:
        qs = qs.filter(pathway_id__in=list(pathway_ids))
    return qs


def _recipient(row: dict[str, Any]) -> int | None:
    """The assigned worker, else the child's child worker, else the household's mentor; active users only."""
    for prefix in ("assigned_to", "pathway__stay__person__child_worker", "pathway__stay__person__household__mentor"):
        if row[f"{prefix}_id"] is not None and row[f"{prefix}__is_active"]:
            return row[f"{prefix}_id"]
    return None


def plan_reminders(
    today: datetime.date | None = None, *, pathway_ids: Iterable[int] | None = None
) -> list[Notification]:
    """The notifications that apply today, new or not (unsaved). One query."""
    today = today or timezone.localdate()
    rows = _candidates(today, pathway_ids).values(
        "pk",
        "due_date",
        "assigned_to_id",
        "assigned_to__is_active",
        "pathway__stay__person__child_worker_id",
        "pathway__stay__person__child_worker__is_active",
        "pathway__stay__person__household__mentor_id",
        "pathway__stay__person__household__mentor__is_active",
    )
    planned = []
    for row in rows.iterator(chunk_size=BATCH_SIZE):
        recipient_id = _recipient(row)
        if recipient_id is None:
            continue
        kind = NotificationKind.OVERDUE if row["due_date"] < today else NotificationKind.DUE_SOON
        planned.append(
            Notification(recipient_id=recipient_id, kind=kind, activity_id=row["pk"], due_date=row["due_date"])
        )
    return planned


def send_reminders(
    today: datetime.date | None = None, *, pathway_ids: Iterable[int] | None = None, email: bool | None = None
) -> dict[str, int]:
    """Create today's new reminders (once per event), e-mail the counts where configured, audit the run.

    Returns counts: ``activities`` considered, ``created`` new notifications (``due_soon`` and
    ``overdue``), ``recipients`` with something new, ``emails`` sent. ``email`` overrides the
    setting VEERKRACHT_REMINDER_EMAIL (the demo seeding sends none)."""
    today = today or timezone.localdate()
    if pathway_ids is not None:
        pathway_ids = list(pathway_ids)
    planned = plan_reminders(today, pathway_ids=pathway_ids)
    # What is already there, for the same candidate activities (one query, the candidates as a subquery).
    existing = set(
        Notification.objects.filter(activity__in=_candidates(today, pathway_ids).values("pk")).values_list(
            "recipient_id", "activity_id", "kind", "due_date"
        )
    )
    new = [n for n in planned if (n.recipient_id, n.activity_id, n.kind, n.due_date) not in existing]
    with transaction.atomic():
        # ignore_conflicts: a run at the same moment (cron and queue) cannot make doubles.
        Notification.objects.bulk_create(new, batch_size=BATCH_SIZE, ignore_conflicts=True)
    kinds = Counter(n.kind for n in new)
    per_user: dict[int, Counter[str]] = defaultdict(Counter)
    for n in new:
        per_user[n.recipient_id][n.kind] += 1
    if email is None:
        email = bool(getattr(settings, "VEERKRACHT_REMINDER_EMAIL", False))
    # Mail only after the notifications are committed (never about something rolled back).
    emails = _send_emails(per_user) if email else 0
    result = {
        "activities": len(planned),
        "created": len(new),
        "due_soon": kinds[NotificationKind.DUE_SOON],
        "overdue": kinds[NotificationKind.OVERDUE],
        "recipients": len(per_user),
        "emails": emails,
    }
    record(
        actor=None, action=Action.CREATE, object_type="notifications.reminders", username="system",
        detail=" ".join(f"{k}={v}" for k, v in result.items()) + f" date={today.isoformat()}",
    )
    return result


# --- e-mail ---------------------------------------------------------------------------------


def site_url() -> str:
    """The address users reach Veerkracht at: VEERKRACHT_SITE_URL, else the first allowed host."""
    explicit = getattr(settings, "VEERKRACHT_SITE_URL", "")
    if explicit:
        return explicit.rstrip("/")
    for host in settings.ALLOWED_HOSTS:
        if host and not host.startswith((".", "*")):
            scheme = "https" if settings.PRODUCTION else "http"
            return f"{scheme}://{host}"
    return "http://localhost:8000"


def reminder_email(user: Any, counts: Counter[str]) -> mail.EmailMessage:
    """One message with counts and a link to the worklist, in the user's language. No client data."""
    link = site_url() + reverse("pathway:worklist")
    with translation.override(getattr(user, "language", None) or settings.LANGUAGE_CODE):
        total = counts[NotificationKind.DUE_SOON] + counts[NotificationKind.OVERDUE]
        subject = ngettext(
            "Veerkracht: %(count)d new reminder", "Veerkracht: %(count)d new reminders", total
        ) % {"count": total}
        lines = [
            _("Hello,"),
            "",
            _("Veerkracht has new reminders about deadlines in your work:"),
            "",
            _("- overdue: %(count)d") % {"count": counts[NotificationKind.OVERDUE]},
            _("- due within %(days)d days: %(count)d")
            % {"days": DUE_SOON_DAYS, "count": counts[NotificationKind.DUE_SOON]},
            "",
            _("Log in to see them under My work: %(link)s") % {"link": link},
            "",
            _("This message contains no client details on purpose. Do not reply to it."),
        ]
    return mail.EmailMessage(subject=subject, body="\n".join(lines), to=[user.email])


def _send_emails(per_user: dict[int, Counter[str]]) -> int:
    if not per_user:
        return 0
    users = get_user_model().objects.filter(pk__in=list(per_user), is_active=True).exclude(email="")
    messages = [reminder_email(user, per_user[user.pk]) for user in users]
    if not messages:
        return 0
    try:
        with mail.mailers.default as connection:
            sent = connection.send_messages(messages) or 0
    except OSError:
        # The notifications are stored either way; a mail server that is down must not undo them.
        logger.exception("reminder e-mail could not be sent (%d messages)", len(messages))
        return 0
    return int(sent)


# --- the user's own notifications -------------------------------------------------------------


def own_notifications(user: Any) -> QuerySet[Notification]:
    """The user's notifications about children the user can (still) see, newest first."""
    return (
        Notification.objects.filter(recipient_id=user.pk, activity__in=visible_activities(user))
        .select_related("activity__definition", "activity__pathway__stay__person")
        .defer("activity__reason")
        .order_by("-created_at", "-pk")
    )


def unread_count(user: Any) -> int:
    """Unread notifications of the user about children of the own organisation (one query)."""
    membership = getattr(user, "membership_or_none", None)
    if membership is None or membership.organisation_id is None:
        return 0
    return Notification.objects.filter(
        recipient_id=user.pk, read_at__isnull=True,
        activity__pathway__stay__person__organisation_id=membership.organisation_id,
    ).count()


def do_mark_read(notification: Notification, *, actor: Any) -> bool:
    """Mark one of the actor's own notifications read; returns whether it changed."""
    if notification.recipient_id != getattr(actor, "pk", None):
        raise PermissionDenied
    with transaction.atomic():
        changed = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now(), updated_at=timezone.now()
        )
        if changed:
            record(actor=actor, action=Action.UPDATE, obj=notification, changed_fields=["read_at"],
                   detail="notification read")
    return bool(changed)


def do_mark_all_read(*, actor: Any) -> int:
    """Mark all of the actor's unread notifications read (also those of children now out of sight)."""
    if getattr(actor, "pk", None) is None:
        raise PermissionDenied
    with transaction.atomic():
        now = timezone.now()
        count = Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True).update(
            read_at=now, updated_at=now
        )
        if count:
            record(actor=actor, action=Action.UPDATE, object_type="notifications.notification",
                   changed_fields=["read_at"], detail=f"notifications read={count}")
    return count


def log_list_read(*, actor: Any, count: int) -> None:
    """The list shows several children at once: one read event for the page."""
    record(actor=actor, action=Action.READ, object_type="notifications.list", detail=f"notifications rows={count}")
