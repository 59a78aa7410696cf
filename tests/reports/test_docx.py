"""The .docx report, reopened with python-docx: page, fonts, headings, tables, charts, figures."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn

from jixiao.core.framework import Framework
from jixiao.core.model import Evaluation
from jixiao.core.scoring import Scorecard
from jixiao.reports.content import build_content
from jixiao.reports.document import ReportContent
from jixiao.reports.docx_writer import CHAR_TWIPS, TEXT_WIDTH_TWIPS, docx_bytes
from tests.reports.conftest import FINDINGS, FORMULA, SEED_FIGURES, confirmed
from tests.reports.test_content import DEPARTMENT_OUTLINE, OVERVIEW_SUBSECTIONS


def reopen(content: ReportContent) -> Any:
    return docx.Document(io.BytesIO(docx_bytes(content)))


@pytest.fixture(scope="module")
def document(seed_content: ReportContent) -> Any:
    return reopen(seed_content)


def all_text(document: Any) -> str:
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(lines)


def test_page_is_a4_with_gb_t_9704_margins(document: Any) -> None:
    section = document.sections[0]
    assert section.page_width.mm == pytest.approx(210, abs=0.1)
    assert section.page_height.mm == pytest.approx(297, abs=0.1)
    assert section.top_margin.mm == pytest.approx(37, abs=0.1)
    assert section.bottom_margin.mm == pytest.approx(35, abs=0.1)
    assert section.left_margin.mm == pytest.approx(28, abs=0.1)
    assert section.right_margin.mm == pytest.approx(26, abs=0.1)


def test_22_lines_a_page_and_28_characters_a_line(document: Any) -> None:
    normal = document.styles["Normal"].paragraph_format
    assert normal.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert normal.line_spacing.pt == pytest.approx(28.95)
    assert normal.line_spacing.pt * 22 <= (297 - 37 - 35) / 25.4 * 72  # 22 lines fit the text height
    assert normal.first_line_indent.pt == 32  # two characters of 三号
    grid = document.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"
    spacing = document.styles["Normal"].element.rPr.find(qn("w:spacing"))
    pitch = 16 + int(spacing.get(qn("w:val"))) / 20  # 三号 tightened to fit 28 characters in 156 mm
    assert int((210 - 28 - 26) / 25.4 * 72 // pitch) == 28


@pytest.mark.parametrize(
    ("style", "font", "size"),
    [
        ("Normal", "仿宋_GB2312", 16),
        ("Heading 1", "黑体", 16),
        ("Heading 2", "楷体_GB2312", 16),
        ("Heading 3", "仿宋_GB2312", 16),
        ("Heading 4", "仿宋_GB2312", 16),
        ("公文标题", "方正小标宋简体", 22),
    ],
)
def test_styles_name_the_official_fonts_for_every_script(document: Any, style: str, font: str, size: int) -> None:
    element = document.styles[style].element
    fonts = element.rPr.find(qn("w:rFonts"))
    assert {fonts.get(qn(f"w:{slot}")) for slot in ("ascii", "hAnsi", "eastAsia", "cs")} == {font}
    assert fonts.get(qn("w:asciiTheme")) is None and fonts.get(qn("w:eastAsiaTheme")) is None
    assert document.styles[style].font.size.pt == size
    assert document.styles[style].font.bold in (None, False)


def test_runs_carry_east_asian_font_names(document: Any) -> None:
    heading = next(p for p in document.paragraphs if p.style.name == "Heading 1")
    assert heading.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    body = next(p for p in document.paragraphs if p.text.startswith("统筹、协调"))
    assert body.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}").get(qn("w:eastAsia")) == "仿宋_GB2312"


def test_headings_come_in_order_with_the_five_overview_subsections(document: Any) -> None:
    level1 = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert level1 == list(DEPARTMENT_OUTLINE)
    texts = [(p.style.name, p.text) for p in document.paragraphs]
    start = texts.index(("Heading 1", "一、部门概况"))
    end = texts.index(("Heading 1", "二、部门整体支出绩效实现情况"))
    assert [t for s, t in texts[start:end] if s == "Heading 2"] == list(OVERVIEW_SUBSECTIONS)


def test_title_is_centred_and_sign_off_right_aligned_with_arabic_date(document: Any) -> None:
    first = document.paragraphs[0]
    assert first.style.name == "公文标题" and first.text == "东湖区城市综合管理协调领导小组办公室"
    assert first.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    signer, date = (p for p in document.paragraphs if p.style.name == "落款")
    assert (signer.text, date.text) == ("东湖区城市综合管理协调领导小组办公室", "2022年5月18日")
    # 18 characters are too long to centre over the date four characters from the margin:
    # the signer ends at the margin and the date is centred under it.
    assert signer.alignment == WD_ALIGN_PARAGRAPH.RIGHT and signer.paragraph_format.right_indent == 0
    assert date.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert date.paragraph_format.left_indent.twips == round(TEXT_WIDTH_TWIPS - 18 * CHAR_TWIPS)


def test_short_signer_is_centred_over_the_date_four_characters_from_the_margin(seed_content: ReportContent) -> None:
    document = reopen(replace(seed_content, sign_off="东湖区财政局"))
    signer, date = (p for p in document.paragraphs if p.style.name == "落款")
    four = 4 * CHAR_TWIPS  # GB/T 9704 §7.3.5.1: 成文日期右空四字
    assert date.alignment == WD_ALIGN_PARAGRAPH.RIGHT and date.paragraph_format.right_indent.twips == round(four)
    date_width = 3 * CHAR_TWIPS + 7 * CHAR_TWIPS / 2  # 年月日 and seven digits "2022", "5", "18"
    region_left = signer.paragraph_format.left_indent.twips
    assert signer.alignment == WD_ALIGN_PARAGRAPH.CENTER
    # the signer's centre (middle of its region) is the date's centre
    assert (TEXT_WIDTH_TWIPS - region_left) / 2 == pytest.approx(four + date_width / 2, abs=1)


def test_metadata_names_jixiao_the_generation_time_and_chinese(seed_content: ReportContent) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    data = docx_bytes(seed_content)
    properties = docx.Document(io.BytesIO(data)).core_properties
    assert before <= properties.created <= datetime.now(UTC)  # python-docx reads the Z as UTC
    assert properties.modified == properties.created
    assert properties.language == "zh-CN"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        app = archive.read("docProps/app.xml").decode()
        settings = archive.read("word/settings.xml").decode()
        styles = archive.read("word/styles.xml").decode()
        names = archive.namelist()
    assert "<Application>jixiao</Application>" in app and "Microsoft" not in app
    assert '<w:themeFontLang w:val="zh-CN" w:eastAsia="zh-CN"/>' in settings
    # no theme colours and no linked character styles (Word shows linked headings blue and bold)
    assert "themeColor" not in styles and "<w:link " not in styles and "Heading1Char" not in styles
    assert "word/stylesWithEffects.xml" not in names and "docProps/thumbnail.jpeg" not in names


def test_punctuation_may_not_hang_past_the_margin(document: Any) -> None:
    """w:overflowPunct val=1 turns LibreOffice's hanging punctuation off (see _hanging_punctuation_off)."""
    p_pr = document.styles.element.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    assert p_pr.find(qn("w:overflowPunct")).get(qn("w:val")) == "1"
    assert document.styles["Normal"].element.pPr.find(qn("w:overflowPunct")).get(qn("w:val")) == "1"


