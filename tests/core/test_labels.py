"""Labelled enumerations: stored values unchanged, every member has its Chinese label."""

from __future__ import annotations

import pickle

import pytest

from jixiao.core.findings import Severity
from jixiao.core.framework import RuleKind
from jixiao.core.labels import Labelled, LabelledInt
from jixiao.core.model import EvaluationKind, SatisfactionSource, Tier
from jixiao.core.survey import Level
from jixiao.core.values import Direction

CORE_ENUMS: list[type[Labelled] | type[LabelledInt]] = [
    EvaluationKind,
    Tier,
    SatisfactionSource,
    Direction,
    Severity,
    RuleKind,
    Level,
]


@pytest.mark.parametrize("members", CORE_ENUMS, ids=lambda members: members.__name__)
def test_every_member_has_a_chinese_label(members: type[Labelled] | type[LabelledInt]) -> None:
    labels = [member.label for member in members]
    assert all(labels), labels
    assert len(set(labels)) == len(labels)  # two members never read the same


def test_values_are_what_files_and_the_database_store() -> None:
    assert Tier("achieved") is Tier.ACHIEVED
    assert Tier.ACHIEVED.label == "达成年度指标"
    assert str(Tier.PARTIAL) == "partial" and f"{Tier.PARTIAL}" == "partial"
    assert Tier.NOT_ACHIEVED == "not_achieved"
    assert [kind.value for kind in EvaluationKind] == ["department", "project"]
    assert Severity("P0").label == "阻断"
    assert Direction.LE.label == "≤"
    assert RuleKind("manual").label == "人工评分（须说明理由）"
    assert SatisfactionSource.NONE.label == "无调查"


def test_levels_are_numbers_that_order_the_answers() -> None:
    assert Level(5) is Level.VERY_SATISFIED
    assert Level.VERY_SATISFIED.label == "很满意"
    assert [level.label for level in sorted(Level)] == ["很不满意", "不满意", "一般", "满意", "很满意"]
    assert Level.SATISFIED > Level.NEUTRAL and int(Level.SATISFIED) == 4


def test_members_pickle_as_themselves() -> None:
    for members in CORE_ENUMS:
        for member in members:
            assert pickle.loads(pickle.dumps(member)) is member
