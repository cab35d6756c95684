"""veerkracht load_methodologies [--directory DIR]: validate and load the methodology data files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from veerkracht.pathway.methodology import DIRECTORY, MethodologyError, load_directory


class Command(BaseCommand):
    help = "Validate and load the methodology files (idempotent; a loaded version is never rewritten)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--directory", default=str(DIRECTORY), help="folder with *.json files (default: the shipped ones)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            results = load_directory(Path(options["directory"]))
        except MethodologyError as exc:
            raise CommandError(str(exc)) from exc
        for methodology, created in results:
            state = "loaded" if created else "unchanged"
            self.stdout.write(f"{methodology.code} {methodology.version}: {state}")
