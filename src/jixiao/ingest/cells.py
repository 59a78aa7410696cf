"""Reading one cell as an amount, points, a rate, a measure or text — and saying where from.

:class:`Reads` wraps a :class:`Grid` and keeps two lists while the layout is read:
``sources`` (field path → ``Sheet!C5``) and ``notes`` (``Sheet!C5`` → what was expected, in
Chinese). A cell that cannot be understood becomes a note and ``None``; nothing here raises.
"""

from __future__ import annotations

from decimal import Decimal

from jixiao.core.bounds import AMOUNT, MEASURE, RATE, SCORE, Bound
from jixiao.core.model import AmountUnit
from jixiao.core.numbers import HUNDRED, fmt, round_half_up, to_decimal
from jixiao.core.values import BLANK, Measure, MeasureKind, normalize_text, parse_measure
from jixiao.ingest.grid import CellValue, Grid, Unreadable, display

#: What people write in a cell that has nothing to say.
BLANK_MARKS = frozenset({"", "-", "--", "—", "——", "－", "/", "\\", "无", "空", "…"})
_AMOUNT_SUFFIXES = (("万元", AmountUnit.WAN), ("元", AmountUnit.YUAN))


class Reads:
    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        self.sources: list[tuple[str, str]] = []
        self.notes: list[tuple[str, str]] = []
        self.unit = AmountUnit.WAN

    # --- bookkeeping ----------------------------------------------------------------

    def source(self, path: str, row: int, col: int) -> None:
        self.sources.append((path, self.grid.ref(*self.grid.origin(row, col))))

    def note(self, row: int, col: int, message: str) -> None:
        self.notes.append((self.grid.ref(row, col), message))

    def _cell(self, row: int, col: int, merged: bool) -> CellValue:
        return self.grid.value(row, col) if merged else self.grid.raw(row, col)

    def _usable(self, row: int, col: int, value: CellValue, what: str) -> bool:
        if isinstance(value, Unreadable):
            self.note(row, col, f"{what}无法读取（{value.text}）：{value.reason}")
            return False
        return value is not None and not (isinstance(value, str) and _blank(value))

    # --- typed readers --------------------------------------------------------------

    def text(self, row: int, col: int, path: str, *, merged: bool = False) -> str:
        value = self._cell(row, col, merged)
        if isinstance(value, Unreadable):
            self.note(row, col, f"无法读取（{value.text}）：{value.reason}")
            return ""
        text = display(value)
        if text:
            self.source(path, row, col)
        return text

    def amount(self, row: int, col: int, path: str, what: str, *, merged: bool = False) -> Decimal | None:
        """An amount in the table's unit; "387,664.62", "4753.66万元" and blanks ("—") are read."""
        value = self._cell(row, col, merged)
        if not self._usable(row, col, value, what):
            return None
        return self._amount(value, row, col, path, what)

    def amount_text(self, row: int, col: int, text: str, path: str, what: str) -> Decimal | None:
        """An amount written after a label in the same cell ("其他资金：2880")."""
        return None if _blank(text) else self._amount(text, row, col, path, what)

    def _amount(self, value: CellValue, row: int, col: int, path: str, what: str) -> Decimal | None:
        number = value if isinstance(value, Decimal) else None
        if isinstance(value, str):
            text = normalize_text(value).replace(" ", "")
            for suffix, unit in _AMOUNT_SUFFIXES:
                if text.endswith(suffix):
                    text = text[: -len(suffix)]
                    if unit is not self.unit:
                        self.note(row, col, f"{what}“{value.strip()}”带单位“{unit.value}”，与表格金额单位"
                                  f"“{self.unit.value}”不一致，请核对后统一单位")
                    break
            number = to_decimal(text)
        if number is None:
            self.note(row, col, f"{what}应为金额（数字），读到“{display(value)}”；请填写数字，如 1464.48")
            return None
        if number < 0:
            self.note(row, col, f"{what}不能为负数（读到 {fmt(number)}）；请核对金额")
            return None
        return self._bounded(number, AMOUNT, row, col, path, what, self.unit.value)

    def points(self, row: int, col: int, path: str, what: str, *, merged: bool = False) -> Decimal | None:
        """A weight or a score: "10", "7.5分"; blanks and dashes are ``None`` without a note."""
        value = self._cell(row, col, merged)
        if not self._usable(row, col, value, what):
            return None
        return self._points(value, row, col, path, what)

    def points_text(self, row: int, col: int, text: str, path: str, what: str) -> Decimal | None:
        """Points written after a label in the same cell ("总分：96")."""
        return None if _blank(text) else self._points(text, row, col, path, what)

    def _points(self, value: CellValue, row: int, col: int, path: str, what: str) -> Decimal | None:
        number = value if isinstance(value, Decimal) else None
        if isinstance(value, str):
            number = to_decimal(normalize_text(value).replace(" ", "").removesuffix("分"))
        if number is None:
            self.note(row, col, f"{what}应为数字（分），读到“{display(value)}”；请填写数字，如 10")
            return None
        if number < 0:
            self.note(row, col, f"{what}不能为负数（读到 {fmt(number)}）")
            return None
        return self._bounded(number, SCORE, row, col, path, what)

    def rate(self, row: int, col: int, path: str, *, merged: bool = False) -> Decimal | None:
        """An execution rate in percent as printed: "97.80%" → 97.80; a bare 0.1 means 10 %."""
        value = self._cell(row, col, merged)
        if not self._usable(row, col, value, "执行率"):
            return None
        text = display(value)
        cleaned = normalize_text(text).replace(" ", "")
        percent = cleaned.endswith("%")
        number = to_decimal(cleaned.rstrip("%"))
        if number is None:
            self.note(row, col, f"执行率应为百分数，如“97.80%”，读到“{text}”")
            return None
        if number < 0:
            self.note(row, col, f"执行率不能为负数（读到“{text}”）")
            return None
        if not percent and 0 < number <= 1:
            # Tables typed as fractions ("0.1", "1") mean 10 % and 100 %: say so, the unit may disagree.
            shown = number * HUNDRED
            self.note(row, col, f"执行率“{text}”没有百分号，按小数理解为 {fmt(shown)}%；"
                      f"如本意是 {text}%，请改写为“{text}%”")
            number = shown
        return self._bounded(number, RATE, row, col, path, "执行率")

    def measure(self, row: int, col: int, path: str) -> Measure:
        value = self.grid.raw(row, col)
        if isinstance(value, Unreadable):
            self.note(row, col, f"无法读取（{value.text}）：{value.reason}")
            return BLANK
        measure = parse_measure(value)
        if measure.kind is MeasureKind.NUMBER and measure.value is not None:
            problem = MEASURE.problem(measure.value)
            if problem:
                self.note(row, col, f"指标值“{_short(display(value))}”{problem}，未读取")
                return BLANK
        if not measure.is_blank:
            self.source(path, row, col)
        return measure

    def _bounded(
        self, number: Decimal, bound: Bound, row: int, col: int, path: str, what: str, unit: str | None = None
    ) -> Decimal | None:
        """``number`` if within ``bound`` (docs/file-formats.md#bounds); a figure beyond it is a note and
        ``None``, one with too many decimals is rounded half up, with a note."""
        problem = bound.problem(number, unit)
        if problem is None:
            self.source(path, row, col)
            return number
        rounded = round_half_up(number, bound.places) if abs(number) <= bound.maximum else None
        if rounded is None or bound.problem(rounded, unit):
            self.note(row, col, f"{what}“{_short(fmt(number))}”{problem}，未读取")
            return None
        self.note(row, col, f"{what} {_short(fmt(number))} 超过 {bound.places} 位小数，已四舍五入为 {fmt(rounded)}")
        self.source(path, row, col)
        return rounded


def _short(text: str) -> str:
    """A figure quoted in a note: at most 40 characters (an absurd one is not printed in full)."""
    return text if len(text) <= 40 else f"{text[:37]}…"


def _blank(text: str) -> bool:
    return normalize_text(text).replace(" ", "") in BLANK_MARKS
