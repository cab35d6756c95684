"""Reading screenings: always through the pathway scoping (out of scope is 404)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.shortcuts import get_object_or_404

from veerkracht.clients.models import age_on
from veerkracht.pathway.models import Pathway
from veerkracht.pathway.queries import get_pathway, visible_pathways  # noqa: F401 (the scoped read of a pathway)

from .models import Administration, Respondent, Signal, SignalStatus

_RELATED = ("pathway__methodology", "pathway__stay__person__household", "pathway__stay__location")


def _subject_visible(user: Any, prefix: str = "") -> Q:
    """The child's own questionnaires, or a parent's when the user may see that parent too."""
    from veerkracht.clients.queries import visible_persons

    return Q(**{f"{prefix}subject": F(f"{prefix}pathway__stay__person")}) | Q(
        **{f"{prefix}subject__in": visible_persons(user)})


def visible_administrations(user: Any, pathway: Pathway) -> list[Administration]:
    """``administrations_of`` without a parent's questionnaires the user may not see."""
    return list(administrations_of(pathway).filter(_subject_visible(user)))


def get_administration(user: Any, pk: Any) -> Administration:
    """An administration of a child the user may see (else 404), with its pathway, child and subject."""
    return get_object_or_404(
        Administration.objects.filter(pathway__in=visible_pathways(user)).filter(_subject_visible(user))
        .select_related(*_RELATED, "subject", "created_by", "signal")
        .defer("pathway__stay__location__address"),
        pk=pk,
    )


def get_signal(user: Any, pk: Any) -> Signal:
    """A signal of a child the user may see (else 404), with its administration and pathway."""
    return get_object_or_404(
        Signal.objects.filter(administration__pathway__in=visible_pathways(user))
        .filter(_subject_visible(user, "administration__"))
        .select_related(*(f"administration__{r}" for r in _RELATED), "administration__subject",
                        "administration__created_by", "decided_by", "referral")
        .defer("administration__pathway__stay__location__address"),
        pk=pk,
    )


def administrations_of(pathway: Pathway) -> QuerySet[Administration]:
    """All administrations of the pathway (the child's and the parents'), oldest first, with their
    signal and subject; without the (encrypted) note."""
    return (
        pathway.screenings.select_related("subject", "signal", "created_by")
        .defer("note").order_by("instrument_id", "subject_id", "administered_on", "pk")
    )


def course_of(administration: Administration) -> list[Administration]:
    """Every administration of the same instrument about the same person in this pathway, oldest
    first (one query): the course the result page draws."""
    return list(
        Administration.objects.filter(pathway_id=administration.pathway_id, subject_id=administration.subject_id,
                                      instrument_id=administration.instrument_id)
        .defer("note", "answers").order_by("administered_on", "pk")
    )


def open_signals(pathways: Any) -> QuerySet[Signal]:
    """The open signals of these pathways (a queryset or a list), oldest first, with the child."""
    return (
        Signal.objects.filter(administration__pathway__in=pathways, status=SignalStatus.OPEN)
        .select_related("administration__pathway__stay__person", "administration__subject")
        .defer("reason", "administration__note", "administration__answers")
        .order_by("opened_on", "pk")
    )


def open_signal_counts(pathways: Iterable[Any] | QuerySet[Pathway]) -> dict[int, int]:
    """{pathway id: number of open signals} (one aggregate query); pathways without one are missing."""
    if not isinstance(pathways, QuerySet):
        pathways = [getattr(p, "pk", p) for p in pathways]
    rows = (Signal.objects.filter(administration__pathway__in=pathways, status=SignalStatus.OPEN)
            .values("administration__pathway_id").annotate(n=Count("pk")).order_by())
    return {row["administration__pathway_id"]: row["n"] for row in rows}


def child_age(pathway: Pathway) -> int | None:
    return age_on(pathway.stay.person.birth_date)


def suggestions(pathway: Pathway) -> list[Any]:
    """The instruments that fit the child's age today (no query): about the child, filled in by the
    child, a caregiver or a professional."""
    from .engine.definitions import suggest

    age = child_age(pathway)
    if age is None:
        return []
    return [inst for inst in suggest(age) if inst.respondent != Respondent.PARENT_SELF]


def parent_instruments() -> list[Any]:
    """The instruments a parent fills in about herself (PHQ-9, GAD-7, PCL-5)."""
    from .engine.definitions import registry

    return sorted((inst for inst in registry().values() if inst.respondent == Respondent.PARENT_SELF),
                  key=lambda inst: inst.label)


def registry() -> dict[str, Any]:
    """All instruments by id (the engine's registry; no query)."""
    from .engine import definitions

    return definitions.registry()


def known_instrument(instrument_id: str) -> Any | None:
    """The instrument, or None when its definition is no longer shipped (its results stay readable)."""
    return registry().get(instrument_id)


@dataclass
class Course:
    """The administrations of one instrument about one person, oldest first."""

    instrument_id: str
    instrument: Any  # the engine's Instrument, or None when its definition is no longer shipped
    subject: Any
    administrations: list[Administration] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.instrument.label if self.instrument is not None else self.instrument_id

    @property
    def latest(self) -> Administration:
        return self.administrations[-1]


def courses(administrations: Iterable[Administration]) -> list[Course]:
    """Administrations grouped per instrument and person (no query)."""
    instruments = registry()
    groups: dict[tuple[str, int], Course] = {}
    for adm in administrations:
        key = (adm.instrument_id, adm.subject_id)
        if key not in groups:
            groups[key] = Course(adm.instrument_id, instruments.get(adm.instrument_id), adm.subject)
        groups[key].administrations.append(adm)
    return sorted(groups.values(), key=lambda c: (c.subject.kind != "child", c.title.casefold()))
