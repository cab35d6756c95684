"""The monitoring's indicator definitions, loaded from ``indicators.json`` and validated (ADR 0014).

Each indicator has a code, a name and a plain-language description in Dutch and English, a kind
(``share``, ``count``, ``median``, ``mean`` or ``distribution``), the normenkader indicator (1-4) it
belongs to (or null), and its inclusion rule, numerator and denominator, each as plain text (nl, en)
and as a small expression over the fact fields. An expression is never evaluated as code: it becomes
a Django ``Q``:

- ``"field"``: the boolean fact is true;
- ``true``: every row;
- ``{"all": [expr, ...]}`` / ``{"any": [expr, ...]}`` / ``{"not": expr}``;
- ``{"field": "name", "is_null": true|false}``;
- ``{"field": "name", "in": [value, ...]}``.

A fault is refused with ``IndicatorError`` naming the indicator and the fault.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.db.models import Q
from django.utils.translation import get_language

from .models import BOOLEAN_FACTS, FACT_FIELDS, NUMERIC_FACTS

DEFINITIONS = Path(__file__).with_name("indicators.json")
KINDS = ("share", "count", "median", "mean", "distribution")
VALUE_KINDS = ("median", "mean")
LANGUAGES = ("nl", "en")
DISTRIBUTION_FIELDS = frozenset({"destination", "care_type", "age_group"})


class IndicatorError(ValueError):
    """An indicator definition that cannot be used; the message names the indicator and the fault."""


def _in_language(texts: dict[str, str]) -> str:
    return texts["nl"] if (get_language() or "nl").startswith("nl") else texts["en"]


@dataclass(frozen=True)
class Part:
    """The inclusion rule, numerator or denominator: plain text and its expression."""

    text: dict[str, str]
    expr: Any

    @property
    def label(self) -> str:
        return _in_language(self.text)

    def q(self) -> Q:
        return to_q(self.expr)


@dataclass(frozen=True)
class Indicator:
    code: str
    kind: str
    names: dict[str, str]
    descriptions: dict[str, str]
    inclusion: Part
    numerator: Part | None = None
    denominator: Part | None = None
    field: str = ""
    normenkader: int | None = None
    # One of the four indicators of the normenkader itself (built from the other facts).
    composite: bool = False

    @property
    def name(self) -> str:
        return _in_language(self.names)

    @property
    def description(self) -> str:
        return _in_language(self.descriptions)

    @property
    def is_value(self) -> bool:
        return self.kind in VALUE_KINDS

    def included(self) -> Q:
        return self.inclusion.q()

    def denominator_q(self) -> Q:
        """Rows counted in the denominator: included, and the denominator's own rule."""
        q = self.included()
        return q & self.denominator.q() if self.denominator is not None else q

    def numerator_q(self) -> Q:
        """Rows counted in the numerator: in the denominator and the numerator's rule."""
        q = self.denominator_q()
        return q & self.numerator.q() if self.numerator is not None else q


# --- expressions --------------------------------------------------------------------------------------


def to_q(expr: Any) -> Q:
    """The ``Q`` of a (validated) expression."""
    if expr is True:
        return Q()
    if isinstance(expr, str):
        return Q(**{expr: True})
    if "all" in expr:
        q = Q()
        for item in expr["all"]:
            q &= to_q(item)
        return q
    if "any" in expr:
        items = [to_q(item) for item in expr["any"]]
        q = items[0]
        for item in items[1:]:
            q |= item
        return q
    if "not" in expr:
        return ~to_q(expr["not"])
    if "is_null" in expr:
        return Q(**{f"{expr['field']}__isnull": expr["is_null"]})
    return Q(**{f"{expr['field']}__in": list(expr["in"])})


def check_expression(expr: Any, where: str) -> None:
    """Refuse an expression that is not one of the documented forms or names an unknown fact field."""
    if expr is True:
        return
    if isinstance(expr, str):
        if expr not in BOOLEAN_FACTS:
            raise IndicatorError(f"{where}: {expr!r} is not a boolean fact field")
        return
    if not isinstance(expr, dict) or not expr:
        raise IndicatorError(f"{where}: an expression is a fact field name, true or an object, not {expr!r}")
    keys = set(expr)
    if keys in ({"all"}, {"any"}):
        (op,) = keys
        items = expr[op]
        if not isinstance(items, list) or (op == "any" and not items):
            raise IndicatorError(f"{where}: {op!r} needs a list of expressions")
        for i, item in enumerate(items):
            check_expression(item, f"{where}.{op}[{i}]")
        return
    if keys == {"not"}:
        check_expression(expr["not"], f"{where}.not")
        return
    if keys in ({"field", "is_null"}, {"field", "in"}):
        name = expr["field"]
        if name not in FACT_FIELDS:
            raise IndicatorError(f"{where}: unknown fact field {name!r}")
        if "is_null" in expr and not isinstance(expr["is_null"], bool):
            raise IndicatorError(f"{where}: 'is_null' must be true or false")
        if "in" in expr and (not isinstance(expr["in"], list) or not expr["in"]):
            raise IndicatorError(f"{where}: 'in' needs a list of values")
        return
    raise IndicatorError(f"{where}: unknown operator {sorted(keys)!r} (use all, any, not, field with is_null or in)")


