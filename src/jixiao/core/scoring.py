"""Scoring: an evaluation under a framework → a :class:`Scorecard` that explains itself.

``score(evaluation, framework)`` is pure. Each line of the scorecard carries the rule, the
figures and the formula, so a reviewer can redo any point by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from jixiao.core import metrics
from jixiao.core.framework import Block, Framework, Item, Slot
from jixiao.core.model import Evaluation, Indicator
from jixiao.core.numbers import ZERO, rate
from jixiao.core.numbers import score as round_score
from jixiao.core.rules import Flag, Outcome, score_indicator, score_metric
from jixiao.core.values import Direction
from jixiao.core.why import Why


@dataclass(frozen=True, slots=True)
class ItemScore:
    """One scored line: a framework item or one of the unit's indicators."""

    path: str  # "indicators[3]" for a unit indicator, "items.<id>" for a framework item
    block_id: str
    slot_id: str | None  # None for a framework item
    name: str
    l1: str
    l2: str
    weight: Decimal | None
    score: Decimal
    rule: str
    why: Why | str
    flags: tuple[Flag, ...] = ()
    stated_score: Decimal | None = None
    indicator_index: int | None = None  # position in Evaluation.indicators
    #: how the indicator's figures were compared, and the target and actual as numbers in
    #: one unit (None when the rule did not compare figures)
    direction: Direction | None = None
    pair: tuple[Decimal, Decimal] | None = None

    @property
    def explanation(self) -> str:
        """How the score was reached: rule, figures, formula, points lost and why."""
        return str(self.why)

    @property
    def lost(self) -> Decimal:
        return (self.weight or ZERO) - self.score


@dataclass(frozen=True, slots=True)
class BlockScore:
    """A block's subtotal."""

    id: str  # the block's id in the framework
    name: str
    weight: Decimal
    score: Decimal
    indicator_weight: Decimal  # sum of the unit's indicator weights in this block's slots
    #: the lines' sum when it exceeded the block's weight (the unit's indicator weights add
    #: up to more than the framework allows); the block score is then capped at the weight
    uncapped: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Scorecard:
    """An evaluation scored under a framework: total, grade, blocks and every line explained."""

    framework_id: str
    total: Decimal
    grade: str
    execution_rate: Decimal | None  # percent, rounded to 0.01
    blocks: tuple[BlockScore, ...]
    items: tuple[ItemScore, ...]
    unmatched: tuple[int, ...]  # indicator indexes no slot of the framework takes

    def for_indicator(self, index: int) -> ItemScore | None:
        for item in self.items:
            if item.indicator_index == index:
                return item
        return None


def assign_slots(evaluation: Evaluation, framework: Framework) -> dict[int, tuple[Block, Slot]]:
    """Which slot takes each indicator, by its 一级指标 name."""
    assigned: dict[int, tuple[Block, Slot]] = {}
    slot_for = framework.slot_for
    for index, indicator in enumerate(evaluation.indicators):
        found = slot_for(indicator.l1)
        if found is not None:
            assigned[index] = found
    return assigned


def score(evaluation: Evaluation, framework: Framework) -> Scorecard:
    """Score every framework item and every indicator; total and grade from the blocks."""
    # One list of lines per block: the framework's own items first, then the unit's
    # indicators in their order (the scorecard lists them so).
    by_block: dict[str, list[ItemScore]] = {block.id: [] for block in framework.blocks}
    labels = framework.metric_labels
    for block, item in framework.block_items:
        by_block[block.id].append(_score_item(evaluation, block, item, labels))
    unmatched: list[int] = []
    slot_index = framework.slot_index
    for index, indicator in enumerate(evaluation.indicators):
        l1 = indicator.l1
        found = slot_index.get(l1)  # a known spelling, without a call into the framework
        if found is None:
            found = framework.slot_for(l1)
        if found is None:
            unmatched.append(index)
            continue
        block, slot = found
        by_block[block.id].append(_score_one(index, indicator, block, slot))
    blocks = tuple([_block_score(block, by_block[block.id]) for block in framework.blocks])
    total = round_score(sum([block.score for block in blocks], ZERO))
    execution = metrics.execution_rate_value(evaluation.budget)
    return Scorecard(
        framework_id=framework.id,
        total=total,
        grade=framework.grade_for(total),
        execution_rate=rate(execution) if execution is not None else None,
        blocks=blocks,
        items=tuple([line for block in framework.blocks for line in by_block[block.id]]),
        unmatched=tuple(unmatched),
    )


def _score_one(index: int, indicator: Indicator, block: Block, slot: Slot) -> ItemScore:
    outcome = score_indicator(indicator, slot.rule)
    return ItemScore(
        path=f"indicators[{index}]",
        block_id=block.id,
        slot_id=slot.id,
        name=indicator.name,
        l1=indicator.l1,
        l2=indicator.l2,
        weight=indicator.weight,
        score=round_score(outcome.score),
        rule=indicator.rule or slot.rule.kind.value,
        why=outcome.why,
        flags=outcome.flags,
        stated_score=indicator.stated_score,
        indicator_index=index,
        direction=outcome.direction,
        pair=outcome.pair,
    )


def _score_item(evaluation: Evaluation, block: Block, item: Item, labels: dict[str, str]) -> ItemScore:
    rule = item.rule
    judgement = evaluation.judgement(item.id)
    judged = (judgement.score, judgement.reason) if judgement else None
    if rule.metric:
        builtin = metrics.BUILTIN.get(rule.metric)
        label = builtin.label if builtin else labels.get(rule.metric, item.name)
        value = metrics.evaluate(rule.metric, label, evaluation)
        outcome = score_metric(rule, item.weight, value.value, value.formula, judged)
    else:
        outcome = score_metric(rule, item.weight, None, item.name, judged)
    stated = evaluation.stated.execution_score if rule.metric == "execution_rate" else None
    return _item_line(block, item, outcome, stated)


def _item_line(block: Block, item: Item, outcome: Outcome, stated: Decimal | None) -> ItemScore:
    return ItemScore(
        path=f"items.{item.id}",
        block_id=block.id,
        slot_id=None,
        name=item.name,
        l1=block.name,
        l2=item.l2,
        weight=item.weight,
        score=round_score(outcome.score),
        rule=item.rule.kind.value,
        why=outcome.why,
        flags=outcome.flags,
        stated_score=stated,
    )


def _block_score(block: Block, lines: list[ItemScore]) -> BlockScore:
    points = ZERO
    indicator_weight = ZERO
    for line in lines:
        points += line.score
        if line.slot_id is not None and line.weight is not None:
            indicator_weight += line.weight
    points = round_score(points)
    uncapped = None
    if points > block.weight:
        # A block never earns more than the standard gives it, whatever weights the unit
        # wrote; the checker reports the weight mismatch (SLOT_WEIGHT_SUM_MISMATCH).
        points, uncapped = round_score(block.weight), points
    return BlockScore(
        id=block.id,
        name=block.name,
        weight=block.weight,
        score=points,
        indicator_weight=indicator_weight,
        uncapped=uncapped,
    )
