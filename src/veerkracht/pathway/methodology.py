"""Reading, validating and loading methodology data files (methodologies/*.json).

A file is loaded once per (code, version). Loading it again is a no-op when its content is
unchanged; a changed file with the same version is refused (a running pathway must never
change under a child); a new version is added next to the old one.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from django.db import transaction

from veerkracht.accounts.roles import CLIENT_ROLES

from .models import ADMISSION, ActivityDefinition, Methodology

DIRECTORY = Path(__file__).resolve().parent / "methodologies"
COMPLETIONS = {"manual"}


class MethodologyError(Exception):
    """A methodology file that cannot be loaded; the message names the fault."""


def _names(data: Any, where: str) -> tuple[str, str]:
    if not isinstance(data, dict) or not all(isinstance(data.get(k), str) and data.get(k).strip() for k in ("nl", "en")):
        raise MethodologyError(f"{where}: 'name' needs a non-empty 'nl' and 'en'")
    return data["nl"].strip(), data["en"].strip()


def validate(data: Any, source: str = "file") -> dict[str, Any]:
    """Check a parsed file and return it in a normalised form; raise MethodologyError otherwise."""
    if not isinstance(data, dict):
        raise MethodologyError(f"{source}: the file must hold one JSON object")
    for key in ("code", "version"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise MethodologyError(f"{source}: '{key}' is missing or empty")
    name_nl, name_en = _names(data.get("name"), source)
    phases = data.get("phases")
    if not isinstance(phases, list) or not phases:
        raise MethodologyError(f"{source}: 'phases' must be a non-empty list")
    phase_names: dict[str, tuple[str, str]] = {}
    for phase in phases:
        if not isinstance(phase, dict) or not isinstance(phase.get("code"), str):
            raise MethodologyError(f"{source}: every phase needs a 'code'")
        phase_names[phase["code"]] = _names(phase.get("name"), f"{source}: phase {phase['code']}")
    activities = data.get("activities")
    if not isinstance(activities, list) or not activities:
        raise MethodologyError(f"{source}: 'activities' must be a non-empty list")
    codes: set[str] = set()
    orders: set[int] = set()
    result = []
    for item in activities:
        if not isinstance(item, dict) or not isinstance(item.get("code"), str) or not item["code"].strip():
            raise MethodologyError(f"{source}: every activity needs a 'code'")
        code = item["code"]
        where = f"{source}: activity {code}"
        if code in codes or code == ADMISSION:
            raise MethodologyError(f"{where}: the code is used twice or is reserved")
        codes.add(code)
        order = item.get("order")
        if not isinstance(order, int) or isinstance(order, bool) or order < 1 or order in orders:
            raise MethodologyError(f"{where}: 'order' must be a unique positive whole number")
        orders.add(order)
        if item.get("phase") not in phase_names:
            raise MethodologyError(f"{where}: phase {item.get('phase')!r} is not one of the file's phases")
        if item.get("responsible_role") not in {str(r) for r in CLIENT_ROLES}:
            raise MethodologyError(f"{where}: responsible_role {item.get('responsible_role')!r} is not a client role")
        deadline = item.get("deadline")
        if not isinstance(deadline, dict) or not isinstance(deadline.get("days_after"), str):
            raise MethodologyError(f"{where}: 'deadline' needs 'days_after' and 'days'")
        days = deadline.get("days")
        if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 3650:
            raise MethodologyError(f"{where}: deadline 'days' must be a whole number from 0 to 3650")
        if item.get("completion", "manual") not in COMPLETIONS:
            raise MethodologyError(f"{where}: completion {item.get('completion')!r} is not supported")
        if not isinstance(item.get("needs_consent", False), bool):
            raise MethodologyError(f"{where}: 'needs_consent' must be true or false")
        name_nl_a, name_en_a = _names(item.get("name"), where)
        result.append({
            "code": code, "order": order, "phase": item["phase"],
            "phase_nl": phase_names[item["phase"]][0], "phase_en": phase_names[item["phase"]][1],
            "responsible_role": item["responsible_role"], "deadline_days": days,
            "deadline_after": deadline["days_after"], "completion": item.get("completion", "manual"),
            "needs_consent": item.get("needs_consent", False), "name_nl": name_nl_a, "name_en": name_en_a,
        })
    by_code = {a["code"]: a for a in result}
    for activity in result:
        seen = {activity["code"]}
        after = activity["deadline_after"]
        while after != ADMISSION:
            if after not in by_code:
                raise MethodologyError(
                    f"{source}: activity {activity['code']}: deadline counts from unknown activity {after!r}"
                )
            if after in seen:
                raise MethodologyError(f"{source}: activity {activity['code']}: the deadlines depend on each other in a circle")
            seen.add(after)
            after = by_code[after]["deadline_after"]
    if not isinstance(data.get("default", False), bool):
        raise MethodologyError(f"{source}: 'default' must be true or false")
    return {
        "code": data["code"].strip(), "version": data["version"].strip(), "name_nl": name_nl, "name_en": name_en,
        "default": data.get("default", False), "activities": result,
    }


def checksum(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def load_data(data: Any, source: str = "file") -> tuple[Methodology, bool]:
    """Load one parsed file. Returns (methodology, created)."""
    clean = validate(data, source)
    digest = checksum(data)
    with transaction.atomic():
        existing = Methodology.objects.filter(code=clean["code"], version=clean["version"]).first()
        if existing is not None:
            if existing.checksum != digest:
                raise MethodologyError(
                    f"{source}: methodology {clean['code']} version {clean['version']} is already loaded with "
                    "different content; a loaded version is never rewritten - give the changed file a new version"
                )
            return existing, False
        if clean["default"]:
            Methodology.objects.filter(is_default=True).update(is_default=False)
        methodology = Methodology.objects.create(
            code=clean["code"], version=clean["version"], name_nl=clean["name_nl"], name_en=clean["name_en"],
            is_default=clean["default"], checksum=digest,
        )
        ActivityDefinition.objects.bulk_create(
            [ActivityDefinition(methodology=methodology, **a) for a in clean["activities"]]
        )
    return methodology, True


def load_file(path: Path) -> tuple[Methodology, bool]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise MethodologyError(f"{Path(path).name}: cannot be read as JSON ({exc})") from exc
    return load_data(data, Path(path).name)


def load_directory(directory: Path = DIRECTORY) -> list[tuple[Methodology, bool]]:
    """Load every *.json file in the directory, in name order (all or nothing)."""
    with transaction.atomic():
        return [load_file(path) for path in sorted(Path(directory).glob("*.json"))]
