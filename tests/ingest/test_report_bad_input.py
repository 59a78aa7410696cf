"""Bad report files (docs/report-reading.md#report-files): a Chinese message saying what was found and
what could not be read, never a crash; the files are made here, nothing binary is committed."""

from __future__ import annotations

import json
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.ingest.report_file import BIG_IMAGE_BYTES, read_report_file
from jixiao.ingest.table import read_table
from jixiao.pipeline import FileResult, evaluate_file
from jixiao.reports import pdf
from jixiao.testing import tablegen
from jixiao.testing.reportfiles import write_docx

TEXT = ("某某局部门整体支出绩效自评报告\n（2022年度）\n一、部门概况\n年初预算100万元，全年预算120万元。\n"
        "全年支出118万元，预算执行率为98.33%。\n二、绩效情况\n自评得分92分，评价等级为“优”。\n")  # fmt: skip
needs_libreoffice = pytest.mark.skipif(not pdf.libreoffice_available(), reason="LibreOffice is not installed")


def failed(path: Path) -> str:
    result = evaluate_file(path)
    assert not result.ok and not result.internal_error, result.error
    assert result.error is not None and result.error.startswith(str(path))
    return result.error


def png(width: int, height: int, *, noise: bool) -> bytes:
    """An RGB PNG stored without compression (so its size is its pixels), noisy or blank."""
    row = bytes(range(256)) * (3 * width // 256 + 1) if noise else bytes(3 * width)
    raw = b"".join(b"\x00" + row[(y % 7) : (y % 7) + 3 * width] for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 0)) + chunk(b"IEND", b"")


