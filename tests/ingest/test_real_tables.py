"""The real-table corpus (src/jixiao/testing/tables/real_tables.yaml, tables.yaml): every case draws and goes
through the importer and checker without an internal error, and its labels are well formed.

The precision the checker reaches on this corpus is measured by bench/real_tables.py, not here.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.core.checks.codes import Code
from jixiao.pipeline import evaluate_file
from jixiao.testing import tablegen

KINDS = {"arithmetic", "rounding", "plausibility", "design", "inferred", "excerpt"}
CODES = {code.value for code in Code}
SHARED = Path(__file__).resolve().parents[3] / "shared" / "cases"


@pytest.mark.parametrize("case_id", tablegen.all_case_ids())
def test_case_draws_and_runs_through_the_pipeline(case_id: str, tmp_path: Path) -> None:
    spec = tablegen.case(case_id)
    suffix = "." + spec.get("format", "xlsx")
    path, drawing = tablegen.write_case(case_id, tmp_path, suffix=suffix)
    assert drawing.cells, "nothing drawn"
    result = evaluate_file(path)
    assert not result.internal_error, result.traceback
    assert result.ok or result.error  # refused tables say why, in Chinese
    if suffix != ".csv":  # the CSV form of the same table must not crash either
        csv_path, _ = tablegen.write_case(case_id, tmp_path, suffix=".csv")
        assert not evaluate_file(csv_path).internal_error


@pytest.mark.parametrize("case_id", tablegen.all_case_ids())
def test_labels_are_well_formed(case_id: str) -> None:
    spec = tablegen.case(case_id)
    for key in ("source_url", "province", "level", "scheme", "labels"):
        assert key in spec, f"{case_id} has no {key}"
    assert spec["level"] in ("project", "department")
    assert spec["source_url"].startswith(("http://", "https://"))
    for label in spec["labels"]:
        assert set(label) == {"codes", "kind", "blocks", "note"}, label
        assert label["kind"] in KINDS
        assert isinstance(label["blocks"], bool)
        assert label["note"].strip()
        assert set(label["codes"]) <= CODES, f"unknown code in {case_id}: {label['codes']}"
        if label["kind"] in ("rounding", "plausibility"):
            assert not label["blocks"], f"{case_id}: a {label['kind']} label never blocks"
        if label["kind"] == "arithmetic":
            assert label["codes"], f"{case_id}: an arithmetic label must name the codes that report it"


def test_corpus_covers_what_issue_9_asks_for() -> None:
    real = [tablegen.case(case_id) for case_id in tablegen.real_case_ids()]
    assert len(real) >= 30
    provinces = {case["province"] for case in real if "推断" not in case["province"] and case["province"] != "未注明"}
    assert len(provinces) >= 8, provinces
    assert {case["level"] for case in real} == {"project", "department"}
    full = [case for case in real if _has_indicator_scores(case)]
    assert len(full) >= 10


def _has_indicator_scores(case: dict[str, object]) -> bool:
    columns = case.get("columns", tablegen.DEFAULT_COLUMNS)
    assert isinstance(columns, list)
    rows = case.get("indicators", [])
    assert isinstance(rows, list)
    if "score" not in columns or len(rows) < 3:
        return False
    at = columns.index("score")
    return sum(row[at] is not None for row in rows) >= 3


def test_sources_are_not_the_excluded_or_the_sample_pages() -> None:
    if not (SHARED / "excluded_sources.txt").exists():
        pytest.skip("../shared/cases is not present: the exclusion list cannot be checked")
    lines = (SHARED / "excluded_sources.txt").read_text(encoding="utf-8").splitlines()
    excluded = {line.strip() for line in lines if line.strip() and not line.startswith(("#", "title:"))}
    sample = (SHARED / "sample_cases.json").read_text(encoding="utf-8")
    urls = Counter(tablegen.case(case_id)["source_url"] for case_id in tablegen.real_case_ids())
    for url in urls:
        assert url not in excluded
        assert url not in sample
    # one page may hold two tables (T10 and T11), never more
    assert max(urls.values()) <= 2


def _run(case_id: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    path, _ = tablegen.write_case(case_id, tmp_path)
    result = evaluate_file(path)
    assert result.ok, result.error
    return result


def test_a_hubei_table_is_recognised_and_scored_on_its_printed_weights(tmp_path: Path) -> None:
    result = _run("T08", tmp_path)  # 项目决策（20分）/ 项目管理（10分）/ 项目绩效（特性指标70分）
    assert result.framework_id == "hubei-project-2020"
    assert result.framework_choice.startswith("按表头识别")
    assert "项目决策(20分) → 项目决策" in result.framework_reason
    assert not any(f.code == "INDICATOR_L1_UNMATCHED" for f in result.findings)


def test_a_table_of_another_scheme_is_scored_as_printed_with_one_finding(tmp_path: Path) -> None:
    result = _run("T14", tmp_path)  # 部门预算管理（80分）, not a shipped scheme
    assert result.framework_fallback and result.framework_id == "as-printed"
    unmatched = [f for f in result.findings if f.code == "INDICATOR_L1_UNMATCHED"]
    assert len(unmatched) == 1 and unmatched[0].severity.value == "P1"
    assert "部门预算管理(80分)" in unmatched[0].message
    assert unmatched[0].source == "Sheet1!C4"  # the cell of the first unrecognised heading
    # the table's own arithmetic is still checked: three rows of 10 under a heading of 80
    assert any(f.code == "SLOT_WEIGHT_SUM_MISMATCH" for f in result.findings)


def test_a_table_whose_headings_fit_no_scheme_is_read_and_scored_as_printed(tmp_path: Path) -> None:
    # T25: 项目决策 holds 数量/质量/时效/成本 rows, no weights, and an 实施进度 column for the actual values
    result = _run("T25", tmp_path)
    assert result.framework_fallback
    assert result.evaluation is not None and result.evaluation.indicators[0].actual.text == "已完成100%"
    assert result.framework is not None
    assert [block.weight for block in result.framework.blocks] == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    assert not [f for f in result.findings if f.severity.value == "P0"]


def test_a_scoring_table_titled_evaluation_content_is_read(tmp_path: Path) -> None:
    # T15 (广水): 项目权重 | 评价内容 | 分值 | 自评分 — no 一级/二级/三级指标 titles
    result = _run("T15", tmp_path)
    assert result.evaluation is not None
    assert [i.name for i in result.evaluation.indicators][:2] == ["决策依据", "财务制度"]
    assert result.framework_id == "hubei-project-2020"
    assert [b.weight for b in result.framework.blocks][:2] == [2, 13]  # type: ignore[union-attr]
    assert not any(f.code == "NO_INDICATORS" for f in result.findings)


def test_budget_only_tables_with_other_column_titles_are_read(tmp_path: Path) -> None:
    # T22 全年预算数（A）| 全年执行资金（E）| 预算执行（E/C×100%）; T30 计划安排资金 | 实际支出;
    # T29 年初预算数 | 实际支付数 on one 市级财政资金 row and no total row
    figures = {}
    for case_id in ("T22", "T29", "T30"):
        result = _run(case_id, tmp_path)
        budget = result.evaluation.budget  # type: ignore[union-attr]
        figures[case_id] = (budget.initial, budget.adjusted, budget.executed)
        assert [f.code for f in result.findings if f.severity.value == "P0"] == ["NO_INDICATORS"]
    assert figures == {
        "T22": (None, Decimal("52.8"), Decimal("30.8")),
        "T29": (Decimal("210"), None, Decimal("197.33")),
        "T30": (None, Decimal("55"), Decimal("55")),
    }
    t22 = _run("T22", tmp_path)
    assert t22.evaluation is not None and t22.evaluation.stated.execution_rate == Decimal("58.33")
    assert not any(f.code == "EXECUTION_RATE_WRONG" for f in t22.findings)


def test_funds_split_by_item_with_their_own_breakdown_are_one_note_not_a_false_mismatch(tmp_path: Path) -> None:
    # T23: 合计 1084.25 = 668 + 343 + 73.25, then two items (763, 321.25) each with its own 其中 rows
    result = _run("T23", tmp_path)
    budget = result.evaluation.budget  # type: ignore[union-attr]
    assert budget.adjusted == Decimal("1084.25")
    assert [(line.name, line.adjusted) for line in budget.by_source] == [
        ("中央补助", Decimal("668")), ("市级资金", Decimal("343")), ("本级资金", Decimal("73.25")),
    ]
    assert not any(f.code == "BUDGET_SOURCE_SUM_MISMATCH" for f in result.findings)
    notes = [f for f in result.findings if f.code == "IMPORT_UNREADABLE"]
    assert len(notes) == 1 and notes[0].path == "Sheet1!B7"
    assert "农村部分计划生育家庭奖励扶助制度补助资金" in notes[0].message


def test_an_execution_weight_printed_in_the_budget_heading_is_read(tmp_path: Path) -> None:
    # T06: 预算执行情况（万元）（20分）| 得分（20分*执行率）: 20 points, not the 10 of 财预〔2020〕10号
    result = _run("T06", tmp_path)
    assert result.evaluation is not None and result.evaluation.stated.execution_weight == Decimal("20")
    assert not any(f.code == "EXECUTION_SCORE_ABOVE_WEIGHT" for f in result.findings)
    assert result.framework_fallback
