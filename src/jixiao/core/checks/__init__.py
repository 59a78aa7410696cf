"""The checker (审核): what a careful reviewer would flag in a self-evaluation.

``check(evaluation, framework)`` is pure: no I/O, no Django. It implements the review rulebook
(docs/field.md#review) as far as structured data allows, in five groups — arithmetic, plausibility,
indicator design, satisfaction and narrative — plus the importer's notes. Every finding has a
stable code (docs/checks.md), a severity (P0 blocks submission, P1 must be explained, P2 is
advice), a Chinese message with the figures involved, and the path of the field it concerns.

All per-indicator checks share one pass over the indicators (see
:func:`jixiao.core.checks.context.indicator_views`) so that checking stays linear.
"""

from __future__ import annotations

from collections.abc import Sequence

from jixiao.core.checks import imports
from jixiao.core.checks.arithmetic import Arithmetic
from jixiao.core.checks.codes import Code
from jixiao.core.checks.context import Context, indicator_views
from jixiao.core.checks.design import Design
from jixiao.core.checks.narrative import NarrativeChecks
from jixiao.core.checks.plausibility import Plausibility
from jixiao.core.checks.satisfaction import SatisfactionChecks
from jixiao.core.findings import Finding, Severity
from jixiao.core.framework import Framework
from jixiao.core.model import Evaluation
from jixiao.core.rectification import PriorItem, repeat_message, repeats
from jixiao.core.scoring import Scorecard, score

__all__ = ["Code", "check"]


def check(
    evaluation: Evaluation,
    framework: Framework,
    scorecard: Scorecard | None = None,
    prior: Sequence[PriorItem] = (),
) -> tuple[Finding, ...]:
    """Findings for ``evaluation`` under ``framework``, P0 first, then by field path.

    ``scorecard`` is computed when not given; pass it when you already have it. ``prior`` are last
    year's rectification items of the unit (docs/results.md#rectification): a measure repeated
    from an item not yet closed is reported.
    """
    card = scorecard if scorecard is not None else score(evaluation, framework)
    ctx = Context(evaluation, framework, card)
    arithmetic, plausibility, design = Arithmetic(ctx), Plausibility(ctx), Design(ctx)
    satisfaction, narrative = SatisfactionChecks(ctx), NarrativeChecks(ctx)
    for view in indicator_views(ctx):
        arithmetic.indicator(view)
        plausibility.indicator(view)
        design.indicator(view)
        satisfaction.indicator(view)
        narrative.indicator(view)
    arithmetic.finish()
    plausibility.finish()
    design.finish()
    satisfaction.finish()
    narrative.finish()
    imports.run(ctx)
    for index, item in repeats(evaluation, prior):
        ctx.add(Code.MEASURE_REPEATED_OPEN, Severity.P1, repeat_message(item), f"narrative.measures[{index}]")
    return ctx.result()
