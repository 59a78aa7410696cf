"""Report content: the seed's outline, its figures computed not typed, the review appendix."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from jixiao.core.framework import Framework
from jixiao.core.model import Evaluation
from jixiao.core.scoring import Scorecard, score
from jixiao.reports.content import build_content, chinese_number, numbered
from jixiao.reports.context import build_facts
from jixiao.reports.document import Chart, ChartKind, Paragraph, ReportContent, Section, Table
from jixiao.reports.templates import CONDITIONS, FIELDS
from tests.factories import clean_project, framework
from tests.reports.conftest import FINDINGS, FORMULA, SEED_FIGURES, confirmed

DEPARTMENT_OUTLINE = (
    "一、部门概况",
    "二、部门整体支出绩效实现情况",
    "三、存在问题及改进措施",
    "四、评价结果拟应用和公开情况",
)
OVERVIEW_SUBSECTIONS = (
    "（一）部门主要职责、组织架构、人员及资产情况",
    "（二）部门履职总体目标和年度工作任务",
    "（三）年度整体支出绩效目标",
    "（四）预算绩效管理开展情况",
    "（五）预算及执行情况",
)


def headings(section: Section) -> list[str]:
    return [block.heading for block in section.blocks if isinstance(block, Section)]


def test_department_report_follows_the_seed_outline(seed_content: ReportContent) -> None:
    assert tuple(s.heading for s in seed_content.sections) == DEPARTMENT_OUTLINE
    assert tuple(headings(seed_content.sections[0])) == OVERVIEW_SUBSECTIONS
    assert headings(seed_content.sections[1]) == [
        "（一）履职完成情况",
        "（二）履职效果情况",
        "（三）满意度及可持续影响",
    ]
    assert headings(seed_content.sections[2]) == ["（一）主要问题及原因分析", "（二）改进的方向和具体措施"]


def test_title_sign_off_and_arabic_date(seed_content: ReportContent) -> None:
    assert seed_content.title == ("东湖区城市综合管理协调领导小组办公室", "部门整体支出绩效自评报告")
    assert seed_content.subtitle == "（2021年度）"
    assert seed_content.sign_off == "东湖区城市综合管理协调领导小组办公室"
    assert seed_content.date == "2022年5月18日"


@pytest.mark.parametrize("figure", SEED_FIGURES)
def test_every_seed_figure_appears_in_the_report(seed_content: ReportContent, figure: str) -> None:
    assert figure in seed_content.plain_text()


def test_computed_figures_come_from_the_scorecard(
    seed_content: ReportContent, seed: tuple[Evaluation, Framework, Scorecard]
) -> None:
    _, _, card = seed
    text = seed_content.plain_text()
    assert card.execution_rate == Decimal("102.19")
    assert "年末结转和结余0万元；部门预算执行率为102.19%。" in text  # no formula, no comparison
    assert "从支出性质看，基本支出147.79万元，占10.09%；项目支出1316.69万元，占89.91%。" in text  # 147.79 ÷ 1464.48
    assert "从资金来源看，全部为一般公共预算财政拨款。" in text  # not "占100.00%"
    assert "决算支出超出全年预算数32.14万元，超出部分在基本支出。" in text


def test_computed_score_with_blocks_when_the_unit_states_none(seed: tuple[Evaluation, Framework, Scorecard]) -> None:
    evaluation, fw, card = seed
    own = replace(confirmed(evaluation), stated=replace(evaluation.stated, total=None, grade=None))
    text = build_content(own, card, framework=fw).plain_text()
    assert (
        "按照部门整体支出绩效自评表（通用）逐项评分，本单位2021年度部门整体支出绩效自评得分97.75分（满分100分），"
        "评价等级为“优”。其中，预算执行（分值10分）得10.00分，产出指标（分值50分）得48.86分，"
        "效益指标（分值30分）得30.00分，满意度指标（分值10分）得8.89分。"
    ) in text
    assert "《部门整体支出绩效自评表" not in text  # jixiao's own framework is no document title


def test_indicators_are_not_repeated_as_a_list(seed_content: ReportContent) -> None:
    outputs = seed_content.sections[1].blocks
    section = next(b for b in outputs if isinstance(b, Section) and b.heading == "（一）履职完成情况")
    lines = [b.text for b in section.blocks if isinstance(b, Paragraph)]
    assert len(lines) == 12 and lines[0].startswith("一是") and lines[-1].startswith("十二是")
    paragraphs = [b.text for b in seed_content.walk() if isinstance(b, Paragraph)]
    assert not any("：年度指标值" in text or "得分4.86分" in text for text in paragraphs)


def test_tables_and_charts_are_numbered_in_order(seed_content: ReportContent) -> None:
    assert [t.caption for t in seed_content.tables] == [
        "表1　2021年度部门预算及执行情况（单位：万元）",
        "表2　2021年度部门整体支出绩效指标评分表",
    ]
    charts = seed_content.charts
    assert [c.kind for c in charts] == [ChartKind.BUDGET_COMPOSITION, ChartKind.INDICATOR_ACHIEVEMENT]
    assert charts[0].caption.startswith("图1")


def test_budget_table_shows_difference_and_rates(seed_content: ReportContent) -> None:
    budget = seed_content.tables[0]
    rows = {row[0].text: [cell.text for cell in row[1:]] for row in budget.rows}
    assert rows["年度资金总额"] == ["153", "1464.48", "1496.62", "32.14", "102.19"]
    assert rows["按支出性质：基本支出"] == ["—", "147.79", "179.93", "32.14", "121.75"]
    assert budget.rows[0][1].number == Decimal(153)


def test_indicator_table_merges_level_one_and_two_and_ends_with_total(seed_content: ReportContent) -> None:
    table = seed_content.tables[1]
    assert [c.text for c in table.header[0]][:3] == ["一级指标", "二级指标", "三级指标"]
    merged = {(m.row, m.col, m.last_row, m.last_col) for m in table.merges}
    assert (2, 0, 11, 0) in merged  # 产出指标 over its 10 indicators (row 0 is the header, 1 预算执行)
    assert (2, 1, 7, 1) in merged  # 数量指标 over 6
    total = table.rows[-1]  # the publication copy's total is the unit's own
    assert total[0].text == "总分" and total[6].text == "89.8" and total[7].text == "等级：良"


def test_review_copy_table_totals_the_computed_score(seed: tuple[Evaluation, Framework, Scorecard]) -> None:
    evaluation, fw, card = seed
    total = build_content(evaluation, card, framework=fw, review_copy=True).tables[1].rows[-1]
    assert total[6].text == "97.75" and total[7].text == "等级：优"


def test_achievement_chart_caps_the_bar_but_labels_the_real_value(seed_content: ReportContent) -> None:
    chart = seed_content.charts[1]
    index = chart.categories.index("全市垃圾广告季度考核排名")  # ≤ 3名, ranked 2nd: 3 ÷ 2 = 150%
    assert chart.labels[index] == "150.00%"
    assert chart.series[0].values[chart.categories.index("无障碍设施点位达标率")] == Decimal("81.00")
    assert all(v is None or v <= Decimal(150) for v in chart.series[0].values)


def test_publication_copy_never_contains_findings(seed: tuple[Evaluation, Framework, Scorecard]) -> None:
    evaluation, fw, card = seed
    content = build_content(confirmed(evaluation), card, framework=fw, findings=FINDINGS, review_copy=False)
    assert content.appendix is None and not content.review_copy and content.review_mark == ""
    text = content.plain_text()
    for finding in FINDINGS:
        assert finding.message not in text
    assert "审核意见" not in text


def test_review_copy_appends_findings_grouped_by_severity(seed: tuple[Evaluation, Framework, Scorecard]) -> None:
    evaluation, fw, card = seed
    content = build_content(evaluation, card, framework=fw, findings=FINDINGS, review_copy=True)
    appendix = content.appendix
    assert appendix is not None and appendix.heading == "附件：审核意见"
    assert headings(appendix) == ["（一）P0　阻断（2条）", "（二）P1　须说明（1条）", "（三）P2　提示（1条）"]
    assert "仅供审核" in content.review_mark
    assert "1.满意度未经问卷调查却按 80% 计分" in content.plain_text()


def test_review_copy_without_findings_says_so(seed: tuple[Evaluation, Framework, Scorecard]) -> None:
    evaluation, fw, card = seed
    content = build_content(evaluation, card, framework=fw, findings=(), review_copy=True)
    assert content.appendix is not None
    assert "未发现问题。" in content.plain_text()


def test_project_report_has_its_own_outline() -> None:
    evaluation = clean_project()
    card = score(evaluation, framework())
    content = build_content(evaluation, card, framework=framework())
    assert [s.heading for s in content.sections] == [
        "一、项目概况",
        "二、绩效自评工作开展情况",
        "三、自评结论",
        "四、绩效目标实现情况",
        "五、存在问题及改进措施",
        "六、评价结果应用及公开情况",
    ]
    assert content.title == ("职业技能培训补贴", "项目支出绩效自评报告")
    assert content.sheet.title == "2022年度项目支出绩效自评表"
    assert "有效样本400份，满意度为92%" in content.plain_text()
    assert content.date == "2023年3月15日"


def test_missing_narrative_is_marked_not_invented(seed: tuple[Evaluation, Framework, Scorecard]) -> None:
    evaluation, fw, card = seed
    bare = replace(confirmed(evaluation), narrative=replace(evaluation.narrative, management="", problems=()))
    text = build_content(bare, card, framework=fw).plain_text()
    assert "（四）预算绩效管理开展情况\n（未填报）" in text
    assert "（未填报存在的问题）" in text


def test_hostile_text_is_kept_without_control_characters(hostile: tuple[Evaluation, Scorecard, ReportContent]) -> None:
    _, _, content = hostile
    text = content.plain_text()
    assert FORMULA in text
    assert "<script>alert(1)</script>" in text and "😀🎉" in text
    assert not any(ch in text for ch in "\x00\x01\x07\x0b\x0c\x1b\x1f")
    assert "长" * 20_000 in text


def test_every_template_field_and_condition_is_computed(seed: tuple[Evaluation, Framework, Scorecard]) -> None:
    evaluation, fw, card = seed
    facts = build_facts(evaluation, card, fw)
    assert set(facts.values) == set(FIELDS)
    assert set(facts.flags) == set(CONDITIONS)


@pytest.mark.parametrize(
    ("level", "n", "expected"),
    [(1, 1, "一、甲"), (1, 10, "十、甲"), (1, 12, "十二、甲"), (2, 5, "（五）甲"), (3, 2, "2.甲"), (4, 3, "（3）甲")],
)
def test_headings_are_numbered_per_gb_t_9704(level: int, n: int, expected: str) -> None:
    assert numbered(level, n, "甲") == expected


def test_chinese_numbers() -> None:
    assert [chinese_number(n) for n in (1, 9, 10, 11, 20, 21, 99)] == [
        "一",
        "九",
        "十",
        "十一",
        "二十",
        "二十一",
        "九十九",
    ]


def test_content_is_pure_data(seed_content: ReportContent) -> None:
    blocks = list(seed_content.walk())
    assert all(isinstance(b, Section | Paragraph | Table | Chart) for b in blocks)
    hash(seed_content.charts[0])  # frozen and hashable: charts are cached per content
