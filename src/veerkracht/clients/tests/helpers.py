from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from veerkracht.audit.models import AuditEvent
from veerkracht.clients.models import Household, ParentChild, Person, Stay


def counts() -> dict[str, int]:
    return {
        "persons": Person.objects.count(),
        "households": Household.objects.count(),
        "stays": Stay.objects.count(),
        "relations": ParentChild.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def iso(date: datetime.date) -> str:
    return date.strftime("%Y-%m-%d")


def years_ago(years: int, days: int = 0) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=days)


def registration_data(location: Any, children: list[dict[str, Any]] | None = None, **overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    if children is None:
        children = [
            {"first_name": "Lotte", "last_name": "Bakker", "birth_date": iso(years_ago(6))},
            {"first_name": "Daan", "last_name": "Bakker", "birth_date": iso(years_ago(3))},
        ]
    data: dict[str, Any] = {
        "stay-location": location.pk,
        "stay-care_type": "24h",
        "stay-admission_date": iso(today - datetime.timedelta(days=1)),
        "stay-reason": "domestic_violence",
        "stay-team": "",
        "stay-mentor": "",
        "parent-first_name": "Sanne",
        "parent-last_name": "Bakker",
        "parent-birth_date": iso(years_ago(32)),
        "parent-kind": "mother",
        "children-TOTAL_FORMS": str(len(children)),
        "children-INITIAL_FORMS": "0",
        "children-MIN_NUM_FORMS": "0",
        "children-MAX_NUM_FORMS": "20",
        "save": "1",
    }
    for i, child in enumerate(children):
        data[f"children-{i}-first_name"] = child.get("first_name", "")
        data[f"children-{i}-last_name"] = child.get("last_name", "")
        data[f"children-{i}-birth_date"] = child.get("birth_date", "")
        data[f"children-{i}-gender"] = child.get("gender", "u")
        data[f"children-{i}-authority"] = child.get("authority", "yes" if child else "unknown")
        data[f"children-{i}-child_worker"] = child.get("child_worker", "")
    data.update(overrides)
    return data
