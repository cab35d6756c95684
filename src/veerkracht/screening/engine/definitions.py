"""Instrument definitions: FHIR R4 Questionnaire files plus the Veerkracht scoring extension.

A definition is data (screening/definitions/<id>.json). `load_definition` reads one and validates
everything the scoring depends on; a fault raises DefinitionError naming the file and the fault.
`registry()` holds all shipped definitions, merged with item text an organisation imported
locally (settings.VAR_DIR / "instruments", see engine/texts.py). The format is described in
docs/instrumenten.md.

Pure Python: no models, no database.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import translation

logger = logging.getLogger(__name__)

DIRECTORY = Path(__file__).resolve().parent.parent / "definitions"

SCORING_URL = "https://veerkracht.nl/fhir/StructureDefinition/scoring"
ORDINAL_URL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
TRANSLATION_URL = "http://hl7.org/fhir/StructureDefinition/translation"
ANSWER_SYSTEM = "https://veerkracht.nl/fhir/CodeSystem/answer"

RESPONDENTS = ("child", "caregiver", "professional", "parent_self")
ENTRIES = ("items", "scale_scores")
MISSING_METHODS = ("none", "prorate")
STATUSES = ("draft", "active", "retired", "unknown")
# Licence kinds. Item text may be shipped only for the kinds in TEXT_ALLOWED; for the others the
# loader refuses a file with item text (the organisation imports it locally under its own licence).
LICENCES = ("public_domain", "free_unmodified", "free_access", "own", "proprietary", "no_electronic_copy")
TEXT_ALLOWED = ("public_domain", "free_unmodified", "free_access", "own")


class DefinitionError(ValueError):
    """An instrument definition that cannot be used; the message names the file and the fault."""


def _english() -> bool:
    return (translation.get_language() or "nl").split("-")[0] == "en"


def _in_language(texts: tuple[tuple[str, str], ...], language: str | None) -> str | None:
    language = (language or "nl").split("-")[0]
    for lang, text in texts:
        if lang == language:
            return text
    return None


@dataclass(frozen=True)
class AnswerOption:
    code: str
    display: str
    score: int  # the score this answer adds (for a reversed item: already reversed)
    translations: tuple[tuple[str, str], ...] = ()  # (language, display) for other languages

    @property
    def label(self) -> str:
        """The display in the active language, else the definition's own display."""
        return _in_language(self.translations, translation.get_language()) or self.display


@dataclass(frozen=True)
class Item:
    link_id: str
    number: int
    text: str | None  # None: no text may be shipped - enter the answer from the paper form
    options: tuple[AnswerOption, ...]
    reversed: bool
    scored: bool
    group: str | None = None  # code of the part of the form (Instrument.groups), numbers restart per part
    translations: tuple[tuple[str, str], ...] = ()  # (language, text)
    critical: bool = False  # any answer above the lowest needs attention, whatever the total (PHQ-9 item 9)

    @property
    def label(self) -> str | None:
        """The item text in the active language, else `text` (None when there is no text at all)."""
        return _in_language(self.translations, translation.get_language()) or self.text

    def option(self, code: str) -> AnswerOption | None:
        return next((o for o in self.options if o.code == code), None)

    @property
    def min_score(self) -> int:
        return min(o.score for o in self.options)

    @property
    def max_score(self) -> int:
        return max(o.score for o in self.options)

    @property
    def lowest_option(self) -> AnswerOption:
        """The answer with the lowest score (for PHQ-9 item 9: 'not at all')."""
        return min(self.options, key=lambda o: o.score)


@dataclass(frozen=True)
class Band:
    code: str
    label_nl: str
    label_en: str
    low: int
    high: int
    clinical: bool

    @property
    def label(self) -> str:
        return self.label_en if _english() else self.label_nl

    def contains(self, value: int) -> bool:
        return self.low <= value <= self.high


@dataclass(frozen=True)
class Scale:
    code: str
    label_nl: str
    label_en: str
    link_ids: tuple[str, ...]  # the items summed (for a total over subscales: all their items)
    min: int
    max: int
    bands: tuple[Band, ...]
    scales: tuple[str, ...] = ()  # a total summed over subscales: their codes (else empty)

    @property
    def label(self) -> str:
        return self.label_en if _english() else self.label_nl

    def band_for(self, value: int | None) -> Band | None:
        if value is None:
            return None
        return next((b for b in self.bands if b.contains(value)), None)


