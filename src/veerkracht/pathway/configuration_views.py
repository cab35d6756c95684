"""The methodology settings screen of the application administrator (own organisation only)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from veerkracht.accounts.decorators import role_required
from veerkracht.accounts.roles import Role
from veerkracht.clients.views import _error_items
from veerkracht.core.concurrency import ConcurrentEditError

from . import configuration as config
from .configuration_forms import DeadlinesForm, MethodologyForm, days_field_name

METHODOLOGY = "methodology"
DEADLINES = "deadlines"


def _initial_deadlines(current: config.Configuration) -> dict[str, object]:
    initial: dict[str, object] = {days_field_name(row): row.own_days for row in current.rows}
    initial["fingerprint"] = current.fingerprint
    return initial


@require_http_methods(["GET", "POST"])
@role_required(Role.FUNCTIONEEL_BEHEERDER)
def configuration(request: HttpRequest) -> HttpResponse:
    organisation_id = config.acting_organisation_id(request.user)
    current = config.configuration(organisation_id)
    methodology_form = MethodologyForm(
        initial={"methodology": current.methodology, "fingerprint": current.fingerprint}, prefix="m"
    )
    deadlines_form = DeadlinesForm(initial=_initial_deadlines(current), rows=current.rows, prefix="d")
    conflict = False
    if request.method == "POST":
        action = request.POST.get("action")
        if action == METHODOLOGY:
            methodology_form = MethodologyForm(request.POST, prefix="m")
            form = methodology_form
        else:
            deadlines_form = DeadlinesForm(request.POST, rows=current.rows, prefix="d")
            form = deadlines_form
        if form.is_valid():
            try:
                if form is methodology_form:
                    changed = config.do_set_methodology(
                        organisation_id, form.cleaned_data["methodology"], actor=request.user,
                        expected_fingerprint=form.cleaned_data["fingerprint"],
                    )
                else:
                    changed = bool(
                        current.methodology is not None
                        and config.do_set_deadlines(
                            organisation_id, current.methodology, deadlines_form.days(), actor=request.user,
                            expected_fingerprint=form.cleaned_data["fingerprint"],
                        )
                    )
            except ConcurrentEditError as exc:
                conflict = True
                post = request.POST.copy()
                post[f"{form.prefix}-fingerprint"] = current.fingerprint
                form = type(form)(post, prefix=form.prefix, **({"rows": current.rows} if form is deadlines_form else {}))
                form.is_valid()
                form.add_error(None, str(exc.message))
                if action == METHODOLOGY:
                    methodology_form = form
                else:
                    deadlines_form = form
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                if changed:
                    messages.success(request, _("The settings have been saved. They apply to children admitted from now on."))
                else:
                    messages.info(request, _("Nothing was changed."))
                return redirect("pathway:configuration")
    return render(
        request,
        "pathway/configuration.html",
        {
            "current": current,
            "methodology_form": methodology_form,
            "deadlines_form": deadlines_form,
            "conflict": conflict,
            "errors": _error_items(methodology_form, deadlines_form),
            "organisation": request.user.membership_or_none.organisation,  # type: ignore[union-attr]
        },
    )
