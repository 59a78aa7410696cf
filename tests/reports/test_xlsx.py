"""The self-evaluation table (.xlsx), reopened with openpyxl: layout, numbers, text stays text."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from openpyxl.cell.cell import MergedCell

from jixiao.core.framework import Framework
from jixiao.core.model import Evaluation
from jixiao.core.scoring import Scorecard
from jixiao.reports.content import build_content
from jixiao.reports.document import ReportContent
from jixiao.reports.xlsx_writer import xlsx_bytes
from tests.reports.conftest import FORMULA


def reopen(content: ReportContent) -> Any:
    return openpyxl.load_workbook(io.BytesIO(xlsx_bytes(content)))


@pytest.fixture(scope="module")
def sheet(seed_content: ReportContent) -> Any:
    return reopen(seed_content)["自评表"]


def find(sheet: Any, value: object) -> Any:
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == value:
                return cell
    raise AssertionError(f"{value!r} not in sheet")


def right_of(sheet: Any, cell: Any, offset: int) -> Any:
    return sheet.cell(row=cell.row, column=cell.column + offset)


def test_title_and_header_block(sheet: Any) -> None:
    assert sheet["A1"].value == "2021年度部门整体支出绩效自评表"
    assert "A1:H1" in {str(r) for r in sheet.merged_cells.ranges}
    label = find(sheet, "部门（单位）名称")
    assert right_of(sheet, label, 2).value == "东湖区城市综合管理协调领导小组办公室"


def test_budget_block_stores_numbers_as_numbers(sheet: Any) -> None:
    headers = [c.value for c in sheet[find(sheet, "年初预算数").row]][2:]
    assert headers == ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
    total = find(sheet, "年度资金总额")
    values = [right_of(sheet, total, i).value for i in range(1, 7)]
    assert [Decimal(str(v)) for v in values] == [
        Decimal(x) for x in ("153", "1464.48", "1496.62", "10", "1.0219", "10")
    ]
    cells = [right_of(sheet, total, i) for i in range(1, 7)]
    assert all(cell.data_type == "n" for cell in cells)
    assert cells[1].number_format == "0.00" and cells[4].number_format == "0.00%"
    for label in (
        "其中：本年财政拨款",
        "\u3000\u3000上年结转资金",
        "\u3000\u3000其他资金",
        "按支出性质：基本支出",
        "\u3000\u3000项目支出",
    ):
        find(sheet, label)
    basic = find(sheet, "按支出性质：基本支出")
    assert float(right_of(sheet, basic, 2).value) == 147.79 and float(right_of(sheet, basic, 3).value) == 179.93


def test_goals_block_and_indicator_table_with_merged_levels(sheet: Any) -> None:
    assert right_of(sheet, find(sheet, "年度总体目标"), 1).value == "预期目标"
    header = find(sheet, "一级指标")
    assert [c.value for c in sheet[header.row]] == [
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
    ]
    first = header.row + 1
    ranges = {str(r) for r in sheet.merged_cells.ranges}
    assert f"A{first}:A{first + 9}" in ranges  # 产出指标, ten indicators
    assert f"B{first}:B{first + 5}" in ranges  # 数量指标, six
    row = sheet[first + 7]  # 无障碍设施点位达标率
    assert [c.value for c in row[2:5]] == ["无障碍设施点位达标率", "≥60%", "48.6%"]
    assert float(row[6].value) == 4.86 and row[6].number_format == "0.00"


def notes_of(sheet: Any) -> list[str]:
    return [c.value for c in sheet["A"] if isinstance(c.value, str) and c.value.startswith("注：")]


def test_total_and_grade_footer(seed: tuple[Evaluation, Framework, Scorecard]) -> None:
    evaluation, framework, card = seed
    review = build_content(evaluation, card, framework=framework, review_copy=True)  # totals the computed score
    sheet = reopen(review)["自评表"]
    total = find(sheet, "总分")
    weight, score = right_of(sheet, total, 5), right_of(sheet, total, 6)
    # formulas over the lines above (so an edited score changes the total in Excel/WPS) …
    execution = find(sheet, "年度资金总额").row
    first, last = find(sheet, "一级指标").row + 1, total.row - 1
    assert weight.value == f"=SUM(F{first}:F{last},F{execution})"
    assert score.value == f"=SUM(G{first}:G{last},H{execution})"
    # … with the scorer's figures cached, for programs and viewers that do not calculate
    cached = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(review)), data_only=True)["自评表"]
    assert cached[weight.coordinate].value == 100 and cached[score.coordinate].value == 97.75
    lines = [sheet.cell(row=r, column=7).value for r in range(first, last + 1)]
    assert sum(Decimal(str(v)) for v in lines if isinstance(v, (int, float, Decimal))) + Decimal(
        str(sheet[f"H{execution}"].value)
    ) == Decimal("97.75")
    assert right_of(sheet, find(sheet, "等级"), 5).value == "优"
    notes = notes_of(sheet)  # the unit's own figures beside the computed ones: review copy only
    assert any("102.2%" in n for n in notes) and any("89.8" in n and "良" in n for n in notes)


def test_publication_copy_totals_the_score_the_unit_adopts(sheet: Any) -> None:
    total = find(sheet, "总分")
    score = right_of(sheet, total, 6)
    assert score.value == 89.8 or float(score.value) == 89.8  # a figure, not a SUM that would say 97.75
    assert right_of(sheet, find(sheet, "等级"), 5).value == "良"
    assert notes_of(sheet) == []


def test_print_setup_is_a4_landscape_with_repeated_titles(sheet: Any) -> None:
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.page_setup.orientation == "landscape"
    header = find(sheet, "一级指标").row  # the indicator table's header row repeats on every page
    assert sheet.print_title_rows == f"${header}:${header}"
    assert sheet.print_area == f"'自评表'!$A$1:$H${find(sheet, '等级').row + len(notes_of(sheet))}"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.column_dimensions["H"].width == 40
    assert find(sheet, "三级指标").alignment.wrap_text


def test_every_table_cell_has_a_border(sheet: Any) -> None:
    bottom = find(sheet, "等级").row
    for row in sheet.iter_rows(min_row=3, max_row=bottom, max_col=8):
        for cell in row:
            if isinstance(cell, MergedCell):  # covered by a merge: the range's outline is drawn
                continue
            sides = (cell.border.left, cell.border.right, cell.border.top, cell.border.bottom)
            assert {side.style for side in sides} == {"thin"}, cell.coordinate


def test_score_explanations_sheet(seed_content: ReportContent) -> None:
    notes = reopen(seed_content)["评分说明"]
    assert [c.value for c in notes[1]] == ["一级指标", "指标", "分值", "得分", "计分说明"]
    texts = [c.value for c in notes["E"]]
    assert any(isinstance(t, str) and "6 × 48.6 ÷ 60 = 4.86" in t for t in texts)


def test_user_text_is_never_a_formula(hostile: tuple[Evaluation, Scorecard, ReportContent]) -> None:
    _, _, content = hostile
    data = xlsx_bytes(content)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):  # only jixiao's two totals are formulas
                formulas = re.findall(rb"<f>([^<]*)</f>", archive.read(name))
                assert all(re.fullmatch(rb"SUM\([A-H]\d+:[A-H]\d+,[A-H]\d+\)", f) for f in formulas), formulas
                assert len(formulas) == (2 if name.endswith("sheet1.xml") else 0)
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["自评表"]
    for value in ("=1+1", "<≥6842户>"):
        cell = find(sheet, value)
        assert cell.data_type == "s"
    for start in ("=", "+", "-", "@"):
        cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith(start)]
        assert all(c.data_type == "s" or c.value.startswith("=SUM(") for c in cells)
    assert find(sheet, "=东湖区<办公室>&“测试”").data_type == "s"
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(FORMULA in t for t in texts)
    assert any("<script>alert(1)</script>" in t and "😀🎉" in t for t in texts)
    assert not any(ch in t for t in texts for ch in "\x00\x01\x0b\x1f")


def test_long_text_is_kept_up_to_excels_cell_limit(hostile: tuple[Evaluation, Scorecard, ReportContent]) -> None:
    _, _, content = hostile
    sheet = reopen(content)["自评表"]
    lengths = [len(c.value) for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert max(lengths) <= 32767
    heights = [d.height for d in sheet.row_dimensions.values() if d.height]
    assert max(heights) <= 409


def test_text_longer_than_a_row_continues_on_rows_below(seed_content: ReportContent) -> None:
    """A note of 5,000 characters: each row shows what fits in 409 pt, the next row goes on."""
    note = "整改" * 2500
    line = replace(seed_content.sheet.indicators[0], note=note)
    lines = (line, *seed_content.sheet.indicators[1:])
    content = replace(seed_content, sheet=replace(seed_content.sheet, indicators=lines))
    sheet = reopen(content)["自评表"]
    cells = [c for row in sheet.iter_rows(min_col=3) for c in row]
    texts = [c.value for c in cells if isinstance(c.value, str) and "整改" in c.value]
    assert texts[0].endswith("（转下行）") and all(t.startswith("（接上行）") for t in texts[1:])
    joined = "".join(t.removeprefix("（接上行）").removesuffix("（转下行）") for t in texts)
    assert joined == note  # nothing cut
    for t in texts:  # each piece fits its row: 409 pt of 14 pt lines
        cell = next(c for row in sheet.iter_rows() for c in row if c.value == t)
        assert sheet.row_dimensions[cell.row].height <= 409
    # and the l1 merge covers the continuation rows
    assert any(r.min_col == 1 and r.max_row - r.min_row >= len(texts) for r in sheet.merged_cells.ranges)


def test_score_explanations_have_row_heights_and_a_print_area(seed_content: ReportContent) -> None:
    notes = reopen(seed_content)["评分说明"]
    rows = len(seed_content.sheet.explanations) + 1
    assert notes.print_area == f"'评分说明'!$A$1:$E${rows}"
    assert notes.print_title_rows == "$1:$1"
    assert all(notes.row_dimensions[r].height >= 14 for r in range(2, rows + 1))
