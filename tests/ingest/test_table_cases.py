"""The eight real cases, drawn as real-layout tables, import with their printed figures."""

from __future__ import annotations

import random
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.core.model import AmountUnit, BudgetLine, Evaluation, EvaluationKind
from jixiao.core.values import Direction, MeasureKind
from jixiao.ingest.loader import load_any
from jixiao.ingest.table import read_table
from jixiao.testing import tablegen

D = Decimal


def imported(case_id: str, tmp_path: Path, suffix: str = ".xlsx", encoding: str = "utf-8-sig",
             ) -> tuple[Evaluation, tablegen.Drawing]:
    path, drawing = tablegen.write_case(case_id, tmp_path, suffix=suffix, encoding=encoding)
    return read_table(path), drawing


def names(evaluation: Evaluation) -> list[str]:
    return [indicator.name for indicator in evaluation.indicators]


def test_r01_yuan_table_reads_budget_in_yuan_with_its_sources(tmp_path: Path) -> None:
    ev, drawing = imported("R01", tmp_path)
    assert ev.kind is EvaluationKind.PROJECT
    assert ev.year == 2022
    assert ev.unit.name == "永德县明朗中学"
    assert ev.unit.superior == "永德县教育体育局"
    assert ev.unit.contact == "张老师 0883-0000000"
    assert ev.project is not None
    assert ev.project.name == "义务教育营养改善计划专项资金"
    assert ev.project.implementing_unit == "永德县明朗中学"
    assert ev.budget.unit is AmountUnit.YUAN
    assert (ev.budget.initial, ev.budget.adjusted, ev.budget.executed) == (None, D("387664.62"), D("387664.62"))
    assert ev.budget.by_source == (BudgetLine("当年财政拨款", None, D("387664.62"), D("387664.62")),)
    assert ev.budget.by_nature == ()
    # the adjusted total is a formula whose cached value was saved with the file
    assert ev.source_of("budget.adjusted") == f"14表!{drawing.at['budget.adjusted']}"
    assert ev.source_of("budget.unit") == "14表!H2"
    assert ev.source_of("year") == "14表!A2"


def test_r01_stated_results_and_nine_indicators(tmp_path: Path) -> None:
    ev, _ = imported("R01", tmp_path)
    stated = ev.stated
    assert (stated.execution_rate, stated.execution_weight, stated.execution_score) == (D(100), D(10), D(10))
    assert (stated.total, stated.total_weight, stated.grade) == (D(96), D(100), "优")
    assert len(ev.indicators) == 9  # the empty 生态效益 row is skipped
    assert all(indicator.l2 != "生态效益指标" for indicator in ev.indicators)
    first = ev.indicators[0]
    assert (first.l1, first.l2, first.name) == ("产出指标", "数量指标", "学生受资助人数")
    assert first.target.text == "≧735人次"
    assert (first.target.kind, first.target.value, first.target.unit) == (MeasureKind.NUMBER, D(735), "人次")
    assert first.target.relation is Direction.GE
    assert first.actual.value == D(735)
    assert (first.weight, first.stated_score) == (D(10), D(10))
    assert ev.indicators[2].stated_score == D(7)
    assert ev.indicators[3].target.relation is Direction.EQ  # "═100%"
    assert ev.indicators[4].target.kind is MeasureKind.TEXT  # "有效"
    assert [i.l1 for i in ev.indicators[-2:]] == ["满意度指标", "满意度指标"]
    assert ev.goals.overall == "按标准为在校学生提供营养膳食补助"
    assert ev.goals.achieved == "已按标准足额发放营养膳食补助"
    assert ev.import_notes == ()


def test_r01_indicator_sources_name_the_cells(tmp_path: Path) -> None:
    ev, _ = imported("R01", tmp_path)
    # indicator titles on row 14; 政策知晓率, the 6th indicator, on row 20; 总分 row 25, 等级 row 26
    assert ev.source_of("indicators[0].target") == "14表!D15"
    assert ev.source_of("indicators[5].actual") == "14表!E20"
    assert ev.source_of("indicators[5].stated_score") == "14表!G20"
    assert ev.source_of("indicators[6].name") == "14表!C22"  # after the skipped 生态效益 row
    assert ev.source_of("stated.total") == "14表!G25"
    assert ev.source_of("stated.total_weight") == "14表!F25"
    assert ev.source_of("stated.grade") == "14表!F26"


