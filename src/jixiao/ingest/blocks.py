"""The blocks of a self-evaluation table, found by their titles on a :class:`Grid`.

Each ``find_*`` function locates a block by its title row; each ``read_*`` function reads
it through :class:`Reads`, which records where every figure came from and turns cells it
cannot understand into import notes. docs/field.md#table describes the layouts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Final

from jixiao.core.model import BudgetLine, Goals, Indicator, IndicatorPart
from jixiao.core.numbers import to_decimal
from jixiao.core.values import BLANK, Direction, normalize_text
from jixiao.ingest import labels as L
from jixiao.ingest.cells import Reads
from jixiao.ingest.evaluation_file import direction_of
from jixiao.ingest.grid import Grid, squeeze, tidy


@dataclass(frozen=True)
class Header:
    """A title row: its row number and the column of each role found in it."""

    row: int
    cols: dict[str, int]


def key_at(grid: Grid, row: int, col: int) -> str:
    """The cell's text as a label key (cached on the grid: every block looks labels up)."""
    found = grid.labels.get((row, col))
    if found is None:
        found = grid.labels[(row, col)] = L.label_key(grid.key(row, col))
    return found


def _roles(grid: Grid, row: int, roles: Mapping[str, L.Matcher], *, merged: bool) -> dict[str, int]:
    found: dict[str, int] = {}
    cols = range(grid.n_cols) if merged else grid.row_cols(row)
    for col in cols:
        origin = grid.origin(row, col) if merged else (row, col)
        role = L.match_role(key_at(grid, *origin), roles)
        if role is not None and role not in found:
            found[role] = col
    return found


def find_budget_header(grid: Grid) -> Header | None:
    """The row titled 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 (or variants).

    One amount column alone ("年度预算资金总额") counts only when a budget total row
    (合计, 年度资金总额 …) follows right under it, left of that column.
    """
    for row in range(grid.n_rows):
        cols = _roles(grid, row, L.BUDGET_COLUMNS, merged=False)
        amounts = [cols[role] for role in L.AMOUNT_ROLES if role in cols]
        if len(amounts) >= 2 or (amounts and "rate" in cols) or (amounts and _total_below(grid, row, amounts[0])):
            return Header(row, cols)
    return None


def _total_below(grid: Grid, row: int, amount_col: int) -> bool:
    for below in range(row + 1, min(row + 3, grid.n_rows)):
        labels = [c for c in grid.row_cols(below) if c < amount_col]
        if labels and L.BUDGET_TOTAL(key_at(grid, below, labels[-1])):
            return True
    return False


def find_indicator_header(grid: Grid) -> Header | None:
    """The row titled 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | …."""
    for row in range(grid.n_rows):
        if not grid.row_cols(row):
            continue
        cols = _roles(grid, row, L.INDICATOR_COLUMNS, merged=True)
        if sum(role in cols for role in L.MEASURE_ROLES) < 2:
            continue
        if "l3" not in cols and "l2" in cols:
            # Some tables leave the name column untitled: take the first free column after 二级指标.
            taken = set(cols.values())
            free = [c for c in range(cols["l2"] + 1, grid.n_cols) if c not in taken]
            if free and free[0] < min(cols.get(role, grid.n_cols) for role in L.MEASURE_ROLES):
                cols["l3"] = free[0]
        if "l3" not in cols and "l2" not in cols:
            _evaluation_content(grid, row, cols)
        if "l3" in cols:
            return Header(row, cols)
    return None


def _evaluation_content(grid: Grid, row: int, cols: dict[str, int]) -> None:
    """Hubei-style scoring tables title the rows 评价内容 under 项目权重 / 评价指标 (项目决策 2分 …)."""
    for col in range(grid.n_cols):
        key = key_at(grid, *grid.origin(row, col))
        if key in L.EVALUATION_CONTENT and "l3" not in cols:
            cols["l3"] = col
        elif key in L.EVALUATION_BLOCK and "l1" not in cols:
            cols["l1"] = col


# --- budget -----------------------------------------------------------------------------


@dataclass
class BudgetRead:
    initial: Decimal | None = None
    adjusted: Decimal | None = None
    executed: Decimal | None = None
    weight: Decimal | None = None
    rate: Decimal | None = None
    score: Decimal | None = None
    by_source: list[BudgetLine] = field(default_factory=list)
    by_nature: list[BudgetLine] = field(default_factory=list)
    found_total: bool = False
    end: int = 0  # the first row after the block


