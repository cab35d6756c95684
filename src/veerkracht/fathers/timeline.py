"""The child's timeline: safety assessment, attempts, exception and outcome per father (two queries)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from veerkracht.pathway.timeline import Entry

from .models import ContactStatus, FatherContact


def father_contact_entries(person: Any) -> list[Entry]:
    entries: list[Entry] = []
    contacts = (
        FatherContact.objects.filter(pathway__stay__person=person)
        .select_related("father")
        .only("pk", "pathway_id", "father__first_name", "father__last_name", "assessed_on", "risk_level",
              "contact_ban", "restraining_order", "status", "status_on", "no_contact_reason", "override_granted_at")
        .prefetch_related("attempts")
    )
    for contact in contacts:
        url = reverse("fathers:contact", kwargs={"pk": contact.pk})
        name = contact.father.full_name
        if contact.assessed_on:
            detail = _("Risk level: %(risk)s") % {"risk": contact.get_risk_level_display()}
            if contact.has_ban:
                detail += "; " + _("contact ban or restraining order")
            entries.append(Entry(contact.assessed_on, "father_contact",
                                 _("Safety assessment of father %(name)s") % {"name": name}, detail, url))
        for attempt in contact.attempts.all():
            entries.append(Entry(
                attempt.date, "father_contact",
                _("Contact attempt with father %(name)s: %(result)s") % {"name": name,
                                                                          "result": attempt.get_result_display()},
                attempt.get_way_display(), url))
        if contact.override_granted_at:
            entries.append(Entry(timezone.localdate(contact.override_granted_at), "father_contact",
                                 _("Exception to the contact ban granted (father %(name)s)") % {"name": name}, "", url))
        if contact.status != ContactStatus.NOT_YET and contact.status_on:
            detail = contact.get_no_contact_reason_display() if contact.status == ContactStatus.NO_CONTACT else ""
            entries.append(Entry(contact.status_on, "father_contact",
                                 _("Contact with father %(name)s: %(outcome)s") % {
                                     "name": name, "outcome": contact.get_status_display()}, detail, url))
    return entries
