"""A written self-evaluation report (.txt, .docx, text PDF) → its text, its tables and what could not be read.

The report reader (jixiao.ingest.report_text) works on plain text; this module gets that text
out of the three file types units send (docs/report-reading.md#report-files):

- .txt: UTF-8 or GB18030;
- .docx: the body in order, paragraph by paragraph, with tracked changes read as if accepted;
  each table becomes a grid for the table importer and, flattened with "｜" between cells, a
  line of the text so that its figures are read as well;
- PDF: the text layer, page by page (pdfminer.six, through pdfplumber); the lines of a
  paragraph that the page wrapped are joined again; each ruled table becomes a grid for the
  table importer (jixiao.ingest.pdf_tables), a table continued over pages joined into one.
  A page without text but with an image is a scanned page: it is reported, not read (no OCR).

Anything the reader had to leave out (scanned pages, images, tracked changes) is listed in
``unread`` in Chinese; a file that cannot be opened at all (password, damage, no text) raises
:class:`InputError` saying what was found.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jixiao.ingest import pdf_tables
from jixiao.ingest.errors import InputError
from jixiao.ingest.grid import Grid
from jixiao.ingest.limits import MAX_FILE_BYTES, MAX_UNPACKED_BYTES, MiB
from jixiao.ingest.textfile import decode, read_bytes

REPORT_SUFFIXES = {".txt", ".docx", ".pdf"}
#: Pages read from a PDF at most; a self-evaluation report is rarely over 30.
MAX_PDF_PAGES = 200
#: An embedded image above this many bytes is named in the notes (it may hold a scanned table).
BIG_IMAGE_BYTES = 5 * MiB
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CJK = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
# A space the PDF layout put between a Chinese character and a number or letter ("2021 年").
_LAYOUT_SPACE = re.compile(rf"(?<=[{_CJK}])[ \u00a0]+(?=[0-9A-Za-z])|(?<=[0-9A-Za-z%.])[ \u00a0]+(?=[{_CJK}])")
_PARAGRAPH_ENDS = ("。", "；", "：", "！", "？", ":", ";")
_CONTINUATION = frozenset("，。、；：）)%％")
_ONLY_QUOTES = re.compile(r"[\s“”‘’\"']+")


@dataclass(frozen=True)
class ReportDocument:
    """The text of a report file and what the reader could not read in it."""

    file: str
    format: str  # "txt", "docx" or "pdf"
    text: str
    tables: tuple[Grid, ...] = ()
    unread: tuple[str, ...] = ()  # Chinese: what was found but not read (scanned pages, images …)
    pages: int | None = None  # PDF pages


def read_report_file(path: str | Path) -> ReportDocument:
    """The text of a .txt, .docx or PDF report; raises :class:`InputError` (Chinese) when unreadable."""
    source = Path(path)
    file = str(source)
    suffix = source.suffix.lower()
    data = read_bytes(source, MAX_FILE_BYTES)
    if not data:
        raise InputError("文件为空（0 字节），没有可读的内容", file=file)
    if suffix == ".txt":
        return ReportDocument(file, "txt", _tidy(decode(data, file)))
    if suffix == ".docx":
        return _read_docx(source, data, file)
    if suffix == ".pdf":
        return _read_pdf(data, file)
    raise InputError(f"不支持的报告文件类型“{suffix or '无扩展名'}”，可读取 .txt、.docx、.pdf", file=file)


def _tidy(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")


# --- .docx ---------------------------------------------------------------------------------


def _check_docx_archive(source: Path, data: bytes, file: str) -> None:
    if data.startswith(_OLE_MAGIC):
        raise InputError("这是设置了打开密码的 Word 文件，或旧版 Word（.doc）文件：无法读取其中的文字；"
                         "请取消密码，或在 Word 中另存为 .docx 后再导入", file=file)  # fmt: skip
    if not data.startswith(b"PK"):
        raise InputError("不是有效的 Word 文件（.docx 应为 zip 压缩包）：文件可能已损坏，或由其他格式改名而来；"
                         "请在 Word 中另存为 .docx 后再导入", file=file)  # fmt: skip
    try:
        with zipfile.ZipFile(source) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise InputError("Word 文件已损坏，无法解压，没有读到任何文字；请在 Word 中打开并另存为 .docx 后再导入",
                         file=file) from None  # fmt: skip
    if any(info.flag_bits & 0x1 for info in infos):
        raise InputError("Word 文件已加密，无法读取其中的文字；请取消密码保护后再导入", file=file)
    unpacked = sum(info.file_size for info in infos)
    if unpacked > MAX_UNPACKED_BYTES:
        raise InputError(f"解压后大小 {unpacked / MiB:.0f} MB 超过上限 {MAX_UNPACKED_BYTES / MiB:.0f} MB"
                         "（疑似压缩炸弹），已拒绝；请删除无关图片后再导入", file=file)  # fmt: skip
    if "word/document.xml" not in {info.filename for info in infos}:
        raise InputError("压缩包中没有 Word 正文（word/document.xml），不是 .docx 文件；"
                         "请在 Word 中另存为 .docx 后再导入", file=file)  # fmt: skip


def _read_docx(source: Path, data: bytes, file: str) -> ReportDocument:
    _check_docx_archive(source, data, file)
    import docx  # python-docx, only for .docx reports

    try:
        document = docx.Document(str(source))
    except Exception as error:  # python-docx raises several kinds for a broken package
        raise InputError(f"Word 文件已损坏，无法打开（{type(error).__name__}），没有读到任何文字；"
                         "请在 Word 中打开并另存为 .docx 后再导入", file=file) from None  # fmt: skip
    from docx.table import Table

    lines: list[str] = []
    tables: list[Grid] = []
    inserted = deleted = 0
    for child in document.element.body.iterchildren():
        if child.tag == f"{_W}tbl":
            rows = _table_rows(Table(child, document))
            tables.append(Grid.from_rows(f"表{len(tables) + 1}", rows))
            lines.extend("｜".join(cell for cell in row if cell) for row in rows if any(row))
            continue
        inserted += sum(1 for _ in child.iter(f"{_W}ins"))
        deleted += sum(1 for _ in child.iter(f"{_W}del"))
        for paragraph in child.iter(f"{_W}p"):
            lines.append(_paragraph_text(paragraph))
    unread = _docx_notes(document, inserted, deleted)
    return ReportDocument(file, "docx", "\n".join(lines), tuple(tables), tuple(unread))


def _table_rows(table: Any) -> list[list[str]]:
    """The table's text by grid position: a merged cell's text stands in its first position only,
    so that columns keep their places for the table importer."""
    rows: list[list[str]] = []
    above: list[Any] = []
    for row in table.rows:
        cells = list(row.cells)
        texts = []
        for col, cell in enumerate(cells):
            left = cells[col - 1]._tc if col else None
            up = above[col]._tc if col < len(above) else None
            texts.append("" if cell._tc is left or cell._tc is up else cell.text.strip())
        rows.append(texts)
        above = cells
    return rows


def _paragraph_text(paragraph: Any) -> str:
    """The paragraph as if every tracked change were accepted: inserted text in, deleted text out."""
    parts: list[str] = []
    for node in paragraph.iter(f"{_W}t", f"{_W}tab", f"{_W}br"):
        if node.tag == f"{_W}t":
            parts.append(node.text or "")
        elif node.tag == f"{_W}tab":
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def _docx_notes(document: Any, inserted: int, deleted: int) -> list[str]:
    notes: list[str] = []
    if inserted or deleted:
        notes.append(f"文件中有未接受的修订（插入 {inserted} 处、删除 {deleted} 处）："
                     "按接受全部修订后的文字读取，请确认这是定稿")  # fmt: skip
    # Images the body refers to (the package's thumbnail is not part of the text).
    images = [rel.target_part for rel in document.part.rels.values()
              if not rel.is_external and rel.reltype.endswith("/image")]  # fmt: skip
    if images:
        big = [part for part in images if len(part.blob) > BIG_IMAGE_BYTES]
        largest = max((len(part.blob) for part in big), default=0) / MiB
        size = f"，其中 {len(big)} 张大于 {BIG_IMAGE_BYTES // MiB} MB（最大 {largest:.1f} MB）" if big else ""
        notes.append(f"文件中有 {len(images)} 张图片{size}：图片中的文字和表格没有读取（不做文字识别），"
                     "如其中有预算或指标数字，请以文字或表格形式提供")  # fmt: skip
    return notes


# --- PDF -----------------------------------------------------------------------------------


@dataclass
class _PdfPages:
    """What the pages of a PDF gave."""

    count: int = 0
    text: list[str] = field(default_factory=list)
    scanned: list[int] = field(default_factory=list)
    empty: list[int] = field(default_factory=list)
    tables: list[pdf_tables.TablePart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # Chinese: tables not read


def _read_pdf(data: bytes, file: str) -> ReportDocument:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise InputError("不是有效的 PDF 文件（缺少 PDF 文件头）：文件可能已损坏，或由其他格式改名而来", file=file)
    pages = _PdfPages()
    try:
        _read_pdf_pages(data, pages)
    except Exception as error:  # a damaged PDF raises many kinds of error; pdfplumber wraps them
        cause = error.args[0] if isinstance(error, PdfminerException) and error.args else error
        if isinstance(cause, PDFPasswordIncorrect):
            raise InputError("PDF 文件设置了打开密码，无法读取其中的文字；请提供未加密的 PDF", file=file) from None
        if isinstance(cause, PDFEncryptionError):
            raise InputError(f"PDF 文件已加密（{cause}），无法读取其中的文字；请提供未加密的 PDF", file=file) from None
        kind = type(cause if isinstance(cause, BaseException) else error).__name__
        read = f"读到 {len(pages.text)} 页文字后出错" if pages.text else "没有读到任何文字"
        raise InputError(f"PDF 文件已损坏或结构异常（{kind}），{read}；"
                         "请重新导出 PDF 或提供 Word 版本", file=file) from None  # fmt: skip
    count, scanned = pages.count, pages.scanned
    if count == 0:
        raise InputError("PDF 文件中没有页面，没有可读的内容", file=file)
    if not pages.text:
        what = f"全部 {count} 页都是扫描图像" if len(scanned) == count else \
            f"{count} 页中 {len(scanned)} 页是扫描图像、{len(pages.empty)} 页为空白"  # fmt: skip
        raise InputError(f"PDF 没有文字层：{what}，jixiao 不做文字识别（OCR），读不到任何文字；"
                         "请提供 Word 版本或可复制文字的 PDF", file=file)  # fmt: skip
    unread = []
    if scanned:
        unread.append(f"PDF 共 {count} 页，第 {_pages(scanned)} 页是扫描图像（没有文字层），其中的文字没有读取"
                      "（不做文字识别）；其余页已读取")  # fmt: skip
    if count >= MAX_PDF_PAGES:
        unread.append(f"只读取了前 {MAX_PDF_PAGES} 页")
    joined = pdf_tables.join_parts(pages.tables)
    if len(joined) > pdf_tables.MAX_PDF_TABLES:
        unread.append(f"PDF 中有 {len(joined)} 个表格，只按表格读取了前 {pdf_tables.MAX_PDF_TABLES} 个"
                      "（其余表格的文字已按正文读取）")  # fmt: skip
    tables = pdf_tables.to_grids(joined[: pdf_tables.MAX_PDF_TABLES])
    return ReportDocument(file, "pdf", "\n".join(pages.text), tuple(tables), tuple(unread + pages.notes), count)


def _read_pdf_pages(data: bytes, pages: _PdfPages) -> None:
    """Each page once through pdfminer.six (by pdfplumber): the layout for the text, and on a page
    that draws lines, the lines and characters for the tables."""
    from io import BytesIO

    import pdfplumber
    from pdfminer.layout import LTFigure, LTImage, LTTextContainer
    from pdfminer.pdfpage import PDFPage
    from pdfplumber.page import Page

    with pdfplumber.open(BytesIO(data), laparams={}) as document:
        top = 0.0
        for number, page_object in enumerate(PDFPage.create_pages(document.doc), start=1):
            if number > MAX_PDF_PAGES:
                break
            pages.count = number
            page = Page(document, page_object, page_number=number, initial_doctop=top)
            top += float(page.height)
            layout = page.layout
            boxes = [item for item in layout if isinstance(item, LTTextContainer)]
            text = "\n".join(_rejoin([line for box in boxes for line in _box_paragraphs(box)]))
            if text.strip():
                pages.text.append(text)
                if pdf_tables.page_has_rules(layout):
                    pages.tables.extend(_page_tables(page, number, pages.notes))
            elif any(isinstance(item, LTImage | LTFigure) for item in layout):
                pages.scanned.append(number)
            else:
                pages.empty.append(number)


def _page_tables(page: Any, number: int, notes: list[str]) -> list[pdf_tables.TablePart]:
    """The page's ruled tables; a page whose tables cannot be made out is said, its text still read."""
    try:
        return pdf_tables.page_tables(page)
    except pdf_tables.TooManyRules as error:
        notes.append(f"第 {number} 页有 {error.count} 条线条（图形或图表），没有从中查找表格；该页文字已读取")
    except Exception as error:  # an odd page must not stop the reading of the others
        notes.append(f"第 {number} 页的表格结构异常（{type(error).__name__}），没有按表格读取；该页文字已读取")
    return []


