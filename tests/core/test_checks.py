"""The checker as a whole: order, sources, purity, the clean baseline and the code list."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from jixiao.core.checks import Code, check
from jixiao.core.findings import Severity
from jixiao.core.scoring import score
from tests.factories import (
    DEPARTMENT_FRAMEWORK,
    clean_project,
    codes,
    framework,
    line,
    only,
    run,
    with_indicator,
    with_stated,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "checks.md"


def test_clean_evaluation_yields_no_findings() -> None:
    assert run(clean_project()) == ()


@pytest.mark.parametrize("code", list(Code))
def test_rule_is_quiet_on_clean_data(code: Code) -> None:
    assert code.value not in codes(run(clean_project()))


def test_clean_department_evaluation_yields_no_findings() -> None:
    ev = replace(clean_project(), kind=clean_project().kind.DEPARTMENT, framework=DEPARTMENT_FRAMEWORK)
    assert run(ev) == ()


def test_findings_come_p0_first_then_by_path_with_numbers_in_order() -> None:
    ev = clean_project()
    for index in range(len(ev.indicators)):
        ev = with_indicator(ev, index, deviation_note="", stated_score=ev.indicators[index].weight)
    ev = with_indicator(ev, 0, l1="管理指标")  # P0 on indicators[0].l1
    ev = with_stated(ev, grade="差")  # P0 on stated.grade
    ev = replace(ev, budget=replace(ev.budget, executed=ev.budget.executed + 1))  # P1 on budget.executed
    findings = run(ev)
    order = {Severity.P0: 0, Severity.P1: 1, Severity.P2: 2}
    ranks = [order[f.severity] for f in findings]
    assert ranks == sorted(ranks)
    p0_paths = [f.path for f in findings if f.severity is Severity.P0]
    assert p0_paths.index("indicators[0].l1") < p0_paths.index("stated.grade")


def test_indicator_paths_sort_by_number_not_by_text() -> None:
    ev = clean_project()
    many = tuple(replace(ev.indicators[1], name=f"验收合格率{i}", l1="管理指标") for i in range(12))
    findings = run(replace(ev, indicators=ev.indicators + many))
    paths = [f.path for f in findings if f.code == Code.INDICATOR_L1_UNMATCHED]
    assert paths == [f"indicators[{i}].l1" for i in range(6, 18)]


def test_scorecard_is_computed_when_not_given_and_reused_when_given() -> None:
    ev = with_stated(clean_project(), total="95")
    fw = framework()
    assert check(ev, fw) == check(ev, fw, score(ev, fw))


def test_finding_source_comes_from_the_path_or_its_nearest_parent() -> None:
    ev = with_stated(clean_project(), total="95")
    ev = replace(ev, budget=replace(ev.budget, executed=ev.budget.executed + 1))
    ev = replace(ev, sources=(("stated.total", "自评表!H30"), ("budget", "自评表!B5:F9")))
    findings = run(ev)
    assert only(findings, Code.TOTAL_MISMATCH).source == "自评表!H30"
    assert only(findings, Code.BUDGET_OVERSPENT_UNEXPLAINED).source == "自评表!B5:F9"


def test_check_does_not_change_the_evaluation() -> None:
    ev = with_stated(clean_project(), total="95")
    before = repr(ev)
    run(ev)
    assert repr(ev) == before


def test_import_notes_become_findings_at_their_location() -> None:
    ev = replace(clean_project(), import_notes=(("indicators[2].actual", "自评表!F12 单元格内容“#REF!”无法识别"),))
    ev = replace(ev, sources=(("indicators[2].actual", "自评表!F12"),))
    finding = only(run(ev), Code.IMPORT_UNREADABLE)
    assert finding.severity is Severity.P1
    assert finding.path == "indicators[2].actual"
    assert finding.source == "自评表!F12"
    assert "#REF!" in finding.message


def test_every_code_is_documented_in_docs_checks_md() -> None:
    documented = set(re.findall(r"`([A-Z0-9_]+)`", DOCS.read_text("utf-8")))
    assert {code.value for code in Code} <= documented


def test_docs_list_no_code_the_checker_does_not_have() -> None:
    table_codes = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", DOCS.read_text("utf-8"), re.MULTILINE))
    assert table_codes == {code.value for code in Code}


def test_messages_are_chinese_and_name_their_figures() -> None:
    ev = with_stated(clean_project(), total="95")
    ev = replace(ev, budget=replace(ev.budget, by_source=(line("本年财政拨款", 100, 100), line("其他资金", 5, 5))))
    for finding in run(ev):
        assert re.search(r"[\u4e00-\u9fff]", finding.message)
        assert re.search(r"\d", finding.message)
