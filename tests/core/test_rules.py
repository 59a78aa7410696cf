"""Each rule kind's formula, with values worked out by hand."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from jixiao.core.framework import Rule, RuleKind, StepBand
from jixiao.core.model import Indicator, Tier
from jixiao.core.rules import (
    Flag,
    equal_points,
    execution_points,
    in_tier,
    negative_points,
    positive_points,
    score_indicator,
    score_metric,
    tier_band,
)
from jixiao.core.values import Direction, parse_measure

BY_DIRECTION = Rule(kind=RuleKind.BY_DIRECTION)


def indicator(target: object, actual: object, weight: object = 10, **extra: object) -> Indicator:
    fields: dict[str, object] = {
        "l1": "产出指标",
        "l2": "数量指标",
        "name": "测试指标",
        "target": parse_measure(target),
        "actual": parse_measure(actual),
        "weight": None if weight is None else D(str(weight)),
    }
    fields.update(extra)
    return Indicator(**fields)  # type: ignore[arg-type]


# --- 正向 ----------------------------------------------------------------------------


def test_positive_met_or_exceeded_scores_full_weight_and_no_more() -> None:
    assert positive_points(D(100), D(100), D(10)) == D(10)
    assert positive_points(D(100), D(250), D(10)) == D(10)


def test_positive_under_target_scores_in_proportion() -> None:
    # 6 × 48.6 ÷ 60 = 4.86 (the seed's 无障碍设施达标率)
    assert positive_points(D(60), D("48.6"), D(6)) == D("4.86")


def test_positive_with_zero_target_is_met_by_any_non_negative_actual() -> None:
    assert positive_points(D(0), D(0), D(5)) == D(5)
    assert positive_points(D(0), D(-1), D(5)) == D(0)


def test_positive_indicator_explains_the_formula_and_the_loss() -> None:
    outcome = score_indicator(indicator("≥1800次", "1710次", 8), BY_DIRECTION)
    assert outcome.score == D("7.60")
    assert "8 × 1710 ÷ 1800 = 7.6" in str(outcome.why)
    assert "扣 0.4 分" in str(outcome.why)


def test_positive_score_is_rounded_half_up_to_two_places() -> None:
    # 50 × 9999 ÷ 10000 = 49.995 → 50.00 (四舍五入)
    assert score_indicator(indicator("≥10000", "9999", 50), BY_DIRECTION).score == D("50.00")
    # 6 × 37 ÷ 45 = 4.9333… → 4.93
    assert score_indicator(indicator("≥45人次", "37人次", 6), BY_DIRECTION).score == D("4.93")


# --- 反向 ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        ("20", "10"),  # at the target: full
        ("15", "10"),  # under the target: full
        ("26", "7"),  # 10 × (1 − 6 ÷ 20) = 7
        ("39", "0.5"),  # 10 × (1 − 19 ÷ 20) = 0.5
        ("40", "0"),  # exactly twice the target: 0
        ("55", "0"),  # beyond twice: 0
    ],
)
def test_cost_indicator_between_target_and_twice_target_loses_in_proportion(actual: str, expected: str) -> None:
    assert negative_points(D(20), D(actual), D(10)) == D(expected)


def test_cost_indicator_over_twice_target_scores_zero_and_says_so() -> None:
    outcome = score_indicator(indicator("≤5万元", "12万元", 4), BY_DIRECTION)
    assert outcome.score == D(0)
    assert "2 倍" in str(outcome.why)


def test_negative_with_zero_target_scores_nothing_above_zero() -> None:
    assert negative_points(D(0), D(0), D(3)) == D(3)
    assert negative_points(D(0), D("0.1"), D(3)) == D(0)


# --- 等于 ----------------------------------------------------------------------------


def test_equal_with_positive_target_is_scored_as_positive() -> None:
    assert equal_points(D(100), D(98), D(10)) == D("9.8")
    assert equal_points(D(100), D(100), D(10)) == D(10)


def test_equal_with_zero_target_is_all_or_nothing() -> None:
    assert equal_points(D(0), D(0), D(10)) == D(10)
    assert equal_points(D(0), D(1), D(10)) == D(0)
    assert score_indicator(indicator("=0起", "2起"), BY_DIRECTION).score == D(0)
    assert score_indicator(indicator("═0", "0"), BY_DIRECTION).score == D(10)


# --- 时效 ----------------------------------------------------------------------------


def test_deadline_met_on_or_before_target_month_scores_full() -> None:
    assert score_indicator(indicator("2023年12月", "2023年10月"), BY_DIRECTION).score == D(10)
    assert score_indicator(indicator("2023年6月底", "2023年6月30日"), BY_DIRECTION).score == D(10)


def test_deadline_missed_scores_zero() -> None:
    outcome = score_indicator(indicator("2023年12月", "2024年3月"), BY_DIRECTION)
    assert outcome.score == D(0)
    assert "晚于" in str(outcome.why)


# --- 单位换算与无法计分 -------------------------------------------------------------


def test_wan_prefix_is_scaled_before_comparing() -> None:
    # 10 × 100000 ÷ 105000 = 9.5238… → 9.52
    assert score_indicator(indicator("≥10.5万米", "100000米"), BY_DIRECTION).score == D("9.52")


def test_uncomparable_units_fall_back_to_the_stated_score_capped_at_the_weight() -> None:
    outcome = score_indicator(indicator("≤0.3万元", "150人", 10, stated_score=D(12)), BY_DIRECTION)
    assert outcome.score == D(10)
    assert set(outcome.flags) == {Flag.UNCOMPARABLE, Flag.FELL_BACK_TO_STATED}


def test_missing_weight_keeps_the_stated_score() -> None:
    outcome = score_indicator(indicator("≥200户", "210户", None, stated_score=D(8)), BY_DIRECTION)
    assert outcome.score == D(8)
    assert Flag.MISSING_WEIGHT in outcome.flags


def test_blank_actual_scores_zero() -> None:
    outcome = score_indicator(indicator("≥9…", None), BY_DIRECTION)
    assert outcome.score == D(0)
    assert outcome.flags == (Flag.NO_ACTUAL,)


def test_blank_target_without_stated_score_scores_zero() -> None:
    outcome = score_indicator(indicator(None, "95%"), BY_DIRECTION)
    assert outcome.score == D(0)
    assert outcome.flags == (Flag.NO_TARGET,)


# --- 定性 ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tier", "low", "high"),
    [
        (Tier.ACHIEVED, "8", "10"),
        (Tier.PARTIAL, "6", "8"),
        (Tier.NOT_ACHIEVED, "0", "6"),
    ],
)
def test_qualitative_tier_bands_are_80_60_and_below_60_percent(tier: Tier, low: str, high: str) -> None:
    assert tier_band(tier, D(10)) == (D(low), D(high))


def test_tier_bands_are_closed_only_at_the_top_of_achieved() -> None:
    assert in_tier(Tier.ACHIEVED, D(10), D(10))
    assert in_tier(Tier.ACHIEVED, D(8), D(10))
    assert not in_tier(Tier.PARTIAL, D(8), D(10))
    assert in_tier(Tier.PARTIAL, D(6), D(10))
    assert not in_tier(Tier.NOT_ACHIEVED, D(6), D(10))


def test_qualitative_without_judged_score_takes_the_tier_end() -> None:
    achieved = indicator("建立", "已建立", 8, direction=Direction.QUALITATIVE, tier=Tier.ACHIEVED)
    partial = indicator("建立", "部分建立", 10, direction=Direction.QUALITATIVE, tier=Tier.PARTIAL)
    assert score_indicator(achieved, BY_DIRECTION).score == D(8)
    assert score_indicator(partial, BY_DIRECTION).score == D(6)


def test_qualitative_score_outside_its_tier_is_kept_but_flagged() -> None:
    item = indicator("建立", "未建立", 6, direction=Direction.QUALITATIVE, tier=Tier.NOT_ACHIEVED, judged_score=D(4))
    outcome = score_indicator(item, BY_DIRECTION)
    assert outcome.score == D(4)
    assert outcome.flags == (Flag.TIER_OUT_OF_BAND,)


def test_qualitative_same_words_count_as_achieved() -> None:
    outcome = score_indicator(indicator("有效", "有效", 10), BY_DIRECTION)
    assert outcome.score == D(10)
    assert "视为" in str(outcome.why)


def test_qualitative_without_tier_or_score_scores_zero() -> None:
    outcome = score_indicator(indicator("明显提升", "有所提升", 10), BY_DIRECTION)
    assert outcome.score == D(0)
    assert outcome.flags == (Flag.NO_TIER,)


# --- 人工评分 ------------------------------------------------------------------------


def test_manual_with_justification_keeps_the_judged_score() -> None:
    item = indicator("规范", "基本规范", 10, rule="manual", judged_score=D(9), justification="1 项不规范")
    outcome = score_indicator(item, BY_DIRECTION)
    assert (outcome.score, outcome.flags) == (D(9), ())
    assert "1 项不规范" in str(outcome.why)


def test_manual_without_justification_is_flagged() -> None:
    item = indicator("规范", "基本规范", 10, rule="manual", judged_score=D(7))
    assert score_indicator(item, BY_DIRECTION).flags == (Flag.MANUAL_WITHOUT_REASON,)


def test_manual_item_without_judgement_scores_zero() -> None:
    outcome = score_metric(Rule(kind=RuleKind.MANUAL), D(5), None, "相关性", None)
    assert (outcome.score, outcome.flags) == (D(0), (Flag.MANUAL_MISSING,))


def test_manual_score_above_weight_is_capped() -> None:
    outcome = score_metric(Rule(kind=RuleKind.MANUAL), D(5), None, "相关性", (D(7), "很好"))
    assert outcome.score == D(5)


# --- 预算执行率 ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "weight", "expected"),
    [
        ("100", "10", "10"),
        ("102.19", "10", "10"),  # above 100% is capped
        ("93.75", "10", "9.375"),
        ("95.5", "2", "1.91"),
        ("0", "10", "0"),
    ],
)
def test_execution_points_are_rate_times_weight_capped(rate: str, weight: str, expected: str) -> None:
    assert execution_points(D(rate), D(weight)) == D(expected)


def test_execution_item_rounds_half_up_and_says_when_capped() -> None:
    rule = Rule(kind=RuleKind.EXECUTION_RATE, metric="execution_rate")
    assert score_metric(rule, D(10), D("93.75"), "执行率", None).score == D("9.38")
    capped = score_metric(rule, D(10), D("104"), "执行率", None)
    assert capped.score == D(10)
    assert "超过 100% 按 100% 计" in str(capped.why)


def test_missing_metric_scores_zero_and_is_flagged() -> None:
    rule = Rule(kind=RuleKind.EXECUTION_RATE, metric="execution_rate")
    outcome = score_metric(rule, D(10), None, "预算执行率：缺少数据", None)
    assert (outcome.score, outcome.flags) == (D(0), (Flag.METRIC_MISSING,))


# --- 分档计分 ------------------------------------------------------------------------

ADJUSTMENT = Rule(
    kind=RuleKind.STEP_BANDS,
    metric="budget_adjustment_rate",
    absolute=True,
    bands=(
        StepBand(score=D(3), max=D(0)),
        StepBand(score=D(2), max=D(10)),
        StepBand(score=D(1), max=D(20)),
        StepBand(score=D("0.5"), max=D(30)),
        StepBand(score=D(0)),
    ),
)


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        ("0", "3"),
        ("0.001", "3"),  # prints as 0.00%: still 未调整
        ("0.005", "2"),  # 0.005 → 0.01% (half up): adjusted
        ("10", "2"),  # exactly on the boundary: the "≤ 10%" band
        ("10.004", "2"),  # prints as 10.00%
        ("10.005", "1"),  # prints as 10.01%
        ("-20", "1"),  # a cut counts like a rise
        ("30", "0.5"),
        ("30.01", "0"),
        ("857.15", "0"),
    ],
)
def test_budget_adjustment_bands_apply_to_the_rate_as_printed(rate: str, expected: str) -> None:
    assert score_metric(ADJUSTMENT, D(3), D(rate), "预算调整率", None).score == D(expected)


def test_step_bands_with_min_pick_the_first_band_reached() -> None:
    rule = Rule(
        kind=RuleKind.STEP_BANDS,
        metric="key_spending_rate",
        bands=(StepBand(D(5), min=D(90)), StepBand(D(4), min=D(80)), StepBand(D(0))),
    )
    assert score_metric(rule, D(5), D(90), "重点支出安排率", None).score == D(5)
    assert score_metric(rule, D(5), D("89.995"), "重点支出安排率", None).score == D(5)
    assert score_metric(rule, D(5), D("89.994"), "重点支出安排率", None).score == D(4)
    assert score_metric(rule, D(5), D("12"), "重点支出安排率", None).score == D(0)


def test_step_bands_without_a_matching_band_score_zero() -> None:
    rule = Rule(kind=RuleKind.STEP_BANDS, metric="carryover_rate", bands=(StepBand(D(3), max=D(0)),))
    outcome = score_metric(rule, D(3), D(4), "结转结余率", None)
    assert outcome.score == D(0)
    assert "不在任何档位" in str(outcome.why)


def test_step_band_explanation_names_the_band() -> None:
    outcome = score_metric(ADJUSTMENT, D(3), D(-20), "预算调整率 = -20%", None)
    assert "|-20.00| 落在档位“≤ 20”" in str(outcome.why)
    assert "扣 2 分" in str(outcome.why)


# --- 每超出一个单位扣分 --------------------------------------------------------------

THREE_PUBLIC = Rule(
    kind=RuleKind.PER_UNIT_DEDUCTION, metric="three_public_control_rate", threshold=D(100), per=D(1), deduct=D(1)
)


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        ("95", "6"),
        ("100", "6"),
        ("100.004", "6"),  # prints as 100.00%: not over
        ("100.005", "5"),  # prints as 100.01%: a started point counts
        ("100.3", "5"),
        ("101", "5"),
        ("101.5", "4"),
        ("105", "1"),
        ("106", "0"),
        ("140", "0"),  # floor at 0: 扣完为止
    ],
)
def test_three_public_control_rate_loses_a_point_per_started_percentage_point(rate: str, expected: str) -> None:
    assert score_metric(THREE_PUBLIC, D(6), D(rate), "“三公经费”控制率", None).score == D(expected)


def test_per_unit_deduction_with_fractional_deduct_and_zero_threshold() -> None:
    rule = Rule(kind=RuleKind.PER_UNIT_DEDUCTION, metric="late", threshold=D(0), per=D(1), deduct=D("0.5"))
    assert score_metric(rule, D(3), D(0), "逾期专项", None).score == D(3)
    assert score_metric(rule, D(3), D(-2), "逾期专项", None).score == D(3)
    assert score_metric(rule, D(3), D(1), "逾期专项", None).score == D("2.5")
    assert score_metric(rule, D(1), D(3), "逾期专项", None).score == D(0)


def test_per_unit_deduction_below_threshold() -> None:
    rule = Rule(
        kind=RuleKind.PER_UNIT_DEDUCTION, metric="coverage", threshold=D(100), per=D(5), deduct=D(1), below=True
    )
    assert score_metric(rule, D(4), D(100), "覆盖率", None).score == D(4)
    assert score_metric(rule, D(4), D(96), "覆盖率", None).score == D(3)  # 4 short → 1 unit of 5
    assert score_metric(rule, D(4), D(89), "覆盖率", None).score == D(1)  # 11 short → 3 units


def test_per_unit_explanation_shows_units_and_floor() -> None:
    outcome = score_metric(THREE_PUBLIC, D(6), D(140), "“三公经费”控制率 = 140", None)
    text = str(outcome.why)
    assert "计 40 个单位" in text
    assert "扣完为止" in text


# --- 指标值上的正向/反向/等于 -------------------------------------------------------


def test_positive_metric_item_explains_the_proportion() -> None:
    rule = Rule(kind=RuleKind.POSITIVE, metric="satisfaction_collab", target=D(90))
    outcome = score_metric(rule, D(3), D(85), "协作部门满意度 = 85", None)
    assert outcome.score == D("2.83")
    assert "3 × 85 ÷ 90 = 2.83" in str(outcome.why)


def test_positive_metric_defaults_to_a_target_of_100() -> None:
    rule = Rule(kind=RuleKind.POSITIVE, metric="central_fund_compliance_rate")
    assert score_metric(rule, D(1), D(95), "合规率", None).score == D("0.95")


def test_negative_and_equal_metric_items() -> None:
    negative = Rule(kind=RuleKind.NEGATIVE, metric="cost", target=D(50))
    assert score_metric(negative, D(4), D(60), "成本", None).score == D("3.20")
    assert score_metric(negative, D(4), D(100), "成本", None).score == D(0)
    equal = Rule(kind=RuleKind.EQUAL, metric="accidents", target=D(0))
    assert score_metric(equal, D(2), D(0), "事故", None).score == D(2)
    assert score_metric(equal, D(2), D(1), "事故", None).score == D(0)
