"""Indicator design (指标设置): how the unit wrote its indicators, and rule problems met scoring them.

The rulebook's design points (docs/field.md#review-design): cost indicators pointing the wrong
way, indicators filed under the wrong class or twice, targets in words only or summed over
several years, and required classes left out. The rule problems scoring met
(:class:`jixiao.core.rules.Flag`) become findings here as well.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from typing import Final

from jixiao.core.checks.arithmetic import rounding_slack
from jixiao.core.checks.codes import Code
from jixiao.core.checks.context import Context, IndicatorView, quoted
from jixiao.core.findings import Severity
from jixiao.core.framework import Slot, normalize_l1
from jixiao.core.numbers import ZERO, fmt
from jixiao.core.rules import Flag
from jixiao.core.values import SCALE_PREFIXES, Direction, Measure, MeasureKind
from jixiao.core.why import Why

_VAGUE: Final = re.compile("提高|提升|改善|显著|有效|明显|进一步|增强|加强|逐步")
_DIGIT: Final = re.compile(r"\d")
# "累计", "三年", "十四五", "2021-2023": a total over several years ("三年级" is a school grade).
_MULTI_YEAR: Final = re.compile(
    r"累计|[两二三四五]年(?![级制])|十[二三四五]五|(?P<first>(?:19|20)\d\d)\s*年?\s*[-—–~～至到]\s*(?P<last>(?:19|20)\d\d)"
)
# Every text _MULTI_YEAR matches holds one of these characters; this one-class search is a
# few times cheaper than _MULTI_YEAR and rules out most targets ("≥95%", "≤120万元").
_MAYBE_MULTI_YEAR: Final = re.compile("[累年十至到~～—–-]")
#: A percentage above this is more likely an amount or a count written under a "%" heading.
_PERCENT_CEILING: Final = Decimal(200)
_NAME_MARKS: Final = "★☆*※ \u3000"
_PERCENT_NAMES: Final = ("(%)", "（%）")
_VAGUE_MESSAGE: Final = (
    "“{0}”的年度指标值“{1}”没有数值、计量单位或基准，"
    "无法衡量完成程度；请改为可量化的指标值（如“≥95%”），或作为定性指标写明评判标准"
)


def _part_figure(measure: Measure, unit: str) -> tuple[Decimal, Decimal, str] | None:
    """A number in its base unit ("1.5万亩" → 15000, "亩"), the number as printed, and the base unit."""
    if measure.kind is not MeasureKind.NUMBER or measure.value is None:
        return None
    written = measure.unit or unit.strip()
    if len(written) > 1 and written[0] in SCALE_PREFIXES:
        return measure.value * SCALE_PREFIXES[written[0]], measure.value, written[1:]
    return measure.value, measure.value, written


def year_text(year: int | None) -> str:
    """ " 2021 年度", or "本年度" when the table gives no year."""
    return f" {year} 年度" if year is not None else "本年度"


@lru_cache(maxsize=4096)
def _l2_key(l2: str) -> str:
    return normalize_l1(l2)


@lru_cache(maxsize=4096)
def _l2_fits(l2: str, allowed: tuple[str, ...]) -> tuple[str, bool]:
    """The level-2 class as a key, and whether it is one of ``allowed`` (any if none).

    "数量" fits "数量指标", "满意度" fits "服务对象满意度指标".
    """
    key = _l2_key(l2)
    if not allowed:
        return key, True
    keys = [_l2_key(a) for a in allowed]
    return key, any(key == a or key in a or a in key for a in keys)


class Design:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        # slot id → each level-2 name its indicators use → (key, fits the slot); also tells
        # which classes a slot has, for the required ones (成本, 时效)
        self.l2_fits: dict[str, dict[str, tuple[str, bool]]] = {}
        self.names: dict[str, tuple[str, int]] = {}  # name → (slot or 一级指标, first index)
        self.unweighted: list[IndicatorView] = []  # indicators scored without a weight
        self.weights: dict[str, Decimal] = {}  # slot id → the weights given in it
        self.weighted = False  # some indicator has a weight

    def indicator(self, view: IndicatorView) -> None:
        indicator = view.indicator
        slot = view.slot
        if slot is None:
            if view.line is None:
                self._unmatched(view)
            group = normalize_l1(view.l1)
        else:
            group = slot.id
            if indicator.weight is not None:
                self.weighted = True
                self.weights[group] = self.weights.get(group, ZERO) + indicator.weight
            cache = self.l2_fits.get(group)
            if cache is None:
                cache = self.l2_fits[group] = {}
            known = cache.get(view.l2)
            if known is None:
                known = cache[view.l2] = _l2_fits(view.l2, slot.l2)
            if not known[1] or not known[0]:
                self._level2(view, slot, known[0])
        name = view.name.strip(_NAME_MARKS)
        first = self.names.get(name)
        if first is None:
            self.names[name] = (group, view.position)
        elif first[0] != group:
            self._duplicate(view, name, first[1])
        target = view.target
        kind = target.kind
        if kind is not MeasureKind.BLANK:
            text = target.text
            if "成本" in view.l2 and (indicator.direction or target.relation) is Direction.GE:
                self._cost_positive(view)
            if kind is MeasureKind.TEXT and _VAGUE.search(text) is not None and _DIGIT.search(text) is None:
                self._vague(view)
            if _MAYBE_MULTI_YEAR.search(text) is not None:
                found = _MULTI_YEAR.search(text)
                if found is not None:
                    self._multi_year(view, found)
            if target.unit == "%" or view.name.endswith(_PERCENT_NAMES):
                t, a = target.value, indicator.actual.value
                if (t is not None and t > _PERCENT_CEILING) or (a is not None and a > _PERCENT_CEILING):
                    self._percent(view)
        line = view.line
        if line is not None and line.flags:
            self._flags(view)
        if indicator.parts:
            self._parts(view)

    def finish(self) -> None:
        ctx = self.ctx
        kind = ctx.evaluation.kind
        if ctx.framework.applies_to and kind not in ctx.framework.applies_to:
            ctx.add(
                Code.FRAMEWORK_KIND_MISMATCH,
                Severity.P1,
                f"评分标准{quoted(ctx.framework.title)}适用于"
                f"{'、'.join(k.label for k in ctx.framework.applies_to)}，本评价为{kind.label}",
                "framework",
            )
        if self.unweighted:
            self._weights_missing()
        for slot in ctx.slots:
            used = self.l2_fits.get(slot.id)
            if used is None or not slot.required_l2:
                continue  # an empty slot is reported by the arithmetic checks
            seen = {key for key, _ in used.values() if key}
            for required in slot.required_l2:
                key = _l2_key(required)
                if not any(key in have for have in seen):
                    why = "（财预〔2021〕101号要求设置成本指标）" if "成本" in key else ""
                    ctx.add(
                        Code.REQUIRED_L2_MISSING,
                        Severity.P2,
                        f"{quoted(slot.name)}下没有{quoted(required)}类三级指标，建议补充{why}",
                        "indicators",
                    )

    # --- classes ------------------------------------------------------------------------

    def _unmatched(self, view: IndicatorView) -> None:
        names = "、".join(slot.name for slot in self.ctx.slots)
        indicator = view.indicator
        self.ctx.add_at(
            Code.INDICATOR_L1_UNMATCHED,
            Severity.P0,
            f"{quoted(indicator.name)}的一级指标{quoted(indicator.l1)}不属于评分标准{quoted(self.ctx.framework.title)}"
            f"的任何一级指标（可用：{names}），未计分",
            view,
            "l1",
        )

    def _level2(self, view: IndicatorView, slot: Slot, key: str) -> None:
        l2 = view.indicator.l2
        if not key:
            self.ctx.add_at(
                Code.INDICATOR_L2_MISSING, Severity.P2, f"{quoted(view.indicator.name)}未填写二级指标", view, "l2"
            )
            return
        self.ctx.add_at(
            Code.INDICATOR_L2_MISMATCH,
            Severity.P1,
            f"{quoted(view.indicator.name)}的二级指标{quoted(l2)}不属于{quoted(slot.name)}（应为：{'、'.join(slot.l2)}）",
            view,
            "l2",
        )

    def _duplicate(self, view: IndicatorView, name: str, first: int) -> None:
        other = self.ctx.evaluation.indicators[first]
        self.ctx.add_at(
            Code.INDICATOR_DUPLICATED,
            Severity.P1,
            f"三级指标{quoted(name)}同时列在{quoted(other.l1)}（indicators[{first}]）和{quoted(view.indicator.l1)}下；"
            "同一指标不应在产出和效益中重复计分",
            view,
            "name",
        )

    # --- targets ------------------------------------------------------------------------

    def _cost_positive(self, view: IndicatorView) -> None:
        self.ctx.add_at(
            Code.COST_INDICATOR_POSITIVE,
            Severity.P1,  # design advice: no printed number is wrong (docs/checks.md#severity)
            f"成本指标{quoted(view.indicator.name)}的年度指标值写作{quoted(view.indicator.target.text)}（≥，正向）："
            "成本指标应为反向指标（≤，不超过），否则花得越多得分越高",
            view,
            "target",
        )

    def _vague(self, view: IndicatorView) -> None:
        # Lazy: a vague qualitative target is common (one per evaluation in a typical batch).
        message = Why(_VAGUE_MESSAGE, (view.indicator.name, view.indicator.target.text))
        self.ctx.add_at(Code.TARGET_VAGUE, Severity.P1, message, view, "target")

    def _multi_year(self, view: IndicatorView, found: re.Match[str]) -> None:
        if found.group("first") is not None and found.group("first") == found.group("last"):
            return  # "2022年1月-2022年12月" stays within one year
        self.ctx.add_at(
            Code.TARGET_MULTI_YEAR,
            Severity.P1,
            f"{quoted(view.indicator.name)}的年度指标值{quoted(view.indicator.target.text)}含{quoted(found.group(0))}，"
            f"似为多年累计目标；年度指标值应为{year_text(self.ctx.evaluation.year)}当年应完成的数",
            view,
            "target",
        )

    def _percent(self, view: IndicatorView) -> None:
        indicator = view.indicator
        self.ctx.add_at(
            Code.INDICATOR_UNIT_SUSPECT,
            Severity.P2,
            f"{quoted(indicator.name)}以 % 计量，但年度指标值{quoted(indicator.target.text)}、实际完成值"
            f"{quoted(indicator.actual.text)}不像百分比，请核对计量单位",
            view,
            "target",
        )

    # --- weights ----------------------------------------------------------------------------

    def _weights_missing(self) -> None:
        """Indicators without a weight: one finding (docs/checks.md#missing-weights).

        P0 only when the table gives weights to some rows, leaves others unweighted and unscored,
        and the weights given fall short of their block: a number must then be filled in. A
        table that prints no weights at all, rows with a score of their own, or rows beyond a
        block already full are asked about (P1).
        """
        views = self.unweighted
        slots = {slot.id: slot for slot in self.ctx.slots}
        short = [
            view for view in views
            if view.slot is not None and view.indicator.stated_score is None
            and self.weights.get(view.slot.id, ZERO) < slots[view.slot.id].weight
        ]  # fmt: skip
        blocking = self.weighted and bool(short)
        shown = short if blocking else views
        names = "、".join(
            quoted(view.name)
            + ("" if view.indicator.stated_score is None else f"（沿用填报得分 {fmt(view.indicator.stated_score)} 分）")
            for view in shown[:10]
        )
        more = f"等 {len(shown)} 项" if len(shown) > 10 else ""
        if blocking:
            blocks = "、".join(dict.fromkeys(quoted(view.slot.name) for view in short if view.slot is not None))
            message = (
                f"{names}{more}未填报分值（权重），也没有填报得分，按 0 分计；{blocks}已填的分值合计不足该栏分值，"
                "请补填分值"
            )
        elif not self.weighted:
            message = (
                f"自评表没有逐项填写分值（权重）：{names}{more}；已按填报得分计（未填得分的按 0 分计），"
                "请说明各项分值或所用评分办法"
            )
        else:
            message = f"{names}{more}未填报分值（权重）；请补填分值，或说明这些行不计分"
        first = shown[0]
        severity = Severity.P0 if blocking else Severity.P1
        self.ctx.add_at(Code.INDICATOR_WEIGHT_MISSING, severity, message, first, "weight")

    # --- breakdown rows ("其中") ------------------------------------------------------------

    def _parts(self, view: IndicatorView) -> None:
        """Parts of one unit must not add up to more than their parent (docs/checks.md#parts-and-placeholders)."""
        indicator = view.indicator
        for field in ("actual", "target"):
            figures = [_part_figure(getattr(part, field), part.unit) for part in indicator.parts]
            known = [figure for figure in figures if figure is not None]
            if not known:
                continue
            bases = {base for _, _, base in known if base}
            if len(bases) > 1:
                listed = "、".join(
                    f"{quoted(part.name)} {getattr(part, field).text}"
                    for part, figure in zip(indicator.parts, figures, strict=True)
                    if figure is not None
                )
                self.ctx.add_at(
                    Code.INDICATOR_PARTS_UNITS_MIXED,
                    Severity.P2,
                    f"{quoted(indicator.name)}的其中各项计量单位不一（{listed}），不能相加核对；"
                    "同一指标的分项宜用同一计量单位，或分设指标",
                    view,
                    "parts",
                )
                return
            if len(known) < len(figures) or "%" in bases:
                continue  # a blank or worded part, or shares: no sum to check
            parent = _part_figure(getattr(indicator, field), indicator.unit)
            if parent is None or (parent[2] and bases and parent[2] not in bases):
                continue
            added = sum((value for value, _, _ in known), ZERO)
            slack = rounding_slack([raw for _, raw, _ in known] + [parent[1]])
            if added <= parent[0] + slack:
                continue
            what = "实际完成值" if field == "actual" else "年度指标值"
            terms = " + ".join(getattr(part, field).text for part in indicator.parts)
            self.ctx.add_at(
                Code.INDICATOR_PARTS_EXCEED_TOTAL,
                Severity.P1,
                f"{quoted(indicator.name)}的其中各项{what}合计（{terms}）超过该指标的{what}"
                f"{quoted(getattr(indicator, field).text)}；请核对分项或合计",
                view,
                field,
            )
            return

    # --- rule problems ------------------------------------------------------------------

    def _flags(self, view: IndicatorView) -> None:
        assert view.line is not None
        add = self.ctx.add_at
        indicator = view.indicator
        said = Why("“{0}”{1}", (indicator.name, view.line.why))  # the name, then the rule's explanation
        colon = Why("“{0}”：{1}", said.args)
        for flag in view.line.flags:
            if flag is Flag.MISSING_WEIGHT:
                self.unweighted.append(view)  # one finding for all of them, in finish()
            elif flag is Flag.NO_TARGET:
                add(Code.INDICATOR_TARGET_MISSING, Severity.P1, said, view, "target")
            elif flag is Flag.NO_ACTUAL:
                add(Code.INDICATOR_ACTUAL_MISSING, Severity.P1, said, view, "actual")
            elif flag is Flag.UNCOMPARABLE:
                add(Code.INDICATOR_UNCOMPARABLE, Severity.P1, colon, view, "actual")
            elif flag is Flag.NO_TIER:
                add(Code.QUALITATIVE_TIER_MISSING, Severity.P1, colon, view, "tier")
            elif flag is Flag.TIER_OUT_OF_BAND:
                where = "judged_score" if indicator.judged_score is not None else "stated_score"
                add(Code.QUALITATIVE_SCORE_OUT_OF_TIER, Severity.P0, colon, view, where)
            elif flag is Flag.MANUAL_MISSING:
                weight = fmt(indicator.weight)
                message = f"{quoted(indicator.name)}为人工评分指标（分值 {weight} 分），未给出得分，暂按 0 分计"
                add(Code.MANUAL_SCORE_MISSING, Severity.P0, message, view, "judged_score")
            elif flag is Flag.MANUAL_WITHOUT_REASON:
                unjustified = Why("“{0}”{1}；人工评分须写明理由", said.args)
                add(Code.MANUAL_SCORE_UNJUSTIFIED, Severity.P1, unjustified, view, "justification")
