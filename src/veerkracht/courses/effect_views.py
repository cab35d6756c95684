"""The effect report pages (issue 7 point 5): per group and per course template; CSV of the numbers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from veerkracht.accounts.decorators import role_required
from veerkracht.accounts.roles import CLIENT_ROLES
from veerkracht.audit.models import Action
from veerkracht.audit.services import record
from veerkracht.clients.models import Person
from veerkracht.core.concurrency import ConcurrentEditError
from veerkracht.pathway.services import can_edit
from veerkracht.screening.engine import definitions
from veerkracht.screening.models import Administration

from . import charts, effect, measurements
from .models import InstrumentReliability, Measurement


def _charts(reports: list[effect.InstrumentReport]) -> list[tuple[effect.InstrumentReport, Any]]:
    result = []
    for index, report in enumerate(reports):
        inst = definitions.registry().get(report.instrument_id)
        high = inst.total.max if inst is not None and inst.total is not None else max(
            [int(r.mean or 0) for r in report.timepoints] + [1])
        chart = charts.means_chart([(r.timepoint, r.mean) for r in report.timepoints], high=high,
                                   cutoff=report.cutoff, chart_id=f"effect-{index}",
                                   title=_("Mean score per time point: %(instrument)s") % {"instrument": report.label})
        result.append((report, chart))
    return result


def _sections(request: HttpRequest, reports: list[effect.InstrumentReport]) -> list[tuple[Any, ...]]:
    """The children above the cut-off at T1 of the user's own organisation (named, the read logged); the
    others only counted - their own workers see them."""
    own = effect.organisation_id(request.user)
    ids = {a.child_id for r in reports for a in r.above_at_t1 if a.child_organisation_id == own}
    people = {p.pk: p for p in Person.objects.filter(pk__in=ids, organisation_id=own)}
    for person in people.values():
        record(actor=request.user, action=Action.READ, obj=person, client=person,
               detail="course effect report: above the cut-off at T1")
    return [(report, chart, [(a, people[a.child_id]) for a in report.above_at_t1 if a.child_id in people],
             sum(1 for a in report.above_at_t1 if a.child_id not in people))
            for report, chart in _charts(reports)]


def _csv(reports: list[effect.InstrumentReport], filename: str, *, request: HttpRequest, obj: Any) -> HttpResponse:
    response = HttpResponse(effect.to_csv(reports), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    record(actor=request.user, action=Action.EXPORT, obj=obj, detail="course effect report csv")
    return response


@require_GET
@role_required(*CLIENT_ROLES)
def group_report(request: HttpRequest, pk: int) -> HttpResponse:
    group = effect.get_report_group(request.user, pk)
    reports = effect.group_report(group)
    context = {"group": group, "template": group.template, "reports": _sections(request, reports)}
    return render(request, "courses/effect_report.html", context)


@require_GET
@role_required(*CLIENT_ROLES)
def group_report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    group = effect.get_report_group(request.user, pk)
    return _csv(effect.group_report(group), f"effect-group-{group.pk}.csv", request=request, obj=group)


@require_GET
@role_required(*CLIENT_ROLES)
def template_report(request: HttpRequest, pk: int) -> HttpResponse:
    template = effect.get_report_template(request.user, pk)
    reports, groups = effect.template_report(template, effect.organisation_id(request.user))
    context = {"template": template, "group_count": groups, "reports": _sections(request, reports),
               "may_set_reliability": measurements.can_set_reliability(request.user)}
    return render(request, "courses/effect_report.html", context)


@require_GET
@role_required(*CLIENT_ROLES)
def template_report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    template = effect.get_report_template(request.user, pk)
    reports, _groups = effect.template_report(template, effect.organisation_id(request.user))
    return _csv(reports, f"effect-course-{template.code}.csv", request=request, obj=template)


# -- measurements --------------------------------------------------------------------------------------


def _measurement_scope(user: Any) -> Any:
    """Measurements of a group of the user's organisation, or of a child of the user's organisation."""
    own = effect.organisation_id(user)
    return Measurement.objects.filter(Q(enrolment__group__organisation_id=own) | Q(enrolment__child__organisation_id=own))


@require_http_methods(["GET", "POST"])
@role_required(*CLIENT_ROLES)
def group_measurements(request: HttpRequest, pk: int) -> HttpResponse:
    """The measurements of a group: per child and time point the due date and whether it was done; the
    group's editors plan them (again, after the sessions changed)."""
    group = effect.get_report_group(request.user, pk)
    may_plan = measurements.can_plan(request.user, group)
    if request.method == "POST":
        if not may_plan:
            raise PermissionDenied
        created = measurements.do_plan_measurements(group, actor=request.user)
        messages.success(request, ngettext("%(count)s measurement planned.", "%(count)s measurements planned.",
                                           len(created)) % {"count": len(created)})
        return redirect("courses:measurements", group.pk)
    rows = list(Measurement.objects.filter(enrolment__group=group).select_related("enrolment__child", "administration")
                .order_by("enrolment__child__last_name", "enrolment__child__first_name", "enrolment_id", "timepoint",
                          "instrument_id"))
    today = timezone.localdate()
    for row in rows:
        row.overdue = row.administration_id is None and row.due_on < today  # type: ignore[attr-defined]
        row.label = effect.instrument_label(row.instrument_id)  # type: ignore[attr-defined]
    return render(request, "courses/measurements.html", {
        "group": group, "rows": rows, "may_plan": may_plan, "due": measurements.due_dates(group)})


