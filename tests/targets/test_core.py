"""The targets core: the review rulebook, execution against 序时进度, the lights and the follow-up checks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.core.model import Evaluation, EvaluationKind, Indicator, UnitProfile
from jixiao.core.targets import (
    Declaration,
    DeclarationKind,
    Funds,
    IndicatorReport,
    LibraryEntry,
    Light,
    LightRules,
    Likelihood,
    MonitoringBudget,
    MonitoringReport,
    TargetIndicator,
    check_declaration,
    check_monitoring,
    lights_for,
)
from jixiao.core.targets.followup import Adjustment, RedMark, check_followup
from jixiao.core.targets.monitoring import DeviationReason, priority, time_progress
from jixiao.core.values import Direction, parse_measure

D = Decimal


def ti(l1: str, l2: str, name: str, target: str, unit: str = "", **more: object) -> TargetIndicator:
    return TargetIndicator(l1=l1, l2=l2, name=name, target=parse_measure(target), unit=unit, **more)  # type: ignore[arg-type]


GOOD = (
    ti("产出指标", "数量指标", "道路清扫保洁面积", "≥360万平方米", "万平方米"),
    ti("产出指标", "成本指标", "每万平方米年保洁成本", "≤2.4万元", "万元"),
    ti("效益指标", "生态效益指标", "生活垃圾无害化处理率", "100%", "%"),
    ti("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%", "%"),
)


def declaration(*indicators: TargetIndicator, **more: object) -> Declaration:
    fields: dict[str, object] = {
        "kind": DeclarationKind.PROJECT,
        "year": 2025,
        "unit": "示范区城市管理局",
        "project": "城区道路清扫保洁",
        "annual_goal": "全年清扫保洁道路 360 万平方米",
        "funds": Funds(request=D(860), fiscal=D(800), carryover=D(60)),
        "indicators": indicators or GOOD,
    }
    fields.update(more)
    return Declaration(**fields)  # type: ignore[arg-type]


def codes(findings: tuple[object, ...]) -> list[tuple[str, str]]:
    return [(f.code, f.severity.value) for f in findings]  # type: ignore[attr-defined]


def test_a_sound_declaration_has_no_findings() -> None:
    assert check_declaration(declaration()) == ()


def test_funds_parts_must_add_up_to_the_request() -> None:
    found = check_declaration(declaration(funds=Funds(request=D(300), fiscal=D(250), carryover=D(20))))
    assert codes(found) == [("TARGET_FUNDS_SUM_MISMATCH", "P0")]
    assert "资金来源之和 270 万元" in found[0].message and "300 万元" in found[0].message


def test_no_indicators_is_p0_and_stops_there() -> None:
    found = check_declaration(declaration(indicators=()))
    assert codes(found) == [("TARGET_NO_INDICATORS", "P0")]


def test_cost_indicator_required_for_projects_but_not_department() -> None:
    without_cost = tuple(i for i in GOOD if "成本" not in i.l2)
    assert codes(check_declaration(declaration(*without_cost))) == [("TARGET_COST_MISSING", "P1")]
    department = declaration(*without_cost, kind=DeclarationKind.DEPARTMENT)
    assert check_declaration(department) == ()


def test_satisfaction_cannot_stand_in_for_benefit() -> None:
    no_benefit = tuple(i for i in GOOD if "效益" not in i.l1)
    assert codes(check_declaration(declaration(*no_benefit))) == [("TARGET_SATISFACTION_AS_BENEFIT", "P1")]
    disguised = (*no_benefit, ti("效益指标", "社会效益指标", "群众满意度", "≥90%", "%"))
    found = check_declaration(declaration(*disguised))
    assert codes(found) == [("TARGET_SATISFACTION_AS_BENEFIT", "P1")]
    assert found[0].path == "indicators[3].l1"
    only_outputs = tuple(i for i in GOOD if "产出" in i.l1)
    assert codes(check_declaration(declaration(*only_outputs))) == [("TARGET_BENEFIT_MISSING", "P1")]


@pytest.mark.parametrize("target", ["有效", "明显提升", "较好"])
def test_vague_value_of_a_quantitative_indicator_is_p0(target: str) -> None:
    vague = ti("产出指标", "数量指标", "宣传覆盖面", target)
    found = check_declaration(declaration(*GOOD, vague))
    assert codes(found) == [("TARGET_NOT_MEASURABLE", "P0")]
    assert found[0].path == "indicators[4].target"


def test_text_is_fine_for_a_qualitative_benefit() -> None:
    qualitative = ti("效益指标", "社会效益指标", "对辖区营商环境的影响", "明显改善")
    assert check_declaration(declaration(*GOOD, qualitative)) == ()


def test_a_date_is_a_measurable_time_target() -> None:
    timely = ti("产出指标", "时效指标", "完工时间", "2025年11月30日前")
    assert check_declaration(declaration(*GOOD, timely)) == ()


def test_target_unit_must_match_the_declared_unit() -> None:
    wrong = ti("产出指标", "时效指标", "资金发放及时率", "≥95人", "%")
    assert codes(check_declaration(declaration(*GOOD, wrong))) == [("TARGET_UNIT_MISMATCH", "P0")]
    scaled = ti("产出指标", "数量指标", "管网长度", "≥1.2万米", "米")
    assert check_declaration(declaration(*GOOD, scaled)) == ()


def test_below_last_year_needs_a_reason() -> None:
    lower = ti("产出指标", "数量指标", "资助学生人数", "≥1000人次", "人次", last_year=parse_measure("1260人次"))
    found = check_declaration(declaration(*GOOD, lower))
    assert codes(found) == [("TARGET_BELOW_LAST_YEAR", "P1")]
    assert "1260人次" in found[0].message
    reasoned = ti(
        "产出指标", "数量指标", "资助学生人数", "≥1000人次", "人次",
        last_year=parse_measure("1260人次"), below_last_year_reason="在校生减少 20%",
    )  # fmt: skip
    assert check_declaration(declaration(*GOOD, reasoned)) == ()
    # a ≤ target above last year's actual is the same slackening
    cost = ti("产出指标", "成本指标", "单位保洁成本", "≤2.6万元", "万元", last_year=parse_measure("2.4万元"))
    assert codes(check_declaration(declaration(*GOOD, cost))) == [("TARGET_BELOW_LAST_YEAR", "P1")]


def test_cost_total_above_the_request() -> None:
    cost = ti("产出指标", "成本指标", "项目总成本控制数", "≤9000000元", "元")
    found = check_declaration(declaration(*GOOD, cost))
    assert codes(found) == [("TARGET_COST_ABOVE_FUNDS", "P1")]
    assert "900 万元" in found[0].message and "860 万元" in found[0].message
    per_head = ti("产出指标", "成本指标", "人均补助标准", "≥2000元", "元")
    assert check_declaration(declaration(*GOOD, per_head)) == ()


def test_locked_library_indicators_and_floors() -> None:
    library = (
        LibraryEntry(
            "CTY-006",
            "效益指标",
            "生态效益指标",
            "生活垃圾无害化处理率",
            sector="城市管理",
            unit="%",
            locked=True,
            floor=D(100),
        ),
        LibraryEntry("CTY-009", "产出指标", "质量指标", "道路保洁考核达标率", sector="城市管理", unit="%", locked=True),
        LibraryEntry("EDU-002", "产出指标", "质量指标", "资助对象认定准确率", sector="教育", locked=True),
    )
    found = check_declaration(declaration(sector="城市管理"), library)
    assert codes(found) == [("TARGET_LOCKED_MISSING", "P0")]
    assert "道路保洁考核达标率" in found[0].message
    lowered = (*GOOD[:2], ti("效益指标", "生态效益指标", "生活垃圾无害化处理率", "≥98%", "%"), GOOD[3])
    found = check_declaration(declaration(*lowered, sector="城市管理"), library[:1])
    assert codes(found) == [("TARGET_BELOW_FLOOR", "P0")]
    assert found[0].path == "indicators[2].target"
    # another sector's locked entries do not apply
    assert check_declaration(declaration(sector="卫生健康"), library) == ()


def test_findings_carry_their_source() -> None:
    found = check_declaration(
        declaration(funds=Funds(request=D(1), fiscal=D(2)), sources=(("funds.request", "申报表!D6"),))
    )
    assert found[0].source == "申报表!D6"


# --- monitoring ---------------------------------------------------------------------------------


def report(
    spent: str, month: int = 7, *items: IndicatorReport, added: str = "40", reduced: str = "0"
) -> MonitoringReport:
    budget = MonitoringBudget(initial=D(860), added=D(added), reduced=D(reduced), spent=D(spent))
    return MonitoringReport(year=2025, month=month, unit="示范区城市管理局", budget=budget, indicators=items)


def item(
    expected: str, likelihood: Likelihood = Likelihood.CERTAIN, target: str = "≥95%", **more: object
) -> IndicatorReport:
    return IndicatorReport(
        name="道路保洁考核达标率", l2="质量指标", target=parse_measure(target), expected=parse_measure(expected),
        likelihood=likelihood, **more,  # type: ignore[arg-type]
    )  # fmt: skip


def test_execution_rate_uses_initial_plus_added_minus_reduced() -> None:
    budget = MonitoringBudget(initial=D(860), added=D(40), reduced=D(100), spent=D(420))
    assert budget.available == D(800)
    assert budget.execution_rate == D("52.50")
    assert time_progress(7) == D("58.33")
    assert time_progress(12) == D("100.00")
    assert MonitoringBudget(initial=D(0), spent=D(0)).execution_rate is None


def test_city_rule_green_yellow_red() -> None:
    on_pace = lights_for(report("540", 7, item("96%")))  # 60.00% against 58.33%
    assert (on_pace.budget, on_pace.target, on_pace.overall) == (Light.GREEN, Light.GREEN, Light.GREEN)
    unachievable = lights_for(report("540", 7, item("90%", Likelihood.POSSIBLE)))
    assert (unachievable.target, unachievable.overall) == (Light.RED, Light.YELLOW)
    behind = lights_for(report("500", 7, item("96%")))  # 55.56%
    assert (behind.budget, behind.overall) == (Light.RED, Light.RED)
    assert behind.lag == D("2.77")


def test_thresholds_are_data() -> None:
    rules = LightRules(red_lag=D(10), yellow_lag=D(5), blue_ahead=D(30))
    assert lights_for(report("500", 7), rules).budget is Light.GREEN  # 2.77 behind
    assert lights_for(report("450", 7), rules).budget is Light.YELLOW  # 50.00%, 8.33 behind
    assert lights_for(report("400", 7), rules).budget is Light.RED  # 44.44%
    assert lights_for(report("800", 7), rules).budget is Light.BLUE  # 88.89%, 30.56 ahead
    strict = LightRules(possible_counts_as_achievable=False)
    assert lights_for(report("540", 7, item("96%", Likelihood.POSSIBLE)), strict).overall is Light.YELLOW
    assert lights_for(report("540", 7, item("96%", Likelihood.POSSIBLE))).overall is Light.GREEN


def test_priority_is_lag_times_amount() -> None:
    behind = lights_for(report("450", 7))
    assert priority(behind, D(900)) == D("8.33") * D(900)
    assert priority(lights_for(report("540", 7)), D(900)) == D(0)


def test_monitoring_rulebook() -> None:
    found = check_monitoring(report("950", 7))
    assert codes(found) == [("MONITOR_SPENT_ABOVE_AVAILABLE", "P0")]
    assert "950 万元超过可用预算 900 万元" in found[0].message
    assert codes(check_monitoring(MonitoringReport(2025, 7, "u"))) == [("MONITOR_BUDGET_MISSING", "P0")]
    silent = report("540", 7, item("90%", Likelihood.CERTAIN))
    assert codes(check_monitoring(silent)) == [
        ("MONITOR_LIKELIHOOD_INCONSISTENT", "P1"),
        ("MONITOR_REASON_MISSING", "P1"),
        ("MONITOR_MEASURES_MISSING", "P1"),
    ]
    explained = report(
        "540", 7,
        item("90%", Likelihood.IMPOSSIBLE, reasons=(DeviationReason.PLAN,), measures="更换作业单位，加密考核"),
    )  # fmt: skip
    assert check_monitoring(explained) == ()
    uncomparable = report("540", 7, item("95人"))
    assert codes(check_monitoring(uncomparable)) == [("MONITOR_VALUE_UNCOMPARABLE", "P0")]


def test_monitoring_against_the_approved_declaration() -> None:
    approved = declaration()
    partial = MonitoringReport(
        2025, 7, "u", budget=MonitoringBudget(D(860), spent=D(540)),
        indicators=(IndicatorReport("道路清扫保洁面积", to_date=parse_measure("200万平方米"),
                                    expected=parse_measure("150万平方米"), likelihood=Likelihood.POSSIBLE,
                                    reasons=(DeviationReason.FUNDS,), measures="申请追加"),
                    IndicatorReport("新指标", expected=parse_measure("3个"))),
    )  # fmt: skip
    found = codes(check_monitoring(partial, approved))
    assert ("MONITOR_INDICATOR_UNKNOWN", "P1") in found
    assert found.count(("MONITOR_INDICATOR_NOT_REPORTED", "P1")) == 3
    assert ("MONITOR_EXPECTED_BELOW_TO_DATE", "P1") in found  # 150 < 200 for a 数量 indicator


# --- the self-evaluation against the approved targets -----------------------------------------


def evaluation(*indicators: Indicator) -> Evaluation:
    return Evaluation(EvaluationKind.PROJECT, 2025, UnitProfile("示范区城市管理局"), indicators=indicators)


def ev(name: str, target: str, weight: str = "10", stated: str | None = None) -> Indicator:
    return Indicator(
        l1="产出指标", l2="数量指标", name=name, target=parse_measure(target), actual=parse_measure(target),
        weight=D(weight), stated_score=D(stated) if stated else None, direction=Direction.GE,
    )  # fmt: skip


def test_evaluation_target_must_be_the_approved_one() -> None:
    approved = declaration()
    same = evaluation(*(ev(i.name, i.target.text) for i in GOOD))
    assert check_followup(same, approved) == ()
    spaced = evaluation(ev("道路清扫保洁面积", "≥ 360 万平方米"), *(ev(i.name, i.target.text) for i in GOOD[1:]))
    assert check_followup(spaced, approved) == ()
    lowered = evaluation(ev("道路清扫保洁面积", "≥300万平方米"), *(ev(i.name, i.target.text) for i in GOOD[1:]))
    found = check_followup(lowered, approved)
    assert codes(found) == [("EVAL_TARGET_CHANGED", "P0")]
    assert "≥300万平方米" in found[0].message and "≥360万平方米" in found[0].message
    pending = Adjustment("道路清扫保洁面积", "≥360万平方米", "≥300万平方米", "两条道路移交", approved=False)
    assert codes(check_followup(lowered, approved, [pending])) == [("EVAL_TARGET_CHANGED", "P0")]
    agreed = Adjustment("道路清扫保洁面积", "≥360万平方米", "≥300万平方米", "两条道路移交", approved=True)
    assert check_followup(lowered, approved, [agreed]) == ()
    dropped = evaluation(*(ev(i.name, i.target.text) for i in GOOD[1:]))
    assert codes(check_followup(dropped, approved)) == [("EVAL_TARGET_DROPPED", "P1")]


def test_red_in_monitoring_with_full_marks_is_p1() -> None:
    full = evaluation(ev("道路保洁考核达标率", "≥95%", "10", "10"))
    found = check_followup(full, None, reds=[RedMark("道路保洁考核达标率", "2025年1—7月")])
    assert codes(found) == [("EVAL_RED_FULL_MARKS", "P1")]
    assert "2025年1—7月" in found[0].message
    docked = evaluation(ev("道路保洁考核达标率", "≥95%", "10", "8"))
    assert check_followup(docked, None, reds=[RedMark("道路保洁考核达标率", "2025年1—7月")]) == ()
