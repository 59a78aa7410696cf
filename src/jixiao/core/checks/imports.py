"""Import notes: cells the importer could not read become findings, at the cell's path; the
placeholder rows it skipped become one finding naming them (docs/checks.md#parts-and-placeholders)."""

from __future__ import annotations

from typing import Final

from jixiao.core.checks.codes import Code
from jixiao.core.checks.context import Context
from jixiao.core.findings import Severity

#: At most this many skipped rows are named; the rest are counted.
_NAMED: Final = 20


def run(ctx: Context) -> None:
    for location, message in ctx.evaluation.import_notes:
        ctx.add(Code.IMPORT_UNREADABLE, Severity.P1, f"导入时未能读取：{message}", location)
    skipped = ctx.evaluation.skipped_rows
    if skipped:
        named = "、".join(f"{where}“{text}”" if text else f"{where}（空白）" for where, text in skipped[:_NAMED])
        more = f"等 {len(skipped)} 行" if len(skipped) > _NAMED else ""
        ctx.add(
            Code.PLACEHOLDER_ROWS_SKIPPED,
            Severity.P2,
            f"指标表中有 {len(skipped)} 行只有占位内容（如“指标2”“……”或空白），未作为指标导入：{named}{more}；"
            "如确有指标，请补填指标名称、指标值和分值，否则可删去这些行",
            "indicators",
        )
    if ctx.evaluation.year is None:
        message = "表上没有写年度（标题中的“（2021年度）”或“年度”一栏）；已照常评分和审核，生成自评报告前请补填年度"
        ctx.add(Code.YEAR_UNKNOWN, Severity.P2, message, "year")