@require_http_methods(["GET", "POST"])
@role_required(*CLIENT_ROLES)
def measurement(request: HttpRequest, pk: int) -> HttpResponse:
    """One planned measurement: a worker of the child's organisation links the result entered on the
    child's screening page."""
    item = get_object_or_404(_measurement_scope(request.user).select_related(
        "enrolment__child", "enrolment__group", "administration").defer("enrolment__group__meeting_place"), pk=pk)
    child = item.enrolment.child
    may_link = can_edit(request.user, child) and item.administration_id is None
    pathway = measurements.open_pathway(child) if may_link else None
    error = ""
    if request.method == "POST":
        if not may_link:
            raise PermissionDenied
        chosen_pk, version = request.POST.get("administration", ""), request.POST.get("version", "")
        chosen = Administration.objects.filter(pk=chosen_pk).first() if chosen_pk.isdigit() else None
        try:
            if chosen is None:
                raise ValidationError(_("Choose a valid result of this questionnaire about this child."))
            measurements.do_link_measurement(item, administration=chosen, actor=request.user,
                                             expected_version=int(version) if version.isdigit() else -1)
        except ConcurrentEditError:
            error = _("Someone else linked this measurement meanwhile. Check it and try again.")
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("The result is linked to the measurement."))
            return redirect("courses:measurement", item.pk)
    own_group = item.enrolment.group.organisation_id == effect.organisation_id(request.user)
    if can_edit(request.user, child) or own_group:
        log_child_read(child, actor=request.user)
    return render(request, "courses/measurement.html", {
        "item": item, "child": child, "label": effect.instrument_label(item.instrument_id), "may_link": may_link,
        "pathway": pathway, "candidates": measurements.candidates(item) if may_link else [], "error": error,
        "shows_child": can_edit(request.user, child) or own_group, "own_group": own_group,
        # the course organisation sees a child of another organisation by first name only
        "full_name": can_edit(request.user, child)}, status=400 if error else 200)


def log_child_read(child: Any, *, actor: Any) -> None:
    record(actor=actor, action=Action.READ, obj=child, client=child, detail="course measurement")


@require_http_methods(["GET", "POST"])
@role_required(*measurements.RELIABILITY_ROLES)
def reliability(request: HttpRequest, pk: int) -> HttpResponse:
    """The behavioural scientist sets, per instrument of the course, the reliability r and its source used for
    the reliable change in the own organisation's reports."""
    template = effect.get_report_template(request.user, pk)
    own = effect.organisation_id(request.user)
    current = {r.instrument_id: r for r in InstrumentReliability.objects.filter(template=template, organisation_id=own)}
    errors: list[str] = []
    entered: dict[str, dict[str, str]] = {}
    if request.method == "POST":
        instrument_id = request.POST.get("instrument", "")
        entered[instrument_id] = {"reliability": request.POST.get("reliability", ""),
                                  "source": request.POST.get("source", "")}
        try:
            measurements.do_set_reliability(template, instrument_id=instrument_id, actor=request.user,
                                            **entered[instrument_id])
        except ValidationError as exc:
            errors = list(exc.messages)
        else:
            messages.success(request, _("The reliability has been saved."))
            return redirect("courses:effect_template", template.pk)
    rows = []
    for instrument_id in template.instruments or []:
        setting = current.get(instrument_id)
        typed = entered.get(instrument_id, {})
        rows.append({"id": instrument_id, "label": effect.instrument_label(instrument_id), "setting": setting,
                     "reliability": typed.get("reliability", setting.reliability if setting else ""),
                     "source": typed.get("source", setting.source if setting else "")})
    return render(request, "courses/effect_reliability.html", {"template": template, "rows": rows, "errors": errors},
                  status=400 if errors else 200)


def _pdf(request: HttpRequest, context: dict[str, Any], filename: str, obj: Any) -> HttpResponse:
    """The report's numbers as a PDF (no child is named in it)."""
    from veerkracht.core.pdf import render_pdf

    record(actor=request.user, action=Action.EXPORT, obj=obj, detail="course effect report pdf")
    content = render_pdf("courses/effect_pdf.html", {**context, "today": timezone.localdate()}, request=request)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@role_required(*CLIENT_ROLES)
def group_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    group = effect.get_report_group(request.user, pk)
    return _pdf(request, {"group": group, "template": group.template,
                          "reports": _charts(effect.group_report(group))}, f"effect-group-{group.pk}.pdf", group)


@require_GET
@role_required(*CLIENT_ROLES)
def template_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    template = effect.get_report_template(request.user, pk)
    reports, _groups = effect.template_report(template, effect.organisation_id(request.user))
    return _pdf(request, {"template": template, "reports": _charts(reports)}, f"effect-course-{template.code}.pdf",
                template)
