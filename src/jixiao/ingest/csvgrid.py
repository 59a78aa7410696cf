"""CSV files (UTF-8 with or without BOM, or GB18030) → one :class:`Grid` of strings.

A CSV saved from Excel has no merged cells: a merged range's value sits in its first cell
and the rest are blank, which the layout reader handles by carrying l1/l2 down.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from jixiao.ingest.errors import InputError
from jixiao.ingest.grid import MAX_COLS, MAX_ROWS, CellValue, Grid
from jixiao.ingest.textfile import decode, read_bytes


def read_csv(path: Path, file: str) -> Grid:
    data = read_bytes(path)
    if not data.strip():
        raise InputError("文件为空，没有可导入的内容；请重新导出自评表", file=file)
    if b"\x00" in data:
        raise InputError("不是文本格式的 CSV 文件（含二进制内容）；请在 Excel 中另存为“CSV UTF-8”后再导入",
                         file=file)
    text = decode(data, file)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows: list[list[CellValue]] = []
    try:
        for row in reader:
            rows.append(list(row[:MAX_COLS]))
            if len(rows) >= MAX_ROWS:
                break
    except csv.Error as error:
        raise InputError("CSV 格式错误（引号不配对或单元格过长）；请在 Excel 中重新另存为 CSV",
                         file=file, location=f"第 {reader.line_num} 行") from error
    return Grid.from_rows(path.name, rows)


def _delimiter(text: str) -> str:
    """Comma, unless the first lines are clearly tab- or semicolon-separated."""
    head = text[:4096]
    counts = {sep: head.count(sep) for sep in (",", "\t", ";")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else ","
