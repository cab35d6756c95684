"""The municipal monitoring pages (issue 8): the dashboard, the breakdowns and the exports.

Thin: ``queries`` decides what the user may see and builds the protected figures; ``exports`` writes
them as CSV, XLSX and PDF and logs every export. Only the gemeente and the team leader open these
pages (403 for other roles); a region the user may not open is a 404 (``queries.resolve_view``).
Nothing here names or links to a child.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from veerkracht.accounts.decorators import role_required
from veerkracht.accounts.roles import Role

from . import charts, exports, queries
from .disclosure import Policy
from .forms import FilterForm


def _chart(report: queries.Report, chart_id: str = "trend") -> Any:
    if not report.trend:
        return None
    years = [p.year for p in report.trend]
    series = [(_("NK %(n)s") % {"n": code.rsplit("_", 1)[-1]}, [p.here[code].value for p in report.trend])
              for code in report.trend_codes]
    return charts.trend_chart(years, series, chart_id=chart_id,
                              title=_("Normenkader indicators per year of admission: %(view)s") % {
                                  "view": report.view.name})


def _context(request: HttpRequest, *, with_breakdowns: bool, public: bool = False) -> dict[str, Any]:
    scope = queries.scope_for(request.user)
    if scope is None:
        raise PermissionDenied
    views = queries.views_for(scope)
    view = queries.resolve_view(views, request.GET.get("view"))
    data = queries.load(view)
    labels = [(v.param, _("My organisation: %(name)s (exact)") % {"name": v.name} if v.exact
               else _("Region %(name)s") % {"name": v.name}) for v in views]
    form = FilterForm(request.GET or None, years=data.years, views=labels, quarters=view.exact,
                      initial={"view": view.param, "year": data.years[0] if data.years else None})
    year = data.years[0] if data.years else None
    quarter = None
    if form.is_bound and form.is_valid():
        year = form.cleaned_data["year"] or year
        quarter = form.cleaned_data.get("quarter")
    report = queries.build_report(data, year, quarter, with_breakdowns=with_breakdowns, public=public)
    query = urlencode({k: v for k, v in (("view", view.param), ("year", year or ""), ("quarter", quarter or "")) if v})
    return {"report": report, "form": form, "view": view, "views": views, "year": year, "quarter": quarter,
            "query": query, "policy": data.policy, "policy_public": Policy.from_settings(), "min_count": data.policy.min_count,
            "status": 400 if form.is_bound and form.errors else 200}


ROLES = (Role.GEMEENTE, Role.TEAMLEIDER)


@require_GET
@role_required(*ROLES)
def dashboard(request: HttpRequest) -> HttpResponse:
    context = _context(request, with_breakdowns=False)
    context["chart"] = _chart(context["report"])
    return render(request, "monitoring/dashboard.html", context, status=context["status"])


@require_GET
@role_required(*ROLES)
def breakdowns(request: HttpRequest) -> HttpResponse:
    context = _context(request, with_breakdowns=True)
    return render(request, "monitoring/breakdowns.html", context, status=context["status"])


def _download(request: HttpRequest, kind: str) -> HttpResponse:
    context = _context(request, with_breakdowns=True, public=True)
    report = context["report"]
    if context["status"] != 200:  # a bad year or quarter: the dashboard with the message, no file
        return render(request, "monitoring/dashboard.html", {**context, "chart": _chart(report)}, status=400)
    if kind == "csv":
        content, content_type = exports.to_csv(report).encode("utf-8-sig"), "text/csv; charset=utf-8"
    elif kind == "xlsx":
        content = exports.to_xlsx(report)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        content, content_type = exports.to_pdf(report, chart=_chart(report, "trend-pdf"), request=request), \
            "application/pdf"
    exports.log_export(request.user, report, kind)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(report, kind)}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@role_required(*ROLES)
def export_csv(request: HttpRequest) -> HttpResponse:
    return _download(request, "csv")


@require_GET
@role_required(*ROLES)
def export_xlsx(request: HttpRequest) -> HttpResponse:
    return _download(request, "xlsx")


@require_GET
@role_required(*ROLES)
def annual_report(request: HttpRequest) -> HttpResponse:
    return _download(request, "pdf")
