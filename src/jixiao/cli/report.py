"""``jixiao report``: the work behind the command (the Typer command itself is in jixiao.cli.app).

Each file is loaded, scored (and checked for the review copy) through :mod:`jixiao.pipeline`,
then written in the chosen format; a batch of PDFs goes through one LibreOffice process.
Unreadable files are reported in Chinese and skipped; the exit code is 2 if any file could
not be read or written, else 0 (findings never fail a report).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import cast

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from jixiao.ingest.errors import InputError
from jixiao.pipeline import FileResult, choose_framework, collect_files, evaluate_file
from jixiao.reports.api import FORMATS, Format, ReportJob, render_many
from jixiao.reports.charts import FontWarning
from jixiao.reports.content import assumed_message
from jixiao.reports.context import assumed_fields
from jixiao.reports.pdf import ReportError
from jixiao.reports.templates import ReportTemplate, load_template

REVIEW_SUFFIX = "-审核版"


def output_paths(files: Sequence[Path], fmt: str, output: Path, *, review: bool) -> list[Path]:
    """Where each report goes: ``output`` itself for one file named ``*.fmt``, else ``output/<stem>.fmt``.

    Two inputs with the same stem (a.yaml and a.xlsx, or two folders) get ``a.docx`` and ``a-2.docx``.
    """
    suffix = f".{fmt}"
    if len(files) == 1 and output.suffix.lower() == suffix:
        return [output]
    taken: set[str] = set()
    paths = []
    for file in files:
        stem = file.stem + (REVIEW_SUFFIX if review else "")
        name, n = stem, 1
        while name.lower() in taken:
            n += 1
            name = f"{stem}-{n}"
        taken.add(name.lower())
        paths.append(output / f"{name}{suffix}")
    return paths


def run_report(
    paths: Sequence[str],
    fmt: str,
    output: Path,
    *,
    review: bool = False,
    template: str | None = None,
    framework: str | None = None,
    console: Console | None = None,
) -> int:
    """Write reports for ``paths``; returns the exit code (0 all written, 2 some file failed)."""
    err = console or Console(stderr=True, soft_wrap=True)
    if fmt not in FORMATS:
        raise InputError(f"--format 应为 {'、'.join(FORMATS)} 之一（现为“{fmt}”）")
    chosen: ReportTemplate | None = load_template(template) if template else None
    files, problems = collect_files(paths)
    show = err.is_terminal and len(files) > 1
    results = _evaluate(files, framework, review, err, show)
    failures = [*problems, *(r for r in results if not r.ok)]
    good = [r for r in results if r.ok and r.evaluation is not None and r.scorecard is not None]
    # Assumed values are never printed as facts: such a file gets a review copy or nothing (docs/reports.md).
    refused = [] if review else [r for r in good if r.evaluation is not None and assumed_fields(r.evaluation)]
    good = [r for r in good if r not in refused]
    written: list[Path] = []
    if good:
        outs = output_paths([Path(r.file) for r in good], fmt, output, review=review)
        jobs = [_job(result, out, framework) for result, out in zip(good, outs, strict=True)]
        try:
            written = _render(jobs, cast(Format, fmt), review, chosen, err, show)
        except ReportError as error:
            err.print(Text(f"错误：{error}", style="red"))
            return 2
    for failure in failures:
        err.print(Text(f"✗ 无法生成：{failure.error}", style="red"))
    for result in refused:
        assert result.evaluation is not None
        err.print(Text(f"✗ {result.file}：{assumed_message(result.evaluation)}", style="red"))
    kind = "自评表" if fmt == "xlsx" else ("审核版报告" if review else "报告")
    summary = f"已生成 {len(written)} 个{kind}（{fmt}）"
    if written:
        summary += f"，位于 {written[0].parent}" if len({p.parent for p in written}) == 1 else ""
    if failures:
        summary += f"；{len(failures)} 个文件无法读取"
    if refused:
        summary += f"；{len(refused)} 个文件有假设值，只能生成审核版（--review）"
    err.print(Text(summary, style="bold"))
    return 2 if failures or refused else 0


def _evaluate(files: Sequence[Path], framework: str | None, review: bool, err: Console, show: bool) -> list[FileResult]:
    results = []
    with _progress(err, "读取并评分", show) as progress:
        task = progress.add_task("读取", total=len(files))
        for file in files:
            results.append(evaluate_file(file, framework, run_checks=review))
            progress.advance(task)
    return results


def _job(result: FileResult, out: Path, framework: str | None) -> ReportJob:
    assert result.evaluation is not None and result.scorecard is not None  # filtered by the caller
    chosen = result.framework or choose_framework(result.evaluation, framework, Path(result.file))
    return ReportJob(result.evaluation, result.scorecard, out, findings=result.findings, framework=chosen)


def _render(
    jobs: list[ReportJob], fmt: Format, review: bool, template: ReportTemplate | None, err: Console, show: bool
) -> list[Path]:
    label = "转换 PDF" if fmt == "pdf" else "生成"
    with _progress(err, label, show) as progress, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", FontWarning)
        task = progress.add_task(label, total=len(jobs))

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        written = render_many(jobs, fmt, review_copy=review, template=template, progress=advance)
    for warning in {str(w.message) for w in caught if issubclass(w.category, FontWarning)}:
        err.print(Text(f"提示：{warning}", style="yellow"))
    return written


def _progress(err: Console, label: str, show: bool) -> Progress:
    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("已用"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not show,
    )
