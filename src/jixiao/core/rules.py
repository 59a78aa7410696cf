"""Rule kinds: the small functions that turn figures into points.

Each public function documents the regulation it follows. They are pure, work on
``Decimal`` and never return more than the weight nor less than zero. The scoring module
(:mod:`jixiao.core.scoring`) picks the function named by a framework's ``rule.kind``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Final

from jixiao.core.compare import comparable, direction_of
from jixiao.core.framework import Rule, RuleKind
from jixiao.core.model import Indicator, Tier
from jixiao.core.numbers import HUNDRED, ZERO, fmt, rate, score, units_started
from jixiao.core.values import Direction, Measure, MeasureKind, normalize_text
from jixiao.core.why import Why

TWO: Final = Decimal(2)


class Flag(StrEnum):
    """Why a rule could not simply apply; the checker turns each into a finding."""

    MISSING_WEIGHT = "missing_weight"
    NO_TARGET = "no_target"
    NO_ACTUAL = "no_actual"
    UNCOMPARABLE = "uncomparable"
    NO_TIER = "no_tier"
    TIER_OUT_OF_BAND = "tier_out_of_band"
    MANUAL_MISSING = "manual_missing"
    MANUAL_WITHOUT_REASON = "manual_without_reason"
    METRIC_MISSING = "metric_missing"
    FELL_BACK_TO_STATED = "fell_back_to_stated"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a rule gave: the points, the explanation and what kept the rule from simply applying."""

    score: Decimal
    why: Why | str  # the explanation: rule, figures, formula and why points were lost
    flags: tuple[Flag, ...] = ()
    #: how a unit indicator was compared (None: not by figures, or not reached) and the
    #: target and actual as numbers in one unit; the checker reuses both
    direction: Direction | None = None
    pair: tuple[Decimal, Decimal] | None = None


def _cap(value: Decimal, weight: Decimal) -> Decimal:
    return max(ZERO, min(weight, value))


# --- the formulas ---------------------------------------------------------------------


def positive_points(target: Decimal, actual: Decimal, weight: Decimal) -> Decimal:
    """正向指标 (≥): actual ≥ target → full marks, else weight × actual ÷ target.

    财预〔2020〕10号 附件: 完成指标值的记满分，未完成的按完成比例计分；不因超额加分.
    A target of 0 is met by any actual ≥ 0.
    """
    if actual >= target:
        return weight
    if target <= ZERO:
        return ZERO
    return _cap(weight * actual / target, weight)


def negative_points(target: Decimal, actual: Decimal, weight: Decimal) -> Decimal:
    """反向指标 (≤, e.g. cost): ≤ target full; t < a < 2t → w·(1 − (a − t) ÷ t); ≥ 2t → 0.

    With a target of 0 any actual above 0 scores nothing.
    """
    if actual <= target:
        return weight
    if target <= ZERO or actual >= TWO * target:
        return ZERO
    return _cap(weight * (1 - (actual - target) / target), weight)


def equal_points(target: Decimal, actual: Decimal, weight: Decimal) -> Decimal:
    """等于 (=): scored as 正向 when target > 0; with target 0, actual ≤ 0 → full else 0."""
    if target == ZERO:
        return weight if actual <= ZERO else ZERO
    return positive_points(target, actual, weight)


def execution_points(rate: Decimal, weight: Decimal) -> Decimal:
    """预算执行率得分 = 执行率 × 分值, capped at the weight (财预〔2020〕10号)."""
    return _cap(weight * rate / HUNDRED, weight)


TIER_BANDS: Final[dict[Tier, tuple[Decimal, Decimal]]] = {
    Tier.ACHIEVED: (Decimal("0.8"), Decimal(1)),
    Tier.PARTIAL: (Decimal("0.6"), Decimal("0.8")),
    Tier.NOT_ACHIEVED: (ZERO, Decimal("0.6")),
}


