from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from veerkracht.accounts.decorators import public
from veerkracht.accounts.roles import CLIENT_ROLES, Role
from veerkracht.clients.models import PersonKind, Stay
from veerkracht.clients.queries import visible_persons


def home(request: HttpRequest) -> HttpResponse:
    """The start page: what matters for the user's role."""
    user = request.user
    membership = user.membership_or_none  # type: ignore[union-attr]
    context: dict[str, object] = {"membership": membership}
    if membership and membership.role in CLIENT_ROLES:
        open_stay = Stay.objects.filter(person_id=OuterRef("pk"), discharge_date__isnull=True)
        children = visible_persons(user).filter(kind=PersonKind.CHILD).filter(Exists(open_stay))
        context["children_in_care"] = children.count()
        context["my_children"] = children.filter(child_worker=user).count()
        from veerkracht.pathway.queries import work_counts  # lazy: pathway builds on core, not the reverse

        context["work"] = work_counts(user)
    elif membership and membership.role == Role.GEMEENTE and membership.region_id:
        context["region_organisations"] = list(membership.region.organisations.order_by("name").values_list("name", flat=True))
    return render(request, "core/home.html", context)


@public
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
