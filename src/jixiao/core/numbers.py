"""Decimal helpers: the one place where figures are rounded.

Chinese public finance rounds half up (四舍五入). Every rate, score and amount that
jixiao shows goes through :func:`round_half_up`, so the rule lives here only.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Final

ZERO: Final = Decimal(0)
HUNDRED: Final = Decimal(100)
#: Decimal places kept for scores (0.01 分) and rates (0.01 %).
SCORE_PLACES: Final = 2
RATE_PLACES: Final = 2
AMOUNT_PLACES: Final = 2
#: 1 万元 = 10 000 元.
YUAN_PER_WAN: Final = Decimal(10000)


_STEPS: Final = tuple(Decimal(1).scaleb(-places) for places in range(12))


def _step(places: int) -> Decimal:
    return _STEPS[places] if 0 <= places < len(_STEPS) else Decimal(1).scaleb(-places)


def round_half_up(value: Decimal, places: int) -> Decimal:
    """Round ``value`` half up to ``places`` decimals (四舍五入)."""
    return value.quantize(_step(places), ROUND_HALF_UP)


def truncate(value: Decimal, places: int) -> Decimal:
    """Cut ``value`` to ``places`` decimals without rounding (some tables do this)."""
    return value.quantize(_step(places), ROUND_DOWN)


_SCORE_STEP: Final = _step(SCORE_PLACES)
_RATE_STEP: Final = _step(RATE_PLACES)


def score(value: Decimal) -> Decimal:
    """A score rounded half up to 0.01 分."""
    return value.quantize(_SCORE_STEP, ROUND_HALF_UP)


def rate(value: Decimal) -> Decimal:
    """A rate (percent) rounded half up to 0.01 %."""
    return value.quantize(_RATE_STEP, ROUND_HALF_UP)


def units_started(amount: Decimal, size: Decimal) -> Decimal:
    """How many units of ``size`` ``amount`` reaches, a started unit counting as one.

    "每超出 1 个百分点扣 1 分": 0.3 over counts as 1 unit, 1.2 over as 2.
    """
    return (amount / size).to_integral_value(ROUND_CEILING)


def places_of(value: Decimal) -> int:
    """How many decimals a stated figure was printed with (``Decimal('102.2')`` → 1)."""
    exponent = value.normalize().as_tuple().exponent
    if not isinstance(exponent, int):
        return 0
    return max(0, -exponent)


def to_decimal(value: object) -> Decimal | None:
    """Turn an int, a Decimal or a numeric string into a Decimal; ``None`` if impossible.

    Floats are refused on purpose: money must never pass through binary floating point.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "")
        try:
            result = Decimal(text)
        except InvalidOperation:
            return None
        return result if result.is_finite() else None
    return None


def fmt(value: Decimal | None, places: int | None = None) -> str:
    """Format a Decimal for people: fixed notation, trailing zeros kept as rounded."""
    if value is None:
        return "—"
    shown = round_half_up(value, places) if places is not None else value
    text = format(shown, "f")
    if places is None and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