def tier_band(tier: Tier, weight: Decimal) -> tuple[Decimal, Decimal]:
    """The points allowed in a qualitative tier: 达成 80–100%, 部分达成 60–<80%, 未达成 0–<60%."""
    low, high = TIER_BANDS[tier]
    return weight * low, weight * high


def in_tier(tier: Tier, points: Decimal, weight: Decimal) -> bool:
    low, high = tier_band(tier, weight)
    if tier is Tier.ACHIEVED:
        return low <= points <= high
    return low <= points < high


# --- indicators -----------------------------------------------------------------------

_MET_WORDS: Final = {"达成", "达到", "完成", "已完成", "全部完成", "是", "有效", "达标", "良好", "好", "满意", "显著"}
_NOT_MET_WORDS: Final = {"未达成", "未完成", "否", "无效", "不达标", "未达标", "差"}


def infer_tier(target: Measure, actual: Measure) -> Tier | None:
    """A tier read from the words, when the unit gave none: "有效"/"有效" → 达成."""
    if actual.is_blank:
        return None
    said = normalize_text(actual.text)
    if said in _NOT_MET_WORDS:
        return Tier.NOT_ACHIEVED
    if said == normalize_text(target.text) or said in _MET_WORDS:
        return Tier.ACHIEVED
    return None


def score_indicator(indicator: Indicator, rule: Rule) -> Outcome:
    """Score a unit indicator under a slot's rule (normally ``by_direction``)."""
    weight = indicator.weight
    if weight is None:
        return _fallback(indicator, ZERO, "未填报分值（权重），无法按规则计分", Flag.MISSING_WEIGHT)
    kind = RuleKind(indicator.rule) if indicator.rule is not None else rule.kind
    if kind is RuleKind.MANUAL:
        return _manual(indicator.judged_score, indicator.justification, weight)
    direction = direction_for(kind, indicator)
    if direction is Direction.QUALITATIVE:
        return _qualitative(indicator, weight)
    return _quantitative(indicator, direction, weight)


_FORCED_DIRECTION: Final = {
    RuleKind.POSITIVE: Direction.GE,
    RuleKind.NEGATIVE: Direction.LE,
    RuleKind.EQUAL: Direction.EQ,
    RuleKind.QUALITATIVE: Direction.QUALITATIVE,
}


def direction_for(kind: RuleKind, indicator: Indicator) -> Direction:
    """How ``indicator`` is compared under rule ``kind``: forced by the kind, else read from the target."""
    forced = _FORCED_DIRECTION.get(kind)
    return forced if forced is not None else direction_of(indicator.direction, indicator.target)


def _fallback(
    indicator: Indicator, weight: Decimal, reason: str, flag: Flag, direction: Direction | None = None
) -> Outcome:
    """Cannot apply the rule: keep the unit's own score if it printed one, else zero."""
    stated = indicator.stated_score
    if stated is not None:
        kept = _cap(stated, weight) if weight > ZERO else stated
        why = f"{reason}；沿用填报得分 {fmt(stated)} 分"
        return Outcome(score=kept, why=why, flags=(flag, Flag.FELL_BACK_TO_STATED), direction=direction)
    return Outcome(score=ZERO, why=f"{reason}；按 0 分计", flags=(flag,), direction=direction)


def _quantitative(indicator: Indicator, direction: Direction, weight: Decimal) -> Outcome:
    target, actual = indicator.target, indicator.actual
    if target.kind is MeasureKind.BLANK:
        return _fallback(indicator, weight, "未填报年度指标值", Flag.NO_TARGET, direction)
    if actual.kind is MeasureKind.BLANK:
        said = f"未填报实际完成值，按 0 分计（分值 {fmt(weight)}）"
        return Outcome(score=ZERO, why=said, flags=(Flag.NO_ACTUAL,), direction=direction)
    pair = comparable(target, actual)
    if pair is None:
        reason = f"目标值“{target.text}”与实际值“{actual.text}”无法按数值比较（单位或类型不一致）"
        return _fallback(indicator, weight, reason, Flag.UNCOMPARABLE, direction)
    t, a = pair
    if target.kind is MeasureKind.DATE:
        points, why = _deadline(target, actual, t, a, weight)
    elif direction is Direction.LE:
        points, why = _negative(target, actual, t, a, weight)
    else:
        points, why = _positive(direction, target, actual, t, a, weight)
    return Outcome(score=points, why=why, direction=direction, pair=pair)


