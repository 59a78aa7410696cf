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
from docx.oxml.ns import qn
from docx.shared import Mm


def write_docx(
    text: str,
    path: Path,
    *,
    table: Sequence[Sequence[str]] | None = None,
    tracked: tuple[str, str] | None = None,
    image: bytes | None = None,
) -> Path:
    """The text as a .docx, one paragraph per line.

    ``table`` rows go after the first paragraph; ``tracked`` = (inserted, deleted) adds one
    paragraph with a tracked insertion and a tracked deletion; ``image`` (PNG bytes) is embedded.
    """
    document = docx.Document()
    lines = text.splitlines()
    for i, line in enumerate(lines):
        document.add_paragraph(line)
        if i == 0 and table:
            grid = document.add_table(rows=len(table), cols=max(len(row) for row in table))
            for r, row in enumerate(table):
                for c, value in enumerate(row):
                    grid.cell(r, c).text = value
    if tracked is not None:
        _tracked_paragraph(document, *tracked)
    if image is not None:
        document.add_paragraph().add_run().add_picture(io.BytesIO(image), width=Mm(100))
    document.save(str(path))
    return path


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
