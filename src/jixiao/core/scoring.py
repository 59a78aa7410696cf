"""Scoring: an evaluation under a framework → a :class:`Scorecard` that explains itself.

``score(evaluation, framework)`` is pure. Each line of the scorecard carries the rule, the
figures and the formula, so a reviewer can redo any point by hand.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from jixiao.core import metrics
from jixiao.core.framework import Block, Framework, Item, RuleKind, Slot
from jixiao.core.model import Evaluation, Indicator
from jixiao.core.numbers import ZERO, rate
from jixiao.core.numbers import score as round_score
from jixiao.core.rules import Flag, Outcome, score_indicator, score_metric
from jixiao.core.values import Direction
from jixiao.core.why import Why


class Record:
    """A slotted record treated as immutable: equal, hashed and pickled by :meth:`fields`."""

    __slots__ = ()

    def fields(self) -> tuple[object, ...]:
        """Every field, in the constructor's order."""
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Record) or type(other) is not type(self):
            return NotImplemented
        return self.fields() == other.fields()

    def __hash__(self) -> int:
        return hash(self.fields())

    def __reduce__(self) -> tuple[type[Record], tuple[object, ...]]:
        # Explicit, so that the compiled build (native classes) pickles like the source one.
        return (type(self), self.fields())


class ItemScore(Record):
    """One scored line: a framework item or one of the unit's indicators.

    A plain slotted class, treated as immutable: compiled, it is a native class whose fields
    the checker reads without a dictionary lookup (a city's batch makes 300 000 of them).
    """

    __slots__ = (
        "block_id",
        "direction",
        "flags",
        "indicator_index",
        "l1",
        "l2",
        "name",
        "pair",
        "path",
        "rule",
        "score",
        "slot_id",
        "stated_score",
        "weight",
        "why",
    )

    def __init__(
        self,
        path: str,
        block_id: str,
        slot_id: str | None,
        name: str,
        l1: str,
        l2: str,
        weight: Decimal | None,
        score: Decimal,
        rule: str,
        why: Why | str,
        flags: tuple[Flag, ...] = (),
        stated_score: Decimal | None = None,
        indicator_index: int | None = None,
        direction: Direction | None = None,
        pair: tuple[Decimal, Decimal] | None = None,
    ) -> None:
        self.path = path  # "indicators[3]" for a unit indicator, "items.<id>" for a framework item
        self.block_id = block_id
        self.slot_id = slot_id
        self.name = name
        self.l1 = l1
        self.l2 = l2
        self.weight = weight
        self.score = score
        self.rule = rule
        self.why = why
        self.flags = flags
        self.stated_score = stated_score
        self.indicator_index = indicator_index  # position in Evaluation.indicators
        #: how the indicator's figures were compared, and the target and actual as numbers in
        #: one unit (None when the rule did not compare figures)
        self.direction = direction
        self.pair = pair

    @property
    def explanation(self) -> str:
        """How the score was reached: rule, figures, formula, points lost and why."""
        return str(self.why)

    @property
    def lost(self) -> Decimal:
        return (self.weight or ZERO) - self.score

    def fields(self) -> tuple[object, ...]:
        return (
            self.path,
            self.block_id,
            self.slot_id,
            self.name,
            self.l1,
            self.l2,
            self.weight,
            self.score,
            self.rule,
            self.why,
            self.flags,
            self.stated_score,
            self.indicator_index,
            self.direction,
            self.pair,
        )

    def __repr__(self) -> str:
        return f"ItemScore(path={self.path!r}, name={self.name!r}, weight={self.weight!r}, score={self.score!r})"


class BlockScore(Record):
    """A block's subtotal (a slotted class treated as immutable, like :class:`ItemScore`)."""

    __slots__ = ("id", "indicator_weight", "name", "score", "uncapped", "weight")

    def __init__(
        self,
        id: str,  # the block's id in the framework
        name: str,
        weight: Decimal,
        score: Decimal,
        indicator_weight: Decimal,
        uncapped: Decimal | None = None,
    ) -> None:
        self.id = id
        self.name = name
        self.weight = weight
        self.score = score
        self.indicator_weight = indicator_weight  # sum of the unit's indicator weights in this block's slots
        #: the lines' sum when it exceeded the block's weight (the unit's indicator weights add
        #: up to more than the framework allows); the block score is then capped at the weight
        self.uncapped = uncapped

    def fields(self) -> tuple[object, ...]:
        return (self.id, self.name, self.weight, self.score, self.indicator_weight, self.uncapped)

    def __repr__(self) -> str:
        return f"BlockScore(id={self.id!r}, weight={self.weight!r}, score={self.score!r}, uncapped={self.uncapped!r})"


class Scorecard(Record):
    """An evaluation scored under a framework: total, grade, blocks and every line explained."""

    __slots__ = ("blocks", "execution_rate", "framework_id", "grade", "items", "total", "unmatched")

    def __init__(
        self,
        framework_id: str,
        total: Decimal,
        grade: str,
        execution_rate: Decimal | None,
        blocks: tuple[BlockScore, ...],
        items: tuple[ItemScore, ...],
        unmatched: tuple[int, ...],
    ) -> None:
        self.framework_id = framework_id
        self.total = total
        self.grade = grade
        self.execution_rate = execution_rate  # percent, rounded to 0.01
        self.blocks = blocks
        self.items = items
        self.unmatched = unmatched  # indicator indexes no slot of the framework takes

    def fields(self) -> tuple[object, ...]:
        return (self.framework_id, self.total, self.grade, self.execution_rate, self.blocks, self.items, self.unmatched)

    def __repr__(self) -> str:
        return f"Scorecard(framework_id={self.framework_id!r}, total={self.total!r}, grade={self.grade!r})"

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


# The rule kind's name as the line shows it, looked up by member: ``.value`` on an Enum
# member is a Python-level property, too slow to call once per indicator row.
_KIND_NAMES: Final = {kind: kind.value for kind in RuleKind}


def _score_one(index: int, indicator: Indicator, block: Block, slot: Slot) -> ItemScore:
    outcome = score_indicator(indicator, slot.rule)
    return ItemScore(
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
        outcome.direction,
        outcome.pair,
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
        None,  # direction
        None,  # pair
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
