"""Scoring an administration: item answers (or entered scale scores) -> totals, subscales, bands.

Missing answers follow the instrument's rule (definitions.MissingRule); outside the rule the result
is invalid (valid=False with a reason) and carries no scores at all - a score is never guessed.
`clinical` is the total's band when the total has bands, otherwise any subscale in a clinical band.
`critical` lists the critical items (definitions.Item.critical, e.g. PHQ-9 item 9) answered above their
lowest answer - for a valid and an invalid result alike: such an answer needs attention whatever the total.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from math import floor

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .definitions import Band, Instrument, Scale


@dataclass(frozen=True)
class Result:
    valid: bool
    reason: str
    total: int | None
    scales: dict[str, int | None] = field(default_factory=dict)
    band: Band | None = None
    scale_bands: dict[str, Band | None] = field(default_factory=dict)
    clinical: bool = False
    missing: tuple[str, ...] = ()  # linkIds (item entry) or scale codes (scale-score entry) without an answer
    critical: tuple[str, ...] = ()  # linkIds of critical items answered above their lowest answer (form order)


def _invalid(instrument: Instrument, reason: str, missing: tuple[str, ...] = (),
             critical: tuple[str, ...] = ()) -> Result:
    return Result(
        valid=False, reason=reason, total=None, scales={s.code: None for s in instrument.scales}, band=None,
        scale_bands={s.code: None for s in instrument.scales}, clinical=False, missing=missing, critical=critical,
    )


def critical_answers(instrument: Instrument, answers: Mapping[str, str | None]) -> tuple[str, ...]:
    """The critical items whose answer is one of their options and scores above the item's lowest
    answer (for PHQ-9 item 9: anything above 'not at all'). Missing or unknown answers do not count."""
    found = []
    for item in instrument.items:
        if not item.critical:
            continue
        code = answers.get(item.link_id)
        option = item.option(str(code)) if code not in (None, "") else None
        if option is not None and option.score > item.min_score:
            found.append(item.link_id)
    return tuple(found)


def _round_half_up(value: Fraction) -> int:
    return floor(value + Fraction(1, 2))


def _numbers(instrument: Instrument, link_ids: list[str] | tuple[str, ...]) -> str:
    labels = []
    for link_id in link_ids:
        item = instrument.item(link_id)
        if item is None:
            labels.append(link_id)
            continue
        group = next((g for g in instrument.groups if g.code == item.group), None)
        labels.append(f"{group.label} {item.number}" if group else str(item.number))
    return ", ".join(labels)


def _finish(instrument: Instrument, total: int | None, scales: dict[str, int | None], missing: tuple[str, ...],
            reason: str = "", critical: tuple[str, ...] = ()) -> Result:
    band = instrument.total.band_for(total) if instrument.total is not None else None
    scale_bands = {s.code: s.band_for(scales.get(s.code)) for s in instrument.scales}
    if instrument.total is not None and instrument.total.bands:
        clinical = bool(band and band.clinical)
    else:
        clinical = any(b is not None and b.clinical for b in scale_bands.values())
    return Result(valid=True, reason=reason, total=total, scales=scales, band=band, scale_bands=scale_bands,
                  clinical=clinical, missing=missing, critical=critical)


def score(instrument: Instrument, answers: Mapping[str, str | None]) -> Result:
    """Score item answers (linkId -> answer code; None, "" or absent is missing)."""
    if instrument.entry != "items":
        raise ValueError(f"{instrument.id} is entered as scale scores: use score_scales()")
    critical = critical_answers(instrument, answers)
    for link_id in answers:
        if instrument.item(link_id) is None:
            return _invalid(instrument, _("The answers name an item this questionnaire does not have."),
                            critical=critical)
    values: dict[str, int | None] = {}
    for item in instrument.items:
        code = answers.get(item.link_id)
        if code is None or code == "":
            values[item.link_id] = None
            continue
        option = item.option(str(code))
        if option is None:
            return _invalid(instrument, _("Item %(number)s has an answer that is not one of its options.")
                            % {"number": _numbers(instrument, [item.link_id])}, critical=critical)
        values[item.link_id] = option.score
    missing = tuple(i.link_id for i in instrument.items if i.scored and values[i.link_id] is None)
    rule = instrument.missing_rule
    if missing and rule.method == "none":
        reason = ngettext(
            "The answer to item %(items)s is missing; this questionnaire is only scored when every item is answered.",
            "The answers to items %(items)s are missing; this questionnaire is only scored when every item is answered.",
            len(missing),
        ) % {"items": _numbers(instrument, missing)}
        return _invalid(instrument, reason, missing, critical)

    def summed(scale: Scale) -> int | None:
        answered = [values[x] for x in scale.link_ids if values[x] is not None]
        absent = len(scale.link_ids) - len(answered)
        if absent > rule.max_missing:
            return None
        total = sum(v for v in answered if v is not None)
        if absent == 0:
            return total
        return _round_half_up(Fraction(total * len(scale.link_ids), len(answered)))

    scales: dict[str, int | None] = {}
    too_many: list[Scale] = []
    for scale in instrument.scales:
        scales[scale.code] = summed(scale)
        if scales[scale.code] is None:
            too_many.append(scale)
    total: int | None = None
    if instrument.total is not None:
        if instrument.total.scales:
            parts = [scales[code] for code in instrument.total.scales]
            total = None if any(p is None for p in parts) else sum(p for p in parts if p is not None)
        else:
            total = summed(instrument.total)
            if total is None:
                too_many.append(instrument.total)
    if too_many:
        reason = _(
            "Too many answers are missing in %(scale)s (items %(items)s); at most %(max)d may be missing."
        ) % {
            "scale": too_many[0].label,
            "items": _numbers(instrument, [x for x in too_many[0].link_ids if values[x] is None]),
            "max": rule.max_missing,
        }
        return _invalid(instrument, reason, missing, critical)
    reason = ""
    if missing:
        reason = ngettext(
            "Item %(items)s was not answered; the score is prorated from the answered items, as the questionnaire's rule allows.",
            "Items %(items)s were not answered; the scores are prorated from the answered items, as the questionnaire's rule allows.",
            len(missing),
        ) % {"items": _numbers(instrument, missing)}
    return _finish(instrument, total, scales, missing, reason, critical)


def score_scales(instrument: Instrument, scale_scores: Mapping[str, int | None]) -> Result:
    """Score entered scale scores (scale code -> score; None or absent is missing)."""
    if instrument.entry != "scale_scores":
        raise ValueError(f"{instrument.id} is entered item by item: use score()")
    known = {s.code: s for s in instrument.scales}
    for code in scale_scores:
        if code not in known:
            return _invalid(instrument, _("The scores name a scale this questionnaire does not have."))
    scales: dict[str, int | None] = {}
    for scale in instrument.scales:
        value = scale_scores.get(scale.code)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or not scale.min <= value <= scale.max):
            return _invalid(instrument, _("The score for %(scale)s must be a whole number from %(min)d to %(max)d.")
                            % {"scale": scale.label, "min": scale.min, "max": scale.max})
        scales[scale.code] = value
    missing = tuple(code for code, value in scales.items() if value is None)
    if missing:
        reason = ngettext(
            "The score for %(scales)s is missing; this questionnaire is only scored when every scale is entered.",
            "The scores for %(scales)s are missing; this questionnaire is only scored when every scale is entered.",
            len(missing),
        ) % {"scales": ", ".join(known[code].label for code in missing)}
        return _invalid(instrument, reason, missing)
    total = None
    if instrument.total is not None:
        total = sum(scales[code] or 0 for code in instrument.total.scales)
    return _finish(instrument, total, scales, ())
