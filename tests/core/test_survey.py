"""Survey statistics checked against hand computation (docs/field.md#surveys)."""

from __future__ import annotations

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from jixiao.core.survey import Group, Level, Tally, combine, margin_for, result, wilson

# 100 answers: 很满意 40, 满意 35, 一般 15, 不满意 7, 很不满意 3.
HUNDRED_ANSWERS = Tally(40, 35, 15, 7, 3)


def test_satisfied_share_counts_very_satisfied_and_satisfied_over_valid_answers() -> None:
    assert result(HUNDRED_ANSWERS).satisfied_share == D("75.00")


def test_neutral_counts_as_satisfied_only_when_the_survey_says_so() -> None:
    assert result(HUNDRED_ANSWERS, include_neutral=True).satisfied_share == D("90.00")


def test_weighted_score_uses_one_to_point_two() -> None:
    # (40×1 + 35×0.8 + 15×0.6 + 7×0.4 + 3×0.2) ÷ 100 = 80.4 ÷ 100
    assert result(HUNDRED_ANSWERS).weighted_score == D("80.40")


def test_wilson_interval_of_75_in_100_matches_hand_computation() -> None:
    # centre = (0.75 + z²/200) ÷ (1 + z²/100) = 0.740765…; half = z·√(0.75·0.25/100 + z²/40000) ÷ (1 + z²/100)
    # = 0.083797…, so [65.70 %, 82.45 %] with z = 1.95996.
    interval = result(HUNDRED_ANSWERS).interval
    assert interval is not None
    assert (interval.low, interval.high) == (D("65.70"), D("82.45"))


def test_wilson_interval_stays_inside_zero_and_hundred_at_the_edges() -> None:
    everyone = wilson(20, 20)
    nobody = wilson(0, 20)
    assert everyone is not None and nobody is not None
    assert everyone.high == D("100.00") and everyone.low == D("83.89")
    assert nobody.low == D("0.00") and nobody.high == D("16.11")


def test_no_valid_answers_gives_no_figures() -> None:
    empty = result(Tally())
    assert (empty.valid, empty.satisfied_share, empty.weighted_score, empty.interval) == (0, None, None, None)


def test_tally_of_answers_counts_each_level() -> None:
    tally = Tally.of([5, 5, 4, Level.NEUTRAL, 1])
    counted = (tally.very_satisfied, tally.satisfied, tally.neutral, tally.very_dissatisfied, tally.valid)
    assert counted == (2, 1, 1, 1, 5)


def test_groups_combine_by_weight_and_drop_groups_without_answers() -> None:
    groups = [
        Group("服务对象", D(3), HUNDRED_ANSWERS),  # 75 %
        Group("社会公众", D(4), Tally(10, 20, 10, 5, 5)),  # 30 of 50 = 60 %
        Group("协作部门", D(3), Tally()),  # no answers: its weight is shared out
    ]
    combined = combine(groups)
    # (3 × 75 + 4 × 60) ÷ 7 = 66.43 %
    assert combined.satisfied_share == D("66.43")
    assert combined.valid == 150
    assert combined.interval is not None
    assert combined.interval.low < D("66.43") < combined.interval.high


def test_385_answers_give_plus_or_minus_five_points() -> None:
    assert margin_for(385) == D("4.99")
    assert margin_for(100) == D("9.80")
    assert margin_for(0) is None


counts = st.integers(min_value=0, max_value=400)


@given(counts, counts, counts, counts, counts)
def test_interval_contains_the_share_and_stays_within_bounds(a: int, b: int, c: int, d: int, e: int) -> None:
    figures = result(Tally(a, b, c, d, e))
    if figures.valid == 0:
        return
    assert figures.interval is not None and figures.satisfied_share is not None
    assert D(0) <= figures.interval.low <= figures.satisfied_share <= figures.interval.high <= D(100)
    assert figures.weighted_score is not None and D(20) <= figures.weighted_score <= D(100)


def test_a_single_answering_group_combines_to_its_own_wilson_result() -> None:
    alone = combine([Group("服务对象", D(3), HUNDRED_ANSWERS), Group("社会公众", D(4), Tally())])
    assert alone == result(HUNDRED_ANSWERS)
