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


@dataclass(frozen=True)
class ItemScore:
    """One scored line: a framework item or one of the unit's indicators."""

    path: str  # "indicators[3]" for a unit indicator, "items.<id>" for a framework item
    block_id: str
    slot_id: str | None
    name: str
    l1: str
    l2: str
    weight: Decimal | None
    score: Decimal
    rule: str
    explanation: str
    flags: tuple[Flag, ...] = ()
    stated_score: Decimal | None = None
    index: int | None = None  # position in Evaluation.indicators

    @property
    def lost(self) -> Decimal:
        return (self.weight or ZERO) - self.score


@dataclass(frozen=True)
class BlockScore:
    id: str
    name: str
    weight: Decimal
    score: Decimal
    indicator_weight: Decimal  # sum of the unit's indicator weights in this block's slots


@dataclass(frozen=True)
class Scorecard:
    framework_id: str
    total: Decimal
    grade: str
    execution_rate: Decimal | None  # percent, rounded to 0.01
    blocks: tuple[BlockScore, ...]
    items: tuple[ItemScore, ...]
    unmatched: tuple[int, ...]  # indicator indexes no slot of the framework takes

    def for_indicator(self, index: int) -> ItemScore | None:
        for item in self.items:
            if item.index == index:
                return item
        return None


def assign_slots(evaluation: Evaluation, framework: Framework) -> dict[int, tuple[Block, Slot]]:
    """Which slot takes each indicator, by its 一级指标 name."""
    cache: dict[str, tuple[Block, Slot] | None] = {}
    assigned: dict[int, tuple[Block, Slot]] = {}
    for index, indicator in enumerate(evaluation.indicators):
        if indicator.l1 not in cache:
            cache[indicator.l1] = framework.slot_for(indicator.l1)
        found = cache[indicator.l1]
        if found is not None:
            assigned[index] = found
    return assigned


def score(evaluation: Evaluation, framework: Framework) -> Scorecard:
    slots = assign_slots(evaluation, framework)
    by_block: dict[str, list[ItemScore]] = {block.id: [] for block in framework.blocks}
    labels = {spec.name: spec.label for spec in framework.metrics}
    for block in framework.blocks:
        for item in block.items:
            by_block[block.id].append(_score_item(evaluation, block, item, labels))
    for index, (block, slot) in slots.items():
        by_block[block.id].append(_score_one(index, evaluation.indicators[index], block, slot))
    blocks = tuple(_block_score(block, by_block[block.id]) for block in framework.blocks)
    items = tuple(line for block in framework.blocks for line in by_block[block.id])
    total = round_score(sum((block.score for block in blocks), ZERO))
    execution = metrics.execution_rate(evaluation.budget).value
    unmatched = tuple(i for i in range(len(evaluation.indicators)) if i not in slots)
    return Scorecard(
        framework_id=framework.id,
        total=total,
        grade=framework.grade_for(total),
        execution_rate=rate(execution) if execution is not None else None,
        blocks=blocks,
        items=items,
        unmatched=unmatched,
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
        rule=(indicator.rule or slot.rule.kind.value),
        explanation=outcome.why,
        flags=outcome.flags,
        stated_score=indicator.stated_score,
        index=index,
    )


def _score_item(
    evaluation: Evaluation, block: Block, item: Item, labels: dict[str, str]
) -> ItemScore:
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
        explanation=outcome.why,
        flags=outcome.flags,
        stated_score=stated,
    )


def _block_score(block: Block, lines: list[ItemScore]) -> BlockScore:
    indicator_weight = sum((line.weight or ZERO for line in lines if line.slot_id), ZERO)
    return BlockScore(
        id=block.id,
        name=block.name,
        weight=block.weight,
        score=round_score(sum((line.score for line in lines), ZERO)),
        indicator_weight=indicator_weight,
    )
