"""The report as .docx in the official document format (GB/T 9704-2012, docs/field.md#document-format).

Page A4 with margins 37/35/28/26 mm; title 二号 方正小标宋简体; body 三号 仿宋_GB2312 with a
two-character first-line indent; headings 黑体 / 楷体_GB2312 / 仿宋_GB2312 by level; fixed line
spacing and a document grid of 22 lines × 28 characters; page numbers "— N —" in 四号 宋体 on the
outer side (odd pages right, even pages left). Font names are written for every script slot
(ascii, hAnsi, eastAsia, cs) on the document defaults, the styles and every run, and theme
fonts are removed, so Word, WPS and LibreOffice all pick the official names (PDF rendering maps
them to open fonts through fonts/jixiao-fonts.conf).
"""

from __future__ import annotations

import io
import math
import unicodedata
from dataclasses import replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips

from jixiao.reports.charts import chart_png
from jixiao.reports.document import (
    Align,
    Block,
    Cell,
    Chart,
    Merge,
    Paragraph,
    ReportContent,
    Role,
    Section,
    Table,
    attachment_name,
)  # fmt: skip
from jixiao.reports.sanitize import clean_text
from jixiao.reports.table_layout import layout

# --- GB/T 9704-2012 figures ---------------------------------------------------------------
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGIN_TOP_MM, MARGIN_BOTTOM_MM, MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 37, 35, 28, 26
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
BODY_PT = 16  # 三号
TITLE_PT = 22  # 二号
PAGE_NUMBER_PT = 14  # 四号
TABLE_PT = 10.5  # 五号, so an eight-column table fits the 156 mm text width
CAPTION_PT = 14
TWIPS_PER_MM = 1440 / 25.4
#: Line pitch in twips: the text height (297 − 37 − 35 = 225 mm) shared by 22 lines, rounded
#: down so that 22 lines always fit (579 twips = 28.95 pt, the value Word templates use).
LINE_PITCH_TWIPS = int((PAGE_HEIGHT_MM - MARGIN_TOP_MM - MARGIN_BOTTOM_MM) * TWIPS_PER_MM / LINES_PER_PAGE)
LINE_PITCH_PT = LINE_PITCH_TWIPS / 20
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM  # 156 mm
#: 28 characters a line: the 16 pt characters are tightened so that 28 fit the 156 mm text
#: width (character spacing in 1/20 pt, rounded down: −5 = −0.25 pt). A character grid
#: (docGrid linesAndChars) would say the same to Word, but LibreOffice lays CJK text out on
#: such a grid erratically (one or two cells a character), so the grid is lines only.
CHAR_SPACING_TWENTIETHS = math.floor((TEXT_WIDTH_MM / 25.4 * 72 / CHARS_PER_LINE - BODY_PT) * 20)
#: The page number sits 7 mm below the text area (GB/T 9704 §7.5): its top 28 mm above the page
#: edge, so the footer (measured to its bottom) starts about one 四号 line (5 mm) lower.
FOOTER_DISTANCE_MM = MARGIN_BOTTOM_MM - 7 - 5
IMAGE_WIDTH_MM = 150

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEI_FONT = "黑体"
KAI_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
HEADING_FONTS = {1: HEI_FONT, 2: KAI_FONT, 3: BODY_FONT, 4: BODY_FONT}

STYLE_TITLE = "公文标题"
STYLE_SUBTITLE = "公文副标题"
STYLE_CAPTION = "图表标题"
STYLE_TABLE = "表格文字"
STYLE_FIGURE = "图片"
STYLE_SIGN = "落款"
STYLE_IDS = {
    STYLE_TITLE: "JixiaoTitle", STYLE_SUBTITLE: "JixiaoSubtitle", STYLE_CAPTION: "JixiaoCaption",
    STYLE_TABLE: "JixiaoTableText", STYLE_FIGURE: "JixiaoFigure", STYLE_SIGN: "JixiaoSignOff",
}  # fmt: skip
#: Child order of w:pPr (ECMA-376 CT_PPrBase), for elements python-docx has no accessor for.
P_PR_ORDER = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl",
    "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens",
    "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN",
    "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
    "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
#: Child order of w:rPr after w:spacing (ECMA-376 CT_RPr).
R_PR_ORDER = (
    "w:spacing", "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect",
    "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
    "w:specVanish", "w:oMath",
)  # fmt: skip


