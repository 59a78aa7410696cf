"""The synthetic evaluations bench/ and the tests share (jixiao.testing.synthetic)."""

from __future__ import annotations

import pickle
import random
from pathlib import Path

from jixiao.core import scoring
from jixiao.core.checks import check
from jixiao.core.model import Evaluation, EvaluationKind
from jixiao.core.scoring import score
from jixiao.ingest.framework_file import builtin_frameworks
from jixiao.testing.build import core_build
from jixiao.testing.synthetic import evaluation


def _batch(seed: int, count: int) -> list[Evaluation]:
    rng = random.Random(seed)
    return [evaluation(rng, f"第{i}号单位", 2021, None if i % 5 == 0 else i) for i in range(count)]


def test_the_same_seed_gives_the_same_evaluations() -> None:
    assert _batch(7, 10) == _batch(7, 10)
    assert _batch(7, 10) != _batch(8, 10)


def test_departments_and_projects_have_their_own_shape() -> None:
    department, project = _batch(3, 2)
    assert department.kind is EvaluationKind.DEPARTMENT and department.project is None
    assert sum(line.adjusted for line in department.budget.by_nature) == department.budget.adjusted
    assert project.kind is EvaluationKind.PROJECT and project.project is not None
    assert len(project.indicators) == 10  # the default weights: six output, three effect, one satisfaction


def test_stated_totals_agree_with_jixiao_unless_a_mistake_was_planted() -> None:
    frameworks = builtin_frameworks()
    agree = 0
    made = _batch(11, 60)
    for item in made:
        framework = frameworks[item.framework or ""]
        card = score(item, framework)
        codes = {finding.code for finding in check(item, framework, card)}
        if item.stated.total == card.total:
            agree += 1
            assert "TOTAL_MISMATCH" not in codes
        else:
            assert item.stated.total - card.total == 3  # the planted error
            assert "TOTAL_MISMATCH" in codes
    assert 0.75 * len(made) <= agree < len(made)


def test_scorecards_and_findings_travel_between_processes() -> None:
    """``jixiao check --workers`` pickles them; a message read later reads the same."""
    item = _batch(5, 1)[0]
    framework = builtin_frameworks()[item.framework or ""]
    card = score(item, framework)
    findings = check(item, framework, card)
    assert findings and card.items
    assert pickle.loads(pickle.dumps(card)) == card
    copied = pickle.loads(pickle.dumps(findings))
    assert copied == findings
    assert [finding.message for finding in copied] == [finding.message for finding in findings]


def test_benchmarks_say_which_build_they_measured() -> None:
    described = core_build()
    assert Path(scoring.__file__ or "").name in described
    assert described.startswith("源码" if (scoring.__file__ or "").endswith(".py") else "已编译")
