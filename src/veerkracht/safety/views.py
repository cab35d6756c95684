"""The child's safety plan (activity 3): view, edit, adopt, compare revisions. Thin views."""

from __future__ import annotations

import time
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from veerkracht.accounts.decorators import role_required
from veerkracht.accounts.roles import Role
from veerkracht.clients.views import _error_items
from veerkracht.core.concurrency import ConcurrentEditError
from veerkracht.organisations import secrecy
from veerkracht.pathway import records
from veerkracht.pathway.models import PathwayActivity
from veerkracht.pathway.queries import get_pathway
from veerkracht.pathway.records import RECORD_KINDS
from veerkracht.pathway.services import EDITING_ROLES
from veerkracht.pathway.view_helpers import add_form_errors, report_closed

from . import documents, queries, services
from .forms import AdoptForm, SafetyPlanForm
from .models import CONTENT_NAMES, PlanStatus, default_plan_language


def _activity(pathway: Any) -> PathwayActivity | None:
    return (
        PathwayActivity.objects.select_related("definition")
        .filter(pathway=pathway, definition__code__in=RECORD_KINDS[records.SAFETY_PLAN].activity_codes)
        .order_by("definition__order")
        .first()
    )



def _repost(request: HttpRequest, **values: Any) -> Any:
    post = request.POST.copy()
    for name, value in values.items():
        post[name] = str(value)
    return post


@require_http_methods(["GET", "POST"])
@role_required(*EDITING_ROLES)
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    pathway = get_pathway(request.user, pk)
    child = pathway.stay.person
    safety_plan = queries.plan_of(pathway)
    latest = queries.latest_revision(safety_plan)
    version = safety_plan.version if safety_plan else 0
    base = latest.number if latest else 0
    can_adopt = request.user.role == Role.GEDRAGSWETENSCHAPPER
    initial: dict[str, Any] = {"version": version, "base": base,
                               "language": safety_plan.language if safety_plan else default_plan_language()}
    if latest is not None:
        initial.update(latest.content())
    form = SafetyPlanForm(initial=initial)
    adopt_form = AdoptForm(initial={"version": version}, prefix="adopt")
    meanwhile: list[Any] = []
    action = request.POST.get("action")
    if request.method == "POST" and action in ("adopt", "review"):
        adopt_form = AdoptForm(request.POST, prefix="adopt")
        if adopt_form.is_valid() and safety_plan is None:
            adopt_form.add_error(None, _("Save the safety plan before adopting it."))
        elif adopt_form.is_valid():
            data = adopt_form.cleaned_data
            try:
                if action == "adopt":
                    services.do_adopt_safety_plan(safety_plan, review_date=data["review_date"],
                                                  expected_version=data["version"], actor=request.user)
                else:
                    services.do_set_review_date(safety_plan, review_date=data["review_date"],
                                                expected_version=data["version"], actor=request.user)
            except ConcurrentEditError as exc:
                adopt_form = AdoptForm(_repost(request, **{"adopt-version": version}), prefix="adopt")
                adopt_form.is_valid()
                adopt_form.add_error(None, str(exc.message))
            except ValidationError as exc:
                if report_closed(request, exc):
                    return redirect("safety:plan", pk=pathway.pk)
                add_form_errors(adopt_form, exc)
            else:
                messages.success(request, _("The safety plan has been adopted.") if action == "adopt"
                                 else _("The review date has been saved."))
                return redirect("safety:plan", pk=pathway.pk)
    elif request.method == "POST":
        form = SafetyPlanForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.do_save_safety_plan(pathway, content=form.content(), language=data["language"],
                                             expected_version=data["version"], actor=request.user)
            except ConcurrentEditError as exc:
                started = queries.revisions_by_number(safety_plan, [data["base"]]).get(data["base"]) \
                    if safety_plan else None
                meanwhile = [row for row in queries.compare(started, latest) if row.changed]
                form = SafetyPlanForm(_repost(request, version=version, base=base))
                form.is_valid()
                form.add_error(None, str(exc.message))
            except ValidationError as exc:
                if report_closed(request, exc):
                    return redirect("safety:plan", pk=pathway.pk)
                add_form_errors(form, exc)
            else:
                messages.success(request, _("The safety plan has been saved."))
                return redirect("safety:plan", pk=pathway.pk)
    else:
        services.log_safety_read(pathway, actor=request.user, obj=safety_plan)
    revisions = list(queries.revisions_of(safety_plan)) if safety_plan else []
    default_pdf = documents.default_version(child)
    return render(request, "safety/plan.html", {
        "pathway": pathway, "person": child, "activity": _activity(pathway), "plan": safety_plan,
        "latest": latest, "latest_rows": queries.compare(latest, latest) if latest else [],
        "revisions": revisions, "form": form, "adopt_form": adopt_form, "can_adopt": can_adopt,
        "adopt_action": "review" if safety_plan and safety_plan.status == PlanStatus.ADOPTED else "adopt",
        "meanwhile": meanwhile, "safe_persons": queries.safe_persons(pathway),
        "errors": _error_items(form, adopt_form), "content_names": CONTENT_NAMES,
        "pdf_versions": _pdf_versions(default_pdf), "default_pdf": default_pdf,
    })


