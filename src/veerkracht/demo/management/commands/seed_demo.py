"""veerkracht seed_demo [--seed N]: the small, deterministic demo with demo accounts."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from veerkracht.demo import synthetic


class Command(BaseCommand):
    help = "Create the demo: 2 regions, 3 organisations, about 40 households and demo accounts for every role (demo mode only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=synthetic.DEFAULT_SEED, help="random seed (default %(default)s)"
        )
        parser.add_argument(
            "--history", type=int, default=None,
            help="synthetic children of earlier years for the monitoring dashboard (default: the setting "
                 "VEERKRACHT_DEMO_HISTORY_CHILDREN, 2000; 0 = none, the facts are still refreshed)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        # The methodology files first: registering the demo households creates the children's pathways.
        call_command("load_methodologies", stdout=self.stdout)
        result = synthetic.seed_demo(options["seed"])
        # last: synthetic history for the monitoring dashboard, and the facts of every pathway
        from veerkracht.monitoring import demo as monitoring_demo

        history = options["history"]
        if history is None:
            history = settings.VEERKRACHT_DEMO_HISTORY_CHILDREN
        monitoring = monitoring_demo.seed(children=history, seed=options["seed"]) if history else {
            "generated": {}, "seconds": 0.0, **_refresh_only()}
        self.stdout.write(
            f"Monitoring: {monitoring['generated'].get('children', 0)} synthetic children of earlier years, "
            f"facts refreshed in {monitoring['seconds']:.1f} s."
        )
        self.stdout.write(
            f"Demo ready in {time.monotonic() - started:.1f} s: {result['households']} new households, "
            f"{result['children']} new children (existing demo data is left as it is)."
        )
        self.stdout.write("")
        self.stdout.write("Demo accounts - DEMO ONLY, they cannot log in when demo mode is off:")
        rows = [("role", "username", "password", "second factor", "organisation / region")]
        for account in result["accounts"]:
            rows.append(
                (
                    account.role,
                    account.username,
                    synthetic.DEMO_PASSWORD,
                    f"code: veerkracht demo_code {account.username}",
                    account.organisation,
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for n, row in enumerate(rows):
            self.stdout.write("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
            if n == 0:
                self.stdout.write("  ".join("-" * w for w in widths))


def _refresh_only() -> dict[str, Any]:
    from veerkracht.monitoring import facts

    return {"refreshed": facts.refresh()}
