"""Rectification items: states, who moves them, evidence to close, overdue, repeated measures."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from jixiao.core.checks import Code, check
from jixiao.core.findings import Severity
from jixiao.core.rectification import (
    MEASURE_REPEATED_OPEN,
    Action,
    Actor,
    EvidenceRule,
    ItemState,
    PriorItem,
    RectificationError,
    move,
    overdue,
    repeated_measures,
    same_words,
)
from tests.factories import clean_project, framework, only

S = ItemState


def test_the_whole_path_from_issued_to_closed() -> None:
    state = move(S.ISSUED, Action.START, Actor.UNIT)
    assert state is S.IN_PROGRESS
    state = move(state, Action.FEED_BACK, Actor.UNIT, feedback="已修订制度", files=1)
    assert state is S.FED_BACK
    state = move(state, Action.RETURN, Actor.BUREAU, note="佐证不足")
    assert state is S.RETURNED
    state = move(state, Action.FEED_BACK, Actor.UNIT, feedback="补充会议纪要", files=2)
    state = move(state, Action.APPROVE, Actor.BUREAU)
    assert state is S.APPROVED
    assert move(state, Action.CLOSE, Actor.BUREAU, feedback="已修订制度", files=2) is S.CLOSED


def test_only_the_right_side_may_move_and_only_from_the_right_state() -> None:
    with pytest.raises(RectificationError, match="“审核通过”只能由财政局操作"):
        move(S.FED_BACK, Action.APPROVE, Actor.UNIT)
    with pytest.raises(RectificationError, match="整改事项处于“整改中”状态，不能销号"):
        move(S.IN_PROGRESS, Action.CLOSE, Actor.BUREAU, feedback="x", files=3)
    with pytest.raises(RectificationError, match="处于“已销号”状态，不能开始整改"):
        move(S.CLOSED, Action.START, Actor.UNIT)


def test_a_return_needs_a_note() -> None:
    with pytest.raises(RectificationError, match="退回须填写意见"):
        move(S.FED_BACK, Action.RETURN, Actor.BUREAU, note="  ")


def test_closing_without_the_evidence_the_rule_requires_is_refused() -> None:
    with pytest.raises(RectificationError, match=r"不能销号：缺少整改情况说明、佐证材料（至少 1 份，现有 0 份）"):
        move(S.APPROVED, Action.CLOSE, Actor.BUREAU)
    strict = EvidenceRule(files=2, feedback=False)
    with pytest.raises(RectificationError, match="至少 2 份，现有 1 份"):
        move(S.APPROVED, Action.CLOSE, Actor.BUREAU, files=1, rule=strict)
    assert move(S.APPROVED, Action.CLOSE, Actor.BUREAU, files=2, rule=strict) is S.CLOSED
    assert move(S.APPROVED, Action.CLOSE, Actor.BUREAU, rule=EvidenceRule(files=0, feedback=False)) is S.CLOSED


def test_overdue_only_while_the_unit_still_owes_work() -> None:
    deadline, late = date(2022, 6, 30), date(2022, 7, 1)
    assert overdue(S.ISSUED, deadline, late)
    assert overdue(S.RETURNED, deadline, late)
    assert not overdue(S.IN_PROGRESS, deadline, deadline)
    assert not overdue(S.FED_BACK, deadline, late)
    assert not overdue(S.CLOSED, deadline, late)
    assert not overdue(S.IN_PROGRESS, None, late)


def test_words_ignore_numbering_spaces_and_closing_punctuation_but_not_wording() -> None:
    assert same_words("1. 加强 预算执行监控。") == "加强预算执行监控"
    assert same_words("（一）加强预算执行监控") == "加强预算执行监控"
    assert same_words("一是加强预算执行监控；") == "加强预算执行监控"
    assert same_words("加强预算执行的监控") != same_words("加强预算执行监控")


def _with_measures(*measures: str):  # type: ignore[no-untyped-def]
    ev = clean_project()
    return replace(ev, narrative=replace(ev.narrative, measures=measures))


def test_a_measure_repeated_from_an_open_item_is_p1_through_the_checker() -> None:
    ev = _with_measures("建立项目库动态调整机制。", "2. 加强预算执行监控。")
    prior = [
        PriorItem("预算执行进度偏慢", "（三）加强预算执行监控", S.RETURNED),
        PriorItem("项目储备不足", "建立项目库动态调整机制", S.CLOSED),
    ]
    findings = check(ev, framework(), prior=prior)
    finding = only(findings, Code.MEASURE_REPEATED_OPEN)
    assert finding.severity is Severity.P1
    assert finding.path == "narrative.measures[1]"
    assert "状态“退回”" in finding.message
    assert "问题：预算执行进度偏慢" in finding.message
    assert repeated_measures(ev, prior) == (finding,)
    assert Code.MEASURE_REPEATED_OPEN.value == MEASURE_REPEATED_OPEN


def test_no_finding_when_the_item_is_closed_or_the_wording_changed_or_no_prior_is_given() -> None:
    ev = _with_measures("加强预算执行监控，每月通报进度")
    assert repeated_measures(ev, [PriorItem("进度慢", "加强预算执行监控", S.IN_PROGRESS)]) == ()
    ev = _with_measures("加强预算执行监控")
    assert repeated_measures(ev, [PriorItem("进度慢", "加强预算执行监控", S.CLOSED)]) == ()
    assert Code.MEASURE_REPEATED_OPEN.value not in {f.code for f in check(ev, framework())}


def test_follow_up_counts_by_state_and_lists_each_item() -> None:
    from jixiao.core.rectification import follow_up

    prior = [
        PriorItem("台账不全。", "补齐台账", S.CLOSED),
        PriorItem("进度偏慢", "按月通报。", S.IN_PROGRESS),
        PriorItem("资金闲置", "收回统筹", S.IN_PROGRESS),
    ]
    assert follow_up(prior) == (
        "上年度整改事项共 3 项：整改中 2 项，已销号 1 项。",
        "1.上年问题：台账不全；整改措施：补齐台账；落实情况：已销号。",
        "2.上年问题：进度偏慢；整改措施：按月通报；落实情况：整改中。",
        "3.上年问题：资金闲置；整改措施：收回统筹；落实情况：整改中。",
    )
    assert follow_up([]) == ()
