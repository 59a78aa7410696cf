"""Reading the values people write in indicator cells.

Real tables carry "≧735人次", "═100%", ">=21933人", "1.2万亩", "有效", "2023年12月",
full-width digits, thousands separators and blanks. :func:`parse_measure` turns such text
into a :class:`Measure`; it never raises, and keeps the original text for explanations.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from jixiao.core.labels import Labelled
from jixiao.core.numbers import fmt, to_decimal


class Direction(Labelled):
    """指标性质: how the actual value is compared with the target."""

    GE = "ge", "≥"  # 正向指标
    LE = "le", "≤"  # 反向指标
    EQ = "eq", "="  # 等于
    QUALITATIVE = "qualitative", "定性"


class MeasureKind(StrEnum):
    NUMBER = "number"
    DATE = "date"
    TEXT = "text"
    BLANK = "blank"


@dataclass(frozen=True, slots=True)
class Measure:
    """A target or actual value as written, with what could be read from it.

    ``value`` is the number (a percentage stays 95 for "95%"); for dates it is the
    sortable ``yyyymmdd`` number so that "2023年10月" < "2023年12月".
    """

    text: str
    kind: MeasureKind
    value: Decimal | None = None
    unit: str = ""
    relation: Direction | None = None

    @property
    def is_blank(self) -> bool:
        return self.kind is MeasureKind.BLANK

    @property
    def shown(self) -> str:
        """The value as people read it, without its comparison sign ("≥95%" → "95%")."""
        if self.value is not None and self.kind is MeasureKind.NUMBER:
            return f"{fmt(self.value)}{self.unit}"
        return self.text


BLANK = Measure(text="", kind=MeasureKind.BLANK)

# Longest first, so that ">=" wins over ">".
_RELATIONS: tuple[tuple[str, Direction], ...] = (
    ("大于等于", Direction.GE),
    ("不低于", Direction.GE),
    ("不少于", Direction.GE),
    ("不小于", Direction.GE),
    ("至少", Direction.GE),
    ("小于等于", Direction.LE),
    ("不高于", Direction.LE),
    ("不超过", Direction.LE),
    ("不多于", Direction.LE),
    ("不大于", Direction.LE),
    ("控制在", Direction.LE),
    (">=", Direction.GE),
    ("=>", Direction.GE),
    ("<=", Direction.LE),
    ("=<", Direction.LE),
    ("==", Direction.EQ),
    ("≥", Direction.GE),
    ("≧", Direction.GE),
    ("⩾", Direction.GE),
    ("≤", Direction.LE),
    ("≦", Direction.LE),
    ("⩽", Direction.LE),
    ("═", Direction.EQ),
    ("=", Direction.EQ),
    ("等于", Direction.EQ),
    (">", Direction.GE),
    ("大于", Direction.GE),
    ("<", Direction.LE),
    ("小于", Direction.LE),
)
_SUFFIX_RELATIONS: tuple[tuple[str, Direction], ...] = (
    ("以上", Direction.GE),
    ("及以上", Direction.GE),
    ("以内", Direction.LE),
    ("以下", Direction.LE),
    ("及以下", Direction.LE),
)

_NUMBER = re.compile(r"^([-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[-+]?\d+(?:\.\d+)?|[-+]?\.\d+)(.*)$")
_DATE = re.compile(
    r"^(\d{4})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月)?(?:\s*(?:-|/|\.)?\s*(\d{1,2})\s*日?)?\s*(?:底|末|前|内|之前|以前)?$"
)
_YEAR_END = re.compile(r"^(\d{4})\s*年\s*(?:底|末|年底|年末)(?:前)?$")
_PLAIN_YEAR = re.compile(r"^(\d{4})\s*年$")
# "2139.01" is a number, not January 2139: a dot date needs 月, a day or a suffix ("2023.12月").
_DOTTED_NUMBER = re.compile(r"^\d{4}\.\d{1,2}$")


def normalize_text(text: str) -> str:
    """NFKC (full-width → half-width) plus the look-alike symbols NFKC keeps."""
    folded = unicodedata.normalize("NFKC", text)
    folded = folded.replace("\u3000", " ").replace("％", "%").replace("﹪", "%")
    return folded.strip()


def split_relation(text: str) -> tuple[Direction | None, str]:
    """Take a leading (or trailing, like "95%以上") comparison off ``text``."""
    for symbol, direction in _RELATIONS:
        if text.startswith(symbol):
            return direction, text[len(symbol) :].strip()
    for symbol, direction in _SUFFIX_RELATIONS:
        if text.endswith(symbol) and len(text) > len(symbol):
            return direction, text[: -len(symbol)].strip()
    return None, text


def parse_measure(raw: object) -> Measure:
    """Read a cell's value. Numbers (int/Decimal) pass through; text is parsed."""
    if raw is None:
        return BLANK
    if isinstance(raw, bool):
        return Measure(text="是" if raw else "否", kind=MeasureKind.TEXT)
    if isinstance(raw, (int, Decimal)):
        number = to_decimal(raw)
        return Measure(text=str(raw), kind=MeasureKind.NUMBER, value=number)
    original = str(raw)
    text = normalize_text(original)
    if not text or text in {"-", "—", "/", "无", "空"}:
        return Measure(text=original.strip(), kind=MeasureKind.BLANK)
    relation, rest = split_relation(text)
    date_value = _parse_date(rest)
    if date_value is not None:
        return Measure(original.strip(), MeasureKind.DATE, date_value, "", relation)
    match = _NUMBER.match(rest)
    if match:
        number = to_decimal(match.group(1))
        unit = match.group(2).strip()
        if number is not None and _plausible_unit(unit):
            return Measure(original.strip(), MeasureKind.NUMBER, number, unit, relation)
    return Measure(text=original.strip(), kind=MeasureKind.TEXT, relation=relation)


def _plausible_unit(unit: str) -> bool:
    # "2个月内完成" is a sentence, not a number with a unit; "…" (NFKC: "...") marks text cut off.
    return len(unit) <= 8 and "…" not in unit and "..." not in unit and not any(ch.isdigit() for ch in unit)


def _parse_date(text: str) -> Decimal | None:
    if _DOTTED_NUMBER.match(text):
        return None
    match = _DATE.match(text)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        # A month without a day means the whole month: "2023年12月" is met by any day of it.
        day = int(match.group(3)) if match.group(3) else 31
        if 1900 <= year <= 2200 and 1 <= month <= 12 and 0 <= day <= 31:
            return Decimal(year * 10000 + month * 100 + day)
        return None
    match = _YEAR_END.match(text)
    if match:
        return Decimal(int(match.group(1)) * 10000 + 1231)
    match = _PLAIN_YEAR.match(text)
    if match and 1900 <= int(match.group(1)) <= 2200:
        return Decimal(int(match.group(1)) * 10000 + 1231)
    return None


# Unit prefixes that scale a number: "1.5万米" = 15000米.
SCALE_PREFIXES = {"万": Decimal(10000), "亿": Decimal(100000000), "千": Decimal(1000)}