# --- loading --------------------------------------------------------------------------------------------


def _texts(raw: Any, where: str) -> dict[str, str]:
    if not isinstance(raw, dict) or any(not isinstance(raw.get(lang), str) or not raw[lang].strip()
                                        for lang in LANGUAGES):
        raise IndicatorError(f"{where}: needs a text in Dutch (nl) and English (en)")
    return {lang: raw[lang] for lang in LANGUAGES}


def _part(raw: Any, where: str) -> Part:
    if not isinstance(raw, dict) or "expr" not in raw:
        raise IndicatorError(f"{where}: needs 'text' and 'expr'")
    check_expression(raw["expr"], f"{where}.expr")
    return Part(text=_texts(raw.get("text"), f"{where}.text"), expr=raw["expr"])


def parse_indicator(raw: Any) -> Indicator:
    if not isinstance(raw, dict) or not isinstance(raw.get("code"), str) or not raw["code"]:
        raise IndicatorError(f"an indicator needs a code: {str(raw)[:60]}")
    code = raw["code"]
    kind = raw.get("kind")
    if kind not in KINDS:
        raise IndicatorError(f"indicator {code}: bad kind {kind!r} (one of {', '.join(KINDS)})")
    normenkader = raw.get("normenkader")
    if normenkader is not None and normenkader not in (1, 2, 3, 4):
        raise IndicatorError(f"indicator {code}: normenkader must be 1, 2, 3, 4 or null, not {normenkader!r}")
    name = raw.get("field", "")
    if kind in VALUE_KINDS and name not in NUMERIC_FACTS:
        raise IndicatorError(f"indicator {code}: a {kind} needs 'field', one of {', '.join(NUMERIC_FACTS)}")
    if kind == "distribution" and name not in DISTRIBUTION_FIELDS:
        raise IndicatorError(f"indicator {code}: a distribution needs 'field', one of "
                             f"{', '.join(sorted(DISTRIBUTION_FIELDS))}")
    if kind not in VALUE_KINDS and kind != "distribution" and name:
        raise IndicatorError(f"indicator {code}: 'field' is only for median, mean and distribution")
    numerator = _part(raw["numerator"], f"indicator {code}: numerator") if "numerator" in raw else None
    denominator = _part(raw["denominator"], f"indicator {code}: denominator") if "denominator" in raw else None
    if kind == "share" and (numerator is None or denominator is None):
        raise IndicatorError(f"indicator {code}: a share needs a numerator and a denominator")
    if kind == "count" and numerator is None:
        raise IndicatorError(f"indicator {code}: a count needs a numerator")
    composite = raw.get("composite", False)
    if not isinstance(composite, bool) or (composite and (kind != "share" or normenkader is None)):
        raise IndicatorError(f"indicator {code}: 'composite' is true only for a share with its normenkader number")
    if "inclusion" not in raw:
        raise IndicatorError(f"indicator {code}: needs an inclusion rule")
    return Indicator(
        code=code, kind=kind, names=_texts(raw.get("name"), f"indicator {code}: name"),
        descriptions=_texts(raw.get("description"), f"indicator {code}: description"),
        inclusion=_part(raw["inclusion"], f"indicator {code}: inclusion"), numerator=numerator,
        denominator=denominator, field=name, normenkader=normenkader, composite=composite,
    )


def parse(data: Any) -> dict[str, Indicator]:
    if not isinstance(data, dict) or not isinstance(data.get("indicators"), list):
        raise IndicatorError("the file needs a list 'indicators'")
    result: dict[str, Indicator] = {}
    for raw in data["indicators"]:
        indicator = parse_indicator(raw)
        if indicator.code in result:
            raise IndicatorError(f"indicator {indicator.code}: the code is used twice")
        result[indicator.code] = indicator
    return result


def load(path: Path = DEFINITIONS) -> dict[str, Indicator]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise IndicatorError(f"{path.name}: cannot be read ({exc})") from exc
    try:
        return parse(data)
    except IndicatorError as exc:
        raise IndicatorError(f"{path.name}: {exc}") from exc


@cache
def registry() -> dict[str, Indicator]:
    """The shipped indicators by code, in the file's order (read and validated once per process)."""
    return load()


def get(code: str) -> Indicator:
    try:
        return registry()[code]
    except KeyError:
        raise IndicatorError(f"unknown indicator {code!r}") from None


def normenkader() -> list[Indicator]:
    """The four indicators of the normenkader "Kinderen in de opvang", in order."""
    return sorted((i for i in registry().values() if i.composite), key=lambda i: i.normenkader or 0)
