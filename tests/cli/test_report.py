"""`jixiao report`: files and directories in, reports out, Chinese messages, honest exit codes."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from typer.testing import CliRunner

from jixiao import pipeline
from jixiao.cli import app
from jixiao.cli.report import output_paths
from tests.reports.conftest import EXAMPLE, FINDINGS, confirmed_file

runner = CliRunner()


def run(*args: str) -> Any:
    return runner.invoke(app, list(args))


def copy_example(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(confirmed_file(folder.parent).read_text("utf-8"), "utf-8")
    return path


def test_one_file_to_docx(tmp_path: Path) -> None:
    result = run("report", str(confirmed_file(tmp_path)), "--format", "docx", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    document = docx.Document(tmp_path / "donghu-2021.docx")
    assert document.paragraphs[1].text == "部门整体支出绩效自评报告"
    assert "已生成 1 个报告（docx）" in result.output


def test_output_may_name_the_file_for_a_single_input(tmp_path: Path) -> None:
    target = tmp_path / "东湖区自评表.xlsx"
    result = run("report", str(confirmed_file(tmp_path)), "--format", "xlsx", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(target)["自评表"]["A1"].value == "2021年度部门整体支出绩效自评表"


def test_a_directory_with_a_broken_file_writes_the_rest_and_exits_2(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    copy_example(inputs, "a.yaml")
    copy_example(inputs, "b.yaml")
    (inputs / "坏.yaml").write_text("kind: 部门整体\nyear: [", "utf-8")
    result = run("report", str(inputs), "--format", "html", "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.html", "b.html"]
    assert "坏.yaml" in result.output and "YAML 格式错误" in result.output
    assert "已生成 2 个报告（html）" in result.output and "1 个文件无法读取" in result.output


def test_unknown_format_is_refused_in_chinese(tmp_path: Path) -> None:
    result = run("report", str(EXAMPLE), "--format", "odt", "-o", str(tmp_path))
    assert result.exit_code == 2
    assert "--format 应为 docx、xlsx、html、pdf 之一" in result.output


def test_a_broken_template_is_named(tmp_path: Path) -> None:
    template = tmp_path / "模板.yaml"
    template.write_text("kind: 部门整体\ntitle: ['{unit}']\nbody:\n  - text: '{没有}'\n", "utf-8")
    result = run("report", str(EXAMPLE), "--template", str(template), "-o", str(tmp_path))
    assert result.exit_code == 2
    assert "模板.yaml" in result.output and "body[0].text" in result.output and "未知的占位符" in result.output


def test_review_copy_carries_the_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "check", lambda evaluation, framework, card: FINDINGS)
    result = run("report", str(EXAMPLE), "--review", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    document = docx.Document(tmp_path / "donghu-2021-审核版.docx")
    text = "\n".join(p.text for p in document.paragraphs)
    assert "附件：审核意见" in text and FINDINGS[0].message in text


def test_publication_copy_has_no_findings_even_when_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "check", lambda evaluation, framework, card: FINDINGS)
    assert run("report", str(confirmed_file(tmp_path)), "-o", str(tmp_path)).exit_code == 0
    data = (tmp_path / "donghu-2021.docx").read_bytes()
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert "审核意见" not in text


def test_output_names_never_collide(tmp_path: Path) -> None:
    files = [Path("x/a.yaml"), Path("y/a.yaml"), Path("x/A.xlsx")]
    assert [p.name for p in output_paths(files, "docx", tmp_path, review=False)] == ["a.docx", "a-2.docx", "A-3.docx"]
    assert output_paths([Path("a.yaml")], "pdf", tmp_path / "报告.pdf", review=True) == [tmp_path / "报告.pdf"]
