"""Scoring invariants that must hold for any input (hypothesis).

- a line never scores above its weight nor below 0;
- positive indicators never lose points when the actual value rises, negative ones never gain;
- the total stays within [0, framework.total] when the unit's weights fit the slots;
- the grade is the one the framework's bands give for the (rounded) total;
- every score is a Decimal with at most two places (0.01 分).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.core.framework import Framework, Rule, RuleKind
from jixiao.core.model import Budget, Evaluation, EvaluationKind, Indicator, Judgement, Tier, UnitProfile
from jixiao.core.rules import (
    equal_points,
    execution_points,
    negative_points,
    positive_points,
    score_indicator,
    score_metric,
)
from jixiao.core.scoring import score
from jixiao.core.values import Direction, parse_measure
from jixiao.ingest.framework_file import builtin_frameworks

FRAMEWORKS = sorted(builtin_frameworks().values(), key=lambda f: f.id)

amounts = st.decimals(min_value=0, max_value=D(10) ** 6, places=2, allow_nan=False, allow_infinity=False)
weights = st.decimals(min_value=D("0.01"), max_value=100, places=2, allow_nan=False, allow_infinity=False)
rates = st.decimals(min_value=-100, max_value=500, places=3, allow_nan=False, allow_infinity=False)


def two_places(value: D) -> bool:
    exponent = value.as_tuple().exponent
    return isinstance(exponent, int) and exponent >= -2


# --- the formulas --------------------------------------------------------------------


@given(amounts, amounts, weights)
def test_formulas_stay_within_zero_and_the_weight(t: D, a: D, w: D) -> None:
    for points in (positive_points(t, a, w), negative_points(t, a, w), equal_points(t, a, w)):
        assert D(0) <= points <= w
    assert D(0) <= execution_points(a, w) <= w


@given(amounts, amounts, amounts, weights)
def test_positive_is_non_decreasing_and_negative_non_increasing(t: D, a1: D, a2: D, w: D) -> None:
    low, high = sorted((a1, a2))
    assert positive_points(t, low, w) <= positive_points(t, high, w)
    assert negative_points(t, low, w) >= negative_points(t, high, w)
    assert execution_points(low, w) <= execution_points(high, w)


# --- unit indicators -----------------------------------------------------------------

RELATIONS = {"≥": Direction.GE, "≤": Direction.LE, "=": Direction.EQ, "": None}


@st.composite
def indicators(draw: st.DrawFn, weight: D | None = None) -> Indicator:
    kind = draw(st.sampled_from(["number", "number", "number", "date", "text", "blank"]))
    relation = draw(st.sampled_from(sorted(RELATIONS)))
    unit = draw(st.sampled_from(["", "%", "人", "万元", "元"]))
    if kind == "number":
        target = f"{relation}{draw(amounts)}{unit}"
        actual: str | None = f"{draw(amounts)}{draw(st.sampled_from([unit, unit, '人', '']))}"
    elif kind == "date":
        target = f"{draw(st.integers(2020, 2025))}年{draw(st.integers(1, 12))}月"
        actual = f"{draw(st.integers(2020, 2025))}年{draw(st.integers(1, 12))}月"
    elif kind == "text":
        target = draw(st.sampled_from(["有效", "明显提升", "建立"]))
        actual = draw(st.sampled_from(["有效", "有所提升", "未建立", "已建立"]))
    else:
        target, actual = draw(st.sampled_from([("", "1"), ("≥9…", None), ("≥5", "")]))
    stated = draw(st.none() | st.decimals(min_value=0, max_value=200, places=1))
    return Indicator(
        l1="产出指标",
        l2="数量指标",
        name="指标",
        target=parse_measure(target),
        actual=parse_measure(actual),
        weight=weight if weight is not None else draw(weights),
        direction=draw(st.none() | st.sampled_from(list(Direction))),
        tier=draw(st.none() | st.sampled_from(list(Tier))),
        judged_score=draw(st.none() | st.decimals(min_value=0, max_value=200, places=2)),
        justification=draw(st.sampled_from(["", "理由"])),
        rule=draw(st.none() | st.sampled_from(["manual", "positive", "negative", "equal", "qualitative"])),
        stated_score=stated,
    )


@given(indicators())
def test_an_indicator_never_scores_above_its_weight_or_below_zero(item: Indicator) -> None:
    outcome = score_indicator(item, Rule(kind=RuleKind.BY_DIRECTION))
    assert item.weight is not None
    assert D(0) <= outcome.score <= item.weight
    assert str(outcome.why)  # every score explains itself


@given(amounts, amounts, amounts, weights, st.sampled_from(["≥", "≤"]), st.sampled_from(["", "人", "%"]))
def test_indicator_scores_are_monotone_in_the_actual_value(t: D, a1: D, a2: D, w: D, relation: str, unit: str) -> None:
    low, high = sorted((a1, a2))
    rule = Rule(kind=RuleKind.BY_DIRECTION)

    def points(actual: D) -> D:
        item = Indicator(
            l1="产出指标", l2="数量指标", name="指标", weight=w,
            target=parse_measure(f"{relation}{t}{unit}"), actual=parse_measure(f"{actual}{unit}"),
        )  # fmt: skip
        return score_indicator(item, rule).score

    if relation == "≥":
        assert points(low) <= points(high)
    else:
        assert points(low) >= points(high)


@given(rates, weights, st.sampled_from(FRAMEWORKS))
def test_every_shipped_item_rule_stays_within_its_weight(value: D, _: D, framework: Framework) -> None:
    for block in framework.blocks:
        for item in block.items:
            judged = (value, "理由") if item.rule.kind is RuleKind.MANUAL else None
            outcome = score_metric(item.rule, item.weight, value, "值", judged)
            assert D(0) <= outcome.score <= item.weight, item.id


# --- whole evaluations under every shipped framework ----------------------------------


def split(weight: D, parts: int) -> list[D]:
    """``weight`` in ``parts`` pieces of 0.01 that add up exactly."""
    share = (weight / parts).quantize(D("0.01"), rounding="ROUND_DOWN")
    return [share] * (parts - 1) + [weight - share * (parts - 1)]


@st.composite
def evaluations(draw: st.DrawFn, framework: Framework) -> Evaluation:
    items: list[Indicator] = []
    for _block, slot in framework.slots:
        for weight in split(slot.weight, draw(st.integers(1, 4))):
            indicator = draw(indicators(weight))
            l1 = draw(st.sampled_from(slot.match))
            items.append(replace(indicator, l1=l1))
    initial, adjusted, executed = draw(amounts), draw(amounts), draw(amounts)
    ids = [item.id for block in framework.blocks for item in block.items if item.rule.kind is RuleKind.MANUAL]
    judgements = tuple(
        (item_id, Judgement(draw(st.decimals(min_value=0, max_value=20, places=2)), draw(st.sampled_from(["", "据"]))))
        for item_id in ids
        if draw(st.booleans())
    )
    supplied = tuple((spec.name, draw(rates)) for spec in framework.metrics if draw(st.booleans()))
    return Evaluation(
        kind=EvaluationKind.DEPARTMENT,
        year=2023,
        unit=UnitProfile(name="单位"),
        budget=Budget(initial=initial, adjusted=adjusted, executed=executed, carryover=draw(st.none() | amounts)),
        indicators=tuple(items),
        judgements=judgements,
        metrics=supplied,
    )


@st.composite
def framework_and_evaluation(draw: st.DrawFn) -> tuple[Framework, Evaluation]:
    framework = draw(st.sampled_from(FRAMEWORKS))
    return framework, draw(evaluations(framework))


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(framework_and_evaluation())
def test_total_stays_within_zero_and_the_framework_total(case: tuple[Framework, Evaluation]) -> None:
    framework, evaluation = case
    card = score(evaluation, framework)
    assert D(0) <= card.total <= framework.total
    for block in card.blocks:
        assert D(0) <= block.score <= block.weight, block.id
    for line in card.items:
        assert line.weight is not None
        assert D(0) <= line.score <= line.weight, line.path


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(framework_and_evaluation())
def test_grade_is_the_band_of_the_rounded_total(case: tuple[Framework, Evaluation]) -> None:
    framework, evaluation = case
    card = score(evaluation, framework)
    assert card.grade == framework.grade_for(card.total)
    band = framework.band_for(card.grade)
    assert band is not None
    low, high = band
    assert low <= card.total and (high is None or card.total < high)


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(framework_and_evaluation())
def test_scores_are_decimals_with_at_most_two_places(case: tuple[Framework, Evaluation]) -> None:
    framework, evaluation = case
    card = score(evaluation, framework)
    figures = [card.total, *(b.score for b in card.blocks), *(line.score for line in card.items)]
    for figure in figures:
        assert isinstance(figure, D)
        assert two_places(figure), figure
    assert card.total == sum((b.score for b in card.blocks), D(0))


@given(st.decimals(min_value=0, max_value=100, places=4), st.sampled_from(FRAMEWORKS))
def test_grade_for_any_total_is_consistent_with_the_bands(total: D, framework: Framework) -> None:
    grade = framework.grade_for(total)
    band = framework.band_for(grade)
    assert band is not None
    assert band[0] <= total and (band[1] is None or total < band[1])


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(framework_and_evaluation(), st.lists(st.decimals(min_value=0, max_value=60, places=1), min_size=1, max_size=8))
def test_blocks_are_capped_when_the_units_weights_overshoot(
    case: tuple[Framework, Evaluation], weights: list[D]
) -> None:
    framework, evaluation = case
    # The unit writes its own weights, which may add up to far more than a slot allows.
    reweighted = tuple(
        replace(indicator, weight=weights[i % len(weights)]) for i, indicator in enumerate(evaluation.indicators)
    )
    card = score(replace(evaluation, indicators=reweighted), framework)
    assert D(0) <= card.total <= framework.total
    for block in card.blocks:
        assert D(0) <= block.score <= block.weight, block.id
        if block.uncapped is not None:
            assert block.uncapped > block.weight
            assert block.score == block.weight