@dataclass(frozen=True)
class Group:
    code: str
    label_nl: str
    label_en: str

    @property
    def label(self) -> str:
        return self.label_en if _english() else self.label_nl


@dataclass(frozen=True)
class MissingRule:
    """'none': any missing scored answer makes the result invalid. 'prorate': per scale (and per
    total summed over items) at most `max_missing` answers may be missing; the score is then the sum
    of the answered items times (number of items / number answered), rounded half up - the same as
    filling each missing answer with the mean of the answered ones."""

    method: str = "none"
    max_missing: int = 0


@dataclass(frozen=True)
class Instrument:
    id: str
    version: str
    title: str
    respondent: str
    min_age: int
    max_age: int | None
    languages: tuple[str, ...]
    source: str
    licence: str  # the licence text (Questionnaire.copyright)
    entry: str  # "items" | "scale_scores"
    items: tuple[Item, ...]
    scales: tuple[Scale, ...]
    total: Scale | None
    missing_rule: MissingRule
    url: str = ""
    name: str = ""
    language: str = "nl"  # language of the definition's own texts
    licence_code: str = ""
    publisher: str = ""
    description: str = ""
    groups: tuple[Group, ...] = ()
    title_translations: tuple[tuple[str, str], ...] = ()
    status: str = "active"
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)  # the file as read

    @property
    def label(self) -> str:
        return _in_language(self.title_translations, translation.get_language()) or self.title

    @property
    def status_active(self) -> bool:
        return self.status == "active"

    def fits_age(self, age: int | None) -> bool:
        """Whether the instrument is meant for someone of this age in whole years (None: unknown -> True)."""
        if age is None:
            return True
        return age >= self.min_age and (self.max_age is None or age <= self.max_age)

    def item(self, link_id: str) -> Item | None:
        return next((i for i in self.items if i.link_id == link_id), None)

    def scale(self, code: str) -> Scale | None:
        if self.total is not None and code == self.total.code:
            return self.total
        return next((s for s in self.scales if s.code == code), None)

    @property
    def scored_items(self) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.scored)

    @property
    def has_text(self) -> bool:
        return any(i.text for i in self.items)


# --- reading helpers --------------------------------------------------------------------------


