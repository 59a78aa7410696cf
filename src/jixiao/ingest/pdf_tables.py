"""Ruled tables of a text PDF → grids for the table importer (docs/report-reading.md#report-files).

pdfplumber finds the tables of a page from its ruling lines (a table without lines is not
found: its text is still read by the text reader). Each cell's text is put at its column's
place; a merged cell's text stands in its first position only, as for a .docx table, so
that columns keep their places. A table that goes on over the next page is joined to its
first part when its columns are the same and either its header rows repeat or nothing but a
page number (or "续表") stands between the two parts; a row that the page break cut in two is
put together again. The grid is named after the table and its pages ("表1（第3—4页）"), so
that a value's source reads "表1（第3—4页）!E7".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from jixiao.ingest.grid import Grid

#: Tables read from one PDF at most; a report has a handful.
MAX_PDF_TABLES = 50
#: A page with more ruling lines than this is a drawing (a chart, a map), not a table: not searched.
MAX_PAGE_RULES = 3000
#: Two column edges this close (points) are the same edge.
_SAME_EDGE = 2.0
_CJK = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_LAYOUT_SPACE = re.compile(rf"(?<=[{_CJK}])[ \u00a0]+(?=[0-9A-Za-z])|(?<=[0-9A-Za-z%.])[ \u00a0]+(?=[{_CJK}])")
_NUMBER = re.compile(r"[-+]?[\d,]*\.?\d+%?")
# What may stand between the two parts of one table: a page number, "续表", "（续）".
_BETWEEN_PARTS = re.compile(r"[\s\-—－_/0-9第页共续表（）()]*")


@dataclass
class TablePart:
    """One table as found on one page: rows of cells keyed by their left edge."""

    page: int
    left: float
    right: float
    rows: list[dict[float, str]]
    above: str  # text above the table when it is the first on its page ("" otherwise: not joinable)
    below: str  # text below the table when it is the last on its page
    first_on_page: bool
    last_on_page: bool
    pages: list[int] = field(default_factory=list)


def page_has_rules(layout: Any) -> bool:
    """Whether the page draws lines or boxes (a table may be there)."""
    from pdfminer.layout import LTCurve

    return any(isinstance(item, LTCurve) for item in layout)


def page_tables(page: Any) -> list[TablePart]:
    """The ruled tables of a pdfplumber page, top to bottom (at least 2 rows and 2 columns)."""
    if len(page.edges) > MAX_PAGE_RULES:
        raise TooManyRules(len(page.edges))
    found = [t for t in page.find_tables() if len(t.rows) >= 2 and len({c[0] for c in t.cells}) >= 2]
    found.sort(key=lambda t: t.bbox[1])
    parts: list[TablePart] = []
    chars = page.chars
    for i, table in enumerate(found):
        x0, top, x1, bottom = table.bbox
        rows: list[dict[float, str]] = []
        for row, texts in zip(table.rows, table.extract(), strict=True):
            cells = {cell[0]: _cell_text(text) for cell, text in zip(row.cells, texts, strict=True) if cell is not None}
            rows.append(cells)
        above = _chars_text(chars, lambda mid, top=top: mid < top) if i == 0 else ""
        below = _chars_text(chars, lambda mid, bottom=bottom: mid > bottom) if i == len(found) - 1 else ""
        parts.append(TablePart(page.page_number, x0, x1, rows, above, below, i == 0, i == len(found) - 1))
    return parts


class TooManyRules(Exception):
    def __init__(self, count: int) -> None:
        super().__init__(count)
        self.count = count


def _chars_text(chars: list[dict[str, Any]], where: Any) -> str:
    return "".join(c["text"] for c in chars if where((c["top"] + c["bottom"]) / 2))


def _cell_text(text: str | None) -> str:
    """The lines the cell wrapped put together: "3876\\n64.62" is 387664.62, "营养\\n改善" is 营养改善."""
    if not text:
        return ""
    joined = ""
    for piece in text.split("\n"):
        line = piece.strip()
        if joined and line and _latin_letter(joined[-1]) and _latin_letter(line[0]):
            joined += " "  # two English words
        joined += line
    return _LAYOUT_SPACE.sub("", joined)


def _latin_letter(char: str) -> bool:
    return char.isascii() and char.isalpha()


def join_parts(parts: list[TablePart]) -> list[TablePart]:
    """Tables continued over a page joined to their first part (see the module's docstring)."""
    joined: list[TablePart] = []
    for part in parts:
        previous = joined[-1] if joined else None
        if previous is not None and _continues(previous, part):
            _append(previous, part)
        else:
            part.pages = [part.page]
            joined.append(part)
    return joined


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= _SAME_EDGE


def _texts(row: dict[float, str]) -> list[str]:
    return [row[x] for x in sorted(row)]


def _repeated_header(previous: TablePart, part: TablePart) -> int:
    """How many of the part's first rows repeat the table's first rows (0 when none)."""
    count = 0
    for first, again in zip(previous.rows[:3], part.rows[:3], strict=False):
        if not any(_texts(first)) or _texts(first) != _texts(again):
            break
        count += 1
    return count


def _continues(previous: TablePart, part: TablePart) -> bool:
    if part.page != previous.pages[-1] + 1 or not (previous.last_on_page and part.first_on_page):
        return False
    if not (_same(previous.left, part.left) and _same(previous.right, part.right)):
        return False
    mine = _edges(previous.rows)
    theirs = _edges(part.rows)
    # the columns match: every edge of the shorter set is an edge of the other
    small, large = sorted((mine, theirs), key=len)
    if not all(any(_same(x, y) for y in large) for x in small):
        return False
    if _repeated_header(previous, part):
        return True
    return all(_BETWEEN_PARTS.fullmatch(text) for text in (previous.below, part.above))


def _edges(rows: list[dict[float, str]]) -> list[float]:
    return sorted({x for row in rows for x in row})


def _append(previous: TablePart, part: TablePart) -> None:
    rows = part.rows[_repeated_header(previous, part) :]
    # the columns of the first part: a continued cell is put under the first part's edge
    edges = _edges(previous.rows)
    rows = [{next((e for e in edges if _same(e, x)), x): text for x, text in row.items()} for row in rows]
    if rows and previous.rows and _cut_row(previous.rows[-1], rows[0]):
        last = previous.rows[-1]
        for x, text in rows[0].items():
            last[x] = last.get(x, "") + text
        rows = rows[1:]
    previous.rows.extend(rows)
    previous.pages.append(part.page)
    previous.below = part.below
    previous.last_on_page = part.last_on_page


def _cut_row(last: dict[float, str], first: dict[float, str]) -> bool:
    """The row the page break cut in two: the part on the next page only goes on some of the
    cells filled above (a wrapped name, a long note), has fewer of them than a row of its own
    would and no number. A row of its own that looks so (a name alone below a full row) is
    joined to the row above: docs/report-reading.md#report-files says so."""
    filled = {x for x, text in first.items() if text}
    above = {x for x, text in last.items() if text}
    numbers = any(_NUMBER.fullmatch(text) for text in first.values())
    return bool(filled) and filled <= above and 2 * len(filled) <= len(above) and not numbers


def _nearest(edges: list[float], x: float) -> int:
    distances = [abs(edge - x) for edge in edges]
    return distances.index(min(distances))


def to_grids(parts: list[TablePart], first_number: int = 1) -> list[Grid]:
    """Joined tables as grids named 表n（第p页） or 表n（第p—q页）."""
    grids = []
    for n, part in enumerate(parts, start=first_number):
        edges: list[float] = []
        for x in _edges(part.rows):
            if not edges or not _same(edges[-1], x):
                edges.append(x)
        rows = []
        for row in part.rows:
            line = [""] * len(edges)
            for x, text in row.items():
                line[_nearest(edges, x)] = text
            rows.append(line)
        pages = f"第{part.pages[0]}页" if len(part.pages) == 1 else f"第{part.pages[0]}—{part.pages[-1]}页"
        grids.append(Grid.from_rows(f"表{n}（{pages}）", rows))
    return grids