def test_r15_department_table_with_inline_splits(tmp_path: Path) -> None:
    ev, _ = imported("R15", tmp_path)
    assert ev.kind is EvaluationKind.DEPARTMENT
    assert ev.project is None
    assert ev.year == 2021
    assert ev.unit.name == "零陵区林业局"
    assert ev.budget.unit is AmountUnit.WAN
    assert (ev.budget.initial, ev.budget.adjusted, ev.budget.executed) == (D("4753.66"), D("4753.66"), D("3824.26"))
    assert ev.budget.by_source == (
        BudgetLine("一般公共预算", adjusted=D("1873.66")),
        BudgetLine("其他资金", adjusted=D("2880")),
    )
    assert ev.budget.by_nature == (
        BudgetLine("基本支出", adjusted=D("1768.16")),
        BudgetLine("项目支出", adjusted=D("2985.5")),
    )
    assert ev.stated.execution_rate == D(100)  # as printed, although 3824.26 / 4753.66 = 80.45 %
    assert len(ev.indicators) == 10
    area = ev.indicators[0].target
    assert (area.value, area.unit) == (D("1.2"), "万亩")
    assert ev.indicators[8].actual.unit == "亿元"
    assert ev.import_notes == ()


def test_r09_percent_cell_and_date_target(tmp_path: Path) -> None:
    ev, drawing = imported("R09", tmp_path)
    assert ev.year == 2023
    assert ev.stated.execution_rate == D("97.80")  # 0.978 shown as "0.00%"
    assert (ev.stated.execution_weight, ev.stated.execution_score) == (D(10), D(9))
    assert (ev.budget.adjusted, ev.budget.executed) == (D("32.4"), D("31.69"))
    deadline = ev.indicators[2]
    assert deadline.name == "项目完工时限"
    assert deadline.target.text == "2023年12月"
    assert (deadline.target.kind, deadline.target.value) == (MeasureKind.DATE, D(20231231))
    assert deadline.actual.value == D(20231031)
    assert ev.indicators[0].deviation_note == "无"
    # the table starts at B2: sources follow it
    assert ev.source_of("budget.adjusted") == f"项目自评表!{drawing.at['budget.adjusted']}" == "项目自评表!F8"
    assert ev.source_of("stated.execution_rate") == "项目自评表!I8"


def test_r04_weights_missing_and_fractional_rate_noted(tmp_path: Path) -> None:
    ev, _ = imported("R04", tmp_path)
    assert ev.year == 2019  # not in the title: taken from the project name, not from 填报日期 2022
    assert ev.source_of("year") == ev.source_of("project.name")
    assert [indicator.weight for indicator in ev.indicators] == [None] * 5
    assert [indicator.stated_score for indicator in ev.indicators] == [D("8.0"), D("7.3"), D("31.9"), D("10.5"),
                                                                        D("11.1")]
    assert ev.stated.execution_rate == D(10)
    assert (ev.stated.execution_weight, ev.stated.execution_score) == (D(20), D("2.9"))
    assert (ev.stated.total, ev.stated.grade) == (D("71.7"), None)
    assert ev.import_notes == (("Sheet1!H7", "执行率“0.1”没有百分号，按小数理解为 10%；如本意是 0.1%，请改写为“0.1%”"),)


def test_r07_cover_sheet_skipped_and_symbols_kept(tmp_path: Path) -> None:
    ev, _ = imported("R07", tmp_path)
    assert ev.year == 2019
    assert ev.unit.superior == "[155]濉溪县民政局"
    assert names(ev)[0] == "★★★农村低保发放人数(按月平均)"
    assert names(ev)[5] == "★农村低保标准"
    first = ev.indicators[0].target
    assert (first.text, first.relation, first.value, first.unit) == (">=21933人", Direction.GE, D(21933), "人")
    cap = ev.indicators[7].target
    assert (cap.relation, cap.value, cap.unit) == (Direction.LE, D(5300), "元/户")
    assert ev.indicators[3].deviation_note == "部分人员自然减员"
    assert ev.stated.total is None
    assert str(ev.source_of("budget.adjusted")).startswith("自评表!")


def test_r05_variant_titles_and_formula_without_cached_value(tmp_path: Path) -> None:
    ev, drawing = imported("R05", tmp_path)
    assert ev.year == 2020
    assert (ev.budget.adjusted, ev.budget.executed) == (D("65.66"), D("65.07"))
    assert ev.budget.by_source == (BudgetLine("财政拨款", None, D("65.66"), D("65.07")),)
    assert ev.stated.execution_rate == D(99)
    assert [i.weight for i in ev.indicators] == [D(15), D(15), D(10), D(10), D(30), D(10)]
    assert [i.stated_score for i in ev.indicators] == [D(13), D(15), D(10), D(10), D(27), D(9)]
    assert ev.indicators[0].actual.value == D(8676)
    assert ev.indicators[3].target.unit == "元"
    assert ev.indicators[0].deviation_note == "部分人员已参加其他保险"
    assert (ev.stated.total, ev.stated.total_weight) == (D(94), None)
    [(location, message)] = ev.import_notes
    assert location == f"自评表!{drawing.at['footer.weight']}"
    assert "公式" in message and "保存" in message


