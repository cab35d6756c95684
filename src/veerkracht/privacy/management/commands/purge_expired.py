"""Anonymise youth-care records past their retention period.

Dry run by default: prints what would be anonymised, per record type, with counts.
``--apply`` acts. Stays are kept (without names) so monitoring figures stay the same.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandParser

from veerkracht.privacy import retention, services


class Command(BaseCommand):
    help = "Anonymise households whose last stay ended more than RETENTION_YEARS ago (dry run unless --apply)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--apply", action="store_true", help="Anonymise; without it nothing changes.")
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None, help="Reference date (YYYY-MM-DD) instead of today, for testing and planning.")

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        today = options["today"]
        plan = services.purge_expired(today=today) if options["apply"] else retention.plan_purge(today)
        verb = "Anonymised" if options["apply"] else "Would anonymise (dry run, nothing changed)"
        self.stdout.write(f"Retention: {plan.years} years; last stay ended before {plan.cutoff.isoformat()}.")
        self.stdout.write("Record type youth_care_record:")
        self.stdout.write(f"  {verb}: {len(plan.household_ids)} households, {plan.persons} persons")
        for kind, count in sorted(plan.persons_by_kind.items()):
            self.stdout.write(f"    {kind}: {count}")
        self.stdout.write(f"  Authority-check dates cleared on up to {plan.relations} parent-child relations")
        self.stdout.write(f"  Stays kept without names (monitoring figures unchanged): {plan.stays_kept}")
        if not options["apply"]:
            self.stdout.write("Run with --apply to anonymise.")

