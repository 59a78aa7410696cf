"""Budget figures out of a self-evaluation report's text, each with where it was found.

A pure reader: it takes the text (already extracted from .txt, .docx or PDF) and returns the
outline and every budget figure it recognises, as plain frozen dataclasses. Nothing here reads
files or knows the evaluation model; mapping figures onto an evaluation is a later step.

How a figure's meaning is decided is described in docs/report-reading.md §二 and §三: the
words just before the number (back to the previous comma, 、, colon or bracket) name it; a bare
基本支出/项目支出 takes its stage (budget or spending) from the figure before it in the same
sentence; a few words after the number (已全部到位, 占…%) settle the rest. The Chinese wording
lives in jixiao.ingest.report_cues.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from jixiao.ingest import report_cues as cue
from jixiao.ingest.report_outline import Outline, Span, read_outline

_AMOUNT = re.compile(
    r"(?<![\d.,])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?P<q>[余多])?\s*(?P<unit>万元|元)(?![/／])"
)
_PERCENT = re.compile(r"(?<![\d.,])(?P<num>\d+(?:\.\d+)?)\s*[%％]")
_NEAR_BREAKS = frozenset("，,。；;：:（(）)、\n")
_SENTENCE_BREAKS = frozenset("。；;\n")
_AFTER = 8  # characters after a figure that may settle its meaning

_SURE = Decimal("0.9")
_LIKELY = Decimal("0.8")
_INFERRED = Decimal("0.7")
_GUESS = Decimal("0.6")


@dataclass(frozen=True)
class Where:
    """Where a value came from: the section path, the paragraph index and the characters."""

    section: str
    paragraph: int
    span: Span


@dataclass(frozen=True)
class BudgetFigure:
    field: str  # budget.initial, budget.adjusted.basic, budget.source … (docs/report-reading.md §二)
    value: Decimal
    unit: str  # 万元, 元 or %
    printed: str  # the number and its unit as they stand in the text
    where: Where
    confidence: Decimal  # 0–1: how directly the words name the figure
    name: str | None = None  # for parts and sources: what the part or source is
    share: Decimal | None = None  # "占100%" after a source
    approximate: bool = False  # 约…, …余, …多


@dataclass(frozen=True)
class ReportReading:
    outline: Outline
    figures: tuple[BudgetFigure, ...]

    def pairs(self) -> set[tuple[str, Decimal]]:
        """Distinct (field, value): the same figure printed twice counts once."""
        return {(f.field, f.value) for f in self.figures}


@dataclass(frozen=True)
class _Context:
    near: str  # words before the figure back to the previous break
    sentence: str  # words before the figure back to the sentence start
    after: str  # a few characters after the figure
    previous: str | None  # field of the previous money figure in the same sentence


def _near(text: str, start: int, floor: int = 0) -> str:
    """The words before `start`, back to a break or to `floor` (the end of the previous amount)."""
    i = start
    while i > floor and text[i - 1] not in _NEAR_BREAKS:
        i -= 1
    return text[i:start].strip()


def _sentence_start(text: str, start: int) -> int:
    i = start
    while i > 0 and text[i - 1] not in _SENTENCE_BREAKS:
        i -= 1
    return i


def _has(words: str, choices: tuple[str, ...]) -> bool:
    return any(choice in words for choice in choices)


def _stage_of_bare_nature(ctx: _Context, word: str) -> tuple[str, Decimal]:
    """基本支出/项目支出 alone: budget or spending, from the figure before it or the sentence."""
    if ctx.previous is not None:
        if ctx.previous.startswith("budget.income") or ctx.previous.startswith("budget.executed"):
            return "budget.executed", _INFERRED
        if ctx.previous.startswith("budget.adjusted") or ctx.previous == "budget.source":
            return "budget.adjusted", _INFERRED
    prefix = ctx.sentence[: len(ctx.sentence) - len(ctx.near)] + ctx.near.split(word)[0]
    if _has(prefix, cue.STAGE_EXECUTED):
        return "budget.executed", _LIKELY
    if _has(prefix, cue.STAGE_ADJUSTED):
        return "budget.adjusted", _INFERRED
    return "budget.executed", _GUESS  # "当年基本支出…": spending unless the sentence says budget


def _by_nature(ctx: _Context) -> tuple[str, str | None, Decimal] | None:
    near = ctx.near
    nature = "project" if (cue.PROJECT in near or cue.PROJECT_INCOME in near) else None
    if cue.BASIC in near:
        nature = "basic"
    if nature is None:
        return None
    word = cue.BASIC if nature == "basic" else cue.PROJECT
    if cue.PROJECT_INCOME in near or cue.INCOME in near.split(word)[-1]:
        return f"budget.income.{nature}", None, _LIKELY
    stage, confidence = _stage_of_bare_nature(ctx, word)
    return f"{stage}.{nature}", None, confidence


def _strip_leads(near: str) -> tuple[str, bool]:
    """Strip leading 其中/此外/取得…: "此外取得其他资金来源" → ("其他资金来源", True)."""
    stripped = True
    led = False
    while stripped:
        stripped = False
        for lead in cue.SOURCE_LEADS:
            if near.startswith(lead):
                near, led, stripped = near.removeprefix(lead).lstrip("：:"), True, True
    return near, led


def _as_source(ctx: _Context) -> tuple[str, str | None, Decimal] | None:
    """A source is named at the start of its words and stands in a list: after 其中/此外…,
    after another figure of the same sentence, or with "占…%" after it."""
    near, led = _strip_leads(ctx.near)
    if not near.startswith(cue.SOURCES) or _has(near, cue.EXECUTED):
        return None
    if not (led or ctx.previous is not None or _has(ctx.after, cue.SHARE)):
        return None
    if cue.INCOME in near and not _has(ctx.after, cue.SHARE):
        return None  # "…财政拨款收入100.57万元" is income; with "占…%" after it, a source
    return "budget.source", near.removesuffix("为").removesuffix("收入") or None, _LIKELY


def _named(ctx: _Context) -> tuple[str, str | None, Decimal] | None:
    """Figures whose own words name them (年初, 追加, 结转结余, 经济分类, 基本/项目支出, sources)."""
    near = ctx.near
    if _has(near, cue.INITIAL):
        return "budget.initial", None, _SURE
    if _has(near, cue.ADDITION):
        return "budget.addition", None, _SURE
    if _has(near, cue.CARRYOVER):
        return "budget.carryover", None, _SURE
    if _has(near, cue.PLANNED_TOTAL):
        return "budget.planned_total", None, _SURE
    for word in cue.ECONOMIC:
        if word in near:
            return "budget.executed.part", word, _LIKELY
    found = _by_nature(ctx) or _as_source(ctx)
    if found:
        return found
    for word in cue.TRANCHES:
        if word in near:
            return "budget.adjusted.part", near, _LIKELY
    return None


def _staged(ctx: _Context) -> list[tuple[str, str | None, Decimal]]:
    """Figures named by what happened to the money (预算, 到位, 支出 …) or by their list."""
    near, after = ctx.near, ctx.after
    if _has(near, cue.BUDGET_INCOME):
        return [("budget.adjusted", None, _LIKELY)]
    if cue.INCOME in near:
        return [("budget.income", None, _INFERRED)]
    if _has(after, cue.EXECUTED_AND_BUDGET_AFTER):
        return [("budget.executed", None, _INFERRED), ("budget.adjusted", None, _GUESS)]
    if _has(near, cue.RECEIVED) or _has(after, cue.RECEIVED_AFTER):
        return [("budget.received", None, _LIKELY)]
    if _has(near, cue.EXECUTED):
        return [("budget.executed", None, _LIKELY)]
    if _has(near, cue.ADJUSTED):
        return [("budget.adjusted", None, _LIKELY)]
    if ctx.previous is not None and _has(ctx.sentence, cue.PART_LEADS):
        stage = ".".join(ctx.previous.split(".")[:2])  # budget.executed.basic → budget.executed
        field = stage if stage == "budget.source" else f"{stage}.part"  # in a list of sources, another source
        return [(field, near or None, _GUESS)]
    return []


def _classify(ctx: _Context) -> list[tuple[str, str | None, Decimal]]:
    if _has(ctx.near, cue.PER_UNIT):
        return []
    named = _named(ctx)
    return [named] if named else _staged(ctx)


def _where(outline: Outline, start: int, end: int) -> Where:
    paragraph = outline.paragraph_at(start)
    if paragraph is None:
        return Where("", -1, Span(start, end))
    return Where(paragraph.section, paragraph.index, Span(start, end))


def _as_part_of_earlier(field: str, value: Decimal, ctx: _Context, earlier: list[BudgetFigure]) -> str:
    """A second, smaller amount of the same kind after "其中/各项目…" is a part of the first."""
    if field not in ("budget.adjusted", "budget.executed", "budget.received"):
        return field
    bigger = any(f.field.startswith(field) and f.value > value for f in earlier)
    return f"{field}.part" if bigger and _has(ctx.sentence, cue.PART_LEADS) else field


def _money(text: str, outline: Outline) -> list[BudgetFigure]:
    figures: list[BudgetFigure] = []
    by_paragraph: dict[int, list[BudgetFigure]] = {}
    previous_end = 0
    for match in _AMOUNT.finditer(text):
        start, end = match.span()
        sentence_start = _sentence_start(text, start)
        previous = next((f.field for f in reversed(figures) if f.where.span.start >= sentence_start), None)
        near = _near(text, start, previous_end)
        previous_end = end
        ctx = _Context(near, text[sentence_start:start], text[end : end + _AFTER], previous)
        where = _where(outline, start, end)
        value = Decimal(match["num"].replace(",", ""))
        approximate = bool(match["q"]) or text[max(0, start - 1) : start] in cue.APPROXIMATE_BEFORE
        same_paragraph = by_paragraph.setdefault(where.paragraph, [])
        for classified, name, confidence in _classify(ctx):
            field = _as_part_of_earlier(classified, value, ctx, same_paragraph)
            figure = BudgetFigure(field, value, match["unit"], match.group(), where, confidence, name,
                                  approximate=approximate)  # fmt: skip
            if _has(near, cue.TOTALS):
                _parts_before_total(figure, same_paragraph)
            figures.append(figure)
            same_paragraph.append(figure)
    return [f for paragraph in by_paragraph.values() for f in paragraph]


def _parts_before_total(total: BudgetFigure, earlier: list[BudgetFigure]) -> None:
    """ "第一批…3374.3万元，第二批…，三批合计6222.4万元": what came before the total is a part of it."""
    for i, figure in enumerate(earlier):
        if figure.field == total.field and figure.value < total.value:
            earlier[i] = BudgetFigure(f"{figure.field}.part", figure.value, figure.unit, figure.printed, figure.where,
                                      _GUESS, figure.name, figure.share, figure.approximate)  # fmt: skip


def _rates(text: str, outline: Outline, money: list[BudgetFigure]) -> tuple[list[BudgetFigure], list[BudgetFigure]]:
    """Stated rates as figures, and the money figures with any "占…%" share attached."""
    rates: list[BudgetFigure] = []
    shared = list(money)
    for match in _PERCENT.finditer(text):
        start, end = match.span()
        near = _near(text, start)
        value = Decimal(match["num"])
        if near.endswith(cue.SHARE) and shared:
            before = [i for i, f in enumerate(shared) if f.where.span.end <= start]
            if before and shared[before[-1]].field == "budget.source":
                i = before[-1]
                shared[i] = _with_share(shared[i], value)
            continue
        field = _rate_field(near)
        if field:
            rates.append(BudgetFigure(field, value, "%", match.group(), _where(outline, start, end), _SURE))
    return rates, shared


def _with_share(figure: BudgetFigure, share: Decimal) -> BudgetFigure:
    return BudgetFigure(figure.field, figure.value, figure.unit, figure.printed, figure.where, figure.confidence,
                        figure.name, share, figure.approximate)  # fmt: skip


def _rate_field(near: str) -> str | None:
    if _has(near, cue.EXECUTION_RATE):
        return "budget.execution_rate"
    if _has(near, cue.RECEIVED_RATE):
        return "budget.received_rate"
    return None


def read_report_text(text: str) -> ReportReading:
    """The outline and the budget figures of a report's text, in the order they are printed."""
    outline = read_outline(text)
    rates, money = _rates(text, outline, _money(text, outline))
    figures = sorted(money + rates, key=lambda f: f.where.span.start)
    return ReportReading(outline, tuple(figures))
