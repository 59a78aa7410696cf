"""A sheet as a grid of cell values, shared by the .xlsx and .csv readers.

The layout detection (:mod:`jixiao.ingest.layout`) only sees a :class:`Grid`: text,
``Decimal`` numbers, booleans, blanks and :class:`Unreadable` markers, addressed by
0-based (row, column) and shown to people as ``Sheet!C5``. Merged ranges are kept as a map
from each covered cell to the top-left cell that holds the range's value.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

#: Only this much of a sheet is ever looked at (rows × columns); real tables are far smaller.
MAX_ROWS = 2000
MAX_COLS = 60


@dataclass(frozen=True)
class Unreadable:
    """A cell whose value cannot be used: a formula without a cached result, an Excel error."""

    text: str  # what the cell shows or holds ("=SUM(D7:D9)", "#DIV/0!")
    reason: str  # Chinese, says what to do


CellValue = str | Decimal | bool | Unreadable | None
Merge = tuple[int, int, int, int]  # first row, first column, last row, last column (0-based)


def column_letter(col: int) -> str:
    """0 → "A", 25 → "Z", 26 → "AA"."""
    letters = ""
    number = col + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def cell_name(row: int, col: int) -> str:
    return f"{column_letter(col)}{row + 1}"


def parse_cell_name(name: str) -> tuple[int, int] | None:
    """"C5" → (4, 2); ``None`` for anything else."""
    letters = "".join(ch for ch in name if "A" <= ch <= "Z")
    digits = name[len(letters):]
    if not letters or not digits.isdigit() or len(letters) > 3:
        return None
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    row = int(digits)
    return (row - 1, col - 1) if row >= 1 else None


_CJK_BREAK = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u9fff\uff00-\uffef])")


def tidy(text: str) -> str:
    """A name or text as shown: line breaks inside Chinese text dropped, other blanks single."""
    return " ".join(_CJK_BREAK.sub("", text).split())


def squeeze(text: str) -> str:
    """NFKC and no whitespace at all: how labels are compared ("全年预算数\n（B）")."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(folded.split())


@dataclass
class Grid:
    """One sheet: non-empty cells by (row, column), 0-based, within MAX_ROWS × MAX_COLS."""

    name: str
    cells: dict[tuple[int, int], CellValue]
    origins: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    n_rows: int = 0
    n_cols: int = 0
    _squeezed: dict[tuple[int, int], str] = field(default_factory=dict, repr=False)
    #: label keys by cell, filled by :func:`jixiao.ingest.blocks.key_at`
    labels: dict[tuple[int, int], str] = field(default_factory=dict, repr=False)

    @classmethod
    def from_rows(cls, name: str, rows: Iterable[Sequence[CellValue]], merges: Iterable[Merge] = ()) -> Grid:
        cells: dict[tuple[int, int], CellValue] = {}
        for r, row in enumerate(rows):
            if r >= MAX_ROWS:
                break
            for c, value in enumerate(row[:MAX_COLS]):
                if not _is_empty(value):
                    cells[(r, c)] = value
        return cls.build(name, cells, merges)

    @classmethod
    def build(cls, name: str, cells: dict[tuple[int, int], CellValue], merges: Iterable[Merge] = ()) -> Grid:
        n_rows = max((r for r, _ in cells), default=-1) + 1
        n_cols = max((c for _, c in cells), default=-1) + 1
        origins: dict[tuple[int, int], tuple[int, int]] = {}
        for r0, c0, r1, c1 in merges:
            if r0 >= MAX_ROWS or c0 >= MAX_COLS or r1 < r0 or c1 < c0:
                continue
            for r in range(r0, min(r1, MAX_ROWS - 1) + 1):
                for c in range(c0, min(c1, MAX_COLS - 1) + 1):
                    if (r, c) != (r0, c0):
                        origins[(r, c)] = (r0, c0)
        return cls(name=name, cells=cells, origins=origins, n_rows=n_rows, n_cols=n_cols)

    def raw(self, row: int, col: int) -> CellValue:
        """The cell's own value (a covered cell of a merged range is blank)."""
        return self.cells.get((row, col))

    def value(self, row: int, col: int) -> CellValue:
        """The value shown at (row, col): a merged range's value lives in its top-left cell."""
        return self.cells.get(self.origins.get((row, col), (row, col)))

    def origin(self, row: int, col: int) -> tuple[int, int]:
        return self.origins.get((row, col), (row, col))

    def text(self, row: int, col: int, *, merged: bool = False) -> str:
        value = self.value(row, col) if merged else self.raw(row, col)
        return display(value)

    def key(self, row: int, col: int) -> str:
        """The cell's own text squeezed for label matching (cached: labels are looked up often)."""
        found = self._squeezed.get((row, col))
        if found is None:
            found = squeeze(self.text(row, col))
            self._squeezed[(row, col)] = found
        return found

    def ref(self, row: int, col: int) -> str:
        return f"{self.name}!{cell_name(row, col)}"

    def row_cols(self, row: int) -> list[int]:
        """Columns of the non-empty cells of a row, left to right."""
        return [c for c in range(self.n_cols) if (row, c) in self.cells]

    def positions(self) -> Iterator[tuple[int, int]]:
        """Non-empty cells in reading order (row by row)."""
        return iter(sorted(self.cells))

    def next_right(self, row: int, col: int, limit: int = 16) -> int | None:
        """The first non-empty cell right of ``col`` on ``row`` (skipping a merged range's body)."""
        for c in range(col + 1, min(self.n_cols, col + 1 + limit)):
            if (row, c) in self.cells:
                return c
        return None


def display(value: CellValue) -> str:
    """A cell's value as text for people and for label matching."""
    if value is None or isinstance(value, Unreadable):
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return plain(value)
    return value.strip()


def plain(value: Decimal) -> str:
    """Fixed notation without an exponent: Decimal("1E+1") → "10"."""
    return format(value, "f")


def _is_empty(value: CellValue) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