def write_docx(content: ReportContent, out: Path | IO[bytes]) -> None:
    """Write ``content`` as .docx to a path or a binary stream."""
    document = build_document(content)
    document.save(str(out) if isinstance(out, Path) else out)


def docx_bytes(content: ReportContent) -> bytes:
    buffer = io.BytesIO()
    write_docx(content, buffer)
    return buffer.getvalue()


def build_document(content: ReportContent, *, generated: datetime | None = None) -> Any:
    """The report as a python-docx Document; ``generated`` (default: now) dates core.xml."""
    document = Document(io.BytesIO(_blank()))
    _properties(document, content, generated or datetime.now(UTC))
    _write_body(document, content)
    return document


@cache
def _blank() -> bytes:
    """An empty document with the page, styles and footers set: prepared once per process."""
    document = Document()
    _page(document)
    _prune_styles(document)
    _styles(document)
    _footer(document)
    _settings(document)
    _application(document)
    body = document.element.body
    for child in list(body):  # python-docx's template starts with an empty paragraph
        if child.tag == qn("w:p"):
            body.remove(child)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- page, grid, footer -----------------------------------------------------------------


def _page(document: Any) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(MARGIN_LEFT_MM), Mm(MARGIN_RIGHT_MM)
    section.header_distance, section.footer_distance = Mm(15), Mm(FOOTER_DISTANCE_MM)
    section.gutter = Mm(0)
    sect_pr = section._sectPr
    for grid in sect_pr.findall(qn("w:docGrid")):
        sect_pr.remove(grid)
    grid = OxmlElement("w:docGrid")
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
    sect_pr.append(grid)


def _footer(document: Any) -> None:
    """ "— N —": odd pages right-aligned, even pages left-aligned, one character in (GB/T 9704 §7.5)."""
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)


def _page_number(paragraph: Any, alignment: Any) -> None:
    paragraph.alignment = alignment
    fmt = paragraph.paragraph_format
    fmt.first_line_indent = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    _snap_to_grid(paragraph._p, False)
    if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
        fmt.right_indent = Pt(PAGE_NUMBER_PT)
    else:
        fmt.left_indent = Pt(PAGE_NUMBER_PT)
    # A complex field (begin · instrText · separate · result · end): Word, WPS and LibreOffice update it.
    rpr = _rpr(PAGE_NUMBER_FONT, PAGE_NUMBER_PT)
    runs = (
        f'<w:r>{rpr}<w:t xml:space="preserve">— </w:t></w:r>'
        f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r>{rpr}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r>{rpr}<w:t>1</w:t></w:r>"
        f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>'
        f'<w:r>{rpr}<w:t xml:space="preserve"> —</w:t></w:r>'
    )
    for run in parse_xml(f'<w:p xmlns:w="{W_NS}">{runs}</w:p>'):
        paragraph._p.append(run)


def _properties(document: Any, content: ReportContent, generated: datetime) -> None:
    """core.xml: created and modified are the time of generation (UTC), language zh-CN."""
    props = document.core_properties
    utc = generated.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    props.created = props.modified = utc
    props.revision = 1
    props.language = "zh-CN"
    props.title = "".join(content.title)
    props.author = content.unit
    props.last_modified_by = "jixiao"
    props.subject = f"{content.year}年度{content.kind.label}绩效自评报告"
    props.keywords = "预算绩效自评" + ("；审核版" if content.review_copy else "")
    props.comments = "由 jixiao 根据自评数据生成，文中数字均由评分结果计算。"


#: docProps/app.xml: python-docx's template names "Microsoft Macintosh Word"; the report says who made it.
APP_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Application>jixiao</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
    b"<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
    b"<HyperlinksChanged>false</HyperlinksChanged></Properties>"
)


THUMBNAIL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"


def _application(document: Any) -> None:
    """app.xml names jixiao; the template's thumbnail (a blank page) is dropped."""
    package = document.part.package
    for part in package.iter_parts():
        if str(part.partname) == "/docProps/app.xml":
            part._blob = APP_XML
    for r_id, rel in list(package.rels.items()):
        if rel.reltype == THUMBNAIL:
            del package.rels[r_id]


