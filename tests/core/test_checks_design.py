"""Indicator design checks, and the rule problems scoring meets, turned into findings."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.core.checks import Code
from jixiao.core.checks.design import _MAYBE_MULTI_YEAR, _MULTI_YEAR
from jixiao.core.findings import Severity
from jixiao.core.model import Tier
from jixiao.core.values import Direction
from tests.factories import DEPARTMENT_FRAMEWORK, clean_project, codes, only, run, with_indicator

# --- classes ----------------------------------------------------------------------------


def test_level1_no_slot_takes_is_p0_and_lists_the_slots() -> None:
    finding = only(run(with_indicator(clean_project(), 1, l1="管理指标")), Code.INDICATOR_L1_UNMATCHED)
    assert finding.severity is Severity.P0
    assert finding.path == "indicators[1].l1"
    assert "“管理指标”" in finding.message
    assert "产出指标、效益指标、满意度指标" in finding.message


def test_level2_from_another_level1_is_p1() -> None:
    finding = only(run(with_indicator(clean_project(), 1, l2="社会效益指标")), Code.INDICATOR_L2_MISMATCH)
    assert finding.path == "indicators[1].l2"
    assert "“社会效益指标”不属于“产出指标”" in finding.message
    assert "数量指标、质量指标、时效指标、成本指标" in finding.message


@pytest.mark.parametrize(("index", "l2"), [(1, "质量"), (1, "质量指标（10分）"), (5, "服务对象满意度"), (5, "满意度")])
def test_level2_written_short_or_long_is_accepted(index: int, l2: str) -> None:
    assert Code.INDICATOR_L2_MISMATCH not in codes(run(with_indicator(clean_project(), index, l2=l2)))


def test_missing_level2_is_advice() -> None:
    finding = only(run(with_indicator(clean_project(), 1, l2="")), Code.INDICATOR_L2_MISSING)
    assert finding.severity is Severity.P2


def test_same_indicator_under_outputs_and_effects_is_p1() -> None:
    ev = with_indicator(clean_project(), 4, name="★验收合格率")
    finding = only(run(ev), Code.INDICATOR_DUPLICATED)
    assert finding.path == "indicators[4].name"
    assert "“验收合格率”同时列在“产出指标”（indicators[1]）和“效益指标”下" in finding.message


def test_same_name_twice_in_one_level1_is_not_a_cross_duplicate() -> None:
    ev = with_indicator(clean_project(), 1, name="培训人次")
    assert Code.INDICATOR_DUPLICATED not in codes(run(ev))


def test_required_level2_missing_is_advice() -> None:
    ev = with_indicator(clean_project(), 3, l2="数量指标", target="≥500人次", actual="510人次")
    finding = only(run(ev), Code.REQUIRED_L2_MISSING)
    assert finding.severity is Severity.P2
    assert "“成本指标”" in finding.message


# --- targets ----------------------------------------------------------------------------


def test_cost_indicator_written_as_at_least_is_p1_design_advice() -> None:
    # No printed number is wrong: the unit explains or rewrites the target, it is not blocked.
    ev = with_indicator(clean_project(), 3, target="≥500元/人次", actual="480元/人次")
    finding = only(run(ev), Code.COST_INDICATOR_POSITIVE)
    assert finding.severity is Severity.P1
    assert finding.path == "indicators[3].target"
    assert "“≥500元/人次”" in finding.message


@pytest.mark.parametrize("target", ["≤500元/人次", "=100%", "75元"])
def test_cost_indicator_as_a_cap_an_equality_or_a_plain_figure_is_quiet(target: str) -> None:
    ev = with_indicator(clean_project(), 3, target=target, actual=target.lstrip("≤="))
    assert Code.COST_INDICATOR_POSITIVE not in codes(run(ev))


def test_cost_indicator_forced_positive_by_its_direction_is_p0() -> None:
    ev = with_indicator(clean_project(), 3, direction=Direction.GE, target="500元/人次")
    assert Code.COST_INDICATOR_POSITIVE in codes(run(ev))


@pytest.mark.parametrize("target", ["显著", "有效", "明显提高", "进一步改善"])
def test_vague_target_without_a_figure_is_p1(target: str) -> None:
    # R15 "提高就业率: 显著"; R01 "减轻贫困学生家庭经济负担: 有效".
    ev = with_indicator(clean_project(), 4, target=target, actual=target, tier=Tier.ACHIEVED, stated_score="30")
    finding = only(run(ev), Code.TARGET_VAGUE)
    assert finding.path == "indicators[4].target"
    assert f"“{target}”" in finding.message


@pytest.mark.parametrize("target", ["提高10%", "≥95%", "建立完整台账"])
def test_target_with_a_figure_or_a_concrete_deliverable_is_not_vague(target: str) -> None:
    ev = with_indicator(clean_project(), 4, target=target)
    assert Code.TARGET_VAGUE not in codes(run(ev))


@pytest.mark.parametrize(
    ("target", "said"),
    [
        ("累计培训3000人次", "累计"),
        ("三年内完成", "三年"),
        ("2021-2023年完成3000亩", "2021-2023"),
        ("十四五期间完成", "十四五"),
    ],
)
def test_multi_year_target_is_p1(target: str, said: str) -> None:
    finding = only(run(with_indicator(clean_project(), 0, target=target)), Code.TARGET_MULTI_YEAR)
    assert f"“{said}”" in finding.message
    assert "2022 年度" in finding.message


@given(st.text(alphabet="累计两二三四五年级制十19202~～—–-至到 0123456789≥%万元", max_size=16))
def test_multi_year_prefilter_never_hides_a_match(text: str) -> None:
    # The cheap one-class search must find something in every text the full pattern matches.
    if _MULTI_YEAR.search(text) is not None:
        assert _MAYBE_MULTI_YEAR.search(text) is not None


@pytest.mark.parametrize("target", ["2022年12月", "≥3个年级", "2022年1月-2022年12月"])
def test_single_year_targets_are_not_multi_year(target: str) -> None:
    assert Code.TARGET_MULTI_YEAR not in codes(run(with_indicator(clean_project(), 2, target=target)))


def test_percent_unit_on_amounts_is_advice() -> None:
    # R04: 新型经营主体实现产值(%) target 8000, actual 12767.36.
    ev = with_indicator(clean_project(), 4, name="新型经营主体实现产值(%)", target="8000", actual="12767.36")
    finding = only(run(ev), Code.INDICATOR_UNIT_SUSPECT)
    assert finding.severity is Severity.P2
    assert "“8000”" in finding.message


# --- rule problems met while scoring ----------------------------------------------------------


def test_missing_weight_without_a_stated_score_is_p0() -> None:
    ev = with_indicator(clean_project(), 1, weight=None, stated_score=None)
    finding = only(run(ev), Code.INDICATOR_WEIGHT_MISSING)
    assert finding.severity is Severity.P0
    assert finding.path == "indicators[1].weight"


def test_missing_weight_with_a_stated_score_to_fall_back_on_is_p1() -> None:
    ev = with_indicator(clean_project(), 1, weight=None, stated_score="10")
    finding = only(run(ev), Code.INDICATOR_WEIGHT_MISSING)
    assert finding.severity is Severity.P1
    assert "沿用填报得分 10 分" in finding.message


def test_several_missing_weights_are_one_finding_naming_them() -> None:
    ev = with_indicator(
        with_indicator(clean_project(), 1, weight=None, stated_score=None), 2, weight=None, stated_score=None
    )
    finding = only(run(ev), Code.INDICATOR_WEIGHT_MISSING)
    assert finding.severity is Severity.P0  # partial weights, unscored rows, the block short of its total
    assert finding.path == "indicators[1].weight"
    names = (ev.indicators[1].name, ev.indicators[2].name)
    assert all(f"“{name}”" in finding.message for name in names)
    assert "请补填分值" in finding.message


def test_missing_weights_beyond_a_block_already_full_are_p1() -> None:
    # The weighted rows already make the block's total: the unweighted row is extra, not a hole.
    ev = clean_project()
    extra = replace(ev.indicators[0], name="其他产出", weight=None, stated_score=None)
    ev = replace(ev, indicators=(*ev.indicators, extra))
    finding = only(run(ev), Code.INDICATOR_WEIGHT_MISSING)
    assert finding.severity is Severity.P1
    assert "“其他产出”" in finding.message


def test_a_table_without_any_weight_is_one_p1() -> None:
    ev = clean_project()
    ev = replace(ev, indicators=tuple(replace(i, weight=None) for i in ev.indicators))
    finding = only(run(ev), Code.INDICATOR_WEIGHT_MISSING)
    assert finding.severity is Severity.P1
    assert "没有逐项填写分值" in finding.message


def test_missing_target_and_actual_are_reported() -> None:
    ev = with_indicator(clean_project(), 1, target=None)
    assert only(run(ev), Code.INDICATOR_TARGET_MISSING).path == "indicators[1].target"
    ev = with_indicator(clean_project(), 1, actual=None, stated_score=None)
    finding = only(run(ev), Code.INDICATOR_ACTUAL_MISSING)
    assert "按 0 分计" in finding.message


def test_target_and_actual_in_different_units_are_reported() -> None:
    ev = with_indicator(clean_project(), 0, target="≥100人次", actual="3期")
    finding = only(run(ev), Code.INDICATOR_UNCOMPARABLE)
    assert finding.path == "indicators[0].actual"
    assert "“≥100人次”" in finding.message
    assert "“3期”" in finding.message


def test_qualitative_score_outside_its_tier_is_p0() -> None:
    ev = with_indicator(
        clean_project(), 4, direction=Direction.QUALITATIVE, target="有效", actual="部分有效",
        tier=Tier.PARTIAL, judged_score="27", stated_score="27",
    )  # fmt: skip
    finding = only(run(ev), Code.QUALITATIVE_SCORE_OUT_OF_TIER)
    assert finding.severity is Severity.P0
    assert finding.path == "indicators[4].judged_score"
    assert "18–24 分" in finding.message


def test_qualitative_indicator_without_a_tier_is_p1() -> None:
    ev = with_indicator(
        clean_project(),
        4,
        direction=Direction.QUALITATIVE,
        target="促进就业",
        actual="部分学员已就业",
        stated_score=None,
    )
    assert only(run(ev), Code.QUALITATIVE_TIER_MISSING).path == "indicators[4].tier"


def test_manual_indicator_without_a_score_is_p0_and_without_a_reason_p1() -> None:
    ev = with_indicator(clean_project(), 4, rule="manual", stated_score=None)
    assert only(run(ev), Code.MANUAL_SCORE_MISSING).severity is Severity.P0
    ev = with_indicator(clean_project(), 4, rule="manual", judged_score="28")
    finding = only(run(ev), Code.MANUAL_SCORE_UNJUSTIFIED)
    assert finding.path == "indicators[4].justification"
    assert "28 分" in finding.message


def test_framework_for_another_kind_of_evaluation_is_p1() -> None:
    finding = only(run(clean_project(), DEPARTMENT_FRAMEWORK), Code.FRAMEWORK_KIND_MISMATCH)
    assert "项目支出" in finding.message
    assert "部门整体支出" in finding.message
