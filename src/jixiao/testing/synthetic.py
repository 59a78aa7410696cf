"""Synthetic but realistic evaluations for the benchmarks, built in memory from a seeded random.

Budgets are log-uniform between 50 and 5 000 万元 with execution between 60% and 108%;
indicators mix 正向 (≥), 反向 (≤, cost), 等于 (=), 定性 and deadline targets written the
way tables write them ("≥95%", "≤120万元", "2021年12月"). The stated figures (half the
indicator scores, execution rate to 0.1%, total, grade) are what jixiao computes, except
that about one in ten is deliberately wrong, so the checker has real work. Values go through
:func:`jixiao.core.values.parse_measure`, as a loader would.
"""

from __future__ import annotations

import random
from dataclasses import replace
from decimal import Decimal

from jixiao.core.framework import Framework
from jixiao.core.model import (
    Budget,
    BudgetLine,
    Evaluation,
    EvaluationKind,
    Indicator,
    Narrative,
    Problem,
    ProjectInfo,
    Satisfaction,
    SatisfactionSource,
    Stated,
    Tier,
    UnitProfile,
)
from jixiao.core.numbers import round_half_up
from jixiao.core.scoring import score
from jixiao.core.values import Direction, parse_measure
from jixiao.ingest.framework_file import builtin_frameworks

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
TIERS = (Tier.ACHIEVED, Tier.ACHIEVED, Tier.ACHIEVED, Tier.PARTIAL, Tier.NOT_ACHIEVED)
#: The sources a synthetic unit states (never "unknown": a synthetic file always says which).
_SOURCES = (SatisfactionSource.SURVEY, SatisfactionSource.NONE, SatisfactionSource.OTHER)


def money(rng: random.Random, low: int, high: int) -> Decimal:
    """An amount in 万元 with two decimals, log-uniform between ``low`` and ``high``."""
    value = Decimal(str(round(low * (high / low) ** rng.random(), 2)))
    return value.quantize(CENT)


def share(rng: random.Random, low: float, high: float) -> Decimal:
    """A ratio between ``low`` and ``high`` with four decimals."""
    return Decimal(str(round(rng.uniform(low, high), 4)))


def _achieved(rng: random.Random) -> Decimal:
    # Seven in ten indicators meet their target (some overshoot it), the rest fall short.
    return share(rng, 1.0, 1.3) if rng.random() < 0.7 else share(rng, 0.5, 0.99)


def quantitative(rng: random.Random, l1: str, l2: str, name: str, weight: Decimal, unit: str) -> Indicator:
    target = rng.randint(20, 50000)
    ratio = _achieved(rng)
    actual = (Decimal(target) * ratio).quantize(Decimal(1))
    return Indicator(
        l1=l1,
        l2=l2,
        name=name,
        unit=unit,
        target=parse_measure(f"≥{target}{unit}"),
        actual=parse_measure(f"{actual}{unit}"),
        weight=weight,
        deviation_note="" if ratio >= 1 or rng.random() < 0.3 else "受疫情影响部分工作延后，下年度加快推进",
    )


def percentage(rng: random.Random, l1: str, l2: str, name: str, weight: Decimal, equal: bool) -> Indicator:
    target = Decimal(100) if equal else Decimal(rng.choice((85, 90, 95, 98)))
    actual = min(HUNDRED, (target * _achieved(rng)).quantize(Decimal("0.1")))
    sign = "=" if equal else "≥"
    return Indicator(
        l1=l1,
        l2=l2,
        name=name,
        unit="%",
        target=parse_measure(f"{sign}{target}%"),
        actual=parse_measure(f"{actual}%"),
        weight=weight,
        deviation_note="" if actual >= target else "部分任务未按期完成",
    )


