"""The library and the monitoring overview as .xlsx; reading a library workbook back.

Text from users is written as text, never as a formula (a name beginning with "=" stays text).
"""

from __future__ import annotations

import io
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from jixiao.core.numbers import to_decimal
from jixiao.core.targets.model import LibraryEntry
from jixiao.core.targets.monitoring import Light
from jixiao.core.values import Direction
from jixiao.ingest.errors import InputError
from jixiao.ingest.xlsx import check_archive
from jixiao.reports.sanitize import clean_text
from jixiao.web.targets.errors import TargetsError

LIBRARY_HEADERS = (
    "指标编码", "行业", "项目类型", "一级指标", "二级指标", "三级指标", "指标解释", "指标性质", "计量单位",
    "评分方法", "常见指标值", "必选", "标准值",
)  # fmt: skip
_DIRECTIONS = {d.label: d for d in Direction} | {"正向": Direction.GE, "反向": Direction.LE}


def _text(sheet: Any, row: int, column: int, value: str) -> None:
    cell = sheet.cell(row=row, column=column)
    cell.value = clean_text(value)
    cell.data_type = "s"


def _number(sheet: Any, row: int, column: int, value: Decimal | None) -> None:
    if value is not None:
        sheet.cell(row=row, column=column, value=value)


def library_xlsx(entries: list[LibraryEntry]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "指标库"
    for column, name in enumerate(LIBRARY_HEADERS, start=1):
        _text(sheet, 1, column, name)
        sheet.cell(row=1, column=column).font = Font(bold=True)
    for r, e in enumerate(entries, start=2):
        texts = (e.code, e.sector, e.project_type, e.l1, e.l2, e.name, e.explanation, e.direction.label, e.unit,
                 e.scoring, e.typical, "是" if e.locked else "否")  # fmt: skip
        for column, value in enumerate(texts, start=1):
            _text(sheet, r, column, value)
        _number(sheet, r, 13, e.floor)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_library_xlsx(data: bytes) -> list[LibraryEntry]:
    """Entries from a workbook laid out like :func:`library_xlsx`; TargetsError names the bad cell."""
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        handle.write(data)
        handle.flush()
        try:
            check_archive(Path(handle.name), "指标库")  # encrypted files and zip bombs are refused unread
        except InputError as error:
            raise TargetsError(error.message) from None
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise TargetsError("无法读取该文件：请上传 .xlsx 格式的指标库（可先导出一份作为模板）") from None
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    if not rows or tuple(str(v or "").strip() for v in rows[0][: len(LIBRARY_HEADERS)]) != LIBRARY_HEADERS:
        raise TargetsError(f"第 1 行应为表头：{'、'.join(LIBRARY_HEADERS)}")
    entries = []
    for number, row in enumerate(rows[1:], start=2):
        values = [("" if v is None else str(v).strip()) for v in (*row, *[None] * len(LIBRARY_HEADERS))]
        if not any(values[: len(LIBRARY_HEADERS)]):
            continue
        code, sector, ptype, l1, l2, name, explanation, direction, unit, scoring, typical, locked, floor = values[:13]
        if not code or not name or not l1 or not l2:
            raise TargetsError(f"第 {number} 行：指标编码、一级指标、二级指标、三级指标不能为空")
        if direction and direction not in _DIRECTIONS:
            raise TargetsError(f"第 {number} 行：指标性质“{direction}”无效，应为 ≥、≤、= 或 定性")
        floor_value = to_decimal(floor) if floor else None
        if floor and floor_value is None:
            raise TargetsError(f"第 {number} 行：标准值“{floor}”应为数字")
        entries.append(
            LibraryEntry(
                code=code,
                l1=l1,
                l2=l2,
                name=name,
                sector=sector,
                project_type=ptype,
                explanation=explanation,
                direction=_DIRECTIONS.get(direction, Direction.GE),
                unit=unit,
                scoring=scoring,
                typical=typical,
                locked=locked in ("是", "Y", "y", "1", "TRUE", "True"),
                floor=floor_value,
            )
        )
    return entries


OVERVIEW_HEADERS = ("单位编码", "单位名称", "项目", "可用预算（万元）", "预算执行率（%）", "落后序时进度（百分点）",
                    "预算执行灯", "目标灯", "综合灯", "重点监控排序值", "已填报", "P0", "P1")  # fmt: skip


def overview_xlsx(title: str, rows: list[dict[str, Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "运行监控汇总"
    _text(sheet, 1, 1, title)
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    for column, name in enumerate(OVERVIEW_HEADERS, start=1):
        _text(sheet, 2, column, name)
        sheet.cell(row=2, column=column).font = Font(bold=True)
    for r, row in enumerate(rows, start=3):
        _text(sheet, r, 1, row["unit__code"])
        _text(sheet, r, 2, row["unit__name"])
        _text(sheet, r, 3, row["declaration__project"] or "部门整体")
        _number(sheet, r, 4, row["available"])
        _number(sheet, r, 5, row["execution_rate"])
        _number(sheet, r, 6, row["lag"])
        _text(sheet, r, 7, Light(row["budget_light"]).label)
        _text(sheet, r, 8, Light(row["target_light"]).label)
        _text(sheet, r, 9, Light(row["overall_light"]).label)
        _number(sheet, r, 10, row["priority"])
        _text(sheet, r, 11, "是" if row["submitted"] else "否")
        sheet.cell(row=r, column=12, value=row["p0_count"])
        sheet.cell(row=r, column=13, value=row["p1_count"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
