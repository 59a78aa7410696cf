"""Rectification (整改): problems that are followed up until the bureau closes them.

Every problem — from a self-evaluation's problems section, a finding the reviewer promotes, a
monitoring decision, a department's or the bureau's own evaluation — can become an item with a
measure, an owner and a deadline. Its states and who moves it are in docs/results.md#rectification:

    下发 → 整改中 → 已反馈 → 审核通过 → 已销号
                        └→ 退回 → 整改中 / 已反馈

An item is closed (销号) only with the evidence its rule requires; an open item past its deadline is
overdue. Next year, a measure the unit copies word for word from last year while that item is not
closed is a P1 finding (:func:`repeated_measures`). Pure: no I/O, no Django.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from jixiao.core.findings import Finding, Severity
from jixiao.core.labels import Labelled
from jixiao.core.model import Evaluation

#: finding code for a measure repeated from last year while its item is open (docs/checks.md)
MEASURE_REPEATED_OPEN: Final = "MEASURE_REPEATED_OPEN"


class ItemState(Labelled):
    ISSUED = "issued", "下发"
    IN_PROGRESS = "in_progress", "整改中"
    FED_BACK = "fed_back", "已反馈"
    APPROVED = "approved", "审核通过"
    RETURNED = "returned", "退回"
    CLOSED = "closed", "已销号"


class Source(Labelled):
    """Where a problem came from."""

    SELF_EVALUATION = "self_evaluation", "单位自评"
    REVIEW_FINDING = "review_finding", "财政审核意见"
    MONITORING = "monitoring", "绩效运行监控"
    DEPARTMENT = "department", "部门评价"
    BUREAU = "bureau", "财政评价"
    THIRD_PARTY = "third_party", "第三方评价"


class Action(Labelled):
    START = "start", "开始整改"
    FEED_BACK = "feed_back", "反馈整改情况"
    APPROVE = "approve", "审核通过"
    RETURN = "return", "退回"
    CLOSE = "close", "销号"


class Actor(Labelled):
    UNIT = "unit", "被评价单位"
    BUREAU = "bureau", "财政局"


@dataclass(frozen=True, slots=True)
class Move:
    source: frozenset[ItemState]
    target: ItemState
    actor: Actor


MOVES: Final[dict[Action, Move]] = {
    Action.START: Move(frozenset({ItemState.ISSUED, ItemState.RETURNED}), ItemState.IN_PROGRESS, Actor.UNIT),
    Action.FEED_BACK: Move(
        frozenset({ItemState.ISSUED, ItemState.IN_PROGRESS, ItemState.RETURNED}), ItemState.FED_BACK, Actor.UNIT
    ),
    Action.APPROVE: Move(frozenset({ItemState.FED_BACK}), ItemState.APPROVED, Actor.BUREAU),
    Action.RETURN: Move(frozenset({ItemState.FED_BACK}), ItemState.RETURNED, Actor.BUREAU),
    Action.CLOSE: Move(frozenset({ItemState.APPROVED}), ItemState.CLOSED, Actor.BUREAU),
}

#: states in which the unit still owes work; past the deadline these are overdue
OWED: Final = frozenset({ItemState.ISSUED, ItemState.IN_PROGRESS, ItemState.RETURNED})


class RectificationError(ValueError):
    """A move the rules refuse; the message (Chinese) says why."""


@dataclass(frozen=True, slots=True)
class EvidenceRule:
    """What closing an item requires (a bureau sets this per source, docs/results.md#rectification)."""

    files: int = 1  # evidence files at least
    feedback: bool = True  # a written account of what was done


#: By default every item needs one file and a written account; a monitoring decision may need none.
DEFAULT_EVIDENCE: Final[dict[Source, EvidenceRule]] = {source: EvidenceRule() for source in Source}


def move(
    state: ItemState,
    action: Action,
    actor: Actor,
    *,
    note: str = "",
    files: int = 0,
    feedback: str = "",
    rule: EvidenceRule = EvidenceRule(),
) -> ItemState:
    """The state after ``action``, or :class:`RectificationError` saying why not.

    A return needs a note; feeding back and closing need the evidence ``rule`` asks for
    (``files`` attached, a written ``feedback``).
    """
    step = MOVES[action]
    if actor is not step.actor:
        msg = f"“{action.label}”只能由{step.actor.label}操作"
        raise RectificationError(msg)
    if state not in step.source:
        msg = f"整改事项处于“{state.label}”状态，不能{action.label}"
        raise RectificationError(msg)
    if action is Action.RETURN and not note.strip():
        msg = "退回须填写意见"
        raise RectificationError(msg)
    if action in {Action.FEED_BACK, Action.CLOSE}:
        missing = []
        if rule.feedback and not feedback.strip():
            missing.append("整改情况说明")
        if files < rule.files:
            missing.append(f"佐证材料（至少 {rule.files} 份，现有 {files} 份）")
        if missing:
            msg = f"不能{action.label}：缺少{'、'.join(missing)}"
            raise RectificationError(msg)
    return step.target


def overdue(state: ItemState, deadline: date | None, today: date) -> bool:
    """An item the unit still owes (下发、整改中、退回) whose deadline has passed."""
    return deadline is not None and state in OWED and today > deadline


@dataclass(frozen=True, slots=True)
class PriorItem:
    """Last year's item as next year's evaluation sees it."""

    problem: str
    measure: str
    state: ItemState
    deadline: date | None = None

    @property
    def closed(self) -> bool:
        return self.state is ItemState.CLOSED


# Numbering and punctuation around a measure do not make it new: "1. 加强…。" equals "（一）加强…".
_LEAD: Final = re.compile(r"^\s*(?:[（(]?[一二三四五六七八九十\d]+[)）、.．]|[一二三四五六七八九十]是|\d+[、.．])\s*")
_SPACE: Final = re.compile(r"[\s\u3000]+")
_TRAIL: Final = "。；;.，,！! "


def same_words(text: str) -> str:
    """A measure reduced to its words: leading number, spaces and closing punctuation removed."""
    return _SPACE.sub("", _LEAD.sub("", text)).strip(_TRAIL)


def repeats(evaluation: Evaluation, prior: Sequence[PriorItem]) -> tuple[tuple[int, PriorItem], ...]:
    """(index of the measure, last year's open item) for each measure repeated word for word."""
    open_items: dict[str, PriorItem] = {}
    for item in prior:
        words = same_words(item.measure)
        if words and not item.closed:
            open_items.setdefault(words, item)
    if not open_items:
        return ()
    found = []
    for index, measure in enumerate(evaluation.narrative.measures):
        match = open_items.get(same_words(measure))
        if match is not None:
            found.append((index, match))
    return tuple(found)


def repeat_message(item: PriorItem) -> str:
    return (
        f"改进措施与上年整改事项的措施逐字相同，而该事项尚未销号（状态“{item.state.label}”，问题：{item.problem}）："
        "说明上年措施落实得怎样，或提出新的措施"
    )


def repeated_measures(evaluation: Evaluation, prior: Sequence[PriorItem]) -> tuple[Finding, ...]:
    """P1 for each measure that repeats, word for word, a measure of last year's open item."""
    return tuple(
        Finding(MEASURE_REPEATED_OPEN, Severity.P1, repeat_message(item), f"narrative.measures[{index}]")
        for index, item in repeats(evaluation, prior)
    )


def follow_up(prior: Sequence[PriorItem]) -> tuple[str, ...]:
    """What became of last year's items, as the report's problems section states it
    (docs/results.md#rectification): a count by state, then one line per item."""
    if not prior:
        return ()
    counts = {state: sum(1 for item in prior if item.state is state) for state in ItemState}
    parts = "，".join(f"{state.label} {n} 项" for state, n in counts.items() if n)
    lines = [f"上年度整改事项共 {len(prior)} 项：{parts}。"]
    for n, item in enumerate(prior, start=1):
        problem, measure = item.problem.strip().rstrip("。；;"), item.measure.strip().rstrip("。；;")
        lines.append(f"{n}.上年问题：{problem}；整改措施：{measure}；落实情况：{item.state.label}。")
    return tuple(lines)
