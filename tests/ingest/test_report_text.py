"""The report text reader: outline and budget figures with where they stand (docs/report-reading.md)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.ingest.report_outline import read_outline
from jixiao.ingest.report_text import BudgetFigure, read_report_text
from jixiao.testing import reportlabels

D = Decimal


@pytest.fixture(scope="module")
def seed() -> str:
    text = reportlabels.seed_text()
    if text is None:
        pytest.skip("../shared/seed is not available next to the repository")
    return text


def only(figures: tuple[BudgetFigure, ...], field: str) -> list[BudgetFigure]:
    return [f for f in figures if f.field == field]


def test_seed_outline_reads_the_arabic_first_heading_as_part_one(seed: str) -> None:
    outline = read_outline(seed)
    top = [(h.number, h.title) for h in outline.headings if h.level == 1]
    assert top == [
        ("1、", "部门概况"),
        ("二、", "部门（单位）整体支出绩效实现情况"),
        ("三、", "部门整体支出绩效中存在问题及改进措施"),
        ("四、", "绩效评价结果拟应用和公开情况"),
    ]
    assert [h.number for h in outline.headings if h.irregular] == ["1、"]
    assert [h.path for h in outline.headings if h.title == "当年部门预算执行情况"] == ["1、/（五）/2."]


def test_seed_gives_every_labelled_budget_figure(seed: str) -> None:
    reading = read_report_text(seed)
    assert reportlabels.load("seed").expected_pairs() <= reading.pairs()


def test_seed_figures_say_where_they_stand(seed: str) -> None:
    reading = read_report_text(seed)
    [rate] = only(reading.figures, "budget.execution_rate")
    assert rate.value == D("102.2") and rate.unit == "%"
    assert rate.where.section == "1、/（五）/2."
    assert seed[rate.where.span.start : rate.where.span.end] == "102.2%"
    [project] = only(reading.figures, "budget.executed.project")
    assert project.value == D("1316.69") and project.printed == "1,316.69万元"
    assert seed[project.where.span.start : project.where.span.end] == "1,316.69万元"
    [basic_budget] = only(reading.figures, "budget.adjusted.basic")
    [basic_spent] = only(reading.figures, "budget.executed.basic")
    assert (basic_budget.value, basic_spent.value) == (D("147.79"), D("179.93"))
    assert basic_budget.where.paragraph < basic_spent.where.paragraph


def test_seed_source_carries_its_share_and_the_30_wan_purchase_is_no_budget_figure(seed: str) -> None:
    reading = read_report_text(seed)
    [source] = only(reading.figures, "budget.source")
    assert (source.value, source.share, source.name) == (D("1464.48"), D("100"), "一般公共预算财政拨款")
    assert D("30") not in {f.value for f in reading.figures}


def test_parts_of_a_year_allocation_are_parts_not_totals() -> None:
    text = reportlabels.load("nm_hohhot_shuili_2023").text
    assert text is not None
    reading = read_report_text(text)
    parts = {f.value for f in only(reading.figures, "budget.adjusted.part")}
    assert {D("1435"), D("25"), D("55"), D("700"), D("6"), D("14"), D("18"), D("491"), D("300")} <= parts
    assert [h.number for h in reading.outline.headings] == ["（三）"]


def test_hunan_style_income_and_spending_pairs() -> None:
    text = reportlabels.load("hn_nanxian_bianban_2024").text
    assert text is not None
    pairs = read_report_text(text).pairs()
    assert ("budget.income.project", D("21")) in pairs
    assert ("budget.executed.project", D("21")) in pairs
    assert ("budget.executed.part", D("0.78")) in pairs  # after the garbled words, still a part of 21


def test_per_student_standards_in_yuan_are_not_budget_figures() -> None:
    text = reportlabels.load("yn_changning_zhujie_2023").text
    assert text is not None
    values = {f.value for f in read_report_text(text).figures}
    assert values == {D("107.78"), D("149.63"), D("72.03")}


def test_reports_without_budget_figures_give_none() -> None:
    for report_id in ("gd_maoming_fagai_2021", "hn_yanling_baie_2019"):
        text = reportlabels.load(report_id).text
        assert text is not None
        assert read_report_text(text).figures == ()


def test_approximate_amounts_and_tail_cues() -> None:
    reading = read_report_text("全年下达资金30余万元，其中约12万元已全部到位。")
    first, second = reading.figures
    assert (first.field, first.value, first.approximate) == ("budget.adjusted", D("30"), True)
    assert (second.field, second.value, second.approximate) == ("budget.received", D("12"), True)
    assert all(D(0) < f.confidence <= D(1) for f in reading.figures)


def test_empty_text_reads_as_nothing() -> None:
    reading = read_report_text("")
    assert reading.figures == () and reading.outline.headings == () and reading.outline.paragraphs == ()


def test_recall_on_the_collected_reports_stays_above_ninety_percent() -> None:
    found = expected = 0
    for report_id in reportlabels.collected_ids():
        report = reportlabels.load(report_id)
        assert report.text is not None
        pairs = report.expected_pairs()
        found += len(pairs & read_report_text(report.text).pairs())
        expected += len(pairs)
    assert expected == 78
    assert found / expected >= 0.9


def test_batches_listed_before_their_total_are_parts_of_the_approved_budget() -> None:
    text = reportlabels.load("hb_lincheng_daolu_2021").text
    assert text is not None
    figures = read_report_text(text).figures
    assert [f.value for f in only(figures, "budget.adjusted")] == [D("6222.4")]
    parts = {f.value for f in only(figures, "budget.adjusted.part")}
    assert parts == {D("3374.3"), D("3292"), D("2069.51"), D("1975.775"), D("778.59"), D("757.44"), D("6025.215")}
    assert only(figures, "budget.planned_total") == []
