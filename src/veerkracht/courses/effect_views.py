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
from veerkracht.core.concurrency import ConcurrentEditError
from veerkracht.pathway.services import EDITING_ROLES
from veerkracht.pathway.view_helpers import int_or_none
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


def _sections(request: HttpRequest, reports: list[effect.InstrumentReport],
              refer: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    """The children above the cut-off at T1 of the user's own organisation (named, the read logged), each with
    what the user may do about a referral; the others only counted - their own workers see them.
    ``refer``: a refused referral ({"measurement": id, "errors": [...], "to_whom": typed}) shown at its child."""
    own = effect.organisation_id(request.user)
    ids = {a.child_id for r in reports for a in r.above_at_t1 if a.child_organisation_id == own}
    people = {p.pk: p for p in Person.objects.filter(pk__in=ids, organisation_id=own)}
    for person in people.values():
        record(actor=request.user, action=Action.READ, obj=person, client=person,
               detail="course effect report: above the cut-off at T1")
    named = [a for r in reports for a in r.above_at_t1 if a.child_id in people]
    states = effect.referral_states(request.user, named)
    refer = refer or {}
    return [(report, chart,
             [(a, people[a.child_id], states.get(a.measurement_id),
               refer if refer.get("measurement") == a.measurement_id else None)
              for a in report.above_at_t1 if a.child_id in people],
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
    return render(request, "courses/effect_report.html", _group_context(request, group))


def _group_context(request: HttpRequest, group: Any, refer: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"group": group, "template": group.template, "report_kind": "group",
            "reports": _sections(request, effect.group_report(group), refer)}


def _template_context(request: HttpRequest, template: Any, refer: dict[str, Any] | None = None) -> dict[str, Any]:
    reports, groups = effect.template_report(template, effect.organisation_id(request.user))
    return {"template": template, "group_count": groups, "reports": _sections(request, reports, refer),
            "report_kind": "template", "may_set_reliability": measurements.can_set_reliability(request.user)}


@require_GET
@role_required(*CLIENT_ROLES)
def group_report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    group = effect.get_report_group(request.user, pk)
    return _csv(effect.group_report(group), f"effect-group-{group.pk}.csv", request=request, obj=group)


@require_GET
@role_required(*CLIENT_ROLES)
def template_report(request: HttpRequest, pk: int) -> HttpResponse:
    template = effect.get_report_template(request.user, pk)
    return render(request, "courses/effect_report.html", _template_context(request, template))


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


@require_http_methods(["GET", "POST"])
@role_required(*EDITING_ROLES)
def refer(request: HttpRequest, pk: int) -> HttpResponse:
    """One click on the effect report: refer a child still above the cut-off at T1 (measurement ``pk``) to
    trauma treatment in its help plan. Done: back to the report it came from. Refused: that report again, with
    the message at the child and the typed organisation kept. A GET goes back to the report."""
    measurement = effect.get_referral_measurement(request.user, pk)
    group = measurement.enrolment.group
    from_template = request.POST.get("report") == "template"
    back = ("courses:effect_template", group.template_id) if from_template else ("courses:effect_group", group.pk)
    if request.method == "GET":
        return redirect(*back)
    to_whom = request.POST.get("to_whom", "")
    try:
        effect.do_refer_from_course(measurement, to_whom=to_whom, actor=request.user,
                                    signal_version=int_or_none(request.POST.get("signal_version")))
    except ConcurrentEditError:
        errors = [_("The screening signal of this score was decided meanwhile. Look at the decision on the child's "
                    "screening page before you refer.")]
    except ValidationError as exc:
        errors = list(exc.messages)
    else:
        messages.success(request, _("%(name)s has been referred to trauma treatment. The referral is in the child's "
                                    "help plan.") % {"name": measurement.enrolment.child.full_name})
        return redirect(*back)
    refer_state = {"measurement": measurement.pk, "errors": errors, "to_whom": to_whom}
    if from_template:
        context = _template_context(request, effect.get_report_template(request.user, group.template_id),
                                    refer_state)
    else:
        context = _group_context(request, effect.get_report_group(request.user, group.pk), refer_state)
    return render(request, "courses/effect_report.html", {**context, "refer_errors": errors}, status=400)
