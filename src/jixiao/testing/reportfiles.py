"""Report files made from a report's text, for tests and bench/: .docx (python-docx) and, through
LibreOffice, PDF. Nothing binary is committed: the files are written where the caller asks.

``write_docx`` can add what real files carry and the reader must cope with: a table (read by the
table importer), tracked changes (an insertion and a deletion), an embedded image.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Sequence
from pathlib import Path

import docx
import docx.table
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Mm


def write_docx(
    text: str,
    path: Path,
    *,
    table: Sequence[Sequence[str]] | None = None,
    merges: Sequence[tuple[int, int, int, int]] = (),
    header_rows: int = 0,
    landscape: bool = False,
    tracked: tuple[str, str] | None = None,
    image: bytes | None = None,
) -> Path:
    """The text as a .docx, one paragraph per line.

    ``table`` rows go after the first paragraph, ruled (style "Table Grid"),
    with ``merges`` (first row, first column, last row, last column; 0-based) merged and the
    first ``header_rows`` repeated at the top of each page the table goes on to; ``tracked`` =
    (inserted, deleted) adds one paragraph with a tracked insertion and a tracked deletion;
    ``image`` (PNG bytes) is embedded; ``landscape`` turns the pages with narrow margins (a large table fits one page).
    """
    document = docx.Document()
    if landscape:
        section = document.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
        section.top_margin = section.bottom_margin = section.left_margin = section.right_margin = Mm(12)
    lines = text.splitlines()
    for i, line in enumerate(lines):
        document.add_paragraph(line)
        if i == 0 and table:
            grid = document.add_table(rows=len(table), cols=max(len(row) for row in table))
            grid.style = "Table Grid"
            for r, row in enumerate(table):
                for c, value in enumerate(row):
                    grid.cell(r, c).text = value
            _merge(grid, merges)
            for row in grid.rows[:header_rows]:
                properties = row._tr.get_or_add_trPr()
                properties.append(properties.makeelement(qn("w:tblHeader"), {}))
    if tracked is not None:
        _tracked_paragraph(document, *tracked)
    if image is not None:
        document.add_paragraph().add_run().add_picture(io.BytesIO(image), width=Mm(100))
    document.save(str(path))
    return path


def self_evaluation_table(case_id: str = "R01") -> tuple[list[list[str]], list[tuple[int, int, int, int]]]:
    """One of the table importer's cases (jixiao.testing.tablegen) as a report prints it: what each
    cell shows (a formula's value) and the merged ranges, for ``write_docx(table=…, merges=…)``."""
    from jixiao.testing import tablegen

    drawing = tablegen.draw(tablegen.case(case_id))
    height = max(r for r, _ in drawing.cells) + 1
    width = max([c for _, c in drawing.cells] + [c1 for *_, c1 in drawing.merges]) + 1

    def shown(value: object) -> str:
        value = getattr(value, "cached", value)
        return "" if value is None else str(value)

    rows = [[shown(drawing.cells.get((r, c))) for c in range(width)] for r in range(height)]
    return rows, list(drawing.merges)


def _merge(table: docx.table.Table, merges: Sequence[tuple[int, int, int, int]]) -> None:
    """Merged ranges as Word writes them: the first cell of a row spans the columns (gridSpan), the
    rows below continue it (vMerge); only the first cell keeps its text. python-docx's own merge
    refuses ranges next to other merges, so the cells are edited directly."""
    rows = [list(row._tr.tc_lst) for row in table.rows]  # before any cell is removed
    for r0, c0, r1, c1 in merges:
        for r in range(r0, r1 + 1):
            first = rows[r][c0]
            properties = first.get_or_add_tcPr()
            if c1 > c0:
                span = properties.makeelement(qn("w:gridSpan"), {qn("w:val"): str(c1 - c0 + 1)})
                properties.append(span)
                for covered in rows[r][c0 + 1 : c1 + 1]:
                    covered.getparent().remove(covered)
            if r1 > r0:
                attributes = {qn("w:val"): "restart"} if r == r0 else {}
                properties.append(properties.makeelement(qn("w:vMerge"), attributes))
            if r > r0:
                for paragraph in first.findall(qn("w:p"))[1:]:
                    first.remove(paragraph)
                for text in first.iter(qn("w:t")):
                    text.text = ""


def _tracked_paragraph(document: docx.document.Document, inserted: str, deleted: str) -> None:
    paragraph = document.add_paragraph("修订：")
    run = paragraph.runs[0]._r
    insertion = paragraph._p.makeelement(qn("w:ins"), {qn("w:id"): "1", qn("w:author"): "审核人"})
    new_run = copy.deepcopy(run)
    new_run.find(qn("w:t")).text = inserted
    insertion.append(new_run)
    deletion = paragraph._p.makeelement(qn("w:del"), {qn("w:id"): "2", qn("w:author"): "审核人"})
    old_run = copy.deepcopy(run)
    old_text = old_run.find(qn("w:t"))
    old_text.tag = qn("w:delText")
    old_text.text = deleted
    deletion.append(old_run)
    paragraph._p.append(insertion)
    paragraph._p.append(deletion)
