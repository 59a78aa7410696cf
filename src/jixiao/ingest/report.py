"""A written report (.txt, .docx, PDF) → an :class:`Evaluation` the rulebook checks, every value
with its source (docs/report-reading.md#report-evaluation).

``read_report(path)`` reads the file (jixiao.ingest.report_file), the outline and budget figures
(jixiao.ingest.report_text) and the other facts (jixiao.ingest.report_facts), then builds the
evaluation the report states. ``Evaluation.sources`` maps each field path to where its value
stands: "报告 1、/（五）/2. 第22段：“…the sentence…”", so that every finding cites its sentence.
Tables of a .docx that the table importer recognises add their indicators and figures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from jixiao.core.model import (
    AmountUnit,
    AssetPart,
    Assets,
    Budget,
    BudgetLine,
    Evaluation,
    EvaluationKind,
    Narrative,
    Problem,
    ProjectInfo,
    Satisfaction,
    SatisfactionSource,
    SignOff,
    Staffing,
    Stated,
    UnitProfile,
)
from jixiao.ingest.errors import InputError
from jixiao.ingest.layout import read_layout
from jixiao.ingest.report_facts import Extracted, ReportFacts, read_facts, sentence_span
from jixiao.ingest.report_file import ReportDocument, read_report_file
from jixiao.ingest.report_text import BudgetFigure, ReportReading, Where, read_report_text

_SOURCE_LIMIT = 80  # characters of the cited sentence kept in a source


@dataclass(frozen=True)
class ReportResult:
    """Everything read from one report file."""

    document: ReportDocument
    reading: ReportReading
    facts: ReportFacts
    evaluation: Evaluation
    table_read: bool  # a table of the file was recognised by the table importer

    @property
    def text(self) -> str:
        return self.document.text


def read_report(path: str | Path) -> ReportResult:
    """Read a report file; raises :class:`InputError` (Chinese) when nothing can be read."""
    document = read_report_file(path)
    return read_document(document)


def read_document(document: ReportDocument) -> ReportResult:
    text = document.text
    if not text.strip():
        raise InputError("文件中没有文字，没有可读的内容", file=document.file)
    reading = read_report_text(text)
    facts = read_facts(text, reading.outline)
    evaluation = to_evaluation(text, reading, facts, document)
    table = _table_evaluation(document)
    if table is not None:
        evaluation = _with_table(evaluation, table)
    return ReportResult(document, reading, facts, evaluation, table is not None)


def cite(text: str, where: Where) -> str:
    """Where a value stands, in Chinese: the section, the paragraph and the sentence."""
    span = sentence_span(text, where.span.start, where.span.end)
    sentence = text[span.start : span.end].strip()
    if len(sentence) > _SOURCE_LIMIT:
        middle = (where.span.start + where.span.end) // 2 - span.start
        left = max(0, min(middle - _SOURCE_LIMIT // 2, len(sentence) - _SOURCE_LIMIT))
        sentence = ("…" if left else "") + sentence[left : left + _SOURCE_LIMIT] + \
            ("…" if left + _SOURCE_LIMIT < len(sentence) else "")  # fmt: skip
    section = f"{where.section} " if where.section else ""
    return f"报告{section}第{where.paragraph + 1}段：“{sentence}”"


def _best(figures: Iterable[BudgetFigure], field: str) -> BudgetFigure | None:
    """The surest figure of a field; the first printed when equally sure."""
    best: BudgetFigure | None = None
    for figure in figures:
        if figure.field == field and (best is None or figure.confidence > best.confidence):
            best = figure
    return best


def _money_unit(figures: tuple[BudgetFigure, ...]) -> AmountUnit:
    units = [f.unit for f in figures if f.unit in ("万元", "元")]
    if units and units.count("元") > units.count("万元"):
        return AmountUnit.YUAN
    return AmountUnit.WAN


def _in_unit(figure: BudgetFigure | None, unit: AmountUnit) -> Decimal | None:
    if figure is None:
        return None
    if figure.unit in (unit.value, "%"):
        return figure.value
    return figure.value * 10000 if unit is AmountUnit.YUAN else figure.value / 10000


def to_evaluation(text: str, reading: ReportReading, facts: ReportFacts, document: ReportDocument) -> Evaluation:
    figures = reading.figures
    unit = _money_unit(figures)
    sources: dict[str, str] = {}

    def take(field: str, path: str) -> Decimal | None:
        figure = _best(figures, field)
        if figure is not None:
            sources.setdefault(path, cite(text, figure.where))
        return _in_unit(figure, unit)

    def note(path: str, value: Extracted[object] | None) -> None:
        if value is not None:
            sources.setdefault(path, cite(text, value.where))

    budget, rate = _budget(figures, unit, take, lambda path, where: sources.__setitem__(path, cite(text, where)))
    staffing = Staffing(
        authorized=facts.authorized.value if facts.authorized else None,
        actual=facts.actual.value if facts.actual else None,
        hired=facts.hired.value if facts.hired else None,
    )
    note("unit.staffing.authorized", facts.authorized)
    note("unit.staffing.actual", facts.actual)
    note("unit.staffing.hired", facts.hired)
    assets = Assets(
        total=facts.asset_total.value if facts.asset_total else None,
        parts=tuple(AssetPart(p.value[0], p.value[1]) for p in facts.asset_parts),
    )
    note("unit.assets.total", facts.asset_total)
    for i, part in enumerate(facts.asset_parts):
        note(f"unit.assets.parts[{i}]", part)
    name = facts.unit.value if facts.unit else Path(document.file).stem
    note("unit.name", facts.unit)
    kind = EvaluationKind.DEPARTMENT if facts.kind == "department" else EvaluationKind.PROJECT
    year = _year(facts)
    note("year", facts.year)

    satisfaction = Satisfaction()
    if facts.satisfaction is not None:
        fact = facts.satisfaction.value
        # "调查了满意度" with no figure: nothing to check a figure against (docs/report-reading.md §四)
        source = {"survey": SatisfactionSource.SURVEY,
                  "assumed": SatisfactionSource.NONE}.get(fact.how, SatisfactionSource.UNKNOWN)  # fmt: skip
        value = None if fact.target_only else fact.value
        satisfaction = Satisfaction(value=value, source=source, sample_size=fact.sample_size,
                                    method=facts.satisfaction.printed)  # fmt: skip
        note("satisfaction.value", facts.satisfaction)
        note("satisfaction.method", facts.satisfaction)
    stated = Stated(
        execution_rate=rate.value if rate else None,
        total=facts.stated_score.value if facts.stated_score else None,
        grade=facts.stated_grade.value if facts.stated_grade else None,
    )
    note("stated.total", facts.stated_score)
    note("stated.grade", facts.stated_grade)
    narrative = Narrative(
        problems=tuple(Problem(p.value) for p in facts.problems),
        measures=tuple(m.value for m in facts.measures),
        publication=facts.publication.value if facts.publication else "",
    )
    for i, problem in enumerate(facts.problems):
        note(f"narrative.problems[{i}].problem", problem)
    for i, measure in enumerate(facts.measures):
        note(f"narrative.measures[{i}]", measure)
    note("narrative.publication", facts.publication)
    signed: date | None = facts.signature_date.value if facts.signature_date else None
    note("sign_off.signed_on", facts.signature_date)
    return Evaluation(
        kind=kind,
        year=year,
        unit=UnitProfile(name=name, staffing=staffing, assets=assets),
        project=ProjectInfo(name=facts.title or name) if kind is EvaluationKind.PROJECT else None,
        budget=budget,
        satisfaction=satisfaction,
        narrative=narrative,
        stated=stated,
        sign_off=SignOff(signed_on=signed),
        sources=tuple(sources.items()),
    )


def _budget(figures: tuple[BudgetFigure, ...], unit: AmountUnit, take: Callable[[str, str], Decimal | None],
            place: Callable[[str, Where], None]) -> tuple[Budget, BudgetFigure | None]:  # fmt: skip
    """The budget the figures state, and the stated execution rate."""
    initial = take("budget.initial", "budget.initial")
    adjusted = take("budget.adjusted", "budget.adjusted")
    executed = take("budget.executed", "budget.executed")
    carryover = take("budget.carryover", "budget.carryover")
    rate = _best(figures, "budget.execution_rate")
    if rate is not None:
        place("stated.execution_rate", rate.where)
    nature: list[BudgetLine] = []
    for key, name in (("basic", "基本支出"), ("project", "项目支出")):
        line_adjusted = take(f"budget.adjusted.{key}", f"budget.by_nature[{len(nature)}].adjusted")
        line_executed = take(f"budget.executed.{key}", f"budget.by_nature[{len(nature)}].executed")
        if line_adjusted is not None or line_executed is not None:
            nature.append(BudgetLine(name, adjusted=line_adjusted, executed=line_executed))
    by_source: list[BudgetLine] = []
    seen: set[tuple[str, Decimal]] = set()
    for figure in figures:
        if figure.field != "budget.source" or (figure.name or "", figure.value) in seen:
            continue
        seen.add((figure.name or "", figure.value))
        place(f"budget.by_source[{len(by_source)}].adjusted", figure.where)
        by_source.append(BudgetLine(figure.name or "其他资金", adjusted=_in_unit(figure, unit)))
    listed = sum((line.adjusted or Decimal(0) for line in by_source), Decimal(0))
    shares = [f.share for f in figures if f.field == "budget.source" and f.share is not None]
    complete = bool(by_source) and (listed == adjusted or sum(shares, Decimal(0)) == 100)
    explanation = ""
    if not complete and by_source and adjusted is not None and executed is not None and executed > adjusted:
        # Money beyond the budget named in the report ("其他资金来源21.31万元") is where an overspend came from.
        explanation = "报告列有预算以外的资金：" + "、".join(f"{line.name}{line.adjusted}" for line in by_source)
    budget = Budget(unit=unit, initial=initial, adjusted=adjusted, executed=executed, carryover=carryover,
                    by_nature=tuple(nature), by_source=tuple(by_source) if complete else (),
                    overspend_explanation=explanation)  # fmt: skip

    return budget, rate


def _year(facts: ReportFacts) -> int:
    if facts.year is not None:
        return facts.year.value
    if facts.signature_date is not None:
        return facts.signature_date.value.year - 1
    return date.today().year - 1


def _table_evaluation(document: ReportDocument) -> Evaluation | None:
    for grid in document.tables:
        try:
            found = read_layout(grid, document.file)
        except InputError:
            continue
        if found is not None:
            return found
    return None


def _with_table(evaluation: Evaluation, table: Evaluation) -> Evaluation:
    """A self-evaluation table inside the report: its indicators, and its figures where the text has none."""
    budget = evaluation.budget
    if table.budget.adjusted is not None and budget.adjusted is None:
        budget = replace(table.budget)
    stated = evaluation.stated
    if table.stated.total is not None and stated.total is None:
        stated = replace(stated, total=table.stated.total, grade=stated.grade or table.stated.grade)
    return replace(evaluation, indicators=table.indicators, budget=budget, stated=stated, goals=table.goals,
                   sources=evaluation.sources + table.sources, import_notes=table.import_notes)  # fmt: skip
