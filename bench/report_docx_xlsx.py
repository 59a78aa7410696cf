"""One 部门整体 report (the seed's unit) written as .docx and as .xlsx, in-process, per call.

Each timed call builds the content from evaluation + scorecard and writes the file to memory.
Charts are part of the .docx: "warm" calls reuse the PNGs drawn for the same content (the
chart cache: a report written in several formats, or written again, draws its charts once);
"cold" calls clear that cache first, so both charts are drawn (Pillow) every time. The font
lookup is cached per process in both. Targets: .docx ≤ 100 ms, .xlsx ≤ 100 ms.

    .venv/bin/python bench/report_docx_xlsx.py [--runs 50]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from jixiao.core.scoring import score
from jixiao.ingest.evaluation_file import load_evaluation
from jixiao.ingest.framework_file import resolve_framework
from jixiao.reports.charts import _render, chart_font, chart_png
from jixiao.reports.content import build_content
from jixiao.reports.docx_writer import write_docx
from jixiao.reports.html import html_document
from jixiao.reports.xlsx_writer import write_xlsx

#: Its targets and weights are assumed: only review copies can be made of it (docs/reports.md).
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "donghu-2021.yaml"


Timing = tuple[list[float], list[float]]  # wall-clock and CPU milliseconds, each sorted


def timed(runs: int, work: Callable[[], object], before: Callable[[], object] | None = None) -> Timing:
    """Wall-clock and CPU time of each call. On a shared machine the wall clock includes the
    time other processes hold the cores; the CPU time is what the call itself costs."""
    wall, cpu = [], []
    for _ in range(runs):
        if before is not None:
            before()
        started, started_cpu = time.perf_counter(), time.process_time()
        work()
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return sorted(wall), sorted(cpu)


def show(label: str, timing: Timing, target: float | None = None) -> None:
    wall, cpu = timing
    median, cpu_median = statistics.median(wall), statistics.median(cpu)
    p95 = wall[max(int(len(wall) * 0.95) - 1, 0)]
    goal = f"（目标 ≤ {target:.0f} ms，{'达标' if median <= target else '未达标'}）" if target else ""
    print(
        f"{label}：中位数 {median:.1f} ms，p95 {p95:.1f} ms，最大 {wall[-1]:.1f} ms{goal}；"
        f"CPU 时间中位数 {cpu_median:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="单份部门整体自评报告 .docx / .xlsx 生成耗时")
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()

    evaluation = load_evaluation(EXAMPLE)
    framework = resolve_framework(evaluation.framework, "dept-generic-2020")
    card = score(evaluation, framework)
    started = time.perf_counter()
    print(f"中文字体：{chart_font()}（首次查找 {(time.perf_counter() - started) * 1000:.0f} ms，此后缓存）")

    def content() -> object:
        return build_content(evaluation, card, framework=framework, review_copy=True)

    def docx() -> None:
        write_docx(build_content(evaluation, card, framework=framework, review_copy=True), io.BytesIO())

    def charts() -> None:
        for chart in build_content(evaluation, card, framework=framework, review_copy=True).charts:
            chart_png(chart)

    def xlsx() -> None:
        write_xlsx(build_content(evaluation, card, framework=framework, review_copy=True), io.BytesIO())

    def html() -> None:
        html_document(build_content(evaluation, card, framework=framework, review_copy=True))

    for _ in range(3):  # warm-up: imports, font cache, chart cache
        docx()
        xlsx()
    sample = io.BytesIO()
    write_docx(build_content(evaluation, card, framework=framework, review_copy=True), sample)
    size = len(sample.getvalue()) // 1024
    print(f"报告：{evaluation.unit.name}，{len(evaluation.indicators)} 项指标，2 张图表，.docx {size} KB")
    print(f"负载：{' '.join(f'{x:.1f}' for x in os.getloadavg())}（{os.cpu_count()} 个核；负载高于核数时墙钟时间偏大）")
    show(f"{args.runs} 次 报告内容（build_content）", timed(args.runs, content))
    show(f"{args.runs} 次 两张图表（每次重新绘制）", timed(args.runs, charts, _render.cache_clear))
    show(f"{args.runs} 次 .docx（含图表，图表已缓存）", timed(args.runs, docx), 100)
    show(f"{args.runs} 次 .docx（含图表，每次重新绘制）", timed(args.runs, docx, _render.cache_clear), 100)
    show(f"{args.runs} 次 .xlsx（自评表）", timed(args.runs, xlsx), 100)
    show(f"{args.runs} 次 .html（预览，图表已缓存）", timed(args.runs, html))


if __name__ == "__main__":
    main()
