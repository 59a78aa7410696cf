"""Excel files (.xlsx/.xlsm) → :class:`Grid` per worksheet, defensively.

Before openpyxl sees a file its zip directory is checked (size, entry count, compression
ratio, encryption, an Excel package at all), so a zip bomb or a renamed file is refused
with a Chinese message. Sheets are read in openpyxl's read-only mode and only the first
MAX_ROWS × MAX_COLS cells are taken. Read-only mode does not report merged ranges or
formulas, so both are read from the sheet XML by a streaming scan.
"""

from __future__ import annotations

import contextlib
import re
import warnings
import zipfile
from collections.abc import Generator
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import unescape

from jixiao.core.numbers import round_half_up
from jixiao.ingest.errors import InputError
from jixiao.ingest.grid import MAX_COLS, MAX_ROWS, CellValue, Grid, Merge, Unreadable, parse_cell_name, plain
from jixiao.ingest.limits import MAX_UNPACKED_BYTES, SUSPECT_BYTES, MiB

MAX_ENTRIES = 5000
#: A member above SUSPECT_BYTES unpacked that shrank more than MAX_RATIO times is a zip bomb.
MAX_RATIO = 100
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and password-protected .xlsx
EXCEL_ERRORS = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#GETTING_DATA"})
NO_CACHE = "公式没有保存计算结果；请在 Excel 中打开并保存后再导入，或直接填写数值"
FORMULA_ERROR = "公式计算出错；请在 Excel 中修正公式或直接填写数值"
_FLOAT_PLACES = Decimal("1e-9")


def check_archive(path: Path, file: str) -> None:
    """Refuse what is not a sane .xlsx package, from its zip directory alone."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError:
        raise InputError("文件无法读取，请检查路径和权限", file=file) from None
    if head.startswith(OLE_MAGIC):
        raise InputError("这是旧版 Excel（.xls）文件或设置了打开密码的文件；请取消密码并在 Excel 中另存为"
                         "“Excel 工作簿（.xlsx）”后再导入", file=file)
    if not head.startswith(b"PK"):
        raise InputError("不是有效的 Excel 文件（.xlsx 应为 zip 压缩包）：文件可能已损坏，或由其他格式改名而来；"
                         "请在 Excel 中另存为 .xlsx 后再导入", file=file)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError) as error:
        raise InputError("Excel 文件已损坏，无法解压；请在 Excel 中打开并另存为 .xlsx 后再导入",
                         file=file) from error
    _check_entries(infos, file)


def _check_entries(infos: list[zipfile.ZipInfo], file: str) -> None:
    if len(infos) > MAX_ENTRIES:
        raise InputError(f"压缩包内有 {len(infos)} 个文件，超过上限 {MAX_ENTRIES}，不像自评表；请检查文件",
                         file=file)
    total = 0
    for info in infos:
        total += info.file_size
        if info.flag_bits & 0x1:
            raise InputError("文件已加密，请取消密码保护后再导入", file=file, location=info.filename)
        if info.file_size > SUSPECT_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise InputError(f"压缩比异常（{info.file_size // max(info.compress_size, 1)} 倍），疑似压缩炸弹，已拒绝；"
                             "请提供正常保存的 Excel 文件", file=file, location=info.filename)
    if total > MAX_UNPACKED_BYTES:
        raise InputError(f"解压后大小 {total / MiB:.0f} MB 超过上限 {MAX_UNPACKED_BYTES / MiB:.0f} MB"
                         "（疑似压缩炸弹），已拒绝；请删除无关工作表、图片后再导入", file=file)
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or not any(name.startswith("xl/") for name in names):
        raise InputError("压缩包中没有 Excel 工作簿，不是 .xlsx 文件；请在 Excel 中另存为 .xlsx 后再导入", file=file)


def read_sheets(path: Path, file: str) -> Generator[Grid, None, None]:
    """Each worksheet as a grid, in workbook order (the caller stops at the first table)."""
    import openpyxl  # only table imports need it

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it drops
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as error:  # openpyxl raises many types on bad input; none may reach a user
        raise InputError("无法读取 Excel 文件内容，文件可能已损坏或不是自评表；请在 Excel 中打开并另存为 .xlsx "
                         "后再导入", file=file) from error
    try:
        for sheet in workbook.worksheets:
            yield _read_sheet(path, sheet, file)
    finally:
        workbook.close()


def _read_sheet(path: Path, sheet: Any, file: str) -> Grid:
    name = str(sheet.title)
    try:
        merges, pending = _scan_xml(path, getattr(sheet, "_worksheet_path", None))
        cells: dict[tuple[int, int], CellValue] = {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for r, row in enumerate(sheet.iter_rows(min_row=1, max_row=MAX_ROWS, max_col=MAX_COLS)):
                for c, cell in enumerate(row):
                    if cell.value is not None:
                        value = convert(cell.value, cell)
                        if value is not None:
                            cells[(r, c)] = value
    except InputError:
        raise
    except Exception as error:
        raise InputError("工作表内容无法读取，文件可能已损坏；请在 Excel 中另存为 .xlsx 后再导入",
                         file=file, location=name) from error
    for position, formula in pending.items():
        cells.setdefault(position, Unreadable(formula, NO_CACHE))
    return Grid.build(name, cells, merges)


def convert(value: object, cell: Any = None) -> CellValue:
    """An openpyxl value as a grid value: floats become Decimals, percent cells "97.80%"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        number = decimal_of(value)
        if number is None:
            return Unreadable(str(value), "不是有效的数字")
        number_format = _number_format(cell)
        if "%" in number_format:
            return percent_text(number, number_format)
        return number
    if isinstance(value, str):
        if value.strip() in EXCEL_ERRORS:
            return Unreadable(value.strip(), FORMULA_ERROR)
        return value
    if isinstance(value, datetime | date):
        return date_text(value, _number_format(cell))
    if isinstance(value, time | timedelta):
        return str(value)
    return str(value)


