"""Parenting and living situation (activity 5) and support of parents (activity 8): thin views."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from veerkracht.accounts.decorators import role_required
from veerkracht.clients.views import _error_items
from veerkracht.core.concurrency import ConcurrentEditError
from veerkracht.pathway import records
from veerkracht.pathway.queries import get_pathway
from veerkracht.pathway.services import EDITING_ROLES
from veerkracht.pathway.view_helpers import add_form_errors, report_closed

from . import queries, services
from .forms import TOPIC_LABELS, CompletionForm, DeleteForm, ParentingForm, SupportItemForm
from .models import TOPICS, ParentSupportItem


def _offer(activity: Any, completes: bool) -> bool:
    return bool(completes and activity is not None and not activity.is_closed)


def _repost(request: HttpRequest, version: int) -> Any:
    post = request.POST.copy()
    post["version"] = str(version)
    return post


@require_http_methods(["GET", "POST"])
@role_required(*EDITING_ROLES)
def parenting(request: HttpRequest, pk: int) -> HttpResponse:
    pathway = get_pathway(request.user, pk)
    child = pathway.stay.person
    assessment = queries.assessment_of(pathway)
    activity, completes = queries.activity_state(pathway, records.PARENTING)
    offer = _offer(activity, completes)
    parents = services.parents_of(child)
    current = None
    if request.method == "POST":
        form = ParentingForm(request.POST, parents=parents, offer_completion=offer)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.do_save_parenting(
                    pathway, parent=data["parent"], conversation_date=data["conversation_date"], topics=form.topics(),
                    completed_on=data.get("completed_on"), expected_version=data["version"], actor=request.user,
                )
            except ConcurrentEditError as exc:
                current = queries.assessment_of(pathway)
                form = ParentingForm(_repost(request, current.version if current else 0), parents=parents,
                                     offer_completion=offer)
                form.is_valid()
                form.add_error(None, str(exc.message))
            except ValidationError as exc:
                if report_closed(request, exc):
                    return redirect("family:parenting", pk=pathway.pk)
                add_form_errors(form, exc)
            else:
                messages.success(request, _("The parenting and living situation has been saved."))
                return redirect("family:parenting", pk=pathway.pk)
    else:
        services.log_parenting_read(pathway, assessment, actor=request.user)
        initial: dict[str, Any] = {"version": assessment.version if assessment else 0}
        if assessment is not None:
            initial.update({name: getattr(assessment, name) for name in TOPICS})
            initial.update({"parent": assessment.parent_id, "conversation_date": assessment.conversation_date})
        form = ParentingForm(initial=initial, parents=parents, offer_completion=offer)
    current_topics = [(TOPIC_LABELS[name], getattr(current, name)) for name in TOPICS] if current else []
    stored_topics = [(TOPIC_LABELS[name], getattr(assessment, name)) for name in TOPICS] if assessment else []
    return render(request, "family/parenting.html", {
        "pathway": pathway, "person": child, "assessment": assessment, "activity": activity, "form": form,
        "current": current, "current_topics": current_topics, "stored_topics": stored_topics,
        "errors": _error_items(form),
    })


@require_http_methods(["GET", "POST"])
@role_required(*EDITING_ROLES)
def support(request: HttpRequest, pk: int) -> HttpResponse:
    pathway = get_pathway(request.user, pk)
    child = pathway.stay.person
    activity, completes = queries.activity_state(pathway, records.PARENT_SUPPORT)
    offer = _offer(activity, completes)
    parents = services.parents_of(child)
    form = SupportItemForm(parents=parents)
    done_form = CompletionForm(prefix="done") if offer else None
    if request.method == "POST":
        if request.POST.get("action") == "complete" and offer:
            done_form = CompletionForm(request.POST, prefix="done")
            if done_form.is_valid():
                try:
                    services.do_complete_parent_support(
                        pathway, completed_on=done_form.cleaned_data["completed_on"], actor=request.user
                    )
                except ValidationError as exc:
                    if report_closed(request, exc):
                        return redirect("family:support", pk=pathway.pk)
                    add_form_errors(done_form, exc)
                else:
                    messages.success(request, _("The support of parents has been marked as completed."))
                    return redirect("family:support", pk=pathway.pk)
        else:
            form = SupportItemForm(request.POST, parents=parents)
            if form.is_valid():
                try:
                    services.do_add_support_item(pathway, actor=request.user, **form.item_fields())
                except ValidationError as exc:
                    if report_closed(request, exc):
                        return redirect("family:support", pk=pathway.pk)
                    add_form_errors(form, exc)
                else:
                    messages.success(request, _("The support item has been added."))
                    return redirect("family:support", pk=pathway.pk)
    else:
        services.log_support_read(pathway, actor=request.user)
    return render(request, "family/support.html", {
        "pathway": pathway, "person": child, "activity": activity, "items": list(queries.support_items_of(pathway)),
        "form": form, "done_form": done_form, "has_parents": parents.exists(),
        "errors": _error_items(form, done_form),
    })


def _item_initial(item: ParentSupportItem) -> dict[str, Any]:
    return {
        "parent": item.parent_id, "kind": item.kind, "date": item.date, "description": item.description,
        "referred_to": item.referred_to, "referral_status": item.referral_status,
        "participated": "" if item.participated is None else ("yes" if item.participated else "no"),
        "version": item.version,
    }


@require_http_methods(["GET", "POST"])
@role_required(*EDITING_ROLES)
def support_item(request: HttpRequest, pk: int) -> HttpResponse:
    item = queries.get_support_item(request.user, pk)
    pathway = item.pathway
    child = pathway.stay.person
    parents = services.parents_of(child)
    current = None
    form = SupportItemForm(initial=_item_initial(item), parents=parents, with_version=True)
    delete_form = DeleteForm(initial={"version": item.version}, prefix="delete")
    if request.method == "POST" and request.POST.get("action") == "delete":
        delete_form = DeleteForm(request.POST, prefix="delete")
        if delete_form.is_valid():
            try:
                services.do_delete_support_item(
                    item, expected_version=delete_form.cleaned_data["version"], actor=request.user
                )
            except ConcurrentEditError as exc:
                current = exc.current
                delete_form = DeleteForm(initial={"version": current.version if current else 0}, prefix="delete")
                messages.error(request, str(exc.message))
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
                return redirect("family:support_item", pk=item.pk)
            else:
                messages.success(request, _("The support item has been deleted."))
                return redirect("family:support", pk=pathway.pk)
    elif request.method == "POST":
        form = SupportItemForm(request.POST, parents=parents, with_version=True)
        if form.is_valid():
            try:
                services.do_update_support_item(
                    item, expected_version=form.cleaned_data["version"], actor=request.user, **form.item_fields()
                )
            except ConcurrentEditError as exc:
                current = ParentSupportItem.objects.select_related("parent").filter(pk=item.pk).first()
                form = SupportItemForm(_repost(request, current.version if current else 0), parents=parents,
                                       with_version=True)
                form.is_valid()
                form.add_error(None, str(exc.message))
            except ValidationError as exc:
                if report_closed(request, exc):
                    return redirect("family:support_item", pk=item.pk)
                add_form_errors(form, exc)
            else:
                messages.success(request, _("The support item has been saved."))
                return redirect("family:support", pk=pathway.pk)
    else:
        services.log_support_read(pathway, actor=request.user, obj=item)
    return render(request, "family/support_item.html", {
        "pathway": pathway, "person": child, "item": item, "form": form, "delete_form": delete_form,
        "current": current, "errors": _error_items(form, delete_form),
    })
