"""One entry point for every input file jixiao reads."""

from __future__ import annotations

from pathlib import Path

from jixiao.core.model import Evaluation
from jixiao.ingest.errors import InputError
from jixiao.ingest.evaluation_file import load_evaluation

EVALUATION_SUFFIXES = {".yaml", ".yml", ".json"}
TABLE_SUFFIXES = {".xlsx", ".xlsm", ".csv"}
SUFFIXES = EVALUATION_SUFFIXES | TABLE_SUFFIXES


def load_any(path: str | Path) -> Evaluation:
    """An evaluation from a YAML/JSON evaluation file or a self-evaluation table (.xlsx/.csv)."""
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix in EVALUATION_SUFFIXES:
        return load_evaluation(file)
    if suffix in TABLE_SUFFIXES:
        from jixiao.ingest.table import read_table  # openpyxl is only needed for tables

        return read_table(file)
    names = "、".join(sorted(SUFFIXES))
    raise InputError(f"不支持的文件类型“{suffix or '无扩展名'}”，可导入：{names}", file=str(file))
