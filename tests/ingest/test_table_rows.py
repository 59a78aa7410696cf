"""Rows of the indicator table that are not indicators: placeholders ("指标2", "……", blank names)
are skipped and reported once; "其中…" rows and rows indented under a weighted indicator become
its parts, never scored (docs/checks.md#parts-and-placeholders). Drawn from the real-table fixtures."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from jixiao.core.checks.codes import Code
from jixiao.core.findings import Finding, Severity
from jixiao.core.model import Evaluation
from jixiao.ingest.table import read_table
from jixiao.pipeline import evaluate_file
from jixiao.testing import tablegen


def _drawn(case_id: str, folder: Path, spec: dict[str, Any] | None = None) -> Path:
    path, _ = tablegen.write_case(case_id, folder, spec=spec)
    return path


def _of(findings: tuple[Finding, ...], code: str) -> list[Finding]:
    return [finding for finding in findings if finding.code == code]


def test_t01_skips_its_16_placeholder_rows_and_reports_them_once(tmp_path: Path) -> None:
    path = _drawn("T01", tmp_path)
    evaluation = read_table(path)
    assert len(evaluation.skipped_rows) == 16
    assert evaluation.skipped_rows[0] == ("附件1!C15", "指标2")
    assert {text for _, text in evaluation.skipped_rows} == {"指标1", "指标2", "……"}
    names = [indicator.name for indicator in evaluation.indicators]
    assert len(names) == 9 and "指标1工程资金金额" in names and "指标2" not in names
    findings = evaluate_file(path).findings
    [skipped] = _of(findings, Code.PLACEHOLDER_ROWS_SKIPPED)
    assert skipped.severity is Severity.P2
    assert "16 行" in skipped.message and "附件1!C15“指标2”" in skipped.message
    assert _of(findings, Code.INDICATOR_WEIGHT_MISSING) == []  # placeholders are not indicators


def test_t03_indented_rows_become_parts_of_the_weighted_indicator_above(tmp_path: Path) -> None:
    evaluation = read_table(_drawn("T03", tmp_path))
    assert [(i.name, i.weight) for i in evaluation.indicators] == [
        ("★补助各类粮食作物种植面积", 10), ("★补助各类瓜果蔬菜种植面积", 10), ("★补助家畜家禽养殖数量", 10),
    ]  # fmt: skip
    fruit = evaluation.indicators[1]
    assert [(p.name, p.actual.text) for p in fruit.parts] == [
        ("梨树种植面积", "6亩"), ("桃种植面积", "1亩"), ("葡萄种植面积", "4.5亩"), ("苹果种植面积", "4.7亩"),
    ]  # fmt: skip
    assert evaluation.source_of("indicators[1].parts[0].actual") == "Sheet1!F15"
    assert evaluation.skipped_rows == ()


def test_t03_mixed_units_in_the_parts_are_advice_and_nothing_blocks_for_the_parts(tmp_path: Path) -> None:
    findings = evaluate_file(_drawn("T03", tmp_path)).findings
    [mixed] = _of(findings, Code.INDICATOR_PARTS_UNITS_MIXED)
    assert (mixed.severity, mixed.path) == (Severity.P2, "indicators[2].parts")
    assert "80头" in mixed.message and "500只" in mixed.message
    assert _of(findings, Code.INDICATOR_WEIGHT_MISSING) == []
    assert _of(findings, Code.INDICATOR_PARTS_EXCEED_TOTAL) == []  # 亩 parts have a blank parent


def _with_breakdown(parent: str, parts: list[str], name_prefix: str = "其中：") -> dict[str, Any]:
    """T03 with its first parent given ``parent`` as target and actual, and ``parts`` under it."""
    spec = copy.deepcopy(tablegen.case("T03"))
    first = spec["indicators"][0]
    rows = [[*first[:4], parent, parent, *first[6:]]]
    for k, value in enumerate(parts):
        rows.append([*first[:2], f"{name_prefix}地块{k + 1}", None, value, value, None, None])
    spec["indicators"] = rows + spec["indicators"][2:]
    return spec


def _read(spec: dict[str, Any], folder: Path) -> tuple[Evaluation, tuple[Finding, ...]]:
    path = _drawn("T03", folder, spec)
    return read_table(path), evaluate_file(path).findings


def test_parts_that_add_up_to_their_parent_are_quiet(tmp_path: Path) -> None:
    # The example: 29.5亩 = 1.5亩 + 5亩 + 20亩 + 3亩.
    evaluation, findings = _read(_with_breakdown("29.5亩", ["1.5亩", "5亩", "20亩", "3亩"]), tmp_path)
    assert [p.name for p in evaluation.indicators[0].parts] == [
        "其中：地块1",
        "其中：地块2",
        "其中：地块3",
        "其中：地块4",
    ]
    assert evaluation.indicators[0].weight == 10
    assert _of(findings, Code.INDICATOR_PARTS_EXCEED_TOTAL) == []
    assert [f.path for f in _of(findings, Code.INDICATOR_PARTS_UNITS_MIXED)] == ["indicators[2].parts"]  # 头/只 below


def test_parts_above_their_parent_are_p1_with_the_figures(tmp_path: Path) -> None:
    _, findings = _read(_with_breakdown("29.5亩", ["1.5亩", "5亩", "21亩", "3亩"]), tmp_path)
    [exceed] = [f for f in _of(findings, Code.INDICATOR_PARTS_EXCEED_TOTAL) if f.path == "indicators[0].actual"]
    assert exceed.severity is Severity.P1
    assert "1.5亩 + 5亩 + 21亩 + 3亩" in exceed.message and "“29.5亩”" in exceed.message


def test_parts_scaled_by_wan_are_added_in_one_unit(tmp_path: Path) -> None:
    _, findings = _read(_with_breakdown("2万亩", ["0.5万亩", "15000亩"]), tmp_path)
    assert _of(findings, Code.INDICATOR_PARTS_EXCEED_TOTAL) == []
    _, findings = _read(_with_breakdown("2万亩", ["0.6万亩", "15000亩"]), tmp_path)
    assert _of(findings, Code.INDICATOR_PARTS_EXCEED_TOTAL)


def test_a_qizhong_row_with_its_own_weight_stays_an_indicator(tmp_path: Path) -> None:
    spec = _with_breakdown("29.5亩", ["1.5亩"])
    spec["indicators"][1][3] = 5  # the 其中 row has a weight of its own
    evaluation, _ = _read(spec, tmp_path)
    assert [i.name for i in evaluation.indicators][:2] == ["★补助各类粮食作物种植面积", "其中：地块1"]
    assert evaluation.indicators[0].parts == ()


def test_an_unnamed_row_with_figures_is_still_an_import_note_not_a_placeholder(tmp_path: Path) -> None:
    spec = _with_breakdown("29.5亩", [])
    spec["indicators"].insert(1, [*spec["indicators"][0][:2], None, 5, "3亩", "3亩", 5, None])
    evaluation, findings = _read(spec, tmp_path)
    assert evaluation.skipped_rows == ()
    assert any("三级指标名称为空" in message for _, message in evaluation.import_notes)
    assert _of(findings, Code.PLACEHOLDER_ROWS_SKIPPED) == []


def test_parts_and_skipped_rows_survive_the_evaluation_file(tmp_path: Path) -> None:
    from jixiao.ingest.evaluation_file import parse_evaluation, to_data

    for case_id in ("T01", "T03"):
        evaluation = read_table(_drawn(case_id, tmp_path))
        again = parse_evaluation(to_data(evaluation))
        assert again.indicators == evaluation.indicators
        assert again.skipped_rows == evaluation.skipped_rows
