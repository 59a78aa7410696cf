"""Charts' tables as .xlsx: user text (unit names) is always written as text, never as a formula."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

Cell = str | int | Decimal | None


def _put(sheet: Any, row: int, column: int, value: Cell) -> None:
    if value is None:
        return
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # after the value: openpyxl reads text starting with "=" as a formula


def table_xlsx(title: str, headers: Sequence[str], rows: Sequence[Sequence[Cell]], sheet_name: str = "数据") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_name[:31]
    _put(sheet, 1, 1, title)
    sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
    for column, header in enumerate(headers, start=1):
        _put(sheet, 2, column, header)
        sheet.cell(row=2, column=column).font = Font(bold=True)
        sheet.column_dimensions[sheet.cell(row=2, column=column).column_letter].width = max(10, 2 * len(header) + 2)
    for offset, values in enumerate(rows):
        for column, value in enumerate(values, start=1):
            _put(sheet, offset + 3, column, value)
    sheet.freeze_panes = "A3"
    out = BytesIO()
    book.save(out)
    return out.getvalue()
