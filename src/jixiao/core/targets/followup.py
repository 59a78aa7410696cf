"""The self-evaluation against the year's approved targets and monitoring (docs/targets.md#followup).

The approved declaration is the source of the evaluation's 年度指标值. An evaluation may change
an approved target only through a recorded :class:`Adjustment` (目标调整) that a reviewer
approved; any other difference is reported. An indicator that was red in a monitoring round and
still gets full marks at the end of the year must be explained.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from jixiao.core.findings import Finding, Severity
from jixiao.core.model import Evaluation
from jixiao.core.scoring import Scorecard
from jixiao.core.targets.codes import TargetCode
from jixiao.core.targets.model import Declaration
from jixiao.core.values import Measure, normalize_text


@dataclass(frozen=True, slots=True)
class Adjustment:
    """目标调整: an approved target changed during the year, with its reason and the reviewer's word."""

    indicator: str  # the indicator's name
    old: str  # the approved target as written
    new: str
    reason: str
    approved: bool = False
    reviewer: str = ""


@dataclass(frozen=True, slots=True)
class RedMark:
    """An indicator that was red in a monitoring round."""

    indicator: str
    round: str  # "2025年1—7月"


def same_target(a: Measure, b: Measure) -> bool:
    """Two targets read the same: equal text, or equal number, unit and relation ("≥95%" = "≥ 95 %")."""
    if normalize_text(a.text).replace(" ", "") == normalize_text(b.text).replace(" ", ""):
        return True
    return a.kind is b.kind and a.value is not None and (a.value, a.unit, a.relation) == (b.value, b.unit, b.relation)


def check_followup(
    evaluation: Evaluation,
    approved: Declaration | None,
    adjustments: Iterable[Adjustment] = (),
    reds: Iterable[RedMark] = (),
    scorecard: Scorecard | None = None,
) -> tuple[Finding, ...]:
    """Findings for the evaluation against the approved targets and the year's red lights."""
    found: list[Finding] = []
    by_name = {i.name.strip(): (p, i) for p, i in enumerate(evaluation.indicators)}
    if approved is not None:
        allowed = {(a.indicator.strip(), normalize_text(a.new).replace(" ", "")) for a in adjustments if a.approved}
        for target in approved.indicators:
            hit = by_name.get(target.name.strip())
            if hit is None:
                found.append(
                    Finding(
                        str(TargetCode.EVAL_TARGET_DROPPED),
                        Severity.P1,
                        f"批复的绩效指标“{target.name}”（{target.target.text}）未出现在自评表中：请补上，或说明取消的依据",
                        "indicators",
                    )
                )
                continue
            position, indicator = hit
            if same_target(indicator.target, target.target):
                continue
            if (target.name.strip(), normalize_text(indicator.target.text).replace(" ", "")) in allowed:
                continue
            found.append(
                Finding(
                    str(TargetCode.EVAL_TARGET_CHANGED),
                    Severity.P0,
                    f"指标“{indicator.name}”的年度指标值“{indicator.target.text}”与批复的“{target.target.text}”不同，"
                    "且没有经审核同意的目标调整：请按批复的指标值填写，或提出目标调整",
                    f"indicators[{position}].target",
                )
            )
    for mark in reds:
        hit = by_name.get(mark.indicator.strip())
        if hit is None:
            continue
        position, indicator = hit
        points = indicator.stated_score
        if points is None and scorecard is not None:
            line = scorecard.for_indicator(position)
            points = line.score if line is not None else None
        weight = indicator.weight
        if points is None or weight is None or weight <= Decimal(0) or points < weight:
            continue
        found.append(
            Finding(
                str(TargetCode.EVAL_RED_FULL_MARKS),
                Severity.P1,
                f"指标“{indicator.name}”在{mark.round}运行监控中为红灯，年底却得满分 {weight} 分："
                "请说明偏差是如何纠正的，并附完成情况的证明材料",
                f"indicators[{position}].stated_score",
            )
        )
    return tuple(sorted(found, key=lambda f: (f.severity != Severity.P0, f.path)))