def decimal_of(value: int | float) -> Decimal | None:
    """Decimal(str(x)) is the shortest repr; round off binary artefacts (0.1 + 0.2)."""
    if isinstance(value, int):
        return Decimal(value)
    number = Decimal(str(value))
    if not number.is_finite():
        return None
    if abs(number) < 10**15:
        with contextlib.suppress(InvalidOperation):  # too many digits to round: keep as is
            number = number.quantize(_FLOAT_PLACES)
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()


def percent_text(number: Decimal, number_format: str) -> str:
    """0.978 shown as "0.00%" → "97.80%": the figure as printed."""
    section = number_format.split(";", 1)[0]
    match = re.search(r"\.(0+)", section)
    places = len(match.group(1)) if match else 0
    return f"{plain(round_half_up(number * 100, places))}%"


def date_text(value: date, number_format: str) -> str:
    """A date cell as people write it: "2023年12月" (no day shown) or "2023年12月31日"."""
    if "d" in number_format.lower():
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.year}年{value.month}月"


def _number_format(cell: Any) -> str:
    try:
        return str(cell.number_format) if cell is not None else "General"
    except Exception:  # a broken style table must not stop the import
        return "General"


# --- merged ranges and formulas from the sheet XML -------------------------------------

_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3}[0-9]{1,7})"')
_FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)
_VALUE = re.compile(rb"<(?:\w+:)?v\b[^>]*>\s*[^<\s]", re.S)
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]{1,3}[0-9]{1,7})(?::([A-Z]{1,3}[0-9]{1,7}))?"')
_ENDS = (b"</c>", b":c>", b"</row>", b":row>")
_CHUNK = 1 << 20


def _scan_xml(path: Path, member: str | None) -> tuple[list[Merge], dict[tuple[int, int], str]]:
    """Merged ranges, and formula cells that carry no cached value, of one worksheet part."""
    merges: list[Merge] = []
    pending: dict[tuple[int, int], str] = {}
    if not member:
        return merges, pending
    with zipfile.ZipFile(path) as archive:
        try:
            info = archive.getinfo(member.lstrip("/"))
        except KeyError:  # a part openpyxl found by another spelling: no merges known
            return merges, pending
        _scan_stream(archive.open(info), merges, pending)
    return merges, pending


def _scan_stream(stream: IO[bytes], merges: list[Merge], pending: dict[tuple[int, int], str]) -> None:
    with stream:
        buffer = b""
        while True:
            chunk = stream.read(_CHUNK)
            buffer += chunk
            cut = len(buffer) if not chunk else _last_end(buffer)
            if cut > 0:
                _scan_part(buffer[:cut], merges, pending)
                buffer = buffer[cut:]
            if not chunk:
                return


def _last_end(buffer: bytes) -> int:
    """Just after the last complete cell or row, so no cell is cut in two between chunks."""
    found = [buffer.rfind(end) + len(end) for end in _ENDS if buffer.rfind(end) >= 0]
    return max(found, default=0)


def _scan_part(part: bytes, merges: list[Merge], pending: dict[tuple[int, int], str]) -> None:
    if b"f>" in part or b"f " in part or b"f/" in part:
        for match in _CELL.finditer(part):
            body = match.group(2)
            if not body:
                continue
            formula = _FORMULA.search(body)
            if formula is None or _VALUE.search(body):
                continue
            ref = _REF.search(match.group(1))
            position = parse_cell_name(ref.group(1).decode()) if ref else None
            if position and position[0] < MAX_ROWS and position[1] < MAX_COLS:
                text = unescape((formula.group(1) or b"").decode("utf-8", "replace"))
                pending[position] = f"公式 ={text}" if text else "共享公式"
    for match in _MERGE.finditer(part):
        first = parse_cell_name(match.group(1).decode())
        last = parse_cell_name(match.group(2).decode()) if match.group(2) else first
        if first and last:
            merges.append((first[0], first[1], last[0], last[1]))
