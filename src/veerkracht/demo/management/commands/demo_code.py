"""veerkracht demo_code USERNAME: the current second-factor code of a demo account."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from veerkracht.demo import synthetic


class Command(BaseCommand):
    help = (
        "Print the current 6-digit TOTP code of a demo account (demo mode only; refused for real accounts)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--quiet", action="store_true", help="print only the code")

    def handle(self, *args: Any, **options: Any) -> None:
        code, remaining = synthetic.current_code(options["username"])
        if options["quiet"]:
            self.stdout.write(code)
        else:
            self.stdout.write(f"{code}  (valid for {remaining} more seconds; each code can be used once)")