def test_r27_budget_only_department_table(tmp_path: Path) -> None:
    ev, _ = imported("R27", tmp_path)
    assert ev.kind is EvaluationKind.DEPARTMENT
    assert ev.indicators == ()
    assert ev.budget.executed == D("799.12")
    # 人员经费 / 公用经费 are details of 基本支出 and are not imported as splits
    assert ev.budget.by_nature == (BudgetLine("基本支出", executed=D("512.29")),
                                   BudgetLine("项目支出", executed=D("286.83")))
    assert ev.import_notes == ()


def test_r33_initial_budget_only_and_blank_indicator_values(tmp_path: Path) -> None:
    ev, _ = imported("R33", tmp_path)
    assert ev.year == 2016
    assert ev.project is not None and ev.project.name == "【体制】自管道路清扫保洁外包工作经费"
    assert (ev.budget.initial, ev.budget.adjusted, ev.budget.executed) == (D("310.2"), None, D("154.74"))
    assert (ev.stated.execution_rate, ev.stated.execution_score) == (D(50), D(5))
    [only] = ev.indicators
    assert only.target.is_blank and only.actual.is_blank
    assert (only.weight, only.stated_score) == (D("12.5"), D("12.5"))


def without_locations(evaluation: Evaluation) -> Evaluation:
    """The evaluation without what names cells (sources, notes, skipped rows): the same table drawn
    at another offset or as CSV must read the same apart from those."""
    return replace(evaluation, sources=(), import_notes=(), skipped_rows=())


@pytest.mark.parametrize("case_id", tablegen.case_ids())
@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_csv_version_imports_like_the_xlsx(case_id: str, encoding: str, tmp_path: Path) -> None:
    from_xlsx, _ = imported(case_id, tmp_path)
    from_csv, _ = imported(case_id, tmp_path, suffix=".csv", encoding=encoding)
    assert without_locations(from_csv) == without_locations(from_xlsx)
    assert [text for _, text in from_csv.skipped_rows] == [text for _, text in from_xlsx.skipped_rows]
    sheet = f"{case_id}.csv!"
    assert all(source.startswith(sheet) for _, source in from_csv.sources)


def test_gb18030_csv_is_really_not_utf8(tmp_path: Path) -> None:
    path, _ = tablegen.write_case("R15", tmp_path, suffix=".csv", encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    assert read_table(path).unit.name == "零陵区林业局"


def test_loader_dispatches_tables_to_the_importer(tmp_path: Path) -> None:
    path, _ = tablegen.write_case("R09", tmp_path)
    assert load_any(path).stated.execution_rate == D("97.80")


def test_every_recorded_source_points_into_the_sheet(tmp_path: Path) -> None:
    ev, _ = imported("R01", tmp_path)
    paths = [path for path, _ in ev.sources]
    assert len(paths) == len(set(paths))
    for path in ("unit.name", "project.name", "project.supervising_dept", "stated.execution_rate",
                 "budget.by_source[0].adjusted", "indicators[8].name", "indicators[8].weight", "goals.overall"):
        assert ev.source_of(path), path


@pytest.mark.parametrize("seed", range(12))
def test_benchmark_variants_import_like_their_case(seed: int, tmp_path: Path) -> None:
    """Other real title variants, offsets, cover sheets and "10分" cells change nothing read."""
    rng = random.Random(seed)
    case_id = tablegen.case_ids()[seed % len(tablegen.case_ids())]
    base, _ = imported(case_id, tmp_path)
    path, _ = tablegen.write_case(f"v{seed}", tmp_path, spec=tablegen.variant(case_id, rng))
    varied = read_table(path)
    assert without_locations(varied) == without_locations(base)
    assert len(varied.import_notes) == len(base.import_notes)
    assert [text for _, text in varied.skipped_rows] == [text for _, text in base.skipped_rows]


def test_xlsm_is_read_like_xlsx(tmp_path: Path) -> None:
    path, _ = tablegen.write_case("R07", tmp_path)
    macro = path.rename(tmp_path / "R07.xlsm")
    assert len(read_table(macro).indicators) == 9


def test_central_and_local_finance_rows_are_funding_sources(tmp_path: Path) -> None:
    """T12: 其中：中央财政资金 executed 1157.9 against a total of 1157.97 — a split that does not add up."""
    from jixiao.pipeline import evaluate_file

    ev, _ = imported("T12", tmp_path)
    assert [(line.name, line.adjusted, line.executed) for line in ev.budget.by_source] == [
        ("中央财政资金", D(2000), D("1157.9"))
    ]
    path, _ = tablegen.write_case("T12", tmp_path)
    [mismatch] = [f for f in evaluate_file(path).findings if f.code == "BUDGET_SOURCE_SUM_MISMATCH"]
    assert mismatch.severity.value == "P0" and "1157.9" in mismatch.message and "0.07" in mismatch.message
