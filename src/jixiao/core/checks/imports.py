"""Import notes: cells the importer could not read become findings, at the cell's path."""

from __future__ import annotations

from jixiao.core.checks.codes import Code
from jixiao.core.checks.context import Context
from jixiao.core.findings import Severity


def run(ctx: Context) -> None:
    for location, message in ctx.evaluation.import_notes:
        ctx.add(Code.IMPORT_UNREADABLE, Severity.P1, f"导入时未能读取：{message}", location)
