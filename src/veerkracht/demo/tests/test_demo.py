from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from veerkracht.accounts.models import User
from veerkracht.accounts.roles import Role
from veerkracht.audit.models import AuditEvent
from veerkracht.clients.models import (
    ADULT_AGE,
    Person,
    PersonKind,
    Stay,
    age_on,
)
from veerkracht.demo import synthetic
from veerkracht.organisations.models import Membership, Organisation, Region

pytestmark = pytest.mark.django_db


def test_plan_is_deterministic():
    today = datetime.date(2026, 11, 28)
    first = synthetic.plan_demo(2026, today)
    names = [(c.first_name, c.last_name, c.birth_date) for h in first for c in [h.parent, *h.children]]
    again = synthetic.plan_demo(2026, today)
    assert names == [
        (c.first_name, c.last_name, c.birth_date) for h in again for c in [h.parent, *h.children]
    ]
    other = synthetic.plan_demo(7, today)
    assert names != [
        (c.first_name, c.last_name, c.birth_date) for h in other for c in [h.parent, *h.children]
    ]
    assert len(first) == 40


@override_settings(DEMO_MODE=True)
def test_seed_demo_uses_the_planned_names():
    call_command("seed_demo", "--seed", "11", stdout=StringIO())
    planned = {(c.first_name, c.last_name) for h in synthetic.plan_demo(11) for c in h.children}
    stored = set(Person.objects.filter(kind=PersonKind.CHILD).values_list("first_name", "last_name"))
    assert stored == planned


@override_settings(DEMO_MODE=True)
def test_demo_code_refuses_a_real_account(staff, org_a):
    staff(Role.KINDERWERKER, org_a, username="echt")
    with pytest.raises(CommandError, match="not a demo account"):
        call_command("demo_code", "echt", stdout=StringIO())


@override_settings(DEMO_MODE=True)
def test_seed_demo_refuses_to_take_over_a_real_account(staff, org_a):
    staff(Role.MENTOR, org_a, username="mentor")
    with pytest.raises(CommandError, match="non-demo"):
        call_command("seed_demo", stdout=StringIO())


@override_settings(DEMO_MODE=False)
@pytest.mark.parametrize(
    "args",
    [("seed_demo",), ("demo_code", "mentor"), ("generate", "--children", "10", "--years", "1")],
)
def test_refused_when_demo_mode_is_off(args):
    with pytest.raises(CommandError, match="Demo mode is off"):
        call_command(*args, stdout=StringIO())
    assert not User.objects.exists() and not Person.objects.exists()


@override_settings(DEMO_MODE=True)
def test_generate_small():
    call_command("generate", "--children", "200", "--years", "2", "--no-progress", stdout=StringIO())
    children = Person.objects.filter(kind=PersonKind.CHILD)
    assert children.count() == 200
    assert Region.objects.count() == 35 and Organisation.objects.count() == 24
    assert not children.filter(stays=None).exists()
    assert not children.exclude(
        parent_links__parent__kind__in=[PersonKind.MOTHER, PersonKind.CAREGIVER]
    ).exists()
    numbers = list(Person.objects.exclude(client_number=None).values_list("client_number", flat=True))
    assert len(numbers) == len(set(numbers))
    today = datetime.date.today()
    for stay in Stay.objects.filter(person__kind=PersonKind.CHILD).select_related("person"):
        assert age_on(stay.person.birth_date, stay.admission_date) < ADULT_AGE
        assert stay.admission_date >= today - datetime.timedelta(days=2 * 366)
        assert stay.person.birth_date <= stay.admission_date
        assert stay.discharge_date is None or (
            stay.destination and stay.discharge_date >= stay.admission_date
        )
    assert (
        AuditEvent.objects.filter(
            object_type="demo.generate", detail__startswith="children=200 years=2"
        ).count()
        == 1
    )

    # a second run adds children and continues the client numbers
    call_command(
        "generate", "--children", "50", "--years", "1", "--seed", "3", "--no-progress", stdout=StringIO()
    )
    assert Organisation.objects.count() == 24
    assert Person.objects.filter(kind=PersonKind.CHILD).count() == 250
    numbers = list(Person.objects.exclude(client_number=None).values_list("client_number", flat=True))
    assert len(numbers) == len(set(numbers))


@override_settings(DEMO_MODE=True)
def test_seed_demo_after_generate_reuses_the_region_names():
    call_command("generate", "--children", "20", "--years", "1", "--no-progress", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    assert Region.objects.filter(name="Regio Utrecht").count() == 1
    assert Membership.objects.get(user__username="gemeente").region.name == "Regio Utrecht"
    call_command("generate", "--children", "20", "--years", "1", "--no-progress", stdout=StringIO())
    assert Region.objects.count() == 36  # 35 centrumgemeenten + Gelderland-Zuid of the demo
