"""Bounded numbers (docs/file-formats.md#bounds): every reader refuses a figure out of range in
Chinese, naming the field or the cell; within the bounds scoring, checks and reports never fail."""

from __future__ import annotations

import copy
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.core.bounds import AMOUNT, COUNT, MEASURE, RATE, SCORE, violations
from jixiao.core.checks import check
from jixiao.core.scoring import score
from jixiao.ingest.errors import InputError
from jixiao.ingest.evaluation_file import load_evaluation, parse_evaluation
from jixiao.ingest.framework_file import builtin_framework_sources
from jixiao.ingest.table import read_table
from jixiao.ingest.targets_file import parse_declaration, parse_monitoring
from jixiao.ingest.textfile import load_data
from jixiao.reports import render
from jixiao.testing import tablegen

ROOT = Path(__file__).parents[2]
EXAMPLE = load_data(ROOT / "examples/donghu-2021.yaml")
FRAMEWORKS = {framework.id: framework for framework, _ in builtin_framework_sources()}


def test_bounds_say_their_limits_in_chinese() -> None:
    assert AMOUNT.describe() == "最大 1 000 000 000 000 万元，最多 6 位小数"
    assert SCORE.describe() == "最大 1 000 分，最多 4 位小数"
    assert RATE.describe() == "绝对值不超过 1 000 000 %，最多 4 位小数"
    assert COUNT.describe() == "最大 1 000 000 000，应为整数"
    assert MEASURE.problem(D("-1e12")) is None and MEASURE.problem(D("-1.0000000001e12")) is not None
    assert AMOUNT.problem(D("1e12")) is None
    assert AMOUNT.problem(D("1000000000000.000001")) == "数值超出允许范围（最大 1 000 000 000 000 万元，最多 6 位小数）"
    assert AMOUNT.problem(D("0.0000001")) is not None  # 7 decimals
    assert AMOUNT.problem(D("1.5000000")) is None  # trailing zeros are not precision
    assert AMOUNT.problem(D("-0")) is None
    assert COUNT.problem(3) is None and COUNT.problem(D("2.5")) is not None and COUNT.problem(-1) is not None
    assert SCORE.problem(D("NaN")) == "应为有限的数字"


@pytest.mark.parametrize(
    ("where", "value", "path", "bound"),
    [
        ("weight", "1e308", "indicators[0].weight", "最大 1 000 分"),
        ("weight", "1e999999", "indicators[0].weight", "最大 1 000 分"),
        ("weight", D("1E+308"), "indicators[0].weight", "最大 1 000 分"),
        ("weight", "0.00001", "indicators[0].weight", "最多 4 位小数"),
        ("budget.adjusted", "1e-999999", "budget.adjusted", "最多 6 位小数"),
        ("budget.executed", "1e999999", "budget.executed", "最大 1 000 000 000 000 万元"),
        ("actual", D("1E+308"), "indicators[0].actual", "1 000 000 000 000"),
        ("actual", "9" * 400, "indicators[0].actual", "1 000 000 000 000"),
        ("stated_score", "1e999999", "indicators[0].stated_score", "最大 1 000 分"),
    ],
)
def test_evaluation_files_refuse_figures_out_of_bounds(where: str, value: Any, path: str, bound: str) -> None:
    data = copy.deepcopy(EXAMPLE)
    if where.startswith("budget."):
        data["budget"][where.removeprefix("budget.")] = value
    else:
        data["indicators"][0][where] = value
    with pytest.raises(InputError) as caught:
        parse_evaluation(data, "x.yaml")
    assert caught.value.location == path
    assert caught.value.message.startswith("数值超出允许范围（") and bound in caught.value.message


def test_budget_in_yuan_names_its_unit_and_counts_are_integers() -> None:
    data = copy.deepcopy(EXAMPLE)
    data["budget"] |= {"unit": "元", "initial": "2e12"}
    with pytest.raises(InputError) as caught:
        parse_evaluation(data)
    assert "最大 1 000 000 000 000 元，" in caught.value.message
    evaluation = load_evaluation(ROOT / "examples/donghu-2021.yaml")
    assert violations(evaluation) == []


# Figures at and near the bounds: the extremes a document may hold.
_AMOUNTS = st.sampled_from(["0", "0.000001", "1000000000000", "999999999999.999999", "-0", "1"])
_MEASURES = st.sampled_from([
    "0.000000001", "1000000000000", "-1000000000000", "0", "-0.000001", "999999999999.999999%",
    "1000000000000万元", "0.000000001亿", "≥1000000000000", "≤0.000000001", "1000000000000亿",
])  # fmt: skip
_SCORES = st.sampled_from(["0", "0.0001", "1000", "999.9999"])


