"""Everything about one child for a subject-access request (AVG art. 15).

One structure feeds both the JSON and the PDF. A document that leaves the
organisation never names a location (nor its address): stays say "shelter location"
and the type of care only.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.translation import gettext as _

from veerkracht.clients import queries as client_queries
from veerkracht.clients.models import Person

from . import queries

SCHEMA_VERSION = "1"


def _date(value: Any) -> Any:
    return value or None  # dates stay dates: the PDF formats them d-m-Y, the JSON as ISO 8601


def subject_access_data(person: Person) -> dict[str, Any]:
    household = person.household
    members = list(client_queries.household_members(household))
    relations = list(client_queries.household_relations(household))
    stays = list(client_queries.stays_with_history(person))
    rows = queries.access_rows(queries.access_events(person))
    location_label = _("shelter location")

    summary: OrderedDict[tuple[str, str, str], dict[str, Any]] = OrderedDict()
    for row in rows:
        key = (row.user_name, row.role, row.organisation)
        item = summary.setdefault(
            key, {"user": row.user_name, "role": row.role, "organisation": row.organisation, "events": 0,
                  "first": row.timestamp, "last": row.timestamp}
        )
        item["events"] += 1
        item["last"] = row.timestamp

    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": timezone.localtime().replace(microsecond=0),
        "person": {
            "client_number": person.client_number,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "date_of_birth": _date(person.birth_date),
            "gender": person.get_gender_display(),
            "kind": person.get_kind_display(),
            "organisation": person.organisation.name,
        },
        "household": {
            "reference": household.reference,
            "members": [
                {
                    "first_name": m.first_name,
                    "last_name": m.last_name,
                    "kind": m.get_kind_display(),
                    "date_of_birth": _date(m.birth_date),
                    "is_subject": m.pk == person.pk,
                }
                for m in members
            ],
            "relations": [
                {
                    "parent": r.parent.full_name,
                    "parent_kind": r.parent.get_kind_display(),
                    "child": r.child.full_name,
                    "relationship": r.get_relationship_display(),
                    "parental_authority": r.get_authority_display(),
                    "authority_checked_on": _date(r.authority_checked_on),
                }
                for r in relations
            ],
        },
        "stays": [
            {
                "location": location_label,
                "type_of_care": s.get_care_type_display(),
                "admission_date": _date(s.admission_date),
                "discharge_date": _date(s.discharge_date),
                "reason": s.get_reason_display(),
                "destination": s.get_destination_display() if s.destination else None,
                "transfers": [{"date": _date(t.date), "from": location_label, "to": location_label} for t in s.transfers.all()],
            }
            for s in stays
        ],
        "access_log_summary": list(summary.values()),
        "access_log_events": len(rows),
    }


def to_json(data: dict[str, Any]) -> str:
    """Machine readable: UTF-8 text (not \\u escapes), ISO 8601 dates, stable key order."""
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
