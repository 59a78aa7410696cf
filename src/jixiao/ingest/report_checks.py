"""Findings for a written report: the rulebook on the evaluation it states, plus the report's own rules.

docs/report-reading.md#report-checks: the evaluation read from the text goes through the same
rulebook as a table (jixiao.core.checks), with its findings citing the sentence each value came
from. A report states no indicator table, so the rules that need one (indicators, weights, a
computed total to compare the stated total with) stay silent unless a table was read from the
file. Then the report-level rules (docs/checks.md, codes REPORT_…): the outline, figures that
contradict each other, slips in the text, what could not be read, no recognisable figures at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from jixiao.core.checks import Code, check
from jixiao.core.checks.narrative import slips
from jixiao.core.findings import Finding, Severity
from jixiao.core.framework import Framework
from jixiao.core.numbers import fmt
from jixiao.core.scoring import Scorecard
from jixiao.ingest.report import ReportResult, cite
from jixiao.ingest.report_facts import IndicatorFact
from jixiao.ingest.report_outline import Heading, Span
from jixiao.ingest.report_text import BudgetFigure, Where

#: Grades of the usual four-band scale; other words are recorded as printed (docs/report-reading.md §五).
_GRADES = ("优", "良", "中", "差")
_GRADE_TERMS = {"优秀": "优", "良好": "良", "较好": "良", "好": None, "一般": "中", "中等": "中", "合格": None}
# Slips only a report's free text shows: a masked or unfilled year or name, a doubled 委 ("县委委机构").
_REPORT_PLACEHOLDER = re.compile(r"20[xX×]{2}\s*年|\*{2,}")
_REPORT_DOUBLED = re.compile(r"委委(?![员托会])")
_GARBLED = re.compile(r"\ufffd+|\?{3,}|？{3,}")
_BAD_DATE = re.compile(r"\d{4}\s*月\s*\d{1,2}\s*[月日]")
_WHOLE_LIST = ("分为", "分别为", "包括")
_MONEY_FIELDS = ("budget.initial", "budget.adjusted", "budget.executed", "budget.received", "budget.carryover")
_FILLERS = re.compile(r"上半年|下半年|[一二三四]季度|前三季度|全年|仅|就|共|累计|已|完成了?|其中|年")

#: Rulebook codes that need an indicator table or a computed total: silent for a text-only report.
NEED_A_TABLE = frozenset({
    Code.NO_INDICATORS, Code.SLOT_EMPTY, Code.SLOT_WEIGHT_SUM_MISMATCH, Code.SCORE_SUM_MISMATCH,
    Code.TOTAL_MISMATCH, Code.TOTAL_WEIGHT_DIFFERS, Code.ITEM_METRIC_MISSING, Code.MANUAL_SCORE_MISSING,
    Code.MANUAL_SCORE_UNJUSTIFIED, Code.REQUIRED_L2_MISSING, Code.LOW_EXECUTION_HIGH_SCORE,
    Code.OUTPUT_AHEAD_OF_SPENDING, Code.PROBLEMS_MISSING, Code.MEASURES_MISSING, Code.EXECUTION_SCORE_WRONG,
    Code.EXECUTION_SCORE_TRUNCATED, Code.EXECUTION_WEIGHT_DIFFERS, Code.EXECUTION_SCORE_ABOVE_WEIGHT,
})  # fmt: skip
#: Rulebook codes the report rules say better: an overspend the report funds from money it names
#: is no finding; a grade word outside 优/良/中/差 is REPORT_GRADE_TERM.
REPLACED = frozenset({Code.BUDGET_OVERSPENT, Code.GRADE_UNKNOWN})


def report_findings(report: ReportResult, framework: Framework, card: Scorecard) -> tuple[Finding, ...]:
    """The findings of one report, P0 first."""
    nothing = _no_figures(report)
    if nothing is not None:
        return (nothing, *_unread(report))
    found = [
        f for f in check(report.evaluation, framework, card)
        if (report.table_read or f.code not in NEED_A_TABLE) and f.code not in REPLACED
    ]  # fmt: skip
    found.extend(ReportRules(report).run())
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
    if facts.indicator_facts or facts.authorized or facts.actual or facts.asset_total:
        return None  # an excerpt about the unit or its work: figures, only not budget ones
    size = len(report.text.strip())
    headings = len(report.reading.outline.headings)
    return Finding(
        code=Code.REPORT_NO_FIGURES.value,
        severity=Severity.P1,
        text=f"报告中没有可识别的预算数字、执行率、满意度或自评得分（共读到 {size} 个字、{headings} 个标题）："
        "无法审核；请确认这是绩效自评报告，预算和执行数字以“××万元”写在正文或表格中",
        path="budget",
    )


def _unread(report: ReportResult) -> list[Finding]:
    return [
        Finding(code=Code.REPORT_PARTLY_UNREAD.value, severity=Severity.P1, text=note, path="report")
        for note in report.document.unread
    ]


class ReportRules:
    """The report-level rules (docs/checks.md, REPORT_…); each finding cites its sentence."""

    def __init__(self, report: ReportResult) -> None:
        self.report = report
        self.text = report.text
        self.findings: list[Finding] = []

    def add(self, code: Code, severity: Severity, message: str, path: str, where: Where | None) -> None:
        source = cite(self.text, where) if where is not None else ""
        self.findings.append(Finding(code=code.value, severity=severity, text=message, path=path, source=source))

    def run(self) -> list[Finding]:
        self._outline()
        self._parts()
        self._funds()
        self._periods()
        self._units()
        self._grade()
        self._slips()
        return self.findings

    # --- outline ---------------------------------------------------------------------

    def _outline(self) -> None:
        headings = self.report.reading.outline.headings
        has_tops = any(h.level == 1 and not h.irregular for h in headings)
        # "1、部门概况" where 一、 belongs (the seed); a "3." standing first is an excerpt's cut, not a slip
        odd = [
            h for h in headings
            if (h.irregular and has_tops and h.number.startswith("1")) or re.search(r"[）)]\s*[、.．]$", h.number)
        ]  # fmt: skip
        if odd:
            first = odd[0]
            shown = "、".join(f"“{h.number}{h.title}”" for h in odd[:3])
            self.add(Code.REPORT_HEADING_NUMBERING, Severity.P2,
                     f"标题编号不合公文层级（一、→（一）→1.→（1））：{shown}{'等' if len(odd) > 3 else ''}",
                     "report.outline", _heading_where(first))  # fmt: skip
        tops = [h for h in headings if h.level == 1]
        seconds = [h for h in headings if h.level == 2]
        if not tops and seconds and not seconds[0].number.startswith(("（一）", "(一)")):
            first = seconds[0]
            self.add(Code.REPORT_SECTION_MISSING, Severity.P2,
                     f"提纲没有一级标题（一、二、……），二级标题从“{first.number}{first.title}”开始，"
                     "前面的部分缺失；请按报告提纲补齐", "report.outline", _heading_where(first))  # fmt: skip

    # --- figures against each other ----------------------------------------------------

    def _parts(self) -> None:
        """ "…2263万元，分为A 1435万元、B 25万元…": the parts of a total listed in full add up to it."""
        figures = self.report.reading.figures
        for i, total in enumerate(figures):
            if total.field not in ("budget.adjusted", "budget.executed") or total.unit == "%":
                continue
            parts = list(_parts_after(self.text, total, figures[i + 1 :]))
            if len(parts) < 2:
                continue
            added = sum((p.value for p in parts), Decimal(0))
            whole = _lists_whole(self.text, total, parts[0])
            if added == total.value or (not whole and added < total.value):
                continue
            named = " + ".join(fmt(p.value) for p in parts)
            self.add(Code.REPORT_PARTS_SUM_MISMATCH, Severity.P1,
                     f"{fmt(total.value)}{total.unit}{'分为' if whole else '其中'}各项之和 {named} = "
                     f"{fmt(added)}{total.unit}，"
                     f"与总数相差 {fmt(abs(total.value - added))}{total.unit}；请核对分项或总数",
                     total.field, total.where)  # fmt: skip

    def _funds(self) -> None:
        """Budget plus the other money the report names, less what was spent, is what is left."""
        budget = self.report.evaluation.budget
        others = [f for f in self.report.reading.figures if f.field == "budget.source"]
        if not budget.overspend_explanation or budget.carryover is None:
            return
        if budget.adjusted is None or budget.executed is None:
            return
        extra = sum((f.value for f in others), Decimal(0))
        left = budget.adjusted + extra - budget.executed
        if left == budget.carryover:
            return
        carry = _first(self.report.reading.figures, "budget.carryover")
        self.add(Code.REPORT_FUNDS_UNRECONCILED, Severity.P1,
                 f"预算 {fmt(budget.adjusted)} + 其他资金 {fmt(extra)} − 支出 {fmt(budget.executed)} = {fmt(left)}"
                 f"{budget.unit.value}，报告写结转结余 {fmt(budget.carryover)}{budget.unit.value}；收支对不上，请核对",
                 "budget.carryover", carry.where if carry else None)  # fmt: skip

    def _periods(self) -> None:
        """Part-year figures in a year's report: against the year's figure, or alone."""
        facts = self.report.facts.indicator_facts
        whole_year = [f for f in facts if not f.value.period]
        reported: set[int] = set()
        for fact in facts:
            if not fact.value.period or fact.where.paragraph in reported:
                continue
            same = [f for f in whole_year if _same_quantity(f.value, fact.value)]
            smaller = [f for f in same if f.value.value < fact.value.value and not f.value.qualifier]
            if smaller:
                year = smaller[0]
                self.add(Code.REPORT_FIGURES_CONTRADICT, Severity.P1,
                         f"{fact.value.period}的“{fact.printed}”大于全年的“{year.printed}”，同一数量前后矛盾",
                         "report.indicator_facts", fact.where)  # fmt: skip
            elif not same:
                self.add(Code.REPORT_PARTIAL_PERIOD, Severity.P2,
                         f"年度报告中这项只给出{fact.value.period}的数字（“{fact.printed}”），没有全年数；"
                         "请补充全年完成情况", "report.indicator_facts", fact.where)  # fmt: skip
            reported.add(fact.where.paragraph)

    def _units(self) -> None:
        """Budget amounts of one report in both 万元 and 元 (per-head standards aside)."""
        money = [f for f in self.report.reading.figures if f.field in _MONEY_FIELDS and f.unit in ("万元", "元")]
        units = {f.unit for f in money}
        if len(units) < 2:
            return
        wan = next(f for f in money if f.unit == "万元")
        yuan = next(f for f in money if f.unit == "元")
        self.add(Code.REPORT_AMOUNT_UNIT_MIXED, Severity.P2,
                 f"预算金额的单位前后不一：“{wan.printed}”用万元，“{yuan.printed}”用元；请统一金额单位并核对数值",
                 yuan.field, yuan.where)  # fmt: skip

    def _grade(self) -> None:
        grade = self.report.facts.stated_grade
        if grade is None or grade.value in _GRADES:
            return
        usual = _GRADE_TERMS.get(grade.value)
        score = self.report.facts.stated_score
        hint = f"，按通行等级应写“{usual}”" if usual else ""
        scored = f"（自评 {fmt(score.value)} 分）" if score is not None else ""
        self.add(Code.REPORT_GRADE_TERM, Severity.P2,
                 f"评价等级写作“{grade.value}”{scored}，不是通行的优、良、中、差{hint}", "stated.grade",
                 grade.where)  # fmt: skip

    # --- text ------------------------------------------------------------------------

    def _slips(self) -> None:
        self.slips: dict[tuple[Code, str], list[Where]] = {}
        self._scan()
        for (code, slip), places in self.slips.items():
            self._slip(code, slip, places)

    def _scan(self) -> None:
        text = self.text
        garbled: list[tuple[str, Where]] = []
        dates: list[tuple[str, Where]] = []
        for paragraph in self.report.reading.outline.paragraphs:
            start, end = paragraph.span.start, paragraph.span.end
            body = text[start:end]
            for kind, slip, left, right in slips(body):
                where = Where(paragraph.section, paragraph.index, _span(start + left, start + right))
                code = Code.TYPO_DOUBLED_CHARACTER if kind == "typo" else Code.PLACEHOLDER_LEFT
                self.slips.setdefault((code, slip), []).append(where)
            for pattern, code in ((_REPORT_DOUBLED, Code.TYPO_DOUBLED_CHARACTER),
                                  (_REPORT_PLACEHOLDER, Code.PLACEHOLDER_LEFT)):  # fmt: skip
                for found in pattern.finditer(body):
                    where = Where(paragraph.section, paragraph.index, _span(start + found.start(), start + found.end()))
                    self.slips.setdefault((code, found.group()), []).append(where)
            for found in _GARBLED.finditer(body):
                garbled.append((found.group(), Where(paragraph.section, paragraph.index,
                                                     _span(start + found.start(), start + found.end()))))  # fmt: skip
            for found in _BAD_DATE.finditer(body):
                dates.append((found.group(), Where(paragraph.section, paragraph.index,
                                                   _span(start + found.start(), start + found.end()))))  # fmt: skip
        if garbled:
            self.add(Code.REPORT_TEXT_GARBLED, Severity.P2,
                     f"报告中有 {len(garbled)} 处乱码（如“{garbled[0][0][:8]}”），原文可能转码出错；请核对原文",
                     "report.text", garbled[0][1])  # fmt: skip
        for printed, where in dates:
            self.add(
                Code.REPORT_DATE_MALFORMED, Severity.P2, f"日期写作“{printed}”，年月写法有误", "report.text", where
            )

    def _slip(self, code: Code, slip: str, places: list[Where]) -> None:
        """One finding per distinct slip, citing where it first stands and counting the others."""
        more = f"（共 {len(places)} 处）" if len(places) > 1 else ""
        if code is Code.TYPO_DOUBLED_CHARACTER:
            message = f"“{slip}”疑为重复录入的字{more}"
            severity = Severity.P2
        else:
            message = f"留有占位符或被遮盖的文字“{slip}”{more}，请替换为实际内容"
            severity = Severity.P1 if not slip.startswith("*") else Severity.P2
        self.add(code, severity, message, "report.text", places[0])


def _span(start: int, end: int) -> Span:
    return Span(start, end)


def _heading_where(heading: Heading) -> Where:
    return Where(heading.path, -1, heading.span)


def _first(figures: tuple[BudgetFigure, ...], field: str) -> BudgetFigure | None:
    return next((f for f in figures if f.field == field), None)


def _parts_after(text: str, total: BudgetFigure, later: tuple[BudgetFigure, ...]) -> Iterator[BudgetFigure]:
    """The figures marked as parts in the same sentence as ``total``, right after it."""
    end = total.where.span.end
    stop = text.find("。", end)
    stop = len(text) if stop < 0 else stop
    for figure in later:
        if figure.where.span.start > stop:
            return
        if figure.field == f"{total.field}.part" and figure.unit == total.unit:
            yield figure
        elif figure.field == total.field:
            return


def _lists_whole(text: str, total: BudgetFigure, first: BudgetFigure) -> bool:
    between = text[total.where.span.end : first.where.span.start]
    return any(word in between for word in _WHOLE_LIST)


def _core(fact: IndicatorFact) -> str:
    return _FILLERS.sub("", fact.what)


def _same_quantity(a: IndicatorFact, b: IndicatorFact) -> bool:
    if a.unit != b.unit:
        return False
    core_a, core_b = _core(a), _core(b)
    if len(core_a) < 2 or len(core_b) < 2:
        return False
    return core_a in core_b or core_b in core_a
