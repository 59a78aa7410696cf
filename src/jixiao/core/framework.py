"""Scoring frameworks (评分标准) as data.

A finance bureau's standard is a :class:`Framework`: blocks (一级指标) with weights, each
holding fixed *items* the bureau defines (预算执行率, 预算调整率 …) and/or *slots* that the
unit fills with its own indicators (产出/效益/满意度). Each item or slot names a rule kind
(:class:`RuleKind`); the kinds are code in :mod:`jixiao.core.rules`, their parameters are
data. Frameworks are read from YAML by :mod:`jixiao.ingest.framework_file`, which checks
everything here before any scoring starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Literal

from jixiao.core.labels import Labelled
from jixiao.core.model import EvaluationKind

#: How a framework may be recognised from a table's headings (docs/frameworks.md#recognition):
#: ``always`` from its 一级指标 names; ``by_weights`` only when the printed block weights agree
#: too (its names alone fit other schemes as well); ``never``: only when named
#: (--framework or the file's ``framework``).
Recognise = Literal["always", "by_weights", "never"]

#: ``fixed``: the block weights are the framework's; ``printed``: the scheme fixes the 一级指标,
#: not their weights, and a table's printed block weights are used (the framework's are the
#: default when a table prints none).
BlockWeights = Literal["fixed", "printed"]


class RuleKind(Labelled):
    EXECUTION_RATE = "execution_rate", "预算执行率（执行率 × 分值，封顶）"
    BY_DIRECTION = "by_direction", "按指标性质（正向/反向/等于/定性）"
    POSITIVE = "positive", "正向 ≥"
    NEGATIVE = "negative", "反向 ≤（2 倍目标值归零）"
    EQUAL = "equal", "等于 ="
    QUALITATIVE = "qualitative", "定性三档"
    STEP_BANDS = "step_bands", "分档计分"
    PER_UNIT_DEDUCTION = "per_unit_deduction", "按单位扣分"  # each unit over (or under) a threshold costs points
    MANUAL = "manual", "人工评分（须说明理由）"  # the evaluator's score, with a written reason


@dataclass(frozen=True)
class StepBand:
    """One band: applies when the value is ≤ ``max`` (or ≥ ``min``); neither = otherwise."""

    score: Decimal
    max: Decimal | None = None
    min: Decimal | None = None

    def matches(self, value: Decimal) -> bool:
        if self.max is not None:
            return value <= self.max
        if self.min is not None:
            return value >= self.min
        return True


@dataclass(frozen=True)
class Rule:
    """A rule kind with its parameters; which ones apply depends on the kind."""

    kind: RuleKind
    metric: str | None = None  # for fixed items: which figure the rule reads
    target: Decimal | None = None  # positive/negative/equal on a metric
    bands: tuple[StepBand, ...] = ()  # step_bands, tried in order
    absolute: bool = False  # step_bands: use |value| (a budget cut counts like a rise)
    threshold: Decimal | None = None  # per_unit_deduction: full marks up to here
    per: Decimal | None = None  # per_unit_deduction: size of one unit beyond threshold
    deduct: Decimal | None = None  # per_unit_deduction: points per unit
    below: bool = False  # per_unit_deduction: deduct for falling *below* the threshold


@dataclass(frozen=True)
class Item:
    """A criterion the framework itself defines, scored from the evaluation's figures."""

    id: str
    name: str
    weight: Decimal
    rule: Rule
    l2: str = ""
    guidance: str = ""  # 评分标准 as printed in the bureau's table


@dataclass(frozen=True)
class Slot:
    """A place for the unit's own indicators, matched by their 一级指标 name."""

    id: str
    name: str
    weight: Decimal
    match: tuple[str, ...]  # 一级指标 names (and variants) that land here
    l2: tuple[str, ...] = ()  # 二级指标 classes allowed here; empty = any
    rule: Rule = Rule(kind=RuleKind.BY_DIRECTION)
    required_l2: tuple[str, ...] = ()  # classes a good design includes (成本, 时效)


@dataclass(frozen=True)
class Block:
    id: str
    name: str
    weight: Decimal
    items: tuple[Item, ...] = ()
    slots: tuple[Slot, ...] = ()


@dataclass(frozen=True)
class GradeBand:
    grade: str
    min: Decimal


@dataclass(frozen=True)
class MetricSpec:
    """A figure the unit supplies because it cannot be derived (三公经费控制率 …)."""

    name: str
    label: str
    unit: str = "%"


@dataclass(frozen=True)
class ScoreCap:
    """A published cap: with an execution rate below ``below`` (percent), the total may not exceed ``max``."""

    below: Decimal
    max: Decimal


