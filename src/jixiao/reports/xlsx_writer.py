"""The self-evaluation table (自评表) as .xlsx in the standard layout (docs/field.md#table).

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
import re
import zipfile
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
    workbook, cached = _build(content)
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = with_cached_values(buffer.getvalue(), cached)
    if isinstance(out, Path):
        out.write_bytes(data)
    else:
        out.write(data)


#: Cached results of the formulas jixiao writes, per worksheet part: {"xl/worksheets/sheet1.xml": {"G30": "97.75"}}.
Cached = dict[str, dict[str, str]]


def with_cached_values(data: bytes, cached: Cached) -> bytes:
    """Put each formula's value next to it (openpyxl writes formulas with an empty value).

    Excel and WPS recalculate on opening (fullCalcOnLoad) and whenever a reviewer edits a
    score; viewers that do not calculate, and programs reading the file, see the cached value.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            part = source.read(item.filename)
            for coordinate, value in cached.get(item.filename, {}).items():
                pattern = re.compile(rf'(<c r="{coordinate}"[^>]*><f>[^<]*</f>)<v\s*(?:/>|></v>)'.encode())
                part = pattern.sub(rb"\g<1><v>" + value.encode() + rb"</v>", part, count=1)
            target.writestr(item, part)
    return out.getvalue()


def xlsx_bytes(content: ReportContent) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(content, buffer)
    return buffer.getvalue()


def build_workbook(content: ReportContent) -> Workbook:
    return _build(content)[0]


def _build(content: ReportContent) -> tuple[Workbook, Cached]:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "自评表"
    layout = _Layout(sheet, content.sheet, content.unit)
    layout.write()
    _explanations(workbook.create_sheet("评分说明"), content.sheet)
    workbook.properties.title = content.sheet.title
    workbook.properties.creator = "jixiao"
    workbook.calculation.fullCalcOnLoad = True
    return workbook, {"xl/worksheets/sheet1.xml": layout.cached}


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


#: Lines a row can show at its greatest height (409 pt).
MAX_LINES = MAX_ROW_HEIGHT_PT // LINE_HEIGHT_PT
CONTINUED = "（转下行）"
CONTINUATION = "（接上行）"


