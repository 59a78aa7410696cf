"""Reports: the self-evaluation report (.docx, PDF, HTML) and table (.xlsx) from an evaluation.

``build_content`` (pure) turns evaluation + scorecard (+ findings for the review copy) into a
:class:`ReportContent` following a template; the writers lay it out. Only this package
imports python-docx, openpyxl's writer, Pillow (charts) or LibreOffice, and only when a format
that needs them is asked for.

    from jixiao.reports import render
    render(evaluation, scorecard, "docx", Path("out/报告.docx"))
"""

from __future__ import annotations

from jixiao.reports.api import FORMATS, Format, ReportJob, render, render_content, render_many
from jixiao.reports.content import build_content
from jixiao.reports.document import ReportContent
from jixiao.reports.pdf import LibreOfficeMissing, PdfConversionError, ReportError
from jixiao.reports.templates import ReportTemplate, builtin_template, load_template

__all__ = [
    "FORMATS",
    "Format",
    "LibreOfficeMissing",
    "PdfConversionError",
    "ReportContent",
    "ReportError",
    "ReportJob",
    "ReportTemplate",
    "build_content",
    "builtin_template",
    "load_template",
    "render",
    "render_content",
    "render_many",
]
