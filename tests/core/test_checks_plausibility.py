"""Plausibility checks (P1): figures that add up but do not make sense together."""

from __future__ import annotations

from dataclasses import replace

from jixiao.core.checks import Code
from jixiao.core.findings import Severity
from tests.factories import D, budget, clean_project, codes, line, only, run, with_indicator, with_stated

# --- spending above budget ---------------------------------------------------------------


def test_overspending_with_zero_balance_and_no_source_is_p1_with_the_gap() -> None:
    # The seed: 1496.62 spent of 1464.48, 结转结余 0, only 一般公共预算财政拨款 as source.
    ev = replace(
        clean_project(),
        budget=budget("1464.48", "1496.62", carryover=D(0), by_source=(line("一般公共预算财政拨款", "1464.48"),)),
    )
    ev = with_stated(ev, execution_rate="102.2")
    finding = only(run(ev), Code.BUDGET_OVERSPENT_UNEXPLAINED)
    assert finding.severity is Severity.P1
    assert finding.path == "budget.executed"
    assert "超支 32.14 万元（2.19%）" in finding.message
    assert "结转结余为 0 万元" in finding.message
    assert "未说明超支部分的资金来源" in finding.message


def test_overspending_without_a_stated_balance_says_it_is_missing() -> None:
    ev = replace(clean_project(), budget=budget("100", "110"))
    assert "未填报年末结转结余" in only(run(ev), Code.BUDGET_OVERSPENT_UNEXPLAINED).message


def test_overspending_with_an_explanation_is_only_advice() -> None:
    ev = replace(clean_project(), budget=budget("100", "110", overspend_explanation="动用上年结转资金 10 万元"))
    found = run(ev)
    assert Code.BUDGET_OVERSPENT_UNEXPLAINED not in codes(found)
    finding = only(found, Code.BUDGET_OVERSPENT)
    assert finding.severity is Severity.P2
    assert "动用上年结转资金 10 万元" in finding.message


def test_overspending_funded_by_a_carryover_line_is_only_advice() -> None:
    sources = (line("本年财政拨款", 100, 100), line("上年结转资金", None, 10))
    ev = replace(clean_project(), budget=budget("100", "110", by_source=sources))
    assert "上年结转资金" in only(run(ev), Code.BUDGET_OVERSPENT).message


def test_spending_within_budget_is_quiet() -> None:
    found = codes(run(replace(clean_project(), budget=budget("100", "100"))))
    assert Code.BUDGET_OVERSPENT not in found
    assert Code.BUDGET_OVERSPENT_UNEXPLAINED not in found


def test_split_line_spent_above_its_budget_is_p1_with_amount_and_share() -> None:
    # The seed: 基本支出 179.93 spent of 147.79 → 32.14 over, 21.75%.
    split = (line("基本支出", "147.79", "179.93"), line("项目支出", "1316.69", "1316.69"))
    ev = replace(clean_project(), budget=budget("1464.48", "1496.62", by_nature=split))
    finding = only(run(ev), Code.BUDGET_LINE_OVERSPENT)
    assert finding.path == "budget.by_nature[0].executed"
    assert "基本支出全年执行数 179.93 万元" in finding.message
    assert "147.79 万元" in finding.message
    assert "超出 32.14 万元（21.75%）" in finding.message


# --- execution against scores ------------------------------------------------------------


def test_low_execution_with_a_top_grade_score_is_p1() -> None:
    ev = with_stated(replace(clean_project(), budget=budget("100", "45")), execution_rate="45", execution_score="4.5")
    ev = with_stated(ev, total="92")
    finding = only(run(ev), Code.LOW_EXECUTION_HIGH_SCORE)
    assert "45.00%" in finding.message
    assert "80%" in finding.message
    assert "92 分" in finding.message


def test_low_execution_with_a_modest_score_is_quiet() -> None:
    ev = with_stated(replace(clean_project(), budget=budget("100", "45")), total="85", grade="良")
    assert Code.LOW_EXECUTION_HIGH_SCORE not in codes(run(ev))


def test_outputs_met_on_half_the_money_are_flagged() -> None:
    # R33: 154.74 spent of 310.2 (49.88%) while every indicator is at full marks.
    ev = clean_project()
    ev = with_indicator(ev, 0, actual="100人次", stated_score="20")
    ev = replace(ev, budget=budget("310.2", "154.74"), stated=replace(ev.stated, execution_rate=None))
    finding = only(run(ev), Code.OUTPUT_AHEAD_OF_SPENDING)
    assert finding.severity is Severity.P1
    assert "100.00%（90 / 90 分）" in finding.message
    assert "49.90%（4.99 / 10 分）" in finding.message
    assert "= 50.10%" in finding.message


