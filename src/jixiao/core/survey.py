"""Satisfaction survey statistics (满意度调查): shares, weighted scores, confidence intervals.

Pure functions over answer counts, so results are always recomputed from the stored answers
and never kept as a counter that could drift. The 5-point scale and the 1 / 0.8 / 0.6 / 0.4 /
0.2 weights follow common practice in published self-evaluations (docs/field.md#surveys); there is no
national sample-size rule, so the checker speaks of precision (the margin of error), not of a
minimum count.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from jixiao.core.labels import LabelledInt
from jixiao.core.numbers import HUNDRED, ZERO, rate

#: z for a two-sided 95 % confidence level.
Z95 = Decimal("1.959963984540054")
ONE = Decimal(1)
TWO = Decimal(2)
FOUR = Decimal(4)


class Level(LabelledInt):
    """One answer on the 5-point scale; the value orders them, best first."""

    VERY_SATISFIED = 5, "很满意"
    SATISFIED = 4, "满意"
    NEUTRAL = 3, "一般"
    DISSATISFIED = 2, "不满意"
    VERY_DISSATISFIED = 1, "很不满意"


#: Weighted score per answer (很满意 1 … 很不满意 0.2).
LEVEL_WEIGHTS = {
    Level.VERY_SATISFIED: Decimal(1),
    Level.SATISFIED: Decimal("0.8"),
    Level.NEUTRAL: Decimal("0.6"),
    Level.DISSATISFIED: Decimal("0.4"),
    Level.VERY_DISSATISFIED: Decimal("0.2"),
}


@dataclass(frozen=True)
class Tally:
    """How many valid answers fell on each level."""

    very_satisfied: int = 0
    satisfied: int = 0
    neutral: int = 0
    dissatisfied: int = 0
    very_dissatisfied: int = 0

    @classmethod
    def of(cls, answers: Iterable[Level | int]) -> Tally:
        counts = dict.fromkeys(Level, 0)
        for answer in answers:
            counts[Level(answer)] += 1
        return cls(*(counts[level] for level in sorted(Level, reverse=True)))

    def count(self, level: Level) -> int:
        return (self.very_dissatisfied, self.dissatisfied, self.neutral, self.satisfied, self.very_satisfied)[
            level - 1
        ]

    @property
    def valid(self) -> int:
        return self.very_satisfied + self.satisfied + self.neutral + self.dissatisfied + self.very_dissatisfied

    def satisfied_count(self, include_neutral: bool = False) -> int:
        return self.very_satisfied + self.satisfied + (self.neutral if include_neutral else 0)


@dataclass(frozen=True)
class Interval:
    low: Decimal  # percent
    high: Decimal  # percent


@dataclass(frozen=True)
class Result:
    """A group's (or a question's) figures, percentages rounded half up to 0.01."""

    valid: int
    satisfied_share: Decimal | None  # (很满意 + 满意 [+ 一般]) ÷ valid answers, percent
    weighted_score: Decimal | None  # Σ weight × count ÷ valid answers, percent
    interval: Interval | None  # 95 % Wilson interval of the satisfied share
    margin: Decimal | None  # half-width of the interval, percentage points


def satisfied_share(tally: Tally, include_neutral: bool = False) -> Decimal | None:
    if tally.valid == 0:
        return None
    return Decimal(tally.satisfied_count(include_neutral)) / Decimal(tally.valid) * HUNDRED


def weighted_score(tally: Tally) -> Decimal | None:
    if tally.valid == 0:
        return None
    points = sum((LEVEL_WEIGHTS[level] * tally.count(level) for level in Level), ZERO)
    return points / Decimal(tally.valid) * HUNDRED


def wilson(successes: int, n: int, z: Decimal = Z95) -> Interval | None:
    """Wilson score interval for a proportion, in percent (better than p ± z·√(p(1−p)/n) near 0 or 1)."""
    if n <= 0 or not 0 <= successes <= n:
        return None
    size = Decimal(n)
    p = Decimal(successes) / size
    z2 = z * z
    denominator = ONE + z2 / size
    centre = (p + z2 / (TWO * size)) / denominator
    half = z * (p * (ONE - p) / size + z2 / (FOUR * size * size)).sqrt() / denominator
    low, high = max(ZERO, centre - half), min(ONE, centre + half)
    return Interval(rate(low * HUNDRED), rate(high * HUNDRED))


def result(tally: Tally, include_neutral: bool = False) -> Result:
    share = satisfied_share(tally, include_neutral)
    score = weighted_score(tally)
    interval = wilson(tally.satisfied_count(include_neutral), tally.valid)
    margin = (interval.high - interval.low) / TWO if interval is not None else None
    return Result(
        valid=tally.valid,
        satisfied_share=rate(share) if share is not None else None,
        weighted_score=rate(score) if score is not None else None,
        interval=interval,
        margin=rate(margin) if margin is not None else None,
    )


@dataclass(frozen=True)
class Group:
    """A respondent group (服务对象, 社会公众, 协作部门 …) with its weight in the combined rate."""

    name: str
    weight: Decimal
    tally: Tally


def combine(groups: Sequence[Group], include_neutral: bool = False) -> Result:
    """The groups' satisfied shares and weighted scores averaged by group weight.

    Groups without a valid answer drop out and the remaining weights are re-normalised. Across
    groups the interval is the stratified normal approximation, Var = Σ (wᵢ/W)² · pᵢ(1 − pᵢ) / nᵢ;
    a single answering group is simply that group, with its Wilson interval.
    """
    present = [group for group in groups if group.tally.valid > 0 and group.weight > 0]
    total_weight = sum((group.weight for group in present), ZERO)
    if not present or total_weight == 0:
        return Result(0, None, None, None, None)
    if len(present) == 1:
        return result(present[0].tally, include_neutral)
    share = ZERO
    score = ZERO
    variance = ZERO
    for group in present:
        part = group.weight / total_weight
        p = Decimal(group.tally.satisfied_count(include_neutral)) / Decimal(group.tally.valid)
        share += part * p
        score += part * (weighted_score(group.tally) or ZERO) / HUNDRED
        variance += part * part * p * (ONE - p) / Decimal(group.tally.valid)
    half = Z95 * variance.sqrt()
    interval = Interval(rate(max(ZERO, share - half) * HUNDRED), rate(min(ONE, share + half) * HUNDRED))
    return Result(
        valid=sum(group.tally.valid for group in present),
        satisfied_share=rate(share * HUNDRED),
        weighted_score=rate(score * HUNDRED),
        interval=interval,
        margin=rate(half * HUNDRED),
    )


def margin_for(n: int, p: Decimal = Decimal("0.5"), z: Decimal = Z95) -> Decimal | None:
    """Worst-case margin of error (percentage points) of a share from ``n`` answers.

    n ≈ 385 gives ±5 % at 95 % confidence; the checker uses it to say how precise a claimed
    satisfaction rate can be.
    """
    if n <= 0:
        return None
    return rate(z * (p * (ONE - p) / Decimal(n)).sqrt() * HUNDRED)
