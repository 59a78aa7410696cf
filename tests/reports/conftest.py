"""Shared material for the report tests: the seed's unit, a hostile evaluation, findings."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.core.findings import Finding, Severity
from jixiao.core.framework import Framework
from jixiao.core.model import Evaluation, Problem
from jixiao.core.scoring import Scorecard, score
from jixiao.core.values import parse_measure
from jixiao.ingest.evaluation_file import load_evaluation
from jixiao.ingest.framework_file import resolve_framework
from jixiao.reports.content import build_content
from jixiao.reports.document import ReportContent

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "donghu-2021.yaml"
ARTIFACTS = ROOT / "test-artifacts" / "reports"

#: Figures of the seed report that the publication copy must print (issue 3); the unit's own rounding of the
#: execution rate (102.2) is shown only in the review copy, next to the computed 102.19 (tests/reports/test_prose.py).
SEED_FIGURES = (
    "1464.48", "147.79", "1316.69", "1496.62", "179.93", "102.19", "7.23", "0.83", "6.4",
    "6842", "8044", "157020", "277", "89.8", "良", "153", "10",
)  # fmt: skip

FORMULA = "=cmd|' /C calc'!A0"
LONG = "长" * 20_000
HOSTILE = f"<b>&amp; \"引号\" '单引号'</b> & <script>alert(1)</script>\x00\x01\x07\x0b\x0c\x1b\x1f 😀🎉 {FORMULA}"


@pytest.fixture(scope="session")
def seed() -> tuple[Evaluation, Framework, Scorecard]:
    evaluation = load_evaluation(EXAMPLE)
    framework = resolve_framework(evaluation.framework, "dept-generic-2020")
    return evaluation, framework, score(evaluation, framework)


def confirmed(evaluation: Evaluation) -> Evaluation:
    """The example as if the unit had confirmed the targets and weights jixiao assumed: a publication copy
    of the example itself is refused (docs/reports.md, 审核版与公开版)."""
    return replace(evaluation, indicators=tuple(replace(i, assumed=()) for i in evaluation.indicators))


def confirmed_file(folder: Path) -> Path:
    """examples/donghu-2021.yaml without its ``assumed`` marks, written into ``folder``."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    out = folder / EXAMPLE.name
    out.write_text("".join(line for line in lines if not line.lstrip().startswith("assumed:")), encoding="utf-8")
    return out


@pytest.fixture(scope="session")
def seed_content(seed: tuple[Evaluation, Framework, Scorecard]) -> ReportContent:
    """The publication copy of the confirmed example."""
    evaluation, framework, card = seed
    return build_content(confirmed(evaluation), card, framework=framework)


def hostile_evaluation(evaluation: Evaluation) -> Evaluation:
    """The confirmed seed with XML specials, control characters, a 20 000-character field, emoji and a formula."""
    evaluation = confirmed(evaluation)
    unit = replace(evaluation.unit, name="=东湖区<办公室>&“测试”", duties=HOSTILE, organization=LONG)
    narrative = replace(
        evaluation.narrative,
        outputs=FORMULA,
        effects="+SUM(A1:A9)",
        sustainability="-2+3",
        management="@SUM(1)",
        problems=(Problem(problem=HOSTILE, cause=FORMULA),),
    )
    first = replace(evaluation.indicators[0], name="=1+1", deviation_note=HOSTILE, target=parse_measure("<≥6842户>"))
    return replace(
        evaluation,
        unit=unit,
        narrative=narrative,
        indicators=(first, *evaluation.indicators[1:]),
        stated=replace(evaluation.stated, total=None, grade=None),  # adopts the computed score: totals are sums
    )


@pytest.fixture(scope="session")
def hostile(seed: tuple[Evaluation, Framework, Scorecard]) -> tuple[Evaluation, Scorecard, ReportContent]:
    evaluation, framework, _ = seed
    bad = hostile_evaluation(evaluation)
    card = score(bad, framework)
    return bad, card, build_content(bad, card, framework=framework)


FINDINGS = (
    Finding("SATISFACTION_NO_SURVEY", Severity.P0, "满意度未经问卷调查却按 80% 计分", "satisfaction.value"),
    Finding("BUDGET_OVERSPENT", Severity.P1, "全年执行数超出全年预算数 32.14 万元，未说明资金来源", "budget.executed"),
    Finding("TYPO_DOUBLED", Severity.P2, "叠字“我办办”", "narrative.outputs"),
    Finding("GRADE_BAND", Severity.P0, "<自评等级>与得分不符 & 需更正", "stated.grade"),
)


# --- large and awkward evaluations (issue 10: nothing lost, every format) ----------------------

#: Rare CJK outside the Basic Multilingual Plane, and emoji.
RARE = "𠀀𪚥"
EMOJI = "😀🎉"


def publishable(evaluation: Evaluation) -> Evaluation:
    """``evaluation`` without the example's "assumed" marks (a publication copy may refuse them)."""
    return replace(evaluation, indicators=tuple(replace(i, assumed=()) for i in evaluation.indicators))


def sixty_indicators(evaluation: Evaluation) -> Evaluation:
    """The seed with 60 indicators: 40 产出 in four 二级, 15 效益, 5 满意度; weights sum to 90."""
    groups = (
        [("产出指标", l2) for l2 in ("数量指标", "质量指标", "时效指标", "成本指标") for _ in range(10)]
        + [("效益指标", "社会效益指标")] * 10
        + [("效益指标", "可持续影响指标")] * 5
        + [("满意度指标", "服务对象满意度指标")] * 5
    )
    indicators = []
    for n, (l1, l2) in enumerate(groups, start=1):
        target, actual = (f"≥{n * 250}户", f"{n * 250 + n % 7 * 13}户") if n % 3 else ("≥95%", f"{90 + n % 9}%")
        indicators.append(
            replace(
                evaluation.indicators[0],
                l1=l1,
                l2=l2,
                name=f"第{n}项重点任务完成数量（含街道、社区两级）",
                target=parse_measure(target),
                actual=parse_measure(actual),
                weight=Decimal("1.5"),
                deviation_note="" if n % 4 else f"第{n}项：受疫情影响部分工作顺延至次年一季度，已制定整改计划。",
                assumed=(),
            )
        )
    return replace(evaluation, indicators=tuple(indicators))


def long_narrative(chars: int = 5000) -> str:
    """One paragraph of at least ``chars`` characters with figures and every kind of punctuation."""
    parts: list[str] = []
    n = 0
    while sum(map(len, parts)) < chars:
        n += 1
        parts.append(
            f"第{n}批次整治出店经营{n * 37}起，清理“牛皮癣”小广告{n * 113}处，"
            f"完成率{90 + n % 10}.{n % 7}%；涉及（{n % 5 + 1}个）社区、街道及商户《责任书》{n}份。"
        )
    return "".join(parts)


def awkward_evaluation(evaluation: Evaluation) -> Evaluation:
    """Rare CJK, emoji, a 5,000-character paragraph, 60 indicators and values that cannot be compared."""
    ev = sixty_indicators(evaluation)
    first, second, *rest = ev.indicators
    first = replace(first, name=f"生僻字{RARE}与表情{EMOJI}指标", deviation_note=long_narrative(1200))
    second = replace(second, target=parse_measure("≥95%"), actual=parse_measure("较好"))  # not comparable
    narrative = replace(ev.narrative, outputs=f"生僻字{RARE}，表情{EMOJI}。" + long_narrative())
    return replace(ev, narrative=narrative, indicators=(first, second, *rest))
