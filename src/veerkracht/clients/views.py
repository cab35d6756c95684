"""Client screens: thin views over clients.queries (reads) and clients.services (writes)."""

from __future__ import annotations

import csv
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import HiddenInput
from django.forms.utils import ErrorDict, ErrorList
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from veerkracht.accounts.decorators import role_required
from veerkracht.accounts.roles import CLIENT_ROLES, REGISTERING_ROLES, Role
from veerkracht.core.concurrency import ConcurrentEditError

from . import forms, queries, services
from .models import Authority, Gender, PersonKind

READ_ROLES = tuple(CLIENT_ROLES)
WRITE_ROLES = tuple(REGISTERING_ROLES)

def _can_write(request: HttpRequest) -> bool:
    return getattr(request.user, "role", "") in REGISTERING_ROLES


def _service_errors(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def _error_items(*forms_: Any, group: str = "") -> list[dict[str, str]]:
    """Errors of all forms as a list for the error summary (with a link to the field).

    ``group`` names the part of the page ("Child 2") so that a message is clear on its own."""
    items: list[dict[str, str]] = []
    prefix = f"{group}, " if group else ""
    for form in forms_:
        if form is None:
            continue
        if hasattr(form, "management_form"):  # a formset
            for message in form.non_form_errors():
                items.append({"id": "", "message": str(message)})
            for number, sub in enumerate(form.forms, start=1):
                items.extend(_error_items(sub, group=_("Child %(number)s") % {"number": number}))
            continue
        for name, errors in form.errors.items():
            for message in errors:
                if name == "__all__" or name not in form.fields or isinstance(form.fields[name].widget, HiddenInput):
                    items.append({"id": "", "message": f"{group}: {message}" if group else str(message)})
                else:
                    bound = form[name]
                    items.append({"id": bound.id_for_label or bound.auto_id, "message": f"{prefix}{bound.label}: {message}"})
    return items


def _suppress_errors(form: Any) -> None:
    """Render a bound form without validating it (the 'add another child' step)."""
    form._errors = ErrorDict()
    form.cleaned_data = {}


def _current_stay(person: Any) -> Any:
    stays = getattr(person, "open_stays", None)
    return stays[0] if stays else None


# --- caseload -------------------------------------------------------------------------------
FILTER_KEYS = ("q", "location", "status", "kind")


def _caseload_queryset(request: HttpRequest) -> tuple[forms.CaseloadFilterForm, dict[str, Any], Any]:
    submitted = any(key in request.GET for key in FILTER_KEYS)
    form = forms.CaseloadFilterForm(request.GET if submitted else None, user=request.user)
    filters = form.filters() if submitted else {"q": "", "location": None, "status": "in_care", "kind": PersonKind.CHILD.value}
    qs = queries.caseload(
        request.user, query=filters["q"], location_id=filters["location"], status=filters["status"], kind=filters["kind"]
    )
    return form, filters, qs


@require_GET
@role_required(*READ_ROLES)
def caseload(request: HttpRequest) -> HttpResponse:
    form, filters, qs = _caseload_queryset(request)
    paginator = Paginator(qs, settings.CASELOAD_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = [{"person": p, "stay": _current_stay(p)} for p in page.object_list]
    submitted = any(request.GET.get(key) for key in FILTER_KEYS)
    if submitted:
        services.log_search(actor=request.user, filters=filters, result_count=paginator.count)
    return render(
        request,
        "clients/caseload.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "submitted": submitted,
            "can_write": _can_write(request),
            "can_export": request.user.role == Role.TEAMLEIDER,
        },
    )


def _csv_safe(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@require_GET
@role_required(Role.TEAMLEIDER)
def export(request: HttpRequest) -> HttpResponse:
    _form, filters, qs = _caseload_queryset(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="caseload.csv"'
    response["Cache-Control"] = "no-store"
    writer = csv.writer(response)
    writer.writerow([_("Client number"), _("First name"), _("Last name"), _("Date of birth"), _("Location")])
    count = 0
    for person in qs.iterator(chunk_size=500):
        stay = _current_stay(person)
        writer.writerow([
            _csv_safe(person.client_number),
            _csv_safe(person.first_name),
            _csv_safe(person.last_name),
            person.birth_date.strftime("%d-%m-%Y") if person.birth_date else "",
            _csv_safe(stay.location.name if stay else ""),
        ])
        count += 1
    parts = [f"{k}={v}" for k, v in sorted(filters.items()) if v and k != "q"]
    if filters.get("q"):
        parts.append("term=yes")
    services.log_export(actor=request.user, object_type="clients.person", detail=f"caseload {';'.join(parts)} rows={count}")
    return response


# --- registration ---------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@role_required(*WRITE_ROLES)
def register(request: HttpRequest) -> HttpResponse:
    org_id = queries.own_organisation_id(request.user)
    service_errors: list[str] = []
    if request.method == "POST":
        data = request.POST.copy()
        stay_form = forms.StayForm(data, user=request.user, prefix="stay")
        admission_date = stay_form.cleaned_data.get("admission_date") if stay_form.is_valid() else None
        if "add_child" in data:
            try:
                total = int(data.get("children-TOTAL_FORMS", "2"))
            except ValueError:
                total = 2
            total = max(0, min(total, forms.ChildFormSet.max_num - 1))
            data[f"children-{total}-gender"] = Gender.UNKNOWN
            data[f"children-{total}-authority"] = Authority.UNKNOWN
            data["children-TOTAL_FORMS"] = str(total + 1)
        parent_form = forms.ParentForm(data, prefix="parent", organisation_id=org_id)
        formset = forms.ChildFormSet(
            data,
            prefix="children",
            form_kwargs={"user": request.user, "organisation_id": org_id, "admission_date": admission_date},
        )
        if "add_child" in data:
            for form in (stay_form, parent_form, *formset.forms):
                _suppress_errors(form)
            formset._errors = []
            formset._non_form_errors = ErrorList()
        elif stay_form.is_valid() and parent_form.is_valid() and formset.is_valid():
            reg = _registration(stay_form, parent_form, formset)
            try:
                household = services.do_register_household(reg, actor=request.user)
            except ValidationError as exc:
                service_errors = _service_errors(exc)
            else:
                messages.success(
                    request,
                    _("The household has been registered: %(count)s children.") % {"count": len(reg.children)},
                )
                return redirect("clients:household", pk=household.pk)
    else:
        stay_form = forms.StayForm(user=request.user, prefix="stay")
        parent_form = forms.ParentForm(prefix="parent", organisation_id=org_id)
        formset = forms.ChildFormSet(prefix="children", form_kwargs={"user": request.user, "organisation_id": org_id})
    errors = [{"id": "", "message": m} for m in service_errors]
    if request.method == "POST" and "add_child" not in request.POST:
        errors += _error_items(stay_form, group=_("Stay"))
        errors += _error_items(parent_form, group=_("Parent"))
        errors += _error_items(formset)
    return render(
        request,
        "clients/register.html",
        {"stay_form": stay_form, "parent_form": parent_form, "formset": formset, "errors": errors},
        status=200,
    )


def _registration(stay_form: Any, parent_form: Any, formset: Any) -> services.Registration:
    stay, parent = stay_form.cleaned_data, parent_form.cleaned_data
    children = [
        services.ChildData(
            first_name=f.cleaned_data["first_name"],
            last_name=f.cleaned_data["last_name"],
            birth_date=f.cleaned_data["birth_date"],
            gender=f.cleaned_data["gender"],
            authority=f.cleaned_data["authority"],
            child_worker=f.cleaned_data.get("child_worker"),
        )
        for f in formset.forms
        if f.has_changed() and f.cleaned_data
    ]
    return services.Registration(
        location=stay["location"],
        care_type=stay["care_type"],
        admission_date=stay["admission_date"],
        reason=stay["reason"],
        team=stay.get("team"),
        mentor=stay.get("mentor"),
        parent=services.ParentData(
            first_name=parent["first_name"],
            last_name=parent["last_name"],
            birth_date=parent.get("birth_date"),
            kind=parent["kind"],
        ),
        children=children,
    )


# --- dossier --------------------------------------------------------------------------------
def _dossier_context(request: HttpRequest, pk: int) -> dict[str, Any]:
    person = queries.get_person(request.user, pk)
    stays = list(queries.stays_with_history(person))
    open_stay = next((s for s in stays if s.is_open), None)
    parent_links = list(queries.parent_links_of(person)) if person.is_child else []
    child_links = [] if person.is_child else list(queries.child_links_of(person))
    return {
        "person": person,
        "household": person.household,
        "stays": stays,
        "open_stay": open_stay,
        "parent_links": parent_links,
        "child_links": child_links,
        "pathway_steps": (steps := _pathway_steps(person, open_stay or (stays[0] if stays else None))),
        "pathway_links": _pathway_links(person, steps),
        "can_edit_pathway": getattr(request.user, "role", "") in PATHWAY_EDIT_ROLES,
        "can_write": _can_write(request),
        "courses": _courses(person),
    }


def _courses(person: Any) -> list[Any] | None:
    """The child's group courses (one query); None when the courses app is not installed."""
    from django.apps import apps

    if not person.is_child or not apps.is_installed("veerkracht.courses"):
        return None
    from veerkracht.courses.dossier_section import courses_of

    return courses_of(person)


PATHWAY_EDIT_ROLES = frozenset(REGISTERING_ROLES | {Role.GEDRAGSWETENSCHAPPER})


def _pathway_steps(person: Any, stay: Any) -> list[Any]:
    """The child's step plan (one query). Imported lazily: the pathway app builds on clients,
    never the other way round at import time."""
    if not person.is_child or stay is None:
        return []
    from django.apps import apps

    from veerkracht.pathway.queries import step_plan

    steps = step_plan(stay)
    if apps.is_installed("veerkracht.consent"):
        from veerkracht.consent.queries import mark_step_plan

        mark_step_plan(steps)
    if steps and apps.is_installed("veerkracht.screening"):
        from veerkracht.pathway.records import RECORD_KINDS, SCREENING
        from veerkracht.screening.queries import open_signal_counts

        open_signals = open_signal_counts([steps[0].pathway_id]).get(steps[0].pathway_id, 0)
        for step in steps:
            in_screening = step.definition.code in RECORD_KINDS[SCREENING].activity_codes
            step.open_signals = open_signals if in_screening else 0  # type: ignore[attr-defined]
    return steps


def _pathway_links(person: Any, steps: list[Any]) -> list[tuple[str, str]]:
    """Links to the child's pages beside the step plan (Meldcode, consent)."""
    if not person.is_child:
        return []
    from veerkracht.pathway.records import child_page_links

    return child_page_links(person, steps[0].pathway if steps else None)


@require_GET
@role_required(*READ_ROLES)
def dossier(request: HttpRequest, pk: int) -> HttpResponse:
    context = _dossier_context(request, pk)
    services.log_dossier_read(context["person"], actor=request.user)
    return render(request, "clients/dossier.html", context)


@require_GET
@role_required(*READ_ROLES)
def dossier_print(request: HttpRequest, pk: int) -> HttpResponse:
    context = _dossier_context(request, pk)
    services.log_print(context["person"], actor=request.user)
    return render(request, "clients/print.html", context)


@require_http_methods(["GET", "POST"])
@role_required(*WRITE_ROLES)
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = queries.get_person(request.user, pk)
    current = None
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        form = forms.PersonEditForm(request.POST, person=person, user=request.user)
        if form.is_valid():
            try:
                changed = services.do_update_person(
                    person, form.changes(), expected_version=form.cleaned_data["version"], actor=request.user
                )
            except ConcurrentEditError as exc:
                current = queries.get_person(request.user, pk)
                data = request.POST.copy()
                data["version"] = str(current.version)
                form = forms.PersonEditForm(data, person=current, user=request.user)
                form.is_valid()
                form.add_error(None, str(exc.message))
            except ValidationError as exc:
                for message in _service_errors(exc):
                    form.add_error(None, message)
            else:
                if changed:
                    messages.success(request, _("The details have been saved."))
                else:
                    messages.info(request, _("Nothing was changed."))
                return redirect("clients:dossier", pk=person.pk)
        errors = _error_items(form)
    else:
        initial = {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "birth_date": person.birth_date,
            "gender": person.gender,
            "child_worker": person.child_worker_id,
            "version": person.version,
        }
        form = forms.PersonEditForm(initial=initial, person=person, user=request.user)
    return render(
        request, "clients/edit.html", {"person": person, "form": form, "current": current, "errors": errors}
    )


# --- household ------------------------------------------------------------------------------
@require_GET
@role_required(*READ_ROLES)
def household(request: HttpRequest, pk: int) -> HttpResponse:
    hh = queries.get_household(request.user, pk)
    members = [{"person": p, "stay": _current_stay(p)} for p in queries.household_members(hh)]
    relations = list(queries.household_relations(hh))
    services.log_household_read(hh, actor=request.user)
    return render(
        request,
        "clients/household.html",
        {"household": hh, "members": members, "relations": relations, "can_write": _can_write(request)},
    )


@require_http_methods(["GET", "POST"])
@role_required(*WRITE_ROLES)
def add_father(request: HttpRequest, pk: int) -> HttpResponse:
    hh = queries.get_household(request.user, pk)
    children_qs = queries.visible_persons(request.user).filter(household=hh, kind=PersonKind.CHILD).order_by("birth_date", "pk")
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        form = forms.AddFatherForm(request.POST, children_qs=children_qs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.do_add_father(
                    hh,
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    birth_date=data.get("birth_date"),
                    children=[(child, data["authority"]) for child in data["children"]],
                    actor=request.user,
                )
            except ValidationError as exc:
                for message in _service_errors(exc):
                    form.add_error(None, message)
            else:
                messages.success(request, _("The father has been added."))
                return redirect("clients:household", pk=hh.pk)
        errors = _error_items(form)
    else:
        form = forms.AddFatherForm(children_qs=children_qs)
    return render(request, "clients/add_father.html", {"household": hh, "form": form, "errors": errors})


@require_http_methods(["GET", "POST"])
@role_required(*WRITE_ROLES)
def authority(request: HttpRequest, pk: int) -> HttpResponse:
    link = queries.get_relation(request.user, pk)
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        form = forms.AuthorityForm(request.POST)
        if form.is_valid():
            try:
                services.do_update_authority(
                    link,
                    authority=form.cleaned_data["authority"],
                    checked_on=form.cleaned_data.get("authority_checked_on"),
                    expected_version=form.cleaned_data["version"],
                    actor=request.user,
                )
            except ConcurrentEditError as exc:
                link = queries.get_relation(request.user, pk)
                data = request.POST.copy()
                data["version"] = str(link.version)
                form = forms.AuthorityForm(data)
                form.is_valid()
                form.add_error(None, str(exc.message))
            except ValidationError as exc:
                for message in _service_errors(exc):
                    form.add_error(None, message)
            else:
                messages.success(request, _("The parental authority has been saved."))
                return redirect("clients:dossier", pk=link.child_id)
        errors = _error_items(form)
    else:
        form = forms.AuthorityForm(
            initial={"authority": link.authority, "authority_checked_on": link.authority_checked_on, "version": link.version}
        )
    return render(request, "clients/authority.html", {"link": link, "form": form, "errors": errors})


# --- stays ----------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@role_required(*WRITE_ROLES)
def admit(request: HttpRequest, pk: int) -> HttpResponse:
    person = queries.get_person(request.user, pk)
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        form = forms.AdmitForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.do_admit(
                    person,
                    location=data["location"],
                    care_type=data["care_type"],
                    admission_date=data["admission_date"],
                    reason=data["reason"],
                    actor=request.user,
                )
            except ValidationError as exc:
                for message in _service_errors(exc):
                    form.add_error(None, message)
            else:
                messages.success(request, _("The admission has been registered."))
                return redirect("clients:dossier", pk=person.pk)
        errors = _error_items(form)
    else:
        form = forms.AdmitForm(user=request.user)
    return render(request, "clients/admit.html", {"person": person, "form": form, "errors": errors})


def _stay_form_view(request: HttpRequest, pk: int, *, kind: str) -> HttpResponse:
    stay = queries.get_stay(request.user, pk)
    form_class = forms.TransferForm if kind == "transfer" else forms.DischargeForm
    extra = {"user": request.user} if kind == "transfer" else {}
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        form = form_class(request.POST, stay=stay, **extra)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if kind == "transfer":
                    services.do_transfer(
                        stay, to_location=data["to_location"], date=data["date"],
                        expected_version=data["version"], actor=request.user,
                    )
                    message = _("The transfer has been registered.")
                else:
                    services.do_discharge(
                        stay, discharge_date=data["discharge_date"], destination=data["destination"],
                        expected_version=data["version"], actor=request.user,
                    )
                    message = _("The discharge has been registered.")
            except ConcurrentEditError as exc:
                stay = queries.get_stay(request.user, pk)
                post = request.POST.copy()
                post["version"] = str(stay.version)
                form = form_class(post, stay=stay, **extra)
                form.is_valid()
                form.add_error(None, str(exc.message))
            except ValidationError as exc:
                for msg in _service_errors(exc):
                    form.add_error(None, msg)
            else:
                messages.success(request, message)
                return redirect("clients:dossier", pk=stay.person_id)
        errors = _error_items(form)
    else:
        form = form_class(stay=stay, initial={"version": stay.version}, **extra)
    return render(request, f"clients/{kind}.html", {"stay": stay, "person": stay.person, "form": form, "errors": errors})


@require_http_methods(["GET", "POST"])
@role_required(*WRITE_ROLES)
def transfer(request: HttpRequest, pk: int) -> HttpResponse:
    return _stay_form_view(request, pk, kind="transfer")


@require_http_methods(["GET", "POST"])
@role_required(*WRITE_ROLES)
def discharge(request: HttpRequest, pk: int) -> HttpResponse:
    stay = queries.get_stay(request.user, pk)
    if stay.person.is_child and stay.is_open and hasattr(stay, "pathway"):
        # A child's discharge also closes its step plan (outcome per open activity): the pathway's page.
        return redirect("pathway:discharge", pk=stay.pk)
    return _stay_form_view(request, pk, kind="discharge")
