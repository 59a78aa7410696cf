"""Report and table files of a version, from the reports module (:mod:`jixiao.reports`).

The web layer never writes a report itself: it hands the core's evaluation and scorecard to
``jixiao.reports.render``. A report that cannot be made (LibreOffice missing for PDF) answers
503 with the reports module's Chinese message instead of failing.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.urls import register_converter

from jixiao.web.evaluations.engine import Assessment
from jixiao.web.responses import XLSX


@dataclass(frozen=True)
class Format:
    ext: str
    label: str
    content_type: str


FORMATS = {
    fmt.ext: fmt
    for fmt in (
        Format("docx", "自评报告（Word）", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        Format("pdf", "自评报告（PDF）", "application/pdf"),
        Format("xlsx", "自评表（Excel）", XLSX),
        Format("html", "自评报告（网页）", "text/html; charset=utf-8"),
    )
}


class FormatConverter:
    """``<fmt:fmt>`` in URLs: only the formats above, anything else is a 404."""

    regex = "|".join(FORMATS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "fmt")


class ReportUnavailable(Exception):
    """The report could not be produced; the message says why, in Chinese."""


class ReportRefused(ReportUnavailable):
    """The report may not be produced as asked: a publication copy of an evaluation with assumed values."""


def render_report(assessment: Assessment, ext: str, *, review_copy: bool = False) -> bytes:
    """The file's bytes. ``review_copy`` adds the checker's findings (审核版); publication copies never do."""
    try:
        from jixiao.reports import ReportError, render
        from jixiao.reports.content import AssumedValuesError
    except ImportError:
        raise ReportUnavailable("报告生成模块尚未安装，暂时无法下载报告；请稍后再试或联系管理员") from None
    with tempfile.TemporaryDirectory(prefix="jixiao-report-") as folder:
        out = Path(folder) / f"report.{ext}"
        try:
            render(
                assessment.evaluation,
                assessment.scorecard,
                ext,  # type: ignore[arg-type]  # one of FORMATS, checked by the URL converter
                out,
                findings=assessment.findings if review_copy else None,
                review_copy=review_copy,
                framework=assessment.framework,
                prior=assessment.prior,
            )
        except AssumedValuesError as error:  # the unit must confirm them first (docs/reports.md)
            raise ReportRefused(str(error)) from None
        except ReportError as error:  # e.g. LibreOffice missing for PDF: say so, do not crash
            raise ReportUnavailable(f"生成{FORMATS[ext].label}失败：{error}") from None
        return out.read_bytes()


def filename_for(unit: str, year: int, ext: str, *, review_copy: bool = False) -> str:
    kind = "自评表" if ext == "xlsx" else "绩效自评报告"
    return f"{unit}{year}年度{kind}{'（审核版）' if review_copy else ''}.{ext}"