def _pdf_versions(default: str) -> list[tuple[str, str, bool]]:
    """(version, link text, is the default for this child's age) for the three PDFs."""
    labels = {
        documents.YOUNG: _("For a young child (pictures)"),
        documents.OLDER: _("For an older child"),
        documents.PROFESSIONAL: _("For professionals"),
    }
    return [(version, labels[version], version == default) for version in documents.VERSIONS]


@require_GET
@role_required(*EDITING_ROLES)
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The safety plan as a PDF in the plan's language: ?version=young|older|professional (default by age)."""
    pathway = get_pathway(request.user, pk)
    child = pathway.stay.person
    version = request.GET.get("version") or documents.default_version(child)
    if version not in documents.VERSIONS:
        messages.error(request, _("That version of the safety plan does not exist."))
        return redirect("safety:plan", pk=pathway.pk)
    safety_plan = queries.plan_of(pathway)
    document = documents.document_for(safety_plan, version=version, child=child) if safety_plan else None
    if document is None:
        messages.error(request, _("There is no safety plan to print yet: save the plan first."))
        return redirect("safety:plan", pk=pathway.pk)
    if secrecy.document_mentions_location(pathway, document):
        messages.error(request, str(secrecy.DOCUMENT_REFUSED))
        return redirect("safety:plan", pk=pathway.pk)
    services.log_safety_export(pathway, actor=request.user, version=version, obj=safety_plan)
    started = time.perf_counter()
    content = documents.render(document)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{documents.filename(pathway, version)}"'
    response["Cache-Control"] = "no-store"
    response["Server-Timing"] = f"pdf;dur={(time.perf_counter() - started) * 1000:.0f}"
    return response


def _number(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


@require_GET
@role_required(*EDITING_ROLES)
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    pathway = get_pathway(request.user, pk)
    child = pathway.stay.person
    safety_plan = queries.plan_of(pathway)
    revisions = list(queries.revisions_of(safety_plan)) if safety_plan else []
    numbers = [r.number for r in revisions]
    a = b = None
    rows: list[Any] = []
    if numbers:
        default_b = numbers[0]
        default_a = numbers[1] if len(numbers) > 1 else numbers[0]
        a, b = _number(request.GET.get("a")), _number(request.GET.get("b"))
        if ("a" in request.GET or "b" in request.GET) and (a not in numbers or b not in numbers):
            messages.error(request, _("That revision does not exist; the last two revisions are compared."))
            a, b = None, None
        a, b = a or default_a, b or default_b
        found = queries.revisions_by_number(safety_plan, [a, b])
        rows = queries.compare(found.get(a), found.get(b))
        services.log_safety_read(pathway, actor=request.user, what="safety plan compare", obj=safety_plan)
    return render(request, "safety/compare.html", {
        "pathway": pathway, "person": child, "plan": safety_plan, "revisions": revisions, "a": a, "b": b,
        "rows": rows, "changed_count": sum(1 for r in rows if r.changed),
    })
