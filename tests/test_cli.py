"""The command line: real files in, real figures and exit codes out, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from jixiao import pipeline
from jixiao.cli import app
from jixiao.ingest.framework_file import builtin_frameworks

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "donghu-2021.yaml"
runner = CliRunner()


def run(*args: str) -> Any:
    return runner.invoke(app, list(args))


def json_of(result: Any) -> Any:
    return json.loads(result.stdout)


def all_values(data: Any) -> list[Any]:
    if isinstance(data, dict):
        return [v for value in data.values() for v in all_values(value)]
    if isinstance(data, list):
        return [v for value in data for v in all_values(value)]
    return [data]


def example_copy(folder: Path, name: str = "donghu.yaml", **replace: str) -> Path:
    text = EXAMPLE.read_text("utf-8")
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, "utf-8")
    return path


# --- score --------------------------------------------------------------------------------------


def test_score_json_gives_the_examples_total_grade_and_execution_rate() -> None:
    result = run("score", str(EXAMPLE), "--json")
    assert result.exit_code == 0, result.output
    data = json_of(result)
    assert list(data) == [
        "total", "grade", "execution_rate", "framework",
        "framework_choice", "framework_reason", "framework_fallback", "blocks", "indicators",
    ]  # fmt: skip
    assert data["framework_choice"] == "文件指定：部门整体支出绩效自评表（通用）"
    assert not data["framework_fallback"]
    assert data["total"] == "97.75"
    assert data["grade"] == "优"
    assert data["execution_rate"] == "102.19"
    assert data["framework"] == "dept-generic-2020"
    assert [(b["id"], b["weight"], b["score"]) for b in data["blocks"]] == [
        ("execution", "10", "10.00"),
        ("output", "50", "48.86"),
        ("effect", "30", "30.00"),
        ("satisfaction", "10", "8.89"),
    ]


def test_score_json_lists_framework_items_and_every_indicator_with_its_explanation() -> None:
    data = json_of(run("score", str(EXAMPLE), "--json"))
    lines = {line["path"]: line for line in data["indicators"]}
    assert len(data["indicators"]) == 16  # 预算执行率 + the example's 15 indicators
    assert lines["items.execution_rate"]["score"] == "10.00"
    assert "1496.62 ÷ 1464.48" in lines["items.execution_rate"]["explanation"]
    barrier_free = lines["indicators[7]"]
    assert barrier_free["name"] == "无障碍设施点位达标率"
    assert (barrier_free["weight"], barrier_free["score"]) == ("6", "4.86")
    assert "6 × 48.6 ÷ 60 = 4.86" in barrier_free["explanation"]
    assert lines["indicators[14]"]["score"] == "8.89"


def test_score_json_numbers_are_all_strings() -> None:
    data = json_of(run("score", str(EXAMPLE), "--json"))
    assert not [value for value in all_values(data) if isinstance(value, (int, float)) and not isinstance(value, bool)]


def test_score_prints_a_table_with_total_grade_and_explanations(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # names and explanations on one line each
    result = run("score", str(EXAMPLE))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "总分 97.75 分" in out and "等级 优" in out and "预算执行率 102.19%" in out
    assert "一级指标得分" in out and "评分明细" in out and "说明" in out
    assert "无障碍设施点位达标率" in out and "4.86" in out
    assert "单位填报：总分 89.8 分，等级 良" in out


def test_score_with_a_framework_file_uses_it(tmp_path: Path) -> None:
    framework = tmp_path / "bands.yaml"
    framework.write_text(
        (ROOT / "src/jixiao/frameworks/dept-generic-2020.yaml")
        .read_text("utf-8")
        .replace("id: dept-generic-2020", "id: strict-test")
        .replace("{grade: 优, min: 90}", "{grade: 优, min: 98}"),
        "utf-8",
    )
    data = json_of(run("score", str(EXAMPLE), "--framework", str(framework), "--json"))
    assert (data["framework"], data["total"], data["grade"]) == ("strict-test", "97.75", "良")


def test_score_refuses_a_framework_for_another_kind() -> None:
    result = run("score", str(EXAMPLE), "-f", "mof-2020-project")
    assert result.exit_code == 2
    assert "不能用于部门整体支出评价" in result.output
    assert str(EXAMPLE) in result.output


def test_an_unknown_framework_fails_before_reading_files() -> None:
    result = run("check", str(EXAMPLE), "--framework", "no-such-standard")
    assert result.exit_code == 2
    assert "未知的评分标准“no-such-standard”" in result.output
    assert "dept-generic-2020" in result.output  # the choices are listed


# --- check --------------------------------------------------------------------------------------


def test_check_the_example_blocks_on_satisfaction_without_a_survey() -> None:
    result = run("check", str(EXAMPLE), "--json")
    assert result.exit_code == 1, result.output
    (entry,) = json_of(result)["results"]
    assert (entry["file"], entry["ok"], entry["error"]) == (str(EXAMPLE), True, None)
    blocking = [f for f in entry["findings"] if f["severity"] == "P0"]
    assert any("满意度" in f["message"] for f in blocking), entry["findings"]
    assert all({"code", "severity", "message", "path"} <= set(f) <= {"code", "severity", "message", "path", "source"}
               for f in entry["findings"])  # fmt: skip


def test_check_human_output_groups_findings_and_summarises() -> None:
    result = run("check", str(EXAMPLE))
    assert result.exit_code == 1
    assert "P0 阻断" in result.stdout
    assert "共 1 个文件：已审核 1 个，无法读取 0 个" in result.stdout


def test_check_a_directory_of_good_and_bad_files(tmp_path: Path) -> None:
    good = example_copy(tmp_path)
    nested = example_copy(tmp_path / "2022", "other.yml")
    bad = tmp_path / "broken.yaml"
    bad.write_text("kind: 部门整体\nyear: [2021\n", "utf-8")
    (tmp_path / "readme.txt").write_text("不是评价文件", "utf-8")
    result = run("check", str(tmp_path), "--json", "--workers", "2")
    assert result.exit_code == 2  # unreadable input wins over P0 findings
    entries = json_of(result)["results"]
    assert [entry["file"] for entry in entries] == [str(nested), str(bad), str(good)]
    assert [entry["ok"] for entry in entries] == [True, False, True]
    assert entries[1]["error"].startswith(f"{bad}：第 ")
    assert "YAML 格式错误" in entries[1]["error"]
    assert entries[0]["findings"] == entries[2]["findings"] != []


def test_parallel_and_in_process_checks_agree(tmp_path: Path) -> None:
    for year in ("2019", "2020", "2021"):
        example_copy(tmp_path, f"{year}.yaml")
    serial = run("check", str(tmp_path), "--json", "--workers", "1")
    parallel = run("check", str(tmp_path), "--json", "--workers", "2")
    assert serial.exit_code == parallel.exit_code == 1
    assert json_of(serial) == json_of(parallel)


def test_check_summary_counts_unreadable_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{", "utf-8")
    result = run("check", str(EXAMPLE), str(bad), str(tmp_path / "missing.yaml"))
    assert result.exit_code == 2
    assert "共 3 个文件：已审核 1 个，无法读取 2 个" in result.stdout
    assert f"{bad}：第 1 行" in result.stdout
    assert "文件或目录不存在" in result.stdout


def test_an_internal_error_is_reported_without_traceback_unless_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(pipeline, "score", broken)
    quiet = run("check", str(EXAMPLE))
    assert quiet.exit_code == 2
    assert f"✗ 内部错误：{EXAMPLE}：" in quiet.output and "ZeroDivisionError: boom" in quiet.output
    assert "无法读取 0 个，内部错误 1 个" in quiet.output
    assert "Traceback" not in quiet.output
    loud = run("check", str(EXAMPLE), "--debug")
    assert "Traceback" in loud.output


# --- unreadable inputs: Chinese error naming file and place, exit 2, no traceback ---------------


def _zip_bomb(path: Path, unpacked: int = 150 * 1024 * 1024) -> None:
    """A small .xlsx-looking zip whose one sheet inflates to ``unpacked`` bytes of zeros."""
    chunk = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for _ in range(unpacked // len(chunk)):
                sheet.write(chunk)


BAD_INPUTS = {
    "invalid-yaml": ("bad.yaml", "kind: 部门整体\nyear: 2021\nunit: {name: 某单位\n", "YAML 格式错误"),
    "wrong-type": ("types.yaml", "kind: 部门整体\nyear: 二〇二一\nunit: {name: 某单位}\n", "year"),
    "negative-amount": (
        "negative.yaml",
        "kind: 部门整体\nyear: 2021\nunit: {name: 某单位}\nbudget: {adjusted: 100, executed: -5}\n",
        "budget.executed",
    ),
    "unknown-kind": ("kind.yaml", "kind: 部门\u0020整体\nyear: 2021\nunit: {name: 某单位}\n", "kind"),
    "invalid-json": ("bad.json", '{"kind": "项目", "year": 2021,', "JSON 格式错误"),
    "unsupported-type": ("notes.md", "随便写的", "不支持的文件类型"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_a_chinese_error_with_its_place(tmp_path: Path, case: str) -> None:
    name, text, place = BAD_INPUTS[case]
    path = tmp_path / name
    path.write_text(text, "utf-8")
    for command in (["score", str(path)], ["check", str(path)]):
        result = run(*command)
        assert result.exit_code == 2, result.output
        assert str(path) in result.output and place in result.output
        assert "Traceback" not in result.output and "内部错误" not in result.output


@pytest.mark.parametrize("name", ["huge.yaml", "huge.xlsx"])
def test_a_50_mb_file_is_refused_before_reading(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: no 50 MB written to disk
    result = run("check", str(path), "--json")
    assert result.exit_code == 2
    (entry,) = json_of(result)["results"]
    assert entry["ok"] is False
    assert entry["error"].startswith(str(path)) and "50.0 MB 超过上限" in entry["error"]


def test_a_zip_bomb_named_xlsx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    _zip_bomb(path)
    assert path.stat().st_size < 1024 * 1024
    result = run("check", str(path), "--json")
    assert result.exit_code == 2
    (entry,) = json_of(result)["results"]
    assert entry["ok"] is False and entry["error"].startswith(str(path))
    assert "内部错误" not in entry["error"]


def test_garbage_named_xlsx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"this is not a spreadsheet" * 100)
    result = run("score", str(path))
    assert result.exit_code == 2
    assert str(path) in result.output and "Traceback" not in result.output and "内部错误" not in result.output


# --- frameworks ---------------------------------------------------------------------------------


def test_frameworks_lists_every_shipped_framework() -> None:
    result = run("frameworks")
    assert result.exit_code == 0
    shipped = list(builtin_frameworks())
    assert len(shipped) >= 2
    assert {"dept-generic-2020", "mof-2020-project"} <= set(shipped)
    for framework_id in shipped:
        assert framework_id in result.stdout


def test_frameworks_shows_one_with_weights_rules_and_guidance() -> None:
    result = run("frameworks", "dept-generic-2020")
    assert result.exit_code == 0
    out = result.stdout
    assert "部门整体支出绩效自评表（通用）" in out
    assert "等级：优≥90 良≥80 中≥60 差<60" in out
    assert "预算执行（execution）　10 分" in out
    assert "items.execution_rate" in out and "execution_rate" in out
    assert "评分说明：执行率 = 全年执行数 ÷ 全年预算数" in out
    assert "应包含：时效指标、成本指标" in out


def test_frameworks_unknown_id_is_exit_2() -> None:
    result = run("frameworks", "no-such-standard")
    assert result.exit_code == 2
    assert "未知的评分标准" in result.output


# --- usage and help -----------------------------------------------------------------------------


def test_help_is_chinese() -> None:
    for args in ([], ["--help"], ["score", "--help"], ["check", "-h"], ["frameworks", "--help"]):
        result = run(*args)
        assert "用法：jixiao" in result.output, args
        assert "显示本帮助并退出" in result.output
        for english in ("Usage:", "Show this message", "Options", "Arguments", "[required]"):
            assert english not in result.output, (args, english)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["score"], "缺少参数 文件"),
        (["scor", "x"], "没有命令“scor”，是否想用 score？"),
        (["check", "--workers", "many", "x"], "选项 --workers 的取值无效，应为整数"),
        (["check", "--workers", "0", "x"], "--workers 应为正整数"),
        (["check", "--nope", "x"], "没有选项 --nope"),
        (["score", "a.yaml", "b.yaml"], "多余的参数：b.yaml"),
    ],
)
def test_usage_errors_are_chinese_and_exit_2(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


# --- the real program: exit codes through a process ---------------------------------------------


def _jixiao(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "120"}
    return subprocess.run(
        [sys.executable, "-m", "jixiao", *args],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def test_process_exit_codes(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: [", "utf-8")
    listing = _jixiao("frameworks")
    blocked = _jixiao("check", "examples/donghu-2021.yaml", "--json")
    unreadable = _jixiao("check", "examples/donghu-2021.yaml", str(bad))
    assert (listing.returncode, blocked.returncode, unreadable.returncode) == (0, 1, 2)
    assert json.loads(blocked.stdout)["results"][0]["ok"] is True
    assert blocked.stderr == ""  # --json: nothing but JSON, on stdout only
    assert f"{bad}：第 1 行" in unreadable.stdout
    for done in (listing, blocked, unreadable):
        assert "Traceback" not in done.stdout + done.stderr
