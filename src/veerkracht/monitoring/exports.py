"""The dashboard's tables as CSV and XLSX, and the annual report per region as PDF (issue 8 point 5).

Every export carries exactly the figures the user sees on the screen (``queries.build_report``: the
same protected publication; a team leader's own organisation exact), never a child, and never a
location's name (locations are "Location n" in every file, also for the own organisation: a file can
leave the organisation). Each export is written to the access log as ``Action.EXPORT`` with the view,
year and format, no figures. File names carry the region or organisation id and the year only.
openpyxl and WeasyPrint are imported when a file is made.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from veerkracht.audit.models import Action
from veerkracht.audit.services import record

from .disclosure import Policy
from .queries import Report, Shown

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """A text that a spreadsheet would read as a formula gets a leading quote (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and value != "-":
        return "'" + value
    return value


def _period(report: Report) -> str:
    if report.quarter:
        return _("%(year)s Q%(quarter)s") % {"year": report.year, "quarter": report.quarter}
    return str(report.year)


def _figure_columns(shown: Shown) -> list[Any]:
    return [shown.value if shown.value is not None and not shown.hidden else "", shown.numerator,
            shown.denominator, shown.note if shown.hidden else ""]


def tables(report: Report) -> list[tuple[str, list[str], list[list[Any]]]]:
    """(title, header, rows) per table: the indicators, the trend and the breakdowns."""
    view = report.view.name
    figure_header = [_("Value"), _("Numerator"), _("Denominator"), _("Note")]
    indicators = []
    for group in report.groups:
        for row in group.rows:
            ind = row.indicator
            indicators.append([group.title, ind.code, ind.name, _period(report), view,
                               *_figure_columns(row.here), _("Netherlands"), *_figure_columns(row.national)])
            for label, here, national in row.distribution:
                indicators.append([group.title, f"{ind.code}:{label}", f"{ind.name}: {label}", _period(report), view,
                                   *_figure_columns(here), _("Netherlands"), *_figure_columns(national)])
    indicator_header = [_("Group"), _("Code"), _("Indicator"), _("Period"), _("Figures of"), *figure_header,
                        _("Compared with"), *[f"{h} ({_('Netherlands')})" for h in figure_header]]
    trend = []
    for point in report.trend:
        for code in report.trend_codes:
            trend.append([point.year, code, view, *_figure_columns(point.here[code]), _("Netherlands"),
                          *_figure_columns(point.national[code])])
    trend_header = [_("Year of admission"), _("Code"), _("Figures of"), *figure_header, _("Compared with"),
                    *[f"{h} ({_('Netherlands')})" for h in figure_header]]
    breakdowns = []
    for breakdown in report.breakdowns:
        for label, figures in breakdown.rows:
            for code in report.breakdown_codes:
                breakdown_row = [breakdown.title, label, code, _period(report), *_figure_columns(figures[code])]
                breakdowns.append(breakdown_row)
    breakdown_header = [_("Breakdown"), _("Group"), _("Code"), _("Period"), *figure_header]
    return [(_("Indicators"), indicator_header, indicators), (_("Trend"), trend_header, trend),
            (_("Breakdowns"), breakdown_header, breakdowns)]


def explanation(report: Report) -> list[str]:
    """What the reader must know about the figures (also on the screen)."""
    policy = Policy.from_settings()
    protected = _("Protected figures: a count of fewer than %(n)s children is not shown, nor a figure from which it "
              "could be worked out; counts are rounded to a multiple of %(r)s; a percentage needs at least "
              "%(d)s children in the total.") % {"n": policy.min_count, "r": policy.rounding,
                                                 "d": policy.min_denominator}
    if report.exact:
        return [_("The figures of your own organisation are exact counts, not protected: do not publish them. "
                  "The figures of the Netherlands are protected."), protected]
    return [protected]


def to_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([_("Veerkracht monitoring"), report.view.name, _period(report),
                     timezone.localdate().strftime("%d-%m-%Y")])
    for line in explanation(report):
        writer.writerow([line])
    for title, header, rows in tables(report):
        writer.writerow([])
        writer.writerow([title])
        writer.writerow(header)
        for row in rows:
            writer.writerow([_cell(v) for v in row])
    return out.getvalue()


def to_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook  # lazy: only the export needs it
    from openpyxl.styles import Font

    book = Workbook()
    info = book.active
    info.title = _("About")
    info.append([_("Veerkracht monitoring"), report.view.name, _period(report),
                 timezone.localdate().strftime("%d-%m-%Y")])
    info["A1"].font = Font(bold=True)
    for line in explanation(report):
        info.append([line])
    for title, header, rows in tables(report):
        sheet = book.create_sheet(title[:31])
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_cell(v) for v in row])
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_pdf(report: Report, *, chart: Any, request: Any = None) -> bytes:
    from veerkracht.core.pdf import render_pdf

    return render_pdf("monitoring/annual_report_pdf.html",
                      {"report": report, "chart": chart, "today": timezone.localdate(),
                       "explanation": explanation(report)}, request=request)


def filename(report: Report, kind: str) -> str:
    view = report.view
    who = f"organisatie-{view.organisation_id}" if view.exact else f"regio-{view.region_id}"
    period = f"{report.year}" + (f"-k{report.quarter}" if report.quarter else "")
    stem = "jaarrapport" if kind == "pdf" else "monitoring"
    return f"{stem}-{who}-{period}.{kind}"


def log_export(user: Any, report: Report, kind: str) -> None:
    view = report.view
    record(actor=user, action=Action.EXPORT,
           object_type="organisations.organisation" if view.exact else "organisations.region",
           object_id=str(view.organisation_id if view.exact else view.region_id),
           detail=f"monitoring {kind} {report.year}" + (f" Q{report.quarter}" if report.quarter else "")
           + (" exact" if view.exact else " protected"))