def _settings(document: Any) -> None:
    """Theme font language zh-CN (python-docx's template says ja-JP for East Asian text)."""
    settings = document.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:val"), "zh-CN")
        lang.set(qn("w:eastAsia"), "zh-CN")


# --- styles ---------------------------------------------------------------------------------

#: The template's styles the report keeps; the others (list, quote, 130 coloured table styles,
#: the "Heading N Char" character styles linked to the headings) are removed. A linked character
#: style is what makes Word show a heading blue and bold although the paragraph style is plain.
KEPT_STYLES = frozenset(
    {"Normal", "Header", "Footer", "DefaultParagraphFont", "TableNormal", "NoList", "TableGrid"}
    | {f"Heading{level}" for level in HEADING_FONTS}
)


STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


def _prune_styles(document: Any) -> None:
    # Word 2010's second copy of the template's styles, with their theme colours: not needed.
    for r_id, rel in list(document.part.rels.items()):
        if rel.reltype == STYLES_WITH_EFFECTS:
            del document.part.rels[r_id]
    root = document.styles.element
    for style in root.findall(qn("w:style")):
        if style.get(qn("w:styleId")) not in KEPT_STYLES:
            root.remove(style)
            continue
        for tag in ("w:link", "w:next"):
            for found in style.findall(qn(tag)):
                style.remove(found)
        for color in style.iter(qn("w:color")):
            color.getparent().remove(color)


def set_fonts(element: Any, name: str) -> None:
    """Name ``name`` for every script on a style's or run's rPr, dropping theme fonts."""
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)
    fonts.set(qn("w:hint"), "eastAsia")


def _styles(document: Any) -> None:
    styles = document.styles
    _defaults(styles)
    normal = styles["Normal"]
    _style(normal, BODY_FONT, BODY_PT)
    _character_spacing(normal.element, CHAR_SPACING_TWENTIETHS)
    _exact(normal.paragraph_format, indent=True)
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    normal.paragraph_format.widow_control = False
    _hanging_punctuation_off(normal.element.get_or_add_pPr())
    for level, font in HEADING_FONTS.items():
        style = styles[f"Heading {level}"]
        _reset(style)
        _style(style, font, BODY_PT)
        _exact(style.paragraph_format, indent=True)
        style.paragraph_format.keep_with_next = True
        _outline_level(style, level)
    title = _new(styles, STYLE_TITLE, TITLE_FONT, TITLE_PT)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _exact(title.paragraph_format, pitch=Pt(LINE_PITCH_PT * 1.25), grid=False)
    subtitle = _new(styles, STYLE_SUBTITLE, KAI_FONT, BODY_PT)
    subtitle.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _exact(subtitle.paragraph_format)
    caption = _new(styles, STYLE_CAPTION, HEI_FONT, CAPTION_PT)
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _exact(caption.paragraph_format, grid=False)
    caption.paragraph_format.keep_with_next = True
    table = _new(styles, STYLE_TABLE, BODY_FONT, TABLE_PT)
    _single(table.paragraph_format)
    figure = _new(styles, STYLE_FIGURE, BODY_FONT, BODY_PT)
    _single(figure.paragraph_format)
    figure.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    figure.paragraph_format.keep_with_next = True
    sign = _new(styles, STYLE_SIGN, BODY_FONT, BODY_PT)
    _exact(sign.paragraph_format)
    sign.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    sign.paragraph_format.right_indent = Pt(BODY_PT * 2)


def _character_spacing(element: Any, twentieths: int) -> None:
    r_pr = element.get_or_add_rPr()
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(twentieths))
    r_pr.insert_element_before(spacing, *R_PR_ORDER[R_PR_ORDER.index("w:spacing") + 1 :])


def _defaults(styles: Any) -> None:
    """Document defaults: body font for every script, Chinese language, no theme fonts."""
    defaults = styles.element.find(qn("w:docDefaults"))
    r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = r_pr.find(qn("w:rFonts"))
    for attribute in list(fonts.attrib):
        del fonts.attrib[attribute]
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), BODY_FONT)
    for tag, value in (("w:sz", str(BODY_PT * 2)), ("w:szCs", str(BODY_PT * 2))):
        r_pr.find(qn(tag)).set(qn("w:val"), value)
    lang = r_pr.find(qn("w:lang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    p_pr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    _hanging_punctuation_off(p_pr)
    spacing = p_pr.find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), str(LINE_PITCH_TWIPS))
    spacing.set(qn("w:lineRule"), "exact")


