"""The child's timeline: each Meldcode step, and the report to Veilig Thuis (one query)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from veerkracht.pathway.timeline import Entry

from .models import MeldcodeStep


def entries(person: Any) -> Iterator[Entry]:
    url = reverse("meldcode:track", kwargs={"pk": person.pk})
    steps = MeldcodeStep.objects.filter(track__person=person).only(
        "number", "date", "decision", "report_date", "track_id"
    ).order_by("date", "number")
    for step in steps:
        detail = step.get_decision_display() if step.decision else ""
        yield Entry(
            date=step.date, kind="meldcode",
            title=_("Meldcode step %(number)s: %(name)s") % {"number": step.number, "name": step.name},
            detail=str(detail), url=f"{url}#step-{step.pk}",
        )
        if step.reported and step.report_date:
            yield Entry(date=step.report_date, kind="meldcode_report", title=_("Report to Veilig Thuis"),
                        detail="", url=f"{url}#step-{step.pk}")
