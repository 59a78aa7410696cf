"""Figures derived from an evaluation that framework items can score.

Each metric is a percentage computed from the budget (or the satisfaction figure), with a
formula a reviewer can redo by hand. Frameworks may also declare metrics the unit supplies
(``Framework.metrics``); those are read from ``Evaluation.metrics``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, NamedTuple

from jixiao.core.model import Budget, Evaluation
from jixiao.core.numbers import HUNDRED, rate
from jixiao.core.why import Why


class MetricValue(NamedTuple):
    value: Decimal | None
    formula: Why | str  # how it was computed, with the figures (str() renders it)


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    compute: Callable[[Evaluation], MetricValue]


def _ratio(numerator: Decimal | None, denominator: Decimal | None, text: str) -> MetricValue:
    if numerator is None or denominator is None or denominator == 0:
        return MetricValue(None, f"{text}：缺少数据或分母为 0，无法计算")
    value = numerator / denominator * HUNDRED
    return MetricValue(value, Why("{0} = {1} ÷ {2} × 100% = {3}%", (text, numerator, denominator, rate(value))))


#: Said in the formula when the table prints only 年初预算数 (docs/scoring.md#initial-budget-base).
INITIAL_BASE_NOTE = "（表上只印了年初预算数，没有全年预算数，以年初预算数为基数）"


def execution_base(budget: Budget) -> tuple[Decimal | None, bool]:
    """The budget the rate is measured against: 全年预算数, else 年初预算数 when only that is printed
    (``True`` then)."""
    if budget.adjusted is None and budget.initial is not None:
        return budget.initial, True
    return budget.adjusted, False


def execution_rate(budget: Budget) -> MetricValue:
    """预算执行率 = 全年执行数 ÷ 全年预算数 (财预〔2020〕10号); ÷ 年初预算数 when only that is printed."""
    base, initial = execution_base(budget)
    if initial:
        return _ratio(budget.executed, base, f"预算执行率 = 全年执行数 ÷ 年初预算数{INITIAL_BASE_NOTE}")
    return _ratio(budget.executed, base, "预算执行率 = 全年执行数 ÷ 全年预算数")


def execution_rate_value(budget: Budget) -> Decimal | None:
    """The figure of :func:`execution_rate` alone, for callers that do not show the formula."""
    executed, (base, _) = budget.executed, execution_base(budget)
    if executed is None or base is None or base == 0:
        return None
    return executed / base * HUNDRED


def _execution(evaluation: Evaluation) -> MetricValue:
    return execution_rate(evaluation.budget)


def _adjustment(evaluation: Evaluation) -> MetricValue:
    """预算调整率 = (全年预算数 − 年初预算数) ÷ 年初预算数 (财预〔2013〕53号)."""
    budget = evaluation.budget
    if budget.adjusted is None or budget.initial is None:
        return MetricValue(None, "预算调整率：缺少年初或全年预算数，无法计算")
    change = budget.adjusted - budget.initial
    return _ratio(change, budget.initial, "预算调整率 = 调整数 ÷ 年初预算数")


def _carryover(evaluation: Evaluation) -> MetricValue:
    """结转结余率 = 结转结余总额 ÷ 全年支出预算数 (财预〔2013〕53号)."""
    budget = evaluation.budget
    return _ratio(budget.carryover, budget.adjusted, "结转结余率 = 结转结余 ÷ 全年预算数")


def _nature_rate(name: str, label: str) -> Callable[[Evaluation], MetricValue]:
    def compute(evaluation: Evaluation) -> MetricValue:
        for line in evaluation.budget.by_nature:
            if name in line.name:
                return _ratio(line.executed, line.adjusted, f"{label} = 执行数 ÷ 预算数")
        return MetricValue(None, f"{label}：未填报{name}")

    return compute


def _satisfaction(evaluation: Evaluation) -> MetricValue:
    value = evaluation.satisfaction.value
    if value is None:
        return MetricValue(None, "满意度：未填报")
    return MetricValue(value, Why("满意度 = {0}%（来源：{1}）", (value, evaluation.satisfaction.source.label)))


BUILTIN: Final[dict[str, Metric]] = {
    metric.name: metric
    for metric in (
        Metric("execution_rate", "预算执行率", _execution),
        Metric("budget_adjustment_rate", "预算调整率", _adjustment),
        Metric("carryover_rate", "结转结余率", _carryover),
        Metric("basic_execution_rate", "基本支出执行率", _nature_rate("基本", "基本支出执行率")),
        Metric("project_execution_rate", "项目支出执行率", _nature_rate("项目", "项目支出执行率")),
        Metric("satisfaction", "满意度", _satisfaction),
    )
}


def evaluate(name: str, label: str, evaluation: Evaluation) -> MetricValue:
    """The value of metric ``name``: derived if built in, else as the unit supplied it."""
    builtin = BUILTIN.get(name)
    if builtin is not None:
        return builtin.compute(evaluation)
    supplied = evaluation.metric(name)
    if supplied is None:
        return MetricValue(None, f"{label}：单位未填报（metrics.{name}）")
    return MetricValue(supplied, Why("{0} = {1}（单位填报）", (label, supplied)))
