"""Real published self-evaluation tables (shared/cases/sample_cases.json), built as evaluations.

Each case keeps the printed figures (targets and actuals as written, "≧735人次", "═100%") and
checks that the checker finds what a reviewer found in it, with the figures in the message.
"""

from __future__ import annotations

from decimal import Decimal

from jixiao.core.checks import Code
from jixiao.core.findings import Finding, Severity
from jixiao.core.model import AmountUnit, Budget, Evaluation, EvaluationKind, Indicator, Stated, UnitProfile
from tests.factories import DEPARTMENT_FRAMEWORK, PROJECT_FRAMEWORK, D, codes, indicator, line, run

OUT, EFF, SAT = "产出指标", "效益指标", "满意度指标"
SAT_L2 = "服务对象满意度指标"


def case(
    unit: str,
    year: int,
    budget: Budget,
    stated: Stated,
    indicators: tuple[Indicator, ...],
    kind: EvaluationKind = EvaluationKind.PROJECT,
) -> Evaluation:
    framework = PROJECT_FRAMEWORK if kind is EvaluationKind.PROJECT else DEPARTMENT_FRAMEWORK
    return Evaluation(
        kind=kind, year=year, unit=UnitProfile(name=unit), framework=framework, budget=budget,
        stated=stated, indicators=indicators,
    )  # fmt: skip


def messages(findings: tuple[Finding, ...], code: str) -> list[str]:
    return [f.message for f in findings if f.code == code]


def paths(findings: tuple[Finding, ...], code: str) -> list[str]:
    return [f.path for f in findings if f.code == code]


# --- R01 永德县明朗中学 义务教育营养改善计划 (2022, 元) ---------------------------------------


def r01() -> Evaluation:
    return case(
        "永德县明朗中学",
        2022,
        Budget(unit=AmountUnit.YUAN, adjusted=D("387664.62"), executed=D("387664.62")),
        Stated(execution_rate=D(100), execution_weight=D(10), execution_score=D(10), total=D(96), grade="优"),
        (
            indicator("学生受资助人数", "≧735人次", "735", stated="10"),
            indicator("营养改善计划覆盖率", "≧100%", "100%", l2="质量指标", stated="10"),
            indicator("资金到位及时率", "≧100%", "100%", l2="时效指标", stated="7"),
            indicator("生均补助标准达标率", "═100%", "100%", l2="成本指标", stated="10"),
            indicator("减轻贫困学生家庭经济负担", "有效", "有效", l1=EFF, l2="经济效益指标", stated="10"),
            indicator("政策知晓率", "═100%", "98%", l1=EFF, l2="社会效益指标", stated="9"),
            indicator("促进学校教育事业健康发展", "≧100%", "100%", l1=EFF, l2="可持续影响指标", stated="10"),
            indicator("学生满意度", "≧95%", "100%", l1=SAT, l2=SAT_L2, stated="10"),
            indicator("家长满意度", "≧95%", "100%", l1=SAT, l2=SAT_L2, stated="10"),
        ),
    )


def test_r01_met_target_scored_7_of_10_without_a_reason() -> None:
    findings = run(r01())
    [message] = messages(findings, Code.SCORE_DEDUCTED_TARGET_MET)
    assert "资金到位及时率" in message
    assert "只得 7 分（分值 10 分，扣 3 分）" in message


def test_r01_unmet_equality_target_scored_below_its_proportion() -> None:
    findings = run(r01())
    [message] = messages(findings, Code.INDICATOR_SCORE_MISMATCH)
    assert "政策知晓率" in message
    assert "填报得分 9 分，按评分规则应得 9.8 分" in message
    assert paths(findings, Code.DEVIATION_NOTE_MISSING) == ["indicators[5].deviation_note"]


def test_r01_sums_and_grade_agree_and_satisfaction_evidence_is_asked_for_once() -> None:
    findings = run(r01())
    found = codes(findings)
    assert Code.SCORE_SUM_MISMATCH not in found  # 10 + 86 = 96
    assert Code.GRADE_MISMATCH not in found
    assert Code.EXECUTION_RATE_WRONG not in found
    # The table says nothing about how satisfaction was measured: unknown, not "no survey".
    assert Code.SATISFACTION_WITHOUT_SURVEY not in found
    [unknown] = [f for f in findings if f.code == Code.SATISFACTION_EVIDENCE_UNKNOWN]
    assert (unknown.severity, unknown.path) == (Severity.P1, "indicators[7].actual")
    assert "“学生满意度”填报实际完成值“100%”" in unknown.message and "“家长满意度”" in unknown.message
    assert paths(findings, Code.TARGET_VAGUE) == ["indicators[4].target"]


