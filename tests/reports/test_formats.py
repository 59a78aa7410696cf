"""Nothing is lost between formats: the PDF holds every character of the .docx (issue 10).

pdftotext's text of the PDF and python-docx's text of the .docx are counted character by
character and compared class by class (CJK, digits, punctuation, Latin). What the PDF may
add is what page layout repeats: the page numbers "— N —" and the header row of a table on
each page it continues on. Also here: the fonts the PDF embeds (pdffonts), without any
system-wide installation of the project's fontconfig file.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import unicodedata
from collections import Counter
from dataclasses import replace
from itertools import product
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from jixiao.core.framework import Framework
from jixiao.core.model import Evaluation
from jixiao.core.scoring import Scorecard, score
from jixiao.reports import pdf
from jixiao.reports.api import ReportJob, render_many
from jixiao.reports.content import build_content
from jixiao.reports.docx_writer import docx_bytes
from tests.reports.conftest import long_narrative, publishable, sixty_indicators

needs_libreoffice = pytest.mark.skipif(
    not pdf.libreoffice_available() or shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="需要 LibreOffice 和 poppler-utils（apt-get install libreoffice-writer-nogui poppler-utils）",
)


def classify(ch: str) -> str:
    if unicodedata.name(ch, "").startswith("CJK UNIFIED IDEOGRAPH"):
        return "CJK"
    if ch.isdigit():
        return "digit"
    if ch.isascii() and ch.isalpha():
        return "latin"
    if unicodedata.category(ch)[0] in "PS":  # full-width and ASCII punctuation, symbols (≥ % ÷)
        return "punctuation"
    return "other"


def counts(text: str) -> Counter[str]:
    return Counter(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cf")


def by_class(counter: Counter[str]) -> dict[str, int]:
    classes: Counter[str] = Counter()
    for ch, n in counter.items():
        classes[classify(ch)] += n
    return dict(classes)


def docx_text(data: bytes) -> tuple[str, list[str]]:
    """Every w:t of the body, and the text of each table's header rows."""
    document = docx.Document(io.BytesIO(data))
    body = document.element.body
    text = "".join(t.text or "" for t in body.iter(qn("w:t")))
    headers = []
    for table in body.iter(qn("w:tbl")):
        rows = [tr for tr in table.iter(qn("w:tr")) if tr.find(qn("w:trPr")) is not None
                and tr.find(qn("w:trPr")).find(qn("w:tblHeader")) is not None]  # fmt: skip
        headers.append("".join(t.text or "" for tr in rows for t in tr.iter(qn("w:t"))))
    return text, headers


def pdf_pages(path: Path) -> list[str]:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True, timeout=60)
    return out.stdout.split("\f")[:-1]


def assert_nothing_lost(data: bytes, pdf_path: Path) -> None:
    text, headers = docx_text(data)
    pages = pdf_pages(pdf_path)
    wanted = counts(text)
    got = counts("".join(pages))
    lost = wanted - got
    assert not lost, f"PDF 缺少字符（按类 {by_class(lost)}）：{dict(lost)}"
    extra = got - wanted
    extra -= counts("".join(f"—{n}—" for n in range(1, len(pages) + 1)))  # page numbers
    # what remains is a whole number of repeated header rows, one per continuation page
    header_counts = [counts(h) for h in headers]
    for repeats in product(range(len(pages) + 1), repeat=len(headers)):
        total: Counter[str] = Counter()
        for header, k in zip(header_counts, repeats, strict=True):
            for ch, n in header.items():
                total[ch] += n * k
        if total == extra:  # so class by class, the PDF is the .docx plus page furniture
            return
    pytest.fail(f"PDF 多出无法解释的字符（按类 {by_class(extra)}）：{dict(extra)}")


@pytest.fixture(scope="module")
def rendered(
    seed: tuple[Evaluation, Framework, Scorecard], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[bytes, Path]]:
    """The example, 60 indicators and a 5,000-character narrative: .docx bytes and PDFs (one LibreOffice run)."""
    evaluation, framework, _ = seed
    base = publishable(evaluation)
    cases = {
        "example": base,
        "sixty": sixty_indicators(base),
        "narrative": replace(base, narrative=replace(base.narrative, outputs=long_narrative())),
    }
    folder = tmp_path_factory.mktemp("formats")
    jobs = [
        ReportJob(ev, score(ev, framework), folder / f"{name}.pdf", framework=framework) for name, ev in cases.items()
    ]
    render_many(jobs, "pdf")
    result = {}
    for (name, ev), job in zip(cases.items(), jobs, strict=True):
        data = docx_bytes(build_content(ev, job.scorecard, framework=framework))
        result[name] = (data, job.out)
    return result


