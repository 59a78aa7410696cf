"""The 绩效目标申报表 as .xlsx and .docx, in the layout common to declaration forms (docs/targets.md#declaration).

Header rows (project, units, period, funds by source), the overall and annual goals, then the
indicator table (一级 / 二级 / 三级指标, 指标值, 计量单位, 分值, 上年实际完成值). User text is
always written as text: a name starting with "=" never becomes a formula.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from docx import Document
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from jixiao.core.numbers import fmt
from jixiao.core.targets.model import Declaration
from jixiao.reports.sanitize import clean_text

INDICATOR_HEADERS = ("一级指标", "二级指标", "三级指标", "指标值", "计量单位", "分值", "上年实际完成值")


def _amount(value: Decimal | None) -> str:
    return "" if value is None else fmt(value)


def header_rows(declaration: Declaration) -> list[tuple[str, str, str, str]]:
    funds = declaration.funds
    period = ""
    if declaration.period_start or declaration.period_end:
        period = f"{declaration.period_start or ''}—{declaration.period_end or ''}"
    return [
        ("项目名称", declaration.project or "部门整体", "申报单位", declaration.unit),
        ("主管部门", declaration.supervising_dept, "实施单位", declaration.implementing_unit),
        ("项目性质", declaration.nature, "项目类别", declaration.category),
        ("实施期", period, "项目总金额（万元）", _amount(funds.total)),
        ("本年度申请金额（万元）", _amount(funds.request), "其中：财政拨款", _amount(funds.fiscal)),
        ("上年结转", _amount(funds.carryover), "其他资金", _amount(funds.other)),
    ]


def indicator_rows(declaration: Declaration) -> list[tuple[str, ...]]:
    return [
        (i.l1, i.l2, i.name, i.target.text, i.unit, _amount(i.weight), i.last_year.text) for i in declaration.indicators
    ]


def _text(sheet: Any, row: int, column: int, value: str) -> Any:
    cell = sheet.cell(row=row, column=column)
    cell.value = clean_text(value)
    cell.data_type = "s"  # after the value: openpyxl reads text starting with "=" as a formula
    return cell


def declaration_xlsx(declaration: Declaration) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "绩效目标申报表"
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center")
    title = _text(sheet, 1, 1, f"{declaration.year} 年度项目支出绩效目标申报表" if declaration.project
                  else f"{declaration.year} 年度部门整体支出绩效目标申报表")  # fmt: skip
    title.font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=7)
    title.alignment = Alignment(horizontal="center")
    row = 2
    for a, b, c, d in header_rows(declaration):
        _text(sheet, row, 1, a).font = Font(bold=True)
        _text(sheet, row, 2, b)
        sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=3)
        _text(sheet, row, 4, c).font = Font(bold=True)
        _text(sheet, row, 5, d)
        sheet.merge_cells(start_row=row, start_column=5, end_row=row, end_column=7)
        row += 1
    for label, text in (("总体目标", declaration.overall_goal), ("年度目标", declaration.annual_goal)):
        _text(sheet, row, 1, label).font = Font(bold=True)
        _text(sheet, row, 2, text).alignment = wrap
        sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=7)
        sheet.row_dimensions[row].height = 48
        row += 1
    for column, name in enumerate(INDICATOR_HEADERS, start=1):
        cell = _text(sheet, row, column, name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    row += 1
    for values in indicator_rows(declaration):
        for column, value in enumerate(values, start=1):
            _text(sheet, row, column, value).alignment = wrap
        row += 1
    for line in sheet.iter_rows(min_row=2, max_row=row - 1, max_col=7):
        for cell in line:
            cell.border = border
    for letter, width in zip("ABCDEFG", (14, 16, 30, 16, 12, 8, 16), strict=True):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def declaration_docx(declaration: Declaration) -> bytes:
    document = Document()
    style = document.styles["Normal"]
    style.font.size = Pt(10.5)
    kind = "项目支出" if declaration.project else "部门整体支出"
    heading = document.add_heading(f"{declaration.year} 年度{kind}绩效目标申报表", level=1)
    heading.alignment = 1
    header = document.add_table(rows=0, cols=4)
    header.style = "Table Grid"
    for head in header_rows(declaration):
        cells = header.add_row().cells
        for cell, value in zip(cells, head, strict=True):
            cell.text = clean_text(value)
    goals = document.add_table(rows=0, cols=2)
    goals.style = "Table Grid"
    for label, text in (("总体目标", declaration.overall_goal), ("年度目标", declaration.annual_goal)):
        cells = goals.add_row().cells
        cells[0].text = label
        cells[1].text = clean_text(text)
    document.add_paragraph("绩效指标")
    table = document.add_table(rows=1, cols=len(INDICATOR_HEADERS))
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, INDICATOR_HEADERS, strict=True):
        cell.text = name
    for values in indicator_rows(declaration):
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = clean_text(value)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
