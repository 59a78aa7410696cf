"""The self-evaluation table (自评表) as .xlsx in the standard layout (domain.md §4).

Sheet 自评表: title, header block, budget block (年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率
| 得分), 年度总体目标 (预期目标 | 实际完成情况), indicators with merged 一级/二级 cells, 总分 and 等级.
Sheet 评分说明: how every line was scored.

Two rules hold for every cell: numbers are stored as numbers (Decimal, with a number format),
and text from users is stored as text — :func:`put_text` forces the string type, so a
narrative that begins with "=" is never read as a formula, and strips the control
characters openpyxl refuses (:func:`jixiao.reports.sanitize.clean_text`).
"""

from __future__ import annotations

import io
import math
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.reports.document import EvaluationSheet, ReportContent
from jixiao.reports.sanitize import XLSX_CELL_LIMIT, clean_text, clip

COLUMNS = 8  # A..H
#: Column widths in Excel character units: 一级 二级 三级 指标值 完成值 分值 得分 偏差原因.
WIDTHS = (12, 20, 26, 15, 15, 9, 11, 40)
FONT_NAME = "宋体"
TITLE_FONT = Font(name="黑体", size=16)
HEAD_FONT = Font(name="黑体", size=10)
BODY_FONT = Font(name=FONT_NAME, size=10)
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
WRAP_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
AMOUNT_FORMAT = "0.00"
SCORE_FORMAT = "0.00"
WEIGHT_FORMAT = "General"
RATE_FORMAT = "0.00%"
LINE_HEIGHT_PT = 14
MAX_ROW_HEIGHT_PT = 409  # Excel's limit


def write_xlsx(content: ReportContent, out: Path | IO[bytes]) -> None:
    workbook = build_workbook(content)
    workbook.save(str(out) if isinstance(out, Path) else out)


def xlsx_bytes(content: ReportContent) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(content, buffer)
    return buffer.getvalue()


def build_workbook(content: ReportContent) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "自评表"
    _Layout(sheet, content.sheet, content.unit).write()
    _explanations(workbook.create_sheet("评分说明"), content.sheet)
    workbook.properties.title = content.sheet.title
    workbook.properties.creator = "jixiao"
    return workbook


# --- the one way text and numbers enter a cell --------------------------------------------


def put_text(
    sheet: Worksheet, row: int, col: int, text: str, *, align: Alignment = WRAP_LEFT, font: Font = BODY_FONT
) -> Any:
    """Write ``text`` as a string cell whatever it starts with ("=", "+", "-", "@")."""
    cell = sheet.cell(row=row, column=col)
    cell.value = clip(clean_text(text), XLSX_CELL_LIMIT)
    cell.data_type = "s"  # openpyxl would store "=…" as a formula
    cell.alignment = align
    cell.font = font
    return cell


def put_number(sheet: Worksheet, row: int, col: int, value: Decimal | None, number_format: str) -> Any:
    cell = sheet.cell(row=row, column=col)
    if value is None:
        return put_text(sheet, row, col, "—", align=WRAP_CENTER)
    cell.value = value
    cell.number_format = number_format
    cell.alignment = RIGHT
    cell.font = BODY_FONT
    return cell


