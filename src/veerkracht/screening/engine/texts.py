"""Item text an organisation adds locally under its own licence (`veerkracht import_instrument_text`).

Stored as settings.VAR_DIR / "instruments" / "<id>.<language>.json" - never in the repository.
registry() merges it into the shipped definitions. A stored file belongs to one version of the
definition; after a new version it is skipped (with a warning in the log) until imported again.

Input file (JSON): {"items": {"<linkId>": "item text", ...}, "options": {"<answer code>": "label", ...}}
("options" is optional and relabels the answer options of every item that has that code).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from django.conf import settings

from .definitions import DefinitionError, Instrument, Item

logger = logging.getLogger(__name__)

LANGUAGE = re.compile(r"^[a-z]{2,3}$")
MAX_TEXT = 1000


def directory() -> Path:
    return Path(settings.VAR_DIR) / "instruments"


def signature() -> tuple[Any, ...]:
    """Changes whenever a stored text file is added, changed or removed (the registry's cache key)."""
    folder = directory()
    try:
        files = tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in folder.glob("*.json")))
    except OSError:
        files = ()
    return (str(folder), files)


def validate(instrument: Instrument, data: Any, language: str, source: str = "file") -> dict[str, Any]:
    """Check an import file against the instrument; return what will be stored. Raises DefinitionError."""
    if not LANGUAGE.match(language or ""):
        raise DefinitionError(f"{source}: language {language!r} must be a language code like 'nl'")
    if instrument.entry != "items":
        raise DefinitionError(f"{source}: {instrument.id} is entered as scale scores and has no items")
    if not isinstance(data, Mapping) or not isinstance(data.get("items"), Mapping) or not data["items"]:
        raise DefinitionError(f"{source}: needs an object 'items' mapping linkId to text")
    known = {i.link_id for i in instrument.items}
    items: dict[str, str] = {}
    for link_id, text in data["items"].items():
        if link_id not in known:
            raise DefinitionError(f"{source}: unknown item {link_id!r} for {instrument.id}")
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
            raise DefinitionError(f"{source}: item {link_id}: the text is empty or longer than {MAX_TEXT} characters")
        items[link_id] = text.strip()
    options: dict[str, str] = {}
    codes = {o.code for i in instrument.items for o in i.options}
    raw_options = data.get("options", {})
    if not isinstance(raw_options, Mapping):
        raise DefinitionError(f"{source}: 'options' must map an answer code to its label")
    for code, label in raw_options.items():
        if code not in codes:
            raise DefinitionError(f"{source}: unknown answer code {code!r} for {instrument.id}")
        if not isinstance(label, str) or not label.strip() or len(label) > MAX_TEXT:
            raise DefinitionError(f"{source}: answer {code}: the label is empty or too long")
        options[code] = label.strip()
    return {"instrument": instrument.id, "version": instrument.version, "language": language,
            "items": items, "options": options}


def write(instrument: Instrument, data: Any, language: str, source: str = "file") -> Path:
    """Validate and store the text; returns the stored file."""
    clean = validate(instrument, data, language, source)
    folder = directory()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{instrument.id}.{language}.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(clean, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(path)
    return path


def _stored(instrument: Instrument) -> list[dict[str, Any]]:
    found = []
    for path in sorted(directory().glob(f"{instrument.id}.*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, Mapping) or data.get("instrument") != instrument.id:
                continue
            if data.get("version") != instrument.version:
                logger.warning("%s: imported for version %s of %s, which is now version %s - import it again",
                               path.name, data.get("version"), instrument.id, instrument.version)
                continue
            found.append(validate(instrument, data, str(data.get("language")), path.name))
        except (OSError, ValueError) as exc:  # DefinitionError is a ValueError
            logger.warning("%s: skipped (%s)", path.name, exc)
    return found


def _with(translations: tuple[tuple[str, str], ...], language: str, text: str) -> tuple[tuple[str, str], ...]:
    return tuple((lang, t) for lang, t in translations if lang != language) + ((language, text),)


def merge(instrument: Instrument) -> Instrument:
    """The instrument with the stored local text of every language merged in."""
    if instrument.entry != "items":
        return instrument
    stored = _stored(instrument)
    if not stored:
        return instrument
    items: list[Item] = list(instrument.items)
    languages = list(instrument.languages)
    for data in stored:
        language = data["language"]
        own = language == instrument.language
        for index, item in enumerate(items):
            text = data["items"].get(item.link_id)
            if text is not None:
                if own:
                    item = replace(item, text=text)
                else:
                    item = replace(item, text=item.text or text,
                                   translations=_with(item.translations, language, text))
            if data["options"]:
                options = []
                for option in item.options:
                    label = data["options"].get(option.code)
                    if label is None:
                        options.append(option)
                    elif own:
                        options.append(replace(option, display=label))
                    else:
                        options.append(replace(option, translations=_with(option.translations, language, label)))
                item = replace(item, options=tuple(options))
            items[index] = item
        if language not in languages:
            languages.append(language)
    return replace(instrument, items=tuple(items), languages=tuple(languages))
