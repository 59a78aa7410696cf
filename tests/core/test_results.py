"""Results application: the rule table refuses bad bands by name; suggestions carry their reasons."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from jixiao.core.results import (
    DEFAULT_RULES,
    CoverageProject,
    Level,
    Ranking,
    ResultLine,
    RuleTableError,
    apply_rules,
    coverage,
    required_shares,
    rule_table,
)

D = Decimal


def rules(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(dict(DEFAULT_RULES))
    data.update(changes)
    return data


def dept(key: str, score: str | None, budget: str = "100", **extra: Any) -> ResultLine:
    return ResultLine(key, f"单位{key}", "department", D(score) if score is not None else None, D(budget), **extra)


def test_default_table_is_valid_and_finds_bands_at_their_edges() -> None:
    table = rule_table(DEFAULT_RULES)
    assert [band.grade for band in table.bands] == ["差", "中", "良", "优"]
    assert table.band_for(D("89.99")).grade == "良"
    assert table.band_for(D(90)).grade == "优"
    assert table.band_for(D(100)).grade == "优"
    assert table.band_for(D(0)).grade == "差"
    with pytest.raises(RuleTableError, match=r"100\.5"):
        table.band_for(D("100.5"))


def test_overlapping_bands_are_refused_naming_both() -> None:
    data = rules()
    data["bands"][1]["max"] = "90.5"  # 良 80–90.5 overlaps 优 90–100
    with pytest.raises(RuleTableError, match=r"分数段“良”（80–90\.5 分）与“优”（90–100 分）重叠"):
        rule_table(data)


def test_a_gap_between_bands_is_refused_naming_it() -> None:
    data = rules()
    data["bands"][1]["max"] = 89
    with pytest.raises(RuleTableError, match="“良”（80–89 分）与“优”（90–100 分）之间缺少 89–90 分"):
        rule_table(data)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({3: {"min": 5}}, "0–5 分没有分数段"),
        ({0: {"max": 99}}, "最高的分数段“优”（90–99 分）没有到满分 100 分"),
        ({2: {"min": 80, "max": 80}}, "分数段“中”的下限 80 不小于上限 80"),
        ({2: {"grade": "良"}}, "等级“良”出现了两次"),
        ({2: {"change": -150}}, "分数段“中”的预算调整比例 -150% 小于 −100%"),
        ({2: {"suggestion": ""}}, "分数段“中”没有处理意见"),
        ({2: {"min": "六十"}}, "分数段“中”的下限（min）不是数字"),
    ],
)
def test_bad_bands_are_refused_with_the_band_named(change: dict[int, dict[str, Any]], message: str) -> None:
    data = rules()
    for index, fields in change.items():
        data["bands"][index].update(fields)
    with pytest.raises(RuleTableError, match=message):
        rule_table(data)


def test_numbers_read_from_yaml_as_floats_keep_the_digits_typed() -> None:
    data = rules()
    data["bands"][0]["min"], data["bands"][1]["max"] = 89.5, 89.5
    table = rule_table(data)
    assert table.band_for(D("89.5")).grade == "优"
    assert table.band_for(D("89.49")).grade == "良"
    data["bands"][1]["max"] = float("nan")
    with pytest.raises(RuleTableError, match="上限（max）不是数字"):
        rule_table(data)


def test_balance_cut_below_thirty_percent_and_bad_counts_are_refused() -> None:
    with pytest.raises(RuleTableError, match="20% 应在 30%–100% 之间"):
        rule_table(rules(balance_cut=20))
    with pytest.raises(RuleTableError, match="通报表扬名额"):
        rule_table(rules(commend_top="2.5"))
    with pytest.raises(RuleTableError, match="没有等级分数段"):
        rule_table(rules(bands=[]))


def test_grade_change_and_balance_growth_each_give_a_line_with_its_reason() -> None:
    table = rule_table(DEFAULT_RULES)
    line = dept("1", "72.5", "200", balance=D("50"), balance_before=D("20"))
    (suggestion,) = apply_rules(table, [line])
    assert suggestion.grade == "中"
    assert suggestion.suggestion == "压减预算"
    assert [item.amount for item in suggestion.adjustments] == [D("-20.00"), D("-9.00")]
    assert suggestion.suggested == D("171.00")
    assert suggestion.change == D("-29.00")
    assert "计算得分 72.5 分，等级“中”（60–80 分）：压减预算，按本年预算 200.00 万元压减 10%" in suggestion.reasons[0]
    assert "由 20.00 万元增至 50.00 万元，按增量 30.00 万元的 30% 压减" in suggestion.reasons[1]


def test_a_shrinking_balance_and_a_good_grade_leave_the_budget_and_say_so() -> None:
    table = rule_table(DEFAULT_RULES)
    (suggestion,) = apply_rules(table, [dept("1", "85", "80", balance=D(5), balance_before=D(9))])
    assert suggestion.adjustments == ()
    assert suggestion.suggested == D("80.00")
    assert suggestion.reasons[0].endswith("予以保障，预算不作调整")


def test_a_failed_grade_cancels_and_never_goes_below_zero() -> None:
    table = rule_table(DEFAULT_RULES)
    (suggestion,) = apply_rules(table, [dept("1", "40", "100", balance=D(60), balance_before=D(0))])
    assert suggestion.suggestion == "取消或暂缓"
    assert suggestion.suggested == D("0.00")


def test_no_score_keeps_the_budget_and_explains() -> None:
    (suggestion,) = apply_rules(rule_table(DEFAULT_RULES), [dept("1", None, "33.333")])
    assert suggestion.suggested == D("33.33")
    assert suggestion.reasons == ("没有可用的评价得分，暂按本年预算",)


def test_ranking_commends_the_top_and_calls_in_the_bottom_with_ties_sharing_a_place() -> None:
    table = rule_table(rules(commend_top=2, call_in_bottom=2))
    scores = ["95", "93", "93", "88", "70", "61", "61"]
    lines = [dept(str(i), s) for i, s in enumerate(scores)]
    lines.append(ResultLine("p", "某项目", "project", D("10"), D("5")))  # projects are not ranked
    result = apply_rules(table, lines)
    # the two 93s share second place, inside the top two: both are commended
    assert [s.ranking for s in result] == [
        Ranking.COMMEND,
        Ranking.COMMEND,
        Ranking.COMMEND,
        Ranking.NONE,
        Ranking.NONE,
        Ranking.CALL_IN,
        Ranking.CALL_IN,
        Ranking.NONE,
    ]
    assert [s.rank for s in result[:4]] == [1, 2, 2, 4]
    assert "排名倒数第 1 位，在后 2 名内：约谈" in result[5].reasons[-1]


def test_a_reevaluation_score_is_named_as_the_source() -> None:
    line = ResultLine("1", "甲", "project", D("58"), D("10"), score_source="财政重点评价得分")
    (suggestion,) = apply_rules(rule_table(DEFAULT_RULES), [line])
    assert suggestion.reasons[0].startswith("财政重点评价得分 58 分，等级“差”")


def test_coverage_counts_projects_and_money_against_the_required_shares() -> None:
    projects = [
        CoverageProject(D(500), frozenset({Level.SELF, Level.DEPARTMENT})),
        CoverageProject(D(320), frozenset({Level.SELF, Level.DEPARTMENT, Level.BUREAU})),
        CoverageProject(D(180), frozenset({Level.SELF})),
    ]
    figures = {figure.level: figure for figure in coverage(projects)}
    department = figures[Level.DEPARTMENT]
    assert (department.projects, department.of_projects, department.amount) == (2, 3, D(820))
    assert department.share == D("66.67")
    assert department.amount_share == D("82.00")
    assert department.met is True
    assert figures[Level.SELF].met is True
    assert figures[Level.BUREAU].met is None
    assert department.sentence() == (
        "本年度部门评价项目 2 个，占全部 3 个项目的 66.67%；涉及资金 820.00 万元，占项目资金 1000.00 万元的 "
        "82.00%，达到不低于 60% 的要求。"
    )
    low = coverage([*projects[2:], CoverageProject(D(1), frozenset())])
    assert {f.level: f.met for f in low}[Level.SELF] is False


def test_no_projects_makes_coverage_not_applicable_rather_than_zero() -> None:
    (figure, *_) = coverage([])
    assert figure.share is None
    assert figure.sentence() == "本年度没有项目支出，单位自评覆盖面不适用。"


def test_project_money_without_any_project_evaluated_is_short_not_inapplicable() -> None:
    (figure, *_) = coverage([], project_money=D(80))
    assert figure.applies and figure.met is False
    assert figure.sentence() == "本年度项目支出 80.00 万元，没有单位自评的项目，未达到不低于 100% 的要求。"


def test_projects_but_no_department_evaluation_says_so_against_the_requirement() -> None:
    projects = [CoverageProject(D(500), frozenset({Level.SELF})), CoverageProject(D(300), frozenset({Level.SELF}))]
    figures = {figure.level: figure for figure in coverage(projects, project_money=D(1000))}
    department = figures[Level.DEPARTMENT]
    assert department.met is False
    assert department.sentence() == (
        "本年度没有记录部门评价的项目（全部 2 个项目，项目资金 1000.00 万元），部门评价覆盖率为 0，"
        "未达到不低于 60% 的要求。"
    )
    # without a requirement (bureau level by default) the sentence states the fact only
    assert figures[Level.BUREAU].sentence().endswith("财政评价覆盖率为 0。")


def test_a_required_share_above_100_is_refused() -> None:
    with pytest.raises(RuleTableError, match="部门评价的覆盖面要求 120% 应在 0–100% 之间"):
        coverage([], {Level.DEPARTMENT: D(120)})


def test_money_outside_the_listed_projects_counts_as_not_evaluated() -> None:
    listed = [CoverageProject(D(300), frozenset({Level.SELF})), CoverageProject(D(100), frozenset({Level.SELF}))]
    figures = {f.level: f for f in coverage(listed, project_money=D(1000))}
    assert figures[Level.SELF].of_amount == D(1000)
    assert figures[Level.SELF].amount_share == D("40.00")
    assert figures[Level.SELF].share == D("100.00")  # both listed projects


def test_required_shares_come_from_the_rule_table_and_bad_ones_are_refused() -> None:
    assert required_shares(DEFAULT_RULES) == {Level.SELF: D(100), Level.DEPARTMENT: D(60)}
    assert required_shares({"coverage": {"bureau": 10}}) == {Level.BUREAU: D(10)}
    with pytest.raises(RuleTableError, match="“county”不是评价层级"):
        rule_table(rules(coverage={"county": 50}))
    with pytest.raises(RuleTableError, match="部门评价的覆盖面要求 150% 应在 0–100% 之间"):
        rule_table(rules(coverage={"department": 150}))
