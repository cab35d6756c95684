"""Property-based tests over every shipped instrument: every possible answer set scores inside the
instrument's range, raising one answer's score never lowers the total, and bands cover each range
without gap or overlap."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veerkracht.screening.engine.definitions import Instrument, shipped
from veerkracht.screening.engine.scoring import score, score_scales

ITEM_INSTRUMENTS = sorted(i for i, d in shipped().items() if d.entry == "items")
SCALE_INSTRUMENTS = sorted(i for i, d in shipped().items() if d.entry == "scale_scores")
PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(autouse=True)
def instruments():  # type: ignore[no-untyped-def]
    """Overrides the app tests' fixture of that name (tests/conftest.py) that swaps in test instruments."""
    return None


def complete_answers(instrument: Instrument) -> st.SearchStrategy[dict[str, str]]:
    return st.fixed_dictionaries({i.link_id: st.sampled_from([o.code for o in i.options]) for i in instrument.items})


@pytest.mark.parametrize("instrument_id", ITEM_INSTRUMENTS)
@PROPERTY
@given(data=st.data())
def test_every_answer_set_scores_inside_the_range(instrument_id, data):
    instrument = shipped()[instrument_id]
    result = score(instrument, data.draw(complete_answers(instrument)))
    assert result.valid and result.missing == ()
    assert instrument.total is not None
    assert instrument.total.min <= result.total <= instrument.total.max
    assert result.band is not None and result.band.low <= result.total <= result.band.high
    assert result.clinical == result.band.clinical
    for scale in instrument.scales:
        assert scale.min <= result.scales[scale.code] <= scale.max


@pytest.mark.parametrize("instrument_id", ITEM_INSTRUMENTS)
@PROPERTY
@given(data=st.data())
def test_raising_one_answer_never_lowers_the_total(instrument_id, data):
    instrument = shipped()[instrument_id]
    answers = data.draw(complete_answers(instrument))
    item = data.draw(st.sampled_from(instrument.scored_items))
    current = item.option(answers[item.link_id])
    higher = [o for o in item.options if o.score >= current.score]  # by score, so reversed items count right
    raised = dict(answers, **{item.link_id: data.draw(st.sampled_from([o.code for o in higher]))})
    before, after = score(instrument, answers), score(instrument, raised)
    assert after.total >= before.total
    for scale in instrument.scales:
        assert after.scales[scale.code] >= before.scales[scale.code]
    if before.clinical:  # the clinical bands of the shipped item instruments are their highest
        assert after.clinical


@pytest.mark.parametrize("instrument_id", ITEM_INSTRUMENTS)
@PROPERTY
@given(data=st.data())
def test_a_missing_answer_never_gives_a_guessed_score(instrument_id, data):
    instrument = shipped()[instrument_id]
    answers = data.draw(complete_answers(instrument))
    gone = data.draw(st.sampled_from(instrument.scored_items)).link_id
    result = score(instrument, {k: v for k, v in answers.items() if k != gone})
    # every shipped instrument allows no missing answer (no published rule to prorate by)
    assert not result.valid and result.total is None and gone in result.missing


@pytest.mark.parametrize("instrument_id", SCALE_INSTRUMENTS)
@PROPERTY
@given(data=st.data())
def test_every_entered_scale_score_set_scores_inside_the_range(instrument_id, data):
    instrument = shipped()[instrument_id]
    scores = data.draw(st.fixed_dictionaries({s.code: st.integers(s.min, s.max) for s in instrument.scales}))
    result = score_scales(instrument, scores)
    assert result.valid
    if instrument.total is not None:
        assert instrument.total.min <= result.total <= instrument.total.max
        assert result.band is not None
    for scale in instrument.scales:
        assert result.scale_bands[scale.code] is not None or not scale.bands


@pytest.mark.parametrize("instrument_id", sorted(shipped()))
def test_bands_cover_each_range_without_gap_or_overlap(instrument_id):
    instrument = shipped()[instrument_id]
    scales = list(instrument.scales) + ([instrument.total] if instrument.total else [])
    assert any(s.bands for s in scales)
    for scale in scales:
        if not scale.bands:
            continue
        for value in range(scale.min, scale.max + 1):
            assert sum(1 for b in scale.bands if b.low <= value <= b.high) == 1, (scale.code, value)
        assert scale.band_for(scale.min - 1) is None and scale.band_for(scale.max + 1) is None