def classify_budget_row(key: str) -> tuple[str, str] | None:
    """("total" | "nature" | "source" | "detail" | "section", name) for a row label."""
    if not key:
        return None
    if L.BUDGET_TOTAL(key):
        return "total", key
    for name in L.NATURE_NAMES:
        if name in key and len(key) <= len(name) + 4:
            return "nature", name
    if any(word in key for word in L.BUDGET_DETAIL):
        return "detail", key
    if len(key) <= 24 and any(word in key for word in L.SOURCE_WORDS):
        return "source", key
    if any(key.startswith(word) for word in L.BUDGET_SECTIONS):
        return "section", key
    return None


def read_budget(reads: Reads, header: Header, stop: int) -> BudgetRead:
    grid = reads.grid
    out = BudgetRead()
    amount_cols = {role: header.cols[role] for role in L.AMOUNT_ROLES if role in header.cols}
    first_amount = min(amount_cols.values())
    out.end = min(stop, header.row + 25)
    items: list[tuple[int, int, str]] = []  # funds split by item: (row, col, name)
    for row in range(header.row + 1, out.end):
        if _ends_budget(grid, row):
            out.end = row
            break
        if _read_inline(reads, row, amount_cols, out):
            continue
        labels = [c for c in grid.row_cols(row) if c < first_amount]
        key = key_at(grid, row, labels[-1]) if labels else ""
        has_amounts = any(_filled(grid, row, col) for col in amount_cols.values())
        kind = classify_budget_row(key)
        if not has_amounts or (kind is not None and kind[0] in ("detail", "section")):
            continue
        if kind is None and key and out.found_total and _breakdown_follows(grid, row + 1, first_amount):
            items.append((row, labels[-1], key))  # an item with its own 其中 rows (T23)
            continue
        if items and kind is not None and kind[0] == "source":
            continue  # the sources of an item, not of the total
        if (kind is not None and kind[0] == "total") or (kind is None and not key and not out.found_total):
            _read_total(reads, row, header, out)
        elif kind is not None:
            _read_line(reads, row, kind, amount_cols, out)
        else:
            reads.note(row, labels[-1] if labels else first_amount,
                       f"未识别的预算行“{key or '（无名称）'}”，金额未导入；行名称请写 年度资金总额、财政拨款、"
                       "上年结转资金、其他资金、基本支出 或 项目支出")
    if items:
        names = "、".join(f"“{name}”" for _, _, name in items)
        reads.note(items[0][0], items[0][1],
                   f"资金按项目分列（{names}），各项目的金额及其“其中”行未导入，只核对了资金总额及其资金来源")
    _single_line_as_total(out)
    return out


def _breakdown_follows(grid: Grid, row: int, first_amount: int) -> bool:
    """The row starts with 其中 (the breakdown of the row above)."""
    labels = [c for c in grid.row_cols(row) if c < first_amount] if row < grid.n_rows else []
    return bool(labels) and squeeze(grid.text(row, labels[-1])).startswith("其中")


def _single_line_as_total(out: BudgetRead) -> None:
    """A budget of one named line and no total row ("市级财政资金 | 210 | … | 197.33", T29):
    that line is the whole budget."""
    lines = out.by_source + out.by_nature
    if out.found_total or len(lines) != 1:
        return
    line = lines[0]
    out.initial, out.adjusted, out.executed = line.initial, line.adjusted, line.executed


def _ends_budget(grid: Grid, row: int) -> bool:
    """A 总分 / 自评得分 / 等级 row right under a budget-only table (合计 there is the budget total)."""
    cols = grid.row_cols(row)
    if not cols:
        return False
    key = key_at(grid, row, cols[0])
    return (key.startswith(L.FOOTER_TOTAL) and not L.BUDGET_TOTAL(key)) or L.GRADE_LABEL(key)


def _filled(grid: Grid, row: int, col: int) -> bool:
    value = grid.raw(row, col)
    if value is None:
        return False
    return not isinstance(value, str) or squeeze(value) not in ("-", "—", "——", "/", "－")


def _numeric(grid: Grid, row: int, col: int) -> bool:
    value = grid.raw(row, col)
    if isinstance(value, Decimal):
        return True
    if not isinstance(value, str):
        return False
    text = normalize_text(value).replace(" ", "").removesuffix("万元").removesuffix("元")
    return to_decimal(text) is not None


def _read_total(reads: Reads, row: int, header: Header, out: BudgetRead) -> None:
    cols = header.cols
    out.found_total = True
    for role in L.AMOUNT_ROLES:
        if role in cols:
            what = {"initial": "年初预算数", "adjusted": "全年预算数", "executed": "全年执行数"}[role]
            setattr(out, role, reads.amount(row, cols[role], f"budget.{role}", what))
    if "weight" in cols:
        out.weight = reads.points(row, cols["weight"], "stated.execution_weight", "执行率分值", merged=True)
    else:
        out.weight = _weight_in_heading(reads, header)
    if "rate" in cols:
        out.rate = reads.rate(row, cols["rate"], "stated.execution_rate", merged=True)
    if "score" in cols:
        out.score = reads.points(row, cols["score"], "stated.execution_score", "执行率得分", merged=True)


