"""Plausibility (合理性, P1): figures that add up but do not make sense together.

The rulebook's plausibility points (docs/field.md#review-plausibility): scores the figures do
not support (full marks everywhere, full marks for a missed target, deductions for a met one),
indicator points running ahead of spending, a high total on low execution, actuals far above
target without a word, and spending above the budget.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from jixiao.core.checks.codes import Code
from jixiao.core.checks.context import Context, IndicatorView, money, percent, quoted
from jixiao.core.findings import Severity
from jixiao.core.model import Budget, BudgetLine, Indicator
from jixiao.core.numbers import HUNDRED, ZERO, fmt
from jixiao.core.scoring import ItemScore
from jixiao.core.values import Direction, MeasureKind
from jixiao.core.why import Later

#: Achievement above this share of the target needs a reason (target perhaps set too low).
OVER_TARGET_RATIO: Final = Decimal("1.3")
#: Flag when indicator achievement runs ahead of execution by more than this (deployed rule).
AHEAD_OF_SPENDING: Final = Decimal("0.05")
_CARRYOVER_WORDS: Final = ("结转", "结余")


# --- messages, written out when read (see Finding) ------------------------------------


def _full_marks_unmet_message(indicator: Indicator, line: ItemScore | None, direction: Direction | None) -> str:
    should = f"；按评分规则应得 {fmt(line.score)} 分" if line is not None else ""
    if indicator.target.kind is MeasureKind.DATE:
        verb = "晚于"
    elif direction is Direction.LE:
        verb = "超过"
    else:
        verb = "未达到"
    return (
        f"{quoted(indicator.name)}实际完成值{quoted(indicator.actual.text)}{verb}年度指标值"
        f"{quoted(indicator.target.text)}，却填报满分 {fmt(indicator.stated_score)} 分{should}"
    )


def _deducted_met_message(indicator: Indicator) -> str:
    weight, stated = indicator.weight, indicator.stated_score
    assert weight is not None and stated is not None  # deducted_although_met checked both
    return (
        f"{quoted(indicator.name)}实际完成值{quoted(indicator.actual.text)}已达到年度指标值"
        f"{quoted(indicator.target.text)}，却只得 {fmt(stated)} 分"
        f"（分值 {fmt(weight)} 分，扣 {fmt(weight - stated)} 分），且未填写偏差原因分析"
    )


def _over_target_message(indicator: Indicator, target: Decimal, actual: Decimal) -> str:
    return (
        f"{quoted(indicator.name)}实际完成值{quoted(indicator.actual.text)}为年度指标值"
        f"{quoted(indicator.target.text)}的 {percent(actual / target * HUNDRED)}，超过 130%，"
        "未说明原因（是否目标值设置偏低）"
    )


def _ahead_message(
    points: Decimal, weights: Decimal, spent: Decimal, weight: Decimal, s: Decimal, e: Decimal, gap: Decimal
) -> str:
    return (
        f"指标得分率 {percent(s * HUNDRED)}（{fmt(points)} / {fmt(weights)} 分）明显高于预算执行得分率 "
        f"{percent(e * HUNDRED)}（{fmt(spent)} / {fmt(weight)} 分）：偏离度 = "
        f"({percent(s * HUNDRED)} − {percent(e * HUNDRED)}) ÷ {percent(s * HUNDRED)} = {percent(gap * HUNDRED)}，"
        "超过 5%。产出和效益完成情况与资金支出进度不匹配，请核实完成值或说明原因"
    )


def _overspent_message(budget: Budget, unit: str, said: str | None) -> str:
    """Spending above the budget, with the unit's explanation (``said``) or what is missing."""
    adjusted, executed = budget.adjusted, budget.executed
    assert adjusted is not None and executed is not None  # checked before reporting
    over = executed - adjusted
    share = f"（{percent(over / adjusted * HUNDRED)}）" if adjusted > ZERO else ""
    head = f"全年执行数 {money(executed, unit)}超过全年预算数 {money(adjusted, unit)}，超支 {money(over, unit)}{share}"
    if said is not None:
        return f"{head}；单位说明：{said}，请核对"
    carryover = budget.carryover
    balance = "未填报年末结转结余" if carryover is None else f"年末结转结余为 {money(carryover, unit)}"
    return f"{head}；{balance}，资金来源中没有上年结转资金，也未说明超支部分的资金来源"


def _line_overspent_message(name: str, adjusted: Decimal, executed: Decimal, unit: str) -> str:
    over = executed - adjusted
    share = f"（{percent(over / adjusted * HUNDRED)}）" if adjusted > ZERO else ""
    return (
        f"{name}全年执行数 {money(executed, unit)}超过其全年预算数 {money(adjusted, unit)}，"
        f"超出 {money(over, unit)}{share}"
    )


def _low_execution_message(rate: Decimal, low: Decimal, whose: str, total: Decimal, top: str) -> str:
    return (
        f"预算执行率 {percent(rate)} 低于 {fmt(low)}%，{whose}却为 {fmt(total)} 分"
        f"（{quoted(top)}）：资金执行偏低而绩效评价偏高，请说明原因"
    )


