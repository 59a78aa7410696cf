"""Satisfaction checks: a satisfaction figure needs a survey behind it."""

from __future__ import annotations

from dataclasses import replace

from jixiao.core.checks import Code
from jixiao.core.findings import Severity
from jixiao.core.model import Evaluation, Satisfaction, SatisfactionSource
from tests.factories import D, clean_project, codes, only, run


def with_satisfaction(**changes: object) -> Evaluation:
    ev = clean_project()
    return replace(ev, satisfaction=replace(ev.satisfaction, **changes))


def test_satisfaction_scored_without_a_survey_is_p0() -> None:
    # The seed: "本次满意度指标完成值按80%进行评分" with no survey.
    ev = with_satisfaction(source=SatisfactionSource.NONE, sample_size=None, method="未开展问卷调查，按综合分析估计")
    finding = only(run(ev), Code.SATISFACTION_WITHOUT_SURVEY)
    assert finding.severity is Severity.P0
    assert finding.path == "indicators[5].actual"
    assert finding.message.startswith("满意度无调查依据")
    assert "“92%”" in finding.message
    assert "未开展问卷调查" in finding.message


def test_satisfaction_with_nothing_said_about_its_source_is_one_p1_asking_for_the_evidence() -> None:
    # A 自评表 has no column for the source: silence is "unknown", not "no survey".
    ev = replace(clean_project(), satisfaction=Satisfaction())
    assert ev.satisfaction.source is SatisfactionSource.UNKNOWN
    found = run(ev)
    assert Code.SATISFACTION_WITHOUT_SURVEY not in codes(found)
    finding = only(found, Code.SATISFACTION_EVIDENCE_UNKNOWN)
    assert finding.severity is Severity.P1
    assert finding.path == "indicators[5].actual"
    assert "“学员满意度”填报实际完成值“92%”" in finding.message
    assert "请提供满意度调查依据" in finding.message


def test_unknown_source_is_reported_once_for_several_satisfaction_indicators() -> None:
    ev = replace(clean_project(), satisfaction=Satisfaction())
    extra = replace(ev.indicators[5], name="家长满意度")
    ev = replace(ev, indicators=(*ev.indicators, extra))
    finding = only(run(ev), Code.SATISFACTION_EVIDENCE_UNKNOWN)
    assert "“学员满意度”" in finding.message and "“家长满意度”" in finding.message


def test_unknown_source_without_any_claimed_value_is_quiet() -> None:
    ev = replace(
        clean_project(),
        indicators=clean_project().indicators[:5],
        satisfaction=Satisfaction(source=SatisfactionSource.UNKNOWN),
    )
    found = codes(run(ev))
    assert Code.SATISFACTION_EVIDENCE_UNKNOWN not in found and Code.SATISFACTION_WITHOUT_SURVEY not in found


def test_unknown_source_whose_method_says_it_was_estimated_is_a_stated_none() -> None:
    for said in ("按80%估计", "未开展满意度调查", "无调查，经综合分析确定"):
        ev = replace(clean_project(), satisfaction=Satisfaction(method=said))
        finding = only(run(ev), Code.SATISFACTION_WITHOUT_SURVEY)
        assert finding.severity is Severity.P0, said
        assert said in finding.message
    ev = replace(clean_project(), satisfaction=Satisfaction(method="无记名问卷调查"))
    assert Code.SATISFACTION_WITHOUT_SURVEY not in codes(run(ev))


def test_stated_none_is_one_p0_naming_every_satisfaction_indicator() -> None:
    ev = with_satisfaction(source=SatisfactionSource.NONE, sample_size=None, method="")
    extra = replace(ev.indicators[5], name="家长满意度")
    ev = replace(ev, indicators=(*ev.indicators, extra))
    finding = only(run(ev), Code.SATISFACTION_WITHOUT_SURVEY)
    assert finding.severity is Severity.P0
    assert "“学员满意度”" in finding.message and "“家长满意度”" in finding.message
    assert "单位说明未开展调查" in finding.message


def test_satisfaction_value_without_an_indicator_or_survey_is_p0() -> None:
    ev = replace(
        clean_project(),
        indicators=clean_project().indicators[:5],
        satisfaction=Satisfaction(value=D(80), source=SatisfactionSource.NONE),
    )
    finding = only(run(ev), Code.SATISFACTION_WITHOUT_SURVEY)
    assert finding.path == "satisfaction.value"
    assert "80%" in finding.message


def test_no_complaints_as_evidence_is_p1() -> None:
    ev = with_satisfaction(
        source=SatisfactionSource.OTHER, sample_size=None, method="全年未收到群众投诉，满意度按 100% 计"
    )
    finding = only(run(ev), Code.SATISFACTION_COMPLAINTS_AS_EVIDENCE)
    assert finding.path == "satisfaction.method"
    assert "“未收到群众投诉”" in finding.message


def test_other_evidence_than_complaints_is_quiet() -> None:
    ev = with_satisfaction(source=SatisfactionSource.OTHER, method="召开学员座谈会 3 场")
    found = codes(run(ev))
    assert Code.SATISFACTION_COMPLAINTS_AS_EVIDENCE not in found
    assert Code.SATISFACTION_WITHOUT_SURVEY not in found


def test_survey_without_sample_size_or_method_is_advice() -> None:
    finding = only(run(with_satisfaction(sample_size=None, method="")), Code.SATISFACTION_SURVEY_INCOMPLETE)
    assert finding.severity is Severity.P2
    assert finding.path == "satisfaction.sample_size"
    assert "样本量和调查方法" in finding.message
    finding = only(run(with_satisfaction(method="")), Code.SATISFACTION_SURVEY_INCOMPLETE)
    assert finding.path == "satisfaction.method"


def test_satisfaction_value_differing_from_the_indicator_is_p1() -> None:
    finding = only(run(with_satisfaction(value=D(85))), Code.SATISFACTION_VALUE_MISMATCH)
    assert "85%" in finding.message
    assert "“92%”" in finding.message


def test_a_survey_too_small_for_its_precision_is_advice_with_the_interval() -> None:
    # 30 answers, 90 % satisfied: Wilson 95 % interval 74.38 %–96.54 %, about ±11.1 points.
    ev = with_satisfaction(value=D(90), sample_size=30)
    finding = only(run(ev), Code.SATISFACTION_SAMPLE_SMALL)
    assert finding.severity is Severity.P2
    assert finding.path == "satisfaction.sample_size"
    assert "30 份有效问卷" in finding.message
    assert "74.38%–96.54%" in finding.message
    assert "±11.1" in finding.message


def test_a_survey_of_400_answers_is_precise_enough() -> None:
    assert Code.SATISFACTION_SAMPLE_SMALL not in codes(run(with_satisfaction(value=D(92), sample_size=400)))


def test_the_385_answer_shortcut_agrees_with_the_interval() -> None:
    # The checker skips the interval from 385 answers on; the worst case (50 %) must be within ±5 there.
    from jixiao.core.survey import wilson

    for n in (385, 386, 1000):
        interval = wilson(n // 2, n)
        assert interval is not None and (interval.high - interval.low) / 2 <= 5
