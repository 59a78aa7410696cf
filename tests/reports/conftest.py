"""Shared material for the report tests: the seed's unit, a hostile evaluation, findings."""

from __future__ import annotations

from dataclasses import replace
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

#: Figures of the seed report that the generated report must print (issue 3).
SEED_FIGURES = (
    "1464.48", "147.79", "1316.69", "1496.62", "179.93", "102.19", "102.2", "7.23", "0.83", "6.4",
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


@pytest.fixture(scope="session")
def seed_content(seed: tuple[Evaluation, Framework, Scorecard]) -> ReportContent:
    evaluation, framework, card = seed
    return build_content(evaluation, card, framework=framework)


def hostile_evaluation(evaluation: Evaluation) -> Evaluation:
    """The seed with XML specials, control characters, a 20 000-character field, emoji and a formula."""
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
