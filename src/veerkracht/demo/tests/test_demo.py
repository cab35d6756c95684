from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from veerkracht.accounts.models import User
from veerkracht.accounts.roles import Role
from veerkracht.audit.models import AuditEvent
from veerkracht.clients.models import (
    ADULT_AGE,
    Household,
    ParentChild,
    Person,
    PersonKind,
    Stay,
    Transfer,
    age_on,
)
from veerkracht.demo import synthetic
from veerkracht.organisations.models import Location, Membership, Organisation, Region

pytestmark = pytest.mark.django_db


def demo_households():  # type: ignore[no-untyped-def]
    codes = [org[0] for org in synthetic.DEMO_ORGANISATIONS]
    return Household.objects.filter(organisation__short_code__in=codes)


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Region,
            Organisation,
            Location,
            User,
            Membership,
            TOTPDevice,
            Household,
            Person,
            Stay,
            ParentChild,
            Transfer,
        )
    }


@override_settings(DEMO_MODE=True)
def test_seed_demo_creates_accounts_for_every_role_and_is_idempotent():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    demo_users = User.objects.filter(is_demo=True)
    roles = set(Membership.objects.filter(user__in=demo_users).values_list("role", flat=True))
    assert roles == set(Role)
    for user in demo_users:
        assert TOTPDevice.objects.filter(user=user, confirmed=True).exists(), user.username
        assert user.check_password(synthetic.DEMO_PASSWORD)
    gemeente = Membership.objects.get(user__username="gemeente")
    assert gemeente.organisation is None and gemeente.region.name == "Regio Utrecht"
    assert Membership.objects.get(user__username="kinderwerker2").organisation.short_code == "WLK"
    # the demo organisations' households (seed_demo also generates synthetic history for the monitoring)
    assert demo_households().count() == 40
    assert Person.objects.filter(kind=PersonKind.CHILD, child_worker__username="kinderwerker").exists()
    assert Household.objects.filter(mentor__username="mentor").exists()
    assert Person.objects.filter(kind=PersonKind.FATHER).exists()
    assert Stay.objects.filter(discharge_date__isnull=True).exists()
    assert Stay.objects.exclude(destination="").filter(discharge_date__isnull=False).exists()
    assert Transfer.objects.exists()
    assert set(ParentChild.objects.values_list("authority", flat=True)) == {"yes", "no", "unknown"}
    # households with children of different fathers
    assert (
        Person.objects.filter(kind=PersonKind.FATHER)
        .values("household")
        .annotate(n=Count("id"))
        .filter(n__gte=2)
        .exists()
    )
    assert AuditEvent.objects.filter(object_type="clients.household").count() == 40
    text = out.getvalue()
    assert "veerkracht demo_code gedragswetenschapper" in text and synthetic.DEMO_PASSWORD in text

    before = _counts()
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == before


@override_settings(DEMO_MODE=True)
def test_seed_demo_children_are_minors_at_admission():
    call_command("seed_demo", stdout=StringIO())
    for stay in Stay.objects.filter(person__kind=PersonKind.CHILD).select_related("person"):
        assert age_on(stay.person.birth_date, stay.admission_date) < ADULT_AGE


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
def test_demo_code_is_accepted_by_the_device():
    call_command("seed_demo", stdout=StringIO())
    out = StringIO()
    call_command("demo_code", "mentor", "--quiet", stdout=out)
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()
    device = TOTPDevice.objects.get(user__username="mentor", confirmed=True)
    assert device.verify_token(code)


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
def test_remove_demo_accounts_keeps_real_accounts(staff, org_a):
    call_command("seed_demo", stdout=StringIO())
    real = staff(Role.KINDERWERKER, org_a, username="echt")
    call_command("remove_demo_accounts", stdout=StringIO())
    assert not User.objects.filter(is_demo=True).exists()
    assert User.objects.filter(pk=real.pk).exists()
    assert demo_households().count() == 40  # client records stay; mentor / child worker become empty
    assert not demo_households().exclude(mentor=None).exists()


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


@override_settings(DEMO_MODE=True)
def test_seed_demo_gives_pathways_in_realistic_states():
    """A newcomer logging in as a demo worker sees work due and overdue, records filled in by the
    record apps, reminders, and discharged children with a closed step plan and its summary."""
    from veerkracht.intake.models import IntakeRecord
    from veerkracht.network.models import NetworkMember
    from veerkracht.notifications.models import Notification
    from veerkracht.pathway.models import ActivityStatus, Pathway, PathwayActivity
    from veerkracht.pathway.queries import work_counts

    call_command("seed_demo", stdout=StringIO())
    worker, leader = User.objects.get(username="kinderwerker"), User.objects.get(username="teamleider")
    for user in (worker, leader):  # as after the two-step login
        user.is_verified = lambda: True  # type: ignore[method-assign]
    mine = work_counts(worker)
    assert mine["overdue"] > 0 and mine["due_this_week"] + mine["open"] > 0
    team = work_counts(leader)
    assert team["overdue"] >= mine["overdue"]
    assert PathwayActivity.objects.filter(status=ActivityStatus.DONE, pathway__closed_on=None).exists()
    assert PathwayActivity.objects.filter(status=ActivityStatus.IN_PROGRESS).exists()
    assert IntakeRecord.objects.exists() and NetworkMember.objects.exists()
    from veerkracht.pathway.followups import followups
    from veerkracht.pathway.queries import followup_pathways
    from veerkracht.safety.models import PlanStatus, SafetyPlan

    assert set(SafetyPlan.objects.values_list("status", flat=True)) == {PlanStatus.DRAFT, PlanStatus.ADOPTED}
    kinds = {item.kind for item in followups(followup_pathways(leader), timezone.localdate())}
    assert "safety_review" in kinds  # the team leader sees a safety plan due for review
    assert {"evaluation", "referral"} <= kinds  # help plans due for evaluation, referrals still open
    from veerkracht.plans.models import Evaluation, GuidanceContact, HelpPlan
    from veerkracht.referrals.models import Referral

    assert set(HelpPlan.objects.values_list("status", flat=True)) == {"draft", "adopted"}
    assert Evaluation.objects.exists() and GuidanceContact.objects.exists()
    assert Referral.objects.filter(closed_on=None).exists() and Referral.objects.exclude(closed_on=None).exists()
    assert Notification.objects.filter(recipient=worker).exists()
    closed = Pathway.objects.exclude(closed_on=None)
    assert closed.exists()
    assert not PathwayActivity.objects.filter(
        pathway__in=closed, status__in=[ActivityStatus.OPEN, ActivityStatus.IN_PROGRESS]
    ).exists()
    assert all(p.summary.get("total") for p in closed)
    # discharged children's pathways are closed, open stays' pathways are not
    assert not Pathway.objects.filter(stay__discharge_date__isnull=False, closed_on=None).exists()
    assert not Pathway.objects.filter(stay__discharge_date__isnull=True).exclude(closed_on=None).exists()