@dataclass(frozen=True)
class Framework:
    id: str
    title: str
    source: str  # legal reference (文号) or the published table it restates
    applies_to: tuple[EvaluationKind, ...]
    total: Decimal
    grades: tuple[GradeBand, ...]  # highest first
    blocks: tuple[Block, ...]
    version: str = "1"
    region: str = ""
    notes: str = ""
    metrics: tuple[MetricSpec, ...] = ()
    #: P1 plausibility check: flag when execution is below this rate (percent)
    low_execution_rate: Decimal = Decimal(80)
    recognise: Recognise = "always"
    block_weights: BlockWeights = "fixed"
    #: self-score caps by execution rate that a bureau publishes (docs/frameworks.md#caps)
    caps: tuple[ScoreCap, ...] = ()
    #: an actual value this many percent or more above its target counts as 偏离 (None: no rule)
    over_target_deviation: Decimal | None = None
    #: built from the table itself ("按自评表所列分值"): no shipped framework fitted
    as_printed: bool = False

    def grade_for(self, total: Decimal) -> str:
        for band in self.grades:
            if total >= band.min:
                return band.grade
        return self.grades[-1].grade

    def cap_for(self, execution_rate: Decimal | None) -> ScoreCap | None:
        """The strictest published cap that applies at this execution rate (percent), if any."""
        if execution_rate is None:
            return None
        found = [cap for cap in self.caps if execution_rate < cap.below]
        return min(found, key=lambda cap: cap.max) if found else None

    def band_for(self, grade: str) -> tuple[Decimal, Decimal | None] | None:
        """The [min, next min) interval of ``grade``; ``None`` if the grade is unknown."""
        upper: Decimal | None = None
        for band in self.grades:
            if band.grade == grade:
                return band.min, upper
            upper = band.min
        return None

    # Tables derived once per framework object: scoring and checking a city's batch reads
    # them for every evaluation (cached_property writes the instance __dict__, which a frozen
    # dataclass allows; the fields, equality and hashing are untouched).

    @cached_property
    def slots(self) -> tuple[tuple[Block, Slot], ...]:
        return tuple((block, slot) for block in self.blocks for slot in block.slots)

    @cached_property
    def slot_list(self) -> tuple[Slot, ...]:
        """Every slot, in the order of the blocks."""
        return tuple(slot for _, slot in self.slots)

    @cached_property
    def slot_by_id(self) -> dict[str, Slot]:
        return {slot.id: slot for slot in self.slot_list}

    @cached_property
    def block_items(self) -> tuple[tuple[Block, Item], ...]:
        """Every item the framework defines itself, with its block, in order."""
        return tuple((block, item) for block in self.blocks for item in block.items)

    @cached_property
    def execution_item(self) -> Item | None:
        """The first item scored by the execution rate (预算执行率), if any."""
        return next((item for _, item in self.block_items if item.rule.kind is RuleKind.EXECUTION_RATE), None)

    @cached_property
    def metric_labels(self) -> dict[str, str]:
        """The labels of the metrics the unit supplies, by name."""
        return {spec.name: spec.label for spec in self.metrics}

    @cached_property
    def slot_index(self) -> dict[str, tuple[Block, Slot]]:
        """Slots by 一级指标 name as normalised, and by every raw spelling :meth:`slot_for` met."""
        return {normalize_l1(name): (block, slot) for block, slot in self.slots for name in slot.match}

    def slot_for(self, l1: str) -> tuple[Block, Slot] | None:
        """The slot that takes indicators of this 一级指标 name, if any."""
        index = self.slot_index
        found = index.get(l1)
        if found is None:
            found = index.get(normalize_l1(l1))
            if found is not None:
                index[l1] = found  # remember the raw spelling too
        return found


#: A weight printed after a heading without brackets: "项目决策 2分", "产出指标20分".
_TRAILING_WEIGHT = re.compile(r"\s*\d+(?:\.\d+)?\s*分\s*$")
#: A weight inside a heading: "（50分）", "(特性指标70分)", "（10）", "（权重20%）".
_BRACKET_WEIGHT = re.compile(r"[（(][^（）()]*?(\d+(?:\.\d+)?)\s*(?:分|%|％)?\s*[）)]")
_PLAIN_WEIGHT = re.compile(r"(\d+(?:\.\d+)?)\s*分\s*$")


def normalize_l1(name: str) -> str:
    """ "产出指标" and "产出" and " 产出指标（50分）" and "产出指标 50分" name the same 一级指标."""
    text = name.strip()
    for cut in ("（", "("):
        if cut in text:
            text = text.split(cut, 1)[0]
    text = _TRAILING_WEIGHT.sub("", text)
    text = text.strip().replace(" ", "").replace("\u3000", "")
    if text.endswith("指标") and len(text) > 2:
        text = text[:-2]
    return text


def heading_name(heading: str) -> str:
    """The heading without the weight printed in it, for display: "产出指标（40分）" → "产出指标",
    "项目绩效(特性指标70分)" → "项目绩效", "项目决策2分" → "项目决策"; "产出指标（履职完成情况）" stays."""
    text = _BRACKET_WEIGHT.sub("", heading.strip())
    text = _TRAILING_WEIGHT.sub("", text).strip()
    return text or heading.strip()


def printed_weight(heading: str) -> Decimal | None:
    """The block weight printed in a heading: "产出指标（50分）" → 50, "项目决策 2分" → 2, else ``None``."""
    text = heading.strip()
    found = _BRACKET_WEIGHT.search(text) or _PLAIN_WEIGHT.search(text)
    if found is None:
        return None
    value = Decimal(found.group(1))
    return value if value > 0 else None