def test_page_numbers_are_a_page_field_between_dashes_on_the_outer_side(document: Any) -> None:
    assert document.settings.odd_and_even_pages_header_footer
    section = document.sections[0]
    for footer, alignment in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        paragraph = footer.paragraphs[0]
        assert paragraph.alignment == alignment
        assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
        xml = paragraph._p.xml
        assert "PAGE" in xml and 'w:fldCharType="begin"' in xml
        fonts = paragraph.runs[0]._r.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) == "宋体"
        assert paragraph.runs[0].font.size.pt == 14


def test_budget_table_has_borders_header_and_figures(document: Any) -> None:
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == [
        "项目",
        "年初预算数",
        "全年预算数",
        "全年执行数",
        "执行数−预算数",
        "执行率（%）",
    ]
    assert [c.text for c in table.rows[1].cells] == ["年度资金总额", "153", "1464.48", "1496.62", "32.14", "102.19"]
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert borders is not None and borders.find(qn("w:insideH")).get(qn("w:val")) == "single"
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_indicator_table_repeats_its_header_and_merges_level_one(document: Any) -> None:
    table = document.tables[1]
    header = [c.text for c in table.rows[0].cells]
    assert header == [
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
    ]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[2].cells[0].text == "产出指标"
    assert table.rows[3].cells[0]._tc is table.rows[2].cells[0]._tc  # vertically merged
    last = [c.text for c in table.rows[-1].cells]
    assert last[0] == "总分" and last[5:] == ["100", "89.8", "等级：良"]  # the score the unit adopts
    width = sum(int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol")))
    assert width / 1440 * 25.4 == pytest.approx(156, abs=0.5)  # exactly the text width


def test_two_charts_are_embedded_as_png(document: Any) -> None:
    shapes = document.inline_shapes
    assert len(shapes) == 2
    assert all(shape.width.mm == pytest.approx(150, abs=0.5) for shape in shapes)
    parts = [rel.target_part for rel in document.part.rels.values() if "image" in rel.reltype]
    assert all(part.blob.startswith(b"\x89PNG") for part in parts)


@pytest.mark.parametrize("figure", SEED_FIGURES)
def test_every_seed_figure_appears_in_the_docx(document: Any, figure: str) -> None:
    assert figure in all_text(document)


def test_hostile_narrative_renders_literally(hostile: tuple[Evaluation, Scorecard, ReportContent]) -> None:
    _, _, content = hostile
    document = reopen(content)
    text = all_text(document)
    assert FORMULA in text
    assert "<script>alert(1)</script>" in text and "&amp;" in text and "😀🎉" in text
    assert "=东湖区<办公室>&“测试”" in text
    assert "长" * 20_000 in text
    assert not any(ch in text for ch in "\x00\x01\x0b\x1f")


def test_review_copy_has_the_appendix_after_a_page_break(seed: tuple[Evaluation, Framework, Scorecard]) -> None:
    evaluation, fw, card = seed
    document = reopen(build_content(evaluation, card, framework=fw, findings=FINDINGS, review_copy=True))
    text = all_text(document)
    texts = [p.text for p in document.paragraphs]
    # 附件说明 (GB/T 9704 §7.3.4) before the sign-off; the attachment (§8) on a new page:
    # "附件" flush left on its first line, the title centred on the second.
    note = texts.index("附件：审核意见")
    assert texts[note + 1 : note + 3] == ["东湖区城市综合管理协调领导小组办公室", "2022年5月18日"]
    label = document.paragraphs[texts.index("附件")]
    assert label.paragraph_format.page_break_before and label.paragraph_format.first_line_indent == 0
    assert label.runs[0].font.name == "黑体"
    title = document.paragraphs[texts.index("附件") + 1]
    assert title.text == "审核意见" and title.style.name == "公文标题"
    assert "<自评等级>与得分不符 & 需更正" in text
    assert "仅供审核" in text
    publication = all_text(reopen(build_content(confirmed(evaluation), card, framework=fw, findings=FINDINGS)))
    assert "审核意见" not in publication and FINDINGS[0].message not in publication


def test_the_package_is_a_valid_zip_with_core_properties(seed_content: ReportContent) -> None:
    data = docx_bytes(seed_content)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        assert "word/document.xml" in archive.namelist()
    properties = docx.Document(io.BytesIO(data)).core_properties
    assert properties.author == "东湖区城市综合管理协调领导小组办公室"
    assert "东湖区" in properties.title