def cost(rng: random.Random, l1: str, name: str, weight: Decimal) -> Indicator:
    target = money(rng, 5, 800)
    actual = (target * share(rng, 0.8, 1.5)).quantize(CENT)
    return Indicator(
        l1=l1,
        l2="成本指标",
        name=name,
        unit="万元",
        target=parse_measure(f"≤{target}万元"),
        actual=parse_measure(f"{actual}万元"),
        weight=weight,
        direction=Direction.LE if rng.random() < 0.5 else None,
    )


def deadline(rng: random.Random, l1: str, name: str, weight: Decimal, year: int) -> Indicator:
    late = rng.random() < 0.2
    actual = f"{year + 1}年2月" if late else f"{year}年{rng.randint(6, 12)}月"
    return Indicator(
        l1=l1,
        l2="时效指标",
        name=name,
        target=parse_measure(f"{year}年12月"),
        actual=parse_measure(actual),
        weight=weight,
    )


def qualitative(rng: random.Random, l1: str, l2: str, name: str, weight: Decimal) -> Indicator:
    tier = rng.choice(TIERS)
    low, high = {Tier.ACHIEVED: (80, 100), Tier.PARTIAL: (60, 79), Tier.NOT_ACHIEVED: (20, 59)}[tier]
    judged = (weight * rng.randint(low, high) / HUNDRED).quantize(CENT)
    return Indicator(
        l1=l1,
        l2=l2,
        name=name,
        direction=Direction.QUALITATIVE,
        target=parse_measure("明显提升"),
        actual=parse_measure("有效提升" if tier is Tier.ACHIEVED else "有所提升"),
        weight=weight,
        tier=tier,
        judged_score=judged,
    )


def satisfaction_indicator(rng: random.Random, weight: Decimal, value: Decimal) -> Indicator:
    return Indicator(
        l1="满意度指标",
        l2="服务对象满意度指标",
        name="服务对象满意度",
        unit="%",
        target=parse_measure("≥90%"),
        actual=parse_measure(f"{value}%"),
        weight=weight,
    )


_OUTPUT = (
    lambda rng, w, year: quantitative(rng, "产出指标", "数量指标", "完成培训人次", w, "人次"),
    lambda rng, w, year: quantitative(rng, "产出指标", "数量指标", "检查覆盖户数", w, "户"),
    lambda rng, w, year: percentage(rng, "产出指标", "质量指标", "项目验收合格率", w, equal=True),
    lambda rng, w, year: percentage(rng, "产出指标", "质量指标", "资料归档完整率", w, equal=False),
    lambda rng, w, year: deadline(rng, "产出指标", "项目完成时间", w, year),
    lambda rng, w, year: cost(rng, "产出指标", "项目总成本", w),
)
_EFFECT = (
    lambda rng, w, year: quantitative(rng, "效益指标", "社会效益指标", "受益群众人数", w, "人"),
    lambda rng, w, year: qualitative(rng, "效益指标", "可持续影响指标", "长效管理机制建设", w),
    lambda rng, w, year: percentage(rng, "效益指标", "经济效益指标", "资金使用合规率", w, equal=True),
)


def indicators(
    rng: random.Random, year: int, output: list[int], effect: list[int], satisfaction: list[int]
) -> list[Indicator]:
    """Indicators with the given weights, cycling through the kinds of each 一级指标."""
    made = [_OUTPUT[i % len(_OUTPUT)](rng, Decimal(w), year) for i, w in enumerate(output)]
    made += [_EFFECT[i % len(_EFFECT)](rng, Decimal(w), year) for i, w in enumerate(effect)]
    value = Decimal(rng.randint(78, 99))
    made += [satisfaction_indicator(rng, Decimal(w), value) for w in satisfaction]
    return made


#: The usual ten: six 产出 (50 分), three 效益 (30 分), one 满意度 (10 分).
TEN = ([10, 8, 8, 8, 8, 8], [10, 10, 10], [10])
#: Fifty: 25 产出 × 2 分, 15 效益 × 2 分, 10 满意度 × 1 分.
FIFTY = ([2] * 25, [2] * 15, [1] * 10)


