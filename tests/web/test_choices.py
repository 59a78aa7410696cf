"""Django field choices come from the labelled enumerations, with the stored values unchanged."""

from __future__ import annotations

from jixiao.core.model import EvaluationKind
from jixiao.web.accounts.models import Role
from jixiao.web.choices import choices, values
from jixiao.web.evaluations.workflow import Action, State


def test_choices_pair_stored_values_with_labels() -> None:
    assert choices(EvaluationKind) == [("department", "部门整体支出"), ("project", "项目支出")]
    assert choices(State)[0] == ("draft", "草稿")
    assert ("reviewer", "财政审核人") in choices(Role)


def test_values_tell_a_submitted_value_apart() -> None:
    assert values(EvaluationKind) == frozenset({"department", "project"})
    assert "sign_off" in values(Action) and "签批" not in values(Action)
