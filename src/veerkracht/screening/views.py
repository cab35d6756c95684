"""The child's screening (activity 4): the overview with suggested instruments, the course of earlier
results and open signals; the questionnaire form; a result; a signal with the
gedragswetenschapper's decision. Thin views: parse, call a query or a service, render."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from veerkracht.accounts.decorators import role_required
from veerkracht.accounts.roles import Role
from veerkracht.clients.views import _error_items
from veerkracht.core.concurrency import ConcurrentEditError
from veerkracht.pathway.queries import get_pathway
from veerkracht.pathway.services import EDITING_ROLES
from veerkracht.pathway.view_helpers import (
    add_form_errors,
    int_or_none,
    pathway_closed_message,
    report_closed,
)

from . import charts, queries, services
from .followups import decide_by
from .forms import AdministerForm, DecideForm
from .models import Administration, Entry, Respondent, Signal


@dataclass(frozen=True)
class Offer:
    """An instrument as offered on the pages (its respondent in words)."""

    id: str
    title: str
    respondent_label: str
    entry: str


def _offers(instruments: list[Any]) -> list[Offer]:
    labels = dict(Respondent.choices)
    return [Offer(inst.id, inst.label, str(labels.get(inst.respondent, inst.respondent)), inst.entry)
            for inst in instruments]


def _band_label(scale: Any, code: str) -> str:
    for band in getattr(scale, "bands", ()) or ():
        if band.code == code:
            return str(band.label)
    return code


def _chart(course: list[Administration], inst: Any, chart_id: str, title: str) -> Any:
    """The SVG of the totals over time (None when the instrument has no total to draw)."""
    total = getattr(inst, "total", None) if inst is not None else None
    if total is None:
        return None
    points = [charts.Point(a.administered_on, a.total if a.valid else None, a.clinical) for a in course]
    return charts.line_chart(points, low=total.min, high=total.max, bands=total.bands, title=title,
                             chart_id=chart_id)


def _rows(course: list[Administration], inst: Any) -> list[dict[str, Any]]:
    """The numbers of the chart as table rows (no queries)."""
    total = getattr(inst, "total", None) if inst is not None else None
    return [{"administration": a, "band": _band_label(total, a.band) if a.band else ""} for a in course]


@require_GET
@role_required(*EDITING_ROLES)
def overview(request: HttpRequest, pk: int) -> HttpResponse:
    pathway = get_pathway(request.user, pk)
    child = pathway.stay.person
    administrations = queries.visible_administrations(request.user, pathway)
    shown = {child.pk: child, **{a.subject_id: a.subject for a in administrations}}
    services.log_screening_read(pathway, actor=request.user, subjects=list(shown.values()))
    courses = queries.courses(administrations)
    for number, course in enumerate(courses, start=1):
        title = _("%(instrument)s: total score over time") % {"instrument": course.title}
        if course.subject.pk != child.pk:
            title = _("%(instrument)s of %(name)s: total score over time") % {
                "instrument": course.title, "name": course.subject.full_name}
        course.chart = _chart(course.administrations, course.instrument, f"chart-{number}", title)  # type: ignore[attr-defined]
        course.rows = _rows(course.administrations, course.instrument)  # type: ignore[attr-defined]
        course.chart_title = title  # type: ignore[attr-defined]
        course.table_id = f"course-{number}"  # type: ignore[attr-defined]
    today = timezone.localdate()
    instruments = queries.registry()
    signals = []
    for adm in administrations:
        if hasattr(adm, "signal"):
            sig = adm.signal
            inst = instruments.get(adm.instrument_id)
            sig.instrument_title = inst.label if inst is not None else adm.instrument_id
            sig.decide_by = decide_by(sig)
            sig.overdue = sig.is_open and (sig.urgent or today > sig.decide_by)
            signals.append(sig)
    parents = services.parents_of(pathway)
    return render(request, "screening/overview.html", {
        "pathway": pathway, "person": child, "age": queries.child_age(pathway),
        "suggested": _offers(queries.suggestions(pathway)), "parents": parents,
        "parent_instruments": _offers(queries.parent_instruments()) if parents else [], "courses": courses,
        "open_signals": sorted((s for s in signals if s.is_open), key=lambda s: s.opened_on),
        "decided_signals": sorted((s for s in signals if not s.is_open), key=lambda s: s.decided_on, reverse=True),
        "Entry": Entry,
    })


@require_http_methods(["GET", "POST"])
@role_required(*EDITING_ROLES)
def administer(request: HttpRequest, pk: int, instrument: str = "") -> HttpResponse:
    pathway = get_pathway(request.user, pk)
    child = pathway.stay.person
    if not instrument:  # no instrument chosen: the choice of the fitting ones
        if request.method == "POST":
            return redirect("screening:administer", pk=pathway.pk)
        services.log_screening_read(pathway, actor=request.user, what="screening choice")
        parents = services.parents_of(pathway)
        return render(request, "screening/choose.html", {
            "pathway": pathway, "person": child, "age": queries.child_age(pathway),
            "suggested": _offers(queries.suggestions(pathway)), "parents": parents,
            "parent_instruments": _offers(queries.parent_instruments()) if parents else [],
        })
    inst = queries.known_instrument(instrument)
    if inst is None or not inst.status_active:  # a retired questionnaire is no longer filled in
        raise Http404
    about_parent = inst.respondent == Respondent.PARENT_SELF
    parents = services.parents_of(pathway) if about_parent else None
    form = AdministerForm(instrument=inst, parents=parents)
    if request.method == "POST":
        if pathway.closed_on is not None:
            pathway_closed_message(request)
            return redirect("screening:overview", pk=pathway.pk)
        form = AdministerForm(request.POST, instrument=inst, parents=parents)
        if form.is_valid():
            data = form.cleaned_data
            subject = next((p for p in parents or [] if p.pk == data.get("subject")), None)
            try:
                administration = services.do_record_administration(
                    pathway, instrument_id=inst.id, administered_on=data["administered_on"],
                    answers=form.answers() if inst.entry != Entry.SCALE_SCORES else None,
                    scale_scores=form.scale_scores() if inst.entry == Entry.SCALE_SCORES else None,
                    subject=subject if about_parent else None, note=data["note"], actor=request.user)
            except ValidationError as exc:
                if report_closed(request, exc):
                    return redirect("screening:overview", pk=pathway.pk)
                add_form_errors(form, exc)
            else:
                if administration.critical_items:
                    messages.warning(request, _("An answer needs attention: an urgent signal has been raised for "
                                                "the gedragswetenschapper."))
                elif administration.clinical:
                    messages.warning(request, _("The result lies in the clinical range: a signal has been raised "
                                                "for the gedragswetenschapper."))
                else:
                    messages.success(request, _("The questionnaire has been saved."))
                return redirect("screening:result", pk=administration.pk)
    else:
        services.log_screening_read(pathway, actor=request.user, what="screening form")
    age = queries.child_age(pathway)
    return render(request, "screening/administer.html", {
        "pathway": pathway, "person": child, "instrument": inst, "form": form, "sections": form.sections(),
        "scale_fields": form.scale_fields(), "errors": _error_items(form), "about_parent": about_parent,
        "fits": about_parent or (age is not None and inst.fits_age(age)), "age": age,
        "age_range": services.age_range(inst),
    })


@require_GET
@role_required(*EDITING_ROLES)
def result(request: HttpRequest, pk: int) -> HttpResponse:
    administration = queries.get_administration(request.user, pk)
    pathway = administration.pathway
    child = pathway.stay.person
    services.log_screening_read(pathway, actor=request.user, what="screening result", obj=administration,
                                subjects=[administration.subject])
    inst = queries.known_instrument(administration.instrument_id)
    course = queries.course_of(administration)
    name = inst.label if inst is not None else administration.instrument_id
    chart_title = _("%(instrument)s: total score over time") % {"instrument": name}
    total = getattr(inst, "total", None) if inst is not None else None
    scales = []
    for scale in getattr(inst, "scales", ()) or ():
        if total is not None and scale.code == total.code:
            continue
        code = administration.scale_bands.get(scale.code) or ""
        band = next((b for b in scale.bands if b.code == code), None)
        scales.append({"scale": scale, "score": administration.scales.get(scale.code), "band": band})
    band = next((b for b in (total.bands if total is not None else ()) if b.code == administration.band), None)
    return render(request, "screening/result.html", {
        "pathway": pathway, "person": child, "administration": administration, "instrument": inst,
        "instrument_name": name, "total": total, "band": band, "scales": scales,
        "signal": getattr(administration, "signal", None),
        "chart": _chart(course, inst, "chart-course", chart_title), "chart_title": chart_title,
        "rows": _rows(course, inst), "about_parent": administration.subject_id != child.pk,
    })


@require_http_methods(["GET", "POST"])
@role_required(*EDITING_ROLES)
def signal(request: HttpRequest, pk: int) -> HttpResponse:
    obj = queries.get_signal(request.user, pk)
    administration = obj.administration
    pathway = administration.pathway
    child = pathway.stay.person
    can_decide = request.user.role == Role.GEDRAGSWETENSCHAPPER
    about_parent = administration.subject_id != child.pk
    form = DecideForm(initial={"version": obj.version}, about_parent=about_parent)
    current: Signal | None = None
    if request.method == "POST":
        if pathway.closed_on is not None:
            pathway_closed_message(request)
            return redirect("screening:signal", pk=obj.pk)
        form = DecideForm(request.POST, about_parent=about_parent)
        posted_version = int_or_none(request.POST.get("version"))
        if not obj.is_open or (posted_version is not None and posted_version != obj.version):
            current = obj
        elif form.is_valid():
            data = form.cleaned_data
            try:
                services.do_decide_signal(obj, decision=data["decision"], reason=data["reason"],
                                          to_whom=data.get("to_whom", ""), decided_on=data["decided_on"],
                                          expected_version=data["version"], actor=request.user)
            except ConcurrentEditError:
                obj = queries.get_signal(request.user, pk)
                current = obj
            except ValidationError as exc:
                if report_closed(request, exc):
                    return redirect("screening:signal", pk=obj.pk)
                add_form_errors(form, exc)
            else:
                messages.success(request, _("The decision has been saved."))
                return redirect("screening:signal", pk=obj.pk)
        if current is not None:  # someone else decided meanwhile: show it, keep the input
            post = request.POST.copy()
            post["version"] = str(current.version)
            form = DecideForm(post, about_parent=about_parent)
            form.is_valid()
            form.add_error(None, str(ConcurrentEditError.message) if current.is_open
                           else _("This signal has already been decided."))
    else:
        services.log_screening_read(pathway, actor=request.user, what="screening signal", obj=obj,
                                    subjects=[administration.subject])
    inst = queries.known_instrument(administration.instrument_id)
    return render(request, "screening/signal.html", {
        "pathway": pathway, "person": child, "signal": obj, "administration": administration,
        "instrument_name": inst.label if inst is not None else administration.instrument_id,
        "band": _band_label(getattr(inst, "total", None), administration.band) if administration.band else "",
        "form": form, "can_decide": can_decide, "current": current, "errors": _error_items(form),
        "decide_by": decide_by(obj) if obj.is_open else None,
        "about_parent": administration.subject_id != child.pk,
    })


@require_GET
@role_required(*EDITING_ROLES)
def fhir_response(request: HttpRequest, pk: int) -> HttpResponse:
    """The administration as a FHIR R4 QuestionnaireResponse (JSON), for exchange with another system.

    Made from the stored answers with the definition of the same version only: a result is never
    re-scored with a newer definition. Logged as an export under the person it is about."""
    import json

    from .engine import fhir

    administration = queries.get_administration(request.user, pk)
    inst = queries.known_instrument(administration.instrument_id)
    if inst is None or inst.version != administration.instrument_version:
        messages.error(request, _("This questionnaire was filled in with another version of its definition; "
                                  "it cannot be exported as FHIR."))
        return redirect("screening:result", pk=administration.pk)
    answers = administration.answers if administration.entry == Entry.ITEMS else administration.scale_scores
    resource = fhir.questionnaire_response(
        inst, answers, subject_reference=f"Patient/{administration.subject.client_number or administration.subject_id}",
        authored=timezone.localtime(administration.created_at))
    services.log_screening_export(administration, actor=request.user)
    response = HttpResponse(json.dumps(resource, ensure_ascii=False, indent=2),
                            content_type="application/fhir+json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="questionnaireresponse-{administration.pk}.json"'
    response["Cache-Control"] = "no-store"
    return response
