"""The overview as an .xlsx workbook. Text from users is always written as text, never as a
formula: a unit name beginning with "=" stays the string it is (openpyxl would otherwise
store it as a formula that Excel runs)."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from jixiao.web.reviews.selectors import Overview

HEADERS = ("单位编码", "单位名称", "项目名称", "状态", "总分", "等级", "预算执行率（%）", "P0", "P1", "P2", "最后修改")
WIDTHS = (14, 40, 24, 10, 8, 6, 16, 6, 6, 6, 18)


def _text(sheet: Any, row: int, column: int, value: str) -> None:
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    cell.data_type = "s"  # set after the value: openpyxl infers "f" for text starting with "="


def _number(sheet: Any, row: int, column: int, value: Any) -> None:
    if value is not None:
        sheet.cell(row=row, column=column, value=value)


def overview_xlsx(data: Overview) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "自评汇总"
    _text(sheet, 1, 1, f"{data.bureau.name} {data.filters.year} 年度绩效自评汇总")
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    for column, (title, width) in enumerate(zip(HEADERS, WIDTHS, strict=True), start=1):
        _text(sheet, 2, column, title)
        sheet.cell(row=2, column=column).font = Font(bold=True)
        sheet.cell(row=2, column=column).alignment = Alignment(horizontal="center")
        sheet.column_dimensions[sheet.cell(row=2, column=column).column_letter].width = width
    for offset, row in enumerate(data.rows):
        r = offset + 3
        version = row.version
        _text(sheet, r, 1, row.code)
        _text(sheet, r, 2, row.name)
        _text(sheet, r, 3, row.project)
        _text(sheet, r, 4, row.state_label)
        if version is not None:
            _number(sheet, r, 5, version.total)
            _text(sheet, r, 6, version.grade)
            _number(sheet, r, 7, version.execution_rate)
            for column, count in ((8, version.p0_count), (9, version.p1_count), (10, version.p2_count)):
                _number(sheet, r, column, count)
            _text(sheet, r, 11, row.updated)
    sheet.freeze_panes = "A3"
    out = BytesIO()
    book.save(out)
    return out.getvalue()
