"""The user's own notifications: a list, and marking them read (POST only)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from veerkracht.accounts.decorators import role_required
from veerkracht.accounts.roles import CLIENT_ROLES

from . import services

PAGE_SIZE = 50


@require_GET
@role_required(*CLIENT_ROLES)
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(services.own_notifications(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    services.log_list_read(actor=request.user, count=len(rows))
    unread_total = services.unread_count(request.user)
    return render(
        request,
        "notifications/list.html",
        {"page": page, "rows": rows, "unread_total": unread_total},
    )


@require_POST
@role_required(*CLIENT_ROLES)
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = services.own_notifications(request.user).filter(pk=pk).first()
    if notification is None:
        raise Http404
    if services.do_mark_read(notification, actor=request.user):
        messages.success(request, _("The notification has been marked as read."))
    return redirect("notifications:list")


@require_POST
@role_required(*CLIENT_ROLES)
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.do_mark_all_read(actor=request.user)
    if count:
        messages.success(
            request,
            ngettext("%(count)d notification marked as read.", "%(count)d notifications marked as read.", count)
            % {"count": count},
        )
    else:
        messages.info(request, _("There were no unread notifications."))
    return redirect("notifications:list")
