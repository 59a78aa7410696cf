"""Small builders for evaluations in tests, so each test states only what it is about.

``clean_project()`` is a 项目支出 self-evaluation whose every figure agrees with every other
(the checker finds nothing in it); tests change one thing with :func:`dataclasses.replace`
or the helpers below and look for the one finding that change should cause.

    ev = clean_project()
    ev = with_indicator(ev, 0, stated_score=D("7"))
    findings = run(ev)
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from jixiao.core.checks import check
from jixiao.core.findings import Finding
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
    SignOff,
    Stated,
    UnitProfile,
)
from jixiao.core.values import parse_measure
from jixiao.ingest.framework_file import builtin_frameworks

PROJECT_FRAMEWORK = "mof-2020-project"
DEPARTMENT_FRAMEWORK = "dept-generic-2020"


def D(value: object) -> Decimal:
    """A Decimal from an int or a string ("97.80" keeps its printed zero)."""
    return Decimal(str(value)) if not isinstance(value, Decimal) else value


def framework(framework_id: str = PROJECT_FRAMEWORK) -> Framework:
    return builtin_frameworks()[framework_id]


def indicator(
    name: str,
    target: object,
    actual: object,
    weight: object | None = 10,
    *,
    l1: str = "产出指标",
    l2: str = "数量指标",
    stated: object | None = None,
    note: str = "",
    **extra: Any,
) -> Indicator:
    """An indicator as a table row: target and actual as written ("≥95%", "100%")."""
    return Indicator(
        l1=l1,
        l2=l2,
        name=name,
        target=parse_measure(target),
        actual=parse_measure(actual),
        weight=None if weight is None else D(weight),
        stated_score=None if stated is None else D(stated),
        deviation_note=note,
        **extra,
    )


def budget(adjusted: object, executed: object, **extra: Any) -> Budget:
    return Budget(adjusted=D(adjusted), executed=D(executed), **extra)


def line(name: str, adjusted: object | None = None, executed: object | None = None) -> BudgetLine:
    return BudgetLine(
        name=name,
        adjusted=None if adjusted is None else D(adjusted),
        executed=None if executed is None else D(executed),
    )


def clean_indicators() -> tuple[Indicator, ...]:
    """产出 50 (数量 20, 质量 10, 时效 10, 成本 10), 效益 30, 满意度 10; one shortfall, explained."""
    return (
        indicator(
            "培训人次", "≥100人次", "95人次", 20, stated="19", note="两期培训因场地调整合并举办，下年度提前安排场地"
        ),
        indicator("验收合格率", "=100%", "100%", 10, l2="质量指标", stated="10"),
        indicator("完工时间", "2022年12月", "2022年11月", 10, l2="时效指标", stated="10"),
        indicator("单位培训成本", "≤500元/人次", "480元/人次", 10, l2="成本指标", stated="10"),
        indicator("持证上岗率", "≥90%", "95%", 30, l1="效益指标", l2="社会效益指标", stated="30"),
        indicator("学员满意度", "≥90%", "92%", 10, l1="满意度指标", l2="服务对象满意度指标", stated="10"),
    )


def clean_project() -> Evaluation:
    """A 项目支出 self-evaluation with no findings: 100 万元 spent of 100, total 99 (优)."""
    return Evaluation(
        kind=EvaluationKind.PROJECT,
        year=2022,
        unit=UnitProfile(name="示例县人力资源和社会保障局"),
        framework=PROJECT_FRAMEWORK,
        project=ProjectInfo(name="职业技能培训补贴"),
        budget=Budget(
            initial=D(100),
            adjusted=D(100),
            executed=D(100),
            carryover=D(0),
            by_source=(line("本年财政拨款", 100, 100),),
        ),
        indicators=clean_indicators(),
        satisfaction=Satisfaction(
            value=D(92), source=SatisfactionSource.SURVEY, sample_size=400, method="结业时向全部学员发放问卷"
        ),
        narrative=Narrative(
            problems=(Problem("培训场地紧张，两期培训合并举办", "场地协调不及时"),),
            measures=("提前一个季度落实培训场地",),
        ),
        stated=Stated(execution_rate=D(100), execution_score=D(10), total=D(99), grade="优"),
        sign_off=SignOff(signer="示例县人力资源和社会保障局", signed_on=date(2023, 3, 15)),
    )


def with_indicator(evaluation: Evaluation, index: int, **changes: Any) -> Evaluation:
    """``evaluation`` with indicator ``index`` changed (targets/actuals as text are parsed)."""
    for key in ("target", "actual"):
        if key in changes and not hasattr(changes[key], "kind"):
            changes[key] = parse_measure(changes[key])
    for key in ("weight", "stated_score", "judged_score"):
        if key in changes and changes[key] is not None:
            changes[key] = D(changes[key])
    indicators = list(evaluation.indicators)
    indicators[index] = replace(indicators[index], **changes)
    return replace(evaluation, indicators=tuple(indicators))


def with_stated(evaluation: Evaluation, **changes: Any) -> Evaluation:
    values = {k: D(v) if v is not None and k != "grade" else v for k, v in changes.items()}
    return replace(evaluation, stated=replace(evaluation.stated, **values))


def run(evaluation: Evaluation, framework_id: str | None = None) -> tuple[Finding, ...]:
    """The checker's findings, under the evaluation's own framework unless one is named."""
    return check(evaluation, framework(framework_id or evaluation.framework or PROJECT_FRAMEWORK))


def codes(findings: tuple[Finding, ...]) -> list[str]:
    return [finding.code for finding in findings]


def only(findings: tuple[Finding, ...], code: str) -> Finding:
    """The single finding with ``code`` (fails the test if there is none or more than one)."""
    found = [finding for finding in findings if finding.code == code]
    assert len(found) == 1, f"expected one {code}, got {len(found)}: " + "\n".join(
        f"{f.code} {f.path} {f.message}" for f in findings
    )
    return found[0]