def budget(rng: random.Random, department: bool) -> Budget:
    adjusted = money(rng, 50, 5000)
    initial = (adjusted * share(rng, 0.7, 1.0)).quantize(CENT)
    executed = (adjusted * share(rng, 0.6, 1.08)).quantize(CENT)
    carryover = max(Decimal(0), adjusted - executed) if rng.random() < 0.9 else Decimal(0)
    by_nature: tuple[BudgetLine, ...] = ()
    if department:
        basic = (adjusted * share(rng, 0.1, 0.3)).quantize(CENT)
        basic_spent = (executed * basic / adjusted).quantize(CENT)
        by_nature = (
            BudgetLine("基本支出", adjusted=basic, executed=basic_spent),
            BudgetLine("项目支出", adjusted=adjusted - basic, executed=executed - basic_spent),
        )
    return Budget(
        initial=initial,
        adjusted=adjusted,
        executed=executed,
        carryover=carryover,
        by_nature=by_nature,
        by_source=(BudgetLine("一般公共预算财政拨款", adjusted=adjusted, executed=executed),),
    )


def evaluation(
    rng: random.Random, unit: str, year: int, project: int | None, weights: tuple[list[int], ...] = TEN
) -> Evaluation:
    """One evaluation: a department's (``project`` is None) or one of its projects'."""
    department = project is None
    money_ = budget(rng, department)
    made = indicators(rng, year, *weights)
    value = made[-1].actual.value
    source = rng.choices(_SOURCES, weights=(8, 1, 1))[0]
    subject = Evaluation(
        kind=EvaluationKind.DEPARTMENT if department else EvaluationKind.PROJECT,
        year=year,
        unit=UnitProfile(name=unit, superior="某市人民政府"),
        framework="dept-generic-2020" if department else "mof-2020-project",
        project=None if department else ProjectInfo(name=f"{unit}专项{project}", implementing_unit=unit),
        budget=money_,
        indicators=tuple(made),
        satisfaction=Satisfaction(
            value=value,
            source=source,
            sample_size=rng.randint(100, 800) if source is SatisfactionSource.SURVEY else None,
            method="问卷调查" if source is SatisfactionSource.SURVEY else "",
        ),
        narrative=Narrative(
            management="按要求开展了绩效目标编报、运行监控和自评。",
            problems=(Problem("部分项目进度滞后", "前期论证不充分"),),
            measures=("加强项目前期论证和进度管理",),
        ),
    )
    return with_stated(rng, subject, builtin_frameworks()[subject.framework or ""])


def with_stated(rng: random.Random, subject: Evaluation, framework: Framework) -> Evaluation:
    """The figures a unit prints, as its own table would: mostly right, about one in ten wrong.

    Scored here (generation is not timed) so that the stated scores, execution rate, total and
    grade agree with jixiao's except where a mistake is planted on purpose.
    """
    card = score(subject, framework)
    lines = {line.indicator_index: line.score for line in card.items if line.indicator_index is not None}
    indicators = tuple(
        replace(indicator, stated_score=_perhaps_wrong(rng, lines[i], Decimal(1)))
        if i in lines and rng.random() < 0.5
        else indicator
        for i, indicator in enumerate(subject.indicators)
    )
    rate = card.execution_rate
    total = _perhaps_wrong(rng, card.total, Decimal(3))
    grade = framework.grade_for(total) if rng.random() > 0.05 else rng.choice([g.grade for g in framework.grades])
    stated = Stated(
        execution_rate=None if rate is None else _perhaps_wrong(rng, round_half_up(rate, 1), Decimal(5)),
        total=total,
        grade=grade,
    )
    return replace(subject, indicators=indicators, stated=stated)


def _perhaps_wrong(rng: random.Random, value: Decimal, error: Decimal) -> Decimal:
    return value + error if rng.random() < 0.1 else value
