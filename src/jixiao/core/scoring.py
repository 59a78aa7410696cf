"""Scoring: an evaluation under a framework → a :class:`Scorecard` that explains itself.

``score(evaluation, framework)`` is pure. Each line of the scorecard carries the rule, the
figures and the formula, so a reviewer can redo any point by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import NamedTuple

from jixiao.core import metrics
from jixiao.core.framework import Block, Framework, Item, RuleKind, Slot
from jixiao.core.model import Evaluation, Indicator
from jixiao.core.numbers import ZERO, rate
from jixiao.core.numbers import score as round_score
from jixiao.core.rules import Flag, Outcome, score_indicator, score_metric
from jixiao.core.why import Why


class ItemScore(NamedTuple):
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
    why: Why | str
    flags: tuple[Flag, ...] = ()
    stated_score: Decimal | None = None
    indicator_index: int | None = None  # position in Evaluation.indicators

    @property
    def explanation(self) -> str:
        """How the score was reached: rule, figures, formula, points lost and why."""
        return str(self.why)

    @property
    def lost(self) -> Decimal:
        return (self.weight or ZERO) - self.score


class BlockScore(NamedTuple):
    id: str
    name: str
    weight: Decimal
    score: Decimal
    indicator_weight: Decimal  # sum of the unit's indicator weights in this block's slots
    #: the lines' sum when it exceeded the block's weight (the unit's indicator weights add
    #: up to more than the framework allows); the block score is then capped at the weight
    uncapped: Decimal | None = None


@dataclass(frozen=True)
class Scorecard:
    framework_id: str
    total: Decimal
    grade: str
    execution_rate: Decimal | None  # percent, rounded to 0.01
    blocks: tuple[BlockScore, ...]
    items: tuple[ItemScore, ...]
    unmatched: tuple[int, ...]  # indicator indexes no slot of the framework takes

    def __reduce__(self) -> tuple[type[Scorecard], tuple[object, ...]]:
        # Explicit, so that the compiled build (a frozen class without __dict__) pickles the
        # same way as the source one, e.g. back from the worker processes of `jixiao check`.
        fields = (self.framework_id, self.total, self.grade, self.execution_rate, self.blocks, self.items)
        return (Scorecard, (*fields, self.unmatched))

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
    slot_for = framework.slot_for
    unmatched: list[int] = []
    for index, indicator in enumerate(evaluation.indicators):
        found = slot_for(indicator.l1)
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


# The rule kind's name as the line shows it, looked up by member: ``.value`` on an Enum
# member is a Python-level property, too slow to call once per indicator row.
_KIND_NAMES = {kind: kind.value for kind in RuleKind}


# A NamedTuple's generated __new__ is a Python function; building the tuple directly saves
# a frame per indicator row. The fields go in ItemScore's order.
_line = partial(tuple.__new__, ItemScore)


def _score_one(index: int, indicator: Indicator, block: Block, slot: Slot) -> ItemScore:
    outcome = score_indicator(indicator, slot.rule)
    return _line(
        (
            f"indicators[{index}]",
            block.id,
            slot.id,
            indicator.name,
            indicator.l1,
            indicator.l2,
            indicator.weight,
            round_score(outcome.score),
            indicator.rule or _KIND_NAMES[slot.rule.kind],
            outcome.why,
            outcome.flags,
            indicator.stated_score,
            index,
        )
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
    return _line(
        (
            f"items.{item.id}",  # path
            block.id,
            None,  # slot_id
            item.name,
            block.name,  # l1
            item.l2,
            item.weight,
            round_score(outcome.score),
            _KIND_NAMES[item.rule.kind],
            outcome.why,
            outcome.flags,
            stated,
            None,  # indicator_index
        )
    )


def _block_score(block: Block, lines: list[ItemScore]) -> BlockScore:
    points = ZERO
    indicator_weight = ZERO
    for line in lines:
        points += line.score
        if line.slot_id is not None and line.weight is not None:
            indicator_weight += line.weight
    points = round_score(points)
    if points > block.weight:
        # A block never earns more than the standard gives it, whatever weights the unit
        # wrote; the checker reports the weight mismatch (SLOT_WEIGHT_SUM_MISMATCH).
        return BlockScore(block.id, block.name, block.weight, round_score(block.weight), indicator_weight, points)
    return BlockScore(block.id, block.name, block.weight, points, indicator_weight)
