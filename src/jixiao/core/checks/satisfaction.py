"""Satisfaction (满意度): a satisfaction figure needs a survey behind it.

docs/field.md#review-satisfaction: a figure with a *stated* absence of a survey blocks (P0),
complaints records are no substitute (P1), a survey should say how many answered and how (P2).
The seed report counted satisfaction as 80% with no survey at all (docs/field.md#seed). A form
that says nothing about the source (a 自评表 has no column for it) is asked for the evidence (P1),
once per evaluation: docs/checks.md#satisfaction-source.
"""

from __future__ import annotations

import re
from typing import Final

from jixiao.core.checks.codes import Code
from jixiao.core.checks.context import Context, IndicatorView, quoted
from jixiao.core.findings import Severity
from jixiao.core.model import SatisfactionSource
from jixiao.core.numbers import HUNDRED, fmt, round_half_up
from jixiao.core.survey import wilson
from jixiao.core.values import MeasureKind

#: Half-width of the 95 % interval (percentage points) above which a survey is called small.
PRECISION_POINTS: Final = 5
#: From this many answers the Wilson half-width is below z ÷ (2√n) ≤ 5 points whatever the share,
#: so the interval need not be computed (n ≥ (1.96 ÷ 0.1)² ≈ 384.1).
_ALWAYS_PRECISE: Final = 385
#: Words by which a unit says, without choosing "none", that its figure was estimated, not surveyed.
_STATED_NONE: Final = re.compile(
    r"(?:未|没有|尚未)[^，。；,;]{0,8}调查|无(?!记名)[^，。；,;]{0,4}调查|估计|估算|推算|假定|假设|综合分析"
)
_COMPLAINTS: Final = re.compile(r"(?:无|没有|未收到|未接到|未发生|零)[^，。；,;]{0,6}(?:投诉|信访|举报)|零投诉")


def _is_satisfaction(view: IndicatorView) -> bool:
    return "满意" in view.l1 or "满意" in view.l2 or "满意度" in view.name


