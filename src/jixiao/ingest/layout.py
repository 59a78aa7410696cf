"""One sheet → an :class:`Evaluation`: header block, budget, goals, indicators, footer.

:func:`read_layout` returns ``None`` when the sheet has neither a budget block nor an
indicator header (the caller then tries the next sheet). Everything it reads is recorded in
``Evaluation.sources`` as (field path, ``Sheet!C5``); cells it cannot understand become
``Evaluation.import_notes``, which the checker reports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from jixiao.core.model import (
    AmountUnit,
    Budget,
    Evaluation,
    EvaluationKind,
    ProjectInfo,
    Stated,
    UnitProfile,
)
from jixiao.core.numbers import to_decimal
from jixiao.core.values import normalize_text
from jixiao.ingest import labels as L
from jixiao.ingest.blocks import (
    Header,
    IndicatorRows,
    find_budget_header,
    find_goal,
    find_indicator_header,
    is_footer,
    key_at,
    read_budget,
    read_goals,
    read_indicators,
)
from jixiao.ingest.cells import Reads
from jixiao.ingest.grid import Grid, squeeze, tidy

_YEAR_ALONE = re.compile(r"^[(（]?\s*(?:评价年度|年度)?\s*[:：]?\s*((?:19|20|21)\d{2})\s*年度?\s*[)）]?$")
_YEAR_DU = re.compile(r"((?:19|20|21)\d{2})\s*年度")
_YEAR_ANY = re.compile(r"((?:19|20|21)\d{2})\s*年")
_YEAR_DIGITS = re.compile(r"((?:19|20|21)\d{2})")
YEAR_RANGE = range(1990, 2101)


@dataclass(frozen=True)
class Found:
    """A header-block value and where it was read."""

    text: str
    row: int
    col: int
    label: str  # the label's key ("部门名称", "项目名称")


def read_layout(grid: Grid, file: str) -> Evaluation | None:
    budget_header = find_budget_header(grid)
    indicator_header = find_indicator_header(grid)
    if budget_header is None and indicator_header is None:
        return None
    reads = Reads(grid)
    first = min(h.row for h in (budget_header, indicator_header) if h is not None)
    indicator_row = indicator_header.row if indicator_header else grid.n_rows
    header = read_header(reads)
    goal_at = find_goal(grid, 0, indicator_row)
    budget_stop = _budget_stop(grid, budget_header, indicator_row, goal_at)
    reads.unit = _detect_unit(reads, first, budget_header, budget_stop)
    year = _detect_year(reads, header, first, file)
    budget = read_budget(reads, budget_header, budget_stop) if budget_header else None
    goals = read_goals(reads, goal_at, indicator_row)
    rows = read_indicators(reads, indicator_header) if indicator_header else IndicatorRows([], 0)
    indicators, footer_row = rows.indicators, rows.footer
    if indicator_header is None and budget is not None:
        footer_row = budget.end
    total, total_weight = _read_total(reads, footer_row, indicator_header)
    grade = _read_grade(reads, footer_row, indicator_header)
    kind = _detect_kind(grid, header, first)
    stated = Stated(
        execution_rate=budget.rate if budget else None,
        execution_score=budget.score if budget else None,
        execution_weight=budget.weight if budget else None,
        total=total,
        grade=grade,
        total_weight=total_weight,
    )
    money = Budget(unit=reads.unit)
    if budget is not None:
        money = Budget(
            unit=reads.unit, initial=budget.initial, adjusted=budget.adjusted, executed=budget.executed,
            by_nature=tuple(budget.by_nature), by_source=tuple(budget.by_source),
        )
    return Evaluation(
        kind=kind,
        year=year,
        unit=_unit_profile(reads, header, kind),
        project=_project(reads, header) if kind is EvaluationKind.PROJECT else None,
        goals=goals,
        budget=money,
        indicators=tuple(indicators),
        stated=stated,
        sources=tuple(reads.sources),
        import_notes=tuple(reads.notes),
        skipped_rows=tuple(rows.skipped),
    )


def _budget_stop(grid: Grid, budget: Header | None, indicator_row: int, goal: tuple[int, int] | None) -> int:
    if budget is None:
        return 0
    stops = [grid.n_rows]
    if indicator_row > budget.row:
        stops.append(indicator_row)
    if goal is not None and goal[0] > budget.row:
        stops.append(goal[0])
    return min(stops)


# --- header block --------------------------------------------------------------------------


def read_header(reads: Reads) -> dict[str, Found]:
    """项目名称 / 部门名称 / 主管部门 / 实施单位 / 联系人 / 年度: first occurrence of each label."""
    grid = reads.grid
    found: dict[str, Found] = {}
    for row, col in grid.positions():
        key = key_at(grid, row, col)
        role = L.match_role(key, L.HEADER_LABELS)
        if role is not None:
            right = grid.next_right(row, col)
            if right is None or _is_header_label(grid, row, right) or role in found:
                continue
            text = tidy(grid.text(row, right))
            if text:
                found[role] = Found(text, row, right, key)
            continue
        inline = L.split_inline(grid.text(row, col))
        if inline is None or not inline[1]:
            continue
        label = L.label_key(squeeze(inline[0]))
        role = L.match_role(label, L.HEADER_LABELS)
        if role is not None and role not in found:
            found[role] = Found(tidy(inline[1]), row, col, label)
    return found


def _is_header_label(grid: Grid, row: int, col: int) -> bool:
    key = key_at(grid, row, col)
    if L.match_role(key, L.HEADER_LABELS) is not None:
        return True
    inline = L.split_inline(grid.text(row, col))
    return inline is not None and L.match_role(L.label_key(squeeze(inline[0])), L.HEADER_LABELS) is not None


def _take(reads: Reads, header: dict[str, Found], path: str, *roles: str) -> str:
    for role in roles:
        if role in header:
            found = header[role]
            reads.source(path, found.row, found.col)
            return found.text
    return ""


def _unit_profile(reads: Reads, header: dict[str, Found], kind: EvaluationKind) -> UnitProfile:
    if kind is EvaluationKind.DEPARTMENT:
        name = _take(reads, header, "unit.name", "unit", "implementer", "superior")
    else:
        name = _take(reads, header, "unit.name", "implementer", "unit", "superior")
    contact = _take(reads, header, "unit.contact", "contact")
    phone = header["phone"].text if "phone" in header else ""
    return UnitProfile(
        name=name,
        superior=_take(reads, header, "unit.superior", "superior"),
        contact=f"{contact} {phone}".strip(),
    )


def _project(reads: Reads, header: dict[str, Found]) -> ProjectInfo | None:
    if "project" not in header:
        return None
    return ProjectInfo(
        name=_take(reads, header, "project.name", "project"),
        implementing_unit=_take(reads, header, "project.implementing_unit", "implementer"),
        supervising_dept=_take(reads, header, "project.supervising_dept", "superior"),
    )


def _title_cells(grid: Grid, first: int) -> list[tuple[int, int]]:
    return [
        (row, col) for row, col in grid.positions()
        if row < first and any(word in grid.key(row, col) for word in L.TITLE_WORDS)
    ]


def _detect_kind(grid: Grid, header: dict[str, Found], first: int) -> EvaluationKind:
    if "project" in header:
        return EvaluationKind.PROJECT
    says = any(word in grid.key(r, c) for r, c in grid.positions() if r < first for word in L.DEPARTMENT_WORDS)
    if says or ("unit" in header and header["unit"].label.startswith("部门")):
        return EvaluationKind.DEPARTMENT
    return EvaluationKind.PROJECT


def _detect_year(reads: Reads, header: dict[str, Found], first: int, file: str) -> int | None:
    """The year in the title or header; ``None`` when the table gives none (reported, not refused)."""
    grid = reads.grid
    candidates: list[tuple[re.Pattern[str], list[tuple[int, int]]]] = [
        (_YEAR_ALONE, [(r, c) for r, c in grid.positions() if r < first]),
        (_YEAR_DU, _title_cells(grid, first)),
        (_YEAR_ANY, _title_cells(grid, first)),
    ]
    if "year" in header:
        candidates.append((_YEAR_DIGITS, [(header["year"].row, header["year"].col)]))
    if "project" in header:
        candidates.append((_YEAR_ANY, [(header["project"].row, header["project"].col)]))
    for pattern, cells in candidates:
        for row, col in cells:
            match = pattern.search(normalize_text(grid.text(row, col)))
            if match and int(match.group(1)) in YEAR_RANGE:
                reads.source("year", row, col)
                return int(match.group(1))
    return None


def _detect_unit(reads: Reads, first: int, budget: Header | None, budget_stop: int) -> AmountUnit:
    """万元 unless the table says 元: "单位：元" above the tables, or "（元）" in a budget title."""
    grid = reads.grid
    declared = [(r, c) for r, c in grid.positions() if r < first or (budget is not None and r == budget.row)]
    for row, col in declared:
        match = L.UNIT_DECLARATION.search(normalize_text(grid.text(row, col)))
        if match:
            reads.source("budget.unit", row, col)
            return AmountUnit(match.group(1))
    labelled = _title_cells(grid, first)
    if budget is not None:
        first_amount = min(budget.cols[role] for role in L.AMOUNT_ROLES if role in budget.cols)
        labelled += [(budget.row, c) for c in grid.row_cols(budget.row)]
        labelled += [(r, c) for r in range(budget.row + 1, budget_stop) for c in grid.row_cols(r) if c < first_amount]
    for row, col in labelled:
        match = L.UNIT_IN_LABEL.search(normalize_text(grid.text(row, col)))
        if match:
            reads.source("budget.unit", row, col)
            return AmountUnit(match.group(1))
    return AmountUnit.WAN


# --- footer ----------------------------------------------------------------------------------


def _read_total(reads: Reads, footer_row: int, indicators: Header | None) -> tuple[Decimal | None, Decimal | None]:
    """总分 / 合计 row: the total in the 得分 column (or the first number right of the label)."""
    grid = reads.grid
    cols = indicators.cols if indicators else {}
    for row in range(footer_row, grid.n_rows):
        if not is_footer(grid, row, cols.get("l3")):
            continue
        label_col = grid.row_cols(row)[0]
        if not key_at(grid, row, label_col).startswith(L.FOOTER_TOTAL):
            continue
        inline = L.split_inline(grid.text(row, label_col))
        if inline is not None and inline[1]:
            return reads.points_text(row, label_col, inline[1], "stated.total", "总分"), None
        score_col = cols.get("score")
        if score_col is not None and score_col > label_col and grid.raw(row, score_col) is not None:
            weight_col = cols.get("weight")
            weight = None
            if weight_col is not None and weight_col > label_col and grid.raw(row, weight_col) is not None:
                weight = reads.points(row, weight_col, "stated.total_weight", "总分值")
            return reads.points(row, score_col, "stated.total", "总分"), weight
        # No 得分 column to go by: "总分 | 96", or "总分 | 100 | 96" (分值 then 得分).
        right = [c for c in grid.row_cols(row) if c > label_col][:2]
        if len(right) == 2 and all(_numeric(grid, row, c) for c in right):
            weight = reads.points(row, right[0], "stated.total_weight", "总分值")
            return reads.points(row, right[1], "stated.total", "总分"), weight
        return (reads.points(row, right[0], "stated.total", "总分") if right else None), None
    return None, None


def _numeric(grid: Grid, row: int, col: int) -> bool:
    value = grid.raw(row, col)
    return isinstance(value, Decimal) or (isinstance(value, str) and to_decimal(value.strip()) is not None)


def _read_grade(reads: Reads, footer_row: int, indicators: Header | None) -> str | None:
    """等级 / 评价等级 / 自评等级 label anywhere, else a grade word in the 总分 row."""
    grid = reads.grid
    skip = indicators.row if indicators else -1
    for row, col in grid.positions():
        if row == skip:
            continue
        key = key_at(grid, row, col)
        if L.GRADE_LABEL(key):
            right = grid.next_right(row, col, limit=4)
            if right is not None:
                text = reads.text(row, right, "stated.grade")
                if text:
                    return text
            continue
        inline = L.split_inline(grid.text(row, col))
        if inline is not None and inline[1] and L.GRADE_LABEL(L.label_key(squeeze(inline[0]))):
            reads.source("stated.grade", row, col)
            return inline[1].strip()
    for row in range(footer_row, min(grid.n_rows, footer_row + 3)):
        for col in grid.row_cols(row)[1:]:
            if squeeze(grid.text(row, col)) in L.GRADE_WORDS:
                return reads.text(row, col, "stated.grade")
    return None