# The explanations below name measures as "{1.shown}": str.format reads Measure.shown only
# when the explanation is read, so scoring a row builds no wrapper and formats nothing.


def _positive(
    direction: Direction, target: Measure, actual: Measure, t: Decimal, a: Decimal, w: Decimal
) -> tuple[Decimal, Why]:
    name = "等于指标（按正向计）" if direction is Direction.EQ else "正向指标"
    if direction is Direction.EQ and t == ZERO:
        points = equal_points(t, a, w)
        verdict = "达到" if points == w else "未达到"
        return (points, Why("{0}：目标值为 0，实际值 {1.shown} {2}，得 {3} 分", (name, actual, verdict, points)))
    if a >= t:
        extra = "；超过目标值未加分" if a > t else ""
        return (
            w, Why("{0}：实际值 {1.shown} ≥ 目标值 {2.shown}，得满分 {3} 分{4}", (name, actual, target, w, extra))
        )
    if t <= ZERO:
        return (ZERO, Why("{0}：目标值 {1.shown} 不大于 0 且未达到，得 0 分", (name, target)))
    points = score(positive_points(t, a, w))
    return (
        points,
        Why(
            "{0}：实际值 {1.shown} < 目标值 {2.shown}，得分 = {3} × {4} ÷ {5} = {6} 分，扣 {7} 分（未达到目标）",
            (name, actual, target, w, a, t, points, w - points),
        ),
    )


def _negative(target: Measure, actual: Measure, t: Decimal, a: Decimal, w: Decimal) -> tuple[Decimal, Why]:
    if a <= t:
        return (w, Why("反向指标：实际值 {0.shown} ≤ 目标值 {1.shown}，得满分 {2} 分", (actual, target, w)))
    if t <= ZERO or a >= TWO * t:
        return (
            ZERO,
            Why(
                "反向指标：实际值 {0.shown} 达到或超过目标值 {1.shown} 的 2 倍（或目标为 0），得 0 分，扣 {2} 分",
                (actual, target, w),
            ),
        )
    points = score(negative_points(t, a, w))
    return (
        points,
        Why(
            "反向指标：实际值 {0.shown} 超过目标值 {1.shown}，"
            "得分 = {2} × (1 − ({3} − {4}) ÷ {4}) = {5} 分，扣 {6} 分（超出目标）",
            (actual, target, w, a, t, points, w - points),
        ),
    )


def _deadline(target: Measure, actual: Measure, t: Decimal, a: Decimal, w: Decimal) -> tuple[Decimal, Why]:
    if a <= t:
        return (
            w, Why("时效指标：实际完成时间 {0} 不晚于目标 {1}，得满分 {2} 分", (actual.text, target.text, w))
        )
    return (
        ZERO, Why("时效指标：实际完成时间 {0} 晚于目标 {1}，得 0 分，扣 {2} 分", (actual.text, target.text, w))
    )


