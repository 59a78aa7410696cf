"""Arithmetic checks (P0 mostly): sums, stated rates and scores, grades, weights."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from jixiao.core.checks import Code
from jixiao.core.checks.arithmetic import Agreement, agreement
from jixiao.core.findings import Severity
from jixiao.core.framework import Block, Framework, GradeBand, Item, Rule, RuleKind, Slot
from jixiao.core.model import AmountUnit, AssetPart, Assets, EvaluationKind, Judgement
from jixiao.core.scoring import score
from tests.factories import (
    D,
    budget,
    check,
    clean_project,
    codes,
    framework,
    line,
    only,
    run,
    with_indicator,
    with_stated,
)

# --- agreement at the printed precision --------------------------------------------------


def test_stated_figure_rounded_half_up_at_its_printed_precision_agrees() -> None:
    assert agreement(D("102.2"), D("1496.62") / D("1464.48") * 100) is Agreement.ROUNDED  # 102.1946…
    assert agreement(D("99"), D("99.1014")) is Agreement.ROUNDED


def test_stated_figure_cut_instead_of_rounded_is_truncated() -> None:
    assert agreement(D("97.80"), D("31.69") / D("32.4") * 100) is Agreement.TRUNCATED  # 97.8086…


def test_trailing_zeros_nobody_printed_do_not_make_a_figure_wrong() -> None:
    # 0.978 × 100 read from a spreadsheet is Decimal("97.800"); at 0.1 it agrees with 97.8086…
    assert agreement(D("97.800"), D("97.8086")) is Agreement.ROUNDED


def test_stated_figure_far_from_the_computed_one_is_different() -> None:
    assert agreement(D("0.1"), D("14.4615")) is Agreement.DIFFERENT


# --- budget splits and assets ---------------------------------------------------------------


def test_nature_split_executed_not_summing_to_total_is_p0_with_the_figures() -> None:
    split = (line("基本支出", 50, 40), line("项目支出", 50, 55))
    ev = replace(clean_project(), budget=replace(clean_project().budget, by_nature=split))
    finding = only(run(ev), Code.BUDGET_NATURE_SUM_MISMATCH)
    assert finding.severity is Severity.P0
    assert finding.path == "budget.executed"
    assert "基本支出 40 + 项目支出 55" in finding.message
    assert "95 万元" in finding.message
    assert "100 万元" in finding.message
    assert "相差 5 万元" in finding.message


def test_nature_split_summing_within_printing_precision_is_quiet() -> None:
    # 147.8 + 1316.7 = 1464.5 against 1464.48: the parts were printed to 0.1.
    split = (line("基本支出", "147.8", "147.8"), line("项目支出", "1316.7", "1316.7"))
    ev = replace(clean_project(), budget=budget("1464.48", "1464.48", by_nature=split))
    assert Code.BUDGET_NATURE_SUM_MISMATCH not in codes(run(ev))


def test_source_split_not_summing_is_p0_and_checked_per_column() -> None:
    # R15: 一般公共预算 1873.66 + 其他资金 2880 = 4753.66; misprinted 2800 leaves 80 unaccounted.
    split = (line("一般公共预算", "1873.66"), line("其他资金", "2800"))
    ev = replace(clean_project(), budget=budget("4753.66", "3824.26", by_source=split))
    finding = only(run(ev), Code.BUDGET_SOURCE_SUM_MISMATCH)
    assert finding.path == "budget.adjusted"
    assert "4673.66 万元" in finding.message
    assert "4753.66 万元" in finding.message
    assert "相差 80 万元" in finding.message


def test_source_split_with_a_blank_line_is_not_added_up() -> None:
    split = (line("一般公共预算", "1873.66", "1000"), line("其他资金", "2880", None))
    ev = replace(clean_project(), budget=budget("4753.66", "3824.26", by_source=split))
    assert Code.BUDGET_SOURCE_SUM_MISMATCH not in codes(run(ev))


def test_r15_splits_that_add_up_are_quiet() -> None:
    by_source = (line("一般公共预算", "1873.66"), line("其他资金", "2880"))
    by_nature = (line("基本支出", "1768.16"), line("项目支出", "2985.5"))
    ev = replace(clean_project(), budget=budget("4753.66", "4753.66", by_source=by_source, by_nature=by_nature))
    found = codes(run(ev))
    assert Code.BUDGET_SOURCE_SUM_MISMATCH not in found
    assert Code.BUDGET_NATURE_SUM_MISMATCH not in found


def test_asset_parts_not_summing_to_total_is_p0() -> None:
    assets = Assets(total=D("7.23"), parts=(AssetPart("流动资产", D("0.83")), AssetPart("非流动资产", D("6.3"))))
    ev = replace(clean_project(), unit=replace(clean_project().unit, assets=assets))
    finding = only(run(ev), Code.ASSET_SUM_MISMATCH)
    assert finding.severity is Severity.P0
    assert finding.path == "unit.assets.total"
    assert "7.13 万元" in finding.message
    assert "7.23 万元" in finding.message


def test_seed_assets_that_add_up_are_quiet() -> None:
    assets = Assets(total=D("7.23"), parts=(AssetPart("流动资产", D("0.83")), AssetPart("非流动资产", D("6.4"))))
    ev = replace(clean_project(), unit=replace(clean_project().unit, assets=assets))
    assert Code.ASSET_SUM_MISMATCH not in codes(run(ev))


def test_asset_amounts_keep_their_own_unit() -> None:
    assets = Assets(total=D(1000), parts=(AssetPart("流动资产", D(300)),), unit=AmountUnit.YUAN)
    ev = replace(clean_project(), unit=replace(clean_project().unit, assets=assets))
    assert "1000 元" in only(run(ev), Code.ASSET_SUM_MISMATCH).message


# --- weights ----------------------------------------------------------------------------


def test_indicator_weights_not_totalling_the_slot_weight_is_p0() -> None:
    ev = with_indicator(clean_project(), 0, weight="15", stated_score="14.25")
    finding = only(run(ev), Code.SLOT_WEIGHT_SUM_MISMATCH)
    assert finding.severity is Severity.P0
    assert finding.path == "indicators[0].weight"
    assert "合计 45 分" in finding.message
    assert "50 分" in finding.message


def test_slot_without_indicators_is_reported() -> None:
    ev = replace(clean_project(), indicators=clean_project().indicators[:5])
    finding = only(run(ev), Code.SLOT_EMPTY)
    assert finding.severity is Severity.P1
    assert "满意度指标" in finding.message
    assert "10 分" in finding.message


def test_evaluation_without_indicators_is_p0() -> None:
    finding = only(run(replace(clean_project(), indicators=())), Code.NO_INDICATORS)
    assert finding.severity is Severity.P0


# --- grade ------------------------------------------------------------------------------


def test_grade_outside_the_band_of_the_stated_total_is_p0() -> None:
    ev = with_stated(clean_project(), total="89.8", grade="优")
    finding = only(run(ev), Code.GRADE_MISMATCH)
    assert finding.severity is Severity.P0
    assert finding.path == "stated.grade"
    assert "89.8 分" in finding.message
    assert "“良”" in finding.message
    assert "90 分及以上" in finding.message


def test_grades_at_band_boundaries_are_quiet() -> None:
    for total, grade in (("90", "优"), ("89.99", "良"), ("80", "良"), ("60", "中"), ("59.9", "差")):
        ev = with_stated(clean_project(), total=total, grade=grade)
        assert Code.GRADE_MISMATCH not in codes(run(ev)), (total, grade)


def test_grade_written_in_full_is_read_as_its_band() -> None:
    ev = with_stated(clean_project(), grade="优秀")
    found = codes(run(ev))
    assert Code.GRADE_UNKNOWN not in found
    assert Code.GRADE_MISMATCH not in found


def test_grade_not_in_the_framework_is_reported() -> None:
    finding = only(run(with_stated(clean_project(), grade="A")), Code.GRADE_UNKNOWN)
    assert "优、良、中、差" in finding.message


def test_missing_grade_is_advice_with_the_grade_for_the_total() -> None:
    # R04: no grade printed; 71.7 falls in the 中 band.
    finding = only(run(with_stated(clean_project(), total="71.7", grade=None)), Code.GRADE_MISSING)
    assert finding.severity is Severity.P2
    assert "71.7 分" in finding.message
    assert "“中”" in finding.message


# --- execution rate and score ------------------------------------------------------------


def test_seed_rate_102_2_against_102_19_is_not_wrong() -> None:
    ev = replace(clean_project(), budget=budget("1464.48", "1496.62", carryover=D(0)))
    ev = with_stated(ev, execution_rate="102.2")
    found = codes(run(ev))
    assert Code.EXECUTION_RATE_WRONG not in found
    assert Code.EXECUTION_RATE_TRUNCATED not in found


def test_rate_cut_instead_of_rounded_is_p2() -> None:
    # R09: 31.69 ÷ 32.4 = 97.8086…% printed 97.80% (四舍五入 gives 97.81%).
    ev = with_stated(replace(clean_project(), budget=budget("32.4", "31.69")), execution_rate="97.80")
    finding = only(run(ev), Code.EXECUTION_RATE_TRUNCATED)
    assert finding.severity is Severity.P2
    assert "97.80%" in finding.message
    assert "97.81%" in finding.message
    assert "截位而非四舍五入" in finding.message


def test_rate_written_as_a_fraction_is_p0_and_says_so() -> None:
    # R04: 94 ÷ 650 = 14.46%, printed "0.1".
    ev = with_stated(replace(clean_project(), budget=budget("650", "94")), execution_rate="0.1")
    finding = only(run(ev), Code.EXECUTION_RATE_WRONG)
    assert finding.severity is Severity.P0
    assert finding.path == "stated.execution_rate"
    assert "0.1%" in finding.message
    assert "14.46%" in finding.message
    assert "小数形式" in finding.message


def test_rate_far_from_the_figures_is_p0() -> None:
    # R15: stated 100% but 3824.26 ÷ 4753.66 = 80.45%.
    ev = with_stated(replace(clean_project(), budget=budget("4753.66", "3824.26")), execution_rate="100")
    finding = only(run(ev), Code.EXECUTION_RATE_WRONG)
    assert "100%" in finding.message
    assert "80.45%" in finding.message
    assert "小数形式" not in finding.message


def test_execution_score_following_the_rate_with_a_stated_weight_is_quiet() -> None:
    # R04: 分值 20 × 14.46% = 2.89 → 2.9.
    ev = with_stated(
        replace(clean_project(), budget=budget("650", "94")),
        execution_rate="0.1",
        execution_weight="20",
        execution_score="2.9",
    )
    found = codes(run(ev))
    assert Code.EXECUTION_SCORE_WRONG not in found
    assert Code.EXECUTION_SCORE_TRUNCATED not in found


def test_execution_weight_differing_from_the_framework_is_reported() -> None:
    ev = with_stated(clean_project(), execution_weight="20", execution_score="20")
    finding = only(run(ev), Code.EXECUTION_WEIGHT_DIFFERS)
    assert finding.severity is Severity.P1
    assert "20 分" in finding.message
    assert "10 分" in finding.message


def test_execution_score_following_the_stated_rate_is_not_reported_twice() -> None:
    # R15: 100% stated, score 10 follows it; the wrong rate is the finding.
    ev = with_stated(replace(clean_project(), budget=budget("4753.66", "3824.26")), execution_rate="100")
    found = codes(run(ev))
    assert Code.EXECUTION_RATE_WRONG in found
    assert Code.EXECUTION_SCORE_WRONG not in found


def test_execution_score_not_following_any_rate_is_p0() -> None:
    finding = only(run(with_stated(clean_project(), execution_score="7")), Code.EXECUTION_SCORE_WRONG)
    assert finding.severity is Severity.P0
    assert "7 分" in finding.message
    assert "分值 10 × 执行率 100.00%" in finding.message


def test_execution_score_floored_is_p2() -> None:
    # R09: 10 × 97.81% = 9.78, printed 9.
    ev = with_stated(
        replace(clean_project(), budget=budget("32.4", "31.69")), execution_rate="97.81", execution_score="9"
    )
    finding = only(run(ev), Code.EXECUTION_SCORE_TRUNCATED)
    assert finding.severity is Severity.P2
    assert "9 分" in finding.message
    assert "应为 10 分" in finding.message


def test_execution_score_above_its_weight_is_p0() -> None:
    finding = only(run(with_stated(clean_project(), execution_score="12")), Code.EXECUTION_SCORE_ABOVE_WEIGHT)
    assert "12 分" in finding.message
    assert "10 分" in finding.message


# --- indicator scores -----------------------------------------------------------------------


def test_indicator_score_above_its_weight_is_p0() -> None:
    finding = only(run(with_indicator(clean_project(), 0, stated_score="21")), Code.INDICATOR_SCORE_ABOVE_WEIGHT)
    assert finding.severity is Severity.P0
    assert finding.path == "indicators[0].stated_score"
    assert "21 分" in finding.message
    assert "20 分" in finding.message


def test_indicator_score_differing_from_the_rule_is_p1_with_the_rules_explanation() -> None:
    # R05: 全县参合人数 target 8755, actual 8676, weight 15, stated 13 → 15 × 8676 ÷ 8755 = 14.86.
    ev = with_indicator(clean_project(), 0, target="8755", actual="8676", weight="15", stated_score="13")
    finding = only(run(ev), Code.INDICATOR_SCORE_MISMATCH)
    assert finding.severity is Severity.P1
    assert finding.path == "indicators[0].stated_score"
    assert "13 分" in finding.message
    assert "14.86 分" in finding.message
    assert "15 × 8676 ÷ 8755" in finding.message


def test_indicator_score_rounded_to_fewer_places_is_quiet() -> None:
    for stated in ("14.86", "14.9", "15"):
        ev = with_indicator(clean_project(), 0, target="8755", actual="8676", weight="15", stated_score=stated)
        assert Code.INDICATOR_SCORE_MISMATCH not in codes(run(ev)), stated


def test_stated_scores_not_adding_up_to_the_stated_total_is_p0() -> None:
    # R05: 9 + 13 + 15 + 10 + 10 + 27 + 9 = 93, stated total 94.
    ev = clean_project()
    for index, stated in enumerate(("13", "15", "10", "10", "27", "9")):
        ev = with_indicator(ev, index, stated_score=stated)
    ev = with_stated(ev, execution_score="9", total="94")
    finding = only(run(ev), Code.SCORE_SUM_MISMATCH)
    assert finding.severity is Severity.P0
    assert finding.path == "stated.total"
    assert "合计 93 分" in finding.message
    assert "94 分" in finding.message
    assert "预算执行 9 + 各三级指标 84" in finding.message


def test_stated_scores_adding_up_is_quiet_even_with_one_score_missing() -> None:
    ev = with_indicator(clean_project(), 0, stated_score=None)
    ev = with_stated(ev, total="99")
    assert Code.SCORE_SUM_MISMATCH not in codes(run(ev))


def test_stated_total_differing_from_the_computed_total_is_p1_with_both_figures() -> None:
    finding = only(run(with_stated(clean_project(), total="95", grade="优")), Code.TOTAL_MISMATCH)
    assert finding.severity is Severity.P1
    assert "95 分" in finding.message
    assert "99 分" in finding.message
    assert "相差 4 分" in finding.message


def test_stated_total_printed_to_fewer_places_is_quiet() -> None:
    assert Code.TOTAL_MISMATCH not in codes(run(with_stated(clean_project(), total="99.0")))


def test_stated_total_above_the_maximum_is_p0() -> None:
    finding = only(run(with_stated(clean_project(), total="101", grade="优")), Code.TOTAL_ABOVE_MAXIMUM)
    assert "101 分" in finding.message
    assert "100 分" in finding.message


def test_stated_total_weight_differing_from_the_framework_is_p1() -> None:
    finding = only(run(with_stated(clean_project(), total_weight="120")), Code.TOTAL_WEIGHT_DIFFERS)
    assert "120 分" in finding.message


# --- framework items ------------------------------------------------------------------------


def test_execution_rate_on_the_initial_budget_when_only_that_is_printed() -> None:
    # R33: only 年初预算数 310.2 printed (issue 9 item 8): it is the base, and the explanation says so.
    budget = replace(clean_project().budget, initial=D("310.2"), adjusted=None, executed=D("154.74"))
    ev = with_stated(replace(clean_project(), budget=budget), execution_rate=D(40))
    card = score(ev, framework())
    line = next(item for item in card.items if item.path == "items.execution_rate")
    assert card.execution_rate == D("49.88")
    assert line.score == D("4.99")
    assert "年初预算数" in line.explanation and "以年初预算数为基数" in line.explanation
    findings = run(ev)
    assert Code.ITEM_METRIC_MISSING not in codes(findings)
    wrong = only(findings, Code.EXECUTION_RATE_WRONG)  # 40% printed against 49.88%
    assert "÷ 年初预算数 310.2 万元" in wrong.message and "以年初预算数为基数" in wrong.message


def _manual_framework() -> Framework:
    return Framework(
        id="manual-test",
        title="人工评分测试表",
        source="测试",
        applies_to=(EvaluationKind.PROJECT,),
        total=Decimal(100),
        grades=(GradeBand("优", Decimal(90)), GradeBand("差", Decimal(0))),
        blocks=(
            Block(
                "management",
                "项目管理",
                Decimal(10),
                items=(Item("rules", "制度执行有效性", Decimal(10), Rule(RuleKind.MANUAL)),),
            ),
            Block("output", "产出", Decimal(90), slots=(Slot("output", "产出", Decimal(90), ("产出指标",)),)),
        ),
    )


def test_manual_item_without_a_score_is_p0() -> None:
    ev = replace(clean_project(), indicators=(clean_project().indicators[0],), stated=replace(clean_project().stated))
    finding = only(check(ev, _manual_framework()), Code.MANUAL_SCORE_MISSING)
    assert finding.severity is Severity.P0
    assert finding.path == "judgements.rules"


def test_manual_item_without_a_reason_is_p1() -> None:
    ev = replace(clean_project(), judgements=(("rules", Judgement(D(8))),))
    finding = only(check(ev, _manual_framework()), Code.MANUAL_SCORE_UNJUSTIFIED)
    assert "8 分" in finding.message
