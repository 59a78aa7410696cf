"""PDF reports through LibreOffice: one process for a batch vs. one process per file.

Writes N .docx reports (the seed's unit under N names, so every file differs), then converts
them to PDF (a) in one ``soffice --convert-to pdf`` call with all N files and (b) for a
sample of S files, one ``soffice`` call per file (each with its own fresh profile, as
:func:`jixiao.reports.pdf.convert_to_pdf` does for a single file). The per-file time of (b)
is extrapolated to N; both are printed as reports per second, with the ratio.

    .venv/bin/python bench/report_pdf_batch.py [--count 200] [--sample 10]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from jixiao.core.scoring import score
from jixiao.ingest.evaluation_file import load_evaluation
from jixiao.ingest.framework_file import resolve_framework
from jixiao.reports.content import build_content
from jixiao.reports.docx_writer import write_docx
from jixiao.reports.pdf import convert_to_pdf, find_soffice

#: Its targets and weights are assumed: only review copies can be made of it (docs/reports.md).
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "donghu-2021.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description="PDF 批量转换：一个 LibreOffice 进程 vs 每个文件一个进程")
    parser.add_argument("--count", type=int, default=200, help="批量转换的报告数")
    parser.add_argument("--sample", type=int, default=10, help="逐个转换的抽样数（结果按比例外推到 --count）")
    args = parser.parse_args()
    if find_soffice() is None:
        sys.exit("未找到 LibreOffice（apt-get install libreoffice-writer-nogui fonts-noto-cjk），无法运行本基准")

    evaluation = load_evaluation(EXAMPLE)
    framework = resolve_framework(evaluation.framework, "dept-generic-2020")
    card = score(evaluation, framework)
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-pdf-") as work:
        folder = Path(work)
        started = time.perf_counter()
        files = []
        for i in range(args.count):
            unit = replace(evaluation.unit, name=f"{evaluation.unit.name}（样本{i + 1:03d}）")
            content = build_content(replace(evaluation, unit=unit), card, framework=framework, review_copy=True)
            path = folder / "docx" / f"r{i:04d}.docx"
            path.parent.mkdir(exist_ok=True)
            write_docx(content, path)
            files.append(path)
        written = time.perf_counter() - started
        print(f"生成 {args.count} 份 .docx：{written:.1f} s（{written / args.count * 1000:.0f} ms/份）")

        started = time.perf_counter()
        pdfs = convert_to_pdf(files, folder / "batch")
        batch = time.perf_counter() - started
        assert len(pdfs) == args.count
        print(
            f"一个 LibreOffice 进程转换 {args.count} 份：{batch:.1f} s，"
            f"{args.count / batch:.2f} 份/秒（{batch / args.count * 1000:.0f} ms/份，含一次启动）"
        )

        singles = []
        for i, file in enumerate(files[: args.sample]):
            started = time.perf_counter()
            convert_to_pdf([file], folder / "single" / str(i))
            singles.append(time.perf_counter() - started)
        per_file = statistics.mean(singles)
        projected = per_file * args.count
        print(
            f"每份一个 LibreOffice 进程（抽样 {args.sample} 份）：平均 {per_file:.2f} s/份，"
            f"中位数 {statistics.median(singles):.2f} s，{1 / per_file:.2f} 份/秒；"
            f"外推 {args.count} 份约 {projected:.0f} s"
        )
        print(f"批量为逐个转换的 {projected / batch:.1f} 倍速度（{args.count} 份）")


if __name__ == "__main__":
    main()