#: "预算执行情况（万元）（20分）", "得分（20分*执行率）": the execution weight printed in a heading.
_HEADING_WEIGHT: Final = re.compile(r"\((\d+(?:\.\d+)?)分[)*×xX]")


def _weight_in_heading(reads: Reads, header: Header) -> Decimal | None:
    """No 分值 column: the weight printed in the budget's title row or the heading above it (T06)."""
    grid = reads.grid
    for row in (header.row, header.row - 1):
        if row < 0:
            continue
        for col in grid.row_cols(row):
            match = _HEADING_WEIGHT.search(squeeze(normalize_text(grid.text(row, col))))
            if match:
                return reads.points_text(row, col, match.group(1), "stated.execution_weight", "执行率分值")
    return None


def _read_line(reads: Reads, row: int, kind: tuple[str, str], cols: dict[str, int], out: BudgetRead) -> None:
    group, name = kind
    lines = out.by_source if group == "source" else out.by_nature
    base = f"budget.by_{group}[{len(lines)}]"
    figures = {role: reads.amount(row, col, f"{base}.{role}", name) for role, col in cols.items()}
    lines.append(BudgetLine(name=name, **figures))


def _inline_cells(grid: Grid, row: int) -> list[tuple[int, str, str, str]]:
    """Cells like "其中：一般公共预算：1873.66" → (column, "source", "一般公共预算", "1873.66")."""
    found = []
    for col in grid.row_cols(row):
        text = normalize_text(grid.text(row, col))
        for lead in ("其中:", "其中"):
            text = text.removeprefix(lead)
        if ":" not in text:
            continue
        name_part, value_part = text.rsplit(":", 1)
        kind = classify_budget_row(L.label_key(squeeze(name_part)))
        if kind is not None and kind[0] in ("source", "nature"):
            found.append((col, kind[0], kind[1], value_part.strip()))
    return found


def _read_inline(reads: Reads, row: int, amount_cols: dict[str, int], out: BudgetRead) -> bool:
    """Hunan-style splits written into label cells; ``False`` when the row is not one."""
    grid = reads.grid
    cells = _inline_cells(grid, row)
    if not cells:
        return False
    if not any(value for *_, value in cells) and any(_numeric(grid, row, c) for c in amount_cols.values()):
        return False  # "财政拨款：" as a row label, amounts in the columns
    taken = {col for col, *_ in cells}
    for col, group, name, value in cells:
        lines = out.by_source if group == "source" else out.by_nature
        path = f"budget.by_{group}[{len(lines)}].adjusted"
        if value:
            amount = reads.amount_text(row, col, value, path, name)
        else:
            right = grid.next_right(row, col, limit=2)
            if right is None or right in taken or not _numeric(grid, row, right):
                continue
            amount = reads.amount(row, right, path, name)
        if amount is not None:
            lines.append(BudgetLine(name=name, adjusted=amount))
    return True


# --- goals ------------------------------------------------------------------------------


def find_goal(grid: Grid, start: int, stop: int) -> tuple[int, int] | None:
    """The 年度总体目标 label cell."""
    for row in range(start, stop):
        for col in grid.row_cols(row):
            if L.GOAL_LABEL(key_at(grid, row, col)):
                return row, col
    return None


def read_goals(reads: Reads, at: tuple[int, int] | None, stop: int) -> Goals:
    """年度总体目标: 预期目标 | 实际完成情况, titles beside the label and texts below them."""
    return Goals() if at is None else _goal_texts(reads, at[0], at[1], stop)


def _goal_texts(reads: Reads, row: int, col: int, stop: int) -> Goals:
    grid = reads.grid
    titles: dict[str, tuple[int, int]] = {}
    for r in range(row, min(row + 2, stop)):
        for c in grid.row_cols(r):
            key = key_at(grid, r, c)
            if c > col and "expected" not in titles and L.GOAL_EXPECTED(key):
                titles["expected"] = (r, c)
            elif c > col and "achieved" not in titles and L.GOAL_ACHIEVED(key):
                titles["achieved"] = (r, c)
    if not titles:
        right = grid.next_right(row, col)
        overall = tidy(reads.text(row, right, "goals.overall")) if right is not None else ""
        return Goals(overall=overall)
    ordered = sorted(titles.items(), key=lambda item: item[1][1])
    texts: dict[str, str] = {}
    for i, (name, (r, c)) in enumerate(ordered):
        end = ordered[i + 1][1][1] if i + 1 < len(ordered) else grid.n_cols
        path = "goals.overall" if name == "expected" else "goals.achieved"
        texts[name] = _below(reads, r, range(c, end), stop, path)
    return Goals(overall=texts.get("expected", ""), achieved=texts.get("achieved", ""))


