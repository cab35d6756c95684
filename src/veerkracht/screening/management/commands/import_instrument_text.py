"""veerkracht import_instrument_text <id> <file> [--language nl]: add licensed item text locally.

An organisation that holds a licence for an instrument whose text is not shipped adds the text
here. It is stored under settings.VAR_DIR / "instruments" (never in the repository) and merged
into the definitions by the screening engine's registry(). See docs/instrumenten.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from veerkracht.screening.engine import definitions, texts


class Command(BaseCommand):
    help = "Add the item text of an instrument locally (for an organisation with a licence for that text)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("instrument", help="the instrument's id, e.g. cries-13")
        parser.add_argument("file", help='JSON file: {"items": {"<linkId>": "text"}, "options": {"<code>": "label"}}')
        parser.add_argument("--language", default="nl", help="language of the text (default: nl)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            instrument = definitions.shipped()[options["instrument"]]
        except KeyError:
            known = ", ".join(sorted(definitions.shipped()))
            raise CommandError(f"unknown instrument {options['instrument']!r}; known: {known}") from None
        path = Path(options["file"])
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"{path.name}: cannot be read as JSON ({exc})") from exc
        try:
            stored = texts.write(instrument, data, options["language"], path.name)
        except definitions.DefinitionError as exc:
            raise CommandError(str(exc)) from exc
        count = len(data["items"])
        self.stdout.write(
            f"{instrument.id} {instrument.version}: text of {count} of {len(instrument.items)} items stored "
            f"in {options['language']} ({stored})"
        )
