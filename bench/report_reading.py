"""Benchmark: how many labelled budget figures the report text reader extracts exactly.

    .venv/bin/python bench/report_reading.py [--repeat 20] [--detail]

Reads every labelled report in src/jixiao/testing/reports (docs/report-reading.md §七; the seed
only when ../shared is next to the repository), runs jixiao.ingest.report_text on its text and
compares the distinct (field, value) pairs with the hand labels. Prints per report and overall:
recall (labelled pairs found exactly), precision (extracted pairs that are labelled) and the
time per report, and the same for the held-out reports alone (labelled before the reader first
ran on them; `holdout: true`). Target for later: recall ≥ 95% exact.
"""

from __future__ import annotations

import argparse
import time

from jixiao.ingest.report_text import read_report_text
from jixiao.testing import reportlabels


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    —"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="reads per report for the timing")
    parser.add_argument("--detail", action="store_true", help="list missed and extra figures")
    args = parser.parse_args(argv)
    found = expected = extracted = correct = 0
    held = [0, 0]  # found, expected among the held-out reports
    elapsed = 0.0
    reports = [reportlabels.load(report_id) for report_id in reportlabels.report_ids()]
    readable = [r for r in reports if r.text is not None]
    if len(readable) < len(reports):
        print("（../shared 不在仓库旁边：种子报告未计入）")
    print(f"{'report':28} {'found':>7} {'recall':>7} {'precision':>9} {'ms/report':>10}")
    for report in readable:
        assert report.text is not None
        start = time.perf_counter()
        for _ in range(args.repeat):
            reading = read_report_text(report.text)
        per_report = (time.perf_counter() - start) / args.repeat
        elapsed += per_report
        labelled, got = report.expected_pairs(), reading.pairs()
        hit = len(labelled & got)
        found, expected = found + hit, expected + len(labelled)
        if report.labels.get("holdout"):
            held = [held[0] + hit, held[1] + len(labelled)]
        extracted, correct = extracted + len(got), correct + len(got & labelled)
        print(f"{report.id:28} {hit:>3}/{len(labelled):<3} {_pct(hit, len(labelled)):>7} "
              f"{_pct(len(got & labelled), len(got)):>9} {1000 * per_report:>10.2f}")  # fmt: skip
        if args.detail:
            for field, value in sorted(labelled - got):
                print(f"    missed  {field} {value}")
            for field, value in sorted(got - labelled):
                print(f"    extra   {field} {value}")
    print(f"{'held-out only':28} {held[0]:>3}/{held[1]:<3} {_pct(held[0], held[1]):>7}")
    print(f"{'all':28} {found:>3}/{expected:<3} {_pct(found, expected):>7} {_pct(correct, extracted):>9} "
          f"{1000 * elapsed / len(readable):>10.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