def _pages(numbers: list[int]) -> str:
    return "、".join(str(n) for n in numbers[:10]) + ("等" if len(numbers) > 10 else "")


def _rejoin(paragraphs: list[str]) -> list[str]:
    """A paragraph split between two boxes (around a quotation mark in another font): a number
    does not end a paragraph, and punctuation does not start one."""
    joined: list[str] = []
    for paragraph in paragraphs:
        if joined and (joined[-1][-1:].isdigit() or paragraph.lstrip()[:1] in _CONTINUATION):
            joined[-1] += paragraph.strip()
        else:
            joined.append(paragraph)
    return joined


def _box_paragraphs(box: Any) -> list[str]:
    """The paragraphs of a text box: wrapped lines joined; a line that stops short of the
    box's right edge, or a line that starts indented, ends or starts a paragraph."""
    from pdfminer.layout import LTTextLine

    lines = [line for line in box if isinstance(line, LTTextLine)]
    paragraphs: list[str] = []
    current = ""
    for i, line in enumerate(lines):
        text = line.get_text().rstrip("\n")
        height = max(line.height, 1.0)
        indented = i > 0 and line.x0 > box.x0 + height
        if indented and current:
            paragraphs.append(current)
            current = ""
        current += text.strip() if current else text.rstrip()
        short = line.x1 < box.x1 - 1.5 * height
        if short and (text.rstrip().endswith(_PARAGRAPH_ENDS) or line.width < 0.75 * box.width):
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    # Quotation marks set in a Latin font come out as boxes of their own, away from their text.
    return [_LAYOUT_SPACE.sub("", p) for p in paragraphs if p.strip() and not _ONLY_QUOTES.fullmatch(p)]
