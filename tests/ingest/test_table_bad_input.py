"""Files that are not self-evaluation tables are refused with a Chinese InputError, nothing else."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from jixiao.ingest.errors import InputError
from jixiao.ingest.limits import MAX_FILE_BYTES, MAX_UNPACKED_BYTES
from jixiao.ingest.loader import load_any
from jixiao.ingest.table import read_table
from jixiao.pipeline import evaluate_file
from jixiao.testing import tablegen

CJK = re.compile(r"[\u4e00-\u9fff]")


def refused(path: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        read_table(path)
    error = caught.value
    assert error.file == str(path)
    assert CJK.search(error.message), error.message
    assert str(error).startswith(str(path))
    return error


def test_empty_files(tmp_path: Path) -> None:
    for name in ("empty.xlsx", "empty.csv"):
        path = tmp_path / name
        path.write_bytes(b"")
        assert "为空" in refused(path).message
    blank = tmp_path / "blank.csv"
    blank.write_text("\n\n  \n", encoding="utf-8")
    assert "为空" in refused(blank).message


def test_random_bytes_named_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "random.xlsx"
    path.write_bytes(os.urandom(4096))
    assert "不是有效的 Excel 文件" in refused(path).message


def test_old_xls_or_encrypted_file(tmp_path: Path) -> None:
    path = tmp_path / "old.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1000))
    assert ".xls" in refused(path).message


def test_a_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "不是表格")
    assert "没有 Excel 工作簿" in refused(path).message


def test_a_zip_with_a_broken_workbook_part(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<<<not xml")
    assert "无法读取 Excel 文件内容" in refused(path).message


def test_a_worksheet_part_with_garbage(tmp_path: Path) -> None:
    good, _ = tablegen.write_case("R09", tmp_path)
    path = tmp_path / "garbage-sheet.xlsx"
    garbage = b"<worksheet><sheetData><row r='x'><c r='??'>"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            target.writestr(info, garbage if "worksheets/" in info.filename else source.read(info))
    error = refused(path)
    assert "损坏" in error.message


def test_a_truncated_workbook(tmp_path: Path) -> None:
    good, _ = tablegen.write_case("R01", tmp_path)
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(good.read_bytes()[:3000])
    refused(path)


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small .xlsx-looking zip whose one member unpacks past MAX_UNPACKED_BYTES."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.xlsx"
    block = bytes(1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(MAX_UNPACKED_BYTES // len(block) + 1):
                member.write(block)
    return path


def test_zip_bomb_disguised_as_xlsx(zip_bomb: Path) -> None:
    assert zip_bomb.stat().st_size < MAX_FILE_BYTES // 20
    error = refused(zip_bomb)
    assert "压缩炸弹" in error.message


def test_oversized_file_refused_before_opening(tmp_path: Path) -> None:
    path = tmp_path / "huge.xlsx"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: costs no disk
    assert "超过上限" in refused(path).message
    csv_path = tmp_path / "huge.csv"
    with csv_path.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    assert "超过上限" in refused(csv_path).message


def test_sheet_without_recognisable_titles(tmp_path: Path) -> None:
    path = tmp_path / "notes.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "说明"
    workbook.active["A1"] = "2021年度工作总结"
    workbook.create_sheet("附表")["B2"] = "金额"
    workbook.save(path)
    error = refused(path)
    assert error.message.startswith("未找到自评表的预算或指标表头")
    assert "“说明”、“附表”" in error.message
    assert "全年预算数" in error.message and "三级指标" in error.message


def test_csv_without_titles_and_csv_with_binary_content(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("姓名,电话\n张三,123\n", encoding="utf-8")
    assert refused(path).message.startswith("未找到自评表的预算或指标表头")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"a,b\x00,c\n")
    assert "二进制" in refused(binary).message


def test_csv_with_a_broken_quote(tmp_path: Path) -> None:
    path = tmp_path / "quote.csv"
    path.write_text('三级指标,"年度指标值\n' + "x" * 200_000, encoding="utf-8")
    error = refused(path)
    assert error.location.startswith("第 ")


def test_missing_file_directory_and_unknown_suffix(tmp_path: Path) -> None:
    refused(tmp_path / "missing.xlsx")
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    refused(folder)
    text = tmp_path / "table.txt"
    text.write_text("三级指标", encoding="utf-8")
    assert "不支持" in refused(text).message


def test_year_missing_is_read_and_reported_not_refused(tmp_path: Path) -> None:
    spec = tablegen.case("R04")
    spec["header"]["项目名称"] = "新型农业经营主体扶持项目"
    path, _ = tablegen.write_case("R04", tmp_path, spec=spec)
    result = evaluate_file(path)
    assert result.ok and result.evaluation is not None and result.evaluation.year is None
    assert result.scorecard is not None and result.scorecard.items  # scored as usual
    unknown = [f for f in result.findings if f.code == "YEAR_UNKNOWN"]
    assert len(unknown) == 1 and unknown[0].severity.value == "P2" and unknown[0].path == "year"


def test_loader_passes_table_errors_through(tmp_path: Path) -> None:
    path = tmp_path / "random.xlsm"
    path.write_bytes(b"PK\x03\x04" + os.urandom(200))
    with pytest.raises(InputError):
        load_any(path)
