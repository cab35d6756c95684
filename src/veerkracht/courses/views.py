"""Group courses: the list of groups, a new group from a template, a group's page (sessions and
enrolments), enrolling a child, attendance per session, dropout and make-up sessions.
Thin views: parse, call a query or a service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from veerkracht.accounts.decorators import role_required
from veerkracht.accounts.roles import CLIENT_ROLES
from veerkracht.clients.views import _error_items
from veerkracht.core.concurrency import ConcurrentEditError
from veerkracht.pathway.services import EDITING_ROLES
from veerkracht.pathway.view_helpers import add_form_errors, int_or_none

from . import queries, services
from .forms import (
    AttendanceForm,
    CourseTemplateForm,
    DropoutForm,
    EnrolForm,
    GroupEditForm,
    GroupForm,
    GroupStatusForm,
    MakeupForm,
    SessionDateForm,
    TopicsForm,
)
from .models import EnrolmentStatus, Group, GroupStatus, SessionKind


@require_http_methods(["GET"])
@role_required(*CLIENT_ROLES)
def group_list(request: HttpRequest) -> HttpResponse:
    groups = list(queries.group_list(request.user))
    return render(request, "courses/list.html", {
        "groups": groups, "region_groups": list(queries.region_groups(request.user)),
        "may_create": request.user.role in EDITING_ROLES, "templates": list(queries.templates_for(request.user)),
    })


@require_http_methods(["GET", "POST"])
@role_required(*EDITING_ROLES)
def create(request: HttpRequest) -> HttpResponse:
    form = GroupForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.do_create_group(actor=request.user, **form.group_fields())
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("The group has been created with its sessions."))
            return redirect("courses:detail", pk=group.pk)
    return render(request, "courses/create.html", {"form": form, "errors": _error_items(form)})


@require_http_methods(["GET"])
@role_required(*CLIENT_ROLES)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = queries.get_group(request.user, pk)
    services.log_group_read(group, actor=request.user)
    enrolments = queries.enrolments_of(group)
    may_manage = services.can_manage_group(request.user, group)
    return render(request, "courses/detail.html", {
        "group": group, "sessions": queries.sessions_of(group), "trainers": list(group.trainers.all()),
        "enrolled": [e for e in enrolments if e.status in (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)],
        "waiting": [e for e in enrolments if e.status == EnrolmentStatus.WAITING],
        "dropped": [e for e in enrolments if e.status == EnrolmentStatus.DROPPED_OUT],
        "may_manage": may_manage, "is_open": group.status != GroupStatus.COMPLETED,
        "status_form": GroupStatusForm(initial={"version": group.version}),
        "makeup_form": MakeupForm(group=group) if may_manage else None,
    })


@require_http_methods(["GET", "POST"])
@role_required(*EDITING_ROLES)
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    """POST only changes the status; a GET goes back to the group (the form is on its page)."""
    group = queries.get_group(request.user, pk)
    if request.method == "GET":
        return redirect("courses:detail", pk=group.pk)
    form = GroupStatusForm(request.POST)
    if form.is_valid():
        try:
            services.do_change_group_status(group, status=form.cleaned_data["status"],
                                            expected_version=form.cleaned_data["version"], actor=request.user)
        except ConcurrentEditError as exc:
            messages.error(request, str(exc.message))
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("The status of the group has been saved."))
    else:
        messages.error(request, _("Choose the new status."))
    return redirect("courses:detail", pk=group.pk)


@require_http_methods(["GET", "POST"])
@role_required(*EDITING_ROLES)
def makeup(request: HttpRequest, pk: int) -> HttpResponse:
    group = queries.get_group(request.user, pk)
    form = MakeupForm(request.POST or None, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_add_makeup_session(group, date=form.cleaned_data["date"],
                                           makeup_for=form.cleaned_data["makeup_for"], actor=request.user)
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("The make-up session has been added."))
            return redirect("courses:detail", pk=group.pk)
    return render(request, "courses/makeup.html", {"group": group, "form": form, "errors": _error_items(form)})


@require_http_methods(["GET", "POST"])
@role_required(*EDITING_ROLES)
def enrol(request: HttpRequest, pk: int) -> HttpResponse:
    """Enrol a child of the own organisation (for another organisation's group: the referral)."""
    group = queries.get_referable_group(request.user, pk)
    own = group.organisation_id == request.user.membership_or_none.organisation_id
    form = EnrolForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.do_enrol(group, child=form.cleaned_data["child"], actor=request.user)
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            if enrolment.status == EnrolmentStatus.WAITING:
                messages.warning(request, _("The group is full: the child has been put on the waiting list."))
            else:
                messages.success(request, _("The child has been enrolled."))
            return redirect("courses:detail", pk=group.pk) if own else redirect("courses:list")
    return render(request, "courses/enrol.html", {"group": group, "own": own, "form": form,
                                                  "errors": _error_items(form)})


@require_http_methods(["GET", "POST"])
@role_required(*EDITING_ROLES)
def session(request: HttpRequest, pk: int) -> HttpResponse:
    """Attendance of one session (children, or parents at a parent session), and its notes."""
    current = queries.get_session(request.user, pk)
    group = current.group
    if not services.can_manage_group(request.user, group):
        raise PermissionDenied
    parent_session = current.kind == SessionKind.PARENT
    pairs = services.attendees(current)

    def initial() -> dict[str, Any]:
        values: dict[str, Any] = {"version": current.version, "notes": current.notes}
        recorded = {(a.enrolment_id, a.person_id): a.present for a in current.attendances.all()}
        for e, p in pairs:
            values[AttendanceForm.key(e, p)] = recorded.get((e.pk, p.pk), False)
        return values

    form = AttendanceForm(initial=initial(), pairs=pairs, parent_session=parent_session)
    if request.method == "POST":
        posted = AttendanceForm(request.POST, pairs=pairs, parent_session=parent_session)
        if posted.is_valid():
            try:
                services.do_record_attendance(current, present=posted.present(), notes=posted.cleaned_data["notes"],
                                              expected_version=posted.cleaned_data["version"], actor=request.user)
            except ConcurrentEditError as exc:
                current = queries.get_session(request.user, pk)
                post = request.POST.copy()
                post["version"] = str(current.version)
                form = AttendanceForm(post, pairs=pairs, parent_session=parent_session)
                form.is_valid()
                form.add_error(None, str(exc.message))
            except ValidationError as exc:
                form = posted
                add_form_errors(form, exc)
            else:
                messages.success(request, _("The attendance has been saved."))
                return redirect("courses:detail", pk=group.pk)
        else:
            form = posted
    else:
        services.log_group_read(group, actor=request.user, what="course session attendance")
    return render(request, "courses/session.html", {
        "group": group, "session": current, "form": form, "errors": _error_items(form), "pairs": pairs,
        "parent_session": parent_session, "is_open": group.status != GroupStatus.COMPLETED,
    })


@require_http_methods(["GET", "POST"])
@role_required(*EDITING_ROLES)
def enrolment(request: HttpRequest, pk: int) -> HttpResponse:
    """One child's enrolment: attendance so far, dropout with a reason, admission from the waiting list."""
    current = queries.get_enrolment(request.user, pk)
    group = current.group
    may_manage = services.can_manage_group(request.user, group)
    form = DropoutForm(initial={"version": current.version})
    if request.method == "POST":
        try:
            if request.POST.get("action") == "admit":
                services.do_admit_from_waiting_list(current, expected_version=int_or_none(request.POST.get("version")) or 0,
                                                    actor=request.user)
                messages.success(request, _("The child has been admitted from the waiting list."))
                return redirect("courses:enrolment", pk=current.pk)
            form = DropoutForm(request.POST)
            if form.is_valid():
                ended = services.do_drop_out(current, reason=form.cleaned_data["reason"], on=form.cleaned_data["on"],
                                             expected_version=form.cleaned_data["version"], actor=request.user)
                messages.success(request, _("The dropout has been saved."))
                if may_manage and ended.promotion:
                    report_promotion(request, group, ended.promotion)
                    return redirect("courses:detail", pk=group.pk)
                return redirect("courses:enrolment", pk=current.pk)
        except ConcurrentEditError as exc:
            current = queries.get_enrolment(request.user, pk)
            post = request.POST.copy()
            post["version"] = str(current.version)
            form = DropoutForm(post)
            form.is_valid()
            form.add_error(None, str(exc.message))
        except ValidationError as exc:
            add_form_errors(form, exc)
    else:
        services.log_enrolment_read(current, actor=request.user)
    attendances = list(current.attendances.select_related("session").order_by("session__date", "session__kind"))
    return render(request, "courses/enrolment.html", {
        "group": group, "enrolment": current, "child": current.child, "may_manage": may_manage,
        "attendances": attendances, "form": form, "errors": _error_items(form),
        "active": current.status in (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITING),
        "age": current.child.age,
    })


@require_http_methods(["GET", "POST"])
@role_required(*EDITING_ROLES)
def topics(request: HttpRequest, pk: int) -> HttpResponse:
    """The session topics of a course for the own organisation (a shipped course gets an own version)."""
    template = queries.get_template(request.user, pk)
    form = TopicsForm(initial={"version": template.version}, template=template)
    if request.method == "POST":
        form = TopicsForm(request.POST, template=template)
        if form.is_valid():
            try:
                own = services.do_save_topics(template, topics=form.topics(), actor=request.user,
                                              expected_version=form.cleaned_data["version"])
            except ConcurrentEditError as exc:
                template = queries.get_template(request.user, pk)
                post = request.POST.copy()
                post["version"] = str(template.version)
                form = TopicsForm(post, template=template)
                form.is_valid()
                form.add_error(None, str(exc.message))
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("The session topics have been saved for your organisation."))
                return redirect("courses:topics", pk=own.pk)
    return render(request, "courses/topics.html", {"template": template, "form": form,
                                                   "errors": _error_items(form)})


