"""Awkward input in every format (issue 10, 不良输入): rare CJK outside the BMP (𠀀 𪚥), emoji,
a 5,000-character paragraph, 60 indicators and a value the scorer cannot compare. Each of
.docx, PDF, HTML and .xlsx is generated, and each holds all of it: nothing cut, nothing dropped.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import docx
import openpyxl
import pytest

from jixiao.core.framework import Framework
from jixiao.core.model import Evaluation
from jixiao.core.scoring import Scorecard, score
from jixiao.reports import pdf
from jixiao.reports.api import render_content
from jixiao.reports.content import build_content
from jixiao.reports.document import ReportContent
from jixiao.reports.docx_writer import docx_bytes
from jixiao.reports.html import html_document
from jixiao.reports.xlsx_writer import CONTINUATION, CONTINUED, xlsx_bytes
from tests.reports.conftest import EMOJI, RARE, awkward_evaluation, long_narrative, publishable
from tests.reports.test_formats import assert_nothing_lost, docx_text, embedded_fonts, pdf_pages


@pytest.fixture(scope="module")
def awkward(seed: tuple[Evaluation, Framework, Scorecard]) -> tuple[Evaluation, Scorecard, ReportContent]:
    evaluation, framework, _ = seed
    bad = awkward_evaluation(publishable(evaluation))
    card = score(bad, framework)
    return bad, card, build_content(bad, card, framework=framework)


def test_the_awkward_evaluation_is_what_it_claims(awkward: tuple[Evaluation, Scorecard, ReportContent]) -> None:
    evaluation, card, _ = awkward
    assert len(evaluation.indicators) == 60
    assert len(long_narrative()) >= 5000 and long_narrative() in evaluation.narrative.outputs
    uncomparable = next(item for item in card.items if item.indicator_index == 1)
    assert uncomparable.score == 0 and "无法按数值比较" in uncomparable.explanation


def test_docx_holds_everything(awkward: tuple[Evaluation, Scorecard, ReportContent]) -> None:
    evaluation, _, content = awkward
    text, _ = docx_text(docx_bytes(content))
    for piece in (RARE, EMOJI, long_narrative(), evaluation.indicators[0].deviation_note):
        assert piece in text
    assert all(indicator.name in text for indicator in evaluation.indicators)
    # the 0 points of the value that cannot be compared are explained in words under the table
    assert "目标值“≥95%”与实际值“较好”无法按数值比较" in text


def test_html_holds_everything(awkward: tuple[Evaluation, Scorecard, ReportContent]) -> None:
    evaluation, _, content = awkward
    page = html_document(content)
    for piece in (RARE, EMOJI, long_narrative(), "无法按数值比较"):
        assert piece in page
    assert all(indicator.name in page for indicator in evaluation.indicators)


def test_xlsx_holds_everything(awkward: tuple[Evaluation, Scorecard, ReportContent]) -> None:
    evaluation, _, content = awkward
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(content)))
    texts = [c.value for sheet in book for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    joined = "".join(t.removeprefix(CONTINUATION).removesuffix(CONTINUED) for t in texts)
    assert RARE in joined and EMOJI in joined
    assert evaluation.indicators[0].deviation_note in joined  # 1,200 characters, over several rows
    assert all(indicator.name in joined for indicator in evaluation.indicators)
    assert any(isinstance(c.value, str) and "无法按数值比较" in c.value for c in book["评分说明"]["E"])


def covering_font(char: str) -> bool:
    if shutil.which("fc-list") is None:
        return False
    out = subprocess.run(["fc-list", f":charset={ord(char):x}", "family"], capture_output=True, text=True, check=False)
    return bool(out.stdout.strip())


@pytest.mark.skipif(
    not pdf.libreoffice_available() or shutil.which("pdftotext") is None,
    reason="需要 LibreOffice 和 poppler-utils",
)
def test_pdf_holds_everything(awkward: tuple[Evaluation, Scorecard, ReportContent], tmp_path: Path) -> None:
    missing = [ch for ch in RARE + EMOJI if not covering_font(ch)]
    if missing:
        pytest.skip(f"没有字体含有 {''.join(missing)}（apt-get install fonts-hanazono fonts-symbola）")
    _, _, content = awkward
    out = render_content(content, "pdf", tmp_path / "awkward.pdf")
    assert_nothing_lost(docx_bytes(content), out)
    printed = "".join(pdf_pages(out))
    assert RARE in printed and EMOJI in printed
    # drawn with fonts that have them, not as empty boxes
    fonts = embedded_fonts(out)
    assert any(name.startswith("HanaMin") for name in fonts) and "Symbola" in fonts, fonts


def test_every_format_generates_to_a_file(
    awkward: tuple[Evaluation, Scorecard, ReportContent], tmp_path: Path
) -> None:
    _, _, content = awkward
    for fmt in ("docx", "xlsx", "html"):
        out = render_content(content, fmt, tmp_path / f"awkward.{fmt}")  # type: ignore[arg-type]
        assert out.stat().st_size > 10_000
    document = docx.Document(str(tmp_path / "awkward.docx"))
    assert len(document.tables[1].rows) == 1 + 1 + 60 + 1  # header, 预算执行, 60 indicators, 总分
