"""How a table is laid out on the page: column widths from its content, and merged labels that
repeat on every page (docs/reports.md, 表格).

Paged formats (.docx, and the PDF made from it) use this; it needs no document library.

Column widths work like a browser's automatic table layout: each column has a minimum (the
widest thing that may not break: a figure with its unit, a Latin word, half a header) and a
preferred width (its longest line, capped); the text width is shared between them.

A merged 一级/二级指标 label is printed once, in the first row of the merge. A table that
breaks across pages would leave the label's column blank on the next page, so long merges are
cut into runs that fit well within a page, each run printing the label again, and the rows of
a run are kept on one page (keep with next). Every page of the table then shows the label.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from jixiao.reports.document import Cell, Merge, Table

#: A figure with its sign and unit: "≥15000米", "102.19%", "1,464.48万元" are never broken.
FIGURE = re.compile(r"[≥≤＞＜><=＝~～±+\-−]?\d[\d,.，]*(?:%|％|‰|[^\s\d，。；、：（）()《》“”]{0,2})")
LATIN_WORD = re.compile(r"[A-Za-z0-9_.@/:\-]+")
#: A column's preferred width is its longest line, but not more than this many characters.
PREFERRED_CAP_CHARS = 16
#: Text cells keep at least this many characters a line (a name squeezed to one character a
#: line is unreadable); header cells at least half their text.
MIN_TEXT_CHARS = 2


def text_width(text: str, size_pt: float) -> float:
    """Width of ``text`` in points: a wide (CJK) character one em, others a little over half."""
    return sum(size_pt if unicodedata.east_asian_width(ch) in "WFA" else size_pt * 0.56 for ch in text)


@dataclass(frozen=True)
class TableLayout:
    widths: tuple[float, ...]  # points, summing to the text width
    merges: tuple[Merge, ...]  # the table's merges, long vertical ones cut into page-sized runs
    labels: dict[tuple[int, int], str]  # (row, col) → text to print: a run's repeated label
    keep_with_next: frozenset[int]  # grid rows kept on the page of the row after them


def layout(table: Table, width_pt: float, size_pt: float, page_pt: float, padding_pt: float) -> TableLayout:
    """Widths and page-safe merges for ``table`` set in ``size_pt`` on a ``width_pt`` text area.

    ``page_pt`` is the text height of a page; ``padding_pt`` the left plus right cell margins.
    """
    widths = column_widths(table, width_pt, size_pt, padding_pt)
    heights = [row_height(cells, widths, size_pt, padding_pt) for cells in table.grid]
    merges, labels, keep = _page_runs(table, heights, page_pt)
    return TableLayout(widths, merges, labels, keep)


# --- widths -----------------------------------------------------------------------------------


def _single_cells(table: Table) -> list[tuple[int, int, Cell]]:
    """Cells that occupy one column (cells merged across columns do not size a column)."""
    wide = {(r, c) for m in table.merges if m.last_col > m.col for r in range(m.row, m.last_row + 1)
            for c in range(m.col, m.last_col + 1)}  # fmt: skip
    return [
        (r, c, cell) for r, cells in enumerate(table.grid) for c, cell in enumerate(cells) if (r, c) not in wide
    ]


def cell_minimum(cell: Cell, size_pt: float, header: bool) -> float:
    """The narrowest the cell's text can be set without breaking what must stay whole."""
    text = cell.text
    lines = text.split("\n")
    if cell.whole:
        return max(text_width(line, size_pt) for line in lines)
    tokens = [m.group() for line in lines for pattern in (FIGURE, LATIN_WORD) for m in pattern.finditer(line)]
    widest = max((text_width(t, size_pt) for t in tokens), default=0.0)
    longest = max(len(line) for line in lines)
    chars = math.ceil(longest / 2) if header else min(longest, MIN_TEXT_CHARS)
    return max(widest, chars * size_pt)