class _Layout:
    def __init__(self, sheet: Worksheet, data: EvaluationSheet, unit: str) -> None:
        self.sheet = sheet
        self.data = data
        self.unit = unit
        self.row = 1
        self.table_top = 3

    def write(self) -> None:
        for i, width in enumerate(WIDTHS, start=1):
            self.sheet.column_dimensions[get_column_letter(i)].width = width
        self._title()
        self._header()
        self._budget()
        self._goals()
        self._indicators()
        self._footer()
        self._borders(self.table_top, self.row - 1)
        self._notes()
        self._print_setup()

    def merge_text(
        self, first: int, last: int, text: str, *, align: Alignment = WRAP_LEFT, font: Font = BODY_FONT, rows: int = 1
    ) -> None:
        """Text in columns ``first``..``last`` (1-based) of the current row, merged if wider than one."""
        put_text(self.sheet, self.row, first, text, align=align, font=font)
        if last > first or rows > 1:
            self.sheet.merge_cells(start_row=self.row, start_column=first, end_row=self.row + rows - 1, end_column=last)

    def _title(self) -> None:
        self.merge_text(1, COLUMNS, self.data.title, align=WRAP_CENTER, font=TITLE_FONT)
        self.sheet.row_dimensions[1].height = 30
        self.row = 2
        self.merge_text(
            1,
            COLUMNS,
            f"填报单位：{self.unit}　　金额单位：{self.data.amount_unit}",
            align=Alignment(horizontal="left", vertical="center"),
        )
        self.row = self.table_top = 3

    def _header(self) -> None:
        for label, value in self.data.header:
            self.merge_text(1, 2, label, align=WRAP_CENTER, font=HEAD_FONT)
            self.merge_text(3, COLUMNS, value or "—")
            self.row += 1

    def _budget(self) -> None:
        top = self.row
        put_text(self.sheet, top, 1, f"年度资金（{self.data.amount_unit}）", align=WRAP_CENTER, font=HEAD_FONT)
        titles = ("", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")
        for col, title in enumerate(titles, start=2):
            put_text(self.sheet, top, col, title, align=WRAP_CENTER, font=HEAD_FONT)
        self.row += 1
        for line in self.data.budget:
            put_text(self.sheet, self.row, 2, line.label)
            put_number(self.sheet, self.row, 3, line.initial, AMOUNT_FORMAT)
            put_number(self.sheet, self.row, 4, line.adjusted, AMOUNT_FORMAT)
            put_number(self.sheet, self.row, 5, line.executed, AMOUNT_FORMAT)
            put_number(self.sheet, self.row, 6, line.weight, WEIGHT_FORMAT)
            # a percentage is stored as a fraction (1.0219 shown as 102.19%); scaleb is exact
            put_number(self.sheet, self.row, 7, line.rate.scaleb(-2) if line.rate is not None else None, RATE_FORMAT)
            put_number(self.sheet, self.row, 8, line.score, SCORE_FORMAT)
            self._fit_height(self.row, ((line.label, WIDTHS[1]),))
            self.row += 1
        self.sheet.merge_cells(start_row=top, start_column=1, end_row=self.row - 1, end_column=1)

    def _goals(self) -> None:
        top = self.row
        put_text(self.sheet, top, 1, "年度总体目标", align=WRAP_CENTER, font=HEAD_FONT)
        self.merge_text(2, 5, "预期目标", align=WRAP_CENTER, font=HEAD_FONT)
        self.merge_text(6, COLUMNS, "实际完成情况", align=WRAP_CENTER, font=HEAD_FONT)
        self.row += 1
        self.merge_text(2, 5, self.data.goal or "—")
        self.merge_text(6, COLUMNS, self.data.achieved or "—")
        self._fit_height(self.row, ((self.data.goal, sum(WIDTHS[1:5])), (self.data.achieved, sum(WIDTHS[5:]))))
        self.sheet.merge_cells(start_row=top, start_column=1, end_row=self.row, end_column=1)
        self.row += 1

    def _indicators(self) -> None:
        titles = (
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        )
        for col, title in enumerate(titles, start=1):
            put_text(self.sheet, self.row, col, title, align=WRAP_CENTER, font=HEAD_FONT)
        self.row += 1
        first = self.row
        rows = self.data.indicators
        for line in rows:
            put_text(self.sheet, self.row, 1, line.l1, align=WRAP_CENTER)
            put_text(self.sheet, self.row, 2, line.l2, align=WRAP_CENTER)
            put_text(self.sheet, self.row, 3, line.name)
            put_text(self.sheet, self.row, 4, line.target, align=WRAP_CENTER)
            put_text(self.sheet, self.row, 5, line.actual, align=WRAP_CENTER)
            put_number(self.sheet, self.row, 6, line.weight, WEIGHT_FORMAT)
            put_number(self.sheet, self.row, 7, line.score, SCORE_FORMAT)
            put_text(self.sheet, self.row, 8, line.note or "—")
            self._fit_height(
                self.row,
                ((line.name, WIDTHS[2]), (line.target, WIDTHS[3]), (line.actual, WIDTHS[4]), (line.note, WIDTHS[7])),
            )
            self.row += 1
        self._merge_runs(first, [line.l1 for line in rows], 1)
        self._merge_runs(first, [f"{line.l1}\x00{line.l2}" for line in rows], 2)

    def _merge_runs(self, first: int, keys: list[str], col: int) -> None:
        start = 0
        for i in range(1, len(keys) + 1):
            if i < len(keys) and keys[i] == keys[start]:
                continue
            if i - start > 1:
                self.sheet.merge_cells(start_row=first + start, start_column=col, end_row=first + i - 1, end_column=col)
            start = i

    def _footer(self) -> None:
        self.merge_text(1, 5, "总分", align=WRAP_CENTER, font=HEAD_FONT)
        put_number(self.sheet, self.row, 6, self.data.total_weight, WEIGHT_FORMAT)
        put_number(self.sheet, self.row, 7, self.data.total, SCORE_FORMAT)
        put_text(self.sheet, self.row, 8, "")
        self.row += 1
        self.merge_text(1, 5, "等级", align=WRAP_CENTER, font=HEAD_FONT)
        self.merge_text(6, COLUMNS, self.data.grade, align=WRAP_CENTER, font=HEAD_FONT)
        self.row += 1

    def _notes(self) -> None:
        for note in self.data.notes:
            self.merge_text(1, COLUMNS, "注：" + note)
            self.row += 1

    def _borders(self, top: int, bottom: int) -> None:
        for row in self.sheet.iter_rows(min_row=top, max_row=bottom, max_col=COLUMNS):
            for cell in row:
                cell.border = BOX

    def _fit_height(self, row: int, texts: tuple[tuple[str, float], ...]) -> None:
        """Estimate the row height for wrapped text (Excel does not re-fit rows written by openpyxl)."""
        lines = 1
        for text, width in texts:
            # a CJK character is about two width units of a 10 pt 宋体 cell
            units = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
            lines = max(lines, math.ceil(units / max(width - 1, 1)) + text.count("\n"))
        if lines > 1:
            self.sheet.row_dimensions[row].height = min(lines * LINE_HEIGHT_PT, MAX_ROW_HEIGHT_PT)

    def _print_setup(self) -> None:
        sheet = self.sheet
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_title_rows = "1:2"
        sheet.print_options.horizontalCentered = True
        sheet.page_margins.left = sheet.page_margins.right = 0.5
        sheet.page_margins.top = sheet.page_margins.bottom = 0.75
        sheet.page_margins.header = sheet.page_margins.footer = 0.3
        sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
        sheet.print_area = f"A1:{get_column_letter(COLUMNS)}{self.row - 1}"


def _explanations(sheet: Worksheet, data: EvaluationSheet) -> None:
    widths = (14, 28, 8, 8, 90)
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    for col, title in enumerate(("一级指标", "指标", "分值", "得分", "计分说明"), start=1):
        put_text(sheet, 1, col, title, align=WRAP_CENTER, font=HEAD_FONT).border = BOX
    for row, note in enumerate(data.explanations, start=2):
        put_text(sheet, row, 1, note.l1).border = BOX
        put_text(sheet, row, 2, note.name).border = BOX
        put_number(sheet, row, 3, note.weight, WEIGHT_FORMAT).border = BOX
        put_number(sheet, row, 4, note.score, SCORE_FORMAT).border = BOX
        put_text(sheet, row, 5, note.explanation).border = BOX
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