def _below(reads: Reads, row: int, cols: range, stop: int, path: str) -> str:
    """The first text under a title, within the title's columns (texts may start a column off)."""
    grid = reads.grid
    for r in range(row + 1, min(stop, row + 5)):
        for c in cols:
            if grid.raw(r, c) is not None:
                return tidy(reads.text(r, c, path))
    return ""


# --- indicators and footer ----------------------------------------------------------------


def is_total_label(key: str) -> bool:
    """总分 / 合计 / 自评得分 …, alone or followed by its value ("总分:96")."""
    for label in L.FOOTER_TOTAL:
        if key == label or (key.startswith(label) and (key[len(label)].isdigit() or key[len(label)] == ":")):
            return True
    return False


def is_footer(grid: Grid, row: int, name_col: int | None = None) -> bool:
    """The 总分 / 等级 row, or the sign-off lines (填表人：…) that end the indicator rows.

    A cell left of the 三级指标 column may say more ("总分（100分）", "合计得分"); in the name
    column itself only an exact label counts, so that an indicator named "总计划完成率" stays.
    """
    cols = grid.row_cols(row)
    if not cols:
        return False
    key = key_at(grid, row, cols[0])
    if is_total_label(key) or L.GRADE_LABEL(key):
        return True
    left = name_col is None or cols[0] < name_col
    return left and (key.startswith(L.FOOTER_TOTAL) or key.startswith(L.SIGN_OFF))


#: A row name that holds no indicator: "指标2", "指标1：", "……", "/", "—" (squeezed, NFKC).
_PLACEHOLDER: Final = re.compile(r"(?:指标\d*[:.、]?|[.·。/\\\-—–－~～]+|无|空)")
#: Leading blanks that indent a breakdown row under its parent (ASCII or ideographic spaces).
_INDENT: Final = (" ", "\u3000", "\t")


@dataclass
class IndicatorRows:
    """What the indicator block holds: indicators (with their parts), the placeholder rows skipped
    (where, text) and the footer row (or the sheet's end)."""

    indicators: list[Indicator]
    footer: int
    skipped: list[tuple[str, str]] = field(default_factory=list)


def read_indicators(reads: Reads, header: Header) -> IndicatorRows:
    """Rows below the header until 总分/合计.

    Placeholder rows are skipped and listed; "其中…" rows and rows indented under a weighted
    indicator, without a weight or score of their own, become its parts
    (docs/checks.md#parts-and-placeholders).
    """
    grid = reads.grid
    cols = header.cols
    out = IndicatorRows([], grid.n_rows)
    indicators = out.indicators
    l1 = l2 = ""
    parent_row: int | None = None  # the row of the last indicator that may take parts
    for row in range(header.row + 1, grid.n_rows):
        if is_footer(grid, row, cols["l3"]):
            out.footer = row
            return out
        l1_text = _squeezed(grid, row, cols.get("l1"))
        l2_text = _squeezed(grid, row, cols.get("l2"))
        if l1_text == "一级指标" or l2_text == "二级指标":
            continue  # the title row repeated after a page break
        if l1_text and l1_text != l1:
            l1, l2, parent_row = l1_text, "", None
        if l2_text:
            if l2_text != l2:
                parent_row = None
            l2 = l2_text
        found = _name(grid, row, cols)
        filled = _filled_roles(grid, row, cols)
        if found is None:
            if filled:
                _unnamed(reads, row, cols)
            continue
        name = found
        if not name or _PLACEHOLDER.fullmatch(squeeze(name)):
            if filled and name:
                pass  # a numbered name with figures ("指标2" scored): an indicator after all
            elif filled:
                _unnamed(reads, row, cols)
                continue
            else:
                if name or _own_heading(grid, row, cols):
                    out.skipped.append((grid.ref(row, cols["l3"]), tidy(name)))
                continue
        if parent_row is not None and _is_part(grid, row, cols, name, filled):
            parent = indicators[-1]
            part = _part(reads, row, cols, len(indicators) - 1, len(parent.parts), tidy(name))
            indicators[-1] = replace(parent, parts=(*parent.parts, part))
            continue
        indicator = _indicator(reads, row, cols, len(indicators), l1, l2, tidy(name))
        indicators.append(indicator)
        weighted = indicator.weight is not None or indicator.stated_score is not None
        parent_row = row if weighted and not _indented(grid, row, cols) else None
    return out