# --- R04 施甸县农业农村局 新型农业经营主体扶持 -----------------------------------------------


def r04() -> Evaluation:
    return case(
        "施甸县农业农村局",
        2021,
        Budget(adjusted=D(650), executed=D(94)),
        Stated(execution_rate=D("0.1"), execution_weight=D(20), execution_score=D("2.9"), total=D("71.7")),
        (
            indicator("扶持发展新型农业经营主体(个)", "15", "6", None, stated="8.0", note="受市场影响"),
            indicator("带动贫困户(人)", "11442", "4164", None, stated="7.3", note="受市场影响"),
            indicator("新型经营主体实现产值(%)", "8000", "12767.36", None, l1=EFF, l2="经济效益指标", stated="31.9"),
            indicator("新型经营主体助农增收(元)", "1980", "2074", None, l1=EFF, l2="经济效益指标", stated="10.5"),
            indicator("满意度(%)", "90", "100", None, l1=SAT, l2=SAT_L2, stated="11.1"),
        ),
    )


def test_r04_rate_printed_as_a_fraction_is_p0_and_the_score_of_2_9_is_right() -> None:
    findings = run(r04())
    [message] = messages(findings, Code.EXECUTION_RATE_WRONG)
    assert "0.1%" in message
    assert "14.46%" in message
    assert "94 万元 ÷ 全年预算数 650 万元" in message
    found = codes(findings)
    assert Code.EXECUTION_SCORE_WRONG not in found  # 20 × 14.46% = 2.89 → 2.9
    assert Code.EXECUTION_WEIGHT_DIFFERS in found


def test_r04_scores_add_up_but_weights_grade_and_units_are_missing_or_odd() -> None:
    findings = run(r04())
    found = codes(findings)
    assert Code.SCORE_SUM_MISMATCH not in found  # 2.9 + 8.0 + 7.3 + 31.9 + 10.5 + 11.1 = 71.7
    [weights] = [f for f in findings if f.code == Code.INDICATOR_WEIGHT_MISSING]  # one cause, one finding
    assert weights.severity is Severity.P1  # no weight printed anywhere; stated scores to fall back on
    assert "没有逐项填写分值" in weights.message and "沿用填报得分 31.9 分" in weights.message
    assert "“中”" in messages(findings, Code.GRADE_MISSING)[0]
    assert paths(findings, Code.INDICATOR_UNIT_SUSPECT) == ["indicators[2].target"]


# --- R05 稷山县医疗保险服务中心 建档立卡个人缴费县级配套 ---------------------------------------


def r05() -> Evaluation:
    return case(
        "稷山县医疗保险服务中心",
        2020,
        Budget(adjusted=D("65.66"), executed=D("65.07")),
        Stated(execution_rate=D(99), execution_weight=D(10), execution_score=D(9), total=D(94), total_weight=D(100)),
        (
            indicator("全县参合人数", "8755", "8676", 15, stated="13", note="部分人员外出务工未参合"),
            indicator("资金是否全部纳入医保统筹", "100%", "100%", 15, l2="质量指标", stated="15"),
            indicator("资金是否全部及时纳入", "100%", "100%", 10, l2="时效指标", stated="10"),
            indicator("配套资金每人每年", "75元", "75元", 10, l2="成本指标", stated="10"),
            indicator("是否解决建档立卡人员看病难贵问题", "95%", "95%", 30, l1=EFF, l2="社会效益指标", stated="27"),
            indicator("是否满意", "95%", "95%", 10, l1=SAT, l2=SAT_L2, stated="9"),
        ),
    )


def test_r05_scores_add_up_to_93_not_the_stated_94() -> None:
    findings = run(r05())
    [message] = messages(findings, Code.SCORE_SUM_MISMATCH)
    assert "合计 93 分" in message
    assert "94 分" in message


def test_r05_met_targets_scored_down_and_a_shortfall_scored_below_its_proportion() -> None:
    findings = run(r05())
    assert paths(findings, Code.SCORE_DEDUCTED_TARGET_MET) == [
        "indicators[4].stated_score",
        "indicators[5].stated_score",
    ]
    [message] = messages(findings, Code.INDICATOR_SCORE_MISMATCH)
    assert "13 分" in message
    assert "14.86 分" in message


