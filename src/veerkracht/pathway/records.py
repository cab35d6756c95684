"""Which record pages belong to which core activity, and how saving a record moves the activity.

The records themselves live in small apps (intake, fathers, family, network); the pathway only
knows them by kind and URL name. A record kind maps to the activity codes it serves in each
methodology: in Veerkracht 2012 every record has its own activity; in Veerkracht 2018 father
contact, parenting and network together make up the "exploration" task, so saving one of them
never completes that task on its own.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import ActivityStatus, Pathway, PathwayActivity

INTAKE = "intake"
FATHER_CONTACT = "father_contact"
PARENTING = "parenting"
NETWORK = "network"
PARENT_SUPPORT = "parent_support"
SAFETY_PLAN = "safety_plan"
HELP_PLAN = "help_plan"
SCREENING = "screening"


@dataclass(frozen=True)
class RecordKind:
    kind: str
    label: Promise
    url_name: str  # reversed with kwargs={"pk": pathway.pk}
    activity_codes: tuple[str, ...]  # the activity codes this record serves, in any methodology


RECORD_KINDS: dict[str, RecordKind] = {
    r.kind: r
    for r in (
        RecordKind(INTAKE, _("Intake record"), "intake:edit", ("intake",)),
        RecordKind(FATHER_CONTACT, _("Contact with the father"), "fathers:overview", ("father_contact", "exploration")),
        RecordKind(PARENTING, _("Parenting and living situation"), "family:parenting", ("parenting", "exploration")),
        RecordKind(NETWORK, _("Network and ecomap"), "network:overview", ("network", "exploration")),
        RecordKind(PARENT_SUPPORT, _("Support of parents"), "family:support", ("parent_support",)),
        RecordKind(SAFETY_PLAN, _("Safety plan"), "safety:plan", ("safety_plan", "safety")),
        RecordKind(SCREENING, _("Screening"), "screening:overview", ("screening", "exploration")),
        RecordKind(HELP_PLAN, _("Help plan"), "plans:plan", ("action_plan", "plan_guidance")),
    )
}


def records_for_activity(code: str) -> list[RecordKind]:
    """The record pages shown with an activity of the step plan."""
    return [r for r in RECORD_KINDS.values() if code in r.activity_codes]


def _activity(pathway: Pathway, kind: str) -> PathwayActivity | None:
    codes = RECORD_KINDS[kind].activity_codes
    return (
        PathwayActivity.objects.select_related("definition", "pathway__stay__person")
        .filter(pathway=pathway, definition__code__in=codes)
        .order_by("definition__order")
        .first()
    )


def activity_for(pathway: Pathway, kind: str) -> PathwayActivity | None:
    """The activity of this pathway that the record serves (None when its methodology has none)."""
    return _activity(pathway, kind)


def completes_activity(pathway: Pathway, kind: str) -> bool:
    """True when this record alone completes its activity (not when it is one part of a larger task)."""
    activity = _activity(pathway, kind)
    if activity is None:
        return False
    return len(records_for_activity(activity.definition.code)) == 1


def do_record_progress(
    pathway: Pathway, kind: str, *, completed_on: datetime.date | None = None, actor: Any
) -> PathwayActivity | None:
    """Move the record's activity on after the record was saved: open becomes in progress; with
    ``completed_on`` (and only when the record alone completes it) the activity becomes done.

    Call inside the record service's transaction. A closed activity is left as it is."""
    from .services import do_update_activity

    activity = _activity(pathway, kind)
    if activity is None or activity.is_closed:
        return activity
    if completed_on is not None and completes_activity(pathway, kind):
        target, date = ActivityStatus.DONE, min(completed_on, timezone.localdate())
    elif activity.status == ActivityStatus.OPEN:
        target, date = ActivityStatus.IN_PROGRESS, None
    else:
        return activity
    do_update_activity(
        activity, status=target, completed_on=date, assigned_to=activity.assigned_to,
        reason=activity.reason, expected_version=activity.version, actor=actor,
    )
    return activity


def record_links(activity: PathwayActivity) -> list[tuple[str, str]]:
    """(label, url) of the record pages of one step-plan activity (no queries)."""
    from django.urls import NoReverseMatch, reverse

    links = []
    for r in records_for_activity(activity.definition.code):
        try:
            links.append((str(r.label), reverse(r.url_name, kwargs={"pk": activity.pathway_id})))
        except NoReverseMatch:  # the record's app has not been installed
            continue
    return links


def child_page_links(person: Any, pathway: Pathway | None) -> list[tuple[str, str]]:
    """(label, url) of a child's pages beside the step plan: the Meldcode track, consent, referrals and
    the handover (no queries)."""
    from django.urls import NoReverseMatch, reverse

    pages = [(_("Meldcode"), "meldcode:track", person.pk)]
    if pathway is not None:
        pages.append((_("Consent"), "consent:overview", pathway.pk))
        pages.append((_("Referrals"), "referrals:list", pathway.pk))
        pages.append((_("Handover"), "handover:overview", pathway.pk))
    links = []
    for label, name, pk in pages:
        try:
            links.append((str(label), reverse(name, kwargs={"pk": pk})))
        except NoReverseMatch:  # the app has not been installed
            continue
    return links
