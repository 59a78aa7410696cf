"""Declaration, monitoring and library files through ``jixiao check`` (docs/targets.md#files)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.ingest.errors import InputError
from jixiao.ingest.targets_file import parse_declaration, parse_monitoring, seed_library
from jixiao.pipeline import evaluate_file

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "targets"
runner = CliRunner()


def test_check_accepts_a_declaration_and_reports_its_findings() -> None:
    result = runner.invoke(app, ["check", "--json", str(EXAMPLES / "declaration-flawed.yaml")])
    assert result.exit_code == 1  # P0 findings
    data = json.loads(result.stdout)["results"][0]
    assert data["document"] == "declaration"
    found = {(f["code"], f["severity"]) for f in data["findings"]}
    assert found == {
        ("TARGET_FUNDS_SUM_MISMATCH", "P0"),
        ("TARGET_LOCKED_MISSING", "P0"),
        ("TARGET_BELOW_FLOOR", "P0"),
        ("TARGET_NOT_MEASURABLE", "P0"),
        ("TARGET_UNIT_MISMATCH", "P0"),
        ("TARGET_GOAL_MISSING", "P1"),
        ("TARGET_COST_MISSING", "P1"),
        ("TARGET_BELOW_LAST_YEAR", "P1"),
        ("TARGET_SATISFACTION_AS_BENEFIT", "P1"),
    }


def test_check_accepts_a_monitoring_report_with_its_lights() -> None:
    result = runner.invoke(app, ["check", str(EXAMPLES / "monitoring.yaml"), str(EXAMPLES / "declaration.yaml")])
    assert result.exit_code == 0, result.stdout
    assert "执行率 52.22%，序时进度 58.33%" in result.stdout  # 470 ÷ (860 + 40 − 0)
    assert "预算黄灯" in result.stdout  # 6.11 points behind, yellow band 5–10 in the file's rules
    assert "无审核意见" in result.stdout


def test_monitoring_without_its_declaration_still_checks(tmp_path: Path) -> None:
    text = (EXAMPLES / "monitoring.yaml").read_text(encoding="utf-8").replace("declaration: declaration.yaml\n", "")
    text = text.replace("spent: 470", "spent: 950")
    file = tmp_path / "m.yaml"
    file.write_text(text, encoding="utf-8")
    result = evaluate_file(file)
    assert result.ok and result.document == "monitoring"
    assert [f.code for f in result.findings] == ["MONITOR_SPENT_ABOVE_AVAILABLE"]


@pytest.mark.parametrize(
    ("change", "message", "location"),
    [
        ("month: 7", "month: 13", "month"),
        ("likelihood: 确定能}", "likelihood: 大概}", "indicators[0].likelihood"),
    ],
)
def test_bad_monitoring_input_is_named(tmp_path: Path, change: str, message: str, location: str) -> None:
    text = (EXAMPLES / "monitoring.yaml").read_text(encoding="utf-8").replace(change, message, 1)
    file = tmp_path / "m.yaml"
    file.write_text(text, encoding="utf-8")
    result = evaluate_file(file)
    assert not result.ok
    assert result.error is not None and location in result.error


def test_unknown_schema_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "x.yaml"
    file.write_text("schema: jixiao/budget@9\n", encoding="utf-8")
    result = evaluate_file(file)
    assert not result.ok and result.error is not None and "不认识的 schema" in result.error


def test_parsers_read_chinese_terms() -> None:
    declaration = parse_declaration(
        {"kind": "部门整体", "year": 2025, "unit": "u", "indicators": [
            {"l1": "产出指标", "l2": "数量指标", "name": "n", "target": "≥3个", "direction": "正向"}]},
    )  # fmt: skip
    assert declaration.kind.value == "department"
    assert declaration.indicators[0].target.value == 3
    report = parse_monitoring(
        {"year": 2025, "month": 7, "unit": "u",
         "indicators": [{"name": "n", "likelihood": "完全不可能", "reasons": "资金未到位、政策变化"}]},
    )  # fmt: skip
    assert report.indicators[0].likelihood.value == "impossible"
    assert [r.value for r in report.indicators[0].reasons] == ["funds", "policy"]
    with pytest.raises(InputError, match=r"funds\.request"):
        parse_declaration({"kind": "项目", "year": 2025, "unit": "u", "funds": {"request": -1}})


def test_seed_library_covers_the_demo_sectors() -> None:
    library = seed_library()
    sectors = {entry.sector for entry in library}
    assert {"教育", "城市管理", "卫生健康", ""} <= sectors
    assert len({entry.code for entry in library}) == len(library)
    locked = [entry.code for entry in library if entry.locked]
    assert "GEN-003" in locked
