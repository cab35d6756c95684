"""The child's timeline: "Intake held" on the date of the conversation (one query)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from veerkracht.pathway.timeline import Entry

from .models import IntakeRecord


def entries(person: Any) -> Iterator[Entry]:
    intakes = IntakeRecord.objects.filter(pathway__stay__person=person).only(
        "conversation_date", "form_used", "pathway_id"
    )
    for intake in intakes:
        yield Entry(
            date=intake.conversation_date, kind="intake", title=_("Intake held"),
            detail=capfirst(str(intake.get_form_used_display())),
            url=reverse("intake:edit", kwargs={"pk": intake.pathway_id}),
        )
