"""The consent part of a child's timeline: decisions and steps of the refusal step plan."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from veerkracht.pathway.timeline import Entry

from .models import ConsentRecord, Decision, ProcedureStep, Step


def consent_entries(person: Any) -> Iterable[Entry]:
    """Two queries whatever the number of records. Who is named by role (child, mother, father)."""
    titles = {
        Decision.GIVEN: _("Consent given: %(subject)s"),
        Decision.REFUSED: _("Consent refused: %(subject)s"),
        Decision.WITHDRAWN: _("Consent withdrawn: %(subject)s"),
    }
    records = (
        ConsentRecord.objects.filter(pathway__stay__person_id=person.pk)
        .select_related("subject", "given_by")
        .defer("note")
        .order_by("date", "id")
    )
    for record in records:
        yield Entry(
            date=record.date,
            kind="consent",
            title=titles[Decision(record.decision)] % {"subject": record.subject_label},
            detail=_("By: %(role)s (%(how)s)") % {"role": record.given_by.get_kind_display(), "how": record.get_how_display()},
            url=reverse("consent:overview", kwargs={"pk": record.pathway_id}),
        )
    steps = (
        ProcedureStep.objects.filter(procedure__pathway__stay__person_id=person.pk)
        .select_related("procedure__subject")
        .defer("notes")
        .order_by("date", "id")
    )
    for step in steps:
        detail = step.procedure.subject_label
        if step.decision:
            detail = f"{detail}: {step.get_decision_display()}"
        yield Entry(
            date=step.date,
            kind="consent_procedure",
            title=_("Refusal step plan, step %(number)s: %(step)s") % {"number": step.number, "step": Step(step.number).label},
            detail=detail,
            url=reverse("consent:refusal", kwargs={"pk": step.procedure_id}),
        )
