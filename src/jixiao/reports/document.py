"""The report content model: what a report says, independent of any file format.

:func:`jixiao.reports.content.build_content` fills these frozen dataclasses from an evaluation,
its scorecard and a template; the writers (docx, xlsx, html, pdf) only lay them out. Nothing
here imports a document library, so the web application can build and inspect content too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from jixiao.core.model import EvaluationKind


class Role(StrEnum):
    """How a paragraph is set."""

    BODY = "body"  # 正文：首行缩进两字
    SIGN_OFF = "sign_off"  # 落款：右对齐
    DATE = "date"  # 成文日期：右对齐
    CAPTION = "caption"  # 表题、图题：居中
    NOTE = "note"  # 说明：不缩进


class Align(StrEnum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


@dataclass(frozen=True)
class Paragraph:
    text: str
    role: Role = Role.BODY


@dataclass(frozen=True)
class Cell:
    """A table cell. ``number`` keeps the figure for formats that store numbers (xlsx).

    ``whole``: a figure with its unit ("≥15000米", "97.75") that must never break across lines;
    the writers size the column for it and keep it on one line.
    """

    text: str
    number: Decimal | None = None
    align: Align = Align.LEFT
    bold: bool = False
    whole: bool = False


@dataclass(frozen=True)
class Merge:
    """Cells ``(row, col)`` to ``(last_row, last_col)`` of the table grid (header rows first)."""

    row: int
    col: int
    last_row: int
    last_col: int


@dataclass(frozen=True)
class Table:
    name: str  # "budget" / "indicators"
    caption: str  # "表1 2021年度部门预算及执行情况（单位：万元）"
    header: tuple[tuple[Cell, ...], ...]
    rows: tuple[tuple[Cell, ...], ...]
    widths: tuple[int, ...]  # relative column widths (millimetres on A4 portrait)
    merges: tuple[Merge, ...] = ()
    note: str = ""

    @property
    def grid(self) -> tuple[tuple[Cell, ...], ...]:
        return self.header + self.rows


class ChartKind(StrEnum):
    BUDGET_COMPOSITION = "budget_composition"
    INDICATOR_ACHIEVEMENT = "indicator_achievement"


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[Decimal | None, ...]


@dataclass(frozen=True)
class Chart:
    """What a chart shows; :mod:`jixiao.reports.charts` draws it.

    For the achievement chart ``values`` are percentages of the target, ``cap`` limits the bar
    drawn (so one indicator at 900% does not flatten the rest) and ``labels`` print the
    real figure at the end of each bar.
    """

    kind: ChartKind
    caption: str  # "图1 2021年度预算构成及执行情况"
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str  # axis unit: "万元" or "%"
    labels: tuple[str, ...] = ()
    cap: Decimal | None = None
    reference: Decimal | None = None  # a line to draw (100% of target)

    @property
    def alt(self) -> str:
        """A text equivalent for the HTML preview and screen readers."""
        parts = []
        for i, category in enumerate(self.categories):
            figures = "，".join(
                f"{s.name}{'—' if s.values[i] is None else s.values[i]}{self.unit}" for s in self.series
            )
            parts.append(f"{category}：{figures}")
        return self.caption + "。" + "；".join(parts)


@dataclass(frozen=True)
class Section:
    """A numbered heading (``一、部门概况``) with its blocks, which may be sub-sections."""

    heading: str
    level: int  # 1: 一、 2: （一） 3: 1. 4: （1）
    blocks: tuple[Block, ...]


Block = Paragraph | Table | Chart | Section


@dataclass(frozen=True)
class BudgetRow:
    """A row of the self-evaluation table's budget block (万元 unless stated)."""

    label: str
    initial: Decimal | None
    adjusted: Decimal | None
    executed: Decimal | None
    weight: Decimal | None = None
    rate: Decimal | None = None  # percent, rounded
    score: Decimal | None = None


@dataclass(frozen=True)
class IndicatorRow:
    l1: str
    l2: str
    name: str
    target: str
    actual: str
    weight: Decimal | None
    score: Decimal | None
    note: str


@dataclass(frozen=True)
class ScoreNote:
    """How one line was scored (the scorecard's explanation), for the sheet 评分说明."""

    l1: str
    name: str
    weight: Decimal | None
    score: Decimal
    explanation: str


@dataclass(frozen=True)
class EvaluationSheet:
    """The self-evaluation table (自评表) in the standard layout (docs/field.md#table)."""

    title: str
    header: tuple[tuple[str, str], ...]  # (label, value) pairs: 部门名称, 主管部门 …
    amount_unit: str
    budget: tuple[BudgetRow, ...]
    goal: str
    achieved: str
    indicators: tuple[IndicatorRow, ...]
    total_weight: Decimal
    total: Decimal
    grade: str
    notes: tuple[str, ...] = ()
    explanations: tuple[ScoreNote, ...] = ()


@dataclass(frozen=True)
class ReportContent:
    kind: EvaluationKind
    unit: str
    year: int
    title: tuple[str, ...]  # 二号小标宋 lines
    subtitle: str  # （2021年度）
    preamble: tuple[Paragraph, ...]
    sections: tuple[Section, ...]
    sign_off: str
    date: str
    sheet: EvaluationSheet
    appendix: Section | None = None  # 审核意见, only in the review copy
    review_mark: str = ""  # printed under the title of the review copy
    template: str = ""  # template name, for the document properties

    @property
    def review_copy(self) -> bool:
        return self.appendix is not None

    @property
    def all_sections(self) -> tuple[Section, ...]:
        return self.sections + ((self.appendix,) if self.appendix is not None else ())

    def walk(self) -> Iterator[Block]:
        """Every block in reading order, sections before their content."""
        stack: list[Block] = list(reversed(self.all_sections))
        while stack:
            block = stack.pop()
            yield block
            if isinstance(block, Section):
                stack.extend(reversed(block.blocks))

    @property
    def charts(self) -> tuple[Chart, ...]:
        return tuple(block for block in self.walk() if isinstance(block, Chart))

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(block for block in self.walk() if isinstance(block, Table))

    def plain_text(self) -> str:
        """All the words of the report, one block a line (for search and tests)."""
        lines = [*self.title, self.subtitle, self.review_mark]
        lines += [p.text for p in self.preamble]
        for block in self.walk():
            if isinstance(block, Section):
                lines.append(block.heading)
            elif isinstance(block, Paragraph):
                lines.append(block.text)
            elif isinstance(block, Table):
                lines.append(block.caption)
                lines += ["\t".join(cell.text for cell in row) for row in block.grid]
            else:
                lines.append(block.caption)
        lines += [self.sign_off, self.date]
        return "\n".join(line for line in lines if line)


def attachment_name(appendix: Section) -> str:
    """"审核意见" from the appendix heading "附件：审核意见" (the heading may also be the bare name)."""
    heading = appendix.heading.strip()
    for prefix in ("附件：", "附件:", "附件"):
        if heading.startswith(prefix) and len(heading) > len(prefix):
            return heading[len(prefix) :].strip()
    return heading