def _qualitative(indicator: Indicator, weight: Decimal) -> Outcome:
    tier = indicator.tier
    inferred = False
    if tier is None:
        tier = infer_tier(indicator.target, indicator.actual)
        inferred = tier is not None
    judged = indicator.judged_score if indicator.judged_score is not None else indicator.stated_score
    if tier is None:
        if judged is None:
            return _judged(ZERO, "定性指标未选择档位、未给出得分，按 0 分计", Flag.NO_TIER)
        points = _cap(judged, weight)
        return _judged(points, f"定性指标未选择档位，采用评价得分 {fmt(points)} 分（无法核对档位区间）", Flag.NO_TIER)
    low, high = tier_band(tier, weight)
    how = f"实际“{indicator.actual.text}”与目标“{indicator.target.text}”一致，视为" if inferred else ""
    label = tier.label
    band = (score(low), score(high))
    if judged is None:
        points = score(high if tier is Tier.ACHIEVED else low)
        return _judged(
            points, Why("定性指标：{0}“{1}”（区间 {2}–{3} 分），未给出评分，取 {4} 分", (how, label, *band, points))
        )
    points = _cap(judged, weight)
    if not in_tier(tier, points, weight):
        why = Why("定性指标：档位“{0}”允许 {1}–{2} 分，评价得分 {3} 分不在区间内", (label, *band, points))
        return _judged(points, why, Flag.TIER_OUT_OF_BAND)
    if points < weight:
        lost = (how, label, *band, points, weight - points)
        return _judged(points, Why("定性指标：{0}“{1}”（区间 {2}–{3} 分），评价得分 {4} 分，扣 {5} 分", lost))
    return _judged(points, Why("定性指标：{0}“{1}”（区间 {2}–{3} 分），评价得分 {4} 分", (how, label, *band, points)))


def _judged(points: Decimal, why: Why | str, flag: Flag | None = None) -> Outcome:
    """A qualitative indicator's outcome (compared by judgement, not by figures)."""
    flags = (flag,) if flag is not None else ()
    return Outcome(score=points, why=why, flags=flags, direction=Direction.QUALITATIVE)


def _manual(judged: Decimal | None, reason: str, weight: Decimal) -> Outcome:
    """人工评分: the evaluator's score, which must come with a written justification."""
    if judged is None:
        return Outcome(ZERO, "人工评分项未给出得分，按 0 分计", (Flag.MANUAL_MISSING,))
    points = _cap(judged, weight)
    if not reason.strip():
        return Outcome(points, f"人工评分 {fmt(points)} 分，但未说明理由", (Flag.MANUAL_WITHOUT_REASON,))
    return Outcome(points, f"人工评分 {fmt(points)} 分（满分 {fmt(weight)}）；理由：{reason.strip()}")


# --- framework items ------------------------------------------------------------------


def score_metric(
    rule: Rule,
    weight: Decimal,
    value: Decimal | None,
    formula: Why | str,
    judged: tuple[Decimal, str] | None,
) -> Outcome:
    """Score a framework item from a metric value (or a judgement for ``manual``)."""
    if rule.kind is RuleKind.MANUAL:
        return _manual(judged[0] if judged else None, judged[1] if judged else "", weight)
    if value is None:
        return Outcome(ZERO, f"{formula}；按 0 分计", (Flag.METRIC_MISSING,))
    if rule.kind is RuleKind.EXECUTION_RATE:
        points = score(execution_points(value, weight))
        # Written as people read it (no min()): over 100% the rate counts as 100%.
        capped = "100%（执行率超过 100% 按 100% 计）" if value > HUNDRED else "执行率"
        said = "{0}；得分 = {1} × {2} = {3} 分"
        if points < weight:
            return Outcome(points, Why(said + "，扣 {4} 分", (formula, weight, capped, points, weight - points)))
        return Outcome(points, Why(said, (formula, weight, capped, points)))
    # Bands and thresholds apply to the figure as printed (0.01, 四舍五入): a rate shown as
    # 10.00% must land in the "≤ 10%" band even when the raw quotient is 10.004%.
    if rule.kind is RuleKind.STEP_BANDS:
        return _step_bands(rule, weight, rate(value), formula)
    if rule.kind is RuleKind.PER_UNIT_DEDUCTION:
        return _per_unit(rule, weight, rate(value), formula)
    return _metric_direction(rule, weight, value, formula)