class SatisfactionChecks:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.views: list[IndicatorView] = []

    def indicator(self, view: IndicatorView) -> None:
        if _is_satisfaction(view):
            self.views.append(view)

    def finish(self) -> None:
        ctx = self.ctx
        satisfaction = ctx.evaluation.satisfaction
        scored = [view for view in self.views if not view.indicator.actual.is_blank]
        if satisfaction.source is SatisfactionSource.NONE or (
            satisfaction.source is SatisfactionSource.UNKNOWN and _STATED_NONE.search(satisfaction.method)
        ):
            self._no_survey(scored)
        elif satisfaction.source is SatisfactionSource.UNKNOWN:
            self._unknown(scored)
        elif satisfaction.source is SatisfactionSource.OTHER:
            found = _COMPLAINTS.search(satisfaction.method)
            if found is not None:
                ctx.add(
                    Code.SATISFACTION_COMPLAINTS_AS_EVIDENCE,
                    Severity.P1,
                    f"满意度依据为{quoted(found.group(0))}（{satisfaction.method.strip()}）：没有投诉不等于满意，"
                    "应开展服务对象满意度问卷调查",
                    "satisfaction.method",
                )
        elif satisfaction.source is SatisfactionSource.SURVEY and (
            satisfaction.sample_size is None or not satisfaction.method.strip()  # the usual survey says both
        ):
            gaps = (("样本量", satisfaction.sample_size is None), ("调查方法", not satisfaction.method.strip()))
            missing = [label for label, absent in gaps if absent]
            if missing:
                path = "satisfaction.sample_size" if satisfaction.sample_size is None else "satisfaction.method"
                ctx.add(
                    Code.SATISFACTION_SURVEY_INCOMPLETE,
                    Severity.P2,
                    f"满意度来自问卷调查，但未说明{'和'.join(missing)}（如有效问卷份数、调查对象和抽样方式）",
                    path,
                )
        if satisfaction.source is SatisfactionSource.SURVEY:
            self._precision()
        self._value_agrees(scored)

    def _precision(self) -> None:
        """A survey too small for the rate it claims: the 95 % interval is wider than ±5 points."""
        satisfaction = self.ctx.evaluation.satisfaction
        n, value = satisfaction.sample_size, satisfaction.value
        if not n or n <= 0 or value is None or n >= _ALWAYS_PRECISE:
            return
        successes = int(round_half_up(value / HUNDRED * n, 0))
        interval = wilson(min(max(successes, 0), n), n)
        if interval is None:
            return
        margin = (interval.high - interval.low) / 2
        if margin <= PRECISION_POINTS:
            return
        self.ctx.add(
            Code.SATISFACTION_SAMPLE_SMALL,
            Severity.P2,
            f"满意度 {fmt(value)}% 来自 {n} 份有效问卷，按 95% 置信水平其区间约为 {fmt(interval.low)}%–"
            f"{fmt(interval.high)}%（误差约 ±{fmt(margin, 1)} 个百分点），不足以支持精确到个位的满意度；"
            f"约 385 份问卷可达 ±5 个百分点",
            "satisfaction.sample_size",
        )

    def _no_survey(self, scored: list[IndicatorView]) -> None:
        """A claimed value with a stated absence of a survey: one P0, naming every such indicator."""
        ctx = self.ctx
        satisfaction = ctx.evaluation.satisfaction
        said = satisfaction.method.strip()
        basis = f"单位说明：{said}" if said else "单位说明未开展调查"
        if scored:
            claimed = "、".join(
                f"{quoted(view.indicator.name)}填报实际完成值{quoted(view.indicator.actual.text)}" for view in scored
            )
            path = f"{scored[0].path}.actual"
        elif satisfaction.value is not None:
            claimed, path = f"填报满意度 {fmt(satisfaction.value)}%", "satisfaction.value"
        else:
            return
        ctx.add(
            Code.SATISFACTION_WITHOUT_SURVEY,
            Severity.P0,
            f"满意度无调查依据：{claimed}，但满意度来源为“{SatisfactionSource.NONE.label}”（{basis}）；"
            "应开展服务对象满意度调查，或说明该项不予计分",
            path,
        )

    def _unknown(self, scored: list[IndicatorView]) -> None:
        """A claimed value and nothing said about how it was measured: ask for the evidence, once."""
        satisfaction = self.ctx.evaluation.satisfaction
        if scored:
            claimed = "、".join(
                f"{quoted(view.indicator.name)}填报实际完成值{quoted(view.indicator.actual.text)}" for view in scored
            )
            path = f"{scored[0].path}.actual"
        elif satisfaction.value is not None:
            claimed, path = f"填报满意度 {fmt(satisfaction.value)}%", "satisfaction.value"
        else:
            return
        self.ctx.add(
            Code.SATISFACTION_EVIDENCE_UNKNOWN,
            Severity.P1,
            f"满意度来源未说明：{claimed}，但未说明满意度如何取得；请提供满意度调查依据（调查方式、调查对象、有效问卷份数），"
            "未开展调查的应如实说明",
            path,
        )

    def _value_agrees(self, scored: list[IndicatorView]) -> None:
        """The satisfaction block and the single satisfaction indicator must say the same."""
        value = self.ctx.evaluation.satisfaction.value
        if value is None or len(scored) != 1:
            return
        actual = scored[0].indicator.actual
        if actual.kind is not MeasureKind.NUMBER or actual.value is None or actual.unit not in {"%", ""}:
            return
        if actual.value != value:
            self.ctx.add(
                Code.SATISFACTION_VALUE_MISMATCH,
                Severity.P1,
                f"满意度说明中的满意度为 {fmt(value)}%，{quoted(scored[0].indicator.name)}的实际完成值为"
                f"{quoted(actual.text)}，两处不一致",
                "satisfaction.value",
            )
