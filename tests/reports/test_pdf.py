"""PDF through LibreOffice: the seed report as PDF and PNG pages, batches in one process, clear errors."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from jixiao.core.framework import Framework
from jixiao.core.model import Evaluation
from jixiao.core.scoring import Scorecard
from jixiao.reports import pdf
from jixiao.reports.api import ReportJob, render, render_many
from tests.reports.conftest import ARTIFACTS, confirmed

needs_libreoffice = pytest.mark.skipif(
    not pdf.libreoffice_available(),
    reason="未安装 LibreOffice（apt-get install libreoffice-writer-nogui fonts-noto-cjk）",
)


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"未安装 {name}（poppler-utils）")
    return found


def run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=120).stdout


@needs_libreoffice
def test_seed_report_renders_to_pdf_and_png_pages(seed: tuple[Evaluation, Framework, Scorecard]) -> None:
    evaluation, framework, card = seed
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    out = render(confirmed(evaluation), card, "pdf", ARTIFACTS / "donghu-2021.pdf", framework=framework)
    assert out.read_bytes().startswith(b"%PDF")
    info = run(tool("pdfinfo"), str(out))
    assert "A4" in info
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert 5 <= pages <= 20
    text = "".join(run(tool("pdftotext"), str(out), "-").split())  # CJK–Latin spacing is layout, not text
    for words in ("部门整体支出绩效自评报告", "一、部门概况", "1464.48", "102.19%", "2022年5月18日", "—1—"):
        assert words in text
    fonts = run(tool("pdffonts"), str(out))
    assert "Type 3" not in fonts  # every font embedded as an outline font, none rasterised
    for old in ARTIFACTS.glob("donghu-2021-page-*.png"):
        old.unlink()
    run(tool("pdftoppm"), "-r", "60", "-png", str(out), str(ARTIFACTS / "donghu-2021-page"))
    assert len(list(ARTIFACTS.glob("donghu-2021-page-*.png"))) == pages


@needs_libreoffice
def test_a_batch_starts_libreoffice_once(
    seed: tuple[Evaluation, Framework, Scorecard], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    evaluation, framework, card = seed
    calls: list[int] = []
    original = pdf._run

    def counting(soffice: str, files: list[Path], outdir: Path, timeout: float) -> None:
        calls.append(len(files))
        original(soffice, files, outdir, timeout)

    monkeypatch.setattr(pdf, "_run", counting)
    seed_ok = confirmed(evaluation)
    jobs = [ReportJob(seed_ok, card, tmp_path / f"{name}.pdf", framework=framework) for name in ("甲", "乙", "丙")]
    written = render_many(jobs, "pdf")
    assert calls == [3]
    assert all(path.read_bytes().startswith(b"%PDF") for path in written)


def test_missing_libreoffice_is_a_clear_chinese_error(
    seed: tuple[Evaluation, Framework, Scorecard], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    evaluation, framework, card = seed
    monkeypatch.setenv("JIXIAO_SOFFICE", str(tmp_path / "没有这个程序"))
    with pytest.raises(pdf.LibreOfficeMissing) as caught:
        render(confirmed(evaluation), card, "pdf", tmp_path / "报告.pdf", framework=framework)
    assert "未找到 LibreOffice" in str(caught.value) and "apt-get install" in str(caught.value)
    assert not (tmp_path / "报告.pdf").exists()


def fake_soffice(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "soffice"
    script.write_text(f"#!/bin/sh\n{body}\n", "utf-8")
    script.chmod(0o755)
    return script


@pytest.mark.skipif(shutil.which("sh") is None, reason="需要 /bin/sh")
def test_a_hanging_libreoffice_is_killed_after_the_timeout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIXIAO_SOFFICE", str(fake_soffice(tmp_path, "sleep 60")))
    source = tmp_path / "a.docx"
    source.write_bytes(b"x")
    with pytest.raises(pdf.PdfConversionError) as caught:
        pdf.convert_to_pdf([source], tmp_path / "out", timeout=1)
    assert "秒内未完成" in str(caught.value)


@pytest.mark.skipif(shutil.which("sh") is None, reason="需要 /bin/sh")
def test_a_failed_conversion_names_the_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIXIAO_SOFFICE", str(fake_soffice(tmp_path, "exit 0")))
    source = tmp_path / "坏文件.docx"
    source.write_bytes(b"x")
    with pytest.raises(pdf.PdfConversionError) as caught:
        pdf.convert_to_pdf([source], tmp_path / "out")
    assert "坏文件.docx" in str(caught.value)


def test_duplicate_stems_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIXIAO_SOFFICE", str(fake_soffice(tmp_path, "exit 0")))
    with pytest.raises(pdf.PdfConversionError):
        pdf.convert_to_pdf([tmp_path / "a" / "x.docx", tmp_path / "b" / "x.docx"], tmp_path / "out")
