"""Benchmark: `veerkracht send_reminders` over N pathway activities.

Fills a scratch database with synthetic children in care (one organisation, a few workers, the
2012 methodology: 8 activities per child, due dates spread from 60 days ago to 60 days ahead),
then times two runs: the first creates the reminders, the second must create none. Usage:

    export DATABASE_URL=sqlite:////tmp/reminders-bench.sqlite3     # a scratch database, never the real one
    .venv/bin/veerkracht migrate
    .venv/bin/python bench/reminders.py --activities 10000

Reports numbers (time, queries, counts); it is not a timed test. Measured 28-11-2026 with 10 000
activities (2 528 due or overdue, 60 recipients):

    SQLite:      first run 0.58 s, 10 queries (2 528 created); second run 0.15 s, 8 queries (0 created)
    PostgreSQL:  first run 1.21 s, 11 queries (2 528 created); second run 0.81 s, 9 queries (0 created)
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "veerkracht.conf.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from veerkracht.accounts.roles import Role  # noqa: E402
from veerkracht.clients.models import Household, Person, PersonKind, Stay  # noqa: E402
from veerkracht.notifications.models import Notification  # noqa: E402
from veerkracht.notifications.services import send_reminders  # noqa: E402
from veerkracht.pathway.models import ActivityStatus, Methodology, Pathway, PathwayActivity  # noqa: E402
from veerkracht.testing import factories  # noqa: E402

DAY = datetime.timedelta(days=1)


def fill(n_activities: int, seed: int) -> float:
    if Person.objects.exists():
        raise SystemExit("use an empty scratch database (migrated, without clients)")
    started = time.monotonic()
    rng = random.Random(seed)
    call_command("load_methodologies", verbosity=0)
    methodology = Methodology.objects.get(code="veerkracht", version="2012")
    definitions = list(methodology.activities.order_by("order"))
    children = max(1, n_activities // len(definitions))
    today = timezone.localdate()
    with transaction.atomic():
        org = factories.OrganisationFactory(name="Vrouwenopvang Bench (synthetisch)", short_code="BEN")
        location = factories.LocationFactory(organisation=org, name="Huis Bench", address="synthetisch")
        workers = [factories.make_staff(Role.KINDERWERKER, org, username=f"bench_kw{i}", password=None) for i in range(40)]
        mentors = [factories.make_staff(Role.MENTOR, org, username=f"bench_m{i}", password=None) for i in range(20)]
        households = Household.objects.bulk_create(
            [Household(organisation=org, reference=f"B-{i:06d}", mentor=rng.choice(mentors)) for i in range(children)]
        )
        persons = Person.objects.bulk_create(
            [
                Person(
                    organisation=org, household=h, kind=PersonKind.CHILD, first_name="Kind", last_name=f"Bench{i}",
                    client_number=f"BEN-{i:06d}", child_worker=rng.choice(workers) if rng.random() < 0.8 else None,
                )
                for i, h in enumerate(households)
            ]
        )
        stays = Stay.objects.bulk_create(
            [
                Stay(person=p, location=location, care_type="24h", reason="domestic_violence",
                     admission_date=today - rng.randint(0, 60) * DAY)
                for p in persons
            ]
        )
        pathways = Pathway.objects.bulk_create([Pathway(stay=s, methodology=methodology) for s in stays])
        activities = []
        for pathway, stay in zip(pathways, stays, strict=True):
            for d in definitions:
                due = stay.admission_date + rng.randint(0, 120) * DAY
                status = rng.choice([ActivityStatus.OPEN, ActivityStatus.OPEN, ActivityStatus.IN_PROGRESS])
                completed = None
                if rng.random() < 0.2:
                    status, completed = ActivityStatus.DONE, stay.admission_date
                activities.append(
                    PathwayActivity(
                        pathway=pathway, definition=d, deadline_days=d.deadline_days, due_date=due, status=status,
                        completed_on=completed, assigned_to=rng.choice(workers) if rng.random() < 0.1 else None,
                    )
                )
        PathwayActivity.objects.bulk_create(activities, batch_size=2000)
    return time.monotonic() - started


def timed_run() -> tuple[dict[str, int], float, int]:
    with CaptureQueriesContext(connection) as queries:
        started = time.monotonic()
        result = send_reminders()
        elapsed = time.monotonic() - started
    return result, elapsed, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if not settings.DEMO_MODE:
        raise SystemExit("refused: synthetic data only in demo mode (never against a production database)")
    print(f"database: {connection.vendor}")
    print(f"fill: {fill(args.activities, args.seed):.1f} s, {PathwayActivity.objects.count()} activities")
    first, seconds, queries = timed_run()
    print(f"first run:  {seconds:.2f} s, {queries} queries, {first}")
    second, seconds, queries = timed_run()
    print(f"second run: {seconds:.2f} s, {queries} queries, {second}")
    assert second["created"] == 0, "a second run must create nothing"
    print(f"notifications stored: {Notification.objects.count()}")


if __name__ == "__main__":
    main()
