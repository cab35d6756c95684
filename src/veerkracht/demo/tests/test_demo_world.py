"""The demo world of ``seed_demo``, seeded once for this module (the ``demo_world`` fixture in
veerkracht/conftest.py); each test runs in a savepoint inside it. Tests that need an empty database
or another seed are in test_demo.py."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
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
def test_seed_demo_creates_accounts_for_every_role_and_is_idempotent(demo_world, db):
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
    text = demo_world
    assert "veerkracht demo_code gedragswetenschapper" in text and synthetic.DEMO_PASSWORD in text

    before = _counts()
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == before


def test_seed_demo_children_are_minors_at_admission(demo_world, db):
    for stay in Stay.objects.filter(person__kind=PersonKind.CHILD).select_related("person"):
        assert age_on(stay.person.birth_date, stay.admission_date) < ADULT_AGE


@override_settings(DEMO_MODE=True)
def test_demo_code_is_accepted_by_the_device(demo_world, db):
    out = StringIO()
    call_command("demo_code", "mentor", "--quiet", stdout=out)
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()
    device = TOTPDevice.objects.get(user__username="mentor", confirmed=True)
    assert device.verify_token(code)


@override_settings(DEMO_MODE=True)
def test_remove_demo_accounts_keeps_real_accounts(demo_world, staff, org_a):
    real = staff(Role.KINDERWERKER, org_a, username="echt")
    call_command("remove_demo_accounts", stdout=StringIO())
    assert not User.objects.filter(is_demo=True).exists()
    assert User.objects.filter(pk=real.pk).exists()
    assert demo_households().count() == 40  # client records stay; mentor / child worker become empty
    assert not demo_households().exclude(mentor=None).exists()


@override_settings(DEMO_MODE=True)
def test_seed_demo_gives_pathways_in_realistic_states(demo_world, db):
    """A newcomer logging in as a demo worker sees work due and overdue, records filled in by the
    record apps, reminders, and discharged children with a closed step plan and its summary."""
    from veerkracht.intake.models import IntakeRecord
    from veerkracht.network.models import NetworkMember
    from veerkracht.notifications.models import Notification
    from veerkracht.pathway.models import ActivityStatus, Pathway, PathwayActivity
    from veerkracht.pathway.queries import work_counts

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
