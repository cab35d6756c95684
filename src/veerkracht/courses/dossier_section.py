"""The child's group courses for the dossier (the lead includes ``courses/_dossier.html``):
``courses_of(child)`` reads them in one query. The child comes from a scoped query (the dossier's);
the group's meeting place is never loaded."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from .models import Enrolment, Session, SessionKind


def courses_of(child: Any) -> list[Enrolment]:
    """The child's enrolments, newest first, each with ``attended`` (child sessions present, make-up
    sessions included) and ``planned`` (child sessions of the course, without make-up sessions)."""
    planned = (Session.objects.filter(group_id=OuterRef("group_id"), kind=SessionKind.CHILD, is_makeup=False)
               .order_by().values("group_id").annotate(n=Count("pk")).values("n"))
    return list(
        Enrolment.objects.filter(child=child)
        .select_related("group__template", "group__organisation").defer("group__meeting_place")
        .annotate(attended=Count("attendances", filter=Q(attendances__present=True,
                                                         attendances__session__kind=SessionKind.CHILD)),
                  planned=Coalesce(Subquery(planned, output_field=IntegerField()), 0))
        .order_by("-group__start_date", "-pk"))