def test_outputs_slightly_ahead_of_spending_within_five_percent_are_quiet() -> None:
    ev = with_indicator(clean_project(), 0, actual="100人次", stated_score="20")
    ev = replace(ev, budget=budget("100", "95.5"), stated=replace(ev.stated, execution_rate=None))
    assert Code.OUTPUT_AHEAD_OF_SPENDING not in codes(run(ev))


def test_outputs_six_percent_ahead_of_spending_are_flagged() -> None:
    ev = with_indicator(clean_project(), 0, actual="100人次", stated_score="20")
    ev = replace(ev, budget=budget("100", "94"), stated=replace(ev.stated, execution_rate=None))
    assert "= 6.00%" in only(run(ev), Code.OUTPUT_AHEAD_OF_SPENDING).message


# --- indicators -------------------------------------------------------------------------


def test_every_indicator_at_full_marks_is_p1() -> None:
    ev = with_indicator(clean_project(), 0, actual="100人次", stated_score="20", deviation_note="")
    finding = only(run(ev), Code.ALL_FULL_MARKS)
    assert finding.severity is Severity.P1
    assert "全部 6 项" in finding.message


def test_full_marks_although_a_positive_target_was_missed_is_p1() -> None:
    # R07: 特困人员救助供养人数 ≥4754人, actual 4604人, stated 5 of 5.
    ev = with_indicator(clean_project(), 0, target=">=4754人", actual="4604人", weight="20", stated_score="20")
    finding = only(run(ev), Code.FULL_MARKS_TARGET_UNMET)
    assert finding.path == "indicators[0].stated_score"
    assert "“4604人”未达到年度指标值“>=4754人”" in finding.message
    assert "满分 20 分" in finding.message
    assert "应得 19.37 分" in finding.message  # 20 × 4604 ÷ 4754


def test_full_marks_although_a_cap_was_exceeded_is_p1() -> None:
    # R07: 扶贫临时救助标准 ≤5300元/户, actual 5830元/户, stated 10 of 10.
    ev = with_indicator(clean_project(), 3, target="<=5300元/户", actual="5830元/户", stated_score="10")
    finding = only(run(ev), Code.FULL_MARKS_TARGET_UNMET)
    assert "“5830元/户”超过年度指标值“<=5300元/户”" in finding.message
    assert "应得 9 分" in finding.message  # 10 × (1 − 530 ÷ 5300)
    assert Code.INDICATOR_SCORE_MISMATCH not in codes(run(ev))


def test_full_marks_with_the_target_met_is_quiet() -> None:
    ev = with_indicator(clean_project(), 0, target=">=21933人", actual="21980人", stated_score="20")
    assert Code.FULL_MARKS_TARGET_UNMET not in codes(run(ev))


def test_points_deducted_although_the_target_was_met_without_a_reason_is_p1() -> None:
    # R01: 资金到位及时率 ≧100%, actual 100%, scored 7 of 10, no deviation note.
    ev = with_indicator(clean_project(), 2, target="≧100%", actual="100%", stated_score="7", l2="时效指标")
    finding = only(run(ev), Code.SCORE_DEDUCTED_TARGET_MET)
    assert finding.path == "indicators[2].stated_score"
    assert "只得 7 分（分值 10 分，扣 3 分）" in finding.message
    found = codes(run(ev))
    assert Code.INDICATOR_SCORE_MISMATCH not in found
    assert Code.DEVIATION_NOTE_MISSING not in found


def test_points_deducted_with_a_reason_are_a_score_question_not_a_silent_deduction() -> None:
    ev = with_indicator(
        clean_project(), 2, target="≧100%", actual="100%", stated_score="7", deviation_note="部分资金延迟拨付"
    )
    found = codes(run(ev))
    assert Code.SCORE_DEDUCTED_TARGET_MET not in found
    assert Code.INDICATOR_SCORE_MISMATCH in found


def test_actual_far_above_target_without_a_reason_is_p1() -> None:
    # R07: 农村特困人员救助供养基本生活标准 ≥570, actual 758 (132.98%).
    ev = with_indicator(
        clean_project(), 0, target=">=570元/人*月", actual="758元/人*月", stated_score="20", deviation_note=""
    )
    finding = only(run(ev), Code.OVER_TARGET_UNEXPLAINED)
    assert finding.path == "indicators[0].actual"
    assert "132.98%" in finding.message


def test_actual_moderately_above_target_or_explained_is_quiet() -> None:
    ev = with_indicator(
        clean_project(), 0, target=">=530元/人*月", actual="583元/人*月", stated_score="20", deviation_note=""
    )
    assert Code.OVER_TARGET_UNEXPLAINED not in codes(run(ev))
    ev = with_indicator(ev, 0, target=">=570元/人*月", actual="758元/人*月", deviation_note="省定标准上调")
    assert Code.OVER_TARGET_UNEXPLAINED not in codes(run(ev))