@needs_libreoffice
@pytest.mark.parametrize("case", ["example", "sixty", "narrative"])
def test_the_pdf_has_every_character_of_the_docx(rendered: dict[str, tuple[bytes, Path]], case: str) -> None:
    data, pdf_path = rendered[case]
    assert_nothing_lost(data, pdf_path)


@needs_libreoffice
def test_line_end_punctuation_is_printed(rendered: dict[str, tuple[bytes, Path]]) -> None:
    """The narrative has hundreds of "，" "；" "。"; many fall at a line end (the 29th character)."""
    data, pdf_path = rendered["narrative"]
    text, _ = docx_text(data)
    printed = "".join(pdf_pages(pdf_path))
    for mark in "，；。“”《》":
        assert printed.count(mark) == text.count(mark), mark
    assert text.count("，") > 200


@needs_libreoffice
def test_comparison_catches_a_lost_comma(rendered: dict[str, tuple[bytes, Path]]) -> None:
    """The check itself fails when the PDF lacks one "，" the .docx has."""
    data, pdf_path = rendered["example"]
    document = docx.Document(io.BytesIO(data))
    extra = document.add_paragraph("多一个逗号，")
    assert extra.text
    buffer = io.BytesIO()
    document.save(buffer)
    with pytest.raises(AssertionError, match="缺少字符"):
        assert_nothing_lost(buffer.getvalue(), pdf_path)


# --- fonts ------------------------------------------------------------------------------------


def system_config_without_jixiao(folder: Path) -> Path:
    """The machine's fontconfig setup minus an installed copy of jixiao-fonts.conf: a server
    where nobody copied the file to /etc/fonts/conf.d."""
    conf_d = Path("/etc/fonts/conf.d")
    if not conf_d.is_dir():
        pytest.skip("没有 /etc/fonts/conf.d（非 fontconfig 系统）")
    includes = "".join(
        f"<include>{path}</include>\n" for path in sorted(conf_d.glob("*.conf")) if "jixiao" not in path.name
    )
    config = folder / "system.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
        "<dir>/usr/share/fonts</dir><dir>/usr/local/share/fonts</dir>"
        f"<cachedir>/var/cache/fontconfig</cachedir>\n{includes}</fontconfig>\n",
        encoding="utf-8",
    )
    return config


def embedded_fonts(path: Path) -> set[str]:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True, timeout=60).stdout
    names = set()
    for line in out.splitlines()[2:]:
        name = line.split()[0]
        names.add(name.split("+", 1)[-1])  # subset prefix "BAAAAA+"
    return names


@needs_libreoffice
def test_pdf_embeds_serif_kai_and_hei_without_installing_the_font_file(
    seed: tuple[Evaluation, Framework, Scorecard], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    evaluation, framework, card = seed
    monkeypatch.setenv("FONTCONFIG_FILE", str(system_config_without_jixiao(tmp_path)))
    docx_path = tmp_path / "report.docx"
    docx_path.write_bytes(docx_bytes(build_content(publishable(evaluation), card, framework=framework)))

    ours = embedded_fonts(pdf.convert_to_pdf([docx_path], tmp_path / "ours")[0])
    assert any(name.startswith("NotoSerifCJK") for name in ours), ours  # 仿宋_GB2312, 宋体, 小标宋 → serif
    assert any(name.startswith(("GBZenKai", "ARPLUKai", "UKai")) for name in ours), ours  # 楷体_GB2312
    assert any(name.startswith("NotoSansCJK") for name in ours), ours  # 黑体
    assert not any(name.startswith("DejaVu") for name in ours), ours  # no Latin sans fallback

    # The same conversion without the project's file falls back to sans: the check can fail.
    monkeypatch.setattr(pdf, "fontconfig_file", lambda folder: Path(os.environ["FONTCONFIG_FILE"]))
    bare = embedded_fonts(pdf.convert_to_pdf([docx_path], tmp_path / "bare")[0])
    assert not any(name.startswith(("NotoSerifCJK", "GBZenKai")) for name in bare), bare
