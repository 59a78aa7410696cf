"""Recognising the scoring scheme from a table's headings, and the "as printed" fallback."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from jixiao.core.checks.scheme import scheme_findings
from jixiao.core.findings import Severity
from jixiao.core.framework import Framework, heading_name, normalize_l1, printed_weight
from jixiao.core.model import Evaluation, EvaluationKind, Stated
from jixiao.core.recognition import choose, headings
from jixiao.core.scoring import score
from jixiao.ingest.framework_file import builtin_frameworks
from tests.factories import D, clean_project, indicator


def _project_candidates() -> tuple[Framework, ...]:
    return tuple(f for f in builtin_frameworks().values() if EvaluationKind.PROJECT in f.applies_to)


def _choose(evaluation: Evaluation):  # type: ignore[no-untyped-def]
    return choose(evaluation, _project_candidates(), builtin_frameworks()["mof-2020-project"])


def _table(*rows: tuple[str, str, object], **stated: object) -> Evaluation:
    """A project table without a named framework: (一级指标, 二级指标, 分值) per row, every target met."""
    indicators = tuple(
        indicator(f"指标{i}", "≥100", "100", weight, l1=l1, l2=l2) for i, (l1, l2, weight) in enumerate(rows)
    )
    figures = {key: D(value) for key, value in stated.items()}
    return replace(clean_project(), framework=None, indicators=indicators, stated=Stated(**figures))


def test_weights_printed_in_headings_are_read_and_stripped() -> None:
    assert printed_weight("产出指标（50分）") == Decimal(50)
    assert printed_weight("项目决策 2分") == Decimal(2)
    assert printed_weight("项目绩效（特性指标70分）") == Decimal(70)
    assert printed_weight("数量指标(15分)") == Decimal(15)
    assert printed_weight("产出指标") is None
    assert normalize_l1("项目决策 2分") == "项目决策"
    assert normalize_l1("数量指标(15分)") == "数量"


def test_synonyms_come_from_one_list_and_reach_every_framework() -> None:
    mof = builtin_frameworks()["mof-2020-project"]
    found = mof.slot_for("效果指标")
    assert found is not None and found[1].id == "effect"
    found = mof.slot_for("项目产出")
    assert found is not None and found[1].id == "output"
    evaluation = builtin_frameworks()["mof-2020-evaluation"]
    found = evaluation.slot_for("项目管理")
    assert found is not None and found[0].id == "process"


def test_the_10_50_30_10_table_is_recognised_with_its_evidence() -> None:
    choice = _choose(_table(("产出指标", "数量指标", 50), ("效益指标", "社会效益指标", 30),
                            ("满意度指标", "服务对象满意度指标", 10), execution_weight=10))
    assert choice.how == "recognised" and choice.framework.id == "mof-2020-project"
    assert "产出 50（产出指标 50）" in choice.reason
    assert "预算执行率 10" in choice.reason
    assert not choice.tie


def test_headings_without_weights_keep_the_default() -> None:
    choice = _choose(_table(("产出指标", "数量指标", None), ("效益指标", "社会效益指标", None)))
    assert choice.framework.id == "mof-2020-project"
    assert choice.how == "recognised"  # sichuan needs printed weights that agree


def test_sichuan_10_plus_90_is_recognised_by_its_weights() -> None:
    rows = [("产出指标", "数量指标", "22.5")] * 3 + [("效益指标", "经济效益指标", "22.5")]
    choice = _choose(_table(*rows))
    assert choice.framework.id == "sichuan-project-10-90"
    assert "产出、效益 90（绩效指标 90）" in choice.reason


def test_hubei_three_blocks_take_the_printed_weights() -> None:
    choice = _choose(_table(("项目决策（20分）", "科学决策", 10), ("项目决策（20分）", "绩效目标", 10),
                            ("项目管理（10分）", "资金管理", 10), ("项目绩效（特性指标70分）", "项目完成", 70)))
    assert choice.framework.id == "hubei-project-2020"
    weights = {block.id: block.weight for block in choice.framework.blocks}
    assert weights == {"decision": 20, "management": 10, "performance": 70}


def test_hubei_weights_of_another_county_replace_the_defaults() -> None:
    choice = _choose(_table(("项目决策 2分", "", 2), ("项目管理 13分", "", 13), ("项目绩效 85分", "", 85)))
    assert choice.framework.id == "hubei-project-2020"
    assert choice.framework.total == 100
    assert [block.weight for block in choice.framework.blocks] == [2, 13, 85]


def test_annex2_framework_with_synonym_headings() -> None:
    choice = _choose(_table(("项目决策", "项目立项", 15), ("项目管理", "资金管理", 15),
                            ("项目产出", "产出数量", 40), ("项目效益", "项目效益", 30)))
    assert choice.framework.id == "mof-2020-evaluation"
    assert [block.weight for block in choice.framework.blocks] == [15, 15, 40, 30]


def test_unknown_headings_fall_back_to_as_printed_with_one_p1() -> None:
    evaluation = _table(("部门预算管理（80分）", "预算编制", 10), ("部门预算管理（80分）", "预算编制", 10),
                        ("履职尽责（20分）", "重点工作", 20))
    choice = _choose(evaluation)
    assert choice.fallback and choice.framework.as_printed
    blocks = [(b.name, b.weight) for b in choice.framework.blocks]
    assert blocks == [("部门预算管理", 80), ("履职尽责", 20)]  # the printed text stays in the reason
    assert choice.unrecognised == ("部门预算管理（80分）", "履职尽责（20分）")
    findings = scheme_findings(choice, evaluation)
    assert [(f.code, f.severity) for f in findings] == [("INDICATOR_L1_UNMATCHED", Severity.P1)]
    assert "部门预算管理" in findings[0].message and "履职尽责" in findings[0].message
    card = score(evaluation, choice.framework)
    assert card.unmatched == ()
    assert card.total == 40  # 80-point block holds 20 points of rows, all met; 20 of 20


def test_a_units_own_split_is_scored_as_printed_and_asked_about_once() -> None:
    # 四川省级专项: 产出 60 / 效益 20 / 满意度 20, no execution item (T05)
    evaluation = _table(("产出指标", "数量指标", 40), ("产出指标", "质量指标", 20), ("效益指标", "社会效益指标", 20),
                        ("满意度指标", "服务对象满意度指标", 15), ("满意度指标", "服务对象满意度指标", 5))
    choice = _choose(evaluation)
    assert choice.fallback
    findings = scheme_findings(choice, evaluation)
    assert [f.code for f in findings] == ["FRAMEWORK_WEIGHTS_DIFFER"]
    assert "产出 60 分（产出指标 50 分）" in findings[0].message
    assert score(evaluation, choice.framework).total == 100


def test_rows_without_a_heading_are_one_block() -> None:
    evaluation = _table(("", "", 10), ("", "", 20), execution_weight=10)
    choice = _choose(evaluation)
    assert choice.fallback
    assert [(b.name, b.weight) for b in choice.framework.blocks] == [("预算执行率", 10), ("绩效指标", 30)]
    assert [f.code for f in scheme_findings(choice, evaluation)] == ["FRAMEWORK_AS_PRINTED"]


def test_headings_without_weights_share_the_rest_of_the_total() -> None:
    evaluation = _table(("投入", "", None), ("绩效", "", None), execution_weight=20)
    evaluation = replace(evaluation, indicators=tuple(replace(i, stated_score=D(30)) for i in evaluation.indicators))
    choice = _choose(evaluation)
    assert choice.fallback
    assert [b.weight for b in choice.framework.blocks] == [20, 40, 40]


def test_a_tie_is_reported_with_the_choice_never_silent() -> None:
    base = builtin_frameworks()["mof-2020-project"]
    twin = replace(base, id="twin", title="另一份同样写法的评分标准")
    evaluation = _table(("产出指标", "数量指标", 50), ("效益指标", "社会效益指标", 30))
    choice = choose(evaluation, (twin, base), base)
    assert choice.framework.id == "mof-2020-project"  # the default wins the tie
    assert choice.tie == ("另一份同样写法的评分标准",)
    assert "同样吻合" in choice.reason
    findings = scheme_findings(choice, evaluation)
    assert [(f.code, f.severity) for f in findings] == [("FRAMEWORK_AMBIGUOUS", Severity.P2)]


def test_no_indicators_keeps_the_default() -> None:
    evaluation = _table()
    choice = _choose(evaluation)
    assert choice.how == "default" and choice.framework.id == "mof-2020-project"
    assert headings(evaluation) == ()


def test_variants_are_never_recognised_from_headings() -> None:
    frameworks = builtin_frameworks()
    assert frameworks["dept-generic-2020-807060"].recognise == "never"
    evaluation = replace(_table(("产出指标", "数量指标", 50)), kind=EvaluationKind.DEPARTMENT)
    candidates = tuple(f for f in frameworks.values() if EvaluationKind.DEPARTMENT in f.applies_to)
    choice = choose(evaluation, candidates, frameworks["dept-generic-2020"])
    assert choice.framework.id == "dept-generic-2020" and not choice.tie


def test_as_printed_blocks_show_the_clean_name_and_keep_the_printed_text_as_evidence() -> None:
    assert heading_name("产出指标(40分)") == "产出指标"
    assert heading_name("项目绩效（特性指标70分）") == "项目绩效"
    assert heading_name("项目决策2分") == "项目决策"
    assert heading_name("产出指标（履职完成情况）") == "产出指标（履职完成情况）"
    table = _table(("产出指标(40分)", "数量指标", 40), ("效益指标(30分)", "社会效益指标", 30))
    choice = _choose(table)
    assert choice.fallback
    assert [block.name for block in choice.framework.blocks] == ["产出指标", "效益指标"]
    assert "产出指标 40（表上印作“产出指标(40分)”）" in choice.reason
    assert choice.summary == "按自评表所列分值"
    card = score(table, choice.framework)
    assert [(block.name, block.score) for block in card.blocks] == [("产出指标", 40), ("效益指标", 30)]
    assert not card.unmatched  # the rows still find their block by the heading as printed
