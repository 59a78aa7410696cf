"""A target against its actual value: which way they compare, and both as numbers in one unit."""

from __future__ import annotations

from decimal import Decimal

from jixiao.core.values import SCALE_PREFIXES, Direction, Measure, MeasureKind


def direction_of(direction: Direction | None, target: Measure) -> Direction:
    """The direction an indicator is compared in: as written, else read from its target.

    "≥95%" → 正向, "≤120万元" → 反向, a target in words → 定性, a bare number → 正向.
    """
    if direction is not None:
        return direction
    relation = target.relation
    if relation is not None:
        return relation
    if target.kind is MeasureKind.TEXT:
        return Direction.QUALITATIVE
    return Direction.GE


def comparable(target: Measure, actual: Measure) -> tuple[Decimal, Decimal] | None:
    """Target and actual as numbers in one unit, or ``None`` when they cannot be compared.

    A blank unit on one side takes the other side's unit; "万米" against "米" is scaled.
    """
    t, a = target.value, actual.value
    if t is None or a is None or target.kind is not actual.kind:
        return None
    t_unit, a_unit = target.unit, actual.unit
    if t_unit == a_unit or not t_unit or not a_unit:
        return t, a
    t_scale, t_base = _split_scale(t_unit)
    a_scale, a_base = _split_scale(a_unit)
    if t_base == a_base:
        return t * t_scale, a * a_scale
    return None


def _split_scale(unit: str) -> tuple[Decimal, str]:
    if len(unit) > 1 and unit[0] in SCALE_PREFIXES:
        return SCALE_PREFIXES[unit[0]], unit[1:]
    return Decimal(1), unit