# -- promotion from the waiting list, editing a group and moving a session ------------------------------
def report_promotion(request: HttpRequest, group: Group, promotion: services.Promotion) -> None:
    """Say who was admitted from the waiting list (or skipped, and why) - by first name, and only to the
    group's own organisation."""
    if getattr(request.user.membership_or_none, "organisation_id", None) != group.organisation_id:
        return
    for enrolment in promotion.admitted:
        messages.success(request, _("A place became free: %(name)s has been admitted from the waiting list.") % {
            "name": enrolment.child.first_name})
    for enrolment, reason in promotion.skipped:
        messages.warning(request, _("%(name)s was not admitted from the waiting list: %(reason)s. The child stays "
                                    "on the waiting list.") % {"name": enrolment.child.first_name, "reason": reason})


def _errors_on_fields(form: Any, exc: ValidationError, aliases: dict[str, str | None] | None = None) -> None:
    """A service's refusal on the form: at the field its code names (so the summary links to it), else on
    top. The user's input stays in the form."""
    aliases = aliases or {}
    for error in exc.error_list:
        name = aliases.get(str(error.code), error.code)
        form.add_error(name if name in form.fields else None, error.messages[0])


@require_http_methods(["GET", "POST"])
@role_required(*EDITING_ROLES)
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an existing group: name, maximum size, meeting place, trainers, open to the region."""
    group = queries.get_group(request.user, pk)
    if not services.can_manage_group(request.user, group):
        raise PermissionDenied
    is_open = group.status != GroupStatus.COMPLETED
    form = GroupEditForm(None, user=request.user, group=group)
    if request.method == "POST" and is_open:
        form = GroupEditForm(request.POST, user=request.user, group=group)
        if form.is_valid():
            try:
                saved = services.do_update_group(group, actor=request.user, **form.group_fields())
            except ConcurrentEditError as exc:
                group = queries.get_group(request.user, pk)
                post = request.POST.copy()
                post["version"] = str(group.version)
                form = GroupEditForm(post, user=request.user, group=group)
                form.is_valid()
                form.add_error(None, str(exc.message))
            except ValidationError as exc:
                _errors_on_fields(form, exc)
            else:
                messages.success(request, _("The group has been saved."))
                report_promotion(request, saved, saved.promotion)
                return redirect("courses:detail", pk=group.pk)
    elif request.method == "GET":
        services.log_group_read(group, actor=request.user, what="course group edit form")
    return render(request, "courses/edit.html", {"group": group, "form": form, "errors": _error_items(form),
                                                 "is_open": is_open})


@require_http_methods(["GET", "POST"])
@role_required(*EDITING_ROLES)
def move_session(request: HttpRequest, pk: int) -> HttpResponse:
    """Move one session to another date (planned measurements follow)."""
    current = queries.get_session(request.user, pk)
    group = current.group
    if not services.can_manage_group(request.user, group):
        raise PermissionDenied
    is_open = group.status != GroupStatus.COMPLETED
    form = SessionDateForm(initial={"version": current.version, "date": current.date})
    if request.method == "POST" and is_open:
        form = SessionDateForm(request.POST)
        if form.is_valid():
            try:
                services.do_move_session(current, date=form.cleaned_data["date"], actor=request.user,
                                         expected_version=form.cleaned_data["version"])
            except ConcurrentEditError as exc:
                current = queries.get_session(request.user, pk)
                post = request.POST.copy()
                post["version"] = str(current.version)
                form = SessionDateForm(post)
                form.is_valid()
                form.add_error(None, str(exc.message))
            except ValidationError as exc:
                _errors_on_fields(form, exc)
            else:
                messages.success(request, _("The session has been moved."))
                return redirect("courses:detail", pk=group.pk)
    return render(request, "courses/session_date.html", {
        "group": group, "session": current, "form": form, "errors": _error_items(form), "is_open": is_open,
        "has_attendance": current.attendances.exists()})


# -- the organisation's own course templates --------------------------------------------------------
TEMPLATE_ERROR_FIELDS: dict[str, str | None] = {"instruments": None}


@require_http_methods(["GET"])
@role_required(*EDITING_ROLES)
def course_overview(request: HttpRequest) -> HttpResponse:
    """The shipped courses and the organisation's own, with links to edit them or keep own topics."""
    shipped, own = queries.course_overview(request.user)
    return render(request, "courses/courses.html", {"shipped": shipped, "own": own})


