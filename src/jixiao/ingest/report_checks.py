"""Findings for a written report: the rulebook on the evaluation it states, plus the report's own rules.

docs/report-reading.md#report-checks: the evaluation read from the text goes through the same
rulebook as a table (jixiao.core.checks), with its findings citing the sentence each value came
from. A report states no indicator table, so the rules that need one (indicators, weights, a
computed total to compare the stated total with) stay silent unless a table was read from the
file. Then the report-level rules: what could not be read, no recognisable figures at all.
"""

from __future__ import annotations

from jixiao.core.checks import Code, check
from jixiao.core.findings import Finding, Severity
from jixiao.core.framework import Framework
from jixiao.core.scoring import Scorecard
from jixiao.ingest.report import ReportResult

#: Rulebook codes that need an indicator table or a computed total: silent for a text-only report.
NEED_A_TABLE = frozenset({
    Code.NO_INDICATORS, Code.SLOT_EMPTY, Code.SLOT_WEIGHT_SUM_MISMATCH, Code.SCORE_SUM_MISMATCH,
    Code.TOTAL_MISMATCH, Code.TOTAL_WEIGHT_DIFFERS, Code.ITEM_METRIC_MISSING, Code.MANUAL_SCORE_MISSING,
    Code.MANUAL_SCORE_UNJUSTIFIED, Code.REQUIRED_L2_MISSING, Code.LOW_EXECUTION_HIGH_SCORE,
    Code.OUTPUT_AHEAD_OF_SPENDING, Code.PROBLEMS_MISSING, Code.EXECUTION_SCORE_WRONG,
    Code.EXECUTION_SCORE_TRUNCATED, Code.EXECUTION_WEIGHT_DIFFERS, Code.EXECUTION_SCORE_ABOVE_WEIGHT,
})  # fmt: skip


def report_findings(report: ReportResult, framework: Framework, card: Scorecard) -> tuple[Finding, ...]:
    """The findings of one report, P0 first."""
    nothing = _no_figures(report)
    if nothing is not None:
        return (nothing, *_unread(report))
    found = [f for f in check(report.evaluation, framework, card) if report.table_read or f.code not in NEED_A_TABLE]
    found.extend(_unread(report))
    return _sorted(_distinct(found))


def _distinct(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, str]] = set()
    kept = []
    for finding in findings:
        key = (finding.code, finding.source or finding.message)
        if key not in seen:
            seen.add(key)
            kept.append(finding)
    return kept


def _sorted(findings: list[Finding]) -> tuple[Finding, ...]:
    order = {Severity.P0: 0, Severity.P1: 1, Severity.P2: 2}
    return tuple(sorted(findings, key=lambda f: order[f.severity]))


def _no_figures(report: ReportResult) -> Finding | None:
    """A text in which nothing a self-evaluation states can be recognised: one finding, not a list."""
    facts = report.facts
    if report.reading.figures or report.table_read or facts.stated_score or facts.satisfaction:
        return None
    size = len(report.text.strip())
    headings = len(report.reading.outline.headings)
    return Finding(
        code=Code.REPORT_NO_FIGURES.value,
        severity=Severity.P0,
        text=f"报告中没有可识别的预算数字、执行率、满意度或自评得分（共读到 {size} 个字、{headings} 个标题）："
        "无法审核；请确认这是绩效自评报告，预算和执行数字以“××万元”写在正文或表格中",
        path="budget",
    )


def _unread(report: ReportResult) -> list[Finding]:
    return [
        Finding(code=Code.REPORT_PARTLY_UNREAD.value, severity=Severity.P1, text=note, path="report")
        for note in report.document.unread
    ]
