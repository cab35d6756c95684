"""The effect statistics against a small data set worked out by hand (arithmetic in the comments)."""

import math

import pytest

from veerkracht.courses import stats

# Four children, symptom totals (lower = better).
T0 = {"a": 30, "b": 24, "c": 18, "d": 12}
T1 = {"a": 20, "b": 22, "c": 10, "d": 24}
T2 = {"a": 16, "b": 20, "c": 12}  # d was not measured at T2


def test_mean_and_sample_sd_by_hand():
    # mean T0 = (30 + 24 + 18 + 12) / 4 = 84 / 4 = 21
    assert stats.mean(list(T0.values())) == 21
    # deviations 9, 3, -3, -9 -> squares 81 + 9 + 9 + 81 = 180; / (n - 1 = 3) = 60; SD = sqrt(60) = 7.746
    assert stats.sd(list(T0.values())) == pytest.approx(math.sqrt(60))
    assert stats.sd(list(T0.values())) == pytest.approx(7.745967, abs=1e-6)
    assert stats.mean([]) is None
    assert stats.sd([5]) is None  # no SD from one child


def test_change_and_cohens_d_t0_t1_by_hand():
    pairs = stats.paired(T0, T1)
    # changes T1 - T0: 20-30 = -10, 22-24 = -2, 10-18 = -8, 24-12 = +12; sum -8; / 4 = -2
    assert stats.change(pairs) == pytest.approx(-2)
    # d = (mean T1 19 - mean T0 21) / SD(T0) sqrt(60) = -2 / 7.746 = -0.2582
    assert stats.cohens_d(pairs) == pytest.approx(-0.258199, abs=1e-6)


def test_change_t0_t2_uses_only_children_measured_at_both():
    pairs = stats.paired(T0, T2)
    assert pairs == [(30, 16), (24, 20), (18, 12)]
    # changes -14, -4, -6: sum -24 / 3 = -8
    assert stats.change(pairs) == pytest.approx(-8)
    # T0 of these three: 30, 24, 18, mean 24, deviations 6, 0, -6 -> 72 / 2 = 36, SD 6
    # mean T2 = 48 / 3 = 16; d = (16 - 24) / 6 = -1.3333
    assert stats.cohens_d(pairs) == pytest.approx(-4 / 3)


def test_rci_by_hand_and_classes():
    sd0 = stats.sd(list(T0.values()))  # sqrt(60)
    # S_diff = sqrt(2) * sqrt(60) * sqrt(1 - 0.8) = sqrt(2 * 60 * 0.2) = sqrt(24) = 4.899
    assert stats.s_diff(sd0, 0.8) == pytest.approx(math.sqrt(24))
    # a: -10 / 4.899 = -2.041 -> improved (|RCI| > 1.96, score went down)
    assert stats.rci(30, 20, sd0, 0.8) == pytest.approx(-2.041241, abs=1e-6)
    assert stats.classify(stats.rci(30, 20, sd0, 0.8)) == stats.IMPROVED
    # c: -8 / 4.899 = -1.633 -> unchanged
    assert stats.classify(stats.rci(18, 10, sd0, 0.8)) == stats.UNCHANGED
    # d: +12 / 4.899 = +2.449 -> deteriorated (more symptoms)
    assert stats.classify(stats.rci(12, 24, sd0, 0.8)) == stats.DETERIORATED
    shares = stats.rci_shares(stats.paired(T0, T1), sd0, 0.8)
    # b: -2 / 4.899 = -0.408 unchanged -> 1 improved, 2 unchanged, 1 deteriorated of 4
    assert (shares.n, shares.improved, shares.unchanged, shares.deteriorated) == (4, 1, 2, 1)
    assert shares.improved_share == 0.25 and shares.unchanged_share == 0.5


def test_exactly_1_96_is_not_a_reliable_change_and_higher_is_better_flips():
    assert stats.classify(-1.96) == stats.UNCHANGED
    assert stats.classify(-1.9601) == stats.IMPROVED
    assert stats.classify(-2.5, lower_is_better=False) == stats.DETERIORATED


def test_rci_needs_a_reliability_and_an_sd():
    assert stats.rci_shares([(1, 2)], None, 0.8) is None
    assert stats.rci_shares([(1, 2)], 5.0, None) is None
    with pytest.raises(ValueError):
        stats.s_diff(5.0, 1.0)


def test_share_below_the_cut_off_by_hand():
    # cut-off 21 (CATS: 21 and up is probable PTSD); T1 20, 22, 10, 24 -> below 21: 20 and 10 -> 2 / 4
    assert stats.share_below(T1.values(), 21) == 0.5
    # a score equal to the cut-off is in the clinical range, not below it
    assert stats.share_below([21], 21) == 0
    assert stats.share_below([], 21) is None
    assert stats.share_below([3], None) is None
