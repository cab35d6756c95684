"""Retention: how long records are kept, and which households have expired.

The youth-care record (household, persons, relations, stays) is kept
``RETENTION_YEARS`` (default 20, Jeugdwet since 2020) after the end of the last stay of
the household. Per record type the period can be set in ``RETENTION_YEARS_BY_TYPE``
(a dict in the settings); types without an entry use ``RETENTION_YEARS``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from veerkracht.clients.models import Household, ParentChild, Person, Stay

# Record types with a retention period; other apps add theirs here when they hold data
# with its own period (and connect to privacy.signals.person_anonymised).
RECORD_TYPES = {
    "youth_care_record": _("youth-care record: household, persons, parental authority, stays"),
}


def retention_years(record_type: str = "youth_care_record") -> int:
    overrides = getattr(settings, "RETENTION_YEARS_BY_TYPE", {}) or {}
    return int(overrides.get(record_type, settings.RETENTION_YEARS))


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def cutoff_date(today: datetime.date | None = None, record_type: str = "youth_care_record") -> datetime.date:
    """Stays that ended before this date are past the retention period."""
    return years_before(today or timezone.localdate(), retention_years(record_type))


def expired_households(cutoff: datetime.date) -> QuerySet[Household]:
    """Households with no open stay whose last stay ended before ``cutoff`` and that
    still have a member who has not been anonymised."""
    open_stay = Stay.objects.filter(person__household_id=OuterRef("pk"), discharge_date__isnull=True)
    not_yet = Person.objects.filter(household_id=OuterRef("pk"), anonymisation__isnull=True)
    last_end = (
        Stay.objects.filter(person__household_id=OuterRef("pk"))
        .values("person__household_id")
        .annotate(last=Max("discharge_date"))
        .values("last")
    )
    return (
        Household.objects.annotate(last_end=last_end)
        .filter(last_end__lt=cutoff)
        .filter(~Exists(open_stay), Exists(not_yet))
        .order_by("pk")
    )


@dataclass
class PurgePlan:
    cutoff: datetime.date
    years: int
    household_ids: list[int] = field(default_factory=list)
    persons_by_kind: dict[str, int] = field(default_factory=dict)
    relations: int = 0
    stays_kept: int = 0

    @property
    def persons(self) -> int:
        return sum(self.persons_by_kind.values())


def plan_purge(today: datetime.date | None = None) -> PurgePlan:
    years = retention_years()
    cutoff = cutoff_date(today)
    plan = PurgePlan(cutoff=cutoff, years=years)
    plan.household_ids = list(expired_households(cutoff).values_list("pk", flat=True))
    persons = Person.objects.filter(household_id__in=plan.household_ids, anonymisation__isnull=True)
    for kind in persons.values_list("kind", flat=True):
        plan.persons_by_kind[kind] = plan.persons_by_kind.get(kind, 0) + 1
    plan.relations = ParentChild.objects.filter(child__household_id__in=plan.household_ids).count()
    plan.stays_kept = Stay.objects.filter(person__household_id__in=plan.household_ids).count()
    return plan