def units(text: str) -> int:
    """Width in Excel's character units: a CJK character about two of a 10 pt 宋体 cell."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def line_count(text: str, width: float) -> int:
    per_line = max(width - 1, 1)
    return sum(max(math.ceil(units(line) / per_line), 1) for line in text.split("\n"))


def split_for_rows(text: str, width: float) -> list[str]:
    """``text`` in pieces that each fit one row of ``width`` at the greatest row height.

    A row of Excel is at most 409 pt high; longer text would be in the cell but neither
    shown nor printed. The first piece ends with "（转下行）", the others begin with "（接上行）",
    so a reader sees where the text goes on (docs/reports.md, 自评表).
    """
    if line_count(text, width) <= MAX_LINES:
        return [text]
    budget = (MAX_LINES - 1) * max(width - 1, 1)  # one line spare for the markers
    pieces: list[str] = []
    current: list[str] = []
    used = 0.0
    for ch in text:
        cost = max(width - 1, 1) if ch == "\n" else units(ch)
        if used + cost > budget and current:
            pieces.append("".join(current))
            current, used = [], 0
        current.append(ch)
        used += cost
    pieces.append("".join(current))
    return [
        (CONTINUATION if i else "") + piece + (CONTINUED if i < len(pieces) - 1 else "")
        for i, piece in enumerate(pieces)
    ]


class _Layout:
    def __init__(self, sheet: Worksheet, data: EvaluationSheet, unit: str) -> None:
        self.sheet = sheet
        self.data = data
        self.unit = unit
        self.row = 1
        self.table_top = 3
        self.budget_total_row = 0
        self.indicator_rows: list[int] = []
        self.indicator_header_row = 0
        self.cached: dict[str, str] = {}

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
        self.budget_total_row = self.row  # 年度资金总额: the execution weight and score
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
        goals = split_for_rows(self.data.goal or "—", sum(WIDTHS[1:5]))
        achieved = split_for_rows(self.data.achieved or "—", sum(WIDTHS[5:]))
        for i in range(max(len(goals), len(achieved))):
            goal = goals[i] if i < len(goals) else ""
            done = achieved[i] if i < len(achieved) else ""
            self.merge_text(2, 5, goal)
            self.merge_text(6, COLUMNS, done)
            self._fit_height(self.row, ((goal, sum(WIDTHS[1:5])), (done, sum(WIDTHS[5:]))))
            self.row += 1
        self.sheet.merge_cells(start_row=top, start_column=1, end_row=self.row - 1, end_column=1)

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
        self.indicator_header_row = self.row
        self.row += 1
        first = self.row
        keys: list[tuple[str, str]] = []
        for line in self.data.indicators:
            pieces = split_for_rows(line.note or "—", WIDTHS[7])
            put_text(self.sheet, self.row, 1, line.l1, align=WRAP_CENTER)
            put_text(self.sheet, self.row, 2, line.l2, align=WRAP_CENTER)
            put_text(self.sheet, self.row, 3, line.name)
            put_text(self.sheet, self.row, 4, line.target, align=WRAP_CENTER)
            put_text(self.sheet, self.row, 5, line.actual, align=WRAP_CENTER)
            put_number(self.sheet, self.row, 6, line.weight, WEIGHT_FORMAT)
            put_number(self.sheet, self.row, 7, line.score, SCORE_FORMAT)
            put_text(self.sheet, self.row, 8, pieces[0])
            self._fit_height(
                self.row,
                ((line.name, WIDTHS[2]), (line.target, WIDTHS[3]), (line.actual, WIDTHS[4]), (pieces[0], WIDTHS[7])),
            )
            self.indicator_rows.append(self.row)
            keys.append((line.l1, line.l2))
            self.row += 1
            for piece in pieces[1:]:  # the rest of a long note on rows below, across 三级指标 … 偏差原因
                put_text(self.sheet, self.row, 1, line.l1, align=WRAP_CENTER)
                put_text(self.sheet, self.row, 2, line.l2, align=WRAP_CENTER)
                self.merge_text(3, COLUMNS, piece)
                self._fit_height(self.row, ((piece, sum(WIDTHS[2:])),))
                keys.append((line.l1, line.l2))
                self.row += 1
        self._merge_runs(first, [l1 for l1, _ in keys], 1)
        self._merge_runs(first, [f"{l1}\x00{l2}" for l1, l2 in keys], 2)

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
        budget = self.data.budget[0] if self.data.budget else None
        weights = [line.weight for line in self.data.indicators] + [budget.weight if budget else None]
        scores = [line.score for line in self.data.indicators] + [budget.score if budget else None]
        self._total(6, self.data.total_weight, weights, WEIGHT_FORMAT, budget_col=6)
        self._total(7, self.data.total, scores, SCORE_FORMAT, budget_col=8)
        put_text(self.sheet, self.row, 8, "")
        self.row += 1
        self.merge_text(1, 5, "等级", align=WRAP_CENTER, font=HEAD_FONT)
        self.merge_text(6, COLUMNS, self.data.grade, align=WRAP_CENTER, font=HEAD_FONT)
        self.row += 1

    def _total(
        self, col: int, total: Decimal, parts: list[Decimal | None], number_format: str, *, budget_col: int
    ) -> None:
        """总分/分值 as a SUM of the lines above, with the scorer's figure as its cached value.

        Only when the lines add up to that figure (they do unless a line has no score): a
        reviewer who edits a score in Excel or WPS then sees the total follow. The formula is
        jixiao's own text; user text never becomes a formula (:func:`put_text`).
        """
        cell = put_number(self.sheet, self.row, col, total, number_format)
        if sum((p for p in parts if p is not None), Decimal(0)) != total or not self.indicator_rows:
            return
        letter = get_column_letter(col)
        ranges = [f"{letter}{self.indicator_rows[0]}:{letter}{self.indicator_rows[-1]}"]
        if self.budget_total_row:
            ranges.append(f"{get_column_letter(budget_col)}{self.budget_total_row}")
        cell.value = f"=SUM({','.join(ranges)})"
        self.cached[cell.coordinate] = format(total, "f")

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
        lines = max((line_count(text, width) for text, width in texts), default=1)
        self.sheet.row_dimensions[row].height = min(max(lines, 1) * LINE_HEIGHT_PT + 4, MAX_ROW_HEIGHT_PT)

    def _print_setup(self) -> None:
        sheet = self.sheet
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        # The indicator table's header row on every page the table continues on.
        sheet.print_title_rows = f"{self.indicator_header_row}:{self.indicator_header_row}"
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
    row = 2
    for note in data.explanations:
        pieces = split_for_rows(note.explanation, widths[4])
        put_text(sheet, row, 1, note.l1).border = BOX
        put_text(sheet, row, 2, note.name).border = BOX
        put_number(sheet, row, 3, note.weight, WEIGHT_FORMAT).border = BOX
        put_number(sheet, row, 4, note.score, SCORE_FORMAT).border = BOX
        for i, piece in enumerate(pieces):
            if i:
                for col in range(1, 5):
                    put_text(sheet, row, col, "").border = BOX
            put_text(sheet, row, 5, piece).border = BOX
            lines = max(line_count(piece, widths[4]), line_count(note.name, widths[1]), line_count(note.l1, widths[0]))
            sheet.row_dimensions[row].height = min(lines * LINE_HEIGHT_PT, MAX_ROW_HEIGHT_PT)
            row += 1
    sheet.print_area = f"A1:E{row - 1}"
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
