"""What every check reads: the evaluation, its framework and scorecard, one view per indicator.

The checker runs on very large batches (hundreds of thousands of indicator rows), so the
facts each rule needs about an indicator — its score line, its slot, whether the target was
met — are worked out once here, in :func:`indicator_views`, and shared by all checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from jixiao.core.checks.codes import Code
from jixiao.core.compare import comparable, direction_of
from jixiao.core.findings import Finding, Severity
from jixiao.core.framework import Framework, Item, RuleKind, Slot
from jixiao.core.model import Evaluation, Indicator
from jixiao.core.numbers import fmt
from jixiao.core.rules import direction_for
from jixiao.core.scoring import ItemScore, Scorecard
from jixiao.core.values import Direction, Measure, MeasureKind
from jixiao.core.why import Later, Why

# What people write in 偏差原因分析 when they give no reason at all.
_EMPTY_NOTES: Final = frozenset({"", "无", "暂无", "没有", "/", "-", "—", "——", "无偏差", "无。", "暂无。"})
_DIGITS: Final = re.compile(r"(\d+)")


@dataclass(frozen=True, slots=True)
class IndicatorView:
    """One indicator with the facts the checks share, worked out once."""

    position: int  # index in Evaluation.indicators
    indicator: Indicator
    line: ItemScore | None  # its scorecard line; None when no slot took it
    slot: Slot | None
    direction: Direction | None  # None: scored by hand (manual rule)
    pair: tuple[Decimal, Decimal] | None  # target and actual as numbers in one unit
    met: bool | None  # target met? None when it cannot be told from the figures
    points: Decimal | None  # the stated score, else the computed one when the rule applied cleanly
    lost: Decimal | None  # weight − points when points were lost (None: none lost, or unknown)
    has_note: bool  # a real 偏差原因分析 (not blank, not "无")
    deducted_although_met: bool  # stated score below the weight although the figures meet the target
    full_marks_although_unmet: bool  # stated full marks, target missed

    @property
    def path(self) -> str:
        return f"indicators[{self.position}]"

    @property
    def name(self) -> str:
        return self.indicator.name

    @property
    def l1(self) -> str:
        return self.indicator.l1

    @property
    def l2(self) -> str:
        return self.indicator.l2

    @property
    def weight(self) -> Decimal | None:
        return self.indicator.weight

    @property
    def stated_score(self) -> Decimal | None:
        return self.indicator.stated_score

    @property
    def note(self) -> str:
        return self.indicator.deviation_note

    @property
    def justification(self) -> str:
        return self.indicator.justification

    @property
    def target(self) -> Measure:
        return self.indicator.target


class Context:
    """The inputs of one check run and the findings it collects."""

    def __init__(self, evaluation: Evaluation, framework: Framework, card: Scorecard) -> None:
        self.evaluation = evaluation
        self.framework = framework
        self.card = card
        self.unit = evaluation.budget.unit.value
        self.findings: list[Finding] = []
        self._keys: list[tuple[Severity, tuple[str | int, ...]]] = []  # sort key of each finding
        self._sources: dict[str, str] | None = None
        self._has_sources = bool(evaluation.sources)
        self.execution_item: Item | None = framework.execution_item
        self.execution_line: ItemScore | None = None
        self.slots: tuple[Slot, ...] = framework.slot_list
        self.lines: dict[int, ItemScore] = {}  # indicator index → its score line
        self.item_lines: list[ItemScore] = []  # the framework's own items
        wanted = f"items.{self.execution_item.id}" if self.execution_item is not None else None
        lines = self.lines
        for line in card.items:
            at = line.indicator_index
            if at is not None:
                lines[at] = line
            else:
                self.item_lines.append(line)
                if line.path == wanted:
                    self.execution_line = line

    # --- output ---------------------------------------------------------------------

    def add(self, code: Code, severity: Severity, message: str | Why | Later, path: str) -> None:
        """Report a finding; ``message`` may be left to render when read (:class:`Finding`)."""
        source = self.source_of(path) if self._has_sources else ""
        self.findings.append(Finding(code=code.value, severity=severity, text=message, path=path, source=source))
        self._keys.append((severity, _path_key(path)))

    def add_at(
        self, code: Code, severity: Severity, message: str | Why | Later, view: IndicatorView, field: str
    ) -> None:
        """Report a finding on a field of an indicator (``indicators[3].target``)."""
        position = view.position
        path = f"indicators[{position}].{field}"
        source = self.source_of(path) if self._has_sources else ""
        self.findings.append(Finding(code=code.value, severity=severity, text=message, path=path, source=source))
        # The key _path_key would give, without splitting the path again (field names hold no digits).
        self._keys.append((severity, ("indicators[", position, f"].{field}")))

    def source_of(self, path: str) -> str:
        """Where the figure at ``path`` came from: the path itself, else its nearest parent."""
        if self._sources is None:
            self._sources = dict(self.evaluation.sources)
        sources = self._sources
        if not sources:
            return ""
        key = path
        while key:
            found = sources.get(key)
            if found is not None:
                return found
            key = key[: max(key.rfind("."), key.rfind("["), 0)]
        return ""

    def result(self) -> tuple[Finding, ...]:
        """The findings, P0 first, then by path; equal keys keep the order they were found in."""
        # Severity is a StrEnum, so "P0" < "P1" < "P2" compares as plain (fast) strings.
        keys = self._keys
        findings = self.findings
        if len(findings) < 2:
            return tuple(findings)
        order = sorted(range(len(keys)), key=keys.__getitem__)
        return tuple([findings[i] for i in order])

    # --- figures as people read them -------------------------------------------------

    def money(self, value: Decimal | None) -> str:
        """An amount with its unit: "1496.62 万元"."""
        return money(value, self.unit)


def _path_key(path: str) -> tuple[str | int, ...]:
    """Paths compare with their indexes as numbers: "indicators[9]" before "indicators[10]"."""
    if "[" not in path:
        return (path,)
    parts = _DIGITS.split(path)
    return tuple(int(part) if i % 2 else part for i, part in enumerate(parts))


def money(value: Decimal | None, unit: str) -> str:
    """An amount with its unit: "1496.62 万元"."""
    return f"{fmt(value)} {unit}"


def percent(value: Decimal) -> str:
    """A percentage to 0.01 (四舍五入): "21.75%"."""
    return f"{fmt(value, 2)}%"


def quoted(text: str) -> str:
    return f"“{text}”"


def indicator_views(ctx: Context) -> list[IndicatorView]:
    """Every indicator with its score line, slot, direction and whether its target was met."""
    views: list[IndicatorView] = []
    slots = ctx.framework.slot_by_id
    for index, indicator in enumerate(ctx.evaluation.indicators):
        line = ctx.lines.get(index)
        slot = slots.get(line.slot_id) if line is not None and line.slot_id is not None else None
        direction: Direction | None
        if line is not None and line.direction is not None:  # scoring compared the figures: reuse them
            direction, pair = line.direction, line.pair
        else:
            direction, pair = _compare(indicator, slot)
        met = None
        if pair is not None and direction is not None:
            met = _met(direction, pair, indicator.target.kind is MeasureKind.DATE)
        weight, stated = indicator.weight, indicator.stated_score
        points = stated
        if points is None and line is not None and not line.flags:
            points = line.score
        lost = weight - points if weight is not None and points is not None and points < weight else None
        note = indicator.deviation_note
        deducted = full = False
        if met is not None and stated is not None and weight is not None:
            deducted = met and stated < weight
            full = not met and stated >= weight
        views.append(
            IndicatorView(
                position=index,
                indicator=indicator,
                line=line,
                slot=slot,
                direction=direction,
                pair=pair,
                met=met,
                points=points,
                lost=lost,
                has_note=bool(note) and note.strip() not in _EMPTY_NOTES,
                deducted_although_met=deducted,
                full_marks_although_unmet=full,
            )
        )
    return views


def _compare(indicator: Indicator, slot: Slot | None) -> tuple[Direction | None, tuple[Decimal, Decimal] | None]:
    """How the indicator is compared and its figures, for the lines scoring did not compare."""
    if indicator.rule is not None:
        kind = RuleKind(indicator.rule)
    else:
        kind = slot.rule.kind if slot is not None else RuleKind.BY_DIRECTION
    if kind is RuleKind.BY_DIRECTION:
        direction: Direction | None = direction_of(indicator.direction, indicator.target)
    else:
        direction = None if kind is RuleKind.MANUAL else direction_for(kind, indicator)
    if direction is None or direction is Direction.QUALITATIVE:
        return direction, None
    return direction, comparable(indicator.target, indicator.actual)


def _met(direction: Direction, pair: tuple[Decimal, Decimal], deadline: bool) -> bool:
    target, actual = pair
    if deadline or direction is Direction.LE:
        return actual <= target
    if direction is Direction.EQ and target == 0:
        return actual <= 0
    return actual >= target