def test_r05_rate_99_is_right_and_its_score_9_is_floored() -> None:
    findings = run(r05())
    assert Code.EXECUTION_RATE_WRONG not in codes(findings)  # 65.07 ÷ 65.66 = 99.10%
    [message] = messages(findings, Code.EXECUTION_SCORE_TRUNCATED)
    assert "9.9101 分" in message


# --- R07 濉溪县民政局 临时救助 ----------------------------------------------------------------


def r07() -> Evaluation:
    return case(
        "濉溪县民政局",
        2019,
        Budget(adjusted=D(30), executed=D(30)),
        Stated(execution_rate=D(100), execution_weight=D(10), execution_score=D(10)),
        (
            indicator("★★★农村低保发放人数(按月平均)", ">=21933人", "21980人", 5, stated="5"),
            indicator("★★★农村低保对象中建档立卡贫困人口数量", ">=9431人", "9453人", 5, stated="5"),
            indicator("★★★建档立卡贫困人口中接受临时救助的人次数", ">=59人次", "87人次", 5, stated="5"),
            indicator("★★★特困人员救助供养人数(按月平均)", ">=4754人", "4604人", 5, stated="5", note="自然减员"),
            indicator("扶贫临时救助人数(按月平均)", ">=7人", "7人", 10, stated="10"),
            indicator("★农村低保标准", ">=530元/人*月", "583元/人*月", 5, l2="质量指标", stated="5"),
            indicator("农村特困人员救助供养基本生活标准", ">=570元/人*月", "758元/人*月", 5, l2="质量指标", stated="5"),
            indicator("扶贫临时救助标准(一户年最高5300元)", "<=5300元/户", "5830元/户", 10, l2="质量指标", stated="10"),
            indicator("★★★受益建档立卡贫困人口数", ">=80人", "87人", 30, l1=EFF, l2="社会效益指标", stated="30"),
        ),
    )


def test_r07_full_marks_despite_an_unmet_floor_and_a_breached_cap() -> None:
    findings = run(r07())
    unmet = messages(findings, Code.FULL_MARKS_TARGET_UNMET)
    assert len(unmet) == 2
    assert "“4604人”未达到年度指标值“>=4754人”" in unmet[0]
    assert "“5830元/户”超过年度指标值“<=5300元/户”" in unmet[1]
    assert Code.ALL_FULL_MARKS in codes(findings)


def test_r07_far_above_target_without_a_reason() -> None:
    findings = run(r07())
    assert paths(findings, Code.OVER_TARGET_UNEXPLAINED) == ["indicators[2].actual", "indicators[6].actual"]
    assert "147.46%" in messages(findings, Code.OVER_TARGET_UNEXPLAINED)[0]  # 87 ÷ 59


# --- R09 临翔区林业和草原局 野生动物收容所 ----------------------------------------------------


def r09() -> Evaluation:
    none = "无"
    return case(
        "临沧市临翔区林业和草原局",
        2023,
        Budget(adjusted=D("32.4"), executed=D("31.69")),
        Stated(execution_rate=D("97.80"), execution_weight=D(10), execution_score=D(9)),
        (
            indicator("野生动物收容所", "≥200平方米", "204.46平方米", 10, stated="10", note=none),
            indicator("钢结构圈养围栏", "≥120米", "121.5米", 10, stated="10", note=none),
            indicator("项目完工时限", "2023年12月", "2023年10月", 15, l2="时效指标", stated="15", note=none),
            indicator("项目竣工验收率", "100%", "100%", 15, l2="质量指标", stated="15", note=none),
            indicator("务工人员年人均增收", "≥8400元", "8400元", 10, l1=EFF, l2="经济效益指标", stated="10", note=none),
            indicator("提供务工岗位", "≥5个", "5个", 10, l1=EFF, l2="社会效益指标", stated="10", note=none),
            indicator("项目建成后可持续影响年限", "≥15年", "15年", 10, l1=EFF, l2="可持续影响指标", stated="10"),
        ),
    )


def test_r09_rate_97_80_is_cut_not_rounded() -> None:
    findings = run(r09())
    [message] = messages(findings, Code.EXECUTION_RATE_TRUNCATED)
    assert "97.80%" in message
    assert "97.81%" in message
    assert Code.EXECUTION_RATE_WRONG not in codes(findings)


