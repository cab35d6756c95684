"""Domain rules for client registration, shared by forms and services."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ADULT_AGE, Person, age_on

OLDEST_PLAUSIBLE_AGE = 120


def check_birth_date(birth_date: datetime.date | None) -> None:
    if birth_date is None:
        return
    today = timezone.localdate()
    if birth_date > today:
        raise ValidationError(_("The date of birth lies in the future."), code="birth_date_future")
    if age_on(birth_date, today) > OLDEST_PLAUSIBLE_AGE:  # type: ignore[operator]
        raise ValidationError(_("The date of birth is too long ago to be correct."), code="birth_date_old")


def check_child_age(birth_date: datetime.date | None, on: datetime.date) -> None:
    age = age_on(birth_date, on)
    if age is not None and age >= ADULT_AGE:
        raise ValidationError(
            _("A child must be younger than 18 on the admission date; this person is %(age)s. Register an adult as a parent.")
            % {"age": age},
            code="child_is_adult",
        )


def check_not_in_future(date: datetime.date | None, label: str) -> None:
    if date is not None and date > timezone.localdate():
        raise ValidationError(_("%(label)s lies in the future.") % {"label": label}, code="date_future")


def check_discharge(admission: datetime.date, discharge: datetime.date | None) -> None:
    if discharge is not None and discharge < admission:
        raise ValidationError(
            _("The discharge date lies before the admission date (%(date)s).") % {"date": admission.strftime("%d-%m-%Y")},
            code="discharge_before_admission",
        )


def find_duplicates(
    organisation_id: int, people: Iterable[tuple[str, str, datetime.date | None]], exclude_pk: int | None = None
) -> list[Person]:
    """Persons already registered in the organisation with the same name and date of birth."""
    found: list[Person] = []
    for first, last, birth in people:
        if birth is None:
            continue
        qs = Person.objects.filter(
            organisation_id=organisation_id,
            first_name__iexact=first.strip(),
            last_name__iexact=last.strip(),
            birth_date=birth,
        )
        if exclude_pk:
            qs = qs.exclude(pk=exclude_pk)
        found.extend(qs.only("pk", "first_name", "last_name", "birth_date", "client_number"))
    return found


def duplicate_message(person_name: str, birth_date: datetime.date | None) -> str:
    return _(
        "%(name)s, born %(date)s, is already registered in your organisation. "
        "Look the client up in the caseload instead of registering again."
    ) % {"name": person_name, "date": birth_date.strftime("%d-%m-%Y") if birth_date else "?"}
