"""Keep the shelter's whereabouts out of what a worker types about a child.

Documents never get a location object (docs/adr/0011), but text typed into a plan ("my room at De
Linde", "the school next to Geheime Laan 13") would still carry it into a PDF that leaves the
organisation. Every service that stores such text checks it here; every document is checked once
more just before it is rendered, because a location can be renamed or get a new address later.

The markers are the names and the address lines (or comma-separated parts) of all locations of the
child's organisation (a family can move between them) and their postcodes: whole words, case and
spacing ignored. A city name alone is no marker: many shelters share a city. The address is only compared
here, never returned or shown.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

DOCUMENT_REFUSED = gettext_lazy(
    "The text names a shelter location or its address, so no PDF is made. Change that text first.")

NAME_MIN = 4  # shorter location names ("Oost") are too common a word to refuse
ADDRESS_PART_MIN = 6  # an address part such as "Geheime Laan 13" or "Verstopstad"
POSTCODE = re.compile(r"\b(\d{4})\s*([a-z]{2})\b")


def _normalise(text: str) -> str:
    return " ".join(str(text or "").casefold().split())


def _pattern(marker: str) -> re.Pattern[str]:
    words = [re.escape(word) for word in marker.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)")


def location_patterns(organisation_id: Any) -> list[re.Pattern[str]]:
    """Patterns for the names and address parts of the organisation's locations (one query)."""
    from .models import Location

    patterns: list[re.Pattern[str]] = []
    for name, address in Location.objects.filter(organisation_id=organisation_id).values_list("name", "address"):
        name = _normalise(name)
        if len(name) >= NAME_MIN:
            patterns.append(_pattern(name))
        address = _normalise(str(address or "").replace("\n", ","))
        for part in (p.strip() for p in address.split(",")):
            for code in POSTCODE.finditer(part):
                patterns.append(re.compile(rf"(?<!\w){code.group(1)}\s*{code.group(2)}(?!\w)"))
            if len(part) >= ADDRESS_PART_MIN:
                patterns.append(_pattern(part))
    return patterns


def mentions(patterns: list[re.Pattern[str]], text: str) -> bool:
    normalised = _normalise(text)
    return bool(normalised) and any(p.search(normalised) for p in patterns)


def _organisation_of(pathway: Any) -> Any:
    return pathway.stay.person.organisation_id


def fields_mentioning_location(pathway: Any, values: Mapping[str, Any]) -> list[str]:
    """The names of the ``values`` (field name -> text) that mention a location of the child's organisation."""
    texts = {name: str(value) for name, value in values.items() if value}
    if not texts:
        return []
    patterns = location_patterns(_organisation_of(pathway))
    return [name for name, text in texts.items() if mentions(patterns, text)]


def location_error(pathway: Any, values: Mapping[str, Any],
                   labels: Mapping[str, Any] | None = None) -> ValidationError | None:
    """A ValidationError (code "location") naming the fields whose text names a shelter location or
    its address; None when there are none."""
    found = fields_mentioning_location(pathway, values)
    if not found:
        return None
    named = ", ".join(str((labels or {}).get(name, name)) for name in found)
    return ValidationError(
        format_lazy("{} {}.", _("Do not write the name or address of a shelter location here; it could reach "
                                "a document that leaves the organisation. Change"), named),
        code="location",
    )


def check_no_location(pathway: Any, values: Mapping[str, Any], labels: Mapping[str, Any] | None = None) -> None:
    """Refuse (ValidationError, code "location") text that names a shelter location or its address."""
    error = location_error(pathway, values, labels)
    if error is not None:
        raise error


def strings_of(value: Any) -> Iterable[str]:
    """Every string inside a document object (dataclasses, lists, tuples, dicts)."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from strings_of(getattr(value, field.name))
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from strings_of(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from strings_of(item)


def document_mentions_location(pathway: Any, document: Any) -> bool:
    """The last check before a document is rendered: does any text in it name a location?"""
    patterns = location_patterns(_organisation_of(pathway))
    return any(mentions(patterns, text) for text in strings_of(document))