class Plausibility:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.known = 0  # indicators whose points and weight are known
        self.full = 0  # … of which at full marks
        self.unknown = 0
        self.points = ZERO  # computed points of the indicators with a weight …
        self.weights = ZERO  # … and their weights (for the spending comparison)

    def indicator(self, view: IndicatorView) -> None:
        weight, points = view.weight, view.points
        if weight is None or points is None:
            self.unknown += 1
        else:
            self.known += 1
            if points >= weight:
                self.full += 1
        line = view.line
        if line is not None and line.weight is not None:
            self.points += line.score
            self.weights += line.weight
        met = view.met
        if met is None:
            return
        if view.full_marks_although_unmet:
            self._full_marks_unmet(view)
        elif view.deducted_although_met and not view.has_note:
            self._deducted_met(view)
        if met and not view.has_note and view.direction is not Direction.LE:
            target, actual = view.pair  # type: ignore[misc]  # met is known only with a pair
            if actual > target * OVER_TARGET_RATIO and target > ZERO and view.target.kind is not MeasureKind.DATE:
                self._over_target(view, target, actual)

    def finish(self) -> None:
        self._overspent()
        budget = self.ctx.evaluation.budget
        for i, line in enumerate(budget.by_nature):
            self._line_overspent(line, "by_nature", i)
        for i, line in enumerate(budget.by_source):
            self._line_overspent(line, "by_source", i)
        self._low_execution()
        self._ahead_of_spending()
        if self.known >= 2 and self.unknown == 0 and self.full == self.known:
            self.ctx.add(
                Code.ALL_FULL_MARKS,
                Severity.P1,
                f"全部 {self.known} 项三级指标均为满分，请逐项核实实际完成值及佐证材料，说明是否存在目标值设置偏低",
                "indicators",
            )

    # --- indicators -----------------------------------------------------------------

    def _full_marks_unmet(self, view: IndicatorView) -> None:
        message = Later(_full_marks_unmet_message, (view.indicator, view.line, view.direction))
        self.ctx.add_at(Code.FULL_MARKS_TARGET_UNMET, Severity.P1, message, view, "stated_score")

    def _deducted_met(self, view: IndicatorView) -> None:
        message = Later(_deducted_met_message, (view.indicator,))
        self.ctx.add_at(Code.SCORE_DEDUCTED_TARGET_MET, Severity.P1, message, view, "stated_score")

    def _over_target(self, view: IndicatorView, target: Decimal, actual: Decimal) -> None:
        message = Later(_over_target_message, (view.indicator, target, actual))
        self.ctx.add_at(Code.OVER_TARGET_UNEXPLAINED, Severity.P1, message, view, "actual")

    # --- budget ---------------------------------------------------------------------

    def _overspent(self) -> None:
        ctx = self.ctx
        budget = ctx.evaluation.budget
        adjusted, executed = budget.adjusted, budget.executed
        if adjusted is None or executed is None or executed <= adjusted:
            return
        funded = [line.name for line in budget.by_source if any(word in line.name for word in _CARRYOVER_WORDS)]
        explanation = budget.overspend_explanation.strip()
        if explanation or funded:
            said = explanation or f"资金来源中列有{'、'.join(funded)}"
            message = Later(_overspent_message, (budget, ctx.unit, said))
            ctx.add(Code.BUDGET_OVERSPENT, Severity.P2, message, "budget.executed")
            return
        message = Later(_overspent_message, (budget, ctx.unit, None))
        ctx.add(Code.BUDGET_OVERSPENT_UNEXPLAINED, Severity.P1, message, "budget.executed")

    def _line_overspent(self, line: BudgetLine, split: str, index: int) -> None:
        adjusted, executed = line.adjusted, line.executed
        if adjusted is None or executed is None or executed <= adjusted:
            return
        message = Later(_line_overspent_message, (line.name, adjusted, executed, self.ctx.unit))
        self.ctx.add(Code.BUDGET_LINE_OVERSPENT, Severity.P1, message, f"budget.{split}[{index}].executed")

    # --- scores against spending ------------------------------------------------------

    def _low_execution(self) -> None:
        ctx = self.ctx
        rate = ctx.card.execution_rate
        if rate is None or rate >= ctx.framework.low_execution_rate:
            return
        stated = ctx.evaluation.stated.total
        total = stated if stated is not None else ctx.card.total
        top = ctx.framework.grades[0]
        if total < top.min:
            return
        whose = "填报自评总分" if stated is not None else "计算总分"
        figures = (rate, ctx.framework.low_execution_rate, whose, total, top.grade)
        ctx.add(Code.LOW_EXECUTION_HIGH_SCORE, Severity.P1, Later(_low_execution_message, figures), "budget.executed")

    def _ahead_of_spending(self) -> None:
        """(S/S_max − E/E_max) ÷ (S/S_max) > 5%: outputs claimed well ahead of money spent.

        The deployed rule reads S/90 and E/10 for the 10/90 default; here the maxima are the
        weights actually in play (the unit's indicator weights, the framework's execution item).
        """
        ctx = self.ctx
        line, item = ctx.execution_line, ctx.execution_item
        if line is None or item is None or line.flags or ctx.card.execution_rate is None:
            return
        points, weights = self.points, self.weights
        if weights <= ZERO or points <= ZERO:
            return
        s = points / weights
        e = line.score / item.weight
        gap = (s - e) / s
        if gap <= AHEAD_OF_SPENDING:
            return
        message = Later(_ahead_message, (points, weights, line.score, item.weight, s, e, gap))
        ctx.add(Code.OUTPUT_AHEAD_OF_SPENDING, Severity.P1, message, "indicators")
