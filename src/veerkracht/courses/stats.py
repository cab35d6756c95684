"""Pure statistics for the effect report of group courses (no Django, no database).

Scores are symptom totals: a LOWER score is BETTER. A change is always "later minus earlier"
(T1 - T0, T2 - T0), so a negative change is an improvement.

Cohen's d uses the SD AT T0 of the same (paired) children: d = (mean T_later - mean T0) / SD(T0).
This is the pre-post effect size against the baseline SD (not the pooled SD); a negative d means
fewer symptoms.

The reliable change index follows Jacobson & Truax (1991), domain.md section 6:
RCI = (x2 - x1) / S_diff, S_diff = sqrt(2) * SD * sqrt(1 - r), |RCI| > 1.96 is a reliable change.
SD is the group's SD at T0 (sample SD, n - 1) and r the reliability of the instrument, which is a
required setting per course template and instrument (no value is assumed here).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

RCI_CRITICAL = 1.96

IMPROVED = "improved"
UNCHANGED = "unchanged"
DETERIORATED = "deteriorated"


def mean(values: Sequence[float]) -> float | None:
    """Arithmetic mean; None for no values."""
    if not values:
        return None
    return sum(values) / len(values)


def sd(values: Sequence[float]) -> float | None:
    """Sample standard deviation (divisor n - 1); None for fewer than two values."""
    if len(values) < 2:
        return None
    m = sum(values) / len(values)
    return math.sqrt(sum((v - m) ** 2 for v in values) / (len(values) - 1))


def paired(before: Mapping[Hashable, float], after: Mapping[Hashable, float]) -> list[tuple[float, float]]:
    """(before, after) score pairs of the children measured at both time points, in a stable order."""
    keys = [k for k in before if k in after]
    return [(before[k], after[k]) for k in keys]


def change(pairs: Sequence[tuple[float, float]]) -> float | None:
    """Mean change (after - before) over the paired children; negative = fewer symptoms."""
    if not pairs:
        return None
    return sum(b - a for a, b in pairs) / len(pairs)


def cohens_d(pairs: Sequence[tuple[float, float]]) -> float | None:
    """Cohen's d = (mean after - mean before) / SD(before) over the paired children (baseline SD,
    n - 1). None if the SD cannot be computed or is 0."""
    baseline_sd = sd([a for a, _ in pairs])
    if not baseline_sd:
        return None
    return (mean([b for _, b in pairs]) - mean([a for a, _ in pairs])) / baseline_sd


def s_diff(baseline_sd: float, reliability: float) -> float:
    """Standard error of the difference: sqrt(2) * SD * sqrt(1 - r)."""
    if not 0 <= reliability < 1:
        raise ValueError("reliability must be at least 0 and below 1")
    return math.sqrt(2) * baseline_sd * math.sqrt(1 - reliability)


def rci(x1: float, x2: float, baseline_sd: float, reliability: float) -> float | None:
    """Reliable change index (x2 - x1) / S_diff; None when S_diff is 0 (SD 0)."""
    error = s_diff(baseline_sd, reliability)
    if error == 0:
        return None
    return (x2 - x1) / error


def classify(index: float | None, lower_is_better: bool = True) -> str | None:
    """improved / unchanged / deteriorated; |RCI| must EXCEED 1.96 to count as reliable."""
    if index is None:
        return None
    if abs(index) <= RCI_CRITICAL:
        return UNCHANGED
    went_down = index < 0
    return IMPROVED if went_down == lower_is_better else DETERIORATED


@dataclass(frozen=True)
class RciShares:
    n: int
    improved: int
    unchanged: int
    deteriorated: int

    def share(self, count: int) -> float | None:
        return count / self.n if self.n else None

    @property
    def improved_share(self) -> float | None:
        return self.share(self.improved)

    @property
    def unchanged_share(self) -> float | None:
        return self.share(self.unchanged)

    @property
    def deteriorated_share(self) -> float | None:
        return self.share(self.deteriorated)


def rci_shares(pairs: Sequence[tuple[float, float]], baseline_sd: float | None,
               reliability: float | None) -> RciShares | None:
    """Count of children per RCI class; None without an SD (> 0) or a reliability."""
    if not baseline_sd or reliability is None:
        return None
    counts = {IMPROVED: 0, UNCHANGED: 0, DETERIORATED: 0}
    for x1, x2 in pairs:
        counts[classify(rci(x1, x2, baseline_sd, reliability))] += 1
    return RciShares(n=len(pairs), improved=counts[IMPROVED], unchanged=counts[UNCHANGED],
                     deteriorated=counts[DETERIORATED])


def share_below(values: Iterable[float], cutoff: float | None) -> float | None:
    """Share of scores below the cut-off (the lowest score of the clinical range); None without
    values or cut-off."""
    values = list(values)
    if not values or cutoff is None:
        return None
    return sum(1 for v in values if v < cutoff) / len(values)
