"""Reminders: once per event, the right recipient, e-mail without client data, the user's own list."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from veerkracht.accounts.models import User
from veerkracht.accounts.roles import Role
from veerkracht.audit.models import AuditEvent
from veerkracht.conftest import verified_client
from veerkracht.notifications import services
from veerkracht.notifications.context_processors import notifications as unread_processor
from veerkracht.notifications.models import Notification, NotificationKind
from veerkracht.notifications.tasks import send_reminders_task
from veerkracht.pathway.models import ActivityStatus, PathwayActivity
from veerkracht.pathway.services import create_pathway_for_stay
from veerkracht.testing import factories

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 28)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def methodologies(db):  # type: ignore[no-untyped-def]
    call_command("load_methodologies", verbosity=0)


def english(user: User) -> User:
    User.objects.filter(pk=user.pk).update(language="en")
    user.language = "en"
    return user


@pytest.fixture
def worker(staff, org_a):  # type: ignore[no-untyped-def]
    return english(staff(Role.KINDERWERKER, org_a, username="kw_a", email="kw@example.org"))


def make_child(location, *, admission, child_worker=None, mentor=None, first_name="Noor", last_name="Jansen"):  # type: ignore[no-untyped-def]
    household = factories.HouseholdFactory(organisation=location.organisation, mentor=mentor)
    child = factories.PersonFactory(
        household=household, child_worker=child_worker, first_name=first_name, last_name=last_name
    )
    stay = factories.StayFactory(person=child, location=location, admission_date=admission)
    create_pathway_for_stay(stay, actor=None)
    return child


def activity(child, code):  # type: ignore[no-untyped-def]
    return PathwayActivity.objects.get(pathway__stay__person=child, definition__code=code)


def only_intake_due(child):  # type: ignore[no-untyped-def]
    """Close every activity but the intake, so a run concerns exactly one activity."""
    PathwayActivity.objects.filter(pathway__stay__person=child).exclude(definition__code="intake").update(
        status=ActivityStatus.NOT_APPLICABLE
    )
    return activity(child, "intake")


# --- once per event -----------------------------------------------------------------------------
def test_reminders_are_created_once_per_event(methodologies, worker, location_a):
    child = make_child(location_a, admission=TODAY - 10 * DAY, child_worker=worker)
    intake = only_intake_due(child)  # due admission + 7: 3 days overdue
    first = services.send_reminders(TODAY)
    assert first["created"] == 1 and first["overdue"] == 1
    notification = Notification.objects.get()
    assert (notification.recipient, notification.activity, notification.kind, notification.due_date) == (
        worker, intake, NotificationKind.OVERDUE, intake.due_date
    )
    second = services.send_reminders(TODAY)
    assert second["created"] == 0
    assert Notification.objects.count() == 1
    # one audit event per run, without names
    runs = AuditEvent.objects.filter(object_type="notifications.reminders")
    assert runs.count() == 2
    assert all("Noor" not in e.detail and "Jansen" not in e.detail for e in runs)


def test_due_soon_then_overdue_and_a_moved_due_date_are_new_events(methodologies, worker, location_a):
    child = make_child(location_a, admission=TODAY - 2 * DAY, child_worker=worker)
    intake = only_intake_due(child)  # due in 5 days
    assert services.send_reminders(TODAY)["due_soon"] == 1
    assert services.send_reminders(TODAY + DAY)["created"] == 0  # still the same event
    assert services.send_reminders(intake.due_date + DAY)["overdue"] == 1
    PathwayActivity.objects.filter(pk=intake.pk).update(due_date=TODAY + 3 * DAY)
    assert services.send_reminders(TODAY)["due_soon"] == 1
    assert sorted(Notification.objects.values_list("kind", "due_date")) == sorted([
        (NotificationKind.DUE_SOON, intake.due_date),
        (NotificationKind.OVERDUE, intake.due_date),
        (NotificationKind.DUE_SOON, TODAY + 3 * DAY),
    ])


def test_what_is_not_reminded(methodologies, worker, location_a):
    far = make_child(location_a, admission=TODAY, child_worker=worker, first_name="Ver")
    only_intake_due(far)  # due in 7 days: within the window
    later = make_child(location_a, admission=TODAY + DAY, child_worker=worker, first_name="Later")
    only_intake_due(later)  # due in 8 days: not yet
    done = make_child(location_a, admission=TODAY - 20 * DAY, child_worker=worker, first_name="Klaar")
    PathwayActivity.objects.filter(pathway__stay__person=done).update(
        status=ActivityStatus.DONE, completed_on=TODAY - DAY
    )
    gone = make_child(location_a, admission=TODAY - 20 * DAY, child_worker=worker, first_name="Weg")
    gone.stays.update(discharge_date=TODAY - DAY)
    nobody = make_child(location_a, admission=TODAY - 20 * DAY, first_name="Niemand")  # no worker, no mentor
    result = services.send_reminders(TODAY)
    assert result["created"] == 1
    assert Notification.objects.get().activity.pathway.stay.person == far
    assert not Notification.objects.filter(activity__pathway__stay__person__in=[later, done, gone, nobody]).exists()


# --- recipients ----------------------------------------------------------------------------------
def test_recipient_is_assigned_worker_else_child_worker_else_mentor(methodologies, staff, org_a, location_a):
    assigned = staff(Role.KINDERWERKER, org_a, username="assigned")
    child_worker = staff(Role.KINDERWERKER, org_a, username="childworker")
    mentor = staff(Role.MENTOR, org_a, username="mentor")
    a = make_child(location_a, admission=TODAY - 10 * DAY, child_worker=child_worker, mentor=mentor, first_name="A")
    PathwayActivity.objects.filter(pk=only_intake_due(a).pk).update(assigned_to=assigned)
    b = make_child(location_a, admission=TODAY - 10 * DAY, child_worker=child_worker, mentor=mentor, first_name="B")
    only_intake_due(b)
    c = make_child(location_a, admission=TODAY - 10 * DAY, mentor=mentor, first_name="C")
    only_intake_due(c)
    # an inactive child worker is skipped: the mentor is reminded
    gone = staff(Role.KINDERWERKER, org_a, username="gone", is_active=False)
    d = make_child(location_a, admission=TODAY - 10 * DAY, child_worker=gone, mentor=mentor, first_name="D")
    only_intake_due(d)
    services.send_reminders(TODAY)
    recipients = dict(Notification.objects.values_list("activity__pathway__stay__person__first_name", "recipient__username"))
    assert recipients == {"A": "assigned", "B": "childworker", "C": "mentor", "D": "mentor"}


def test_run_reads_activities_in_a_fixed_number_of_queries(methodologies, worker, location_a, django_assert_max_num_queries):
    for i in range(3):
        make_child(location_a, admission=TODAY - 30 * DAY, child_worker=worker, first_name=f"K{i}")
    services.send_reminders(TODAY)
    for i in range(3, 9):
        make_child(location_a, admission=TODAY - 30 * DAY, child_worker=worker, first_name=f"K{i}")
    with django_assert_max_num_queries(12):
        result = services.send_reminders(TODAY)
    assert result["created"] > 6


# --- e-mail --------------------------------------------------------------------------------------
@override_settings(VEERKRACHT_REMINDER_EMAIL=True, ALLOWED_HOSTS=["veerkracht.example.org"])
def test_one_email_per_user_with_counts_only(methodologies, worker, staff, org_a, location_a):
    mentor = english(staff(Role.MENTOR, org_a, username="mentor_nomail", email=""))
    for name in ("Noor", "Sem"):
        make_child(location_a, admission=TODAY - 30 * DAY, child_worker=worker, first_name=name, last_name="Bakker")
    make_child(location_a, admission=TODAY - 30 * DAY, mentor=mentor, first_name="Fenna", last_name="Visser")
    result = services.send_reminders(TODAY)
    assert result["emails"] == 1  # the mentor has no e-mail address
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["kw@example.org"]
    text = message.subject + message.body
    assert "http://veerkracht.example.org/werk/" in text
    own = Notification.objects.filter(recipient=worker)
    assert str(own.filter(kind="overdue").count()) in text
    children = PathwayActivity.objects.values_list(
        "pathway__stay__person__first_name", "pathway__stay__person__last_name", "pathway__stay__person__client_number"
    ).distinct()
    for first, last, number in children:
        assert first not in text and last not in text and number not in text
    assert location_a.name not in text
    # a second run sends nothing: nothing new
    services.send_reminders(TODAY)
    assert len(mail.outbox) == 1


def test_no_email_unless_configured(methodologies, worker, location_a):
    make_child(location_a, admission=TODAY - 30 * DAY, child_worker=worker)
    assert services.send_reminders(TODAY)["emails"] == 0
    assert mail.outbox == []


def test_email_in_the_users_language(methodologies, worker, location_a):
    User.objects.filter(pk=worker.pk).update(language="nl")
    worker.language = "nl"
    with override_settings(VEERKRACHT_REMINDER_EMAIL=True):
        make_child(location_a, admission=TODAY - 30 * DAY, child_worker=worker)
        services.send_reminders(TODAY)
    assert len(mail.outbox) == 1
    english_message = services.reminder_email(english(worker), {"overdue": 1, "due_soon": 0})
    assert "Log in" in english_message.body


# --- command and task ------------------------------------------------------------------------------
def test_management_command_prints_counts(methodologies, worker, location_a):
    make_child(location_a, admission=TODAY - 10 * DAY, child_worker=worker)
    out = io.StringIO()
    call_command("send_reminders", "--today", TODAY.isoformat(), stdout=out)
    assert "created=" in out.getvalue()
    assert Notification.objects.exists()
    out = io.StringIO()
    call_command("send_reminders", "--today", TODAY.isoformat(), stdout=out)
    assert "created=0" in out.getvalue()


def test_command_enqueue_runs_the_task_with_the_immediate_backend(methodologies, worker, location_a):
    make_child(location_a, admission=TODAY - 10 * DAY, child_worker=worker)
    out = io.StringIO()
    call_command("send_reminders", "--enqueue", "--today", TODAY.isoformat(), stdout=out)
    assert "enqueued" in out.getvalue()
    assert Notification.objects.exists()


def test_task_does_the_same_work(methodologies, worker, location_a):
    make_child(location_a, admission=TODAY - 10 * DAY, child_worker=worker)
    result = send_reminders_task.enqueue(today=TODAY.isoformat())
    assert result.status == "SUCCESSFUL"
    assert result.return_value["created"] == Notification.objects.count() > 0


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_enqueue_with_the_database_backend_stores_a_row(methodologies, worker, location_a):
    from django_tasks_db.models import DBTaskResult

    make_child(location_a, admission=TODAY - 10 * DAY, child_worker=worker)
    out = io.StringIO()
    call_command("send_reminders", "--enqueue", stdout=out)
    row = DBTaskResult.objects.get()
    assert row.task_path == "veerkracht.notifications.tasks.send_reminders_task"
    assert not Notification.objects.exists()  # the worker (`veerkracht db_worker`) does the work later


# --- pages -------------------------------------------------------------------------------------------
def test_list_shows_own_notifications_newest_first_and_logs_a_read(methodologies, worker, staff, org_a, location_a):
    other = staff(Role.KINDERWERKER, org_a, username="other")
    mine = make_child(location_a, admission=TODAY - 10 * DAY, child_worker=worker, first_name="Mijn")
    theirs = make_child(location_a, admission=TODAY - 10 * DAY, child_worker=other, first_name="Hun")
    services.send_reminders(TODAY)
    own = list(Notification.objects.filter(recipient=worker).order_by("-created_at", "-pk"))
    response = verified_client(worker).get(reverse("notifications:list"))
    assert response.status_code == 200
    html = response.content.decode()
    shown = [int(x) for x in __import__("re").findall(r'data-notification="(\d+)"', html)]
    assert shown == [n.pk for n in own]
    assert "Mijn" in html and "Hun" not in html
    assert reverse("clients:dossier", kwargs={"pk": mine.pk}) in html
    assert 'data-read="0"' in html and "New" in html  # unread marked with text
    assert location_a.name not in html
    assert theirs.pk
    assert AuditEvent.objects.filter(action="read", object_type="notifications.list", user_id=worker.pk).count() == 1


def test_list_hides_children_out_of_scope(methodologies, worker, org_a, location_a, staff):
    child = make_child(location_a, admission=TODAY - 10 * DAY, child_worker=worker)
    only_intake_due(child)
    services.send_reminders(TODAY)
    # the organisation narrows to teams; the worker is no longer the child worker and has no team
    org_a.restrict_to_teams = True
    org_a.save(update_fields=["restrict_to_teams"])
    child.child_worker = None
    child.save(update_fields=["child_worker"])
    client = verified_client(worker)
    html = client.get(reverse("notifications:list")).content.decode()
    assert "data-notification=" not in html
    assert "Noor" not in html
    notification = Notification.objects.get()
    # and it cannot be marked read by id either (exactly 404)
    assert client.post(reverse("notifications:read", kwargs={"pk": notification.pk})).status_code == 404
    # "mark all" clears the header count, also for those hidden ones
    assert client.post(reverse("notifications:read_all")).status_code == 302
    assert Notification.objects.get().read_at is not None


def test_only_own_notifications_can_be_marked_read(methodologies, worker, staff, org_a, location_a):
    other = staff(Role.KINDERWERKER, org_a, username="other")
    make_child(location_a, admission=TODAY - 10 * DAY, child_worker=worker, first_name="Mijn")
    make_child(location_a, admission=TODAY - 10 * DAY, child_worker=other, first_name="Hun")
    services.send_reminders(TODAY)
    theirs = Notification.objects.filter(recipient=other).first()
    mine = Notification.objects.filter(recipient=worker).first()
    client = verified_client(worker)
    assert client.post(reverse("notifications:read", kwargs={"pk": theirs.pk})).status_code == 404
    assert client.get(reverse("notifications:read", kwargs={"pk": mine.pk})).status_code == 405
    theirs.refresh_from_db()
    assert theirs.read_at is None
    response = client.post(reverse("notifications:read", kwargs={"pk": mine.pk}))
    assert response.status_code == 302 and response["Location"] == reverse("notifications:list")
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert AuditEvent.objects.filter(action="update", object_type="notifications.notification",
                                     object_id=str(mine.pk)).exists()
    # mark all: only the user's own
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(recipient=worker, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).exists()


def test_header_shows_the_unread_count(methodologies, worker, location_a, client_for):
    make_child(location_a, admission=TODAY - 30 * DAY, child_worker=worker)
    services.send_reminders(TODAY)
    count = Notification.objects.filter(recipient=worker).count()
    html = verified_client(worker).get(reverse("pathway:worklist")).content.decode()
    assert f'data-unread="{count}"' in html
    assert f"Notifications ({count}" in html


def test_unread_count_is_one_query_and_only_for_verified_client_roles(
    methodologies, worker, staff, org_a, rf, django_assert_num_queries
):
    request = rf.get("/")
    request.user = worker
    worker.is_verified = lambda: True
    worker.membership_or_none  # noqa: B018 (cached per request by the core context processor)
    context = unread_processor(request)
    with django_assert_num_queries(1):
        assert context["notifications_unread"]() == 0
        assert context["notifications_unread"]() == 0  # remembered
    admin = staff(Role.FUNCTIONEEL_BEHEERDER, org_a, username="fb")
    admin.is_verified = lambda: True
    request.user = admin
    assert unread_processor(request) == {}
    plain = staff(Role.KINDERWERKER, org_a, username="plain")
    plain.is_verified = lambda: False
    request.user = plain
    assert unread_processor(request) == {}


def test_list_queries_are_bounded(methodologies, worker, location_a, django_assert_max_num_queries):
    for i in range(6):
        make_child(location_a, admission=TODAY - 30 * DAY, child_worker=worker, first_name=f"K{i}")
    services.send_reminders(TODAY)
    assert Notification.objects.count() > 20
    client = verified_client(worker)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("notifications:list")).status_code == 200


def test_today_defaults_to_the_local_date(methodologies, worker, location_a):
    make_child(location_a, admission=timezone.localdate() - 10 * DAY, child_worker=worker)
    assert services.send_reminders()["created"] > 0


def test_demo_seed_is_deterministic_and_sends_no_mail(methodologies, worker, location_a):
    import random

    from veerkracht.notifications import demo
    from veerkracht.pathway.models import Pathway

    for i in range(4):
        make_child(location_a, admission=TODAY - 30 * DAY, child_worker=worker, first_name=f"K{i}")
    pathways = list(Pathway.objects.order_by("pk"))
    with override_settings(VEERKRACHT_REMINDER_EMAIL=True):
        first = demo.seed(pathways, actor=None, today=TODAY, rng=random.Random(7))
    read_first = list(Notification.objects.filter(read_at__isnull=False).order_by("pk").values_list("pk", flat=True))
    assert first["notifications"] > 0 and mail.outbox == []
    Notification.objects.all().delete()
    second = demo.seed(pathways, actor=None, today=TODAY, rng=random.Random(7))
    assert second == first
    read_second = Notification.objects.filter(read_at__isnull=False).count()
    assert read_second == len(read_first)
