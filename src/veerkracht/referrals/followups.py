"""Open referrals on "Mijn werk" (a follow-up provider, registered in ReferralsConfig.ready()).

Every open referral is an item until someone closes it - a declined one too, for the worker must
find other help. A referral still "sent" after SENT_ANSWER_DAYS, or on the waiting list for more
than WAITING_LIST_WEEKS, or accepted without the help starting for ACCEPTED_START_WEEKS, is overdue:
time to call the organisation."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext

from veerkracht.pathway.followups import FollowUp
from veerkracht.pathway.queries import OPEN, OVERDUE

from .models import Referral, ReferralStatus

KIND = "referral"
SENT_ANSWER_DAYS = 14  # an answer is expected within two weeks of sending
WAITING_LIST_WEEKS = 6  # after six weeks on a waiting list, ask again or look for other help
ACCEPTED_START_WEEKS = 6  # accepted, but no start date or waiting list after six weeks: ask


def follow_up_date(referral: Referral) -> datetime.date | None:
    """The last day the referral can stay in its status before it is overdue (None: no limit)."""
    if referral.status == ReferralStatus.SENT:
        return referral.sent_on + datetime.timedelta(days=SENT_ANSWER_DAYS)
    if referral.status == ReferralStatus.WAITING:
        return referral.status_since + datetime.timedelta(weeks=WAITING_LIST_WEEKS)
    if referral.status == ReferralStatus.ACCEPTED:
        return referral.status_since + datetime.timedelta(weeks=ACCEPTED_START_WEEKS)
    return None


def title(referral: Referral) -> str:
    return gettext("Referral to %(kind)s: %(status)s") % {
        "kind": referral.kind_label, "status": referral.get_status_display()}


def referral_followups(pathways: Any, today: datetime.date) -> Iterator[FollowUp]:
    """One item per open referral of these pathways (one query)."""
    referrals = (
        Referral.objects.filter(pathway__in=pathways).exclude(status=ReferralStatus.CLOSED)
        .select_related("pathway__stay__person")
        .defer("reason")
        .order_by("sent_on", "pk")
    )
    for referral in referrals:
        limit = follow_up_date(referral)
        overdue = limit is not None and today > limit
        yield FollowUp(
            child=referral.pathway.stay.person, kind=KIND, title=title(referral),
            state=OVERDUE if overdue else OPEN, due_date=limit if overdue else None,
            url=reverse("referrals:detail", kwargs={"pk": referral.pk}),
        )
