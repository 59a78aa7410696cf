"""Arithmetic (算术核对, P0 mostly): figures that do not add up or are miscomputed.

What the rulebook counts as arithmetic (docs/field.md#review-arithmetic): sums and splits of the
budget, the stated execution rate and its score, scores against weights, the total against
its grade band and the framework's total.

A stated figure is compared at the precision it was printed with (四舍五入): "102.2" agrees
with 102.19…%, "97.80" does not agree with 97.81% (it is 97.8086…% cut, not rounded).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Final

from jixiao.core import metrics
from jixiao.core.checks.codes import Code
from jixiao.core.checks.context import Context, IndicatorView, money, percent, quoted
from jixiao.core.findings import Severity
from jixiao.core.model import Budget, BudgetLine
from jixiao.core.numbers import HUNDRED, ZERO, fmt, places_of, round_half_up, truncate
from jixiao.core.rules import Flag, execution_points
from jixiao.core.scoring import Scorecard
from jixiao.core.why import Later, Why

_FIELD_LABELS: Final = {"initial": "年初预算数", "adjusted": "全年预算数", "executed": "全年执行数"}
_HALF: Final = Decimal("0.5")
_FOUR_PLACES: Final = 4  # a computed rate shown to 0.0001% so that the cut digit is visible


def _rounded_to(places: int) -> str:
    return "四舍五入取整" if places == 0 else f"四舍五入保留 {places} 位小数"


class Agreement(Enum):
    ROUNDED = "rounded"  # equals the computed figure rounded half up at the printed precision
    TRUNCATED = "truncated"  # equals the computed figure cut (not rounded) at that precision
    DIFFERENT = "different"


def printed_places(value: Decimal) -> int:
    """Decimals as printed, trailing zeros included (``Decimal('97.80')`` → 2)."""
    text = str(value)
    if "E" in text:  # "1E+2", "1.2E-7": read the exponent the slow way
        exponent = value.as_tuple().exponent
        return max(0, -exponent) if isinstance(exponent, int) else 0
    dot = text.find(".")
    return 0 if dot < 0 else len(text) - dot - 1


def as_printed(value: Decimal) -> str:
    """A stated figure shown the way it was printed ("97.80", not "97.8")."""
    return fmt(value, printed_places(value))


def agreement(stated: Decimal, computed: Decimal) -> Agreement:
    """How a stated figure relates to the computed one, at the precision it was printed with.

    The printed precision is tried first ("97.80" claims two decimals); then the precision
    without trailing zeros, because a converted spreadsheet value may carry zeros nobody
    printed ("97.800").
    """
    if stated == computed:
        return Agreement.ROUNDED
    printed = printed_places(stated)
    found = _agreement_at(stated, computed, printed)
    if found is not Agreement.DIFFERENT:
        return found
    normal = places_of(stated)  # only now: most stated figures agree at their printed precision
    return _agreement_at(stated, computed, normal) if normal != printed else found


def _agreement_at(stated: Decimal, computed: Decimal, places: int) -> Agreement:
    if round_half_up(computed, places) == stated:
        return Agreement.ROUNDED
    if truncate(computed, places) == stated:
        return Agreement.TRUNCATED
    return Agreement.DIFFERENT


def rounding_slack(values: list[Decimal]) -> Decimal:
    """How far a sum of printed figures may be off through their own rounding.

    Each figure printed with decimals may be off by half its last digit; whole numbers are
    taken as exact (amounts are printed with decimals when they have them).
    """
    slack = ZERO
    for value in values:
        places = printed_places(value)
        if places:
            slack += _HALF.scaleb(-places)
    return slack


# --- messages, written out when read (see Finding) ------------------------------------


def _rate_formula(computed: Decimal, budget: Budget, unit: str) -> str:
    base, initial = metrics.execution_base(budget)
    label, note = ("年初预算数", metrics.INITIAL_BASE_NOTE) if initial else ("全年预算数", "")
    return (
        f"全年执行数 {money(budget.executed, unit)} ÷ {label} {money(base, unit)} "
        f"= {fmt(computed, _FOUR_PLACES)}%{note}"
    )


def _rate_truncated_message(stated: Decimal, computed: Decimal, budget: Budget, unit: str) -> str:
    places = printed_places(stated)
    return (
        f"填报的预算执行率 {as_printed(stated)}% 系截位而非四舍五入：{_rate_formula(computed, budget, unit)}，"
        f"{_rounded_to(places)}应为 {fmt(computed, places)}%"
    )


def _rate_wrong_message(stated: Decimal, computed: Decimal, budget: Budget, unit: str) -> str:
    places = printed_places(stated)
    hint = ""
    if stated <= 1 and round_half_up(computed / 100, places) == stated:
        hint = f"；{fmt(stated)} 似为小数形式（{percent(computed)} = {fmt(computed / 100, 4)}），应以百分数填写"
    formula = _rate_formula(computed, budget, unit)
    return f"填报的预算执行率 {fmt(stated)}% 与计算值 {percent(computed)} 不符：{formula}{hint}"


def _total_mismatch_message(total: Decimal, card: Scorecard, title: str) -> str:
    parts = " + ".join(f"{block.name} {fmt(block.score)}" for block in card.blocks)
    return (
        f"填报自评总分 {fmt(total)} 分，按评分标准{quoted(title)}计算为 {fmt(card.total)} 分"
        f"（{parts}），相差 {fmt(abs(total - card.total))} 分；按计算结果评价等级为{quoted(card.grade)}"
    )


@dataclass(slots=True)
class _SlotTally:
    """The unit's indicators in one framework slot, added up as the checker meets them."""

    first: int  # where to point the reader
    weight: Decimal = ZERO
    missing: bool = False  # some indicator has no weight: the sum means nothing


