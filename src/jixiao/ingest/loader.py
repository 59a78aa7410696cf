"""One entry point for every input file jixiao reads."""

from __future__ import annotations

from pathlib import Path

from jixiao.core.model import Evaluation
from jixiao.ingest.errors import InputError
from jixiao.ingest.evaluation_file import load_evaluation

EVALUATION_SUFFIXES = {".yaml", ".yml", ".json"}
TABLE_SUFFIXES = {".xlsx", ".xlsm", ".csv"}
#: Written self-evaluation reports (docs/report-reading.md#report-files).
REPORT_SUFFIXES = {".txt", ".docx", ".pdf"}
#: Files that state an evaluation as data (what the web app imports into the editor).
SUFFIXES = EVALUATION_SUFFIXES | TABLE_SUFFIXES
#: Everything ``jixiao check``/``score`` reads.
CHECKED_SUFFIXES = SUFFIXES | REPORT_SUFFIXES
#: What a directory is searched for: a .txt in a folder is more often a note than a report, so
#: text reports are checked when named one by one.
WALKED_SUFFIXES = CHECKED_SUFFIXES - {".txt"}


def load_any(path: str | Path) -> Evaluation:
    """An evaluation from a YAML/JSON evaluation file, a self-evaluation table (.xlsx/.csv) or a
    written report (.txt/.docx/.pdf, the evaluation it states)."""
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix in EVALUATION_SUFFIXES:
        return load_evaluation(file)
    if suffix in TABLE_SUFFIXES:
        from jixiao.ingest.table import read_table  # openpyxl is only needed for tables

        return read_table(file)
    if suffix in REPORT_SUFFIXES:
        from jixiao.ingest.report import read_report

        return read_report(file).evaluation
    names = "、".join(sorted(CHECKED_SUFFIXES))
    raise InputError(f"不支持的文件类型“{suffix or '无扩展名'}”，可导入：{names}", file=str(file))
