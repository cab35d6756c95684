"""The effect report pages (issue 7 point 5): per group and per course template; CSV of the numbers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from veerkracht.accounts.decorators import role_required
from veerkracht.accounts.roles import CLIENT_ROLES
from veerkracht.audit.models import Action
from veerkracht.audit.services import record
from veerkracht.clients.models import Person
from veerkracht.screening.engine import definitions

from . import charts, effect, measurements
from .models import InstrumentReliability


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
