"""Rendering entry points: one report, or a batch (one LibreOffice start for all PDFs)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from jixiao.core.findings import Finding
from jixiao.core.framework import Framework
from jixiao.core.model import Evaluation
from jixiao.core.rectification import PriorItem
from jixiao.core.scoring import Scorecard
from jixiao.reports.content import build_content
from jixiao.reports.document import ReportContent
from jixiao.reports.pdf import ReportError, convert_to_pdf
from jixiao.reports.templates import ReportTemplate, load_template

Format = Literal["docx", "xlsx", "html", "pdf"]
FORMATS: tuple[str, ...] = get_args(Format)
#: Called after each report with (reports done, reports in all).
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ReportJob:
    """One report of a batch: what to write and where."""

    evaluation: Evaluation
    scorecard: Scorecard
    out: Path
    findings: tuple[Finding, ...] = ()
    framework: Framework | None = None


def _template(template: ReportTemplate | str | Path | None) -> ReportTemplate | None:
    if template is None or isinstance(template, ReportTemplate):
        return template
    return load_template(template)


def render(
    evaluation: Evaluation,
    scorecard: Scorecard,
    fmt: Format,
    out: Path,
    *,
    findings: Sequence[Finding] | None = None,
    review_copy: bool = False,
    template: ReportTemplate | str | Path | None = None,
    framework: Framework | None = None,
    prior: Sequence[PriorItem] = (),
) -> Path:
    """Write one report (``fmt``: docx, xlsx, html or pdf) to ``out`` and return the path.

    Findings are printed only when ``review_copy`` is true (审核版); the publication copy never
    contains them.
    """
    content = build_content(
        evaluation, scorecard, framework=framework, findings=findings, review_copy=review_copy,
        template=_template(template), prior=prior,
    )  # fmt: skip
    return render_content(content, fmt, out)


def render_content(content: ReportContent, fmt: Format, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "docx":
        from jixiao.reports.docx_writer import write_docx

        write_docx(content, out)
    elif fmt == "xlsx":
        from jixiao.reports.xlsx_writer import write_xlsx

        write_xlsx(content, out)
    elif fmt == "html":
        from jixiao.reports.html import write_html

        write_html(content, out)
    elif fmt == "pdf":
        _pdf([content], [out])
    else:
        raise ReportError(f"不支持的报告格式“{fmt}”，可选：{'、'.join(FORMATS)}")
    return out


def render_many(
    jobs: Sequence[ReportJob],
    fmt: Format,
    *,
    review_copy: bool = False,
    template: ReportTemplate | str | Path | None = None,
    progress: Progress | None = None,
) -> list[Path]:
    """Write every job's report; PDFs go through a single LibreOffice process."""
    chosen = _template(template)
    contents = [
        build_content(job.evaluation, job.scorecard, framework=job.framework, findings=job.findings,
                      review_copy=review_copy, template=chosen)
        for job in jobs
    ]  # fmt: skip
    if fmt == "pdf":
        return _pdf(contents, [job.out for job in jobs], progress)
    written = []
    for done, (content, job) in enumerate(zip(contents, jobs, strict=True), start=1):
        written.append(render_content(content, fmt, job.out))
        if progress is not None:
            progress(done, len(jobs))
    return written


def _pdf(contents: Sequence[ReportContent], outs: Sequence[Path], progress: Progress | None = None) -> list[Path]:
    from jixiao.reports.docx_writer import write_docx

    with tempfile.TemporaryDirectory(prefix="jixiao-pdf-") as work:
        folder = Path(work)
        # Numbered names: stems are unique however the outputs are named.
        sources = [folder / f"{i:05d}.docx" for i in range(len(contents))]
        for done, (content, source) in enumerate(zip(contents, sources, strict=True), start=1):
            write_docx(content, source)
            if progress is not None:
                progress(done, len(contents) * 2)
        pdfs = convert_to_pdf(sources, folder / "pdf")
        for pdf, out in zip(pdfs, outs, strict=True):
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(pdf), out)
        if progress is not None:
            progress(len(contents) * 2, len(contents) * 2)
    return list(outs)
