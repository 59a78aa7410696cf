"""Narrative checks: what the report says against the figures, and clerical slips."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest

from jixiao.core.checks import Code
from jixiao.core.findings import Severity
from jixiao.core.model import Evaluation, Problem
from tests.factories import clean_project, codes, only, run, with_indicator, with_stated


def with_narrative(**changes: object) -> Evaluation:
    ev = clean_project()
    return replace(ev, narrative=replace(ev.narrative, **changes))


# --- problems, measures and deviation notes -----------------------------------------------


def test_deductions_with_no_problems_listed_is_p1_naming_the_deductions() -> None:
    finding = only(run(with_narrative(problems=(), measures=())), Code.PROBLEMS_MISSING)
    assert finding.path == "narrative.problems"
    assert "共有 1 项扣分（“培训人次”扣 1 分）" in finding.message
    assert "为空" in finding.message


def test_problems_written_as_none_next_to_deductions_is_p1() -> None:
    ev = with_narrative(problems=(Problem("存在问题：暂无。"),), measures=())
    assert "写作“存在问题：暂无。”" in only(run(ev), Code.PROBLEMS_MISSING).message


def test_execution_shortfall_counts_as_a_deduction() -> None:
    ev = with_narrative(problems=(), measures=())
    ev = with_indicator(ev, 0, actual="100人次", stated_score="20")
    ev = replace(ev, budget=replace(ev.budget, executed=ev.budget.executed - 10))
    ev = with_stated(ev, execution_rate="90", execution_score="9")
    assert "“预算执行率”扣 1 分" in only(run(ev), Code.PROBLEMS_MISSING).message


def test_no_deductions_and_no_problems_is_quiet() -> None:
    ev = with_indicator(with_narrative(problems=(), measures=()), 0, actual="100人次", stated_score="20")
    assert Code.PROBLEMS_MISSING not in codes(run(ev))


def test_fewer_measures_than_problems_is_p1() -> None:
    ev = with_narrative(problems=(Problem("场地紧张"), Problem("师资不足")), measures=("提前落实场地",))
    finding = only(run(ev), Code.MEASURES_MISSING)
    assert "列出 2 个问题，但只有 1 条改进措施" in finding.message


@pytest.mark.parametrize("note", ["", "无", " 暂无 "])
def test_points_lost_without_a_deviation_note_is_p1(note: str) -> None:
    finding = only(run(with_indicator(clean_project(), 0, deviation_note=note)), Code.DEVIATION_NOTE_MISSING)
    assert finding.path == "indicators[0].deviation_note"
    assert "扣 1 分" in finding.message
    assert "“≥100人次”" in finding.message
    assert "“95人次”" in finding.message


# --- clerical slips ---------------------------------------------------------------------


def test_doubled_function_word_is_advice_with_the_excerpt() -> None:
    # The seed: "我办办目前尚未建立全面的满意度调查机制".
    ev = with_narrative(sustainability="我办办目前尚未建立全面的满意度调查机制，满意度指标评价的有效数据有限")
    finding = only(run(ev), Code.TYPO_DOUBLED_CHARACTER)
    assert finding.severity is Severity.P2
    assert finding.path == "narrative.sustainability"
    assert "“办办”" in finding.message
    assert "我办办目前尚未建立全面的满" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        "我办办理了全部手续",
        "问题不了了之",
        "的的确确完成",
        "达到目的的手段",
        "实事求是是基本要求",
        "现在在推进",
        "关键是是否落实",
        "和和美美",
    ],
)
def test_real_words_with_a_repeated_character_are_not_typos(text: str) -> None:
    assert Code.TYPO_DOUBLED_CHARACTER not in codes(run(with_narrative(effects=text)))


@pytest.mark.parametrize(
    ("text", "slip"),
    [
        ("详见附件错误!未定义书签。", "错误!未定义书签"),
        ("由XX街道负责", "XX"),
        ("（此处填写单位名称）", "（此处"),
        ("×× 年度完成", "××"),
    ],
)
def test_placeholder_left_in_text_is_p1(text: str, slip: str) -> None:
    finding = only(run(with_narrative(management=text)), Code.PLACEHOLDER_LEFT)
    assert finding.severity is Severity.P1
    assert finding.path == "narrative.management"
    assert f"“{slip}”" in finding.message


def test_slips_in_indicator_text_point_at_the_indicator() -> None:
    ev = with_indicator(clean_project(), 0, deviation_note="详见XX文件")
    assert only(run(ev), Code.PLACEHOLDER_LEFT).path == "indicators[0].deviation_note"


def test_slips_in_problems_point_at_the_problem() -> None:
    ev = with_narrative(problems=(Problem("培训场地紧张", "场地的的协调不及时"),))
    assert only(run(ev), Code.TYPO_DOUBLED_CHARACTER).path == "narrative.problems[0].cause"


# --- dates ------------------------------------------------------------------------------


def test_sign_off_before_the_evaluated_year_ends_is_p1() -> None:
    ev = replace(clean_project(), sign_off=replace(clean_project().sign_off, signed_on=date(2022, 11, 30)))
    finding = only(run(ev), Code.SIGN_OFF_DATE_EARLY)
    assert finding.path == "sign_off.signed_on"
    assert "2022年11月30日" in finding.message
    assert "2022 年" in finding.message


def test_sign_off_after_the_year_is_quiet() -> None:
    ev = replace(clean_project(), sign_off=replace(clean_project().sign_off, signed_on=date(2023, 1, 5)))
    assert Code.SIGN_OFF_DATE_EARLY not in codes(run(ev))


def on(part: str, field: str, wrap: Callable[[str], object] = str) -> Callable[[Evaluation, str], Evaluation]:
    """A setter for ``evaluation.<part>.<field>``."""
    return lambda ev, text: replace(ev, **{part: replace(getattr(ev, part), **{field: wrap(text)})})


TEXT_FIELDS = [
    ("unit.duties", on("unit", "duties")),
    ("unit.organization", on("unit", "organization")),
    ("goals.overall", on("goals", "overall")),
    ("goals.annual_tasks[1]", on("goals", "annual_tasks", lambda t: ("完成培训", t))),
    ("goals.performance", on("goals", "performance")),
    ("goals.achieved", on("goals", "achieved")),
    ("narrative.management", on("narrative", "management")),
    ("narrative.outputs", on("narrative", "outputs")),
    ("narrative.effects", on("narrative", "effects")),
    ("narrative.sustainability", on("narrative", "sustainability")),
    ("narrative.results_use", on("narrative", "results_use")),
    ("narrative.publication", on("narrative", "publication")),
    ("narrative.problems[0].problem", on("narrative", "problems", lambda t: (Problem(t),))),
    ("narrative.problems[0].cause", on("narrative", "problems", lambda t: (Problem("场地紧张", t),))),
    ("narrative.measures[0]", on("narrative", "measures", lambda t: (t,))),
    ("satisfaction.method", on("satisfaction", "method")),
    ("budget.overspend_explanation", on("budget", "overspend_explanation")),
    ("indicators[1].name", lambda ev, t: with_indicator(ev, 1, name=t)),
    ("indicators[1].deviation_note", lambda ev, t: with_indicator(ev, 1, deviation_note=t)),
    ("indicators[1].justification", lambda ev, t: with_indicator(ev, 1, justification=t)),
]


@pytest.mark.parametrize(("path", "put"), TEXT_FIELDS, ids=[path for path, _ in TEXT_FIELDS])
def test_every_text_field_is_scanned_for_slips(path: str, put: Callable[[Evaluation, str], Evaluation]) -> None:
    finding = only(run(put(clean_project(), "我办办目前尚未建立调查机制")), Code.TYPO_DOUBLED_CHARACTER)
    assert finding.path == path


def test_failed_rate_is_not_counted_as_a_deduction_to_explain() -> None:
    # R27: no full-year budget, so the rate item scores 0 for want of figures, not for spending.
    ev = with_indicator(with_narrative(problems=(), measures=()), 0, actual="100人次", stated_score="20")
    ev = replace(ev, budget=replace(ev.budget, adjusted=None), stated=replace(ev.stated, execution_rate=None))
    ev = replace(ev, stated=replace(ev.stated, execution_score=None))
    assert Code.PROBLEMS_MISSING not in codes(run(ev))
