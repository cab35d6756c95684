"""veerkracht generate --children N --years Y [--seed S]: national-scale synthetic data for benchmarks."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from veerkracht.demo import synthetic


class Command(BaseCommand):
    help = (
        "Bulk-generate synthetic data at national scale (35 regions, 24 organisations): N children admitted "
        "evenly over the last Y years, with households, parents, fathers, relations and stays, and for every child "
        "stay what the application would have recorded: pathway and activities, intake, father contact, safety "
        "plan, screenings and signals, referrals, parenting, network, parent support, help plan with evaluations, "
        "Meldcode tracks and group courses (demo mode only)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--children", type=int, required=True)
        parser.add_argument("--years", type=int, required=True)
        parser.add_argument("--seed", type=int, default=synthetic.DEFAULT_SEED)
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        counts = synthetic.generate(
            options["children"],
            options["years"],
            options["seed"],
            progress=not options["no_progress"] and options["verbosity"] > 0,
            batch_size=options["batch_size"],
        )
        summary = ", ".join(f"{k}={v}" for k, v in counts.items())
        self.stdout.write(f"Generated in {time.monotonic() - started:.1f} s: {summary}")