def _hanging_punctuation_off(p_pr: Any) -> None:
    """Keep line-end punctuation inside the text area (docs/reports.md, 标点不悬挂).

    LibreOffice 7.x hangs a "，" "；" "。" that would be the 29th character of a line past the
    margin and, in justified lines, then does not draw it: the PDF loses it. Its .docx import
    reads ``w:overflowPunct`` inverted (``val=1`` turns its hanging punctuation off), while
    Word reads ``val=1`` as its default (punctuation may overflow, drawn). So ``val=1`` keeps
    Word as it was and makes LibreOffice move the last character down with the punctuation
    (避头尾), as most Chinese typesetting does. tests/reports/test_formats.py compares the
    characters of the .docx and the PDF and fails if a LibreOffice version reads it otherwise.
    """
    found = p_pr.find(qn("w:overflowPunct"))
    if found is None:
        found = OxmlElement("w:overflowPunct")
        p_pr.insert_element_before(found, *P_PR_ORDER[P_PR_ORDER.index("w:overflowPunct") + 1 :])
    found.set(qn("w:val"), "1")


def _reset(style: Any) -> None:
    """Drop the template's colours, theme fonts, bold and spacing from a built-in style."""
    for tag in ("w:rPr", "w:pPr"):
        found = style.element.find(qn(tag))
        if found is not None:
            style.element.remove(found)


def _style(style: Any, font: str, size: float) -> None:
    style.font.size = Pt(size)
    style.font.bold = False
    style.font.italic = False
    style.font.color.rgb = None
    set_fonts(style.element, font)


def _new(styles: Any, name: str, font: str, size: float) -> Any:
    from docx.enum.style import WD_STYLE_TYPE

    style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.style_id = STYLE_IDS[name]
    style.base_style = styles["Normal"]
    style.quick_style = True
    _style(style, font, size)
    style.paragraph_format.first_line_indent = Pt(0)
    _first_line_chars(style.element, 0)
    return style


def _exact(fmt: Any, *, pitch: Any = None, indent: bool = False, grid: bool = True) -> None:
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = pitch if pitch is not None else Twips(LINE_PITCH_TWIPS)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(BODY_PT * 2)
        _first_line_chars(fmt._element, 200)
    if not grid:
        _snap_to_grid(fmt._element, False)


def _single(fmt: Any) -> None:
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(0)
    _snap_to_grid(fmt._element, False)


def _first_line_chars(element: Any, hundredths: int) -> None:
    """w:firstLineChars (in 1/100 character): WPS and Word keep the indent at two characters."""
    ind = element.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(hundredths))


def _p_pr_child(element: Any, tag: str) -> Any:
    """The pPr child ``tag``, created in the order the schema requires (Word rejects others)."""
    p_pr = element.get_or_add_pPr()
    found = p_pr.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        p_pr.insert_element_before(found, *P_PR_ORDER[P_PR_ORDER.index(tag) + 1 :])
    return found


def _snap_to_grid(element: Any, snap: bool) -> None:
    _p_pr_child(element, "w:snapToGrid").set(qn("w:val"), "1" if snap else "0")


def _outline_level(style: Any, level: int) -> None:
    _p_pr_child(style.element, "w:outlineLvl").set(qn("w:val"), str(level - 1))


# --- body ---------------------------------------------------------------------------------
# The body is written as WordprocessingML text and parsed once per stretch between charts:
# python-docx's object API costs about 1 ms a paragraph (style look-ups by name), which
# would make one report take 200 ms instead of a few.

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
BORDER = '<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
BORDERS = "".join(BORDER.format(side=side) for side in ("top", "left", "bottom", "right", "insideH", "insideV"))


def _rpr(font: str, size: float | None = None) -> str:
    sz = f'<w:sz w:val="{round(size * 2)}"/><w:szCs w:val="{round(size * 2)}"/>' if size else ""
    return (
        f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}" '
        f'w:hint="eastAsia"/>{sz}</w:rPr>'
    )