def image_only_pdf(path: Path, pages: int) -> Path:
    """A PDF whose pages hold one image each and no text: what a scanner produces."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    for _ in range(pages):
        page, content, image = len(objects) + 1, len(objects) + 2, len(objects) + 3
        kids.append(f"{page} 0 R")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {content} 0 R "
                       f"/Resources << /XObject << /Im0 {image} 0 R >> >> >>".encode())  # fmt: skip
        draw = b"q 500 0 0 700 40 60 cm /Im0 Do Q"
        objects.append(b"<< /Length %d >>\nstream\n" % len(draw) + draw + b"\nendstream")
        pixels = bytes(range(256)) * 12
        head = b"<< /Type /XObject /Subtype /Image /Width 32 /Height 32 /ColorSpace /DeviceRGB /BitsPerComponent 8"
        objects.append(head + b" /Length %d >>\nstream\n" % len(pixels) + pixels + b"\nendstream")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {pages} >>".encode()
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))
    return path


def test_a_password_protected_word_file(tmp_path: Path) -> None:
    path = tmp_path / "加密.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))  # Word saves encrypted files as OLE
    assert "设置了打开密码" in failed(path)


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("坏.docx", b"PK\x03\x04 not really a zip", "Word 文件已损坏"),
        ("改名.docx", b"%PDF-1.4 renamed", "不是有效的 Word 文件"),
        ("坏.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer << /Root 1 0 R >>\n", "PDF"),
        ("改名.pdf", b"PK\x03\x04", "不是有效的 PDF 文件"),
        ("空.txt", b"", "文件为空"),
    ],
)
def test_damaged_files_say_so(tmp_path: Path, name: str, data: bytes, said: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    assert said in failed(path)


def test_a_zip_that_is_no_word_file(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "表格.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert "没有 Word 正文" in failed(path)


def test_a_truncated_pdf_says_how_far_it_got(tmp_path: Path) -> None:
    whole = image_only_pdf(tmp_path / "whole.pdf", 1).read_bytes()
    path = tmp_path / "截断.pdf"
    path.write_bytes(whole[: len(whole) // 3])
    assert "PDF" in failed(path)


def test_a_scanned_pdf_is_reported_not_read(tmp_path: Path) -> None:
    error = failed(image_only_pdf(tmp_path / "扫描.pdf", 3))
    assert "全部 3 页都是扫描图像" in error and "不做文字识别" in error


@needs_libreoffice
def test_a_pdf_with_a_password(tmp_path: Path) -> None:
    source = write_docx(TEXT, tmp_path / "r.docx")
    profile = tmp_path / "profile"
    soffice = pdf.find_soffice()
    assert soffice is not None
    export = ('pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
              '"DocumentOpenPassword":{"type":"string","value":"secret"}}')  # fmt: skip
    subprocess.run([soffice, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--convert-to",
                    export, "--outdir", str(tmp_path / "out"), str(source)],
                   check=True, capture_output=True, timeout=180)  # fmt: skip
    assert "设置了打开密码" in failed(tmp_path / "out" / "r.pdf")


def test_tracked_changes_are_read_as_accepted_and_said(tmp_path: Path) -> None:
    path = write_docx(TEXT, tmp_path / "修订.docx", tracked=("全年支出改为119万元", "原写118万元"))
    document = read_report_file(path)
    assert "全年支出改为119万元" in document.text and "原写118万元" not in document.text
    result = evaluate_file(path)
    assert result.ok
    notes = [f for f in result.findings if f.code == "REPORT_PARTLY_UNREAD"]
    assert len(notes) == 1 and "插入 1 处、删除 1 处" in notes[0].message


def test_a_huge_embedded_image_is_named_and_the_text_still_read(tmp_path: Path) -> None:
    big = png(1400, 1300, noise=True)
    assert len(big) > BIG_IMAGE_BYTES
    result = evaluate_file(write_docx(TEXT, tmp_path / "大图.docx", image=big))
    assert result.ok and result.evaluation is not None
    assert result.evaluation.budget.executed is not None
    notes = [f.message for f in result.findings if f.code == "REPORT_PARTLY_UNREAD"]
    assert len(notes) == 1 and "1 张图片" in notes[0] and "大于 5 MB" in notes[0] and "没有读取" in notes[0]


def test_a_docx_table_is_read_as_text_and_by_the_table_importer(tmp_path: Path) -> None:
    """A self-evaluation table inside the report (drawn as the table importer's own cases draw it)."""
    drawing = tablegen.draw(tablegen.case("R01"))
    height = max(r for r, _ in drawing.cells) + 1
    width = max(c for _, c in drawing.cells) + 1
    def shown(value: object) -> str:  # what a reader of the table sees: a formula's value
        value = getattr(value, "cached", value)
        return "" if value is None else str(value)

    rows = [[shown(drawing.cells.get((r, c))) for c in range(width)] for r in range(height)]
    result = evaluate_file(write_docx(TEXT, tmp_path / "带表.docx", table=rows))
    assert result.ok and result.report is not None and result.evaluation is not None
    assert result.report.table_read and len(result.report.document.tables) == 1
    as_xlsx = read_table(tablegen.write_case("R01", tmp_path)[0])  # the same table as a spreadsheet
    assert [i.name for i in result.evaluation.indicators] == [i.name for i in as_xlsx.indicators] != []
    assert [i.stated_score for i in result.evaluation.indicators] == [i.stated_score for i in as_xlsx.indicators]
    assert result.evaluation.stated.total == 92  # the report's own words come first (自评得分92分)
    first = rows[next(i for i, row in enumerate(rows) if any(row))]
    assert "｜".join(cell for cell in first if cell) in result.report.text  # and as text, in its place


def test_a_batch_with_bad_files_goes_on(tmp_path: Path) -> None:
    good = write_docx(TEXT, tmp_path / "好.docx")
    image_only_pdf(tmp_path / "扫描.pdf", 1)
    (tmp_path / "坏.docx").write_bytes(b"PK\x03\x04broken")
    result = CliRunner().invoke(app, ["check", str(tmp_path), "--json", "--workers", "1"])
    assert result.exit_code == 2
    entries = {Path(entry["file"]).name: entry for entry in json.loads(result.stdout)["results"]}
    assert entries["好.docx"]["ok"] and not entries["扫描.pdf"]["ok"] and not entries["坏.docx"]["ok"]
    assert "扫描图像" in entries["扫描.pdf"]["error"] and "内部错误" not in entries["坏.docx"]["error"]
    assert good.exists()


def test_read_but_nothing_recognisable_is_one_finding(tmp_path: Path) -> None:
    result: FileResult = evaluate_file(write_docx("通知\n请各单位认真做好有关工作。\n", tmp_path / "通知.docx"))
    assert result.ok and [f.code for f in result.findings] == ["REPORT_NO_FIGURES"]