def _own_heading(grid: Grid, row: int, cols: dict[str, int]) -> bool:
    """The row prints a 一级/二级 heading of its own (not one merged down from above)."""
    for role in ("l1", "l2"):
        col = cols.get(role)
        if col is not None and grid.raw(row, col) is not None and grid.origin(row, col) == (row, col):
            return True
    return False


def _filled_roles(grid: Grid, row: int, cols: dict[str, int]) -> set[str]:
    return {role for role in L.MEASURE_ROLES if role in cols and _filled(grid, row, cols[role])}


def _indented(grid: Grid, row: int, cols: dict[str, int]) -> bool:
    raw = grid.raw(*grid.origin(row, cols["l3"]))
    return isinstance(raw, str) and raw.startswith(_INDENT)


def _is_part(grid: Grid, row: int, cols: dict[str, int], name: str, filled: set[str]) -> bool:
    """A breakdown row: "其中…" or indented, with no weight or score of its own."""
    if "weight" in filled or "score" in filled:
        return False
    return squeeze(name).startswith("其中") or _indented(grid, row, cols)


def _part(reads: Reads, row: int, cols: dict[str, int], index: int, k: int, name: str) -> IndicatorPart:
    base = f"indicators[{index}].parts[{k}]"
    reads.source(f"{base}.name", row, cols["l3"])
    target = reads.measure(row, cols["target"], f"{base}.target") if "target" in cols else BLANK
    actual = reads.measure(row, cols["actual"], f"{base}.actual") if "actual" in cols else BLANK
    unit = reads.text(row, cols["unit"], f"{base}.unit") if "unit" in cols else ""
    return IndicatorPart(name=name, target=target, actual=actual, unit=unit)


def _name(grid: Grid, row: int, cols: dict[str, int]) -> str | None:
    """The 三级指标 text; a name merged in from 二级指标 on the same row ("服务对象满意度") counts.

    ``None`` when the cell holds no name of this row: a row merged across from 一级指标 is a
    section title, and a cell merged down belongs to the row above.
    """
    origin_row, origin_col = grid.origin(row, cols["l3"])
    if origin_row != row or (origin_col != cols["l3"] and origin_col <= cols.get("l1", -1)):
        return None
    return grid.text(origin_row, origin_col)


def _squeezed(grid: Grid, row: int, col: int | None) -> str:
    return squeeze(grid.text(row, col, merged=True)) if col is not None else ""


def _unnamed(reads: Reads, row: int, cols: dict[str, int]) -> None:
    grid = reads.grid
    filled = [cols[role] for role in L.MEASURE_ROLES if role in cols and _filled(grid, row, cols[role])]
    if filled:
        reads.note(row, cols["l3"], "此行填有指标值或分值，但三级指标名称为空，未导入；请补填指标名称")


def _indicator(reads: Reads, row: int, cols: dict[str, int], index: int, l1: str, l2: str, name: str) -> Indicator:
    base = f"indicators[{index}]"
    reads.source(f"{base}.name", row, cols["l3"])
    target = reads.measure(row, cols["target"], f"{base}.target") if "target" in cols else BLANK
    actual = reads.measure(row, cols["actual"], f"{base}.actual") if "actual" in cols else BLANK
    weight = reads.points(row, cols["weight"], f"{base}.weight", "分值") if "weight" in cols else None
    score = reads.points(row, cols["score"], f"{base}.stated_score", "得分") if "score" in cols else None
    note = reads.text(row, cols["deviation"], f"{base}.deviation_note") if "deviation" in cols else ""
    unit = reads.text(row, cols["unit"], f"{base}.unit") if "unit" in cols else ""
    direction = _direction(reads, row, cols.get("direction"), f"{base}.direction")
    return Indicator(
        l1=l1, l2=l2, name=name, direction=direction, unit=unit, target=target,
        actual=actual, weight=weight, stated_score=score, deviation_note=note,
    )


def _direction(reads: Reads, row: int, col: int | None, path: str) -> Direction | None:
    if col is None:
        return None
    text = reads.grid.text(row, col)
    if not text or squeeze(text) in ("-", "—", "/"):
        return None
    found = direction_of(text) or direction_of(normalize_text(text)) or direction_of(squeeze(text))
    if found is None:
        reads.note(row, col, f"指标性质“{text}”无法识别；请填写 ≥、≤、= 或 定性（也可写 正向、反向）")
        return None
    reads.source(path, row, col)
    return found