class Arithmetic:
    """Sums, stated scores and grades."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.slot_weights: dict[str, _SlotTally] = {}
        self.stated_scores: list[Decimal] | None = []  # None once an indicator has no stated score

    def indicator(self, view: IndicatorView) -> None:
        weight, stated = view.weight, view.stated_score
        if stated is None:
            self.stated_scores = None
        elif self.stated_scores is not None:
            self.stated_scores.append(stated)
        slot = view.slot
        if slot is not None:
            tally = self.slot_weights.get(slot.id)
            if tally is None:
                tally = self.slot_weights[slot.id] = _SlotTally(view.position)
            if weight is None:
                tally.missing = True
            else:
                tally.weight += weight
        if stated is None or weight is None:
            return
        if stated > weight:
            message = Why("“{0}”填报得分 {1} 分，超过其分值 {2} 分", (view.name, stated, weight))
            self.ctx.add_at(Code.INDICATOR_SCORE_ABOVE_WEIGHT, Severity.P0, message, view, "stated_score")
            return
        line = view.line
        if line is None or Flag.FELL_BACK_TO_STATED in line.flags:
            return
        if (view.deducted_although_met and not view.has_note) or view.full_marks_although_unmet:
            return  # plausibility reports these with the reason
        if agreement(stated, line.score) is not Agreement.ROUNDED:
            figures = (view.name, stated, line.score, line.why)
            message = Why("“{0}”填报得分 {1} 分，按评分规则应得 {2} 分：{3}", figures)
            self.ctx.add_at(Code.INDICATOR_SCORE_MISMATCH, Severity.P1, message, view, "stated_score")

    def finish(self) -> None:
        self._budget_sums()
        self._assets()
        self._slot_weights()
        self._execution()
        self._stated_total()
        self._cap()
        self._grade()
        self._items()

    def _cap(self) -> None:
        """A total above the cap the framework publishes for its execution rate (docs/frameworks.md#caps)."""
        ctx = self.ctx
        rate = ctx.card.execution_rate
        cap = ctx.framework.cap_for(rate)
        if cap is None or rate is None:
            return
        stated = ctx.evaluation.stated.total
        total = stated if stated is not None else ctx.card.total
        if total <= cap.max:
            return
        whose = "填报自评总分" if stated is not None else "计算总分"
        ctx.add(
            Code.TOTAL_ABOVE_CAP,
            Severity.P0 if stated is not None else Severity.P1,
            f"预算执行率 {fmt(rate)}% 低于 {fmt(cap.below)}%，按评分标准{quoted(ctx.framework.title)}自评总分不得超过 "
            f"{fmt(cap.max)} 分；{whose} {fmt(total)} 分超出 {fmt(total - cap.max)} 分",
            "stated.total" if stated is not None else "total",
        )

    # --- budget and assets ----------------------------------------------------------

    def _budget_sums(self) -> None:
        budget = self.ctx.evaluation.budget
        totals = (("initial", budget.initial), ("adjusted", budget.adjusted), ("executed", budget.executed))
        for lines, code, split in (
            (budget.by_nature, Code.BUDGET_NATURE_SUM_MISMATCH, "按支出性质"),
            (budget.by_source, Code.BUDGET_SOURCE_SUM_MISMATCH, "按资金来源"),
        ):
            if not lines:
                continue
            for field, total in totals:
                if total is not None:
                    self._lines_sum(lines, field, total, code, split)

    def _lines_sum(self, lines: tuple[BudgetLine, ...], field: str, total: Decimal, code: Code, split: str) -> None:
        added = ZERO
        for line in lines:
            value = getattr(line, field)
            if value is None:
                return  # a split with blanks cannot be added up
            added += value
        if added == total:
            return
        parts: list[Decimal] = [getattr(line, field) for line in lines]
        if abs(added - total) <= rounding_slack([*parts, total]):
            return
        label = _FIELD_LABELS[field]
        terms = " + ".join(f"{line.name} {fmt(value)}" for line, value in zip(lines, parts, strict=True))
        self.ctx.add(
            code,
            Severity.P0,
            f"{split}各项{label}之和（{terms}）为 {self.ctx.money(added)}，与{label} {self.ctx.money(total)}"
            f"不符，相差 {self.ctx.money(abs(added - total))}",
            f"budget.{field}",
        )

    def _assets(self) -> None:
        assets = self.ctx.evaluation.unit.assets
        if assets.total is None or not assets.parts:
            return
        parts = [part.amount for part in assets.parts]
        added = sum(parts, ZERO)
        if added == assets.total or abs(added - assets.total) <= rounding_slack([*parts, assets.total]):
            return
        terms = " + ".join(f"{part.name} {fmt(part.amount)}" for part in assets.parts)
        unit = assets.unit.value
        self.ctx.add(
            Code.ASSET_SUM_MISMATCH,
            Severity.P0,
            f"资产各项之和（{terms}）为 {fmt(added)} {unit}，与资产总计 {fmt(assets.total)} {unit}不符，"
            f"相差 {fmt(abs(added - assets.total))} {unit}",
            "unit.assets.total",
        )

    # --- weights ----------------------------------------------------------------------

    def _slot_weights(self) -> None:
        ctx = self.ctx
        slots = ctx.slots
        if not slots:
            return
        if not ctx.evaluation.indicators:
            names = "、".join(slot.name for slot in slots)
            ctx.add(Code.NO_INDICATORS, Severity.P0, f"未填报任何三级指标，{names}均无法计分", "indicators")
            return
        for slot in slots:
            tally = self.slot_weights.get(slot.id)
            if tally is None:
                ctx.add(
                    Code.SLOT_EMPTY,
                    Severity.P1,
                    f"评分标准中的{quoted(slot.name)}（{fmt(slot.weight)} 分）没有任何三级指标，该栏得 0 分",
                    "indicators",
                )
                continue
        self._slot_sums()

    def _slot_sums(self) -> None:
        """Block sums against the framework: one finding for the whole table (docs/checks.md#slot-weights).

        When every block's weights are given and they still add up to the framework's total for the
        blocks, the unit has moved weight between blocks, which 财预〔2020〕10号 allows with reasons:
        P1. Otherwise the weights must change: one P0 naming every block that differs.
        """
        ctx = self.ctx
        tallies = self.slot_weights
        differing = [
            (slot, tallies[slot.id]) for slot in ctx.slots
            if slot.id in tallies and not tallies[slot.id].missing and tallies[slot.id].weight != slot.weight
        ]  # fmt: skip
        if not differing:
            return
        listed = "；".join(
            f"{quoted(slot.name)}合计 {fmt(tally.weight)} 分（评分标准 {fmt(slot.weight)} 分）"
            for slot, tally in differing
        )
        path = f"indicators[{min(tally.first for _, tally in differing)}].weight"
        complete = not any(tally.missing for tally in tallies.values())
        given = sum((tally.weight for tally in tallies.values()), ZERO)
        framework_total = sum((slot.weight for slot in ctx.slots), ZERO)
        if complete and given == framework_total:
            ctx.add(
                Code.SLOT_WEIGHTS_REDISTRIBUTED,
                Severity.P1,
                f"各栏三级指标分值与评分标准不同：{listed}；各栏合计 {fmt(given)} 分，与评分标准相同。"
                "调整各栏分值须说明理由",
                path,
            )
            return
        whole = f"；各栏合计 {fmt(given)} 分，评分标准为 {fmt(framework_total)} 分" if complete else ""
        ctx.add(
            Code.SLOT_WEIGHT_SUM_MISMATCH,
            Severity.P0,
            f"三级指标分值合计与评分标准不符：{listed}{whole}；请调整分值",
            path,
        )

    # --- execution rate and its score ------------------------------------------------

    def _execution(self) -> None:
        ctx = self.ctx
        stated = ctx.evaluation.stated
        if stated.execution_rate is None and stated.execution_score is None and stated.execution_weight is None:
            return
        computed = metrics.execution_rate_value(ctx.evaluation.budget)
        if stated.execution_rate is not None and computed is not None:
            self._execution_rate(stated.execution_rate, computed)
        item_weight = ctx.execution_item.weight if ctx.execution_item is not None else None
        weight = stated.execution_weight if stated.execution_weight is not None else item_weight
        if stated.execution_weight is not None and item_weight is not None and stated.execution_weight != item_weight:
            ctx.add(
                Code.EXECUTION_WEIGHT_DIFFERS,
                Severity.P1,
                f"自评表中预算执行率的分值为 {fmt(stated.execution_weight)} 分，评分标准"
                f"{quoted(ctx.framework.title)}规定为 {fmt(item_weight)} 分；请确认所用评分标准",
                "stated.execution_weight",
            )
        if stated.execution_score is not None and weight is not None:
            self._execution_score(stated.execution_score, weight, computed, stated.execution_rate)

    def _execution_rate(self, stated: Decimal, computed: Decimal) -> None:
        budget = self.ctx.evaluation.budget
        found = agreement(stated, computed)
        if found is Agreement.ROUNDED:
            return
        figures = (stated, computed, budget, self.ctx.unit)
        if found is Agreement.TRUNCATED:
            message = Later(_rate_truncated_message, figures)
            self.ctx.add(Code.EXECUTION_RATE_TRUNCATED, Severity.P2, message, "stated.execution_rate")
            return
        message = Later(_rate_wrong_message, figures)
        self.ctx.add(Code.EXECUTION_RATE_WRONG, Severity.P0, message, "stated.execution_rate")

    def _execution_score(
        self, stated: Decimal, weight: Decimal, computed_rate: Decimal | None, stated_rate: Decimal | None
    ) -> None:
        path = "stated.execution_score"
        if stated > weight:
            message = f"填报的预算执行率得分 {fmt(stated)} 分，超过其分值 {fmt(weight)} 分"
            self.ctx.add(Code.EXECUTION_SCORE_ABOVE_WEIGHT, Severity.P0, message, path)
            return
        # The score may follow the computed rate or the rate as the unit printed it.
        rates = [r for r in (computed_rate, stated_rate) if r is not None]
        verdicts = []
        for rate in rates:
            verdict = agreement(stated, execution_points(rate, weight))
            if verdict is Agreement.ROUNDED:
                return
            verdicts.append(verdict)
        if not rates:
            return
        shown_rate = rates[0]
        expected = execution_points(shown_rate, weight)
        capped = "（超过 100% 按 100% 计）" if shown_rate > HUNDRED else ""
        formula = f"分值 {fmt(weight)} × 执行率 {percent(shown_rate)}{capped} = {fmt(expected, _FOUR_PLACES)} 分"
        if Agreement.TRUNCATED in verdicts:
            places = printed_places(stated)
            self.ctx.add(
                Code.EXECUTION_SCORE_TRUNCATED,
                Severity.P2,
                f"填报的预算执行率得分 {as_printed(stated)} 分系截位（或取整）而非四舍五入：{formula}，"
                f"{_rounded_to(places)}应为 {fmt(expected, places)} 分",
                path,
            )
            return
        self.ctx.add(
            Code.EXECUTION_SCORE_WRONG,
            Severity.P0,
            f"填报的预算执行率得分 {fmt(stated)} 分与计算不符：{formula}",
            path,
        )

    # --- totals and grade -------------------------------------------------------------

    def _stated_total(self) -> None:
        ctx = self.ctx
        stated = ctx.evaluation.stated
        total = stated.total
        maximum = ctx.framework.total
        if stated.total_weight is not None and stated.total_weight != maximum:
            ctx.add(
                Code.TOTAL_WEIGHT_DIFFERS,
                Severity.P1,
                f"自评表的总分值为 {fmt(stated.total_weight)} 分，评分标准{quoted(ctx.framework.title)}"
                f"总分为 {fmt(maximum)} 分",
                "stated.total_weight",
            )
        if total is None:
            return
        ceiling = stated.total_weight if stated.total_weight is not None else maximum
        if total > ceiling:
            ctx.add(
                Code.TOTAL_ABOVE_MAXIMUM,
                Severity.P0,
                f"填报自评总分 {fmt(total)} 分，超过满分 {fmt(ceiling)} 分",
                "stated.total",
            )
        self._score_sum(total)
        card = ctx.card
        if agreement(total, card.total) is not Agreement.ROUNDED:
            message = Later(_total_mismatch_message, (total, card, ctx.framework.title))
            ctx.add(Code.TOTAL_MISMATCH, Severity.P1, message, "stated.total")

    def _score_sum(self, total: Decimal) -> None:
        """The unit's own scores must add up to its own total (when every one is printed)."""
        ctx = self.ctx
        scores = self.stated_scores
        if not scores:
            return
        if len(ctx.item_lines) > (ctx.execution_item is not None):
            return  # other framework items have no stated score to add
        execution = ctx.evaluation.stated.execution_score
        if ctx.execution_item is not None and execution is None:
            return
        indicators = sum(scores, ZERO)
        added = indicators + (execution or ZERO)
        if added == total or round_half_up(added, printed_places(total)) == total:
            return
        parts = f"预算执行 {fmt(execution)} + 各三级指标 {fmt(indicators)}" if execution is not None else ""
        parts = f"（{parts}）" if parts else ""
        ctx.add(
            Code.SCORE_SUM_MISMATCH,
            Severity.P0,
            f"各项填报得分合计 {fmt(added)} 分{parts}，与填报自评总分 {fmt(total)} 分不符，"
            f"相差 {fmt(abs(total - added))} 分",
            "stated.total",
        )

    def _grade(self) -> None:
        ctx = self.ctx
        framework = ctx.framework
        stated = ctx.evaluation.stated
        total = stated.total
        grade = (stated.grade or "").strip().strip("“”\"'「」")
        if not grade:
            if total is not None:
                ctx.add(
                    Code.GRADE_MISSING,
                    Severity.P2,
                    f"未填写评价等级；自评总分 {fmt(total)} 分对应等级为{quoted(framework.grade_for(total))}",
                    "stated.grade",
                )
            return
        known = [band.grade for band in framework.grades]
        name = grade if grade in known else next((g for g in known if grade.startswith(g)), None)
        if name is None:
            ctx.add(
                Code.GRADE_UNKNOWN,
                Severity.P1,
                f"评价等级{quoted(grade)}不是评分标准中的等级（可用：{'、'.join(known)}）",
                "stated.grade",
            )
            return
        band = framework.band_for(name)
        if total is None or band is None:
            return
        low, high = band
        if total >= low and (high is None or total < high):
            return
        expected = framework.grade_for(total)
        span = f"{fmt(low)} 分及以上" if high is None else f"{fmt(low)}–{fmt(high)} 分（不含 {fmt(high)}）"
        ctx.add(
            Code.GRADE_MISMATCH,
            Severity.P0,
            f"填报评价等级{quoted(grade)}（{span}）与自评总分 {fmt(total)} 分不符，应为{quoted(expected)}",
            "stated.grade",
        )

    # --- framework items ------------------------------------------------------------

    def _items(self) -> None:
        """Rule problems on the framework's own items (预算执行率, 人工评分项 …)."""
        ctx = self.ctx
        for line in ctx.item_lines:
            if not line.flags:
                continue
            item_id = line.path.removeprefix("items.")
            for flag in line.flags:
                if flag is Flag.METRIC_MISSING:
                    ctx.add(
                        Code.ITEM_METRIC_MISSING,
                        Severity.P1,
                        f"评分项{quoted(line.name)}无法计算，得 0 分：{line.explanation}"
                        f"{self._missing_hint(line.name)}",
                        line.path,
                    )
                elif flag is Flag.MANUAL_MISSING:
                    ctx.add(
                        Code.MANUAL_SCORE_MISSING,
                        Severity.P0,
                        f"评分项{quoted(line.name)}须由评价人打分（{fmt(line.weight)} 分），尚未给出得分，暂按 0 分计",
                        f"judgements.{item_id}",
                    )
                elif flag is Flag.MANUAL_WITHOUT_REASON:
                    ctx.add(
                        Code.MANUAL_SCORE_UNJUSTIFIED,
                        Severity.P1,
                        f"评分项{quoted(line.name)}人工评分 {fmt(line.score)} 分"
                        f"（满分 {fmt(line.weight)} 分），未说明理由",
                        f"judgements.{item_id}",
                    )

    def _missing_hint(self, name: str) -> str:
        budget = self.ctx.evaluation.budget
        if "执行" in name and budget.adjusted is None and budget.initial is not None:
            return (
                f"；只填了年初预算数 {self.ctx.money(budget.initial)}，"
                "执行率应以全年预算数（调整后）计算，请补填全年预算数"
            )
        return ""