def test_r09_score_9_for_97_81_percent_is_floored_and_all_indicators_are_full() -> None:
    findings = run(r09())
    assert Code.EXECUTION_SCORE_TRUNCATED in codes(findings)
    assert "全部 7 项" in messages(findings, Code.ALL_FULL_MARKS)[0]
    assert Code.FULL_MARKS_TARGET_UNMET not in codes(findings)  # 2023年10月 is before 2023年12月


# --- R15 零陵区林业局 部门整体支出 (2021) ---------------------------------------------------------


def r15() -> Evaluation:
    return case(
        "零陵区林业局",
        2021,
        Budget(
            initial=D("4753.66"),
            adjusted=D("4753.66"),
            executed=D("3824.26"),
            by_source=(line("一般公共预算", "1873.66"), line("其他资金", "2880")),
            by_nature=(line("基本支出", "1768.16"), line("项目支出", "2985.5")),
        ),
        Stated(execution_rate=D(100), execution_weight=D(10), execution_score=D(10)),
        (
            indicator("造林面积", "1.2万亩", "1.2万亩", 10, stated="10"),
            indicator("病虫害防治面积", "3.45万亩", "3.45万亩", 7, stated="7"),
            indicator("森林经营面积", "16.3万亩", "16.3万亩", 7, stated="7"),
            indicator("造林成活率", "85%", "85%", 7, l2="质量指标", stated="7"),
            indicator("当期完成", "90%", "100%", 7, l2="时效指标", stated="7"),
            indicator("造林补助", "每亩300", "每亩300", 6, l2="成本指标", stated="6"),
            indicator("育补助", "每亩100", "每亩100", 6, l2="成本指标", stated="6"),
            indicator("木材销售收入", "1100万元", "1093万元", 6, l1=EFF, l2="经济效益指标", stated="5"),
            indicator("林产品收入", "2.6亿元", "2.45亿元", 6, l1=EFF, l2="经济效益指标", stated="5"),
            indicator("提高就业率", "显著", "显著", 6, l1=EFF, l2="社会效益指标", stated="6"),
        ),
        kind=EvaluationKind.DEPARTMENT,
    )


def test_r15_stated_100_percent_against_80_45() -> None:
    findings = run(r15())
    [message] = messages(findings, Code.EXECUTION_RATE_WRONG)
    assert "100%" in message
    assert "80.45%" in message
    assert Code.EXECUTION_SCORE_WRONG not in codes(findings)  # 10 follows the stated 100%


def test_r15_splits_add_up_and_outputs_run_ahead_of_spending() -> None:
    findings = run(r15())
    found = codes(findings)
    assert Code.BUDGET_SOURCE_SUM_MISMATCH not in found
    assert Code.BUDGET_NATURE_SUM_MISMATCH not in found
    [message] = messages(findings, Code.OUTPUT_AHEAD_OF_SPENDING)
    assert "8.04 / 10 分" in message
    assert paths(findings, Code.TARGET_VAGUE) == ["indicators[9].target"]


# --- R33 学院路街道城市运行服务中心 道路清扫保洁外包 (2016) -------------------------------------


def r33(adjusted: Decimal | None) -> Evaluation:
    return case(
        "北京市海淀区学院路街道城市运行服务中心",
        2016,
        Budget(initial=D("310.2"), adjusted=adjusted, executed=D("154.74")),
        Stated(execution_rate=D(50), execution_weight=D(10), execution_score=D(5)),
        (indicator("是否完成绩效目标申报表中申报的数量", None, None, "12.5", stated="12.5"),),
    )


def test_r33_without_a_full_year_budget_the_rate_is_taken_on_the_initial_budget() -> None:
    findings = run(r33(None))
    assert Code.ITEM_METRIC_MISSING not in codes(findings)
    assert Code.EXECUTION_RATE_WRONG not in codes(findings)  # 154.74 ÷ 310.2 = 49.88% → "50%"
    assert Code.EXECUTION_SCORE_WRONG not in codes(findings)  # 10 × 50% = 5


def test_r33_outputs_fully_met_on_half_the_money_are_flagged() -> None:
    # The table's only budget column is 年初预算数(A) 310.2; read as the full-year budget:
    # 154.74 ÷ 310.2 = 49.88% → 4.99 points, against 12.5 / 12.5 for the indicator.
    findings = run(r33(D("310.2")))
    [message] = messages(findings, Code.OUTPUT_AHEAD_OF_SPENDING)
    assert "100.00%（12.5 / 12.5 分）" in message
    assert "49.90%（4.99 / 10 分）" in message
    assert Code.EXECUTION_RATE_WRONG not in codes(findings)  # 49.88% → "50%"
