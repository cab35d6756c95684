"""Benchmark: the municipal monitoring at national scale, against the plain SQL it rests on.

Needs a scratch database filled by `veerkracht generate` (demo mode only). Usage:

    export DATABASE_URL=sqlite:////tmp/bench.sqlite3 VEERKRACHT_ENV=dev    # a scratch database, never the real one
    .venv/bin/veerkracht migrate
    .venv/bin/veerkracht generate --children 80000 --years 10 --no-progress
    .venv/bin/python bench/monitoring.py [--repeat 5]

What it measures (seconds; the first run and the best and median of --repeat warm runs):

- refresh: `veerkracht refresh_monitoring` as the nightly task runs it (the fact rows from the records,
  then every year's national publication protected and stored) - only when the fact table is empty or
  with --refresh;
- protection: every year's national publication protected again from scratch (what a refresh adds after
  the facts; the stored publications are removed inside a transaction that is rolled back);
- plain SQL: the aggregate statements the dashboard sends to the fact table (the facts' stamps, which tell
  that the stored publication is current, and the medians of the region and the Netherlands), recorded
  from a real dashboard request with their parameters and executed again through a bare cursor
  (fetchall): what the database itself needs, without Django's ORM, the slices, the template;
- national aggregate: likewise the statements behind the national publication (every count per year,
  region and organisation, and per location, type of care and age group): what a dashboard would need
  if it aggregated all of the Netherlands on each view instead of reading the stored publication;
- dashboard: GET /monitoring/ as a gemeente user of the largest region for the latest year (the
  region's protected figures beside the national figure, the trend and its chart), through Django's test
  client with the full middleware stack and the stored national publications;
- the team leader's dashboard of the largest organisation (exact, with quarters) and its breakdowns;
- annual report: the region's PDF (WeasyPrint), as downloaded from the dashboard.

The ratio dashboard / plain SQL says what the application adds to the database's own work. It reports
numbers; it is not a timed test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "veerkracht.conf.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402

from veerkracht.accounts.roles import Role  # noqa: E402
from veerkracht.conftest import verified_client  # noqa: E402  (logged in with both factors, as the tests)
from veerkracht.monitoring import queries  # noqa: E402
from veerkracht.monitoring.disclosure import Policy  # noqa: E402
from veerkracht.monitoring.models import ChildStayFact, Publication  # noqa: E402
from veerkracht.organisations.models import Organisation, Region  # noqa: E402
from veerkracht.testing import factories  # noqa: E402

FACT_TABLE = ChildStayFact._meta.db_table


def timed(fn: Callable[[], Any], repeat: int) -> dict[str, float]:
    """The first run, then the best and the median of `repeat` more."""
    started = time.perf_counter()
    fn()
    first = time.perf_counter() - started
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return {"first": first, "best": min(runs), "median": statistics.median(runs)}


def record_fact_statements(fn: Callable[[], Any]) -> list[tuple[str, Any]]:
    """The statements `fn` sends to the fact table, with their parameters, as the driver got them."""
    found: list[tuple[str, Any]] = []

    def wrapper(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        if FACT_TABLE in sql and not many:
            found.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        fn()
    return found


def plain_sql(statements: list[tuple[str, Any]]) -> Callable[[], int]:
    def run() -> int:
        rows = 0
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                rows += len(cursor.fetchall())
        return rows

    return run


def get(client: Client, url: str, expect: str = "text/html") -> Callable[[], None]:
    def run() -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert response["Content-Type"].startswith(expect), response["Content-Type"]

    return run


def show(label: str, t: dict[str, float]) -> None:
    print(f"{label:<44} first {t['first']:7.3f}   best {t['best']:7.3f}   median {t['median']:7.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--refresh", action="store_true", help="refresh the facts even when there are some")
    args = parser.parse_args()
    if not settings.DEMO_MODE:
        raise SystemExit("refused: synthetic data only in demo mode (never against a production database)")
    print(f"database: {connection.vendor}")
    if args.refresh or not ChildStayFact.objects.exists():
        started = time.perf_counter()
        call_command("refresh_monitoring", verbosity=0)
        print(f"refresh (facts and every year's publication): {time.perf_counter() - started:.1f} s")
    facts = ChildStayFact.objects.count()
    years = sorted(ChildStayFact.objects.values_list("year", flat=True).distinct())
    print(f"fact rows: {facts:,}, years {years[0]}-{years[-1]}, "
          f"regions {ChildStayFact.objects.values('region_id').distinct().count()}, "
          f"organisations {ChildStayFact.objects.values('organisation_id').distinct().count()}, "
          f"locations {ChildStayFact.objects.values('location_id').distinct().count()}")

    with transaction.atomic():  # the users are removed again
        region_id = (ChildStayFact.objects.values("region_id").annotate(n=Count("pk")).order_by("-n")
                     .values_list("region_id", flat=True).first())
        org_id = (ChildStayFact.objects.values("organisation_id").annotate(n=Count("pk")).order_by("-n")
                  .values_list("organisation_id", flat=True).first())
        region, org = Region.objects.get(pk=region_id), Organisation.objects.get(pk=org_id)
        gemeente = verified_client(factories.make_staff(Role.GEMEENTE, region=region, username="bench_gemeente",
                                                        password=None))
        leader = verified_client(factories.make_staff(Role.TEAMLEIDER, org, username="bench_teamleider",
                                                      password=None))
        year = years[-1]
        print(f"region: {region.name} ({ChildStayFact.objects.filter(region_id=region_id, year=year).count():,} "
              f"children in {year}); organisation: {org.name}")

        # protection from scratch (what the refresh does after the facts), rolled back
        with transaction.atomic():
            Publication.objects.all().delete()
            started = time.perf_counter()
            queries.national(queries.definitions(), Policy.from_settings())
            protection = time.perf_counter() - started
            transaction.set_rollback(True)
        print(f"protection of all {len(years)} national years from scratch: {protection:.1f} s "
              f"({protection / len(years):.2f} s per year)")
        queries.national(queries.definitions(), Policy.from_settings())  # stored, as after a refresh

        dashboard_url = f"/monitoring/?view={region_id}&year={year}"
        statements = record_fact_statements(get(gemeente, dashboard_url))
        sql = timed(plain_sql(statements), args.repeat)
        everything = record_fact_statements(lambda: queries.national(queries.definitions(), Policy.from_settings()))
        whole = timed(plain_sql(everything), max(1, args.repeat // 2))
        dash = timed(get(gemeente, dashboard_url), args.repeat)
        print(f"plain SQL: {len(statements)} statements of the dashboard on the fact table; "
              f"{len(everything)} behind the national publication")
        show("plain SQL of the dashboard (bare cursor)", sql)
        show("plain SQL national aggregate (bare cursor)", whole)
        show("gemeente dashboard (region + national)", dash)
        show("gemeente breakdowns", timed(get(gemeente, f"/monitoring/uitsplitsing/?view={region_id}&year={year}"),
                                          args.repeat))
        show("team leader dashboard (own organisation)", timed(get(leader, f"/monitoring/?view=own&year={year}"),
                                                               args.repeat))
        show("team leader breakdowns (own organisation)",
             timed(get(leader, f"/monitoring/uitsplitsing/?view=own&year={year}"), args.repeat))
        pdf = timed(get(gemeente, f"/monitoring/jaarrapport/?view={region_id}&year={year}", "application/pdf"),
                    max(1, args.repeat // 2))
        show("region annual report PDF", pdf)
        print(f"ratio dashboard / its plain SQL (best): {dash['best'] / sql['best']:.2f}; "
              f"(median): {dash['median'] / sql['median']:.2f}")
        print(f"ratio dashboard / plain SQL national aggregate (best): {dash['best'] / whole['best']:.2f}")
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
