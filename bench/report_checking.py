"""Benchmark: written reports through `jixiao check` — accuracy of the findings, time per report, a batch.

    .venv/bin/python bench/report_checking.py [--batch 200] [--repeat 5] [--detail]

1. Findings on the labelled reports (src/jixiao/testing/reports, docs/report-reading.md §七; the
   seed only when ../shared is next to the repository): each report's text goes through
   jixiao.pipeline.evaluate_file; a finding is correct when the hand labels of that report name its
   code. Prints precision (correct ÷ reported) and recall (labelled codes found ÷ labelled codes of
   the kinds jixiao checks), per report and overall. Two codes are counted as the labels' codes they
   replace, printed below: the labels were written before these codes existed.
2. Time of reading + checking one report: the seed as .txt, as .docx and as a PDF of about ten
   pages (the seed text and half of it again, made through LibreOffice when installed), and a PDF
   of about as many pages with a self-evaluation table over two pages (read as a table).
3. A batch: --batch .docx reports (the labelled texts, repeated) checked by `jixiao check DIR
   --json` with all cores, total wall time.
Targets (issue 14): ≤ 200 ms per text/.docx report, ≤ 1 s per 10-page PDF, precision ≥ 0.9.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jixiao.core.checks import Code
from jixiao.pipeline import evaluate_file
from jixiao.reports import pdf
from jixiao.testing import reportlabels
from jixiao.testing.reportfiles import self_evaluation_table, write_docx

#: Codes reported now → the label code they stand for in labels written before them.
EQUIVALENT = {
    # a sum of listed parts ("…2263万元，分为…") labelled as the source-sum code
    "REPORT_PARTS_SUM_MISMATCH": {"BUDGET_SOURCE_SUM_MISMATCH", "BUDGET_NATURE_SUM_MISMATCH"},
    # a satisfaction figure with nothing said about its survey (main's code since issue 9)
    "SATISFACTION_EVIDENCE_UNKNOWN": {"SATISFACTION_SURVEY_INCOMPLETE"},
}


def _findings(folder: Path, detail: bool) -> None:
    known = {code.value for code in Code}
    reported = correct = labelled_total = found_total = 0
    print(f"{'report':28} {'reported':>8} {'correct':>8} {'labelled':>9} {'found':>6}")
    for report_id in reportlabels.report_ids():
        report = reportlabels.load(report_id)
        if report.text is None:
            print(f"{report_id:28} （../shared 不在仓库旁边：未计入）")
            continue
        path = folder / f"{report_id}.txt"
        path.write_text(report.text, "utf-8")
        result = evaluate_file(path)
        labels = {f["code"] for f in report.labels.get("findings") or []}
        got = [f.code for f in result.findings]
        hits = [code for code in got if code in labels or EQUIVALENT.get(code, set()) & labels]
        checkable = {code for code in labels if code in known}  # kinds jixiao has a rule for
        found = {code for code in checkable if code in got or any(code in EQUIVALENT.get(g, set()) for g in got)}
        reported, correct = reported + len(got), correct + len(hits)
        labelled_total, found_total = labelled_total + len(checkable), found_total + len(found)
        print(f"{report_id:28} {len(got):>8} {len(hits):>8} {len(checkable):>9} {len(found):>6}")
        if detail:
            for finding in result.findings:
                mark = "ok " if finding.code in hits else "XX "
                print(f"    {mark}{finding.code} {finding.severity.value} {finding.message[:70]}")
            for code in sorted(checkable - found):
                print(f"    missed {code}")
    precision = correct / reported if reported else 0.0
    recall = found_total / labelled_total if labelled_total else 0.0
    print(f"findings: precision {correct}/{reported} = {precision:.2f}; "
          f"recall of labelled kinds jixiao checks {found_total}/{labelled_total} = {recall:.2f}")  # fmt: skip
    print("counted as the labels' codes:", {code: sorted(codes) for code, codes in EQUIVALENT.items()})


def _timed(path: Path, repeat: int) -> float:
    evaluate_file(path)  # warm: frameworks and imports
    start = time.perf_counter()
    for _ in range(repeat):
        result = evaluate_file(path)
        assert result.ok, result.error
    return 1000 * (time.perf_counter() - start) / repeat


def _single(folder: Path, repeat: int) -> None:
    text = reportlabels.seed_text()
    if text is None:
        print("（../shared 不在仓库旁边：无种子报告，不计时）")
        return
    txt = folder / "seed.txt"
    txt.write_text(text, "utf-8")
    docx_path = write_docx(text, folder / "seed.docx")
    print(f"one report, read + checked: .txt {_timed(txt, repeat):.1f} ms · .docx {_timed(docx_path, repeat):.1f} ms")
    if not pdf.libreoffice_available():
        print("（没有 LibreOffice：不测 PDF）")
        return
    lines = text.splitlines()
    long_docx = write_docx(text + "\n" + "\n".join(lines[: len(lines) // 2]), folder / "seed-long.docx")
    rows, merges = self_evaluation_table()
    with_table = write_docx(text + "\n" + "\n".join(lines[: len(lines) // 3]), folder / "seed-table.docx",
                            table=rows, merges=merges, header_rows=2)  # fmt: skip
    made, made_table = pdf.convert_to_pdf([long_docx, with_table], folder / "pdf")
    result = evaluate_file(made)
    pages = result.report.document.pages if result.report else None
    print(f"PDF of {pages} pages, read + checked: {_timed(made, max(1, repeat // 2)):.0f} ms")
    result = evaluate_file(made_table)
    assert result.report is not None and result.report.table_read, "the self-evaluation table was not read"
    names = ", ".join(grid.name for grid in result.report.document.tables)
    print(f"PDF of {result.report.document.pages} pages with a self-evaluation table ({names}), read + checked: "
          f"{_timed(made_table, max(1, repeat // 2)):.0f} ms")  # fmt: skip


def _batch(folder: Path, count: int) -> None:
    texts = [r.text for r in map(reportlabels.load, reportlabels.report_ids()) if r.text is not None]
    batch = folder / "batch"
    batch.mkdir()
    for i in range(count):
        write_docx(texts[i % len(texts)], batch / f"report-{i:03d}.docx")
    cores = os.cpu_count() or 1
    command = [sys.executable, "-m", "jixiao", "check", str(batch), "--json", "--workers", str(cores)]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    checked = done.stdout.count('"ok": true')
    print(f"batch: {count} .docx reports, `jixiao check DIR --workers {cores}`: {elapsed:.1f} s total "
          f"({1000 * elapsed / count:.0f} ms per report wall), {checked} read and checked, "
          f"exit {done.returncode}")  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=200, help="reports in the batch run (0: skip)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per file for the single-report times")
    parser.add_argument("--detail", action="store_true", help="list every finding and every missed label")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _findings(folder, args.detail)
        _single(folder, args.repeat)
        if args.batch:
            _batch(folder, args.batch)


if __name__ == "__main__":
    main()