def _runs(text: str, font: str, size: float | None = None) -> str:
    """Runs for ``text``: line breaks become w:br, tabs w:tab; everything else is escaped."""
    rpr = _rpr(font, size)
    parts: list[str] = []
    for i, line in enumerate(clean_text(text).split("\n")):
        if i:
            parts.append(f"<w:r>{rpr}<w:br/></w:r>")
        for j, piece in enumerate(line.split("\t")):
            if j:
                parts.append(f"<w:r>{rpr}<w:tab/></w:r>")
            if piece:
                parts.append(f'<w:r>{rpr}<w:t xml:space="preserve">{escape(piece)}</w:t></w:r>')
    return "".join(parts)


def _p(
    text: str,
    font: str,
    style: str | None = None,
    *,
    align: str | None = None,
    size: float | None = None,
    ppr: str = "",
) -> str:
    style_xml = f'<w:pStyle w:val="{STYLE_IDS.get(style, style)}"/>' if style else ""
    jc = f'<w:jc w:val="{align}"/>' if align else ""
    return f"<w:p><w:pPr>{style_xml}{ppr}{jc}</w:pPr>{_runs(text, font, size)}</w:p>"


class _Body:
    """Collects body XML and appends it to the document before the final sectPr."""

    def __init__(self, document: Any) -> None:
        self.document = document
        self.parts: list[str] = []

    def add(self, xml: str) -> None:
        self.parts.append(xml)

    def flush(self) -> None:
        if not self.parts:
            return
        fragment = parse_xml(f'<w:body xmlns:w="{W_NS}">{"".join(self.parts)}</w:body>')
        body = self.document.element.body
        anchor = body.sectPr
        for child in list(fragment):
            if anchor is not None:
                anchor.addprevious(child)
            else:
                body.append(child)
        self.parts = []

    def keep_last_with_next(self) -> None:
        """Keep the last paragraph written so far on the page of what follows."""
        self.flush()
        body = self.document.element.body
        last = body.sectPr.getprevious() if body.sectPr is not None else body[-1]
        if last is not None and last.tag == qn("w:p"):
            _p_pr_child(last, "w:keepNext")

    def picture(self, png: bytes) -> None:
        self.flush()
        paragraph = self.document.add_paragraph(style=STYLE_FIGURE)
        paragraph.add_run().add_picture(io.BytesIO(png), width=Mm(image_width_mm(png)))


#: A chart and its caption (two lines) fit the text area: the picture is at most this high.
IMAGE_MAX_HEIGHT_MM = PAGE_HEIGHT_MM - MARGIN_TOP_MM - MARGIN_BOTTOM_MM - 2 * LINE_PITCH_PT * 25.4 / 72 - 3


def image_width_mm(png: bytes) -> float:
    """150 mm wide, narrower when that would make the chart taller than the text area allows
    (a chart of 60 indicators): scaled down whole, so its caption stays on its page."""
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")  # IHDR
    if width <= 0 or height <= 0:
        return IMAGE_WIDTH_MM
    return min(IMAGE_WIDTH_MM, IMAGE_MAX_HEIGHT_MM * width / height)


def _write_body(document: Any, content: ReportContent) -> None:
    body = _Body(document)
    for line in content.title:
        body.add(_p(line, TITLE_FONT, STYLE_TITLE))
    for line in (content.subtitle, content.review_mark):
        if line:
            body.add(_p(line, KAI_FONT, STYLE_SUBTITLE))
    body.add("<w:p/>")  # one blank line between the title block and the text
    for paragraph in content.preamble:
        _paragraph(body, paragraph)
    for section in content.sections:
        _section(body, section)
    body.keep_last_with_next()  # the sign-off never stands alone on a page
    if content.appendix is not None:
        body.add(_attachment_note(attachment_name(content.appendix)))
    _signature(body, content.sign_off, content.date)
    if content.appendix is not None:
        _attachment(body, content.appendix)
    body.flush()


# --- sign-off and attachment (GB/T 9704-2012 §7.3.4, §7.3.5.1, §8; docs/reports.md) -----------

#: One 字 of the body on the 28-character line: the unit of "右空四字".
CHAR_TWIPS = TEXT_WIDTH_MM * TWIPS_PER_MM / CHARS_PER_LINE
TEXT_WIDTH_TWIPS = round(TEXT_WIDTH_MM * TWIPS_PER_MM)
#: 成文日期右空四字 (§7.3.5.1, a document the unit stamps with its seal).
DATE_RIGHT_CHARS = 4


