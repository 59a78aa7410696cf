"""The ranges and precision every number jixiao accepts must keep (docs/file-formats.md#bounds).

One table for every reader: the evaluation file loader, the self-evaluation table importer,
the web editor and the API. A figure outside its bound is refused with a Chinese message that
says the bound (“数值超出允许范围（最大 1 000 000 000 000 万元，最多 6 位小数）”); readers
put the field's name or the cell in front. The bounds are far beyond any real budget or score
and keep every computation within the 28 significant digits of Python's decimal context, so
no rate, score or report ever meets an overflow.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from jixiao.core.model import Evaluation
from jixiao.core.values import Measure, MeasureKind


def _grouped(value: Decimal) -> str:
    """1000000 → "1 000 000" (a space every three digits, as the messages print bounds)."""
    return f"{int(value):,}".replace(",", " ")


@dataclass(frozen=True, slots=True)
class Bound:
    """What a kind of figure may be: ``-maximum``/``minimum`` … ``maximum``, at most ``places`` decimals."""

    name: str  # 金额, 分值, 比率, 人数, 指标值
    maximum: Decimal
    places: int
    unit: str = ""
    minimum: Decimal | None = None  # None: the negative of ``maximum``

    @property
    def lowest(self) -> Decimal:
        return -self.maximum if self.minimum is None else self.minimum

    def describe(self, unit: str | None = None) -> str:
        """The bound in words: "最大 1 000 000 000 000 万元，最多 6 位小数"."""
        shown = self.unit if unit is None else unit
        limit = f"{_grouped(self.maximum)}{' ' + shown if shown else ''}"
        limit = f"最大 {limit}" if self.lowest >= 0 else f"绝对值不超过 {limit}"
        precision = "应为整数" if self.places == 0 else f"最多 {self.places} 位小数"
        return f"{limit}，{precision}"

    def problem(self, value: Decimal | int, unit: str | None = None) -> str | None:
        """Why ``value`` is refused, in Chinese; ``None`` when it is within the bound."""
        number = Decimal(value) if isinstance(value, int) else value
        if not number.is_finite():
            return "应为有限的数字"
        if not self.lowest <= number <= self.maximum or _places(number) > self.places:
            return f"数值超出允许范围（{self.describe(unit)}）"
        return None


def _places(value: Decimal) -> int:
    """Decimals needed to write ``value`` exactly (trailing zeros do not count: 1.50 has 1)."""
    if value.is_zero():
        return 0
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


#: 金额 (预算数、执行数、结转结余、资产): 0 to 10^12 in the table's unit (万元 or 元).
AMOUNT: Final = Bound("金额", Decimal(10) ** 12, 6, "万元", minimum=Decimal(0))
#: 分值、得分 (weights, scores, totals; a framework's total and weights too).
SCORE: Final = Bound("分值", Decimal(1000), 4, "分", minimum=Decimal(0))
#: 比率 (a percentage as printed: 执行率 97.80 means 97.80 %).
RATE: Final = Bound("比率", Decimal(10) ** 6, 4, "%")
#: 人数、样本量 and other counts: non-negative integers.
COUNT: Final = Bound("数量", Decimal(10) ** 9, 0, minimum=Decimal(0))
#: 指标值 (targets and actual values, metric values), in whatever unit the indicator has.
MEASURE: Final = Bound("指标值", Decimal(10) ** 12, 9)
#: Every bound, in the order docs/file-formats.md#bounds lists them.
ALL: Final = (AMOUNT, SCORE, RATE, COUNT, MEASURE)


def violations(evaluation: Evaluation) -> list[tuple[str, str]]:
    """Every figure of ``evaluation`` outside its bound: (field path, Chinese message), in field order."""
    found: list[tuple[str, str]] = []

    def check(path: str, value: Decimal | int | None, bound: Bound, unit: str | None = None) -> None:
        if value is not None and not isinstance(value, bool):
            problem = bound.problem(value, unit)
            if problem:
                found.append((path, problem))

    def measure(path: str, value: Measure) -> None:
        if value.kind is MeasureKind.NUMBER:
            check(path, value.value, MEASURE)

    assets = evaluation.unit.assets
    check("unit.assets.total", assets.total, AMOUNT, assets.unit.value)
    for k, part in enumerate(assets.parts):
        check(f"unit.assets.parts[{k}].amount", part.amount, AMOUNT, assets.unit.value)
    staffing = evaluation.unit.staffing
    for name in ("authorized", "actual", "hired"):
        check(f"unit.staffing.{name}", getattr(staffing, name), COUNT)
    budget = evaluation.budget
    unit = budget.unit.value
    for name in ("initial", "adjusted", "executed", "carryover"):
        check(f"budget.{name}", getattr(budget, name), AMOUNT, unit)
    for table in ("by_nature", "by_source"):
        for k, line in enumerate(getattr(budget, table)):
            for name in ("initial", "adjusted", "executed"):
                check(f"budget.{table}[{k}].{name}", getattr(line, name), AMOUNT, unit)
    for i, indicator in enumerate(evaluation.indicators):
        base = f"indicators[{i}]"
        measure(f"{base}.target", indicator.target)
        measure(f"{base}.actual", indicator.actual)
        for name in ("weight", "judged_score", "stated_score"):
            check(f"{base}.{name}", getattr(indicator, name), SCORE)
        for k, row in enumerate(indicator.parts):
            measure(f"{base}.parts[{k}].target", row.target)
            measure(f"{base}.parts[{k}].actual", row.actual)
    check("satisfaction.value", evaluation.satisfaction.value, RATE)
    check("satisfaction.sample_size", evaluation.satisfaction.sample_size, COUNT)
    stated = evaluation.stated
    check("stated.execution_rate", stated.execution_rate, RATE)
    for name in ("execution_score", "execution_weight", "total", "total_weight"):
        check(f"stated.{name}", getattr(stated, name), SCORE)
    for item_id, judgement in evaluation.judgements:
        check(f"judgements.{item_id}.score", judgement.score, SCORE)
    for name, value in evaluation.metrics:
        check(f"metrics.{name}", value, MEASURE)
    return found