def _metric_direction(rule: Rule, weight: Decimal, value: Decimal, formula: Why | str) -> Outcome:
    """正向/反向/等于 on a metric, with the same formulas as the unit's indicators."""
    t = rule.target if rule.target is not None else HUNDRED
    if rule.kind is RuleKind.NEGATIVE:
        points = score(negative_points(t, value, weight))
        if value <= t or points == ZERO:
            how = f"得 {fmt(points)} 分" if value <= t else f"达到目标的 2 倍或目标为 0，得 0 分，扣 {fmt(weight)} 分"
            return Outcome(points, f"{formula}；反向，目标 ≤ {fmt(t)}，{how}")
        how = f"得分 = {fmt(weight)} × (1 − ({fmt(value)} − {fmt(t)}) ÷ {fmt(t)}) = {fmt(points)} 分"
        return Outcome(points, f"{formula}；反向，目标 ≤ {fmt(t)}，{how}，扣 {fmt(weight - points)} 分")
    if rule.kind is RuleKind.EQUAL:
        points = score(equal_points(t, value, weight))
        return Outcome(points, f"{formula}；等于，目标 = {fmt(t)}，得 {fmt(points)} 分")
    points = score(positive_points(t, value, weight))
    if value >= t or t <= ZERO:
        return Outcome(points, f"{formula}；正向，目标 ≥ {fmt(t)}，得 {fmt(points)} 分")
    how = f"得分 = {fmt(weight)} × {fmt(value)} ÷ {fmt(t)} = {fmt(points)} 分"
    return Outcome(points, f"{formula}；正向，目标 ≥ {fmt(t)}，{how}，扣 {fmt(weight - points)} 分")


def _step_bands(rule: Rule, weight: Decimal, value: Decimal, formula: Why | str) -> Outcome:
    """分档计分 (e.g. 预算调整率 0 → 3 分, ≤10% → 2 分 …, 湖南参考表)."""
    probe = abs(value) if rule.absolute else value
    for band in rule.bands:
        if band.matches(probe):
            points = _cap(band.score, weight)
            if band.max is not None:
                cond = f"≤ {fmt(band.max)}"
            elif band.min is not None:
                cond = f"≥ {fmt(band.min)}"
            else:
                cond = "其他情况"
            shown = f"|{fmt(value, 2)}|" if rule.absolute else fmt(value, 2)
            lost = f"，扣 {fmt(weight - points)} 分" if points < weight else ""
            return Outcome(points, f"{formula}；{shown} 落在档位“{cond}”，得 {fmt(points)} 分{lost}")
    return Outcome(ZERO, f"{formula}；不在任何档位内，得 0 分")


def _per_unit(rule: Rule, weight: Decimal, value: Decimal, formula: Why | str) -> Outcome:
    """每超出（或低于）阈值 ``per`` 扣 ``deduct`` 分，扣完为止 (e.g. 三公经费控制率)."""
    threshold = rule.threshold if rule.threshold is not None else HUNDRED
    per = rule.per if rule.per is not None else Decimal(1)
    deduct = rule.deduct if rule.deduct is not None else Decimal(1)
    gap = threshold - value if rule.below else value - threshold
    if gap <= ZERO:
        side = "不低于" if rule.below else "不超过"
        return Outcome(weight, f"{formula}；{side} {fmt(threshold)}，得满分 {fmt(weight)} 分")
    units = units_started(gap, per)  # a started unit counts as a whole one
    points = _cap(weight - units * deduct, weight)
    side = "低于" if rule.below else "超出"
    floor = "（扣完为止）" if points == ZERO else ""
    return Outcome(
        points,
        f"{formula}；{side} {fmt(threshold)} 共 {fmt(gap)}，计 {fmt(units)} 个单位（每 {fmt(per)} 为 1 个，"
        f"不足 1 个按 1 个计），每个扣 {fmt(deduct)} 分，扣 {fmt(weight - points)} 分{floor}，得 {fmt(points)} 分",
    )