@require_http_methods(["GET", "POST"])
@role_required(*EDITING_ROLES)
def template_create(request: HttpRequest) -> HttpResponse:
    form = CourseTemplateForm(request.POST or None, initial={"active": True, "parent_sessions": 0})
    if request.method == "POST" and form.is_valid():
        try:
            template = services.do_create_course_template(values=form.values(), actor=request.user)
        except ValidationError as exc:
            _errors_on_fields(form, exc, TEMPLATE_ERROR_FIELDS)
        else:
            messages.success(request, _("The course %(name)s has been saved for your organisation.") % {
                "name": template.name})
            return redirect("courses:courses")
    return render(request, "courses/template_form.html", {"form": form, "errors": _error_items(form),
                                                          "template": None})


@require_http_methods(["GET", "POST"])
@role_required(*EDITING_ROLES)
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = queries.get_own_template(request.user, pk)
    form = CourseTemplateForm(None, template=template)
    if request.method == "POST":
        form = CourseTemplateForm(request.POST, template=template)
        if form.is_valid():
            try:
                saved = services.do_update_course_template(
                    template, values=form.values(), expected_version=form.cleaned_data.get("version") or 0,
                    actor=request.user)
            except ConcurrentEditError as exc:
                template = queries.get_own_template(request.user, pk)
                post = request.POST.copy()
                post["version"] = str(template.version)
                form = CourseTemplateForm(post, template=template)
                form.is_valid()
                form.add_error(None, str(exc.message))
            except ValidationError as exc:
                _errors_on_fields(form, exc, TEMPLATE_ERROR_FIELDS)
            else:
                messages.success(request, _("The course %(name)s has been saved for your organisation.") % {
                    "name": saved.name})
                return redirect("courses:courses")
    return render(request, "courses/template_form.html", {
        "form": form, "errors": _error_items(form), "template": template,
        "group_count": template.groups.count()})
