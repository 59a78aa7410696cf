"""The seed's unit (examples/donghu-2021.yaml): what a careful reviewer notices in its report.

docs/field.md#seed: 32.14 spent above the full-year budget with nothing carried over and no
source named, the same 32.14 (21.7%) above the 基本支出 line, a satisfaction figure with no survey.
The stated 102.2% is 1496.62 ÷ 1464.48 = 102.19…% rounded to 0.1, so it is right.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.core.checks import Code, check
from jixiao.core.findings import Finding, Severity
from jixiao.ingest.evaluation_file import load_evaluation
from jixiao.ingest.framework_file import resolve_framework

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "donghu-2021.yaml"


@pytest.fixture(scope="module")
def findings() -> tuple[Finding, ...]:
    evaluation = load_evaluation(EXAMPLE)
    return check(evaluation, resolve_framework(evaluation.framework, "dept-generic-2020"))


def by_code(findings: tuple[Finding, ...], code: Code) -> list[Finding]:
    return [f for f in findings if f.code == code]


def test_seed_overspending_of_32_14_with_zero_balance_and_no_source(findings: tuple[Finding, ...]) -> None:
    [finding] = by_code(findings, Code.BUDGET_OVERSPENT_UNEXPLAINED)
    assert finding.severity is Severity.P1
    assert finding.path == "budget.executed"
    assert "32.14" in finding.message
    assert "1496.62 万元" in finding.message
    assert "1464.48 万元" in finding.message
    assert "结转结余为 0" in finding.message
    assert "未说明超支部分的资金来源" in finding.message
    assert finding.source == "自评报告 一、（五）当年部门预算及执行情况"


def test_seed_basic_expenditure_above_its_budget(findings: tuple[Finding, ...]) -> None:
    [finding] = by_code(findings, Code.BUDGET_LINE_OVERSPENT)
    assert finding.path == "budget.by_nature[0].executed"
    assert "基本支出" in finding.message
    assert "179.93 万元" in finding.message
    assert "147.79 万元" in finding.message
    assert "超出 32.14 万元（21.75%）" in finding.message


def test_seed_satisfaction_without_a_survey_is_p0(findings: tuple[Finding, ...]) -> None:
    [finding] = by_code(findings, Code.SATISFACTION_WITHOUT_SURVEY)
    assert finding.severity is Severity.P0
    assert finding.path == "indicators[14].actual"
    assert "满意度无调查依据" in finding.message
    assert "“80%”" in finding.message


def test_seed_rate_102_2_is_not_called_wrong(findings: tuple[Finding, ...]) -> None:
    assert not by_code(findings, Code.EXECUTION_RATE_WRONG)
    assert not by_code(findings, Code.EXECUTION_RATE_TRUNCATED)
    assert not [f for f in findings if "102.2" in f.message]


def test_seed_splits_and_assets_add_up(findings: tuple[Finding, ...]) -> None:
    # 147.79 + 1316.69 = 1464.48; 179.93 + 1316.69 = 1496.62; 0.83 + 6.4 = 7.23.
    for code in (Code.BUDGET_NATURE_SUM_MISMATCH, Code.BUDGET_SOURCE_SUM_MISMATCH, Code.ASSET_SUM_MISMATCH):
        assert not by_code(findings, code)


def test_seed_findings_are_exactly_these(findings: tuple[Finding, ...]) -> None:
    # The stated 89.8 differs from the 97.75 computed on the example's assumed targets and weights.
    assert [(f.severity.value, f.code, f.path) for f in findings] == [
        ("P0", Code.SATISFACTION_WITHOUT_SURVEY, "indicators[14].actual"),
        ("P1", Code.BUDGET_LINE_OVERSPENT, "budget.by_nature[0].executed"),
        ("P1", Code.BUDGET_OVERSPENT_UNEXPLAINED, "budget.executed"),
        ("P1", Code.TOTAL_MISMATCH, "stated.total"),
    ]