@st.composite
def extreme_documents(draw: st.DrawFn) -> dict[str, Any]:
    data = copy.deepcopy(EXAMPLE)
    for key in ("initial", "adjusted", "executed", "carryover"):
        data["budget"][key] = draw(_AMOUNTS)
    for indicator in data["indicators"]:
        indicator |= {"target": draw(_MEASURES), "actual": draw(_MEASURES), "weight": draw(_SCORES)}
    data["stated"] = {
        "execution_rate": draw(st.sampled_from(["1000000", "0.0001", "-1000000"])),
        "total": draw(_SCORES),
    }
    data["framework"] = draw(st.sampled_from(sorted(FRAMEWORKS)))
    return data


@settings(max_examples=40, deadline=None)
@given(extreme_documents())
def test_figures_within_bounds_always_score_and_check(data: dict[str, Any]) -> None:
    evaluation = parse_evaluation(data)
    framework = FRAMEWORKS[data["framework"]]
    card = score(evaluation, framework)
    check(evaluation, framework, card)
    assert card.total is None or D(0) <= card.total <= framework.total


@settings(max_examples=4, deadline=None)
@given(extreme_documents())
def test_reports_of_extreme_figures_are_written(tmp_path_factory: pytest.TempPathFactory, data: dict[str, Any]) -> None:
    evaluation = parse_evaluation(data)
    framework = FRAMEWORKS[data["framework"]]
    card = score(evaluation, framework)
    folder = tmp_path_factory.mktemp("reports")
    for fmt in ("docx", "xlsx"):
        out = render(evaluation, card, fmt, folder / f"r.{fmt}", framework=framework, review_copy=True)
        assert out.stat().st_size > 1000


def test_table_cells_out_of_bounds_are_notes_naming_the_cell(tmp_path: Path) -> None:
    spec = tablegen.case("R01")
    spec.pop("formulas")  # the adjusted budget is a typed cell here, not a formula's cached value
    spec["budget"]["rows"][0] = ["年度资金总额", None, "1e999999", 387664.62]
    spec["indicators"][0][4] = "1" + "0" * 30  # 实际完成值
    spec["indicators"][1][5] = "1e308"  # 分值
    spec["indicators"][2][5] = "10.123456"  # 分值: rounded to 4 decimals
    path, _ = tablegen.write_case("R01", tmp_path, spec=spec)
    evaluation = read_table(path)
    notes = dict(evaluation.import_notes)
    beyond = [(where, message) for where, message in notes.items() if "数值超出允许范围" in message]
    assert len(beyond) == 3, notes
    assert all(where.startswith("14表!") for where, _ in beyond)
    assert (
        "全年预算数“1000000000000000000000000000000000000…”数值超出允许范围（最大 1 000 000 000 000 元，"
        in notes["14表!E8"]
    )
    assert evaluation.budget.adjusted is None
    assert evaluation.indicators[0].actual.is_blank
    assert evaluation.indicators[1].weight is None
    assert evaluation.indicators[2].weight == D("10.1235")
    assert any("已四舍五入为 10.1235" in message for message in notes.values())
    assert violations(evaluation) == []


@pytest.mark.parametrize(
    ("name", "change", "path"),
    [
        ("declaration.yaml", lambda d: d["funds"].update(request="1e999999"), "funds.request"),
        ("declaration.yaml", lambda d: d["indicators"][0].update(weight="1e308"), "indicators[0].weight"),
        ("declaration.yaml", lambda d: d["indicators"][1].update(target=D("1E+308")), "indicators[1].target"),
        ("monitoring.yaml", lambda d: d["budget"].update(spent="1e-999999"), "budget.spent"),
        ("monitoring.yaml", lambda d: d["indicators"][0].update(expected=D("-1E+30")), "indicators[0].expected"),
    ],
)
def test_target_declarations_and_monitoring_reports_are_bounded(name: str, change: Any, path: str) -> None:
    data = load_data(ROOT / "examples/targets" / name)
    parse = parse_declaration if name.startswith("declaration") else parse_monitoring
    parse(copy.deepcopy(data))  # the example itself is within bounds
    change(data)
    with pytest.raises(InputError) as caught:
        parse(data)
    assert caught.value.location == path and caught.value.message.startswith("数值超出允许范围（")