def column_widths(table: Table, width_pt: float, size_pt: float, padding_pt: float) -> tuple[float, ...]:
    count = len(table.widths)
    minimum = [size_pt + padding_pt] * count
    preferred = [size_pt + padding_pt] * count
    header_rows = len(table.header)
    for r, c, cell in _single_cells(table):
        if c >= count or not cell.text:
            continue
        minimum[c] = max(minimum[c], cell_minimum(cell, size_pt, r < header_rows) + padding_pt)
        longest = max(text_width(line, size_pt) for line in cell.text.split("\n"))
        preferred[c] = max(preferred[c], min(longest, PREFERRED_CAP_CHARS * size_pt) + padding_pt)
    preferred = [max(p, m) for p, m in zip(preferred, minimum, strict=True)]
    if sum(minimum) >= width_pt:  # even the minimums do not fit: shrink them alike
        return tuple(m * width_pt / sum(minimum) for m in minimum)
    if sum(preferred) <= width_pt:  # everything fits on one line: share the rest by preference
        return tuple(p * width_pt / sum(preferred) for p in preferred)
    # The room above the minimums goes to the columns that want it, weighted by the table's
    # own proportions (三级指标 and 偏差原因 more than a long value in 实际完成值).
    slack = [(p - m) * w for p, m, w in zip(preferred, minimum, table.widths, strict=True)]
    room = width_pt - sum(minimum)
    return tuple(m + room * s / sum(slack) for m, s in zip(minimum, slack, strict=True))


def lines_of(text: str, width_pt: float, size_pt: float) -> int:
    if width_pt <= 0:
        return max(len(text), 1)
    return sum(max(math.ceil(text_width(line, size_pt) / width_pt), 1) for line in text.split("\n"))


def row_height(cells: Sequence[Cell], widths: Sequence[float], size_pt: float, padding_pt: float) -> float:
    """Estimated height in points (single line spacing of a CJK font is about 1.45 em)."""
    lines = max(
        (lines_of(cell.text, widths[c] - padding_pt, size_pt) for c, cell in enumerate(cells) if c < len(widths)),
        default=1,
    )
    return lines * size_pt * 1.45 + 2


# --- merged labels on every page --------------------------------------------------------------

#: A run of merged rows is kept on one page: at most this share of the text height, so that
#: the page before a run is at most this much short.
RUN_SHARE = 0.5


def _page_runs(
    table: Table, heights: list[float], page_pt: float
) -> tuple[tuple[Merge, ...], dict[tuple[int, int], str], frozenset[int]]:
    budget = page_pt * RUN_SHARE
    vertical = [m for m in table.merges if m.last_row > m.row and m.last_col == m.col]
    others = [m for m in table.merges if m not in vertical]
    # Runs follow the outermost merged column (一级指标); inner merges (二级) are cut there too.
    outer_col = min((m.col for m in vertical), default=-1)
    outer = [m for m in vertical if m.col == outer_col]
    cuts: set[int] = set()
    for merge in outer:
        cuts |= _cuts(merge, heights, budget)
    merges: list[Merge] = list(others)
    labels: dict[tuple[int, int], str] = {}
    keep: set[int] = set()
    for merge in vertical:
        label = table.grid[merge.row][merge.col].text
        start = merge.row
        for row in range(merge.row + 1, merge.last_row + 2):
            if row <= merge.last_row and row not in cuts:
                continue
            if row - 1 > start:
                merges.append(Merge(start, merge.col, row - 1, merge.col))
            if start != merge.row:
                labels[(start, merge.col)] = label
            start = row
    for merge in outer:
        keep |= {r for r in range(merge.row, merge.last_row) if r + 1 not in cuts}
    if outer:
        # The header and the rows before the first run go with it: LibreOffice 7.4 drops the rest
        # of a table whose first page ends, after the repeated header, just before a merged run
        # that does not fit there (docs/reports.md, 表格与图表).
        keep |= set(range(min(m.row for m in outer)))
    return tuple(merges), labels, frozenset(keep)


def _cuts(merge: Merge, heights: list[float], budget: float) -> set[int]:
    """Rows of ``merge`` that start a new run, so that each run is at most ``budget`` high."""
    cuts: set[int] = set()
    used = 0.0
    for row in range(merge.row, merge.last_row + 1):
        if used and used + heights[row] > budget:
            cuts.add(row)
            used = 0.0
        used += heights[row]
    return cuts
