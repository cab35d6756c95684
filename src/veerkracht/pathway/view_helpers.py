"""Small helpers that the record apps' views share (intake, family, network, consent, safety, plans,
referrals, screening, courses): how a refusal of a closed pathway is shown, how a service's
ValidationError lands on a form, how an id from a form is read."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _


def report_closed(request: HttpRequest, exc: ValidationError) -> bool:
    """When the service refused because the pathway was closed at discharge (code "closed", also
    inside a list of errors): say so above the read-only page and return True."""
    if getattr(exc, "code", None) != "closed" and not any(getattr(e, "code", None) == "closed"
                                                            for e in getattr(exc, "error_list", [])):
        return False
    messages.error(request, exc.messages[0])
    return True


def pathway_closed_message(request: HttpRequest) -> None:
    messages.error(request, _("This pathway was closed at discharge and can no longer be changed."))


def add_form_errors(form: Any, exc: ValidationError) -> None:
    """A service's refusal on top of the form (the user's input stays in it)."""
    for message in exc.messages:
        form.add_error(None, message)


def int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
