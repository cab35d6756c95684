"""The child's network (activity 6): list, ecomap and member edits. Thin views."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from veerkracht.accounts.decorators import role_required
from veerkracht.clients.views import _error_items
from veerkracht.core.concurrency import ConcurrentEditError
from veerkracht.pathway import records
from veerkracht.pathway.models import PathwayActivity
from veerkracht.pathway.queries import get_pathway
from veerkracht.pathway.records import RECORD_KINDS, records_for_activity
from veerkracht.pathway.services import EDITING_ROLES
from veerkracht.pathway.view_helpers import add_form_errors, report_closed

from . import ecomap, queries, services
from .forms import CompletionForm, DeleteForm, MemberForm
from .models import NetworkMember


def _activity_state(pathway: Any) -> tuple[PathwayActivity | None, bool]:
    """The activity the network serves and whether saving here may complete it (one query)."""
    activity = (
        PathwayActivity.objects.select_related("definition")
        .filter(pathway=pathway, definition__code__in=RECORD_KINDS[records.NETWORK].activity_codes)
        .order_by("definition__order")
        .first()
    )
    if activity is None:
        return None, False
    completes = len(records_for_activity(activity.definition.code)) == 1 and not activity.is_closed
    return activity, completes



def _initial(member: NetworkMember) -> dict[str, Any]:
    names = ("name", "member_type", "relation", "role", "quality", "contact_allowed", "safe_person", "reach", "notes",
             "version")
    return {name: getattr(member, name) for name in names}


@require_http_methods(["GET", "POST"])
@role_required(*EDITING_ROLES)
def overview(request: HttpRequest, pk: int) -> HttpResponse:
    pathway = get_pathway(request.user, pk)
    child = pathway.stay.person
    activity, offer = _activity_state(pathway)
    form = MemberForm()
    done_form = CompletionForm(prefix="done") if offer else None
    if request.method == "POST":
        if request.POST.get("action") == "complete" and offer:
            done_form = CompletionForm(request.POST, prefix="done")
            if done_form.is_valid():
                try:
                    services.do_complete_network(pathway, completed_on=done_form.cleaned_data["completed_on"],
                                                 actor=request.user)
                except ValidationError as exc:
                    if report_closed(request, exc):
                        return redirect("network:overview", pk=pathway.pk)
                    add_form_errors(done_form, exc)
                else:
                    messages.success(request, _("The network has been marked as completed."))
                    return redirect("network:overview", pk=pathway.pk)
        else:
            form = MemberForm(request.POST)
            if form.is_valid():
                try:
                    services.do_add_member(pathway, actor=request.user, **form.member_fields())
                except ValidationError as exc:
                    if report_closed(request, exc):
                        return redirect("network:overview", pk=pathway.pk)
                    add_form_errors(form, exc)
                else:
                    messages.success(request, _("The network member has been added."))
                    return redirect("network:overview", pk=pathway.pk)
    else:
        services.log_network_read(pathway, actor=request.user)
    members = list(queries.members_of(pathway))
    return render(request, "network/overview.html", {
        "pathway": pathway, "person": child, "activity": activity, "members": members,
        "ecomap_svg": ecomap.render_svg(child, members), "form": form, "done_form": done_form,
        "errors": _error_items(form, done_form),
    })


@require_GET
@role_required(*EDITING_ROLES)
def ecomap_svg(request: HttpRequest, pk: int) -> HttpResponse:
    pathway = get_pathway(request.user, pk)
    child = pathway.stay.person
    members = list(queries.members_of(pathway))
    services.log_network_read(pathway, actor=request.user, what="ecomap svg")
    response = HttpResponse(ecomap.render_svg(child, members, standalone=True),
                            content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="ecomap-{pathway.pk}.svg"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
@role_required(*EDITING_ROLES)
def member(request: HttpRequest, pk: int) -> HttpResponse:
    obj = queries.get_member(request.user, pk)
    pathway = obj.pathway
    child = pathway.stay.person
    current = None
    form = MemberForm(initial=_initial(obj), with_version=True)
    delete_form = DeleteForm(initial={"version": obj.version}, prefix="delete")
    if request.method == "POST" and request.POST.get("action") == "delete":
        delete_form = DeleteForm(request.POST, prefix="delete")
        if delete_form.is_valid():
            try:
                services.do_delete_member(obj, expected_version=delete_form.cleaned_data["version"], actor=request.user)
            except ConcurrentEditError as exc:
                current = exc.current
                delete_form = DeleteForm(initial={"version": current.version if current else 0}, prefix="delete")
                messages.error(request, str(exc.message))
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
                return redirect("network:member", pk=obj.pk)
            else:
                messages.success(request, _("The network member has been deleted."))
                return redirect("network:overview", pk=pathway.pk)
    elif request.method == "POST":
        form = MemberForm(request.POST, with_version=True)
        if form.is_valid():
            try:
                services.do_update_member(obj, expected_version=form.cleaned_data["version"], actor=request.user,
                                          **form.member_fields())
            except ConcurrentEditError as exc:
                current = NetworkMember.objects.filter(pk=obj.pk).first()
                post = request.POST.copy()
                post["version"] = str(current.version if current else 0)
                form = MemberForm(post, with_version=True)
                form.is_valid()
                form.add_error(None, str(exc.message))
            except ValidationError as exc:
                if report_closed(request, exc):
                    return redirect("network:member", pk=obj.pk)
                add_form_errors(form, exc)
            else:
                messages.success(request, _("The network member has been saved."))
                return redirect("network:overview", pk=pathway.pk)
    else:
        services.log_network_read(pathway, actor=request.user, what="network member", obj=obj)
    return render(request, "network/member.html", {
        "pathway": pathway, "person": child, "member": obj, "form": form, "delete_form": delete_form,
        "current": current, "errors": _error_items(form, delete_form),
    })
