"""Self-evaluation tables (.xlsx/.xlsm/.csv) → :class:`Evaluation`.

``read_table(path)`` is the only entry point. It refuses oversized and malformed files
before parsing, turns each worksheet into a :class:`~jixiao.ingest.grid.Grid`, and reads the
first sheet whose layout it recognises (:mod:`jixiao.ingest.layout`). Every failure is an
:class:`InputError` in Chinese naming the file (and the sheet or cell where known).

Modules: grid (the shared cell model) · xlsx / csvgrid (files → grids) · labels (titles and
their variants) · cells (typed cell readers that record sources and notes) · blocks (budget,
goals, indicators) · layout (header block, year, unit, kind, footer, assembly).
"""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

from jixiao.core.model import Evaluation
from jixiao.ingest.csvgrid import read_csv
from jixiao.ingest.errors import InputError
from jixiao.ingest.layout import read_layout
from jixiao.ingest.limits import MAX_FILE_BYTES, MiB
from jixiao.ingest.xlsx import check_archive, read_sheets

EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
LOOKED_FOR = (
    "预算表头（年初预算数、全年预算数、全年执行数、执行率）"
    "或指标表头（一级指标、二级指标、三级指标、年度指标值、实际完成值、分值、得分）"
)


def read_table(path: str | Path) -> Evaluation:
    """The evaluation a self-evaluation table states; raises :class:`InputError` (Chinese)."""
    source = Path(path)
    file = str(source)
    _check_size(source, file)
    suffix = source.suffix.lower()
    if suffix == ".csv":
        grid = read_csv(source, file)
        found = read_layout(grid, file)
        if found is None:
            raise InputError(f"未找到自评表的预算或指标表头：已查找{LOOKED_FOR}；请确认文件是预算绩效自评表，"
                             "表头用标准写法", file=file)
        return found
    if suffix not in EXCEL_SUFFIXES:
        raise InputError(f"不支持的表格类型“{suffix or '无扩展名'}”，可导入 .xlsx、.xlsm、.csv", file=file)
    check_archive(source, file)
    looked: list[str] = []
    with closing(read_sheets(source, file)) as grids:  # closes the workbook when a sheet is found
        for grid in grids:
            looked.append(grid.name)
            found = read_layout(grid, file)
            if found is not None:
                return found
    sheets = "、".join(f"“{name}”" for name in looked) or "（无工作表）"
    raise InputError(f"未找到自评表的预算或指标表头：已在工作表{sheets}中查找{LOOKED_FOR}；"
                     "请确认文件是预算绩效自评表，表头用标准写法", file=file)


def _check_size(path: Path, file: str) -> None:
    try:
        size = path.stat().st_size
    except OSError:
        raise InputError("文件不存在或无法读取，请检查路径", file=file) from None
    if not path.is_file():
        raise InputError("不是普通文件", file=file)
    if size == 0:
        raise InputError("文件为空（0 字节），没有可导入的内容；请重新导出自评表", file=file)
    if size > MAX_FILE_BYTES:
        raise InputError(f"文件大小 {size / MiB:.1f} MB 超过上限 {MAX_FILE_BYTES / MiB:.0f} MB，"
                         "请删除无关工作表或图片后再导入", file=file)