def text_twips(text: str) -> float:
    """Width of body text: a CJK or full-width character one 字, anything else half of one."""
    return sum(CHAR_TWIPS if unicodedata.east_asian_width(ch) in "WF" else CHAR_TWIPS / 2 for ch in text)


def _signature(body: _Body, signer: str, date: str) -> None:
    """发文机关署名 centred over 成文日期; the date four characters from the right margin.

    The seal is pressed over both, its top within a line of the text above: two blank
    lines above the signer leave it room. A signer too long to be centred over the date
    there ends at the right margin, and the date is centred under it.
    """
    before = f'<w:spacing w:before="{LINE_PITCH_TWIPS * 2}"/>'
    date_right = round(DATE_RIGHT_CHARS * CHAR_TWIPS)
    centre = date_right + text_twips(date) / 2  # the date's centre, from the right margin
    if signer and text_twips(signer) > 2 * centre:
        signer_ind = '<w:ind w:left="0" w:right="0" w:firstLine="0" w:firstLineChars="0"/>'
        signer_jc = "right"
        left = max(TEXT_WIDTH_TWIPS - round(text_twips(signer)), 0)
        date_ind = f'<w:ind w:left="{left}" w:right="0" w:firstLine="0" w:firstLineChars="0"/>'
        date_jc = "center"
    else:
        left = max(TEXT_WIDTH_TWIPS - round(2 * centre), 0)
        signer_ind = f'<w:ind w:left="{left}" w:right="0" w:firstLine="0" w:firstLineChars="0"/>'
        signer_jc = "center"
        date_ind = f'<w:ind w:left="0" w:right="{date_right}" w:firstLine="0" w:firstLineChars="0"/>'
        date_jc = "right"
    if signer:
        body.add(_p(signer, BODY_FONT, STYLE_SIGN, align=signer_jc, ppr=f"<w:keepNext/>{before}{signer_ind}"))
        before = ""
    if date:
        body.add(_p(date, BODY_FONT, STYLE_SIGN, align=date_jc, ppr=f"{before}{date_ind}"))


def _attachment_note(name: str) -> str:
    """附件说明 (§7.3.4): a blank line below the text, two characters in, "附件：" and the name;
    a second line of the name aligns with its first character."""
    label = round(text_twips("附件："))
    indent = round(2 * CHAR_TWIPS)
    ppr = (
        f'<w:keepNext/><w:spacing w:before="{LINE_PITCH_TWIPS}"/>'
        f'<w:ind w:left="{indent + label}" w:hanging="{label}" w:firstLineChars="0"/>'
    )
    return _p(f"附件：{name}", BODY_FONT, ppr=ppr)


def _attachment(body: _Body, appendix: Section) -> None:
    """The attachment on a page of its own (§8): "附件" in 3号黑体 flush left on the first line,
    its title centred on the second, then the text formatted like the body."""
    flush = '<w:pageBreakBefore/><w:ind w:firstLine="0" w:firstLineChars="0"/>'
    body.add(_p("附件", HEI_FONT, ppr=flush))
    body.add(_p(attachment_name(appendix), TITLE_FONT, STYLE_TITLE))
    for block in appendix.blocks:
        _block(body, block)


def _paragraph(body: _Body, paragraph: Paragraph) -> None:
    if paragraph.role is Role.CAPTION:
        body.add(_p(paragraph.text, HEI_FONT, STYLE_CAPTION))
    elif paragraph.role in (Role.SIGN_OFF, Role.DATE):
        body.add(_p(paragraph.text, BODY_FONT, STYLE_SIGN))
    elif paragraph.role is Role.NOTE:
        body.add(_p(paragraph.text, BODY_FONT, ppr='<w:ind w:firstLine="0" w:firstLineChars="0"/>'))
    else:
        body.add(_p(paragraph.text, BODY_FONT))


def _section(body: _Body, section: Section) -> None:
    level = min(max(section.level, 1), 4)
    body.add(_p(section.heading, HEADING_FONTS[level], f"Heading{level}"))
    for block in section.blocks:
        _block(body, block)


def _block(body: _Body, block: Block) -> None:
    if isinstance(block, Section):
        _section(body, block)
    elif isinstance(block, Paragraph):
        _paragraph(body, block)
    elif isinstance(block, Table):
        _table(body, block)
    else:
        _chart(body, block)


