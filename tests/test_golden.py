"""Golden cases: scoring standards checked against figures a domain expert worked out by hand.

Each file under ``tests/golden/<framework-id>/`` is a small YAML document:

``description``  what the case shows (Chinese);
``framework``    the id of a shipped framework (the folder name);
``evaluation``   an evaluation inline (same format as examples/*.yaml), or
``evaluation_file`` a path to one, relative to the case file;
``expect``       ``total``, ``grade``, ``execution_rate``, ``blocks`` (block id → score),
                 ``items`` (scorecard path → score, e.g. ``indicators[2]`` or ``items.budget_adjustment``),
                 ``flags`` (path → rule flags that must be raised, ``[]`` for none),
                 ``unmatched`` (indicator indexes no slot takes) and
                 ``findings`` (``present``/``absent`` lists of checker codes).

Numbers may be written as strings (``"4.84"``) so that YAML never reads them as floats; they
are compared as Decimals, so ``"2"`` equals ``2.00``. A failing case prints the explanation of
every line that differs, so the reader sees at once which rule and which figures are involved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from jixiao.core.checks import check
from jixiao.core.framework import Framework
from jixiao.core.model import Evaluation
from jixiao.core.scoring import ItemScore, Scorecard, score
from jixiao.ingest.evaluation_file import load_evaluation, parse_evaluation
from jixiao.ingest.framework_file import builtin_frameworks
from jixiao.ingest.textfile import parse_yaml

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(GOLDEN.glob("*/*.yaml"))
CASE_KEYS = {"description", "framework", "evaluation", "evaluation_file", "expect"}
EXPECT_KEYS = {"total", "grade", "execution_rate", "blocks", "items", "flags", "unmatched", "findings"}
MIN_CASES_PER_FRAMEWORK = 4


@dataclass(frozen=True)
class Case:
    path: Path
    description: str
    framework: Framework
    evaluation: Evaluation
    expect: dict[str, Any] = field(default_factory=dict)


def _case_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def load_case(path: Path) -> Case:
    data = parse_yaml(path.read_text(encoding="utf-8"), str(path))
    assert isinstance(data, dict), f"{path}：顶层应为键值对"
    unknown = set(data) - CASE_KEYS
    assert not unknown, f"{path}：未知的键 {sorted(unknown)}，可用：{sorted(CASE_KEYS)}"
    expect = data.get("expect") or {}
    unknown = set(expect) - EXPECT_KEYS
    assert not unknown, f"{path}：expect 下未知的键 {sorted(unknown)}，可用：{sorted(EXPECT_KEYS)}"
    assert str(data.get("description", "")).strip(), f"{path}：缺少 description"
    framework_id = data["framework"]
    assert framework_id == path.parent.name, f"{path}：framework 应与所在目录同名（{path.parent.name}）"
    if "evaluation_file" in data:
        evaluation = load_evaluation(path.parent / data["evaluation_file"])
    else:
        evaluation = parse_evaluation(data["evaluation"], f"{path}:evaluation")
    return Case(path, data["description"], builtin_frameworks()[framework_id], evaluation, expect)


def _dec(value: Any) -> Decimal:
    return Decimal(str(value))


def _line(item: ItemScore) -> str:
    weight = "—" if item.weight is None else f"{item.weight}"
    flags = f" [{', '.join(f.value for f in item.flags)}]" if item.flags else ""
    return f"  {item.path}（{item.name}）{item.score}/{weight}{flags}：{item.explanation}"


def _scorecard_text(card: Scorecard, block_id: str | None = None) -> str:
    lines = [_line(item) for item in card.items if block_id is None or item.block_id == block_id]
    return "\n".join(lines)


def compare(case: Case, card: Scorecard) -> list[str]:
    """Every difference between ``expect`` and the scorecard, each with its explanation."""
    expect, problems = case.expect, []
    if "total" in expect and _dec(expect["total"]) != card.total:
        problems.append(f"总分：期望 {expect['total']}，实际 {card.total}\n{_scorecard_text(card)}")
    if "grade" in expect and expect["grade"] != card.grade:
        problems.append(f"等级：期望 {expect['grade']}，实际 {card.grade}（总分 {card.total}）")
    if "execution_rate" in expect:
        wanted = expect["execution_rate"]
        if (wanted is None) != (card.execution_rate is None) or (
            wanted is not None and _dec(wanted) != card.execution_rate
        ):
            problems.append(f"预算执行率：期望 {wanted}，实际 {card.execution_rate}")
    blocks = {block.id: block for block in card.blocks}
    for block_id, wanted in (expect.get("blocks") or {}).items():
        block = blocks.get(block_id)
        if block is None:
            problems.append(f"blocks.{block_id}：评分标准中没有这个一级指标（有：{sorted(blocks)}）")
        elif _dec(wanted) != block.score:
            problems.append(
                f"blocks.{block_id}（{block.name}）：期望 {wanted}，实际 {block.score}\n"
                f"{_scorecard_text(card, block_id)}"
            )
    lines = {item.path: item for item in card.items}
    for path, wanted in (expect.get("items") or {}).items():
        item = lines.get(path)
        if item is None:
            problems.append(f"{path}：评分表中没有这一行（有：{sorted(lines)}）")
        elif _dec(wanted) != item.score:
            problems.append(f"{path}：期望 {wanted}，实际 {item.score}\n{_line(item)}")
    for path, wanted_flags in (expect.get("flags") or {}).items():
        item = lines.get(path)
        got = sorted(f.value for f in item.flags) if item else None
        if got is None or sorted(wanted_flags or []) != got:
            shown = _line(item) if item else "  （无此行）"
            problems.append(f"{path} 的标记：期望 {sorted(wanted_flags or [])}，实际 {got}\n{shown}")
    if "unmatched" in expect and list(expect["unmatched"]) != list(card.unmatched):
        problems.append(f"未归入任何栏目的指标：期望 {expect['unmatched']}，实际 {list(card.unmatched)}")
    return problems


@pytest.mark.parametrize("path", CASES, ids=_case_id)
def test_golden_case_scores_as_worked_by_hand(path: Path) -> None:
    case = load_case(path)
    card = score(case.evaluation, case.framework)
    problems = compare(case, card)
    if problems:
        pytest.fail(f"{_case_id(path)}：{case.description}\n" + "\n".join(problems), pytrace=False)


def _wants_findings(path: Path) -> bool:
    data = parse_yaml(path.read_text(encoding="utf-8"), str(path))
    return isinstance(data, dict) and "findings" in (data.get("expect") or {})


FINDING_CASES = [path for path in CASES if _wants_findings(path)]


@pytest.mark.parametrize("path", FINDING_CASES, ids=_case_id)
def test_golden_case_findings(path: Path) -> None:
    case = load_case(path)
    card = score(case.evaluation, case.framework)
    findings = check(case.evaluation, case.framework, card)
    codes = {finding.code for finding in findings}
    wanted = case.expect["findings"]
    missing = sorted(set(wanted.get("present") or []) - codes)
    unwanted = sorted(set(wanted.get("absent") or []) & codes)
    listing = "\n".join(f"  {f.code} {f.severity.value} {f.path}：{f.message}" for f in findings)
    assert not missing and not unwanted, (
        f"{_case_id(path)}：应有而没有 {missing}，不应有却出现 {unwanted}\n实际审核意见：\n{listing}"
    )


def test_every_shipped_framework_has_golden_cases() -> None:
    counts = dict.fromkeys(builtin_frameworks(), 0)
    for path in CASES:
        assert path.parent.name in counts, f"{path.parent.name} 不是已发布的评分标准"
        counts[path.parent.name] += 1
    short = {k: v for k, v in counts.items() if v < MIN_CASES_PER_FRAMEWORK}
    assert not short, f"每个评分标准至少需要 {MIN_CASES_PER_FRAMEWORK} 个金标准案例：{short}"