class _Reader:
    """Validation helpers that prefix every fault with the file name."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, fault: str) -> DefinitionError:
        return DefinitionError(f"{self.source}: {fault}")

    def text(self, data: Mapping[str, Any], key: str, where: str = "") -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{where}'{key}' is missing or empty")
        return value.strip()

    def integer(self, value: Any, what: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal) or int(value) != value:
            raise self.fail(f"{what} must be a whole number (found {value!r})")
        return int(value)


def _sub(extension: Mapping[str, Any], url: str) -> list[Mapping[str, Any]]:
    return [e for e in extension.get("extension", []) or [] if isinstance(e, Mapping) and e.get("url") == url]


def _value(extension: Mapping[str, Any] | None) -> Any:
    if not extension:
        return None
    for key, value in extension.items():
        if key.startswith("value"):
            return value
    return None


def _one(extension: Mapping[str, Any], url: str) -> Any:
    found = _sub(extension, url)
    return _value(found[0]) if found else None


def _all(extension: Mapping[str, Any], url: str) -> list[Any]:
    return [_value(e) for e in _sub(extension, url)]


def _translations(element: Any) -> tuple[tuple[str, str], ...]:
    """FHIR primitive translations: {"extension": [{"url": TRANSLATION_URL, "extension": [lang, content]}]}."""
    if not isinstance(element, Mapping):
        return ()
    result = []
    for ext in element.get("extension", []) or []:
        if isinstance(ext, Mapping) and ext.get("url") == TRANSLATION_URL:
            lang, content = _one(ext, "lang"), _one(ext, "content")
            if isinstance(lang, str) and isinstance(content, str) and content.strip():
                result.append((lang, content.strip()))
    return tuple(result)


def _flatten(items: Any, reader: _Reader, group: str | None = None) -> list[tuple[Mapping[str, Any], str | None]]:
    if not isinstance(items, list):
        raise reader.fail("'item' must be a list")
    flat: list[tuple[Mapping[str, Any], str | None]] = []
    for raw in items:
        if not isinstance(raw, Mapping):
            raise reader.fail("every item must be an object")
        if raw.get("type") == "group":
            if group is not None:
                raise reader.fail(f"group {raw.get('linkId')!r}: groups may not be nested")
            flat.append((raw, None))
            flat.extend(_flatten(raw.get("item", []), reader, reader.text(raw, "linkId", "a group: ")))
        else:
            flat.append((raw, group))
    return flat


def _bands(raw: list[Mapping[str, Any]], low: int, high: int, reader: _Reader, where: str) -> tuple[Band, ...]:
    bands = []
    for ext in raw:
        code = _one(ext, "code")
        if not isinstance(code, str) or not code.strip():
            raise reader.fail(f"{where}: a band has no code")
        label_nl, label_en = _one(ext, "labelNl"), _one(ext, "labelEn")
        if not all(isinstance(v, str) and v.strip() for v in (label_nl, label_en)):
            raise reader.fail(f"{where}: band {code}: needs labelNl and labelEn")
        b_low = reader.integer(_one(ext, "low"), f"{where}: band {code}: 'low'")
        b_high = reader.integer(_one(ext, "high"), f"{where}: band {code}: 'high'")
        clinical = _one(ext, "clinical")
        if not isinstance(clinical, bool):
            raise reader.fail(f"{where}: band {code}: 'clinical' must be true or false")
        if b_low > b_high:
            raise reader.fail(f"{where}: band {code}: low {b_low} is above high {b_high}")
        bands.append(Band(code.strip(), label_nl.strip(), label_en.strip(), b_low, b_high, clinical))
    if not bands:
        return ()
    if len({b.code for b in bands}) != len(bands):
        raise reader.fail(f"{where}: two bands share a code")
    bands.sort(key=lambda b: (b.low, b.high))
    if bands[0].low < low or bands[-1].high > high:
        raise reader.fail(f"{where}: bands reach outside the scale range {low}-{high}")
    if bands[0].low != low:
        raise reader.fail(f"{where}: bands leave a gap: {low}-{bands[0].low - 1} has no band")
    if bands[-1].high != high:
        raise reader.fail(f"{where}: bands leave a gap: {bands[-1].high + 1}-{high} has no band")
    for before, after in zip(bands, bands[1:], strict=False):
        if after.low <= before.high:
            raise reader.fail(f"{where}: bands {before.code} and {after.code} overlap")
        if after.low > before.high + 1:
            raise reader.fail(f"{where}: bands leave a gap: {before.high + 1}-{after.low - 1} has no band")
    return tuple(bands)


def _labels(ext: Mapping[str, Any], reader: _Reader, where: str) -> tuple[str, str]:
    label_nl, label_en = _one(ext, "labelNl"), _one(ext, "labelEn")
    if not all(isinstance(v, str) and v.strip() for v in (label_nl, label_en)):
        raise reader.fail(f"{where}: needs labelNl and labelEn")
    return label_nl.strip(), label_en.strip()


# --- the loader -------------------------------------------------------------------------------


def load_definition(path_or_dict: str | Path | Mapping[str, Any], source: str | None = None) -> Instrument:
    """Read and validate one definition (a path to a JSON file, or the parsed dict)."""
    if isinstance(path_or_dict, Mapping):
        data: Any = path_or_dict
        source = source or str(path_or_dict.get("id") or "definition")
    else:
        path = Path(path_or_dict)
        source = source or path.name
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise DefinitionError(f"{source}: cannot be read as JSON ({exc})") from exc
    reader = _Reader(source)
    if not isinstance(data, Mapping) or data.get("resourceType") != "Questionnaire":
        raise reader.fail("the file must hold one FHIR Questionnaire (resourceType 'Questionnaire')")
    for key in ("id", "url", "version", "name", "title", "status", "publisher"):
        reader.text(data, key)
    if data["status"] not in STATUSES:
        raise reader.fail(f"status {data['status']!r} is not a FHIR publication status")
    if not isinstance(data.get("copyright"), str) or not data["copyright"].strip():
        raise reader.fail("'copyright' (the licence) is missing or empty")
    language = reader.text(data, "language")

    scoring = [e for e in data.get("extension", []) or [] if isinstance(e, Mapping) and e.get("url") == SCORING_URL]
    if len(scoring) != 1:
        raise reader.fail(f"needs exactly one scoring extension ({SCORING_URL})")
    ext = scoring[0]

    entry = _one(ext, "entry")
    if entry not in ENTRIES:
        raise reader.fail(f"entry {entry!r} must be one of {', '.join(ENTRIES)}")
    respondent = _one(ext, "respondent")
    if respondent not in RESPONDENTS:
        raise reader.fail(f"respondent {respondent!r} must be one of {', '.join(RESPONDENTS)}")
    min_age = reader.integer(_one(ext, "minAge"), "'minAge'")
    max_age_raw = _one(ext, "maxAge")
    max_age = None if max_age_raw is None else reader.integer(max_age_raw, "'maxAge'")
    if min_age < 0 or (max_age is not None and max_age < min_age):
        raise reader.fail(f"age range {min_age}-{max_age} is not a range")
    languages = tuple(v for v in _all(ext, "language") if isinstance(v, str) and v.strip())
    if not languages:
        raise reader.fail("'language' (the languages the instrument exists in) is missing")
    source_text = _one(ext, "source")
    if not isinstance(source_text, str) or not source_text.strip():
        raise reader.fail("'source' (the citation) is missing")
    licence_code = _one(ext, "licence")
    if licence_code is None:
        raise reader.fail("'licence' is missing")
    if licence_code not in LICENCES:
        raise reader.fail(f"licence {licence_code!r} must be one of {', '.join(LICENCES)}")

    # groups and items
    groups: list[Group] = []
    items: list[Item] = []
    seen: set[str] = set()
    numbers: set[tuple[str | None, int]] = set()
    reversed_ids = {v for v in _all(ext, "reversed")}
    unscored_ids = {v for v in _all(ext, "unscored")}
    critical_ids = {v for v in _all(ext, "critical")}
    for raw, group in _flatten(data.get("item", []) or [], reader):
        link_id = reader.text(raw, "linkId", "an item: ")
        if link_id in seen:
            raise reader.fail(f"linkId {link_id!r} is used twice")
        seen.add(link_id)
        where = f"item {link_id}"
        if raw.get("type") == "group":
            group_nl = raw.get("text") if isinstance(raw.get("text"), str) else link_id
            group_en = _in_language(_translations(raw.get("_text")), "en") or group_nl
            groups.append(Group(link_id, group_nl, group_en))
            continue
        if raw.get("type") != "choice":
            raise reader.fail(f"{where}: type must be 'choice' (found {raw.get('type')!r})")
        number = reader.integer(_to_int(raw.get("prefix")), f"{where}: 'prefix' (its number on the form)")
        if number < 1 or (group, number) in numbers:
            raise reader.fail(f"{where}: number {number} is not positive or is used twice")
        numbers.add((group, number))
        text = raw.get("text")
        if text is not None and (not isinstance(text, str) or not text.strip()):
            raise reader.fail(f"{where}: 'text' is empty (leave it out when no text may be shipped)")
        item_translations = _translations(raw.get("_text"))
        if (text or item_translations) and licence_code not in TEXT_ALLOWED:
            raise reader.fail(f"{where}: has item text, but the licence {licence_code!r} does not allow shipping it")
        options = _options(raw, reader, where)
        items.append(Item(
            link_id=link_id, number=number, text=text.strip() if text else None, options=options,
            reversed=link_id in reversed_ids, scored=link_id not in unscored_ids, group=group,
            translations=item_translations, critical=link_id in critical_ids,
        ))
    for what, ids in (("reversed", reversed_ids), ("unscored", unscored_ids), ("critical", critical_ids)):
        unknown = sorted(ids - {i.link_id for i in items})
        if unknown:
            raise reader.fail(f"{what} names unknown item {unknown[0]!r}")
    for item in items:
        if item.critical and item.min_score == item.max_score:
            raise reader.fail(f"critical item {item.link_id!r} has no answer above its lowest, so it can never be flagged")
    if entry == "items" and not items:
        raise reader.fail("entry 'items' needs at least one item")
    if entry == "scale_scores" and items:
        raise reader.fail("entry 'scale_scores' ships no items (the scale scores are entered)")
    items = [_reversed(i) if i.reversed else i for i in items]
    by_id = {i.link_id: i for i in items}

    # subscales
    scales: list[Scale] = []
    for scale_ext in _sub(ext, "scale"):
        code = _one(scale_ext, "code")
        if not isinstance(code, str) or not code.strip():
            raise reader.fail("a scale has no code")
        where = f"scale {code}"
        if any(s.code == code for s in scales):
            raise reader.fail(f"{where}: the code is used twice")
        label_nl, label_en = _labels(scale_ext, reader, where)
        link_ids = tuple(_all(scale_ext, "item"))
        if entry == "items":
            if not link_ids:
                raise reader.fail(f"{where}: names no items")
            _check_items(link_ids, by_id, reader, where)
            low = sum(by_id[x].min_score for x in link_ids)
            high = sum(by_id[x].max_score for x in link_ids)
        else:
            if link_ids:
                raise reader.fail(f"{where}: a scale-score instrument has no items to name")
            low = reader.integer(_one(scale_ext, "min"), f"{where}: 'min'")
            high = reader.integer(_one(scale_ext, "max"), f"{where}: 'max'")
            if low > high:
                raise reader.fail(f"{where}: min {low} is above max {high}")
        bands = _bands(_sub(scale_ext, "band"), low, high, reader, where)
        scales.append(Scale(code, label_nl, label_en, link_ids, low, high, bands))

    # the total
    total: Scale | None = None
    total_exts = _sub(ext, "total")
    if len(total_exts) > 1:
        raise reader.fail("more than one total")
    if total_exts:
        t_ext = total_exts[0]
        code = _one(t_ext, "code") or "total"
        where = f"total {code}"
        if any(s.code == code for s in scales):
            raise reader.fail(f"{where}: the code is also a scale's code")
        label_nl, label_en = _labels(t_ext, reader, where)
        sum_of = _one(t_ext, "sumOf")
        if sum_of == "items":
            if entry != "items":
                raise reader.fail(f"{where}: a scale-score instrument can only sum scales")
            link_ids = tuple(_all(t_ext, "item")) or tuple(i.link_id for i in items if i.scored)
            _check_items(link_ids, by_id, reader, where)
            sums: tuple[str, ...] = ()
            low = sum(by_id[x].min_score for x in link_ids)
            high = sum(by_id[x].max_score for x in link_ids)
        elif sum_of == "scales":
            sums = tuple(_all(t_ext, "scale"))
            if not sums:
                raise reader.fail(f"{where}: names no scales to sum")
            known = {s.code: s for s in scales}
            for name in sums:
                if name not in known:
                    raise reader.fail(f"{where}: unknown scale {name!r}")
            if len(set(sums)) != len(sums):
                raise reader.fail(f"{where}: a scale is summed twice")
            link_ids = tuple(x for name in sums for x in known[name].link_ids)
            if len(set(link_ids)) != len(link_ids):
                raise reader.fail(f"{where}: the summed scales share an item, which would count twice")
            low = sum(known[name].min for name in sums)
            high = sum(known[name].max for name in sums)
        else:
            raise reader.fail(f"{where}: 'sumOf' must be 'items' or 'scales' (found {sum_of!r})")
        bands = _bands(_sub(t_ext, "band"), low, high, reader, where)
        total = Scale(code, label_nl, label_en, link_ids, low, high, bands, scales=sums)
    if total is None and not scales:
        raise reader.fail("defines neither a total nor a scale: nothing to score")

    # the missing-answer rule
    missing_exts = _sub(ext, "missing")
    if len(missing_exts) != 1:
        raise reader.fail("needs exactly one 'missing' rule")
    method = _one(missing_exts[0], "method")
    if method not in MISSING_METHODS:
        raise reader.fail(f"missing method {method!r} must be one of {', '.join(MISSING_METHODS)}")
    max_missing_raw = _one(missing_exts[0], "maxMissing")
    max_missing = 0 if max_missing_raw is None else reader.integer(max_missing_raw, "missing 'maxMissing'")
    if method == "none" and max_missing != 0:
        raise reader.fail("missing method 'none' allows no missing answers: 'maxMissing' must be 0")
    if method == "prorate":
        if entry != "items":
            raise reader.fail("missing method 'prorate' needs item entry")
        if max_missing < 1:
            raise reader.fail("missing method 'prorate' needs 'maxMissing' of at least 1")
        prorated = [s for s in scales] + ([total] if total is not None and not total.scales else [])
        for scale in prorated:
            if max_missing >= len(scale.link_ids):
                raise reader.fail(f"scale {scale.code}: 'maxMissing' {max_missing} would allow a score from no answers")

    title_translations = _translations(data.get("_title"))
    return Instrument(
        id=data["id"].strip(), version=data["version"].strip(), title=data["title"].strip(),
        respondent=respondent, min_age=min_age, max_age=max_age, languages=languages,
        source=source_text.strip(), licence=data["copyright"].strip(), entry=entry, items=tuple(items),
        scales=tuple(scales), total=total, missing_rule=MissingRule(method, max_missing),
        url=data["url"].strip(), name=data["name"].strip(), language=language, licence_code=licence_code,
        publisher=data["publisher"].strip(), description=(data.get("description") or "").strip(),
        groups=tuple(groups), title_translations=title_translations, status=data["status"], raw=data,
    )


def _to_int(value: Any) -> Any:
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value


def _options(raw: Mapping[str, Any], reader: _Reader, where: str) -> tuple[AnswerOption, ...]:
    answer_options = raw.get("answerOption")
    if not isinstance(answer_options, list) or not answer_options:
        raise reader.fail(f"{where}: has no answer options")
    options = []
    for answer in answer_options:
        coding = answer.get("valueCoding") if isinstance(answer, Mapping) else None
        if not isinstance(coding, Mapping) or not isinstance(coding.get("code"), str) or not coding["code"].strip():
            raise reader.fail(f"{where}: an answer option has no valueCoding code")
        code = coding["code"].strip()
        if not isinstance(coding.get("display"), str) or not coding["display"].strip():
            raise reader.fail(f"{where}: answer {code}: no display")
        ordinal = [e for e in list(answer.get("extension", []) or []) + list(coding.get("extension", []) or [])
                   if isinstance(e, Mapping) and e.get("url") == ORDINAL_URL]
        if len(ordinal) != 1:
            raise reader.fail(f"{where}: answer {code}: has no score (one ordinalValue extension)")
        score = reader.integer(_value(ordinal[0]), f"{where}: answer {code}: the score")
        options.append(AnswerOption(code, coding["display"].strip(), score, _translations(coding.get("_display"))))
    if len({o.code for o in options}) != len(options):
        raise reader.fail(f"{where}: two answer options share a code")
    return tuple(options)


def _reversed(item: Item) -> Item:
    """A reversed item counts max + min - the value on the form."""
    low, high = item.min_score, item.max_score
    return replace(item, options=tuple(replace(o, score=low + high - o.score) for o in item.options))


def _check_items(link_ids: tuple[str, ...], by_id: Mapping[str, Item], reader: _Reader, where: str) -> None:
    if len(set(link_ids)) != len(link_ids):
        raise reader.fail(f"{where}: names an item twice")
    for link_id in link_ids:
        if link_id not in by_id:
            raise reader.fail(f"{where}: unknown item {link_id!r}")
        if not by_id[link_id].scored:
            raise reader.fail(f"{where}: item {link_id!r} is marked unscored")


# --- the registry -----------------------------------------------------------------------------


def load_directory(directory: Path = DIRECTORY) -> dict[str, Instrument]:
    """Every definition in a folder by id; a fault in any file raises DefinitionError."""
    result: dict[str, Instrument] = {}
    for path in sorted(Path(directory).glob("*.json")):
        instrument = load_definition(path)
        if instrument.id != path.stem:
            raise DefinitionError(f"{path.name}: id {instrument.id!r} differs from the file name")
        if instrument.id in result:
            raise DefinitionError(f"{path.name}: id {instrument.id!r} is used twice")
        result[instrument.id] = instrument
    return result


@functools.cache
def shipped() -> dict[str, Instrument]:
    """The definitions in the repository (read once per process)."""
    return load_directory(DIRECTORY)


def registry() -> dict[str, Instrument]:
    """All shipped definitions, with locally imported item text merged in. Cached; an import or
    a changed settings.VAR_DIR is picked up on the next call (the cache key includes the files' times)."""
    from . import texts

    return dict(_merged(texts.signature()))  # a copy: a caller cannot change the cached registry


@functools.lru_cache(maxsize=8)
def _merged(signature: tuple[Any, ...]) -> dict[str, Instrument]:
    from . import texts

    instruments = dict(shipped())
    for instrument_id, instrument in list(instruments.items()):
        instruments[instrument_id] = texts.merge(instrument)
    return instruments


def clear_cache() -> None:
    shipped.cache_clear()
    _merged.cache_clear()


def get(instrument_id: str) -> Instrument:
    """The instrument by id; KeyError when unknown."""
    return registry()[instrument_id]


def suggest(age: int | None, respondent: str | None = None) -> list[Instrument]:
    """The instruments that fit this age (in whole years; for 'parent_self' the parent's age) and,
    when given, this respondent - in a stable order (respondent, youngest age first, id)."""
    found = [
        i for i in registry().values()
        if i.status_active and i.fits_age(age) and (respondent is None or i.respondent == respondent)
    ]
    return sorted(found, key=lambda i: (RESPONDENTS.index(i.respondent), i.min_age, i.id))
