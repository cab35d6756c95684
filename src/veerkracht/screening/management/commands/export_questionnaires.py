"""`veerkracht export_questionnaires --out DIR`: every shipped instrument definition as a FHIR R4
Questionnaire (one JSON file per instrument, with the scoring extension), for another system to read.
Licensed item text imported locally is never exported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from veerkracht.screening.engine import definitions, fhir


class Command(BaseCommand):
    help = "Write every shipped screening instrument as a FHIR Questionnaire (JSON) to a folder."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--out", required=True, type=Path, help="the folder to write to")

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        out.mkdir(parents=True, exist_ok=True)
        for instrument_id, instrument in sorted(definitions.shipped().items()):
            target = out / f"{instrument_id}.json"
            target.write_text(json.dumps(fhir.questionnaire(instrument), ensure_ascii=False, indent=2) + "\n",
                              encoding="utf-8")
            self.stdout.write(f"{target}")
