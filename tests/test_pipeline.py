"""The pipeline: file → evaluation → framework → scorecard → findings, never raising."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao import pipeline
from jixiao.core.findings import Finding, Severity
from jixiao.pipeline import FileResult, check_json, collect_files, evaluate_file, exit_code, number, scorecard_json

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "donghu-2021.yaml"


def _example_text(**replace: str) -> str:
    text = EXAMPLE.read_text("utf-8")
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def _finding(severity: Severity) -> Finding:
    return Finding(code="TEST", severity=severity, text="测试", path="budget")


def test_the_example_scores_97_75_and_is_checked() -> None:
    result = evaluate_file(EXAMPLE)
    assert result.ok, result.error
    assert result.error is None
    assert result.framework_id == "dept-generic-2020"
    assert result.scorecard is not None
    assert result.scorecard.total == Decimal("97.75")
    assert result.scorecard.grade == "优"
    assert result.scorecard.execution_rate == Decimal("102.19")
    assert result.evaluation is not None and result.evaluation.unit.name.startswith("东湖区")
    assert all(isinstance(finding, Finding) for finding in result.findings)


def test_scoring_only_skips_the_checker() -> None:
    result = evaluate_file(EXAMPLE, run_checks=False)
    assert result.ok and result.findings == ()


def test_explicit_framework_wins_over_the_file(tmp_path: Path) -> None:
    variant = tmp_path / "strict.yaml"
    variant.write_text(
        (ROOT / "src/jixiao/frameworks/dept-generic-2020.yaml")
        .read_text("utf-8")
        .replace("id: dept-generic-2020", "id: strict-test")
        .replace("{grade: 优, min: 90}", "{grade: 优, min: 98}"),
        "utf-8",
    )
    result = evaluate_file(EXAMPLE, str(variant), run_checks=False)
    assert result.ok, result.error
    assert result.framework_id == "strict-test"
    assert result.scorecard is not None and result.scorecard.grade == "良"


def test_the_file_framework_path_is_read_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "std").mkdir()
    (tmp_path / "std" / "mine.yaml").write_text(
        (ROOT / "src/jixiao/frameworks/dept-generic-2020.yaml")
        .read_text("utf-8")
        .replace("id: dept-generic-2020", "id: mine"),
        "utf-8",
    )
    file = tmp_path / "unit.yaml"
    file.write_text(_example_text(**{"framework: dept-generic-2020": "framework: std/mine.yaml"}), "utf-8")
    result = evaluate_file(file, run_checks=False)
    assert result.ok, result.error
    assert result.framework_id == "mine"


def test_without_a_framework_the_kind_picks_the_default(tmp_path: Path) -> None:
    file = tmp_path / "unit.yaml"
    file.write_text(_example_text(**{"framework: dept-generic-2020\n": ""}), "utf-8")
    assert evaluate_file(file, run_checks=False).framework_id == "dept-generic-2020"


def test_a_project_framework_is_refused_for_a_department_evaluation() -> None:
    result = evaluate_file(EXAMPLE, "mof-2020-project")
    assert not result.ok and not result.internal_error
    assert result.error is not None
    assert str(EXAMPLE) in result.error
    assert "framework" in result.error
    assert "不能用于部门整体支出评价" in result.error


def test_an_unknown_framework_in_the_file_names_the_file_and_field(tmp_path: Path) -> None:
    file = tmp_path / "unit.yaml"
    file.write_text(_example_text(**{"framework: dept-generic-2020": "framework: no-such-standard"}), "utf-8")
    result = evaluate_file(file)
    assert not result.ok and not result.internal_error
    assert result.error is not None
    assert result.error.startswith(f"{file}：framework：未知的评分标准“no-such-standard”")


def test_an_unreadable_file_is_a_result_not_an_exception(tmp_path: Path) -> None:
    file = tmp_path / "broken.yaml"
    file.write_text("kind: [\n", "utf-8")
    result = evaluate_file(file)
    assert result == FileResult(file=str(file), ok=False, error=result.error)
    assert result.error is not None and "第 2 行" in result.error and "YAML 格式错误" in result.error
    assert not result.internal_error


def test_a_bug_becomes_an_internal_error_naming_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(pipeline, "score", broken)
    result = evaluate_file(EXAMPLE)
    assert not result.ok
    assert result.internal_error
    assert result.error is not None
    assert result.error.startswith(f"内部错误：{EXAMPLE}：")
    assert "ZeroDivisionError: boom" in result.error
    assert "Traceback" in result.traceback and "boom" in result.traceback


def test_exit_code_two_wins_over_one_and_one_over_zero() -> None:
    clean = FileResult("a.yaml", ok=True, findings=(_finding(Severity.P1), _finding(Severity.P2)))
    blocking = FileResult("b.yaml", ok=True, findings=(_finding(Severity.P0),))
    unreadable = FileResult("c.yaml", ok=False, error="c.yaml：无法读取")
    assert exit_code([]) == 0
    assert exit_code([clean]) == 0
    assert exit_code([clean, blocking]) == 1
    assert exit_code([blocking, unreadable]) == 2
    assert exit_code([unreadable]) == 2


def test_numbers_are_fixed_point_strings() -> None:
    assert number(Decimal("97.75")) == "97.75"
    assert number(Decimal("1E+1")) == "10"
    assert number(Decimal("10.00")) == "10.00"
    assert number(Decimal("0.0000001")) == "0.0000001"
    assert number(None) is None


def test_scorecard_json_has_the_documented_keys_and_only_strings_for_numbers() -> None:
    result = evaluate_file(EXAMPLE, run_checks=False)
    assert result.scorecard is not None
    data = scorecard_json(result.scorecard)
    assert list(data) == ["total", "grade", "execution_rate", "framework", "blocks", "indicators"]
    assert all(list(block) == ["id", "name", "weight", "score"] for block in data["blocks"])
    assert all(list(line) == ["path", "name", "weight", "score", "explanation"] for line in data["indicators"])
    assert json.loads(json.dumps(data)) == data  # plain JSON, no Decimal left


def test_check_json_reports_every_file() -> None:
    results = [
        FileResult("a.yaml", ok=True, findings=(_finding(Severity.P0),), framework_id="mof-2020-project",
                   framework_choice="按表头识别：项目支出绩效自评表", framework_reason="一级指标相符"),
        FileResult("b.yaml", ok=False, error="b.yaml：无法读取"),
    ]
    unread = {"framework": None, "framework_choice": "", "framework_reason": "", "framework_fallback": False}
    assert check_json(results) == {
        "results": [
            {
                "file": "a.yaml",
                "ok": True,
                "error": None,
                "framework": "mof-2020-project",
                "framework_choice": "按表头识别：项目支出绩效自评表",
                "framework_reason": "一级指标相符",
                "framework_fallback": False,
                "findings": [{"code": "TEST", "severity": "P0", "message": "测试", "path": "budget"}],
            },
            {"file": "b.yaml", "ok": False, "error": "b.yaml：无法读取", **unread, "findings": []},
        ]
    }


def test_collect_files_walks_directories_once_and_reports_missing_paths(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("x", "utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.XLSX").write_bytes(b"x")
    (tmp_path / "sub" / "notes.txt").write_text("x", "utf-8")
    (tmp_path / "sub" / "~$b.xlsx").write_bytes(b"x")  # an Excel lock file
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "c.yaml").write_text("x", "utf-8")
    (tmp_path / "empty").mkdir()
    files, problems = collect_files([tmp_path, tmp_path / "a.yaml", tmp_path / "missing.yaml"])
    assert [file.relative_to(tmp_path).as_posix() for file in files] == ["a.yaml", "sub/b.XLSX"]
    assert [problem.file for problem in problems] == [str(tmp_path / "missing.yaml")]
    assert problems[0].error is not None and "不存在" in problems[0].error
    _, empty = collect_files([tmp_path / "empty"])
    assert empty[0].error is not None and "没有可检查的文件" in empty[0].error