def _chart(body: _Body, chart: Chart) -> None:
    body.picture(chart_png(chart))
    body.add(_p(chart.caption, HEI_FONT, STYLE_CAPTION))


#: Left and right cell margins in twips (1 mm each).
CELL_MARGIN_TWIPS = 57
TEXT_HEIGHT_PT = (PAGE_HEIGHT_MM - MARGIN_TOP_MM - MARGIN_BOTTOM_MM) / 25.4 * 72


def _table(body: _Body, table: Table) -> None:
    body.add(_p(table.caption, HEI_FONT, STYLE_CAPTION))
    plan = layout(
        table, TEXT_WIDTH_TWIPS / 20, TABLE_PT, page_pt=TEXT_HEIGHT_PT - 2 * LINE_PITCH_PT,
        padding_pt=2 * CELL_MARGIN_TWIPS / 20 + 4,
    )  # fmt: skip
    widths = [round(w * 20) for w in plan.widths]
    widths[-1] += TEXT_WIDTH_TWIPS - sum(widths)  # rounding: the table is exactly the text width
    spans = _spans(plan.merges)
    xml = [
        '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/>',
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>',
        f'<w:tblBorders>{BORDERS}</w:tblBorders><w:tblLayout w:type="fixed"/>',
        f'<w:tblCellMar><w:left w:w="{CELL_MARGIN_TWIPS}" w:type="dxa"/>'
        f'<w:right w:w="{CELL_MARGIN_TWIPS}" w:type="dxa"/></w:tblCellMar>',
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
        'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>',
        *(f'<w:gridCol w:w="{w}"/>' for w in widths),
        "</w:tblGrid>",
    ]
    for r, cells in enumerate(table.grid):
        keep = "<w:cantSplit/>" if sum(len(c.text) for c in cells) < 400 else ""
        header = "<w:tblHeader/>" if r < len(table.header) else ""
        xml.append(f"<w:tr><w:trPr>{keep}{header}</w:trPr>")
        keep_next = r in plan.keep_with_next
        for c, cell in enumerate(cells):
            span = spans.get((r, c))
            if span == "covered":
                continue
            label = plan.labels.get((r, c))
            xml.append(_cell(cell if label is None else replace(cell, text=label), widths, c, span, keep_next))
        xml.append("</w:tr>")
    xml.append("</w:tbl>")
    body.add("".join(xml))
    if table.note:
        _paragraph(body, Paragraph(table.note, Role.NOTE))
    body.add(f'<w:p><w:pPr><w:pStyle w:val="{STYLE_IDS[STYLE_TABLE]}"/></w:pPr></w:p>')


Span = tuple[int, str] | str  # (grid columns, vMerge value) for a merge's first column, or "covered"


def _spans(merges: tuple[Merge, ...]) -> dict[tuple[int, int], Span]:
    """How each merged cell is written: gridSpan on the first column, vMerge down the rows."""
    spans: dict[tuple[int, int], Span] = {}
    for m in merges:
        for r in range(m.row, m.last_row + 1):
            spans[(r, m.col)] = (m.last_col - m.col + 1, "restart" if r == m.row else "continue")
            for c in range(m.col + 1, m.last_col + 1):
                spans[(r, c)] = "covered"
    return spans


def _cell(cell: Cell, widths: list[int], col: int, span: Span | None, keep_next: bool) -> str:
    columns, merge = span if isinstance(span, tuple) else (1, "")
    width = sum(widths[col : col + columns])
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if columns > 1:
        props += f'<w:gridSpan w:val="{columns}"/>'
    if merge == "restart":
        props += '<w:vMerge w:val="restart"/>'
    elif merge == "continue":
        props += "<w:vMerge/>"
    if not merge:
        # LibreOffice 7.4 drops the rows of a table whose vertically merged cells are centred
        # when the table also repeats its header row across pages: merged cells stay top-aligned.
        props += '<w:vAlign w:val="center"/>'
    text = "" if merge == "continue" else cell.text
    align = {Align.LEFT: "left", Align.CENTER: "center", Align.RIGHT: "right"}[cell.align]
    ppr = "<w:keepNext/>" if keep_next else ""
    paragraphs = "".join(
        _p(line, HEI_FONT if cell.bold else BODY_FONT, STYLE_TABLE, align=align, ppr=ppr) for line in text.split("\n")
    )
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{paragraphs}</w:tc>"
